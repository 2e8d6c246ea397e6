import { load, YAMLException } from "js-yaml";
import { parseDocument } from "yaml";
import type { BundleObject } from "./bundle.js";
import { createOffsetLocator, type OffsetLocator } from "./locate.js";
import type { Position } from "./model.js";
import { KUBE_SCHEMA } from "./schema.js";

/**
 * Parsing in two speeds. Values come from js-yaml, fast and without positions; a document is
 * parsed a second time, for node positions, only when a finding on it asks for one (locate.ts).
 * See packages/core/README.md, "Positions on demand".
 */

export type InputRuleId =
  | "input/parse-error"
  | "input/duplicate-key"
  | "input/not-kubernetes"
  | "input/duplicate-object"
  | "input/file-too-large";

/** A problem of the input itself, found before any rule runs. */
export interface InputProblem {
  /** One of InputRuleId, or the id of another input rule passed to `evaluate` (input/schema). */
  ruleId: InputRuleId | `input/${string}`;
  message: string;
  position: Position;
  /** JSON Pointer into `object` when given, else into the document. */
  path?: string;
  /** The object the problem is about, so its findings name it and its annotations apply. */
  object?: BundleObject;
}

export interface SourceFile {
  /** As shown to the user: relative to the working folder. */
  path: string;
  text: string;
  positionAt(offset: number): Position;
}

export interface SourceDocument {
  file: SourceFile;
  /** 0-based index of the document in its file. */
  index: number;
  /** Offset of the document's first character in the file. */
  start: number;
  value: unknown;
  /** The position of the node at `pointer`, or of its nearest existing ancestor. */
  locate(pointer: string): Position;
}

export interface ParsedSource {
  file: SourceFile;
  documents: SourceDocument[];
  problems: InputProblem[];
}

export interface ParseLimits {
  /** Nodes a document may hold once aliases are expanded (YAML bombs). */
  maxExpandedNodes: number;
  /** Nesting depth of a document. */
  maxDepth: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxExpandedNodes: 1_000_000, maxDepth: 200 };

export function createSourceFile(path: string, rawText: string): SourceFile {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return {
    path,
    text,
    positionAt(offset) {
      const line = lastLineStartAtOrBefore(lineStarts, offset);
      return { file: path, line: line + 1, column: offset - (lineStarts[line] ?? 0) + 1 };
    },
  };
}

function lastLineStartAtOrBefore(lineStarts: number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

export function parseSource(
  path: string,
  text: string,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ParsedSource {
  const file = createSourceFile(path, text);
  const parsed: ParsedSource = { file, documents: [], problems: [] };
  if (looksBinary(file.text)) {
    parsed.problems.push({
      ruleId: "input/parse-error",
      message: "binary content (NUL bytes): not a YAML or JSON file",
      position: file.positionAt(0),
    });
    return parsed;
  }
  let index = 0;
  for (const chunk of splitDocuments(file.text)) {
    const document = parseChunk(file, chunk, index, limits, parsed.problems);
    if (document) parsed.documents.push(document);
    index++;
  }
  return parsed;
}

function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes("\u0000");
}

interface Chunk {
  start: number;
  end: number;
}

/**
 * Splits a stream at its `---` and `...` markers. YAML forbids these at the start of a line
 * inside any node, so a line scan finds exactly the documents the parser would, and one broken
 * document cannot hide the ones after it.
 */
export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  let hasContent = false;
  let offset = 0;
  while (offset <= text.length) {
    const newline = text.indexOf("\n", offset);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(offset, lineEnd);
    if (isMarker(line, "---")) {
      if (hasContent) chunks.push({ start, end: offset });
      if (hasContent) start = offset;
      hasContent = true;
    } else if (isMarker(line, "...")) {
      if (hasContent) chunks.push({ start, end: offset });
      start = newline === -1 ? text.length : newline + 1;
      hasContent = false;
    } else if (!hasContent && !isBlankCommentOrDirective(line)) {
      hasContent = true;
    }
    if (newline === -1) break;
    offset = newline + 1;
  }
  if (hasContent) chunks.push({ start, end: text.length });
  return chunks;
}

function isMarker(line: string, marker: string): boolean {
  if (!line.startsWith(marker)) return false;
  const next = line.charAt(3);
  return next === "" || next === " " || next === "\t" || next === "\r";
}

function isBlankCommentOrDirective(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === "" || trimmed.startsWith("#") || line.startsWith("%");
}

function parseChunk(
  file: SourceFile,
  chunk: Chunk,
  index: number,
  limits: ParseLimits,
  problems: InputProblem[],
): SourceDocument | undefined {
  const text = file.text.slice(chunk.start, chunk.end);
  const at = (offset: number) => file.positionAt(chunk.start + offset);
  let value: unknown;
  try {
    value = load(text, { schema: KUBE_SCHEMA });
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      problems.push(parseErrorProblem(error, at, chunk));
      return undefined;
    }
    for (const offset of duplicateKeyOffsets(text)) {
      problems.push({
        ruleId: "input/duplicate-key",
        message: `duplicate key "${keyAt(text, offset)}": only the last value is used`,
        position: at(offset),
      });
    }
    value = load(text, { schema: KUBE_SCHEMA, json: true });
  }
  if (value === null || value === undefined) return undefined;
  const shapeProblem = checkShape(value, limits);
  if (shapeProblem) {
    problems.push({ ruleId: "input/parse-error", message: shapeProblem, position: at(0) });
    return undefined;
  }
  return { file, index, start: chunk.start, value, locate: lazyLocator(file, chunk, text) };
}

function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof YAMLException && error.reason.startsWith("duplicated mapping key");
}

function parseErrorProblem(
  error: unknown,
  at: (offset: number) => Position,
  chunk: Chunk,
): InputProblem {
  if (error instanceof YAMLException) {
    const position = at(error.mark?.position ?? 0);
    return { ruleId: "input/parse-error", message: `YAML syntax: ${error.reason}`, position };
  }
  if (error instanceof RangeError) {
    return {
      ruleId: "input/parse-error",
      message: "nesting is too deep to parse",
      position: at(0),
    };
  }
  throw Object.assign(new Error(`parser failed at offset ${chunk.start}`), { cause: error });
}

function duplicateKeyOffsets(text: string): number[] {
  const document = parseDocument(text, { uniqueKeys: true, merge: true });
  return document.errors.filter((e) => e.code === "DUPLICATE_KEY").map((e) => e.pos[0]);
}

function keyAt(text: string, offset: number): string {
  const match = /^["']?([^"':\n]*)/.exec(text.slice(offset, offset + 200));
  return match?.[1]?.trim() ?? "";
}

/**
 * Walks a parsed document once, counting nodes as if every alias were expanded (a YAML bomb
 * is small on disk and astronomic once expanded) and measuring depth. Shared nodes are counted
 * through a memo, so the walk itself stays linear in what was parsed.
 */
function checkShape(value: unknown, limits: ParseLimits): string | undefined {
  const sizes = new Map<object, number>();
  const inProgress = new Set<object>();
  let problem: string | undefined;
  const measure = (node: unknown, depth: number): number => {
    if (problem || typeof node !== "object" || node === null) return 1;
    if (depth > limits.maxDepth) {
      problem = `nesting deeper than ${limits.maxDepth} levels`;
      return 1;
    }
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (inProgress.has(node)) {
      problem = "an alias refers to a node that contains it (a recursive document)";
      return 1;
    }
    inProgress.add(node);
    let size = 1;
    const children = Array.isArray(node) ? node : Object.values(node as object);
    for (const child of children) size += measure(child, depth + 1);
    inProgress.delete(node);
    sizes.set(node, size);
    return size;
  };
  const expanded = measure(value, 0);
  if (problem) return problem;
  if (expanded > limits.maxExpandedNodes) {
    return `aliases expand to ${expanded.toExponential(1)} nodes, over the limit of ${limits.maxExpandedNodes} (a YAML bomb?)`;
  }
  return undefined;
}

function lazyLocator(file: SourceFile, chunk: Chunk, text: string): (pointer: string) => Position {
  let offsetOf: OffsetLocator | undefined;
  return (pointer) => {
    offsetOf ??= createOffsetLocator(text);
    return file.positionAt(chunk.start + offsetOf(pointer));
  };
}
