import { describe, expect, it } from "vitest";
import { parseSource } from "./source.js";

/** The classic "billion laughs": each level refers to the previous one ten times. */
function aliasBomb(levels: number): string {
  const lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: bomb}", 'l0: &l0 ["lol"]'];
  for (let level = 1; level <= levels; level++) {
    const refs = Array.from({ length: 10 }, () => `*l${level - 1}`).join(", ");
    lines.push(`l${level}: &l${level} [${refs}]`);
  }
  return `${lines.join("\n")}\n`;
}

describe("hostile input", () => {
  it("refuses a 10-level alias bomb (10^10 nodes) as a parse error, in bounded time and memory", () => {
    const before = process.memoryUsage().heapUsed;
    const parsed = parseSource("bomb.yaml", aliasBomb(10));
    expect(parsed.documents).toEqual([]);
    expect(parsed.problems).toMatchObject([
      { ruleId: "input/parse-error", position: { line: 1, column: 1 } },
    ]);
    expect(parsed.problems[0]!.message).toMatch(/YAML bomb/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it("accepts ordinary aliases", () => {
    const parsed = parseSource("ok.yaml", aliasBomb(2));
    expect(parsed.problems).toEqual([]);
    expect(parsed.documents).toHaveLength(1);
  });

  it("refuses nesting deeper than the limit", () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\ndata: ${"[".repeat(500)}${"]".repeat(500)}\n`;
    const parsed = parseSource("deep.yaml", deep);
    expect(parsed.documents).toEqual([]);
    expect(parsed.problems[0]!.message).toMatch(/nesting/);
  });

  it("survives nesting deep enough to overflow the parser's stack", () => {
    const depth = 200_000;
    const parsed = parseSource("deeper.yaml", `a: ${"[".repeat(depth)}${"]".repeat(depth)}\n`);
    expect(parsed.documents).toEqual([]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]!.ruleId).toBe("input/parse-error");
    // What is asserted is survival, not speed: on a loaded machine this takes seconds.
  }, 60_000);
});
