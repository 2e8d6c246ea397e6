import { describe, expect, it } from "vitest";
import { clusterGates, describeCluster, foundByLookup, otherClusters } from "./cluster-gates.js";

const at = (text: string, apiVersions?: string[]) =>
  clusterGates("t.yaml", text, apiVersions).map(
    (problem) => `${problem.position.line}:${problem.position.column}`,
  );

describe("clusterGates", () => {
  it("reports each question to the cluster at its line and column", () => {
    const text = [
      '{{- if .Capabilities.APIVersions.Has "cilium.io/v2" }}',
      'kind: {{ (lookup "v1" "Secret" "ns" "x").kind }}',
      "{{- if .Release.IsUpgrade }}",
    ].join("\n");
    expect(at(text)).toEqual(["1:8", "2:11", "3:8"]);
  });

  it("reports a lookup whose arguments are variables or fields", () => {
    const text =
      '{{ $s := lookup $api "Secret" .Release.Namespace $name }}\n{{ (lookup (print "v" "1") "Pod" "" "") }}';
    expect(at(text)).toEqual(["1:10", "2:5"]);
    expect(foundByLookup(text)).toBe(
      '{{ $s := dict $api "Secret" .Release.Namespace $name }}\n{{ (dict (print "v" "1") "Pod" "" "") }}',
    );
  });

  it("leaves out an API the render was told the cluster serves", () => {
    expect(at('{{ if .Capabilities.APIVersions.Has "cilium.io/v2" }}', ["cilium.io/v2"])).toEqual(
      [],
    );
  });

  it("reads past template comments and words that only look like lookup", () => {
    const text = '{{/* lookup "v1" "Secret" and .Release.IsUpgrade */}}\nlookupTable: "x"\n';
    expect(at(text)).toEqual([]);
  });
});

describe("otherClusters", () => {
  it("renders helm upgrade, a cluster serving every API asked about, and both", () => {
    const templates = [
      '{{ if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}',
      '{{ if .Release.IsInstall }}{{ end }}{{ if .Capabilities.APIVersions.Has "cilium.io/v2" }}',
    ];
    const worlds = otherClusters(templates, ["cilium.io/v2"]);
    expect(worlds).toEqual([
      { upgrade: true },
      { apiVersions: ["monitoring.coreos.com/v1"] },
      { upgrade: true, apiVersions: ["monitoring.coreos.com/v1"] },
    ]);
    expect(worlds.map(describeCluster)).toEqual([
      "helm upgrade",
      "a cluster that serves monitoring.coreos.com/v1",
      "helm upgrade on a cluster that serves monitoring.coreos.com/v1",
    ]);
  });

  it("renders nothing else for comments or APIs the render was given", () => {
    const templates = [
      '{{/* .Release.IsUpgrade lookup "v1" "Secret" "ns" "x" */}}',
      '{{ if .Capabilities.APIVersions.Has "cilium.io/v2" }}',
    ];
    expect(otherClusters(templates, ["cilium.io/v2"])).toEqual([]);
  });

  it("renders a cluster where lookup finds its object: a map that is not empty", () => {
    const template = '{{ if (lookup "v1" "Namespace" "" "scout") }}{{ $lookupTable := 1 }}';
    expect(otherClusters([template])).toEqual([{ lookupFinds: true }]);
    expect(foundByLookup(template)).toBe(
      '{{ if (dict "v1" "Namespace" "" "scout") }}{{ $lookupTable := 1 }}',
    );
  });
});
