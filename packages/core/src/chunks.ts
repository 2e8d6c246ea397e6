/**
 * Cutting a file into documents as kubectl does (k8s.io/apimachinery's YAMLOrJSONDecoder):
 * - a file whose first non-space character is `{` is a stream of JSON values, nothing else;
 * - otherwise it is cut at lines that start with `---`, each piece read by go-yaml as ONE
 *   document: a `...` line ends it and whatever follows is never read, and a `---` line with
 *   anything but a comment after it makes kubectl refuse the rest of the file.
 * We still read every piece (a refused file is reported, not skipped), but say what kubectl
 * ignores or refuses, at its line.
 */

export interface Chunk {
  start: number;
  end: number;
  /** Set for the values of a JSON stream: already parsed, exactly as JSON. */
  json?: { value: unknown };
}

export interface ChunkProblem {
  ruleId: "input/parse-error" | "input/ignored-by-kubectl";
  message: string;
  offset: number;
}

export interface Chunks {
  chunks: Chunk[];
  problems: ChunkProblem[];
}

export function kubectlChunks(text: string): Chunks {
  return /^\s*\{/.test(text) ? jsonChunks(text) : yamlChunks(text);
}

interface Line {
  start: number;
  /** Without its line break. */
  text: string;
}

function* linesOf(text: string): Generator<Line> {
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    yield { start, text: text.slice(start, end) };
    if (newline === -1) return;
    start = newline + 1;
  }
}

function yamlChunks(text: string): Chunks {
  const result: Chunks = { chunks: [], problems: [] };
  let segment: Line[] = [];
  let segmentStart = 0;
  const flush = (end: number) => {
    cutSegment(segment, segmentStart, end, result);
    segment = [];
  };
  for (const line of linesOf(text)) {
    if (line.text.startsWith("---")) {
      flush(line.start);
      segmentStart = line.start;
      const rest = line.text.slice(3).trim();
      if (rest !== "" && !rest.startsWith("#")) {
        result.problems.push({
          ruleId: "input/parse-error",
          message: `kubectl refuses the rest of this file: a "---" line may hold nothing but a comment (found ${JSON.stringify(shorten(rest))})`,
          offset: line.start,
        });
      }
    }
    segment.push(line);
  }
  flush(text.length);
  return result;
}

/**
 * One piece between `---` lines: go-yaml reads its first document only. Leading blank,
 * comment, directive and separator lines are skipped; a `...` line ends the document.
 */
function cutSegment(lines: Line[], start: number, end: number, into: Chunks) {
  let content: Line | undefined;
  for (const line of lines) {
    if (!content) {
      if (isMarker(line.text, "...")) {
        into.problems.push({
          ruleId: "input/parse-error",
          message:
            'kubectl refuses a document that starts with "..." (go-yaml: did not find expected node content)',
          offset: line.start,
        });
        continue;
      }
      if (line.text.startsWith("%")) {
        into.problems.push({
          ruleId: "input/parse-error",
          message:
            "kubectl refuses YAML directives (%YAML, %TAG): its reader drops the --- line after them (go-yaml: did not find expected <document start>)",
          offset: line.start,
        });
      } else if (line.text.startsWith("---")) {
        if (!isSeparatorOnly(line.text)) content = line;
      } else if (!isBlankCommentOrDirective(line.text)) content = line;
      continue;
    }
    if (isMarker(line.text, "...")) {
      into.chunks.push({ start, end: line.start });
      const ignored = lines.find((l) => l.start > line.start && !isBlankCommentOrDirective(l.text));
      if (ignored) {
        into.problems.push({
          ruleId: "input/ignored-by-kubectl",
          message:
            'kubectl ignores everything after a "..." line up to the next "---": this content is never applied',
          offset: ignored.start,
        });
      }
      return;
    }
  }
  if (content) into.chunks.push({ start, end });
}

function isSeparatorOnly(line: string): boolean {
  const rest = line.slice(3).trim();
  return rest === "" || rest.startsWith("#");
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

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * A JSON stream: values one after another, as Go's json.Decoder reads them. The first value
 * that is not valid JSON stops kubectl, and us, with a finding.
 */
function jsonChunks(text: string): Chunks {
  const result: Chunks = { chunks: [], problems: [] };
  let offset = skipSpace(text, 0);
  while (offset < text.length) {
    const end = jsonValueEnd(text, offset);
    const slice = text.slice(offset, end);
    try {
      result.chunks.push({ start: offset, end, json: { value: JSON.parse(slice) } });
    } catch (error) {
      const reason = error instanceof Error ? firstSentence(error.message) : "invalid JSON";
      result.problems.push({
        ruleId: "input/parse-error",
        message: `kubectl reads a file that starts with "{" as JSON, and this is not JSON: ${reason}`,
        offset,
      });
      return result;
    }
    offset = skipSpace(text, end);
  }
  return result;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** The end of the JSON value at `start`: a bracketed value by depth, a scalar to a delimiter. */
function jsonValueEnd(text: string, start: number): number {
  const first = text[start];
  if (first !== "{" && first !== "[") {
    if (first === '"') return stringEnd(text, start);
    let i = start;
    while (i < text.length && !/[\s{}[\],"]/.test(text[i]!)) i++;
    return Math.max(i, start + 1);
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"') i = stringEnd(text, i) - 1;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

function firstSentence(message: string): string {
  return message.split("\n")[0]!;
}

/**
 * Splits a stream at its `---` and `...` markers, as a YAML parser would. Kept for callers that
 * want YAML's own documents (kubectl's cut is `kubectlChunks`).
 */
export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  let hasContent = false;
  for (const line of linesOf(text)) {
    if (isMarker(line.text, "---")) {
      if (hasContent) chunks.push({ start, end: line.start });
      if (hasContent) start = line.start;
      hasContent = true;
    } else if (isMarker(line.text, "...")) {
      if (hasContent) chunks.push({ start, end: line.start });
      start = Math.min(text.length, line.start + line.text.length + 1);
      hasContent = false;
    } else if (!hasContent && !isBlankCommentOrDirective(line.text)) {
      hasContent = true;
    }
  }
  if (hasContent) chunks.push({ start, end: text.length });
  return chunks;
}
