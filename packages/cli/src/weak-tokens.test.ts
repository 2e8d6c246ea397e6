import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

/**
 * Weak values that look random, in Scout's own rendered deployment: `render` plus the Secret
 * `secrets generate` writes for it, with one value replaced as a person would. `check` reports
 * each at the value's line, saying what it is, and never prints the value.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
const config = join(repo, "examples/minimal/scout-deploy.yaml");
const b64 = (text: string) => Buffer.from(text).toString("base64");
const hash = (algorithm: string, text: string, encoding: "hex" | "base64" = "hex") =>
  createHash(algorithm).update(text).digest(encoding);

let dir: string;
let secretText: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "scout-weak-tokens-"));
  const render = await runCli(["render", "--config", config, "--out", "out"], { cwd: dir });
  expect(render.code, render.stderr).toBe(0);
  const generate = await runCli(
    ["secrets", "generate", "--config", config, "--out", "out/10-secrets.yaml"],
    { cwd: dir },
  );
  expect(generate.code, generate.stderr).toBe(0);
  secretText = readFileSync(join(dir, "out/10-secrets.yaml"), "utf8");
});

interface Finding {
  ruleId: string;
  file: string;
  line: number;
  message: string;
}

/** `check` of the rendered deployment with `key`'s value replaced by `value`. */
async function checkWith(values: Record<string, string>): Promise<Finding[]> {
  let text = secretText;
  for (const [key, value] of Object.entries(values)) {
    text = text.replace(new RegExp(`^(  ${key}: ).*$`, "m"), `$1${b64(value)}`);
  }
  writeFileSync(join(dir, "out/10-secrets.yaml"), text);
  const run = await runCli(["check", "out", "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  for (const value of Object.values(values)) {
    expect(run.stdout).not.toContain(value);
    expect(run.stdout).not.toContain(b64(value));
  }
  return (JSON.parse(run.stdout) as { findings: Finding[] }).findings.filter((f) =>
    f.ruleId.startsWith("secrets/"),
  );
}

const lineOf = (key: string) =>
  secretText.split("\n").findIndex((line) => line.startsWith(`  ${key}: `)) + 1;

describe("secrets/strong-token finds weak values that look random", () => {
  it("passes the generated Secret", async () => {
    expect(await checkWith({})).toEqual([]);
  });

  it.each([
    [
      "the hex SHA-256 of password",
      hash("sha256", "password"),
      /SHA-256 of the common password "password"/,
    ],
    [
      "the base64 SHA-256 of password",
      hash("sha256", "password", "base64"),
      /SHA-256 of the common password "password"/,
    ],
    ["the hex MD5 of scout", hash("md5", "scout"), /MD5 of the common password "scout"/],
    [
      "the hex SHA-1 of admin123",
      hash("sha1", "admin123"),
      /SHA-1 of the common password "admin123"/,
    ],
    [
      "the SHA-256 of `echo letmein`",
      hash("sha256", "letmein\n"),
      /SHA-256 of the common password "letmein"/,
    ],
    [
      "a keyboard walk",
      "qwertyuiopasdfghjklzxcvbnm1234567890!@#$%^&*()",
      /is five keyboard walks: about \d+ bits to guess/,
    ],
    ["keyboard columns", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p!QAZ@WSX#EDC", /keyboard walk/],
    [
      "a camel-case phrase",
      "CorrectHorseBatteryStapleIsMyPassword2024!",
      /common passwords, a year and five other characters/,
    ],
    ["a sentence", "this-is-my-super-secret-redis-password-for-production", /dictionary words/],
    [
      "leetspeak repeated",
      "P@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rd!!",
      /a common password in l33t, repeated 4 times/,
    ],
  ])("%s", async (_, value, message) => {
    const findings = await checkWith({ "api-token": value });
    expect(findings).toEqual([
      {
        ...findings[0],
        ruleId: "secrets/strong-token",
        file: "out/10-secrets.yaml",
        line: lineOf("api-token"),
        message: expect.stringMatching(message),
      },
    ]);
  });

  it("passes a random token that holds a word by chance", async () => {
    const token = `${randomBytes(32).toString("base64").slice(0, 20)}password${randomBytes(32).toString("base64").slice(0, 24)}`;
    expect(await checkWith({ "api-token": token })).toEqual([]);
  });
});

describe("secrets check", () => {
  it("exits 1 on a keyboard walk, naming the key and what was found, never the value", async () => {
    const walk = "qwertyuiopasdfghjklzxcvbnm1234567890!@#$%^&*()";
    writeFileSync(
      join(dir, "weak.yaml"),
      secretText.replace(/^( {2}api-token: ).*$/m, `$1${b64(walk)}`),
    );
    const run = await runCli(["secrets", "check", "weak.yaml"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("weak.yaml\n");
    expect(run.stdout).toMatch(
      new RegExp(`^ +${lineOf("api-token")}:3-.* key "api-token" .* is five keyboard walks`, "m"),
    );
    expect(run.stdout + run.stderr).not.toContain(walk);
  });
});

describe("secrets check of a passphrase counts its words", () => {
  // Words of the EFF long list (12.9 bits each), as Bitwarden and diceware draw them.
  const words =
    "acorn unwound plating glimpse trophy scuba mahogany fidgety rumble outpost velvet dilute ember stencil hazard quiver tundra walnut sprinkler bobcat".split(
      " ",
    );
  const checkOf = async (value: string) => {
    writeFileSync(
      join(dir, "phrase.yaml"),
      secretText.replace(/^( {2}api-token: ).*$/m, `$1${b64(value)}`),
    );
    const run = await runCli(["secrets", "check", "phrase.yaml"], { cwd: dir });
    expect(run.stdout + run.stderr).not.toContain(value);
    return run;
  };

  it.each([
    ["dashes", words.join("-")],
    [
      "capitals, dots and a digit (Bitwarden)",
      `${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(".")}7`,
    ],
  ])("passes twenty random words joined by %s", async (_, phrase) => {
    const run = await checkOf(phrase);
    expect(run.stdout).toContain("no problems");
    expect(run.code).toBe(0);
  });

  it("fails ten words as too short, in words", async () => {
    const run = await checkOf(words.slice(0, 10).join("-"));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^ +${lineOf("api-token")}:3-.* key "api-token" .* is too short: 10 words give about \\d+ bits; 20 words of a 7,776-word list are needed`,
        "m",
      ),
    );
  });

  it("fails one word twenty times", async () => {
    const run = await checkOf(Array(20).fill("velvet").join("-"));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/key "api-token" .* repeated 19 times/);
  });
});

describe("one token for two secrets", () => {
  it("is secrets/reuse's finding, at the second key", async () => {
    const token = randomBytes(32).toString("base64");
    const findings = await checkWith({ "api-token": token, "redis-password": token });
    expect(findings.map((f) => [f.ruleId, f.line])).toEqual([
      ["secrets/reuse", Math.max(lineOf("api-token"), lineOf("redis-password"))],
    ]);
  });
});
