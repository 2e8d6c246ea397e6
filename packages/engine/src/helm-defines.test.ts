import { describe, expect, it } from "vitest";
import { bindingOf, boundLines, definesOf, includeCall, ROOT, scopeOf } from "./helm-defines.js";

describe("definesOf", () => {
  it("keeps each define's body on the file's own lines, blocks inside it and all", () => {
    const text = [
      '{{- define "a.labels" -}}',
      "app: web",
      "{{- end }}",
      "",
      '{{- define "a.security" -}}',
      "{{- if .Values.strict }}",
      "privileged: false",
      "{{- end }}",
      "{{- end }}",
    ].join("\n");
    const defines = definesOf([{ file: "c/templates/_helpers.tpl", text }]);
    expect([...defines.keys()]).toEqual(["a.labels", "a.security"]);
    const security = defines.get("a.security")!;
    expect(security.file).toBe("c/templates/_helpers.tpl");
    expect(security.lines.indexOf("privileged: false")).toBe(6);
    expect(security.lines.join("")).not.toContain("app: web");
  });

  it("lets a later file's define of the same name win, as Helm does", () => {
    const define = (body: string) => `{{- define "x" -}}\n${body}\n{{- end }}\n`;
    const defines = definesOf([
      { file: "c/charts/lib/templates/_x.tpl", text: define("from: lib") },
      { file: "c/templates/_x.tpl", text: define("from: chart") },
    ]);
    expect(defines.get("x")!.file).toBe("c/templates/_x.tpl");
  });
});

describe("includeCall", () => {
  it("reads the define's name and its argument, a pipeline or parenthesized call after it", () => {
    expect(includeCall('    {{- include "a.sc" . | nindent 12 }}')).toEqual({
      name: "a.sc",
      argument: ".",
    });
    expect(includeCall('{{ template "a.sc" (dict "v" .Values.api "ctx" $) }}')).toEqual({
      name: "a.sc",
      argument: '(dict "v" .Values.api "ctx" $)',
    });
    expect(includeCall("image: {{ .Values.image }}")).toBeUndefined();
  });
});

describe("bindingOf and boundLines", () => {
  const root = scopeOf(ROOT);

  it("names the values keys of a dict argument, nested dicts too", () => {
    expect(
      bindingOf('(dict "ctx" . "vals" .Values.api "inner" (dict "x" $.Values.b.c))', root),
    ).toEqual({
      kind: "dict",
      entries: {
        ctx: ROOT,
        vals: { kind: "values", path: ["api"] },
        inner: { kind: "dict", entries: { x: { kind: "values", path: ["b", "c"] } } },
      },
    });
    expect(bindingOf(".Release", root)).toBeUndefined();
  });

  it("writes what a define's references name as .Values keys, with and variables too", () => {
    const dot = bindingOf('(dict "ctx" . "sc" .Values.api.sc)', root);
    const { lines } = boundLines(
      [
        "allowPrivilegeEscalation: {{ .sc.allowPrivilegeEscalation }}",
        "readOnlyRootFilesystem: {{ .ctx.Values.readOnly }}",
        "{{- $adapted := .sc -}}",
        '{{- omit $adapted "enabled" | toYaml }}',
        "{{- with .sc.capabilities }}",
        "drop: {{ .drop }}",
        "{{- end }}",
        "{{- range .sc.list }}",
        "- {{ .name }}",
        "{{- end }}",
      ],
      scopeOf(dot),
    );
    expect(lines[0]).toBe(
      "allowPrivilegeEscalation: {{ .Values.api.sc.allowPrivilegeEscalation }}",
    );
    expect(lines[1]).toBe("readOnlyRootFilesystem: {{ .Values.readOnly }}");
    expect(lines[3]).toBe('{{- omit .Values.api.sc "enabled" | toYaml }}');
    expect(lines[5]).toBe("drop: {{ .Values.api.sc.capabilities.drop }}");
    expect(lines[7]).toBe("{{- range .Values.api.sc.list }}");
    // a range's item is no values key the dot names
    expect(lines[8]).toBe("- {{ .name }}");
  });
});

describe("boundLines: else of with and range", () => {
  it("reads an else of a with (and else with) with the dot around the with", () => {
    const { lines } = boundLines(
      [
        "{{- with .Values.custom }}",
        "a: {{ .x }}",
        "{{- else with .Values.preset }}",
        "a: {{ .x }}",
        "{{- else }}",
        "a: {{ .Values.fallback.x }}",
        "{{- end }}",
      ],
      scopeOf(ROOT),
    );
    expect(lines[1]).toBe("a: {{ .Values.custom.x }}");
    expect(lines[3]).toBe("a: {{ .Values.preset.x }}");
    expect(lines[5]).toBe("a: {{ .Values.fallback.x }}");
  });

  it("binds a range's named item where the item is known", () => {
    const { lines } = boundLines(
      ["{{- range $name, $cfg := .Values.components }}", "x: {{ $cfg.x }} {{ .y }}", "{{- end }}"],
      scopeOf(ROOT),
      new Map([[0, { kind: "values", path: ["components", "api"] } as const]]),
    );
    expect(lines[1]).toBe("x: {{ .Values.components.api.x }} {{ .Values.components.api.y }}");
  });
});
