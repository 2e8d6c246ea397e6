import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle, parseSource } from "@scout-deploy/core";
import { afterAll, describe, expect, it } from "vitest";
import { weakValues } from "./judge.js";
import { generateToken } from "./random.js";
import { cheapestReading, MIN_GUESSABLE_SAVING } from "./strength.js";

/**
 * Never cry wolf: tokens made the ways the guide and the tools make them are never weak. Each
 * source's tokens go into a Secret's `data` (credential-named keys) and through `weakValues`,
 * what `secrets/strong-token` reports. SCOUT_RANDOM_TOKENS sets how many per source (default
 * 2,000; 25,000 a source, 125,000 tokens in all, for the measure in the rule's README).
 */
const PER_SOURCE = Number(process.env.SCOUT_RANDOM_TOKENS ?? 2_000);
const has = (tool: string) => spawnSync(tool, ["version"], { stdio: "ignore" }).error === undefined;
for (const tool of ["openssl", "kubectl"]) {
  if (!has(tool) && process.env.CI === "true") throw new Error(`${tool} is not installed`);
}
const work = mkdtempSync(join(tmpdir(), "random-tokens-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `count` chunks of 32 bytes from `openssl rand`, as `openssl rand -base64 32` or `-hex 32` draws them. */
function opensslChunks(count: number): Buffer[] {
  const bytes = execFileSync("openssl", ["rand", String(32 * count)], { maxBuffer: 1 << 28 });
  return Array.from({ length: count }, (_, i) => bytes.subarray(32 * i, 32 * i + 32));
}

/** A Secret of `values` under credential-named keys, as kubectl would send it. */
function secretOf(values: readonly string[]): string {
  const data = values.map((v, i) => `  api-token-${i}: ${Buffer.from(v).toString("base64")}`);
  return `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: scout}\ndata:\n${data.join("\n")}\n`;
}

/** What `kubectl create secret generic --from-literal` writes, 1,000 literals a call. */
function kubectlSecrets(values: readonly string[], fromFile: boolean): string[] {
  const out: string[] = [];
  for (let start = 0; start < values.length; start += 1_000) {
    const chunk = values.slice(start, start + 1_000);
    const args = chunk.map((value, i) => {
      if (!fromFile) return `--from-literal=api-token-${i}=${value}`;
      const file = join(work, `token-${i}`);
      writeFileSync(file, `${value}\n`); // `openssl rand -base64 32 > token`: with its newline
      return `--from-file=api-token-${i}=${file}`;
    });
    out.push(
      execFileSync(
        "kubectl",
        [
          "create",
          "secret",
          "generic",
          "s",
          "-n",
          "scout",
          "--dry-run=client",
          "-o",
          "yaml",
          ...args,
        ],
        { encoding: "utf8", maxBuffer: 1 << 28 },
      ),
    );
  }
  return out;
}

function weakIn(yaml: string): { weak: number; values: number } {
  const { objects } = buildBundle([parseSource("secret.yaml", yaml)]);
  const data = objects[0]!.value.data as Record<string, string>;
  return { weak: weakValues(objects[0]!).length, values: Object.keys(data).length };
}

/** The most bits the cheapest reading of these tokens saves over their characters. */
function largestSaving(values: readonly string[]): number {
  return Math.max(
    ...values.map((value) => {
      const { reading, capacity } = cheapestReading(value)!;
      return capacity - reading.bits;
    }),
  );
}

/**
 * `count` values of `length` characters drawn uniformly from `alphabet`, as password managers do,
 * from a fixed stream (SHA-256 in counter mode, rejection-sampled): the same values every run, so
 * the margin below is measured, not drawn anew. Truly random draws of lower-case letters and
 * digits saved up to 31 bits once in 2,000, which failed the margin by luck.
 */
function drawn(alphabet: string, length: number, count: number): string[] {
  let block = 0;
  let pool: Buffer = Buffer.alloc(0);
  const limit = 256 - (256 % alphabet.length);
  const next = (): number => {
    for (;;) {
      if (pool.length === 0) pool = createHash("sha256").update(`${alphabet}:${block++}`).digest();
      const byte = pool[0]!;
      pool = pool.subarray(1);
      if (byte < limit) return byte % alphabet.length;
    }
  };
  const one = () => Array.from({ length }, () => alphabet[next()]).join("");
  return Array.from({ length: count }, one);
}
const PRINTABLE = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join("");

const SOURCES: Record<string, () => string[]> = {
  "openssl rand -base64 32": () => opensslChunks(PER_SOURCE).map((b) => b.toString("base64")),
  "openssl rand -hex 32": () => opensslChunks(PER_SOURCE).map((b) => b.toString("hex")),
  'randomBytes(32).toString("base64url")': () =>
    Array.from({ length: PER_SOURCE }, () => randomBytes(32).toString("base64url")),
  "scout-deploy secrets generate": () => Array.from({ length: PER_SOURCE }, () => generateToken()),
  // 64 characters of a password manager: printable ASCII, or lower-case letters and digits.
  "64 printable characters": () => drawn(PRINTABLE, 64, PER_SOURCE),
  "64 lower-case letters and digits": () =>
    drawn("abcdefghijklmnopqrstuvwxyz0123456789", 64, PER_SOURCE),
};

describe.skipIf(!has("openssl") || !has("kubectl"))("random tokens are never weak", () => {
  it("openssl rand prints what its bytes encode to", () => {
    for (const flag of ["-base64", "-hex"]) {
      const printed = execFileSync("openssl", ["rand", flag, "32"], { encoding: "utf8" }).trim();
      expect(printed).toMatch(flag === "-hex" ? /^[0-9a-f]{64}$/ : /^[A-Za-z0-9+/]{43}=$/);
    }
  });

  for (const [source, make] of Object.entries(SOURCES)) {
    it(`${source}: ${PER_SOURCE} tokens`, () => {
      const values = make();
      expect(weakIn(secretOf(values))).toEqual({ weak: 0, values: PER_SOURCE });
      // A margin, not luck: chance readings stay far from the saving that counts.
      const saving = largestSaving(values);
      if (process.env.SCOUT_RANDOM_TOKENS)
        console.info(`${source}: largest saving ${saving.toFixed(1)} bits`);
      expect(saving).toBeLessThan(MIN_GUESSABLE_SAVING - 10);
    }, 600_000);
  }

  for (const fromFile of [false, true]) {
    const how = fromFile ? "--from-file (a trailing newline)" : "--from-literal";
    it(`kubectl create secret generic ${how}: ${PER_SOURCE} tokens`, () => {
      const values = opensslChunks(PER_SOURCE).map((b) => b.toString("base64"));
      let weak = 0;
      let judged = 0;
      for (const yaml of kubectlSecrets(values, fromFile)) {
        const result = weakIn(yaml);
        weak += result.weak;
        judged += result.values;
      }
      expect({ weak, judged }).toEqual({ weak: 0, judged: PER_SOURCE });
    }, 600_000);
  }
});
