import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeReading, estimateGuessable, isKeyboardWalk } from "./guessable.js";
import { hashedWord } from "./hashed.js";
import { assessBytes, assessStrength, guessableReading, MIN_GUESSABLE_SAVING } from "./strength.js";

const digest = (algorithm: string, text: string) => createHash(algorithm).update(text).digest();
const found = (value: string) => {
  const strength = assessStrength(value);
  return { weaknesses: strength.weaknesses, found: describeReading(strength.guessable!) };
};

describe("the digest of a common password or word", () => {
  it.each([
    ["md5", "scout", "MD5"],
    ["sha1", "admin123", "SHA-1"],
    ["sha256", "password", "SHA-256"],
    ["sha384", "changeme", "SHA-384"],
    ["sha512", "letmein", "SHA-512"],
  ])("%s(%s) in hex, HEX, base64 and base64url, and as raw bytes", (algorithm, word, name) => {
    const bytes = digest(algorithm, word);
    for (const text of [
      bytes.toString("hex"),
      bytes.toString("hex").toUpperCase(),
      bytes.toString("base64"),
      bytes.toString("base64url"),
    ]) {
      expect(assessStrength(text), text).toMatchObject({
        strong: false,
        hashOf: { algorithm: name, word, list: "password" },
      });
      expect(assessStrength(text).weaknesses[0]).toBe("hashed-word");
    }
    expect(assessBytes(bytes).weaknesses[0]).toBe("hashed-word");
  });

  it("knows `echo word | sha256sum` (a trailing newline), the empty text and Scout's own words", () => {
    expect(hashedWord(digest("sha256", "letmein\n").toString("hex"))).toMatchObject({
      word: "letmein",
    });
    expect(hashedWord(digest("sha256", "").toString("hex"))).toMatchObject({ word: "" });
    expect(hashedWord(digest("sha256", "redis").toString("hex"))).toMatchObject({ word: "redis" });
    // base64 of the hex text: judged as that text, which is the digest.
    const encoded = Buffer.from(digest("sha256", "password").toString("hex")).toString("base64");
    expect(assessStrength(encoded).weaknesses).toEqual(["encoded-text", "hashed-word"]);
  });

  it("leaves the digest of a random text alone, and values of other lengths", () => {
    for (let i = 0; i < 200; i++) {
      expect(
        hashedWord(digest("sha256", randomBytes(16).toString("hex")).toString("hex")),
      ).toBeUndefined();
      expect(hashedWord(randomBytes(32))).toBeUndefined();
    }
    expect(hashedWord(digest("sha256", "password").toString("hex").slice(0, 62))).toBeUndefined();
  });
});

describe("what a guesser tries before random characters", () => {
  it.each([
    ["qwertyuiopasdfghjklzxcvbnm1234567890!@#$%^&*()", "five keyboard walks"],
    ["zxcvbnmasdfghjklqwertyuiop0987654321zxcvbnm", "keyboard walk"],
    [
      "CorrectHorseBatteryStapleIsMyPassword2024!",
      "five common passwords, a year and five other characters",
    ],
    ["this-is-my-super-secret-redis-password-for-production", "five dictionary words"],
    ["P@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rd!!", "a common password in l33t, repeated 4 times"],
    ["correcthorsebatterystaplecorrecthorsebattery", "common password"],
  ])("%s: %s", (value, description) => {
    expect(found(value)).toMatchObject({
      weaknesses: expect.arrayContaining(["guessable"]),
      found: expect.stringContaining(description),
    });
    expect(found(value).weaknesses[0]).toBe("guessable");
  });

  it("estimates the bits left to guess: a few words cost their ranks, not their length", () => {
    const reading = estimateGuessable("passwordpassword", 6);
    expect(reading.patterns.map((p) => p.kind)).toEqual(["repeat"]);
    expect(reading.bits).toBeLessThan(16);
    expect(estimateGuessable("m0nk3y", 6.57).patterns[0]).toMatchObject({
      l33t: true,
      word: "monkey",
    });
  });

  it("reads l33t as a person spells it: most letters kept, none in a three-letter word", () => {
    // Runs of digits and symbols in random text are no words a person typed.
    for (const [text, word] of [
      ["8345+", "beast"],
      ["[0ra1", "coral"],
      ["937", "get"],
      ["6od", "god"],
      ["b4d", "bad"],
    ] as const) {
      const words = estimateGuessable(text, 6.57).patterns.map((p) => p.word);
      expect(words, text).not.toContain(word);
    }
    expect(estimateGuessable("P@ssw0rd", 6.57).patterns[0]).toMatchObject({ word: "password" });
    expect(estimateGuessable("d3n$e", 6.57).patterns[0]).toMatchObject({ word: "dense" });
  });

  it("passes a random token that holds a word, a walk or a year by chance", () => {
    for (let i = 0; i < 100; i++) {
      const [a, b] = [randomBytes(24).toString("base64"), randomBytes(24).toString("base64")];
      expect(assessStrength(`${a}password${b}`).weaknesses).toEqual([]);
      expect(assessStrength(`${a}qwerty2024${b}`).weaknesses).toEqual([]);
    }
  });

  it("needs a saving far above what random text shows by chance", () => {
    // Random values: at most 26.1 bits saved in 1,800,000 (bench/random-margin.bench.mjs).
    expect(MIN_GUESSABLE_SAVING).toBeGreaterThanOrEqual(40);
    for (let i = 0; i < 500; i++)
      expect(guessableReading(randomBytes(32).toString("base64"))).toBeUndefined();
  });

  it("leaves values too long to estimate to the character measures", () => {
    expect(guessableReading("password".repeat(40))).toBeUndefined();
  });

  it("isKeyboardWalk", () => {
    expect(isKeyboardWalk("qwerty")).toBe(true);
    expect(isKeyboardWalk("1qaz")).toBe(true);
    expect(isKeyboardWalk("!@#$")).toBe(true);
    expect(isKeyboardWalk("qwa")).toBe(false);
    expect(isKeyboardWalk("qwertz")).toBe(false);
  });
});
