import { type Chunk, kubectlChunks, splitDocuments } from "./chunks.js";
import { type ReadDocument, readDocument } from "./goyaml/read.js";
import { createOffsetLocator, type OffsetLocator } from "./locate.js";
import type { Position } from "./model.js";
import { readYaml12 } from "./yaml12.js";

export { splitDocuments };

/**
 * What a rule sees is what kubectl sends: files are cut into documents as kubectl cuts them
 * (chunks.ts) and each document is read as go-yaml v2 reads it (goyaml/). Values come fast and
 * without positions; a document is parsed a second time, for node positions, only when a
 * finding on it asks for one (locate.ts). See packages/core/README.md, "Reading like kubectl".
 */

export type InputRuleId =
  | "input/parse-error"
  | "input/duplicate-key"
  | "input/not-kubernetes"
  | "input/duplicate-object"
  | "input/file-too-large"
  | "input/ignored-by-kubectl"
  | "input/unreadable"
  | "input/skipped"
  | "input/not-rendered"
  | "input/cluster-dependent";

/** A problem of the input itself, found while reading a file (before any object exists). */
export interface SourceProblem {
  /** One of InputRuleId, or the id of another input rule passed to `evaluate` (input/schema). */
  ruleId: InputRuleId | `input/${string}`;
  message: string;
  position: Position;
  /** JSON Pointer into the problem's object when it has one, else into the document. */
  path?: string;
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
  problems: SourceProblem[];
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
  const lineStarts = lineStartsOf(text);
  return {
    path,
    text,
    positionAt(offset) {
      const line = lastLineStartAtOrBefore(lineStarts, offset);
      return { file: path, line: line + 1, column: offset - (lineStarts[line] ?? 0) + 1 };
    },
  };
}

function lineStartsOf(text: string): number[] {
  const lineStarts = [0];
  if (!text.includes("\r")) {
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) {
      lineStarts.push(at + 1);
    }
    return lineStarts;
  }
  // a lone "\r" breaks a line too, for go-yaml (its line numbers) and for editors
  for (const lineBreak of text.matchAll(/\r\n?|\n/g)) {
    lineStarts.push(lineBreak.index + lineBreak[0].length);
  }
  return lineStarts;
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

/**
 * "kubectl" (the default): a Kubernetes manifest, read as kubectl sends it. "yaml": a file of
 * ours (the config file), read as YAML 1.2 and cut at every document marker.
 */
export type YamlDialect = "kubectl" | "yaml";

export function parseSource(
  path: string,
  text: string,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
  dialect: YamlDialect = "kubectl",
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
  const { chunks, problems } =
    dialect === "kubectl"
      ? kubectlChunks(file.text)
      : { chunks: splitDocuments(file.text), problems: [] };
  for (const problem of problems) {
    parsed.problems.push({ ...problem, position: file.positionAt(problem.offset) });
  }
  const read = dialect === "kubectl" ? readDocument : (text: string) => readYaml12(text);
  chunks.forEach((chunk, index) => {
    const document = parseChunk(file, chunk, index, limits, parsed.problems, read);
    if (document) parsed.documents.push(document);
  });
  return parsed;
}

function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes("\u0000");
}

function parseChunk(
  file: SourceFile,
  chunk: Chunk,
  index: number,
  limits: ParseLimits,
  problems: SourceProblem[],
  readChunk: (text: string, json?: { value: unknown }) => ReadDocument,
): SourceDocument | undefined {
  const text = file.text.slice(chunk.start, chunk.end);
  const at = (offset: number) => file.positionAt(chunk.start + offset);
  const read = safely(() => readChunk(text, chunk.json));
  for (const problem of read.problems) {
    problems.push({
      ruleId: problem.ruleId,
      message: problem.message,
      position: at(problem.offset),
    });
  }
  if (read.value === null || read.value === undefined) return undefined;
  const shapeProblem = checkShape(read.value, limits);
  if (shapeProblem) {
    problems.push({ ruleId: "input/parse-error", message: shapeProblem, position: at(0) });
    return undefined;
  }
  return {
    file,
    index,
    start: chunk.start,
    value: read.value,
    locate: lazyLocator(file, chunk, text, read.exact === true),
  };
}

/** Reading never throws: whatever goes wrong is a finding on the document. */
function safely(read: () => ReadDocument): ReadDocument {
  try {
    return read();
  } catch (error) {
    const message =
      error instanceof RangeError
        ? "nesting is too deep to parse"
        : `could not be read: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
    return { value: undefined, problems: [{ ruleId: "input/parse-error", message, offset: 0 }] };
  }
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

function lazyLocator(
  file: SourceFile,
  chunk: Chunk,
  text: string,
  exact: boolean,
): (pointer: string) => Position {
  let offsetOf: OffsetLocator | undefined;
  // Findings of one object often share a pointer (every flow a workload's new policy must cut).
  const known = new Map<string, Position>();
  return (pointer) => {
    let position = known.get(pointer);
    if (!position) {
      offsetOf ??= createOffsetLocator(text, exact);
      const span = offsetOf(pointer);
      const end = file.positionAt(chunk.start + span.end);
      position = {
        ...file.positionAt(chunk.start + span.start),
        endLine: end.line,
        endColumn: end.column,
      };
      known.set(pointer, position);
    }
    return { ...position };
  };
}
