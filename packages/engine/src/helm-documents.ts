import { ACTION, type Binding, boundLines, isControlLine, ROOT, scopeOf } from "./helm-defines.js";
import { evaluate, type Taken, takenBranches } from "./helm-expressions.js";
import { rangeKeys } from "./helm-values.js";

/**
 * Which document of a template a rendered document is, and which item of a `range` printed it.
 * Helm splits each template's output at `---`, drops the empty documents (a branch not taken)
 * and sorts the chart's documents by kind, keeping the template's order among those of one
 * kind (releaseutil.SortManifests): so the n-th rendered Deployment of a template is the n-th
 * the template printed, counted through its documents with the merged values (a `range`
 * printed one per item, an `if` one or none).
 */

/** The template document a rendered one came from. */
export interface DocumentPlace {
  /** The template's lines with only that document's left non-blank. */
  lines: string[];
  /** The item of the range that printed it, by the range's line. */
  items: Map<number, Binding>;
}

/** A `---`-separated part of a template that prints a document, and how many it printed. */
interface Slot {
  start: number;
  end: number;
  kind: string | undefined;
  /** How many documents it printed; undefined when not known. */
  count: number | undefined;
  /**
   * The ranges that print one document per item (nested ones too): their lines, and for each
   * document printed the item of every range, by the range's line.
   */
  range?: {
    lines: number[];
    items: Map<number, Binding>[];
    /** Every combination of items of the ranges, and whether this part printed for each. */
    all: Map<number, Binding>[];
    printed: boolean[];
  };
}

interface Block {
  kind: string;
  line: number;
  body: string;
}

/**
 * The template document that printed the `index`-th of `kinds` (the kinds of the documents of
 * this template, in the rendered order); undefined when the values do not decide it.
 */
export function templateDocument(
  text: string,
  kinds: readonly (string | undefined)[],
  index: number,
  values: Record<string, unknown>,
): DocumentPlace | undefined {
  const written = text.split("\n");
  const kind = kinds[index];
  const candidates = slotsOnce(text, written, values).filter(
    (slot) => kind === undefined || slot.kind === undefined || slot.kind === kind,
  );
  const ofKind = kinds.filter((other) => kind === undefined || other === kind).length;
  const nth = kinds.slice(0, index).filter((other) => kind === undefined || other === kind).length;
  // Other documents' control lines stay: the range around this one is read from them.
  const place = (slot: Slot, items: Map<number, Binding> | undefined): DocumentPlace => ({
    lines: written.map((line, lineIndex) =>
      (lineIndex >= slot.start && lineIndex < slot.end) || isControlLine(line) ? line : "",
    ),
    items: items ?? new Map(),
  });
  const printed = printOrder(candidates);
  if (printed?.length === ofKind) return place(printed[nth]!.slot, printed[nth]!.items);
  const counts = countsOf(candidates, ofKind);
  if (!counts) return undefined;
  let before = 0;
  for (const [at, slot] of candidates.entries()) {
    const count = counts[at]!;
    if (nth < before + count) {
      // Each item printed one: the n-th document is the n-th item's.
      const items = slot.range && slot.count === count ? slot.range.items[nth - before] : undefined;
      return place(slot, items);
    }
    before += count;
  }
  return undefined;
}

/**
 * The documents the candidates printed, in helm's order, when every count is known: the parts
 * inside one range take turns, item by item (a Deployment and its canary Deployment per item
 * print a1, a1-canary, a2, a2-canary). Undefined when a count is not known, or when parts sit
 * in ranges that only partly overlap.
 */
function printOrder(
  candidates: readonly Slot[],
): { slot: Slot; items?: Map<number, Binding> }[] | undefined {
  const printed: { slot: Slot; items?: Map<number, Binding> }[] = [];
  const rangeOf = (slot: Slot) => slot.range?.lines.join(",");
  for (let at = 0; at < candidates.length; ) {
    const slot = candidates[at]!;
    if (slot.count === undefined) return undefined;
    const key = rangeOf(slot);
    if (key === undefined) {
      if (slot.count === 1) printed.push({ slot });
      at++;
      continue;
    }
    let end = at;
    while (end < candidates.length && rangeOf(candidates[end]!) === key) end++;
    const group = candidates.slice(at, end);
    if (
      candidates.some((other) => other.range && !group.includes(other) && sharesRange(other, slot))
    )
      return undefined;
    if (group.some((member) => member.count === undefined)) return undefined;
    const combinations = slot.range!.all;
    for (const [k, items] of combinations.entries()) {
      for (const member of group)
        if (member.range!.printed[k]) printed.push({ slot: member, items });
    }
    at = end;
  }
  return printed;
}

function sharesRange(one: Slot, other: Slot): boolean {
  return one.range!.lines.some((line) => other.range!.lines.includes(line));
}

/**
 * How many documents of the kind each candidate printed: as counted, one unknown count being
 * what the others leave; undefined when they cannot add up to what was rendered.
 */
function countsOf(slots: readonly Slot[], rendered: number): number[] | undefined {
  if (slots.length === 1) return [rendered];
  const unknown = slots.filter((slot) => slot.count === undefined).length;
  const known = slots.reduce((sum, slot) => sum + (slot.count ?? 0), 0);
  if (unknown > 1 || known > rendered || (unknown === 0 && known !== rendered)) return undefined;
  // Two documents of one kind printed by each item of one range alternate: not counted here.
  const ranges = slots.flatMap((slot) => (slot.range ? [slot.range.lines.join(",")] : []));
  if (new Set(ranges).size !== ranges.length) return undefined;
  return slots.map((slot) => slot.count ?? rendered - known);
}

/** Each template's parts, by the merged values they were counted with: worked out once. */
const SLOTS = new WeakMap<object, Map<string, Slot[]>>();

function slotsOnce(text: string, written: readonly string[], values: object): Slot[] {
  const byText = SLOTS.get(values) ?? new Map<string, Slot[]>();
  SLOTS.set(values, byText);
  if (!byText.has(text)) {
    const taken = takenBranches(boundLines(written, scopeOf(ROOT)).lines, values);
    byText.set(text, slotsOf(written, taken, values));
  }
  return byText.get(text)!;
}

/** The template's document parts that print something, with what the values say of each. */
function slotsOf(written: readonly string[], taken: Taken, values: unknown): Slot[] {
  const { lines } = taken;
  const separators = lines.flatMap((line, index) => (/^---(\s|$)/.test(line) ? [index] : []));
  const bounds = [-1, ...separators, lines.length];
  const slots: Slot[] = [];
  for (let at = 0; at + 1 < bounds.length; at++) {
    const start = bounds[at]! + 1;
    const end = bounds[at + 1]!;
    // A document may be all one action (`{{ toYaml . }}` of bitnami's extraDeploy items).
    const content = lines.findIndex(
      (line, index) =>
        index >= start &&
        index < end &&
        line.trim() !== "" &&
        !/^\s*#/.test(line) &&
        !isControlLine(line),
    );
    if (content < 0) continue;
    const kind = lines
      .slice(start, end)
      .map((line) => /^kind:\s*["']?([A-Za-z][A-Za-z0-9]*)["']?\s*(?:#.*)?$/.exec(line)?.[1])
      .find((found) => found !== undefined);
    const blocks = blocksAt(lines, content);
    const counting = counted(blocks, written, content, values, (items) => {
      // The document is printed for these items when every branch around it is, items bound.
      if (items.size === 0) return taken.sure[content] === true;
      const itemTaken = takenBranches(boundLines(written, scopeOf(ROOT), items).lines, values);
      return itemTaken.lines[content] === "" ? false : itemTaken.sure[content] || undefined;
    });
    slots.push({ start, end, kind, ...counting });
  }
  return slots;
}

/**
 * How many documents a part printed: one when its branches are taken for sure, or one for each
 * item of the ranges around it (nested ones: each item of the inner range for each of the
 * outer's) whose branches are (an `if .enabled` inside the range), the items that printed one
 * then known.
 */
function counted(
  blocks: readonly Block[],
  written: readonly string[],
  content: number,
  values: unknown,
  printed: (items: ReadonlyMap<number, Binding>) => boolean | undefined,
): Pick<Slot, "count" | "range"> {
  if (blocks.some((block) => block.kind === "define" || block.kind === "block"))
    return { count: undefined };
  const ranges = blocks.filter((block) => block.kind === "range").map((block) => block.line);
  if (!ranges.length) return { count: printed(new Map()) ? 1 : undefined };
  const combinations = rangeItems(ranges, written, content, values);
  if (!combinations) return { count: undefined };
  const printing = combinations.map(printed);
  if (printing.includes(undefined)) return { count: undefined };
  const kept = combinations.filter((_, index) => printing[index]);
  return {
    count: kept.length,
    range: { lines: ranges, items: kept, all: combinations, printed: printing.map(Boolean) },
  };
}

/**
 * Every combination of items of the nested ranges (by their lines, outermost first) in the order
 * helm prints them; an inner range's values are read with the outer items bound
 * (`range $w := $g.workers`). Undefined when the values do not say what a range walks.
 */
function rangeItems(
  ranges: readonly number[],
  written: readonly string[],
  content: number,
  values: unknown,
): Map<number, Binding>[] | undefined {
  let combinations: Map<number, Binding>[] = [new Map()];
  for (const line of ranges) {
    const next: Map<number, Binding>[] = [];
    for (const outer of combinations) {
      const bound = boundLines(written, scopeOf(ROOT), outer).lines;
      const range = blocksAt(bound, content).find((block) => block.line === line);
      const expression = range?.body.replace(/^(?:\$\w+\s*,\s*)?\$\w+\s*:=\s*/, "");
      const ranged = expression === undefined ? undefined : evaluate(expression, values);
      const path = ranged?.path;
      const keys = path ? rangeKeys(ranged.value) : undefined;
      if (!keys || !path) return undefined;
      for (const key of keys) {
        next.push(new Map([...outer, [line, { kind: "values", path: [...path, key] }]]));
      }
    }
    combinations = next;
  }
  return combinations;
}

/** The blocks open at a line: `if`, `with`, `range`, `define`, each with its line and text. */
function blocksAt(lines: readonly string[], at: number): Block[] {
  const blocks: Block[] = [];
  for (let index = 0; index < at; index++) {
    for (const action of lines[index]!.matchAll(ACTION)) {
      const block = /^(if|with|range|define|block)\b\s*(.*)$/s.exec(action[1]!);
      if (block) blocks.push({ kind: block[1]!, line: index, body: block[2]! });
      else if (/^end\b/.test(action[1]!)) blocks.pop();
    }
  }
  return blocks;
}
