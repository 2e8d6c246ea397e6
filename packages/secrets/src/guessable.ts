import {
  KEYBOARDS,
  type KeyboardGraph,
  MIN_WORD_LENGTH,
  type WordList,
  type WordTable,
  wordTable,
} from "./wordlists.js";

/** What a guesser tries before random characters, zxcvbn's matchers. */
export type PatternKind = WordList | "keyboard" | "sequence" | "repeat" | "year";

export interface Pattern {
  kind: PatternKind;
  /** Offsets in the value, `end` exclusive. */
  start: number;
  end: number;
  /** log2 of the guesses this part takes, once the guesser knows where it starts. */
  bits: number;
  /** A word spelt with l33t substitutions (`P@ssw0rd`). */
  l33t?: boolean;
  /** A dictionary pattern: the listed word it reads as (lower-case, l33t undone). */
  word?: string;
  /** A repeat: how often its unit occurs, and what the unit is made of. */
  times?: number;
  unit?: Guessable;
}

export interface Guessable {
  /** log2 of the guesses the whole value takes: its patterns and its random characters. */
  bits: number;
  /** The patterns of the cheapest reading, in order. */
  patterns: Pattern[];
  /** Characters no pattern explains: each costs the bits of the value's alphabet. */
  randomChars: number;
}

/**
 * Longer values carry thousands of bits of alphabet: they are judged by their characters alone
 * (repetition and entropy), which bounds the time one value takes.
 */
export const MAX_ESTIMATED_LENGTH = 256;

/** Which of the six kinds of pattern comes next: a guesser does not know that either. */
const KIND_BITS = Math.log2(6);

/**
 * The guesses a value takes, zxcvbn-style: the cheapest reading of the value as patterns
 * (dictionary words and common passwords, in any case and in l33t; keyboard walks; sequences;
 * repeats; years) and random characters, each random character costing `charBits`. A pattern
 * also costs where it starts (log2 of the length) and which kind it is: a guesser does not know
 * either, and the cost keeps the short words that random text holds by chance from counting.
 * `units` caches the estimates of repeated units across the recursion.
 */
export function estimateGuessable(
  value: string,
  charBits: number,
  units: Map<string, Guessable> = new Map(),
): Guessable {
  const patterns = findPatterns(value, charBits, units);
  const where = Math.log2(Math.max(2, value.length)) + KIND_BITS;
  const best: { bits: number; pattern?: Pattern }[] = [{ bits: 0 }];
  for (let end = 1; end <= value.length; end++) {
    let choice: { bits: number; pattern?: Pattern } = { bits: best[end - 1]!.bits + charBits };
    for (const pattern of patterns[end] ?? []) {
      const bits = best[pattern.start]!.bits + pattern.bits + where;
      if (bits < choice.bits) choice = { bits, pattern };
    }
    best.push(choice);
  }
  const path: Pattern[] = [];
  let randomChars = 0;
  for (let end = value.length; end > 0; ) {
    const pattern = best[end]!.pattern;
    if (pattern) {
      // `qwertyuiop` is a common password because it is a keyboard walk: named as what it is.
      const walk = isWord(pattern) && isKeyboardWalk(value.slice(pattern.start, pattern.end));
      path.unshift(walk ? { ...pattern, kind: "keyboard" } : pattern);
      end = pattern.start;
    } else {
      randomChars++;
      end--;
    }
  }
  return { bits: best[value.length]!.bits, patterns: path, randomChars };
}

const isWord = (pattern: Pattern) => pattern.kind === "password" || pattern.kind === "word";

const NUMBERS = ["no", "a", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

function counted(count: number, singular: string): string {
  // "one other character", never "a other character".
  const number = count === 1 && /^[aeiou]/.test(singular) ? "one" : (NUMBERS[count] ?? count);
  return `${number} ${count === 1 ? singular : `${singular}s`}`;
}

interface Tally {
  kinds: Map<PatternKind, number>;
  l33t: boolean;
  randomChars: number;
}

/** The patterns of a reading, a repeat's unit counted as often as it is written. */
function tally(reading: Guessable, times: number, into: Tally): Tally {
  for (const pattern of reading.patterns) {
    if (pattern.kind === "repeat" && pattern.unit!.patterns.length > 0)
      tally(pattern.unit!, times * pattern.times!, into);
    else into.kinds.set(pattern.kind, (into.kinds.get(pattern.kind) ?? 0) + times);
    if (pattern.l33t) into.l33t = true;
  }
  into.randomChars += reading.randomChars * times;
  return into;
}

const PATTERN_NAMES: readonly [PatternKind, string][] = [
  ["password", "common password"],
  ["word", "dictionary word"],
  ["keyboard", "keyboard walk"],
  ["sequence", "sequence"],
  ["year", "year"],
  ["repeat", "repeated run"],
];

function listed(parts: string[]): string {
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0]!;
}

/**
 * What a reading found, in words, without the value: "four dictionary words and a year",
 * "a common password in l33t, repeated 4 times", "five keyboard walks and 2 other characters".
 */
export function describeReading(reading: Guessable): string {
  const length =
    reading.patterns.reduce((sum, p) => sum + p.end - p.start, 0) + reading.randomChars;
  const repeat = reading.patterns.find(
    (p) => p.kind === "repeat" && 2 * (p.end - p.start) >= length,
  );
  if (repeat) {
    const rest = { ...reading, patterns: reading.patterns.filter((p) => p !== repeat) };
    const others =
      rest.patterns.length + rest.randomChars > 0 ? `, and ${describeReading(rest)}` : "";
    const unit = repeat.unit!;
    const what =
      unit.patterns.length > 0 ? describeReading(unit) : counted(unit.randomChars, "character");
    return `${what}, repeated ${repeat.times} times${others}`;
  }
  const { kinds, l33t, randomChars } = tally(reading, 1, {
    kinds: new Map(),
    l33t: false,
    randomChars: 0,
  });
  const parts = PATTERN_NAMES.filter(([kind]) => kinds.has(kind)).map(([kind, name]) =>
    counted(kinds.get(kind)!, name),
  );
  if (l33t && parts.length > 0) parts[0] = `${parts[0]} in l33t`;
  if (randomChars) parts.push(counted(randomChars, "other character"));
  return listed(parts);
}

/** The whole text is one walk over adjacent keys of a keyboard. */
export function isKeyboardWalk(text: string): boolean {
  return (
    text.length >= MIN_WALK_LENGTH &&
    Object.values(KEYBOARDS).some((graph) => walkFrom(text, 0, graph).end === text.length)
  );
}

/** Every pattern of the value, grouped by where it ends. */
function findPatterns(value: string, charBits: number, units: Map<string, Guessable>): Pattern[][] {
  const byEnd: Pattern[][] = [];
  const add = (pattern: Pattern) => {
    if (pattern.bits >= (pattern.end - pattern.start) * charBits) return; // random is cheaper
    const ending = byEnd[pattern.end];
    if (ending) ending.push(pattern);
    else byEnd[pattern.end] = [pattern];
  };
  for (const pattern of wordPatterns(value)) add(pattern);
  for (const pattern of keyboardPatterns(value)) add(pattern);
  for (const pattern of sequencePatterns(value)) add(pattern);
  for (const pattern of yearPatterns(value)) add(pattern);
  for (const pattern of repeatPatterns(value, charBits, units)) add(pattern);
  return byEnd;
}

// --- dictionary words and common passwords ---

/** The letters a l33t character may stand for. */
const L33T: Readonly<Record<string, readonly string[]>> = {
  "4": ["a"],
  "@": ["a"],
  "8": ["b"],
  "(": ["c"],
  "{": ["c"],
  "[": ["c"],
  "<": ["c"],
  "3": ["e"],
  "6": ["g"],
  "9": ["g"],
  "1": ["i", "l"],
  "!": ["i"],
  "|": ["i", "l"],
  "0": ["o"],
  $: ["s"],
  "5": ["s"],
  "7": ["t"],
  "+": ["t"],
  "2": ["z"],
  "%": ["x"],
};

/**
 * The words of `[low, high)` (sorted, all sharing their first `depth` characters) whose next
 * characters are `text`: a range of the same sorted table, found by comparing one character per
 * step, so that extending a prefix never compares whole strings again.
 */
function narrow(
  table: WordTable,
  range: readonly [number, number],
  depth: number,
  text: string,
): readonly [number, number] {
  let next = range;
  for (let i = 0; i < text.length && next[0] < next[1]; i++) {
    const at = depth + i;
    const code = text.charCodeAt(i);
    // The first two characters are remembered: most prefixes of random text end there.
    if (at < 2) {
      const head = at === 0 ? code : table.codeAt(next[0], 0) * 0x10000 + code;
      let known = headRanges.get(head);
      if (!known) {
        known = narrowOne(table, next, at, code);
        headRanges.set(head, known);
      }
      next = known;
    } else next = narrowOne(table, next, at, code);
  }
  return next;
}

/** The range of the words whose first characters (keyed by their codes, the first times 0x10000 plus the second). */
const headRanges = new Map<number, readonly [number, number]>();

/** The words of `[low, high)` whose character at `at` is `code`: two binary searches. */
function narrowOne(
  table: WordTable,
  [low, high]: readonly [number, number],
  at: number,
  code: number,
): [number, number] {
  // A word that ends before `at` sorts before its continuations: codeAt gives -1.
  let first = low;
  let last = high;
  while (first < last) {
    const middle = (first + last) >>> 1;
    if (table.codeAt(middle, at) < code) first = middle + 1;
    else last = middle;
  }
  last = high;
  let end = first;
  while (end < last) {
    const middle = (end + last) >>> 1;
    if (table.codeAt(middle, at) <= code) end = middle + 1;
    else last = middle;
  }
  return [first, end];
}

/** A value that is, whole, one listed password or word: what a guesser tries first. */
export interface CommonWord {
  word: string;
  list: WordList;
  /** Spelt with l33t substitutions (`P@ssw0rd`). */
  l33t: boolean;
}

/**
 * The listed password or word the whole value reads as, in any case or in l33t (`letmein`,
 * `Admin123`, `P@ssw0rd`), the most common reading first; undefined when no single entry
 * covers it.
 */
export function commonWord(value: string): CommonWord | undefined {
  let best: Pattern | undefined;
  for (const pattern of wordPatterns(value)) {
    if (pattern.start > 0 || pattern.end < value.length) continue;
    if (!best || pattern.bits < best.bits) best = pattern;
  }
  if (!best) return undefined;
  return { word: best.word!, list: best.kind as WordList, l33t: best.l33t === true };
}

/**
 * The rank of a listed word (lower-case, as written: no l33t) in the lists a guesser tries, the
 * most common first; undefined when no list holds it.
 */
export function listedRank(word: string): number | undefined {
  const table = wordTable();
  const [first, end] = narrow(table, [0, table.count], 0, word);
  return first < end && table.length(first) === word.length ? table.rank(first) : undefined;
}

/** Dictionary words at every offset, read case-insensitively and through l33t. */
function wordPatterns(value: string): Pattern[] {
  const table = wordTable();
  // Each character reads as itself (lower-case) or as the letters it stands for in l33t.
  const readings = value
    .split("")
    .map((char) => [
      char.toLowerCase(),
      ...(L33T[char] ?? []).filter((letter) => letter !== char.toLowerCase()),
    ]);
  const found: Pattern[] = [];
  const extend = (
    start: number,
    end: number,
    range: readonly [number, number],
    depth: number,
    substituted: number,
  ) => {
    const options = readings[end];
    if (!options) return;
    for (const [index, letter] of options.entries()) {
      const next = narrow(table, range, depth, letter);
      if (next[0] >= next[1]) continue;
      const length = depth + letter.length;
      const subs = substituted + (index > 0 ? 1 : 0);
      // The first word of the range is the prefix itself when one word is exactly it.
      if (table.length(next[0]) === length && length >= MIN_WORD_LENGTH && spelt(length, subs)) {
        found.push({
          kind: table.list(next[0]),
          start,
          end: end + 1,
          bits: Math.log2(table.rank(next[0])) + caseBits(value.slice(start, end + 1)) + subs,
          ...(subs > 0 ? { l33t: true } : {}),
          word: table.word(next[0]),
        });
      }
      extend(start, end + 1, next, length, subs);
    }
  };
  for (let start = 0; start < value.length; start++) extend(start, start, [0, table.count], 0, 0);
  return found;
}

/**
 * A word a person spells in l33t keeps most of its letters (`P@ssw0rd`, `Tr0ub4dor`); read in
 * random text, l33t turns runs of digits and symbols into words (`8345+` as "beast", `937` as
 * "get") that nobody typed, and short words take it most: over 200,000 random values of lower-case
 * letters and digits, such readings made up most of the largest savings. A word counts with at
 * most half of its characters substituted, and a three-letter word only as it is written.
 */
function spelt(length: number, substituted: number): boolean {
  return substituted === 0 || (length > MIN_WORD_LENGTH && 2 * substituted <= length);
}

/** zxcvbn's uppercase variations: none, first or last or all capitalised cost one bit. */
export function caseBits(word: string): number {
  const upper = [...word].filter((c) => c !== c.toLowerCase()).length;
  const lower = [...word].filter((c) => c !== c.toUpperCase()).length;
  if (upper === 0) return 0;
  if (lower === 0 || /^[A-Z][^A-Z]+$/.test(word) || /^[^A-Z]+[A-Z]$/.test(word)) return 1;
  let variations = 0;
  for (let i = 1; i <= Math.min(upper, lower); i++) variations += choose(upper + lower, i);
  return Math.log2(variations);
}

function choose(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

// --- keyboard walks ---

/** A walk shorter than this is left to the characters: three adjacent keys occur by chance. */
const MIN_WALK_LENGTH = 4;

const KEYBOARD_SHAPES = Object.entries(KEYBOARDS).map(([name, graph]) => ({
  name,
  graph,
  keys: Object.keys(graph).length,
  degree: averageDegree(graph),
}));

function* keyboardPatterns(value: string): Generator<Pattern> {
  for (const { name, graph, keys, degree } of KEYBOARD_SHAPES) {
    for (let start = 0; start < value.length - 1; ) {
      const walk = walkFrom(value, start, graph);
      if (walk.end - start >= MIN_WALK_LENGTH) {
        yield {
          kind: "keyboard",
          start,
          end: walk.end,
          bits: walkBits(walk.end - start, walk.turns, walk.shifted, keys, degree, name),
        };
      }
      start = Math.max(start + 1, walk.end - 1);
    }
  }
}

function walkFrom(
  value: string,
  start: number,
  graph: KeyboardGraph,
): { end: number; turns: number; shifted: number } {
  let turns = 0;
  let shifted = 0;
  let lastDirection = -1;
  let end = start + 1;
  for (; end < value.length; end++) {
    const neighbours = graph[value[end - 1]!] ?? [];
    const direction = neighbours.findIndex((keys) => keys?.includes(value[end]!));
    if (direction < 0) break;
    if (neighbours[direction]!.indexOf(value[end]!) === 1) shifted++;
    if (direction !== lastDirection) turns++;
    lastDirection = direction;
  }
  return { end, turns, shifted };
}

/** zxcvbn's spatial guesses: starting keys times the paths of that length with that many turns. */
function walkBits(
  length: number,
  turns: number,
  shifted: number,
  keys: number,
  degree: number,
  name: string,
): number {
  let guesses = 0;
  for (let i = 2; i <= length; i++) {
    for (let j = 1; j <= Math.min(turns, i - 1); j++)
      guesses += choose(i - 1, j - 1) * keys * degree ** j;
  }
  if (name === "qwerty" && shifted > 0) {
    const unshifted = length - shifted;
    let variations = 0;
    for (let i = 1; i <= Math.min(shifted, unshifted); i++) variations += choose(length, i);
    guesses *= Math.max(2, variations);
  }
  return Math.log2(guesses);
}

function averageDegree(graph: KeyboardGraph): number {
  const neighbours = Object.values(graph).map((keys) => keys.filter(Boolean).length);
  return neighbours.reduce((a, b) => a + b, 0) / neighbours.length;
}

// --- sequences, years, repeats ---

/** Runs of three or more characters of one class that step by the same 1 to 5 (`abcdef`, `97531`). */
function* sequencePatterns(value: string): Generator<Pattern> {
  const classOf = (c: string) =>
    /[a-z]/.test(c) ? "a" : /[A-Z]/.test(c) ? "A" : /\d/.test(c) ? "0" : "";
  for (let start = 0; start < value.length - 2; ) {
    const step = value.charCodeAt(start + 1) - value.charCodeAt(start);
    const kind = classOf(value[start]!);
    let end = start + 1;
    if (kind && step !== 0 && Math.abs(step) <= 5) {
      while (
        end < value.length &&
        classOf(value[end]!) === kind &&
        value.charCodeAt(end) - value.charCodeAt(end - 1) === step
      )
        end++;
    }
    if (end - start >= 3) {
      const first = value[start]!;
      const base = "aAzZ019".includes(first) ? 4 : kind === "0" ? 10 : 26;
      yield {
        kind: "sequence",
        start,
        end,
        bits: Math.log2(base * (end - start) * (step < 0 ? 2 : 1) * Math.abs(step)),
      };
      start = end - 1;
    } else start++;
  }
}

/** Years 1900 to 2099: 200 guesses. */
function* yearPatterns(value: string): Generator<Pattern> {
  for (const match of value.matchAll(/(?=((?:19|20)\d\d))/g)) {
    yield { kind: "year", start: match.index, end: match.index + 4, bits: Math.log2(200) };
  }
}

/**
 * A unit written two or more times in a row: the unit's guesses times the count. At each offset
 * only the shortest unit that repeats there, as zxcvbn's lazy match, and not again inside a
 * repeat of the same unit: units are estimated once each (`units`), so a long run stays cheap.
 */
function* repeatPatterns(
  value: string,
  charBits: number,
  units: Map<string, Guessable>,
): Generator<Pattern> {
  let covered = { end: 0, period: 0 };
  for (let start = 0; start < value.length; start++) {
    const period = shortestRepeat(value, start);
    if (period === undefined || (start < covered.end && period === covered.period)) continue;
    const text = value.slice(start, start + period);
    let times = 2;
    while (value.startsWith(text, start + times * period)) times++;
    let unit = units.get(text);
    if (!unit) {
      unit = estimateGuessable(text, charBits, units);
      units.set(text, unit);
    }
    covered = { end: start + times * period, period };
    yield {
      kind: "repeat",
      start,
      end: covered.end,
      bits: unit.bits + Math.log2(times),
      times,
      unit,
    };
  }
}

/** The shortest unit that the value writes twice in a row from `start`, if any. */
function shortestRepeat(value: string, start: number): number | undefined {
  for (let period = 1; start + 2 * period <= value.length; period++) {
    if (value[start] !== value[start + period]) continue;
    if (value.startsWith(value.slice(start, start + period), start + period)) return period;
  }
  return undefined;
}
