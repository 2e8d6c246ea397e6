import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { astOffsetLocator, createOffsetLocator, usesFastPath } from "./locate.js";
import { joinPointer } from "./pointer.js";
import { parseSource, splitDocuments } from "./source.js";

const here = dirname(fileURLToPath(import.meta.url));
const realworld = resolve(here, "../../../../shared/conformance/realworld");

/** Every pointer of a value, plus one absent child per mapping, bounded. */
function pointersOf(value: unknown, base = "", out: string[] = []): string[] {
  if (out.length > 5000) return out;
  out.push(base);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pointersOf(item, joinPointer(base, i), out);
  } else if (value && typeof value === "object") {
    out.push(joinPointer(base, "absent-field"));
    for (const [key, child] of Object.entries(value))
      pointersOf(child, joinPointer(base, key), out);
  }
  return out;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

let fastDocuments = 0;

/** Asserts the fast locator and the full-AST locator agree on every node of every document. */
function compareLocators(path: string, text: string): number {
  const parsed = parseSource(path, text);
  if (parsed.problems.some((p) => p.ruleId === "input/duplicate-key")) return 0;
  let compared = 0;
  for (const chunk of splitDocuments(parsed.file.text)) {
    const doc = parsed.file.text.slice(chunk.start, chunk.end);
    const value = parsed.documents.find((d) => d.start === chunk.start)?.value;
    if (value === undefined) continue;
    if (usesFastPath(doc)) fastDocuments++;
    const fast = createOffsetLocator(doc);
    const exact = astOffsetLocator(doc);
    for (const pointer of pointersOf(value)) {
      expect(fast(pointer), `${path} ${pointer}`).toEqual(exact(pointer));
      compared++;
    }
  }
  return compared;
}

describe("createOffsetLocator", () => {
  it("agrees with the full AST on block, flow, quoted, JSON, comments, empty values and nested block sequences", () => {
    const text = [
      "# comment",
      "apiVersion: v1",
      "kind: ConfigMap",
      'metadata: {name: "a", labels: {x: y}}',
      "data:",
      "  'quoted key': |",
      "    block",
      "  empty:",
      "  list:",
      "    - a",
      "    -   # comment",
      "      b",
      "    - {k: v}",
      "    - [1, 2]",
      "    -",
      "      deep: 1",
      '  json: {"a": [1, {"b": 2}]}',
      // A sequence whose one item is a sequence (Argo's steps): no wrapper to unwrap.
      "  steps:",
      "    - - name: x",
      "        inline:",
      "          c: 1",
      "  parallel:",
      "    -",
      "      - name: y",
      "",
    ].join("\n");
    fastDocuments = 0;
    expect(compareLocators("inline.yaml", text)).toBeGreaterThan(30);
    expect(fastDocuments).toBe(1);
  });
});

describe.skipIf(!existsSync(realworld))("createOffsetLocator on the real-world corpus", () => {
  it("gives the same offset as the full AST for every node", () => {
    let compared = 0;
    fastDocuments = 0;
    for (const file of yamlFiles(realworld))
      compared += compareLocators(file, readFileSync(file, "utf8"));
    expect(compared).toBeGreaterThan(10_000);
    expect(fastDocuments).toBeGreaterThan(500);
  }, 120_000);
});

describe("the span a pointer marks", () => {
  const text = [
    "spec:",
    "  containers:",
    "    - name: app",
    "      image: nginx:latest   # pinned later",
    "      securityContext:",
    "        privileged: true",
    "      # trailing comment",
    "",
    "      ports: [{containerPort: 80}]",
    "      args:",
    "  script: |",
    "    echo one",
    "    echo two",
    "",
    "  sidecar: &s {name: b}",
  ].join("\n");
  const spanText = (locate: (p: string) => { start: number; end: number }, pointer: string) => {
    const span = locate(pointer);
    return text.slice(span.start, span.end);
  };
  const containers = "/spec/containers/0";
  const cases: [string, string][] = [
    [`${containers}/image`, "image: nginx:latest"],
    [`${containers}/securityContext/privileged`, "privileged: true"],
    [`${containers}/securityContext`, "securityContext:\n        privileged: true"],
    [`${containers}/securityContext/runAsNonRoot`, "securityContext"],
    [`${containers}/args`, "args"],
    [`${containers}/args/0`, "args"],
    [`${containers}/ports/0/containerPort`, "containerPort: 80"],
    [`${containers}/ports`, "ports: [{containerPort: 80}]"],
    ["/spec/script", "script: |\n    echo one\n    echo two"],
    ["/spec/containers/7", "containers"],
  ];
  it.each(cases)("%s marks %j", (pointer, marked) => {
    const fast = text.replace("&s ", "");
    // the fast path reads the text without the anchor; the AST reads it with one
    expect(usesFastPath(fast)).toBe(true);
    expect(usesFastPath(text)).toBe(false);
    const inFast = createOffsetLocator(fast)(pointer);
    expect(fast.slice(inFast.start, inFast.end)).toBe(marked);
    expect(spanText(createOffsetLocator(text), pointer)).toBe(marked);
  });

  it("a whole container item ends with its last field, before the comments after it", () => {
    const marked = spanText(astOffsetLocator(text), containers);
    expect(marked.startsWith("name: app")).toBe(true);
    expect(marked.endsWith("args")).toBe(true);
  });

  it("a document's node positions carry the extent as line and exclusive column", () => {
    const [document] = parseSource("a.yaml", "kind: Pod\nspec:\n  hostNetwork: true\n").documents;
    expect(document!.locate("/spec/hostNetwork")).toEqual({
      file: "a.yaml",
      line: 3,
      column: 3,
      endLine: 3,
      endColumn: 20,
    });
  });
});
