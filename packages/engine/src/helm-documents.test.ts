import { describe, expect, it } from "vitest";
import { templateDocument } from "./helm-documents.js";

const template = [
  "apiVersion: apps/v1",
  "kind: Deployment",
  "metadata: {name: first}",
  "{{- range .Values.workers }}",
  "---",
  "apiVersion: v1",
  "kind: Service",
  "metadata: {name: {{ .name }}}",
  "---",
  "apiVersion: apps/v1",
  "kind: Deployment",
  "metadata: {name: {{ .name }}}",
  "{{- end }}",
].join("\n");
const values = { workers: [{ name: "a" }, { name: "b" }] };

describe("templateDocument", () => {
  it("counts documents of one kind in the template's order, helm's kind sort aside", () => {
    // helm printed the Services first: Service a, Service b, Deployment first, a, b.
    const kinds = ["Service", "Service", "Deployment", "Deployment", "Deployment"];
    const place = templateDocument(template, kinds, 4, values)!;
    expect(place.lines.indexOf("kind: Deployment")).toBe(10);
    expect([...place.items.entries()]).toEqual([[3, { kind: "values", path: ["workers", "1"] }]]);
    const literal = templateDocument(template, kinds, 2, values)!;
    expect(literal.lines.indexOf("kind: Deployment")).toBe(1);
    expect(literal.items.size).toBe(0);
  });

  it("counts the items an if inside the range printed a document for", () => {
    const guarded = (condition: string) =>
      template
        .replace(
          "{{- range .Values.workers }}",
          `{{- range .Values.workers }}\n{{- if ${condition} }}`,
        )
        .replace("{{- end }}", "{{- end }}\n{{- end }}");
    const enabled = {
      workers: [
        { name: "a", enabled: false },
        { name: "b", enabled: true },
      ],
    };
    const kinds = ["Service", "Deployment", "Deployment"];
    const place = templateDocument(guarded(".enabled"), kinds, 2, enabled)!;
    expect([...place.items.values()]).toEqual([{ kind: "values", path: ["workers", "1"] }]);
    // What the values do not decide names no item.
    const unknown = templateDocument(guarded("$.Release.IsInstall"), kinds, 2, enabled);
    expect(unknown?.items.size ?? 0).toBe(0);
  });

  it("names the item of every range of a range in a range, inner items counted per outer one", () => {
    const nested = [
      "{{- range $g := .Values.groups }}",
      "{{- range $m := $g.members }}",
      "---",
      "apiVersion: v1",
      "kind: Pod",
      "metadata: {name: '{{ $g.name }}-{{ $m.name }}'}",
      "{{- end }}",
      "{{- end }}",
    ].join("\n");
    const groups = { groups: [{ members: [{}, {}] }, { members: [{}] }] };
    const place = templateDocument(nested, ["Pod", "Pod", "Pod"], 2, groups)!;
    expect([...place.items.entries()]).toEqual([
      [0, { kind: "values", path: ["groups", "1"] }],
      [1, { kind: "values", path: ["groups", "1", "members", "0"] }],
    ]);
    // Three pods rendered where the values make four: no item is named.
    const more = { groups: [{ members: [{}, {}] }, { members: [{}, {}] }] };
    expect(templateDocument(nested, ["Pod", "Pod", "Pod"], 2, more)?.items.size).toBe(0);
  });

  it("takes the parts of one range in turns, item by item, when each prints the same kind", () => {
    const twice = [
      "{{- range .Values.apps }}",
      "---",
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: '{{ .name }}'}",
      "{{- if .canary }}",
      "---",
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: '{{ .name }}-canary'}",
      "{{- end }}",
      "{{- end }}",
    ].join("\n");
    const apps = { apps: [{ canary: true }, { canary: false }, { canary: true }] };
    // a, a-canary, b, c, c-canary
    const kinds = Array(5).fill("Deployment");
    const where = (index: number) => {
      const place = templateDocument(twice, kinds, index, apps)!;
      return `${place.lines.findIndex((l) => l.startsWith("metadata"))} ${[...place.items.values()].map((b) => (b.kind === "values" ? b.path.join(".") : "")).join()}`;
    };
    expect([0, 1, 2, 3, 4].map(where)).toEqual([
      "4 apps.0",
      "9 apps.0",
      "4 apps.1",
      "4 apps.2",
      "9 apps.2",
    ]);
  });

  it("says nothing when the values cannot account for the documents rendered", () => {
    const kinds = ["Deployment", "Deployment"];
    // Two workers would print three Deployments with the literal one.
    expect(templateDocument(template, kinds, 1, values)).toBeUndefined();
  });
});
