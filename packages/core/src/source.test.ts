import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { parseSource, splitDocuments } from "./source.js";

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
spec:
  template:
    spec:
      containers:
        - name: api
          image: acme/backend:1.0
          securityContext:
            runAsUser: 0
`;

describe("parseSource", () => {
  it("locates a field at the line and column of its key", () => {
    const [doc] = parseSource("a.yaml", deployment).documents;
    expect(doc!.locate("/spec/template/spec/containers/0/securityContext/runAsUser")).toEqual({
      file: "a.yaml",
      line: 12,
      column: 13,
      // "runAsUser: 0" ends before column 25
      endLine: 12,
      endColumn: 25,
    });
  });

  it("locates a sequence item at its first key", () => {
    const [doc] = parseSource("a.yaml", deployment).documents;
    expect(doc!.locate("/spec/template/spec/containers/0")).toMatchObject({ line: 9, column: 11 });
  });

  it("falls back to the nearest existing ancestor for an absent field", () => {
    const [doc] = parseSource("a.yaml", deployment).documents;
    const position = doc!.locate("/spec/template/spec/containers/0/securityContext/privileged");
    // the absent field's parent is marked by its key alone
    expect(position).toMatchObject({ line: 11, column: 11, endLine: 11, endColumn: 26 });
    expect(doc!.locate("/spec/template/spec/containers/7/name")).toMatchObject({
      line: 8,
      column: 7,
      endLine: 8,
      endColumn: 17,
    });
  });

  it("gives positions in the file for later documents", () => {
    const text = `# leading comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n${deployment}`;
    const { documents } = parseSource("multi.yaml", text);
    expect(documents.map((d) => d.index)).toEqual([0, 1]);
    expect(documents[1]!.locate("/metadata/name")).toMatchObject({ line: 11, column: 3 });
  });

  it("reports a syntax error at the parser's line and keeps the other documents", () => {
    const text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: [oops\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n";
    const parsed = parseSource("broken.yaml", text);
    expect(parsed.documents).toHaveLength(2);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ ruleId: "input/parse-error" });
    expect(parsed.problems[0]!.position.line).toBeGreaterThanOrEqual(7);
    expect(parsed.problems[0]!.position.line).toBeLessThanOrEqual(8);
  });

  it("reports every duplicate key at its line and keeps the last value", () => {
    const text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata:\n  x: '1'\n  x: '2'\n";
    const parsed = parseSource("dup.yaml", text);
    expect(parsed.problems.map((p) => [p.ruleId, p.position.line, p.position.column])).toEqual([
      ["input/duplicate-key", 5, 3],
      ["input/duplicate-key", 8, 3],
    ]);
    expect(parsed.documents[0]!.value).toMatchObject({ metadata: { name: "b" }, data: { x: "2" } });
  });

  it("strips a byte-order mark and reads CRLF files with the same positions", () => {
    const crlf = `\ufeff${deployment.replaceAll("\n", "\r\n")}`;
    const [doc] = parseSource("crlf.yaml", crlf).documents;
    expect(doc!.value).toMatchObject({ kind: "Deployment" });
    expect(doc!.locate("/spec/template/spec/containers/0/securityContext/runAsUser")).toMatchObject(
      {
        line: 12,
        column: 13,
      },
    );
  });

  it("reads strings as Kubernetes does: no dates, merge keys honoured", () => {
    const text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nbase: &b {x: '1'}\ndata:\n  <<: *b\n  when: 2026-01-01\n";
    const [doc] = parseSource("a.yaml", text).documents;
    expect(doc!.value).toMatchObject({ data: { x: "1", when: "2026-01-01" } });
  });

  it("rejects binary content with one finding", () => {
    const parsed = parseSource("bin.yaml", "\u0000\u0001\u0002binary");
    expect(parsed.documents).toEqual([]);
    expect(parsed.problems[0]!.message).toMatch(/binary/);
  });

  it("rejects a recursive alias", () => {
    const parsed = parseSource(
      "rec.yaml",
      "apiVersion: v1\nkind: ConfigMap\ndata: &a\n  self: *a\n",
    );
    expect(parsed.documents).toEqual([]);
    expect(parsed.problems[0]!.message).toMatch(/recursive/);
  });

  it("treats JSON files as one document", () => {
    const json = JSON.stringify(
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
      null,
      2,
    );
    const [doc] = parseSource("ns.json", json).documents;
    expect(doc!.locate("/metadata/name")).toMatchObject({ line: 5, column: 5 });
  });

  it("expands List kinds into their items with item pointers", () => {
    const text =
      "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: a}\n  - kind: Broken\n";
    const bundle = buildBundle([parseSource("list.yaml", text)]);
    expect(bundle.objects.map((o) => [o.ref.name, o.pointer])).toEqual([["a", "/items/0"]]);
    expect(bundle.problems).toMatchObject([
      {
        ruleId: "input/parse-error",
        message: expect.stringMatching(/kubectl refuses item 1 of List/),
        position: { line: 7, column: 5 },
        path: "/items/1",
      },
    ]);
  });
});

describe("splitDocuments", () => {
  it("keeps directives with their document and ignores empty ones", () => {
    const text = "%YAML 1.2\n---\na: 1\n...\n---\n# only a comment\n---\nb: 2\n";
    const chunks = splitDocuments(text).map((c) => text.slice(c.start, c.end));
    expect(chunks).toEqual(["%YAML 1.2\n---\na: 1\n", "---\n# only a comment\n", "---\nb: 2\n"]);
  });
});
