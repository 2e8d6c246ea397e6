import adjacencyGraphs from "@zxcvbn-ts/language-common/dist/adjacencyGraphs.json.mjs";
import { TABLES } from "./tables.generated.js";
import {
  type HashedText,
  hashedTexts,
  littleEndian,
  SEPARATOR,
  tableBytes,
  type WordList,
} from "./tables.js";

export { MIN_WORD_LENGTH, type WordList } from "./tables.js";

/**
 * Every word a guesser tries, lower-case, sorted, with its cheapest rank: Scout's domain words,
 * the 49,233 most common passwords (zxcvbn-ts' common list) and the 55,830 most common English
 * words (zxcvbn-ts' English list, from OpenSubtitles 2024 via OPUS, ODC-BY). Sorted and ranked
 * at build time (`tables.generated.ts`); split on first use.
 */
export interface WordTable {
  count: number;
  /** The code of word `index`'s character at `at`; -1 past its end (it sorts before its continuations). */
  codeAt(index: number, at: number): number;
  length(index: number): number;
  word(index: number): string;
  /** 1-based position of the word in its list, the most common first: the guesses it takes. */
  rank(index: number): number;
  list(index: number): WordList;
}

let table: WordTable | undefined;

/** The table, read where it is: one string and the offsets of its words, no string per word. */
export function wordTable(): WordTable {
  if (table) return table;
  if (!littleEndian()) throw new Error("the word table is little-endian");
  const text = TABLES.sortedWords;
  const ranks = new Uint16Array(tableBytes(TABLES.ranks));
  const fromWordList = new Uint8Array(tableBytes(TABLES.fromWordList));
  // starts[i] is where word i begins; starts[count] is one past the end, as if a separator followed.
  const starts = new Uint32Array(ranks.length + 1);
  for (let index = 1, at = 0; index < starts.length; index++) {
    at = text.indexOf(SEPARATOR, at) + 1 || text.length + 1;
    starts[index] = at;
  }
  table = {
    count: ranks.length,
    codeAt: (index, at) => {
      const offset = starts[index]! + at;
      return offset < starts[index + 1]! - 1 ? text.charCodeAt(offset) : -1;
    },
    length: (index) => starts[index + 1]! - starts[index]! - 1,
    word: (index) => text.slice(starts[index]!, starts[index + 1]! - 1),
    rank: (index) => ranks[index]!,
    list: (index) => ((fromWordList[index >> 3]! >> (index & 7)) & 1 ? "word" : "password"),
  };
  return table;
}

let hashed: HashedText[] | undefined;

/**
 * The texts whose digests are known, best first: the 20,000 most common passwords, Scout's domain
 * words and the 5,000 most common words, then with `echo word | sha256sum`'s newline the 5,000
 * most common passwords and words.
 */
export function hashedWordTexts(): readonly HashedText[] {
  hashed ??= hashedTexts(TABLES.hashedTexts, TABLES.newlineTexts);
  return hashed;
}

/**
 * The indexes in `hashedWordTexts` of the texts whose SHA-256 starts with these 4 bytes (read as
 * a little-endian uint32), in that order: a binary search of the table sorted at build time.
 */
export function sha256Candidates(prefix: number): number[] {
  sha256 ??= {
    prefixes: new Uint32Array(tableBytes(TABLES.sha256Prefixes)),
    texts: new Uint16Array(tableBytes(TABLES.sha256Texts)),
  };
  const { prefixes, texts } = sha256;
  let low = 0;
  let high = prefixes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (prefixes[middle]! < prefix) low = middle + 1;
    else high = middle;
  }
  const found: number[] = [];
  for (let at = low; at < prefixes.length && prefixes[at] === prefix; at++) found.push(texts[at]!);
  return found;
}

let sha256: { prefixes: Uint32Array; texts: Uint16Array } | undefined;

/** A keyboard: for each key (both its characters), its neighbours in a fixed order of directions. */
export type KeyboardGraph = Readonly<Record<string, readonly (string | null)[]>>;

export const KEYBOARDS: Readonly<Record<"qwerty" | "keypad", KeyboardGraph>> = {
  qwerty: adjacencyGraphs.qwerty!,
  keypad: adjacencyGraphs.keypad!,
};
