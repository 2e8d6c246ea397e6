/** A 1-based line and column in a text. */
export interface TextPosition {
  line: number;
  column: number;
}

/**
 * Where a position inside a string value lies in the text that holds it: a block scalar
 * (`key: |`) or a plain value on its key's line, whose lines the text holds verbatim after
 * their indentation. `field` is where the value's member starts (its key); undefined when the
 * text does not hold the value's lines as they are (a quoted or folded scalar): then the
 * member's own position is the best there is.
 */
export function positionInString(
  text: string,
  field: TextPosition & { endLine?: number },
  value: string,
  within: TextPosition,
): TextPosition | undefined {
  const lines = text.split("\n").map((line) => line.replace(/\r$/, ""));
  const valueLines = value.split("\n");
  if (within.line < 1 || within.line > valueLines.length) return undefined;
  const keyLine = field.line - 1;
  const last = Math.min(lines.length, field.endLine ?? lines.length) - 1;
  const column =
    valueLines.length === 1 ? onKeyLine(lines[keyLine] ?? "", field.column, value) : undefined;
  if (column !== undefined) return { line: field.line, column: column + within.column };
  let cursor = keyLine;
  let found: TextPosition | undefined;
  for (const wanted of valueLines.slice(0, within.line)) {
    const at = nextLineHolding(lines, cursor, last, wanted, keyLine, field.column);
    if (at === undefined) return undefined;
    found = { line: at + 1, column: lines[at]!.length - wanted.length + within.column };
    cursor = at + 1;
  }
  return found;
}

/**
 * Where a one-line value starts (the column before it) when written after its key (`expr: rate(x)`, `expr: "rate(x)"`, in a flow
 * mapping too): plain, or quoted without escapes, whose characters are the value's own.
 */
function onKeyLine(line: string, keyColumn: number, value: string): number | undefined {
  const written = [value, `"${value}"`, `'${value}'`].filter(
    (form, i) => i === 0 || !(value.includes(form[0]!) || (i === 1 && value.includes("\\"))),
  );
  for (const form of written) {
    const at = line.indexOf(`: ${form}`, keyColumn - 1);
    if (at < 0 || value === "") continue;
    // The column before the value's first character.
    return at + 2 + (form === value ? 0 : 1);
  }
  return undefined;
}

/** The first line from `from` that is the wanted text after indentation (or after the key, on its line). */
function nextLineHolding(
  lines: readonly string[],
  from: number,
  last: number,
  wanted: string,
  keyLine: number,
  keyColumn: number,
): number | undefined {
  for (let i = from; i <= last; i++) {
    const line = lines[i]!;
    if (!line.endsWith(wanted)) continue;
    const before = line.slice(0, line.length - wanted.length);
    if (
      i === keyLine
        ? wanted !== "" && before.length >= keyColumn && /:\s+$/.test(before)
        : /^\s*$/.test(before)
    )
      return i;
  }
  return undefined;
}
