/** RFC 6901 JSON Pointers: "" is the whole value, "/a/0/b" a path into it. */

export function escapeSegment(segment: string | number): string {
  if (typeof segment === "number") return String(segment);
  // Most segments are plain field names: skip the two replacements (a hot path of every rule).
  if (!segment.includes("~") && !segment.includes("/")) return segment;
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

export function joinPointer(base: string, ...segments: Array<string | number>): string {
  let pointer = base;
  for (const segment of segments) pointer += `/${escapeSegment(segment)}`;
  return pointer;
}

export function splitPointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

export function getAtPointer(value: unknown, pointer: string): unknown {
  let current = value;
  for (const segment of splitPointer(pointer)) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isRecord(current)) current = current[segment];
    else return undefined;
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field read as a mapping: itself when it is one, else empty (absent, or of another type). */
export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** A field read as a list: itself when it is an array, else empty. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
