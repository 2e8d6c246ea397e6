import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  alphabetBits,
  assessStrength,
  describeMeasure,
  estimateBits,
  isPlaceholder,
  longestSequentialRun,
  repeatingPeriod,
  shannonEntropy,
  withoutRuns,
} from "./strength.js";
import { capitalized, DICEWARE_WORDS } from "./testing/index.js";

const weaknessesOf = (value: string) => assessStrength(value).weaknesses;

describe("assessStrength", () => {
  it("passes 32 random bytes however they are encoded", () => {
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(32);
      expect(weaknessesOf(bytes.toString("base64"))).toEqual([]);
      expect(weaknessesOf(bytes.toString("base64url"))).toEqual([]);
      expect(weaknessesOf(bytes.toString("hex"))).toEqual([]);
    }
  });

  it("judges a readable text encoded once more (base64 or hex) by the text", () => {
    const phrase = "scout-api-token-production-2026-12-07-do-not-share";
    const base64 = Buffer.from(phrase).toString("base64");
    expect(assessStrength(base64)).toMatchObject({
      strong: false,
      encoding: "base64",
      weaknesses: ["encoded-text", "guessable"],
    });
    const hex = Buffer.from("scout-api-token-production-2026-12-07-do").toString("hex");
    expect(assessStrength(hex)).toMatchObject({ encoding: "hex" });
    expect(weaknessesOf(hex)[0]).toBe("encoded-text");
    expect(weaknessesOf(Buffer.from("changeme-changeme-changeme").toString("base64"))).toContain(
      "placeholder",
    );
  });

  it("passes random tokens encoded once more: the text they encode is itself strong", () => {
    for (let i = 0; i < 50; i++) {
      const hex = randomBytes(32).toString("hex");
      const base64 = randomBytes(32).toString("base64");
      expect(weaknessesOf(Buffer.from(hex).toString("base64"))).toEqual([]);
      expect(weaknessesOf(Buffer.from(base64).toString("base64"))).toEqual([]);
      expect(weaknessesOf(Buffer.from(base64).toString("hex"))).toEqual([]);
    }
  });

  it("fails changeme and its cousins as placeholders", () => {
    for (const value of [
      "changeme",
      "CHANGEME",
      "change-me-please-0000000000000000000000000000",
      "password",
      "secret",
      "example",
      "xxx",
      "TODO",
      "your-api-token-here",
      "<redis-password>",
      `$${"{API_TOKEN}"}`,
      "my_secret_password_123",
    ]) {
      expect(weaknessesOf(value), value).toContain("placeholder");
    }
  });

  it("names a short common password by the listed word, and a short text by its words", () => {
    for (const [value, word] of <const>[
      ["letmein", "letmein"],
      ["admin123", "admin123"],
      ["password1", "password1"],
      ["LetMeIn", "letmein"],
      ["P@ssw0rd", "password"],
      ["monkey123", "monkey123"],
    ]) {
      expect(assessStrength(value), value).toMatchObject({
        weaknesses: ["common-password", "short"],
        commonWord: { word, list: "password" },
      });
    }
    expect(weaknessesOf("dragon2024")).toEqual(["guessable", "short"]);
    // Stand-ins stay placeholders, even where a list holds them too.
    for (const value of ["changeme", "password", "admin", "xxxxxx", "<redis-password>"])
      expect(weaknessesOf(value)[0], value).toBe("placeholder");
  });

  it("fails short tokens: fewer than 256 bits of alphabet", () => {
    expect(weaknessesOf(randomBytes(16).toString("base64"))).toEqual(["short"]);
    expect(weaknessesOf(randomBytes(31).toString("hex"))).toEqual(["short"]);
    expect(weaknessesOf("Tr0ub4dor&3")).toContain("short");
  });

  it("fails long but low-entropy strings", () => {
    expect(weaknessesOf("a".repeat(64))).toEqual(
      expect.arrayContaining(["low-entropy", "repetitive"]),
    );
    expect(weaknessesOf("ab".repeat(32))).toEqual(
      expect.arrayContaining(["low-entropy", "repetitive"]),
    );
    expect(weaknessesOf("Password123Password123Password123Password123")).toContain("repetitive");
    expect(weaknessesOf("Pa55word123Pa55word123Pa55word123Pa55word123")).toContain("low-entropy");
    expect(weaknessesOf("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")).toContain(
      "sequential",
    );
  });

  it("passes a random token that holds a run by chance", () => {
    const token = `012345${randomBytes(32).toString("hex").slice(6)}`;
    expect(weaknessesOf(token)).toEqual([]);
    expect(weaknessesOf(`${randomBytes(33).toString("base64")}abcdefgh`)).toEqual([]);
  });

  it("cuts every run of three or more to its first character", () => {
    expect(withoutRuns("abcdefXY9876q12")).toBe("aXY9q12");
  });

  it("counts each character at the bits of the alphabet it comes from", () => {
    expect(alphabetBits("k3j9x0q2".repeat(8))).toBeCloseTo(Math.log2(36));
    expect(alphabetBits(randomBytes(32).toString("hex"))).toBe(4);
    expect(alphabetBits("Ab3+/Ab3")).toBe(6);
    expect(alphabetBits("Ab3xYz9Q")).toBeCloseTo(Math.log2(62));
    // Both cases without digits: base64 that lacks its digits by chance (1 in 7,600) is still 64.
    expect(alphabetBits("AbcxYzQq")).toBeCloseTo(Math.log2(62));
    expect(alphabetBits("this-is-my-redis-password")).toBeCloseTo(Math.log2(26 + 33));
    // Only base64 is padded: printable text that ends in "==" by chance keeps its characters.
    expect(estimateBits('K$d3n$E3!;Wb`hOx"GUP~gPQUX8r>x~c.EE:3j==')).toBe(262);
    expect(weaknessesOf('LznhxxV;=U-qOtS`OKhSg+T3@"+jb.T$BG>&oO==')).toEqual([]);
  });

  it("reports the bits it estimated", () => {
    expect(estimateBits("hunter")).toBe(Math.floor(6 * Math.log2(26)));
    expect(estimateBits("FACADE")).toBe(24);
    expect(estimateBits(randomBytes(32).toString("hex"))).toBe(256);
    expect(estimateBits(randomBytes(32).toString("base64"))).toBe(258);
  });
});

describe("the pieces", () => {
  it("isPlaceholder leaves random text alone", () => {
    for (let i = 0; i < 500; i++)
      expect(isPlaceholder(randomBytes(32).toString("base64"))).toBe(false);
  });

  it("shannonEntropy", () => {
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
  });

  it("repeatingPeriod and longestSequentialRun", () => {
    expect(repeatingPeriod("abcabcabc")).toBe(3);
    expect(repeatingPeriod("abcabcab")).toBeUndefined();
    expect(longestSequentialRun("x123456y")).toBe(6);
    expect(longestSequentialRun("zyxwv")).toBe(5);
    expect(longestSequentialRun("aZ")).toBe(1);
  });
});

describe("a passphrase is counted by its words, not its characters", () => {
  const words = DICEWARE_WORDS;
  const capital = capitalized;

  it.each([
    ["dashes", words.join("-")],
    ["spaces", words.join(" ")],
    ["dots, capitals and a digit (Bitwarden)", `${words.map(capital).join(".")}7`],
    ["underscores", words.join("_")],
    ["capitals alone", words.map(capital).join("")],
    ["a digit between words (1Password)", words.join("4")],
  ])("passes twenty random words joined by %s", (_, phrase) => {
    const strength = assessStrength(phrase);
    expect(strength.weaknesses).toEqual([]);
    expect(strength.measure).toMatchObject({ unit: "words", count: 20 });
    expect(strength.estimatedBits).toBeGreaterThanOrEqual(256);
  });

  it("reports ten words as too short, in words, not as low entropy", () => {
    const strength = assessStrength(words.slice(0, 10).join("-"));
    expect(strength.weaknesses).toEqual(["short"]);
    expect(describeMeasure(strength)).toMatch(
      /^10 words give about 1[23]\d bits; 20 words of a 7,776-word list are needed$/,
    );
  });

  it.each([
    ["the same word twenty times", Array(20).fill("velvet").join("-")],
    [
      "a famous phrase",
      "the-quick-brown-fox-jumps-over-the-lazy-dog-and-runs-far-away-from-the-big-farm-house-at-night",
    ],
    [
      "a sentence of the guide",
      "Remember: Security is an ongoing process. Regularly review and update security configurations as threats evolve.",
    ],
    [
      "keyboard walks",
      "qwerty-asdfgh-zxcvbn-qwerty-asdfgh-zxcvbn-qwerty-asdfgh-zxcvbn-qwerty-asdfgh-zxcvbn-qwerty-asdfgh-zxcvbn",
    ],
    ["two words repeated", Array(10).fill("acorn-trophy").join("-")],
  ])("fails %s", (_, phrase) => {
    expect(assessStrength(phrase).strong).toBe(false);
  });
});
