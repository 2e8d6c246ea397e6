import { caseBits, listedRank } from "./guessable.js";
import { MIN_WORD_LENGTH } from "./wordlists.js";

/**
 * Bits of one word drawn from the EFF long list (7,776 words), which Bitwarden, KeePassXC and
 * diceware draw from: the rate at which a passphrase is counted at most.
 */
export const DICEWARE_WORD_BITS = Math.log2(7776);

/** Fewer words are a short text: the guessable reading names them (`dragon2024`). */
const MIN_PASSPHRASE_WORDS = 4;

/**
 * The most the words may cost of their letters' bits, read as words: ten words of the EFF long
 * list cost 55% (median; at most 94% of 20,000, a fifth of the words unlisted, at their letters),
 * runs of random letters 93% or more (the 14 of 200,000 random lower-case+digits values of 50
 * characters whose letter runs pass the other tests).
 */
const MAX_WORD_COST = 0.9;

/** Symbols a separator is chosen from: the printable ones. */
const SEPARATOR_BITS = Math.log2(33);

/** A passphrase: words joined by separators or capitals, and the bits a guesser of passphrases needs. */
export interface Passphrase {
  words: number;
  bits: number;
}

/**
 * The value read as a passphrase (`correct-horse-battery-staple`, `Correct.Horse7.Battery`,
 * `CorrectHorseBattery…`), or undefined when it is not words: at least four runs of three or more
 * letters, each in one case style (lower, Capitalised, UPPER), a quarter of them listed words
 * (the lists hold 81% of the EFF list's). Random
 * tokens are not: their runs of letters are short or mix cases. Its characters repeat as words do, so their entropy says nothing; what
 * counts is the words. Each word is counted at the cheaper of two guessers': one who tries the
 * words of a list in order of frequency (a listed word costs log2 of its rank, an unlisted one its
 * letters), one who tries every word of the smallest list holding them all, at most the EFF long
 * list's 12.9 bits a word. A famous phrase is common words and costs little to the first; words
 * drawn at random cost each the list's bits to the second. Capitals, digits and separators add
 * what a generator's options add (`-`, `.`, ` `, `_`; a digit in a word).
 */
export function passphraseReading(value: string): Passphrase | undefined {
  const text = value.trim();
  const words = wordsOf(text);
  if (!words || words.length < MIN_PASSPHRASE_WORDS) return undefined;
  if (words.some((word) => letters(word) < MIN_WORD_LENGTH || styleOf(word) === "mixed")) {
    return undefined;
  }
  const ranks = words.map((word) => listedRank(word.toLowerCase()));
  const listed = ranks.filter((rank): rank is number => rank !== undefined);
  if (4 * listed.length < words.length) return undefined;
  // A word written again is one of the words already written to the frequency guesser.
  const seen = new Set<string>();
  const again = Math.log2(words.length);
  let byFrequency = 0;
  let fresh = 0;
  for (const [i, word] of words.entries()) {
    const lower = word.toLowerCase();
    if (seen.has(lower)) {
      byFrequency += again;
      continue;
    }
    seen.add(lower);
    fresh++;
    byFrequency += ranks[i] ? Math.log2(ranks[i]!) : letters(word) * Math.log2(26);
  }
  // Random letters hold short listed words by chance; words save most of what their letters cost.
  const letterBits = words.reduce((sum, word) => sum + letters(word), 0) * Math.log2(26);
  if (byFrequency > MAX_WORD_COST * letterBits) return undefined;
  const listBits =
    listed.length < words.length
      ? DICEWARE_WORD_BITS
      : Math.min(DICEWARE_WORD_BITS, Math.log2(Math.max(2, ...listed)));
  // Twenty words drawn from 7,776 repeat one by chance (1 in 40): a word written twice is a draw.
  const repeats = words.length - fresh;
  const drawn = repeats <= 1 ? words.length * listBits : fresh * listBits + repeats * again;
  const wordBits = Math.min(byFrequency, drawn);
  return {
    words: words.length,
    bits: wordBits + capitalBits(words) + joinBits(text, words),
  };
}

/**
 * The words of a text: its runs of letters, or its capitalised words when nothing separates them.
 * A hyphenated word of the EFF list (`drop-down`, `t-shirt`) is one word where the words are
 * joined by something else.
 */
function wordsOf(text: string): string[] | undefined {
  if (/[^\x20-\x7e]/.test(text)) return undefined;
  const runs = joinHyphenated(text, text.match(/[A-Za-z]+/g) ?? []);
  if (runs.length >= MIN_PASSPHRASE_WORDS && runs.every((run) => letters(run) >= MIN_WORD_LENGTH)) {
    return runs;
  }
  const hyphenated = text.match(/[A-Za-z]+(?:-[A-Za-z]+)*/g) ?? [];
  if (hyphenated.length > 1) return hyphenated;
  const camel = text.match(/[A-Z][a-z]*(?:-[a-z]+)*/g) ?? [];
  return camel.join("") === text ? camel : undefined;
}

/** A run of one or two letters and the next, hyphen between, when they are a listed word: `t-shirt`, `yo-yo`. */
function joinHyphenated(text: string, runs: string[]): string[] {
  const joined: string[] = [];
  let at = 0;
  for (const run of runs) {
    const start = text.indexOf(run, at);
    const previous = joined.at(-1);
    const word = `${previous}-${run}`;
    const hyphenated =
      previous !== undefined &&
      letters(previous) < MIN_WORD_LENGTH &&
      text.slice(at, start) === "-" &&
      listedRank(word.toLowerCase()) !== undefined;
    if (hyphenated) joined[joined.length - 1] = word;
    else joined.push(run);
    at = start + run.length;
  }
  return joined;
}

const letters = (word: string) => word.replace(/-/g, "").length;

/** What stands before, between and after the words: one more part than words. */
function partsAround(text: string, words: readonly string[]): string[] {
  const parts: string[] = [];
  let at = 0;
  for (const word of words) {
    const start = text.indexOf(word, at);
    parts.push(text.slice(at, start));
    at = start + word.length;
  }
  parts.push(text.slice(at));
  return parts;
}

function styleOf(hyphenated: string): "lower" | "capital" | "upper" | "mixed" {
  const word = hyphenated.replace(/-/g, "");
  if (/^[a-z]+$/.test(word)) return "lower";
  if (/^[A-Z][a-z]+$/.test(word)) return "capital";
  return /^[A-Z]+$/.test(word) ? "upper" : "mixed";
}

/** One style for every word (lower, Capitalised, UPPER) is one choice of three; else each word's. */
function capitalBits(words: string[]): number {
  const styles = new Set(words.map(styleOf));
  if (styles.size === 1 && !styles.has("mixed")) return Math.log2(3);
  return words.reduce((sum, word) => sum + caseBits(word), 0);
}

/**
 * What is between and around the words: digits (`Horse7`), each 3.3 bits and where it sits unless
 * every gap holds one, and the symbols, one separator chosen once when every gap has the same.
 */
function joinBits(text: string, words: string[]): number {
  const parts = partsAround(text, words);
  const gaps = parts.slice(1, -1);
  const edges = [parts[0]!, parts.at(-1)!];
  const digitGroups = parts.flatMap((part) => part.match(/\d+/g) ?? []);
  const digits = digitGroups.join("").length;
  const everyGap = gaps.length > 0 && gaps.every((gap) => /\d/.test(gap));
  const digitBits =
    digits * Math.log2(10) + (everyGap ? 0 : digitGroups.length * Math.log2(words.length + 1));
  const symbols = new Set(gaps.map((gap) => gap.replace(/\d/g, "")));
  const gapBits =
    symbols.size <= 1
      ? [...symbols][0]
        ? SEPARATOR_BITS
        : 0
      : SEPARATOR_BITS + gaps.length * Math.log2(symbols.size);
  const edgeBits = edges.reduce(
    (sum, edge) => sum + edge.replace(/\d/g, "").length * SEPARATOR_BITS,
    0,
  );
  return digitBits + gapBits + edgeBits;
}
