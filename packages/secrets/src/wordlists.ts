import adjacencyGraphs from "@zxcvbn-ts/language-common/dist/adjacencyGraphs.json.mjs";
import passwords from "@zxcvbn-ts/language-common/dist/passwords.json.mjs";
import commonWords from "@zxcvbn-ts/language-en/dist/commonWords.json.mjs";

/** Which list a word comes from: a guesser tries leaked passwords first, then words. */
export type WordList = "password" | "word";

export interface RankedWord {
  /** 1-based position in its list, the most common first: the guesses it takes. */
  rank: number;
  list: WordList;
}

/** Words of Scout's own domain, guessed before any list: what a person types for this app. */
const DOMAIN_WORDS = [
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

let dictionary: Map<string, RankedWord> | undefined;

/**
 * Every word a guesser tries, lower-case, with its cheapest rank: Scout's domain words, the
 * 49,233 most common passwords (zxcvbn-ts' common list) and the 55,830 most common English words
 * (zxcvbn-ts' English list, from OpenSubtitles 2024 via OPUS, ODC-BY). Built on first use.
 */
export function rankedWords(): ReadonlyMap<string, RankedWord> {
  if (dictionary) return dictionary;
  const words = new Map<string, RankedWord>();
  const add = (list: readonly string[], kind: WordList) => {
    for (const [index, word] of list.entries()) {
      const lower = word.toLowerCase();
      if (lower.length < MIN_WORD_LENGTH || words.has(lower)) continue;
      words.set(lower, { rank: index + 1, list: kind });
    }
  };
  add(passwords, "password");
  add(DOMAIN_WORDS, "word");
  add(commonWords, "word");
  dictionary = words;
  return words;
}

/**
 * The `passwordCount` most common passwords, Scout's domain words and the `wordCount` most common
 * words, each once, best first, with the list it is named by: what a guesser hashes first.
 */
export function topWords(passwordCount: number, wordCount: number): [string, WordList][] {
  const seen = new Map<string, WordList>();
  for (const word of passwords.slice(0, passwordCount))
    if (!seen.has(word)) seen.set(word, "password");
  for (const word of [...DOMAIN_WORDS, ...commonWords.slice(0, wordCount)])
    if (!seen.has(word)) seen.set(word, "word");
  return [...seen];
}

/** A keyboard: for each key (both its characters), its neighbours in a fixed order of directions. */
export type KeyboardGraph = Readonly<Record<string, readonly (string | null)[]>>;

export const KEYBOARDS: Readonly<Record<"qwerty" | "keypad", KeyboardGraph>> = {
  qwerty: adjacencyGraphs.qwerty!,
  keypad: adjacencyGraphs.keypad!,
};
