import { load, type State } from "js-yaml";
import { type Document, isAlias, isMap, isSeq } from "yaml";
import { parseForGo, winningPair } from "./goyaml/compose.js";
import { needsExactReading } from "./goyaml/read.js";
import { splitPointer } from "./pointer.js";
import { KUBE_SCHEMA } from "./schema.js";

/**
 * Offsets of nodes by JSON Pointer, for one document's text. The fast path replays js-yaml's
 * parse with its node listener and keeps only start offsets; documents with anchors, tags or
 * explicit keys (where js-yaml's speculative parsing leaves stray events) take the `yaml`
 * package's full AST instead. Both give, for a mapping member, the start of its key and, for a
 * sequence item, the start of the item; a differential test holds them equal on real corpora.
 */
export type OffsetLocator = (pointer: string) => number;

export function createOffsetLocator(text: string, exact = false): OffsetLocator {
  const root = !exact && usesFastPath(text) ? frameTree(text) : undefined;
  return root ? (pointer) => frameOffset(text, root, pointer) : astLocator(text);
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

function frameOffset(text: string, root: Frame, pointer: string): number {
  let frame = unwrap(text, root);
  let offset = contentStart(text, root.open);
  for (const segment of splitPointer(pointer)) {
    const next = frame.kind === "mapping" ? memberOf(text, frame, segment) : itemOf(frame, segment);
    if (!next) break;
    offset = contentStart(text, next.at.open);
    if (!next.value) break;
    frame = unwrap(text, next.value);
  }
  return offset;
}

/**
 * In block context js-yaml first tries a block mapping and reads a flow collection as its
 * would-be first key; with no ':' after it, that node is the value itself, wrapped once.
 */
function unwrap(text: string, frame: Frame): Frame {
  let current = frame;
  for (;;) {
    const only = current.children.length === 1 ? current.children[0]! : undefined;
    if (!only || only.kind !== current.kind || only.end !== current.end || isKey(text, only))
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
  return (pointer) => astOffset(document, pointer);
}

function astOffset(document: Document, pointer: string): number {
  let node: unknown = document.contents;
  let offset = rangeStart(node);
  for (const segment of splitPointer(pointer)) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = winningPair(document, node, segment);
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined || !/^\d+$/.test(segment)) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset ?? 0;
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === "object" && "range" in node && Array.isArray(node.range)) {
    return node.range[0] as number;
  }
  return undefined;
}

/** The full-AST locator alone, for the differential test. */
export function astOffsetLocator(text: string): OffsetLocator {
  return astLocator(text);
}
