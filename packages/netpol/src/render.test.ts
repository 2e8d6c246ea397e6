import { describe, expect, it } from "vitest";
import type { FlowComparison } from "./compare.js";
import { ALL_CONNS, parseConns } from "./conns.js";
import { flowsMarkdown, flowsMermaid } from "./render.js";

const hostile =
  'x"]\nclick n_x href "https://evil.example"\n![i](https://evil.example/p.png)@octocat';

const comparison: FlowComparison = {
  components: ["backend", hostile],
  flows: [
    {
      from: hostile,
      to: "backend",
      allowed: ALL_CONNS,
      maybe: parseConns("TCP 9000"),
      intended: parseConns("TCP 8000"),
      status: "extra",
    },
  ],
  differences: [
    {
      kind: "extra",
      from: hostile,
      to: "backend",
      source: `scout/${hostile}`,
      destination: "scout/backend",
      conns: ALL_CONNS,
      target: { label: "a new NetworkPolicy" } as FlowComparison["differences"][number]["target"],
    },
  ],
};

describe("flows as Markdown and Mermaid", () => {
  it("a component name cannot add images, links, mentions or Mermaid directives", () => {
    const markdown = flowsMarkdown(comparison);
    expect(markdown).not.toMatch(/!\[i\]\(|@octocat|https:\/\/evil/);
    expect(markdown.split("\n").filter((l) => l.startsWith("|"))).toHaveLength(3);
    const mermaid = flowsMermaid(comparison);
    expect(mermaid.split("\n").some((l) => l.trimStart().startsWith("click"))).toBe(false);
    expect(mermaid).toContain('["x#34;] click n_x href #34;https://evil.example#34;');
  });
});
