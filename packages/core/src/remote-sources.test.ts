import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { parseSource } from "./source.js";

function problemsOf(text: string) {
  return buildBundle([parseSource("gitops.yaml", text)]).problems.map((p) => ({
    ruleId: p.ruleId,
    line: p.position.line,
    message: p.message,
  }));
}

describe("objects that make a cluster controller deploy manifests the input does not hold", () => {
  it("names a Flux HelmRelease's chart and an Argo CD Application's source: nothing they deploy was checked", () => {
    const problems = problemsOf(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: cache, namespace: scout}
spec:
  chart:
    spec: {chart: redis, sourceRef: {kind: HelmRepository, name: bitnami}}
  values: {auth: {enabled: false}}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: tools, namespace: scout}
spec:
  source: {repoURL: "https://charts.bitnami.com/bitnami", chart: redis, targetRevision: 19.0.0}
  destination: {namespace: scout}
`);
    expect(problems).toEqual([
      {
        ruleId: "input/not-rendered",
        line: 5,
        message:
          "HelmRelease scout/cache makes Flux install chart redis, which the input does not hold: nothing it deploys was checked; render it with the object's values (helm template) and check the output",
      },
      {
        ruleId: "input/not-rendered",
        line: 13,
        message:
          "Application scout/tools makes Argo CD install chart redis of https://charts.bitnami.com/bitnami, which the input does not hold: nothing it deploys was checked; render it with the object's values (helm template) and check the output",
      },
    ]);
  });

  it("leaves alone a Flux GitRepository (a source deploys nothing), an Argo CD path of a repository (often the one checked) and a kind of another group", () => {
    expect(
      problemsOf(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: scout, namespace: argocd}
spec:
  source: {repoURL: "https://example.com/scout.git", path: k8s}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: scout}
spec: {url: "https://example.com/scout.git"}
---
apiVersion: example.com/v1
kind: Application
metadata: {name: x}
`),
    ).toEqual([]);
  });
});
