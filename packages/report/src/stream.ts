import { randomUUID } from "node:crypto";

/** How many array items go into one chunk: few enough to stay small, many enough to be quick. */
const ITEMS_PER_CHUNK = 1000;

/**
 * `JSON.stringify(document, null, 2)` and a newline, in chunks, with one array spelled out item
 * by item: a result with a million findings has no single string of the whole document (V8's
 * limit is about 512 MiB), and the text is the same as the one-string output, byte for byte.
 * `build` puts the placeholder it is given where the array goes.
 */
export function* streamJson<T>(
  build: (placeholder: string) => unknown,
  items: readonly T[],
  toJson: (item: T) => unknown,
): Generator<string> {
  const placeholder = `\u0000${randomUUID()}`;
  const frame = JSON.stringify(build(placeholder), null, 2);
  const marker = JSON.stringify(placeholder);
  const at = frame.indexOf(marker);
  if (at < 0) throw new Error("streamJson: the document does not hold the placeholder");
  const before = frame.slice(0, at);
  const after = `${frame.slice(at + marker.length)}\n`;
  if (items.length === 0) {
    yield `${before}[]${after}`;
    return;
  }
  const line = before.slice(before.lastIndexOf("\n") + 1);
  const indent = line.slice(0, line.length - line.trimStart().length);
  const itemIndent = `${indent}  `;
  yield `${before}[\n`;
  // The chunk's items, stringified at once inside as many arrays as put them at `itemIndent`.
  const depth = itemIndent.length / 2;
  for (let start = 0; start < items.length; start += ITEMS_PER_CHUNK) {
    const end = Math.min(items.length, start + ITEMS_PER_CHUNK);
    let wrapped: unknown = items.slice(start, end).map(toJson);
    for (let level = 1; level < depth; level++) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, 2);
    // The d opening lines ("[", "  [", ...) and the d closing ones take d * (d + 1) characters each.
    const frame = depth * (depth + 1);
    const inner = text.slice(frame, text.length - frame);
    yield `${inner}${end < items.length ? ",\n" : "\n"}`;
  }
  yield `${indent}]${after}`;
}
