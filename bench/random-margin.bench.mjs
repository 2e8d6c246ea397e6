#!/usr/bin/env node
// The margin of secrets/strong-token on truly random values: the most bits the cheapest reading
// (words, l33t, walks, years, sequences, repeats) saves over the characters of values drawn the
// ways generators and password managers draw them, against the 40-bit saving that counts
// (MIN_GUESSABLE_SAVING). Fails when a value is judged weak or a saving reaches 30 bits (the
// margin random-tokens.test.ts asserts on its fixed stream). Needs a build of @scout-deploy/secrets.
//   RANDOM_MARGIN_VALUES=200000 node bench/random-margin.bench.mjs   (default 20,000 a source)
//   RANDOM_MARGIN_ONLY=hex                                            (sources whose name holds it)
import { randomBytes, randomInt } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// RANDOM_MARGIN_SECRETS: another build's dist/index.js (a worktree of main, to compare).
const secrets = await import(
  pathToFileURL(
    process.env.RANDOM_MARGIN_SECRETS ?? join(here, "../packages/secrets/dist/index.js"),
  ).href
);
const { assessStrength, describeReading, MIN_GUESSABLE_SAVING } = secrets;
/** The reading and what it saves; builds before cheapestReading measured it this way. */
const cheapestReading =
  secrets.cheapestReading ??
  ((value) => {
    const significant = value.trim().replace(/=+$/, "");
    const bits = secrets.alphabetBits(significant);
    const reading = secrets.estimateGuessable(significant, bits);
    return { reading, capacity: significant.length * bits };
  });

const COUNT = Number(process.env.RANDOM_MARGIN_VALUES ?? 20_000);
const ONLY = process.env.RANDOM_MARGIN_ONLY;
const MARGIN = MIN_GUESSABLE_SAVING - 10;

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = `${LOWER}${LOWER.toUpperCase()}${DIGITS}`;
const PRINTABLE = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join("");
const drawn = (alphabet, length) => () =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("");

/** Each source at its shortest length that carries 256 bits, and at 64 characters. */
const SOURCES = {
  "lower-case letters and digits, 50": drawn(LOWER + DIGITS, 50),
  "lower-case letters and digits, 64": drawn(LOWER + DIGITS, 64),
  "hex, 64 (openssl rand -hex 32)": () => randomBytes(32).toString("hex"),
  "letters and digits, 43": drawn(ALNUM, 43),
  "letters and digits, 64": drawn(ALNUM, 64),
  "base64, 44 (openssl rand -base64 32)": () => randomBytes(32).toString("base64"),
  "base64url, 43": () => randomBytes(32).toString("base64url"),
  "printable ASCII, 40": drawn(PRINTABLE, 40),
  "printable ASCII, 64": drawn(PRINTABLE, 64),
};

function saving(value) {
  const { reading, capacity } = cheapestReading(value);
  return { saved: capacity - reading.bits, reading };
}

let failed = false;
console.log(
  `${COUNT} truly random values a source; a saving counts from ${MIN_GUESSABLE_SAVING} bits`,
);
console.log("| source | weak | largest saving | 99.99th | what it read |");
console.log("| --- | --- | --- | --- | --- |");
for (const [name, draw] of Object.entries(SOURCES)) {
  if (ONLY && !name.includes(ONLY)) continue;
  let weak = 0;
  let largest = { saved: Number.NEGATIVE_INFINITY };
  const savings = new Float64Array(COUNT);
  for (let i = 0; i < COUNT; i++) {
    const value = draw();
    const measured = saving(value);
    savings[i] = measured.saved;
    if (measured.saved > largest.saved) largest = measured;
    const strength = assessStrength(value);
    if (!strength.strong && weak++ < 3)
      console.log(`  weak: ${JSON.stringify(value)} ${strength.weaknesses}`);
  }
  savings.sort();
  const tail = savings[Math.floor(COUNT * 0.9999)];
  const what = largest.reading.patterns.length > 0 ? describeReading(largest.reading) : "nothing";
  console.log(`| ${name} | ${weak} | ${largest.saved.toFixed(1)} | ${tail.toFixed(1)} | ${what} |`);
  if (weak > 0 || largest.saved >= MARGIN) failed = true;
}
process.exit(failed ? 1 : 0);
