import { describe, expect, it } from "vitest";
import { streamJson } from "./stream.js";

const item = (i: number) => ({
  id: i,
  text: `line ${i}\nnext "quoted" \u2028`,
  nested: { list: i % 3 ? [i, [i, {}], []] : [], empty: {} },
});

/** Documents that hold the array at the top, one level down and two levels down. */
const shapes: [string, (array: unknown) => unknown][] = [
  ["top level", (array) => array],
  ["a key of the root", (array) => ({ version: 1, findings: array, tail: true })],
  ["two levels down", (array) => ({ runs: [{ tool: { name: "x" }, results: array }] })],
];

describe("streamJson", () => {
  for (const [where, build] of shapes) {
    for (const count of [0, 1, 999, 1000, 1001, 2500]) {
      it(`writes what JSON.stringify writes, ${count} items at ${where}`, () => {
        const items = Array.from({ length: count }, (_, i) => i);
        const streamed = [...streamJson((placeholder) => build(placeholder), items, item)].join("");
        expect(streamed).toBe(`${JSON.stringify(build(items.map(item)), null, 2)}\n`);
      });
    }
  }
});
