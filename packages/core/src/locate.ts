import { load, type State } from "js-yaml";
import { type Document, isAlias, isMap, isPair, isScalar, isSeq } from "yaml";
import { parseForGo, winningPair } from "./goyaml/compose.js";
import { needsExactReading } from "./goyaml/read.js";
import { splitPointer } from "./pointer.js";
import { KUBE_SCHEMA } from "./schema.js";

/**
 * Spans of nodes by JSON Pointer, for one document's text. The fast path replays js-yaml's
 * parse with its node listener and keeps only offsets; documents with anchors, tags or explicit
 * keys (where js-yaml's speculative parsing leaves stray events) take the `yaml` package's full
 * AST instead. Both start, for a mapping member, at its key and, for a sequence item, at the
 * item; a differential test holds them equal on real corpora.
 *
 * A span ends where the text the pointer names ends: a member's value (comments and blank lines
 * after it left out), or its key alone when the value is empty; an item; the document. A pointer
 * that goes on below what the text has marks the nearest node that is there: a member's key,
 * an item, the document.
 */
export interface Span {
  start: number;
  /** Exclusive. */
  end: number;
}

export type OffsetLocator = (pointer: string) => Span;

export function createOffsetLocator(text: string, exact = false): OffsetLocator {
  const root = !exact && usesFastPath(text) ? frameTree(text) : undefined;
  const locate = root ? (pointer: string) => frameSpan(text, root, pointer) : astLocator(text);
  return (pointer) => atLeastEmpty(locate(pointer));
}

/** An empty item (`-` alone) is an empty span where it starts. */
function atLeastEmpty(span: Span): Span {
  return span.end < span.start ? { start: span.start, end: span.start } : span;
}

/** The documents the exact reader takes (goyaml/read.ts) take the full AST here too. */
export function usesFastPath(text: string): boolean {
  return !needsExactReading(text);
}

interface Frame {
  open: number;
  end: number;
  kind: string | null;
  key?: string;
  children: Frame[];
}

function frameTree(text: string): Frame | undefined {
  const root: Frame = { open: 0, end: 0, kind: null, children: [] };
  const stack: Frame[] = [root];
  const listener = (event: string, state: State) => {
    if (event === "open") {
      const frame: Frame = { open: state.position, end: -1, kind: null, children: [] };
      stack[stack.length - 1]!.children.push(frame);
      stack.push(frame);
      return;
    }
    const frame = stack.pop()!;
    frame.end = state.position;
    frame.kind = state.kind;
    if (state.kind === "scalar") frame.key = String(state.result);
  };
  try {
    load(text, { schema: KUBE_SCHEMA, json: true, listener });
  } catch {
    return undefined;
  }
  return root.children[0];
}

function frameSpan(text: string, root: Frame, pointer: string): Span {
  let frame = unwrap(text, root);
  let start = contentStart(text, root.open);
  // What stays marked when the next segment is absent: a member's key, an item, the document.
  // Ends are found only for the node the span ends on: a block's end is a walk down its last children.
  const document = frame;
  let belowAbsent = () => frameEnd(text, document);
  for (const segment of splitPointer(pointer)) {
    const next = frame.kind === "mapping" ? memberOf(text, frame, segment) : itemOf(frame, segment);
    if (!next) return { start, end: belowAbsent() };
    const at = contentStart(text, next.at.open);
    if (!next.value) return { start: at, end: trimEnd(text, at, next.at.end) };
    const value = unwrap(text, next.value);
    const key = next.at;
    belowAbsent =
      key === next.value ? () => frameEnd(text, value) : () => trimEnd(text, at, key.end);
    frame = value;
    start = at;
  }
  return { start, end: frameEnd(text, frame) };
}

/**
 * Where a node's text ends: a block collection with its last child (js-yaml closes it after
 * the comments and blank lines that follow), anything else at its last non-blank character.
 */
function frameEnd(text: string, frame: Frame): number {
  const open = contentStart(text, frame.open);
  const last = frame.children.at(-1);
  if (frame.kind === "scalar" || !last || text[open] === "[" || text[open] === "{")
    return trimEnd(text, open, frame.end);
  // A member with an empty value ends with its key (js-yaml opens a frame for the nothing).
  const content = last.kind === null ? frame.children.at(-2) : last;
  return content ? frameEnd(text, unwrap(text, content)) : trimEnd(text, open, frame.end);
}

/** `end`, moved back over the blanks before it (never before `from`). */
function trimEnd(text: string, from: number, end: number): number {
  // js-yaml reads a text that does not end with a line break as if it did.
  let i = Math.min(end, text.length);
  while (i > from && isBlank(text[i - 1]!)) i--;
  return i;
}

function isBlank(char: string): boolean {
  return char === " " || char === "\t" || char === "\n" || char === "\r";
}

/**
 * In block context js-yaml first tries a block mapping and reads a flow collection as its
 * would-be first key; with no ':' after it, that node is the value itself, wrapped once. The
 * wrapper starts where the node does: a block sequence that is the one item of another
 * (Argo's `steps: [- - name: ...]`) starts after the outer dash, and is no wrapper.
 */
function unwrap(text: string, frame: Frame): Frame {
  let current = frame;
  for (;;) {
    const only = current.children.length === 1 ? current.children[0]! : undefined;
    if (
      !only ||
      only.kind !== current.kind ||
      only.end !== current.end ||
      isKey(text, only) ||
      contentStart(text, only.open) !== contentStart(text, current.open)
    )
      return current;
    current = only;
  }
}

/** A mapping's children are keys (followed by ':') each with the value after it, if any. */
function memberOf(text: string, mapping: Frame, segment: string) {
  const children = mapping.children;
  let found: { at: Frame; value: Frame | undefined } | undefined;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (!isKey(text, child)) continue;
    const candidate = children[i + 1];
    const value = candidate && !isKey(text, candidate) ? candidate : undefined;
    if (child.key === segment)
      found = { at: child, value: value && value.kind !== null ? value : undefined };
  }
  return found;
}

function itemOf(sequence: Frame, segment: string) {
  if (sequence.kind !== "sequence" || !/^\d+$/.test(segment)) return undefined;
  const item = sequence.children[Number(segment)];
  return item ? { at: item, value: item } : undefined;
}

function isKey(text: string, frame: Frame): boolean {
  if (frame.kind !== "scalar") return false;
  let i = frame.end;
  while (text[i] === " " || text[i] === "\t") i++;
  return text[i] === ":";
}

/** Skips the spaces, line breaks and comments between where js-yaml opened a node and its content. */
function contentStart(text: string, from: number): number {
  let i = from;
  for (;;) {
    const char = text[i];
    if (char === " " || char === "\t" || char === "\n" || char === "\r") i++;
    else if (char === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else return i;
  }
}

function astLocator(text: string): OffsetLocator {
  const document = parseForGo(text);
  return (pointer) => astSpan(text, document, pointer);
}

function astSpan(text: string, document: Document, pointer: string): Span {
  let node: unknown = document.contents;
  let start = rangeOf(node)?.[0] ?? 0;
  const root = node;
  let belowAbsent = () => nodeEnd(text, root);
  for (const segment of splitPointer(pointer)) {
    if (isAlias(node)) node = node.resolve(document);
    let at: unknown;
    if (isMap(node)) {
      const pair = winningPair(document, node, segment);
      if (!pair) return { start, end: belowAbsent() };
      at = pair.key;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(segment) && node.items[Number(segment)] !== undefined) {
      at = node.items[Number(segment)];
      node = at;
    } else {
      return { start, end: belowAbsent() };
    }
    start = rangeOf(at)?.[0] ?? start;
    if (isEmpty(node)) return { start, end: nodeEnd(text, at) };
    const [key, value] = [at, node];
    belowAbsent = key === value ? () => nodeEnd(text, value) : () => nodeEnd(text, key);
  }
  return { start, end: nodeEnd(text, node) };
}

/** A member's value that is not written (`key:`): the member is its key. */
function isEmpty(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  const range = rangeOf(node);
  return isScalar(node) && range !== undefined && range[0] === range[1];
}

/** A block collection ends with its last item (its range runs on over comments), others at their value's end. */
function nodeEnd(text: string, node: unknown): number {
  const range = rangeOf(node);
  if (!range) return 0;
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length) {
    const last = node.items.at(-1);
    if (isPair(last))
      return isEmpty(last.value) ? nodeEnd(text, last.key) : nodeEnd(text, last.value);
    return nodeEnd(text, last);
  }
  return trimEnd(text, range[0], range[1]);
}

function rangeOf(node: unknown): readonly [number, number, number?] | undefined {
  if (node && typeof node === "object" && "range" in node && Array.isArray(node.range)) {
    return node.range as [number, number, number];
  }
  return undefined;
}

/** The full-AST locator alone, for the differential test. */
export function astOffsetLocator(text: string): OffsetLocator {
  const locate = astLocator(text);
  return (pointer) => atLeastEmpty(locate(pointer));
}
