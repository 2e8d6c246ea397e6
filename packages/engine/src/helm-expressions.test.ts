import { describe, expect, it } from "vitest";
import { evaluate, holds, printedKey, takenBranches, UNKNOWN } from "./helm-expressions.js";

const values = {
  empty: "",
  tag: "1.2",
  on: true,
  off: false,
  mode: "strict",
  nested: { enabled: true },
};

describe("evaluate", () => {
  it("reads references, literals and pipelines", () => {
    expect(evaluate(".Values.tag", values)).toEqual({ value: "1.2", path: ["tag"] });
    expect(evaluate('.Values.empty | default "x"', values)).toMatchObject({ value: "x" });
    expect(evaluate(".Release.Name", values)?.value).toBe(UNKNOWN);
  });

  it("says which argument default, coalesce and ternary chose", () => {
    expect(evaluate("default .Values.tag .Values.empty", values)?.path).toEqual(["tag"]);
    expect(evaluate("coalesce .Values.empty .Values.tag", values)?.path).toEqual(["tag"]);
    expect(evaluate("ternary .Values.tag .Values.mode .Values.off", values)?.path).toEqual([
      "mode",
    ]);
    // Literal branches: the condition's key decided.
    expect(evaluate('ternary "a" "b" .Values.on', values)?.path).toEqual(["on"]);
    expect(evaluate('required "set it" .Values.tag', values)?.path).toEqual(["tag"]);
  });

  it("decides conditions: not, and, or, eq, ne, empty; unknown stays unknown", () => {
    expect(holds("not .Values.off", values)).toBe(true);
    expect(holds("and .Values.on .Values.off", values)).toBe(false);
    expect(holds("or .Values.off .Values.nested.enabled", values)).toBe(true);
    expect(holds('eq .Values.mode "strict"', values)).toBe(true);
    expect(holds('ne .Values.mode "strict"', values)).toBe(false);
    expect(holds("empty .Values.empty", values)).toBe(true);
    expect(holds(".Values.on | not", values)).toBe(false);
    expect(holds(".Release.IsInstall", values)).toBeUndefined();
    expect(holds("and .Release.IsInstall .Values.on", values)).toBeUndefined();
    expect(holds("and .Values.off .Release.IsInstall", values)).toBe(false);
  });
});

describe("printedKey", () => {
  it("names the key a line prints, null for a literal or chart field chosen", () => {
    expect(printedKey("image: {{ .Values.repo }}:{{ .Values.tag }}", values)).toEqual(["tag"]);
    expect(printedKey("tag: {{ .Values.empty | default .Chart.AppVersion }}", values)).toBeNull();
    expect(printedKey('x: {{ include "a" . }}', values)).toBeUndefined();
  });
});

describe("takenBranches", () => {
  const chain = (first: string) => [
    `{{- if ${first} }}`,
    "a: 1",
    "{{- else if .Values.on }}",
    "a: 2",
    "{{- else }}",
    "a: 3",
    "{{- end }}",
  ];
  const printed = (lines: readonly string[]) => lines.filter((line) => line.startsWith("a:"));

  it("blanks the branches the values did not take, keeping the chain's structure", () => {
    const taken = takenBranches(chain(".Values.off"), values);
    expect(printed(taken.lines)).toEqual(["a: 2"]);
    expect(taken.sure[3]).toBe(true);
  });

  it("keeps the branches a condition not known leaves open; one that holds ends the chain", () => {
    const taken = takenBranches(chain(".Release.IsInstall"), values);
    expect(printed(taken.lines)).toEqual(["a: 1", "a: 2"]);
    expect(taken.sure[3]).toBe(false);
  });
});
