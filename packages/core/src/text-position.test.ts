import { describe, expect, it } from "vitest";
import { positionInString } from "./text-position.js";

const manifest = [
  "data:", //                       1
  "  rules.yml: |", //              2
  "    groups:", //                 3
  "      - name: a", //             4
  "", //                            5
  "        rules: []", //           6
  "  other: rate(x[5m])", //        7
  '  quoted: "rate(x)"', //         8
].join("\r\n");
const block = "groups:\n  - name: a\n\n    rules: []\n";

describe("positionInString", () => {
  it("finds a line of a block scalar after its indentation, blank lines included", () => {
    const field = { line: 2, column: 3, endLine: 6 };
    expect(positionInString(manifest, field, block, { line: 2, column: 5 })).toEqual({
      line: 4,
      column: 9,
    });
    expect(positionInString(manifest, field, block, { line: 4, column: 1 })).toEqual({
      line: 6,
      column: 5,
    });
  });

  it("finds a plain value on its key's line", () => {
    const field = { line: 7, column: 3 };
    expect(positionInString(manifest, field, "rate(x[5m])", { line: 1, column: 6 })).toEqual({
      line: 7,
      column: 15,
    });
  });

  it("finds a quoted value without escapes after its key, in a flow mapping too", () => {
    const at = (text: string, column: number, value: string) =>
      positionInString(text, { line: 1, column }, value, { line: 1, column: 6 });
    expect(at('  quoted: "rate(x)"', 3, "rate(x)")).toEqual({ line: 1, column: 17 });
    expect(at("  - {alert: A, expr: 'rate(x)'}", 16, "rate(x)")).toEqual({ line: 1, column: 28 });
  });

  it("gives up on a quoted value with escapes, whose text is not the value's", () => {
    const escaped = '  expr: "up{a=\\"b\\"}"';
    expect(
      positionInString(escaped, { line: 1, column: 3 }, 'up{a="b"}', { line: 1, column: 1 }),
    ).toBeUndefined();
  });

  it("gives up on a line the value does not have", () => {
    expect(
      positionInString(manifest, { line: 2, column: 3 }, block, { line: 9, column: 1 }),
    ).toBeUndefined();
  });
});
