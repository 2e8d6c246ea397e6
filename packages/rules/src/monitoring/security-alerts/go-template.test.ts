import { describe, expect, it } from "vitest";
import { goTemplateError } from "./go-template.js";

/** What Prometheus v0.316.0's rulefmt answers for an alert's annotation (scripts/prom-oracle). */
const REFUSED: ReadonlyArray<[string, string]> = [
  ["{{ $value", "unclosed action"],
  ["{{ humanise $value }}", `function "humanise" not defined`],
  ["{{ $label.job }}", `undefined variable "$label"`],
  ["{{ if gt $value 1.0 }}high", "unexpected EOF"],
  ["{{ end }}", "unexpected {{end}}"],
  ["{{ else }}", "unexpected {{else}}"],
  ["{{ }}", "missing value for command"],
  ["{{ $v }}{{ range $i, $v := query `up` }}{{ end }}", `undefined variable "$v"`],
  ["{{ break }}", "{{break}} outside {{range}}"],
  ["{{/* c */ }}", "comment ends before closing delimiter"],
  ["{{ /* c */ }}", `unexpected "/" in command`],
  ["{{ 1 | 2 }}", "non executable command in pipeline stage 2"],
  ["{{ (humanize $value }}", "unclosed left paren"],
  ['{{ "a".Foo }}', `unexpected . after term "\\"a\\""`],
  ["{{ 'ab' }}", "malformed character constant: 'ab'"],
  ["{{ if }}{{ end }}", "missing value for if"],
];

const ACCEPTED = [
  "{{ $value | humanize }}",
  "{{ $labels.job }} {{ .Labels.job }} {{ $externalLabels.cluster }} {{ $externalURL }}",
  "{{ if gt $value 1.0 }}high{{ else }}low{{ end }}",
  '{{ printf "%.2f" $value }}',
  "{{/* c */}}{{- $value -}}{{-3}}",
  '{{ range $i, $v := query "up" }}{{ $v | value }}{{ end }}',
  "{{ with $value }}{{ . }}{{ else with 2 }}{{ end }}",
  '{{ define "x" }}a{{ end }}{{ template "x" }}{{ block "b" . }}x{{ end }}',
  "{{ nil }} {{ $x := 1 }}{{ $x }} {{ $value = 1 }}",
  "100%, {{ $value }} }}",
];

describe("goTemplateError", () => {
  it.each(REFUSED)("refuses %j as text/template does", (text, error) => {
    expect(goTemplateError(text, "__alert_A")).toBe(`template: __alert_A:1: ${error}`);
  });

  it.each(ACCEPTED)("accepts %j", (text) => {
    expect(goTemplateError(text, "__alert_A")).toBeUndefined();
  });
});
