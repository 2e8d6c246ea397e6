import * as crypto from "node:crypto";

/**
 * The word and digest tables of the guess estimator, in the form they are shipped in
 * (`tables.generated.ts`, written by `scripts/generate-tables.mjs` from the zxcvbn-ts lists):
 * sorting 88,576 words and hashing 35,000 texts at every start-up cost about 0.3 s; reading
 * these strings costs a few milliseconds.
 */
export interface WordTables {
  /** Every word a guesser tries, lower-case, once, sorted by UTF-16 code units, joined by a space (no word holds one; a newline would be escaped). */
  sortedWords: string;
  /** Base64 of a little-endian uint16 per sorted word: its 1-based rank in its list. */
  ranks: string;
  /** Base64 of a bit per sorted word, least significant first: 1 for a word, 0 for a password. */
  fromWordList: string;
  /**
   * The texts whose digests are known, in the order a guesser hashes them, joined by a space: each
   * is its list's letter (`p` password, `w` word) and the word; the last `newlineTexts` are
   * hashed with a trailing newline (`echo word | sha256sum`).
   */
  hashedTexts: string;
  newlineTexts: number;
  /**
   * Base64 of the first 4 bytes of each hashed text's SHA-256 as a little-endian uint32, sorted
   * (texts that share one in the order of `hashedTexts`), and of the uint16 index of each one's text.
   */
  sha256Prefixes: string;
  sha256Texts: string;
}

/** Between the words of a table. */
export const SEPARATOR = " ";

/** Which list a word comes from: a guesser tries leaked passwords first, then words. */
export type WordList = "password" | "word";

/** Words of Scout's own domain, guessed before any list: what a person types for this app. */
export const DOMAIN_WORDS = [
  "scout",
  "redis",
  "api",
  "token",
  "secret",
  "password",
  "passwd",
  "pass",
  "prod",
  "production",
  "staging",
  "dev",
  "backend",
  "frontend",
  "nginx",
  "prometheus",
  "kube",
  "kubernetes",
  "k8s",
  "cluster",
  "deploy",
  "admin",
  "root",
  "changeme",
];

/** Shorter words are left to the character count: three letters match random text too often. */
export const MIN_WORD_LENGTH = 3;

/**
 * The passwords and words whose digests are known: the 20,000 most common passwords, and with
 * `echo word | sha256sum`'s newline too the 5,000 most common passwords and words.
 */
const HASHED_PASSWORDS = 20_000;
const HASHED_WITH_NEWLINE = 5_000;

/**
 * Builds the tables from the lists: Scout's domain words, the most common passwords (zxcvbn-ts'
 * common list) and the most common English words (zxcvbn-ts' English list), best first.
 */
export function buildWordTables(
  passwords: readonly string[],
  commonWords: readonly string[],
): WordTables {
  const ranked = new Map<string, [number, WordList]>();
  const add = (list: readonly string[], kind: WordList) => {
    for (const [index, word] of list.entries()) {
      const lower = word.toLowerCase();
      if (lower.length >= MIN_WORD_LENGTH && !ranked.has(lower))
        ranked.set(lower, [index + 1, kind]);
    }
  };
  add(passwords, "password");
  add(DOMAIN_WORDS, "word");
  add(commonWords, "word");
  const sorted = [...ranked.keys()].sort();
  const joined = sorted.find((word) => word.includes(SEPARATOR));
  if (joined !== undefined) throw new Error(`the word "${joined}" holds the table's separator`);
  const ranks = new Uint16Array(sorted.length);
  const fromWordList = new Uint8Array(Math.ceil(sorted.length / 8));
  for (const [index, word] of sorted.entries()) {
    const [rank, list] = ranked.get(word)!;
    if (rank > 0xffff) throw new Error(`rank ${rank} of "${word}" does not fit 16 bits`);
    ranks[index] = rank;
    if (list === "word") fromWordList[index >> 3]! |= 1 << (index & 7);
  }
  const top = (passwordCount: number, wordCount: number) =>
    topWords(passwords, commonWords, passwordCount, wordCount);
  const plain = [["", "word"] as const, ...top(HASHED_PASSWORDS, HASHED_WITH_NEWLINE)];
  const newline = [["", "word"] as const, ...top(HASHED_WITH_NEWLINE, HASHED_WITH_NEWLINE)];
  const texts = [...plain, ...newline].map(([word, list]) => `${list[0]}${word}`);
  const digests = hashedTexts(texts.join(SEPARATOR), newline.length).map((text, index) => ({
    prefix: crypto.createHash("sha256").update(text.text).digest().readUInt32LE(0),
    index,
  }));
  if (digests.length > 0xffff) throw new Error(`${digests.length} hashed texts do not fit 16 bits`);
  digests.sort((a, b) => a.prefix - b.prefix || a.index - b.index);
  return {
    sortedWords: sorted.join(SEPARATOR),
    ranks: base64(ranks),
    fromWordList: base64(fromWordList),
    hashedTexts: texts.join(SEPARATOR),
    newlineTexts: newline.length,
    sha256Prefixes: base64(Uint32Array.from(digests, (d) => d.prefix)),
    sha256Texts: base64(Uint16Array.from(digests, (d) => d.index)),
  };
}

/** The `passwordCount` most common passwords, the domain words and the `wordCount` most common words, each once. */
function topWords(
  passwords: readonly string[],
  commonWords: readonly string[],
  passwordCount: number,
  wordCount: number,
): [string, WordList][] {
  const seen = new Map<string, WordList>();
  for (const word of passwords.slice(0, passwordCount))
    if (!seen.has(word)) seen.set(word, "password");
  for (const word of [...DOMAIN_WORDS, ...commonWords.slice(0, wordCount)])
    if (!seen.has(word)) seen.set(word, "word");
  return [...seen];
}

/** A text whose digest is known: what is hashed, and the word it names. */
export interface HashedText {
  text: string;
  word: string;
  list: WordList;
}

/** The texts of `WordTables.hashedTexts`, in order. */
export function hashedTexts(joined: string, newlineTexts: number): HashedText[] {
  const lines = joined.split(SEPARATOR);
  return lines.map((line, index) => {
    const word = line.slice(1);
    const list: WordList = line[0] === "p" ? "password" : "word";
    return { text: index >= lines.length - newlineTexts ? `${word}\n` : word, word, list };
  });
}

function base64(array: Uint8Array | Uint16Array | Uint32Array): string {
  const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  if (!(array instanceof Uint8Array) && !littleEndian()) {
    throw new Error("the tables are written on a little-endian machine");
  }
  return bytes.toString("base64");
}

/** Typed arrays use the machine's byte order; the tables are little-endian. */
export function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** The bytes of a base64 table in a buffer of their own, aligned for a typed array's view. */
export function tableBytes(encoded: string): ArrayBuffer {
  const bytes = Buffer.from(encoded, "base64");
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
