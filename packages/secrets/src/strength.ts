import { decodeBase64 } from "./base64.js";
import {
  type CommonWord,
  commonWord,
  estimateGuessable,
  type Guessable,
  MAX_ESTIMATED_LENGTH,
} from "./guessable.js";
import { type HashedWord, hashedWord } from "./hashed.js";
import { DICEWARE_WORD_BITS, type Passphrase, passphraseReading } from "./passphrase.js";

/** Why a value is not a strong token, most serious first. */
export type Weakness =
  | "placeholder"
  | "hashed-word"
  | "common-password"
  | "guessable"
  | "short"
  | "low-entropy"
  | "repetitive"
  | "sequential"
  | "encoded-text";

export interface StrengthOptions {
  /** Bits a value must be able to carry: 32 random bytes' worth. @default 256 */
  minBits?: number;
}

export interface Strength {
  strong: boolean;
  weaknesses: Weakness[];
  /** Length times the bits per character of the alphabet the value uses; a passphrase's, its words'. */
  estimatedBits: number;
  /** What `estimatedBits` counts, in the unit a user changes: characters of an alphabet, or words. */
  measure: Measure;
  /** Shannon entropy of the value's characters, in bits per character. */
  shannonBitsPerChar: number;
  /** The entropy under which the value is "low-entropy": random characters of its alphabet show more. */
  entropyFloor: number;
  /** With the weakness "encoded-text": how the readable text is encoded (the figures are the text's). */
  encoding?: "hex" | "base64";
  /** With the weakness "hashed-word": the common word the value is a digest of. */
  hashOf?: HashedWord;
  /** With the weakness "common-password": the listed password or word the value is. */
  commonWord?: CommonWord;
  /** With the weakness "guessable": the patterns a guesser tries and the bits left to guess. */
  guessable?: Guessable;
}

export const DEFAULT_MIN_BITS = 256;

/** The length of a value in the unit its bits are counted in, and how many `minBits` needs. */
export interface Measure {
  unit: "characters" | "words" | "bytes";
  count: number;
  /** The characters' alphabet (`a-z0-9`, `base64`); for words, the list they are counted at. */
  alphabet: string;
  /** Bits each unit gives. */
  bitsEach: number;
  needed: number;
}

/** Words that stand in for a value someone meant to replace. */
export const PLACEHOLDER_WORDS = [
  "changeme",
  "change",
  "me",
  "password",
  "passwd",
  "secret",
  "token",
  "example",
  "sample",
  "test",
  "dummy",
  "default",
  "placeholder",
  "replace",
  "todo",
  "fixme",
  "admin",
  "root",
  "your",
  "my",
  "here",
  "api",
  "key",
  "redis",
  "scout",
  "value",
  "insert",
  "put",
  "xxx",
  "none",
  "null",
] as const;

/** Substrings long enough never to occur by chance in a random token. */
const PLACEHOLDER_MARKERS = [
  "changeme",
  "change_me",
  "change-me",
  "placeholder",
  "example",
  "replace_me",
  "replaceme",
];

/**
 * A value is judged as the characters it is made of, except a readable text encoded once more
 * (`echo -n scout-prod-token | base64`, or hex): its characters look random, but a guesser
 * decodes and tries texts. Such a value is as strong as the text, no weaker and no stronger;
 * random bytes encoded (`openssl rand -base64 32`, `-hex 32`) never decode to a readable text.
 */
export function assessStrength(value: string, options: StrengthOptions = {}): Strength {
  const text = encodedText(value);
  if (text === undefined) return assessCharacters(value, options);
  const inner = assessStrength(text.text, options);
  // A strong text stays as strong encoded, though the encoding's characters repeat more.
  if (inner.strong) return inner;
  return { ...inner, weaknesses: ["encoded-text", ...inner.weaknesses], encoding: text.encoding };
}

/** Base64 or hex long enough to be mistaken for a token. */
const MIN_ENCODED_LENGTH = 16;

/** The readable text that a hex or base64 value encodes, if it encodes one. */
export function encodedText(
  value: string,
): { encoding: "hex" | "base64"; text: string } | undefined {
  const trimmed = value.trim();
  if (trimmed.length < MIN_ENCODED_LENGTH) return undefined;
  const isHex = /^(?:[0-9a-f]{2})+$/i.test(trimmed);
  const bytes = isHex ? Buffer.from(trimmed, "hex") : decodeBase64(trimmed);
  if (!bytes?.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a)) {
    return undefined;
  }
  return { encoding: isHex ? "hex" : "base64", text: bytes.toString("latin1") };
}

/**
 * Bits a reading must save over the value's characters before it counts: random text holds short
 * words, walks and runs by chance (over 200,000 truly random values of each of nine generator
 * and password-manager shapes the largest saving was 26.1 bits, `bench/random-margin.bench.mjs`),
 * a text a person typed saves far more (a keyboard walk of 46 keys: 224 bits).
 */
export const MIN_GUESSABLE_SAVING = 40;

/**
 * The patterns that make a value guessable: under `minBits` to guess once they are tried, and
 * far below what its characters could carry. Undefined for values that hold none.
 */
export function guessableReading(
  value: string,
  options: StrengthOptions = {},
): Guessable | undefined {
  const read = cheapestReading(value);
  const minBits = options.minBits ?? DEFAULT_MIN_BITS;
  if (!read || read.reading.bits >= minBits) return undefined;
  return read.capacity - read.reading.bits >= MIN_GUESSABLE_SAVING ? read.reading : undefined;
}

/**
 * The words of a short value (`dragon2024`, `correcthorsebatterystaple`): a reading as three or
 * more patterns that leave no character to chance, or as text that saves at least half of what
 * its characters carry. A short
 * value is reported anyway; this names the cause a user fixes instead of the length. Random
 * values of 6 to 22 characters are neither: none of 100,000 (lower-case, with digits, letters
 * and digits, hex; 5,000 of each length 6, 8, 12, 16 and 22).
 */
function shortTextReading(value: string): Guessable | undefined {
  const read = cheapestReading(value);
  if (!read || !readsAsText(read.reading)) return undefined;
  const { reading, capacity } = read;
  const words = reading.patterns.filter((p) => p.kind !== "repeat");
  const allText =
    reading.randomChars === 0 && words.length >= 3 && words.length === reading.patterns.length;
  return allText || capacity - reading.bits >= capacity / 2 ? reading : undefined;
}

/**
 * The cheapest reading of a value's significant characters, and the bits those characters carry
 * (`alphabetBits` each): `capacity - reading.bits` is what the reading saves. Undefined for values
 * too long to estimate.
 */
export function cheapestReading(
  value: string,
): { reading: Guessable; capacity: number } | undefined {
  if (value.length > MAX_ESTIMATED_LENGTH) return undefined;
  // Several rules, and each reading of a Secret (decoded, encoded), ask about the same value.
  if (readings.has(value)) return readings.get(value);
  if (readings.size >= MAX_CACHED_READINGS) readings.clear();
  const significant = significantChars(value);
  const bits = alphabetBits(significant);
  const read = {
    reading: estimateGuessable(significant, bits),
    capacity: significant.length * bits,
  };
  readings.set(value, read);
  return read;
}

const readings = new Map<string, { reading: Guessable; capacity: number }>();
const MAX_CACHED_READINGS = 10_000;

/**
 * Words and keyboard walks make up at least half of the value: what the character measures
 * cannot see, so they name the finding. A few short words in a run of two letters do not.
 */
function readsAsText(reading: Guessable): boolean {
  const length = reading.patterns.reduce((sum, p) => sum + p.end - p.start, reading.randomChars);
  return 2 * textLength(reading) >= length;
}

function textLength(reading: Guessable): number {
  return reading.patterns.reduce((sum, p) => {
    if (p.kind === "repeat") return sum + textLength(p.unit!) * p.times!;
    return p.kind === "sequence" || p.kind === "year" ? sum : sum + p.end - p.start;
  }, 0);
}

function assessCharacters(value: string, options: StrengthOptions): Strength {
  const minBits = options.minBits ?? DEFAULT_MIN_BITS;
  const phrase = value.length <= MAX_ESTIMATED_LENGTH ? passphraseReading(value) : undefined;
  const estimatedBits = phrase ? Math.floor(phrase.bits) : estimateBits(value);
  const shannon = shannonEntropy(value);
  const entropyFloor = lowEntropyThreshold(value);
  const weaknesses: Weakness[] = [];
  const short = estimatedBits < minBits;
  // A short value that is one listed password is named by it (`letmein`, `admin123`), also when
  // it is made of placeholder words; a stand-in (`changeme`, `<token>`, `password`) stays one.
  const common =
    short && value.length <= MAX_ESTIMATED_LENGTH ? commonWord(value.trim()) : undefined;
  const kind = placeholderKind(value, phrase !== undefined);
  const placeholder = kind === "stand-in" || (kind === "words" && !common);
  const hashOf = placeholder ? undefined : hashedWord(value);
  const commonOf = placeholder || hashOf ? undefined : common;
  const read =
    placeholder || hashOf || commonOf
      ? undefined
      : (guessableReading(value, options) ?? (short ? shortTextReading(value) : undefined));
  // A passphrase is counted by its words; a reading names it only when it finds more (a repeat).
  const guessable = phrase && read && read.bits >= phrase.bits ? undefined : read;
  if (placeholder) weaknesses.push("placeholder");
  if (hashOf) weaknesses.push("hashed-word");
  if (commonOf) weaknesses.push("common-password");
  if (guessable && readsAsText(guessable)) weaknesses.push("guessable");
  if (short) weaknesses.push("short");
  // Words repeat their letters: the characters' entropy says nothing of a passphrase.
  if (!phrase && value.length > 0 && shannon < entropyFloor) {
    weaknesses.push("low-entropy");
  }
  if (repeatingPeriod(value) !== undefined) weaknesses.push("repetitive");
  // Made of runs: what is left once they are cut carries under half the bits asked for.
  if (longestSequentialRun(value) >= 6 && estimateBits(withoutRuns(value)) < minBits / 2) {
    weaknesses.push("sequential");
  }
  if (guessable && !readsAsText(guessable)) weaknesses.push("guessable");
  return {
    strong: weaknesses.length === 0,
    weaknesses,
    estimatedBits,
    measure: phrase ? wordMeasure(phrase, minBits) : characterMeasure(value, minBits),
    shannonBitsPerChar: shannon,
    entropyFloor,
    ...(hashOf ? { hashOf } : {}),
    ...(commonOf ? { commonWord: commonOf } : {}),
    ...(guessable ? { guessable } : {}),
  };
}

function characterMeasure(value: string, minBits: number): Measure {
  const trimmed = value.trim();
  const bitsEach = alphabetBits(trimmed);
  return {
    unit: "characters",
    count: significantChars(trimmed).length,
    alphabet: alphabetName(trimmed),
    bitsEach,
    needed: bitsEach > 0 ? Math.ceil(minBits / bitsEach) : Number.POSITIVE_INFINITY,
  };
}

function wordMeasure(phrase: Passphrase, minBits: number): Measure {
  return {
    unit: "words",
    count: phrase.words,
    alphabet: "a 7,776-word list",
    bitsEach: DICEWARE_WORD_BITS,
    needed: Math.ceil(minBits / DICEWARE_WORD_BITS),
  };
}

/**
 * The measure a user acts on, in words: "24 characters of a-z0-9 give about 124 bits; 50 are
 * needed", "10 words give about 129 bits; 20 words of a 7,776-word list are needed".
 */
export function describeMeasure(strength: Strength): string {
  const { unit, count, alphabet, needed } = strength.measure;
  const bits = strength.estimatedBits;
  if (unit === "words") {
    return `${count} words give about ${bits} bits; ${needed} words of ${alphabet} are needed`;
  }
  if (unit === "bytes") return `${count} bytes give ${bits} bits; ${needed} are needed`;
  return `${count} characters of ${alphabet} give about ${bits} bits; ${needed} are needed`;
}

/**
 * Raw bytes that are not UTF-8 text (`head -c 32 /dev/urandom`): each byte may carry 8 bits, so
 * they are judged by their count, the entropy of their byte values and repetition.
 */
export function assessBytes(bytes: Uint8Array, options: StrengthOptions = {}): Strength {
  const minBits = options.minBits ?? DEFAULT_MIN_BITS;
  const estimatedBits = bytes.length * 8;
  const asChars = Buffer.from(bytes).toString("latin1");
  const shannon = shannonEntropy(asChars);
  const entropyFloor = 0.75 * Math.log2(Math.max(2, Math.min(bytes.length, 256)));
  const weaknesses: Weakness[] = [];
  const hashOf = hashedWord(bytes);
  if (hashOf) weaknesses.push("hashed-word");
  if (estimatedBits < minBits) weaknesses.push("short");
  if (shannon < entropyFloor) weaknesses.push("low-entropy");
  if (repeatingPeriod(asChars) !== undefined) weaknesses.push("repetitive");
  return {
    strong: weaknesses.length === 0,
    weaknesses,
    estimatedBits,
    measure: {
      unit: "bytes",
      count: bytes.length,
      alphabet: "bytes",
      bitsEach: 8,
      needed: Math.ceil(minBits / 8),
    },
    shannonBitsPerChar: shannon,
    entropyFloor,
    ...(hashOf ? { hashOf } : {}),
  };
}

export function isPlaceholder(value: string): boolean {
  return placeholderKind(value) !== undefined;
}

/**
 * How a value is a placeholder: a stand-in (empty, `xxx`, `<redis-password>`, `${API_TOKEN}`,
 * `{{ .token }}`, `changeme`, or one placeholder word alone), or made of placeholder words
 * (`my_secret_password_123`, `admin123`), which a listed common password names better.
 */
function placeholderKind(value: string, passphrase = false): "stand-in" | "words" | undefined {
  const lower = value.trim().toLowerCase();
  if (lower === "") return "stand-in";
  if (/^(.)\1*$/.test(lower) || /^x+$/.test(lower) || /^[*.#?-]+$/.test(lower)) return "stand-in";
  // `<redis-password>` and `${API_TOKEN:-x}` name what goes there; random printable text starts
  // with < and ends with > in 1 of 8,836 values, and then holds other symbols.
  if (/^<[\w\s.:/-]*>$/.test(lower) || /^\$\{[\w\s.:/-]*\}$/.test(lower)) return "stand-in";
  if (/^\{\{.*\}\}$/.test(lower)) return "stand-in";
  // `example` is one word of the EFF list: in a passphrase, only a whole value of markers is one.
  if (!passphrase && PLACEHOLDER_MARKERS.some((marker) => lower.includes(marker))) {
    return "stand-in";
  }
  if ((PLACEHOLDER_WORDS as readonly string[]).includes(lower)) return "stand-in";
  return consistsOfWords(lower.replace(/[^a-z]/g, ""), PLACEHOLDER_WORDS) ? "words" : undefined;
}

/** True when `text` is a concatenation of one or more of `words` (digits and separators removed first). */
function consistsOfWords(text: string, words: readonly string[]): boolean {
  if (text === "") return false;
  const reachable = new Array<boolean>(text.length + 1).fill(false);
  reachable[0] = true;
  for (let end = 1; end <= text.length; end++) {
    reachable[end] = words.some(
      (w) => end >= w.length && reachable[end - w.length] && text.endsWith(w, end),
    );
  }
  return reachable[text.length]!;
}

/**
 * Bits per character of the alphabet a value is drawn from, judged by the characters it uses:
 * hex 4, lower-case letters and digits 5.17 (log2 36), letters and digits 5.95 (log2 62), base64
 * 6 when its padding or its symbols show it (`+/`, `-_`). Both cases of letters count as letters
 * and digits: a random base64 token of 43 characters lacks its digits and symbols by chance (1 in
 * 7,600), and is still drawn from 64. Base64's two symbols count as two, not as every symbol.
 */
export function alphabetBits(value: string): number {
  if (value === "") return 0;
  if (/^[0-9a-f]+$/.test(value) || /^[0-9A-F]+$/.test(value)) return 4;
  const padded = /^[A-Za-z0-9+/_-]+={1,2}$/.test(value);
  const chars = padded ? value.replace(/=+$/, "") : value;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((pattern) => pattern.test(chars)).length;
  // Words joined by dashes are text, not base64: their dashes count as any symbol.
  if (!/^[A-Za-z0-9+/_-]+$/.test(chars) || classes < 2) return Math.log2(classesSize(chars));
  if (padded) return 6;
  const letters =
    /[a-z]/.test(chars) && /[A-Z]/.test(chars) ? 62 : classesSize(chars.replace(/[+/_-]/g, ""));
  return Math.log2(letters + (/[+/_-]/.test(chars) ? 2 : 0));
}

/** The alphabet of `alphabetBits`, as a user reads it: `a-z0-9`, `0-9a-f`, `base64`, `a-z and symbols`. */
export function alphabetName(value: string): string {
  const bits = alphabetBits(value);
  if (bits === 4) return /[A-F]/.test(value) ? "0-9A-F" : "0-9a-f";
  if (bits === 6) return "base64";
  if (bits === Math.log2(62)) return "A-Za-z0-9";
  const classes: [RegExp, string][] = [
    [/[A-Z]/, "A-Z"],
    [/[a-z]/, "a-z"],
    [/[0-9]/, "0-9"],
  ];
  const named = classes.filter(([pattern]) => pattern.test(value)).map(([, name]) => name);
  if (!/[^A-Za-z0-9]/.test(value)) return named.join("");
  const base64 = /^[A-Za-z0-9+/_-]+$/.test(value) && named.length >= 2;
  const symbols = [...new Set(value.replace(/[A-Za-z0-9]/g, ""))].join("");
  return base64 ? `${named.join("")}${symbols}` : `${named.join("")} and symbols`.trim();
}

export function estimateBits(value: string): number {
  return Math.floor(significantChars(value).length * alphabetBits(value.trim()));
}

/** The value without surrounding space and, when it is base64, without its padding. */
export function significantChars(value: string): string {
  const trimmed = value.trim();
  // Printable text may end in "==" by chance (1 value in 8,836): only base64 is padded.
  return /^[A-Za-z0-9+/_-]+={1,2}$/.test(trimmed) ? trimmed.replace(/=+$/, "") : trimmed;
}

export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Three quarters of the most a string of this length and alphabet could show: random tokens sit
 * well above it (base64 of 32 bytes: about 5.0 of 5.46 possible), words and patterns below.
 */
function lowEntropyThreshold(value: string): number {
  const alphabetSize = Math.min(2 ** alphabetBits(value), classesSize(value));
  return 0.75 * Math.log2(Math.max(2, Math.min(value.length, alphabetSize)));
}

/**
 * The characters of the classes a value uses: 36 for lower-case letters and digits. A random
 * string of 36 symbols shows about 4.8 bits per character at 64 characters, under the 4.5 that
 * base64's 64 symbols set for about 1 in 50: the entropy is measured against what it draws from.
 */
function classesSize(value: string): number {
  const classes: [RegExp, number][] = [
    [/[a-z]/, 26],
    [/[A-Z]/, 26],
    [/[0-9]/, 10],
    [/[^A-Za-z0-9]/, 33],
  ];
  return classes.reduce((size, [pattern, count]) => size + (pattern.test(value) ? count : 0), 0);
}

/** The length of the shortest unit that the value repeats (at least twice), if any. */
export function repeatingPeriod(value: string): number | undefined {
  for (let period = 1; period <= value.length / 2; period++) {
    if (value.length % period !== 0) continue;
    if (value.slice(0, period).repeat(value.length / period) === value) return period;
  }
  return undefined;
}

/** Longest run of characters whose codes step by +1 or -1 ("abcdef", "654321"). */
/**
 * The value with each run of three or more sequential characters ("abcd", "4321") cut to its
 * first: what a guesser who tries runs still has to find. A random token may hold a run by
 * chance (one 64-digit hex token in about 16,000 holds six in a row) and stays strong; a value
 * made of runs does not.
 */
export function withoutRuns(value: string): string {
  let kept = "";
  let start = 0;
  while (start < value.length) {
    let end = start + 1;
    const step = value.charCodeAt(end) - value.charCodeAt(start);
    if (step === 1 || step === -1) {
      while (end + 1 < value.length && value.charCodeAt(end + 1) - value.charCodeAt(end) === step)
        end++;
      if (end - start + 1 >= 3) {
        kept += value[start];
        start = end + 1;
        continue;
      }
    }
    kept += value[start];
    start++;
  }
  return kept;
}

export function longestSequentialRun(value: string): number {
  let longest = value.length > 0 ? 1 : 0;
  let run = 1;
  let step = 0;
  for (let i = 1; i < value.length; i++) {
    const delta = value.charCodeAt(i) - value.charCodeAt(i - 1);
    if ((delta === 1 || delta === -1) && (run === 1 || delta === step)) {
      run++;
      step = delta;
    } else {
      run = delta === 1 || delta === -1 ? 2 : 1;
      step = delta;
    }
    longest = Math.max(longest, run);
  }
  return longest;
}
