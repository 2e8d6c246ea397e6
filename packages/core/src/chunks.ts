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

function yamlChunks(text: string): Chunks {
  const result: Chunks = { chunks: [], problems: [] };
  const separators: number[] = [];
  // kubectl reads lines up to "\n": a "---" after a lone "\r" does not cut the file
  if (text.startsWith("---")) separators.push(0);
  for (let at = text.indexOf("\n---"); at !== -1; at = text.indexOf("\n---", at + 1)) {
    separators.push(at + 1);
  }
  const bounds = [0, ...separators, text.length];
  let kept = false;
  let afterSeparator = -1;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    if (start === end && i > 0) continue;
    const isSeparator = i > 0;
    // kubectl's reader keeps a "---" line in the piece only when nothing came since the last
    // piece (at the start, or right after a "---" that ended one); go-yaml then sees it
    kept = isSeparator && (start === 0 || (!kept && afterSeparator === start));
    let from = start;
    if (isSeparator) {
      const line = lineAt(text, start);
      const rest = line.text.slice(3).trim();
      afterSeparator = line.next;
      if (rest === "" || rest.startsWith("#")) from = afterMarkerLine(text, start, line.next);
      else {
        result.problems.push({
          ruleId: "input/parse-error",
          message: `kubectl refuses the rest of this file: a "---" line may hold nothing but a comment (found ${JSON.stringify(shorten(rest))})`,
          offset: start,
        });
      }
    }
    cutSegment(text, { start, from, end, started: kept }, result);
  }
  return result;
}

interface Line {
  start: number;
  /** Without its line break. */
  text: string;
  /** Where the next line starts. */
  next: number;
}

/**
 * A document start and then another, or an end, with nothing between them: go-yaml reads the
 * first, empty, document and kubectl sends nothing of this piece.
 */
function ignoreAfterEmptyDocument(text: string, marker: number, end: number, into: Chunks) {
  const ignored = contentAfterMarker(text, marker, end);
  if (ignored === undefined) return;
  into.problems.push({
    ruleId: "input/ignored-by-kubectl",
    message:
      'go-yaml reads only the first document of this piece, and it is empty (a "---" or "..." right after its start): kubectl never applies this content, up to the next "---" line',
    offset: ignored,
  });
}

/** A line as go-yaml breaks lines: at "\n", "\r\n" or a lone "\r". */
function goLineAt(text: string, start: number, end: number): Line {
  const found = text.slice(start, end).search(/\r|\n/);
  if (found === -1) return { start, text: text.slice(start, end), next: end };
  const lineEnd = start + found;
  const next = text.startsWith("\r\n", lineEnd) ? lineEnd + 2 : lineEnd + 1;
  return { start, text: text.slice(start, lineEnd), next };
}

/**
 * A directive is refused because kubectl cuts the file at the `---` after it; where a lone
 * "\r" keeps that `---` in the same piece, go-yaml reads directive and document together.
 */
function startsDocument(text: string, from: number, end: number): boolean {
  for (let at = from; at < end; ) {
    const line = goLineAt(text, at, end);
    if (isMarker(line.text, "---")) return true;
    if (!isBlankOrComment(line.text) && !line.text.startsWith("%")) return false;
    at = line.next;
  }
  return false;
}

function lineAt(text: string, start: number): Line {
  const newline = text.indexOf("\n", start);
  const end = newline === -1 ? text.length : newline;
  return { start, text: text.slice(start, end), next: newline === -1 ? text.length : newline + 1 };
}

/**
 * One piece between `---` lines (from `start`; its content from `from`): go-yaml reads its
 * first document only. Leading blank and comment lines are skipped; a `...` line ends the
 * document; directives and a leading `...` make go-yaml refuse it.
 */
/**
 * The first `...` line of the document in [from, end) (`from` starts a line; so does `end`,
 * or it ends the text). Searched in the piece alone: over the whole text, a search for a marker
 * that is not there would run to the end of the file for every document.
 */
function documentEndMarker(text: string, from: number, end: number): Marker | undefined {
  const part = text.slice(from, end);
  // Nearly every document holds neither: no scan with a lookbehind.
  if (!part.includes("...") && !part.includes("\r---")) return undefined;
  const found = /^\.\.\.(?=[ \t\r]|$)|(?<=\r)---(?=[ \t\r]|$)/m.exec(part);
  if (!found) return undefined;
  return { offset: from + found.index, kind: found[0] === "..." ? "end" : "start" };
}

interface Marker {
  offset: number;
  /** `...`, or `---` after a lone "\r", which go-yaml takes for the next document's start. */
  kind: "end" | "start";
}

/**
 * Where the document after a `---` line starts: the next line, or for go-yaml, which also
 * breaks lines at a lone "\r", right after the first one.
 */
function afterMarkerLine(text: string, start: number, next: number): number {
  // Searched in the line alone: over the whole text, a file without "\r" would be read to its
  // end once for every document.
  const inLine = text.slice(start, next).indexOf("\r");
  const cr = inLine === -1 ? -1 : start + inLine;
  return cr !== -1 && cr + 1 < next && text[cr + 1] !== "\n" ? cr + 1 : next;
}

/** The first content after the marker's line, lines broken at "\n", "\r\n" or a lone "\r". */
function contentAfterMarker(text: string, marker: number, end: number): number | undefined {
  const lineBreak = /\r\n?|\n/g;
  lineBreak.lastIndex = marker;
  for (let found = lineBreak.exec(text); found && found.index < end; found = lineBreak.exec(text)) {
    const at = found.index + found[0].length;
    const next = text.slice(at, end).search(/\r|\n/);
    const line = text.slice(at, next === -1 ? end : at + next);
    if (!isBlankOrComment(line)) return at;
    lineBreak.lastIndex = at;
  }
  return undefined;
}

interface Segment {
  start: number;
  /** Where its content starts: after its "---" line. */
  from: number;
  end: number;
  /** go-yaml sees a "---" before the content. */
  started: boolean;
}

function cutSegment(text: string, segment: Segment, into: Chunks) {
  const { start, from, end } = segment;
  let offset = from;
  let content: number | undefined =
    from < end && from === start && text.startsWith("---", start) ? start : undefined;
  let started = segment.started;
  while (content === undefined && offset < end) {
    const line = goLineAt(text, offset, end);
    if (isMarker(line.text, "---")) {
      // only after a lone "\r" (kubectl cut the file at the others): go-yaml's document start
      if (started) return ignoreAfterEmptyDocument(text, offset, end, into);
      started = true;
    } else if (isMarker(line.text, "...")) {
      if (started) return ignoreAfterEmptyDocument(text, offset, end, into);
      into.problems.push({
        ruleId: "input/parse-error",
        message:
          'kubectl refuses a document that starts with "..." (go-yaml: did not find expected node content)',
        offset,
      });
    } else if (line.text.startsWith("%")) {
      if (/^%YAML[ \t]/.test(line.text) && !/^%YAML[ \t]+1\.1(\s|#|$)/.test(line.text)) {
        into.problems.push({
          ruleId: "input/parse-error",
          message:
            "kubectl refuses a YAML version other than 1.1 (go-yaml: found incompatible YAML document)",
          offset,
        });
      } else if (!startsDocument(text, line.next, end)) {
        into.problems.push({
          ruleId: "input/parse-error",
          message:
            "kubectl refuses YAML directives (%YAML, %TAG): its reader drops the --- line after them (go-yaml: did not find expected <document start>)",
          offset,
        });
      }
    } else if (!isBlankOrComment(line.text)) {
      content = offset;
    }
    offset = line.next;
  }
  if (content === undefined) return;
  const flowEnd = flowKeyAware(text, flowRootEnd(text, content, end));
  const trailing = flowEnd === undefined ? undefined : firstContent(text, flowEnd, end);
  if (flowEnd !== undefined && trailing !== undefined) {
    into.chunks.push({ start, end: flowEnd });
    const unscannable = unscannableToken(text, flowEnd, trailing, end);
    into.problems.push(
      unscannable
        ? {
            ruleId: "input/parse-error",
            message: `kubectl refuses this document: ${unscannable}`,
            offset: trailing,
          }
        : {
            ruleId: "input/ignored-by-kubectl",
            message:
              'kubectl reads one node per document: what follows the closing bracket, up to the next "---", is never applied',
            offset: trailing,
          },
    );
    return;
  }
  const documentEnd = documentEndMarker(text, content, end);
  if (documentEnd === undefined) {
    into.chunks.push({ start, end });
    return;
  }
  into.chunks.push({ start, end: documentEnd.offset });
  const ignored = contentAfterMarker(text, documentEnd.offset, end);
  if (ignored === undefined) return;
  into.problems.push({
    ruleId: "input/ignored-by-kubectl",
    message:
      documentEnd.kind === "end"
        ? 'kubectl ignores everything after a "..." line up to the next "---": this content is never applied'
        : 'kubectl cuts documents only at a "---" after a line feed: after a lone carriage return, go-yaml ends the document there and kubectl never applies what follows, up to the next "---" line',
    offset: ignored,
  });
}

/** `{a: 1}: x` is a block mapping whose first key is a flow collection, not a flow root. */
function flowKeyAware(text: string, flowEnd: number | undefined): number | undefined {
  if (flowEnd === undefined) return undefined;
  return /^[ \t]*:(?=[ \t\r\n]|$)/.test(text.slice(flowEnd, flowEnd + 200)) ? undefined : flowEnd;
}

/**
 * Where a document whose root is a flow collection (`{...}` or `[...]`) closes. go-yaml reads
 * that one node and never looks at the rest of the document.
 */
function flowRootEnd(text: string, content: number, end: number): number | undefined {
  let i = content;
  while (text[i] === " " || text[i] === "\t") i++;
  if (text[i] !== "{" && text[i] !== "[") return undefined;
  let depth = 0;
  for (; i < end; i++) {
    const char = text[i];
    const after = i === 0 ? " " : text[i - 1]!;
    if (char === '"') i = quotedEnd(text, i, end, '"');
    else if (char === "'" && /[\s[{,:]/.test(after)) i = quotedEnd(text, i, end, "'");
    else if (char === "#" && /\s/.test(after)) i = lineEnd(text, i, end);
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

/** The closing quote: `\"` escapes in double quotes, `''` in single quotes. */
function quotedEnd(text: string, start: number, end: number, quote: string): number {
  for (let i = start + 1; i < end; i++) {
    if (quote === '"' && text[i] === "\\") i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return end;
}

function lineEnd(text: string, from: number, end: number): number {
  const newline = text.indexOf("\n", from);
  return newline === -1 || newline > end ? end : newline;
}

/**
 * go-yaml scans one token past the root node before it stops: a token that cannot be scanned
 * there still makes it refuse the document.
 */
function unscannableToken(text: string, from: number, at: number, end: number): string | undefined {
  const lineStart = Math.max(from, text.lastIndexOf("\n", at) + 1);
  if (text.slice(lineStart, at).includes("\t"))
    return "found character that cannot start any token";
  const char = text[at];
  if (char === "@" || char === "`") return "found character that cannot start any token";
  if ((char === '"' || char === "'") && quotedEnd(text, at, end, char) >= end) {
    return "found unexpected end of stream";
  }
  return undefined;
}

/** The offset of the first text in [from, end) that is neither blank nor a comment. */
function firstContent(text: string, from: number, end: number): number | undefined {
  for (let i = from; i < end; i++) {
    const char = text[i];
    if (char === "#") i = lineEnd(text, i, end);
    else if (char !== " " && char !== "\t" && char !== "\r" && char !== "\n") return i;
  }
  return undefined;
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === "" || trimmed.startsWith("#");
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
function* linesOf(text: string): Generator<Line> {
  for (let start = 0; ; ) {
    const line = lineAt(text, start);
    yield line;
    if (line.start + line.text.length >= text.length) return;
    start = line.next;
  }
}

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
