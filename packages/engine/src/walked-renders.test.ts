import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { findWalkedRenders, objectsKubectlReads } from "./walked-renders.js";

/** A folder with the given files (path -> text), absolute. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "scout-walk-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** `rendered`: the template files helm's output names as `# Source:`. */
function walkOf(root: string, rendered: readonly string[] = []) {
  const found = findWalkedRenders([root]);
  const rel = (path: string) => relative(root, path) || ".";
  // helm printed these files as they are written.
  const renderedFiles = new Map(
    rendered.map((path) => {
      const file = join(root, path);
      return [file, objectsKubectlReads(file, readFileSync(file, "utf8"))];
    }),
  );
  return {
    charts: found.charts.map(rel),
    libraries: found.libraries.map(rel),
    kustomizations: found.kustomizations.map(rel),
    passedOver: (path: string) => found.passOver(join(root, path), renderedFiles),
  };
}

const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\n";

describe("charts and kustomizations found walking a folder", () => {
  it("finds a chart and leaves Helm what it renders (its subcharts belong to it)", () => {
    const root = tree({
      "charts/app/Chart.yaml": "name: app\n",
      // Helm's own, though a value names an apiVersion and a kind.
      "charts/app/values.yaml": "ingress:\n  apiVersion: networking.k8s.io/v1\n  kind: Ingress\n",
      "charts/app/templates/deployment.yaml": "{{ .Values.x }}\n",
      "charts/app/templates/_helpers.yaml":
        '{{- define "x" }}\napiVersion: v1\nkind: Pod\n{{- end }}\n',
      "charts/app/charts/sub/Chart.yaml": "name: sub\n",
      "charts/app/crds/crd.yaml":
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n",
      "k8s/deployment.yaml": deployment,
    });
    const walk = walkOf(root, ["charts/app/crds/crd.yaml"]);
    expect(walk.charts).toEqual(["charts/app"]);
    for (const path of [
      "charts/app/Chart.yaml",
      "charts/app/values.yaml",
      "charts/app/templates/deployment.yaml",
      "charts/app/templates/_helpers.yaml",
      "charts/app/charts/sub/Chart.yaml",
      "charts/app/crds/crd.yaml",
    ]) {
      expect(walk.passedOver(path), path).toBe(true);
    }
    expect(walk.passedOver("charts")).toBe(false);
    expect(walk.passedOver("k8s/deployment.yaml")).toBe(false);
  });

  it("reads the objects of a chart that helm does not render, as kubectl apply -R does", () => {
    const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n";
    const root = tree({
      "app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
      "app/templates/pod.yaml": pod,
      "app/templates/_partial.yaml": pod,
      "app/charts/off/templates/pod.yaml": pod,
      "app/values.yaml": pod,
      "lib/Chart.yaml": "apiVersion: v2\nname: lib\ntype: library\nversion: 0.1.0\n",
      "lib/templates/pod.yaml": pod,
    });
    const walk = walkOf(root, ["app/templates/pod.yaml"]);
    expect(walk.libraries).toEqual(["lib"]);
    expect(walk.passedOver("app/templates/pod.yaml")).toBe(true);
    for (const path of [
      "app/templates",
      "app/templates/_partial.yaml",
      "app/charts/off/templates/pod.yaml",
      "app/values.yaml",
      "lib/templates/pod.yaml",
    ]) {
      expect(walk.passedOver(path), path).toBe(false);
    }
  });

  it("reads the manifests of a chart folder that Helm never renders, as kubectl apply -R does", () => {
    // A Chart.yaml added beside plain manifests: Helm renders none of them, kubectl applies them.
    const root = tree({
      "k8s/Chart.yaml": "apiVersion: v2\nname: k8s\nversion: 0.1.0\n",
      "k8s/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: hidden}\n",
      "k8s/extra/more.json": '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "m"}}',
      "k8s/files/prometheus.yml": "scrape_configs: []\n",
    });
    const walk = walkOf(root);
    expect(walk.charts).toEqual(["k8s"]);
    expect(walk.passedOver("k8s")).toBe(false);
    expect(walk.passedOver("k8s/pod.yaml")).toBe(false);
    expect(walk.passedOver("k8s/extra/more.json")).toBe(false);
    expect(walk.passedOver("k8s/Chart.yaml")).toBe(true);
    expect(walk.passedOver("k8s/files/prometheus.yml")).toBe(true);
  });

  it("renders only the overlays: a base that overlays reference is theirs", () => {
    const root = tree({
      "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "base/deployment.yaml": deployment,
      "overlays/prod/kustomization.yaml":
        "resources:\n  - ../../base\npatches:\n  - path: patch.yaml\n",
      "overlays/prod/patch.yaml": deployment,
      "overlays/staging/kustomization.yml": "bases:\n  - ../../base\n",
    });
    const walk = walkOf(root);
    expect(walk.kustomizations).toEqual(["overlays/prod", "overlays/staging"]);
    for (const file of [
      "base/deployment.yaml",
      "base/kustomization.yaml",
      "overlays/prod/patch.yaml",
      "overlays/staging/kustomization.yml",
    ]) {
      expect(walk.passedOver(file), file).toBe(true);
    }
  });

  it("passes over the files a kustomization names in other folders, not the rest", () => {
    const root = tree({
      "app/Kustomization": [
        "resources:",
        "  - ../shared/config.yaml",
        "  - https://example.com/remote.yaml",
        "configMapGenerator:",
        "  - name: settings",
        "    files: [app.yaml=../settings/app.yaml]",
        "",
      ].join("\n"),
      "shared/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
      "settings/app.yaml": "level: debug\n",
      "shared/other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: o}\n",
      "app/extra/more.yaml": deployment,
    });
    const walk = walkOf(root);
    expect(walk.kustomizations).toEqual(["app"]);
    expect(walk.passedOver("shared/config.yaml")).toBe(true);
    expect(walk.passedOver("settings/app.yaml")).toBe(true);
    expect(walk.passedOver("shared/other.yaml")).toBe(false);
    // A subfolder the kustomization does not name is walked as plain manifests.
    expect(walk.passedOver("app/extra")).toBe(false);
    expect(walk.passedOver("app/extra/more.yaml")).toBe(false);
  });

  it("renders a chart that a kustomization's helmCharts inflate with it, not on its own", () => {
    const root = tree({
      "deploy/kustomization.yaml": "helmCharts:\n  - name: app\n    valuesFile: prod.yaml\n",
      "deploy/prod.yaml": "replicas: 2\n",
      "deploy/charts/app/Chart.yaml": "name: app\n",
      "deploy/charts/app/templates/deployment.yaml": "{{ .Values.x }}\n",
      "vendored/Chart.yaml": "name: other\n",
      "custom/kustomization.yaml": "helmGlobals: {chartHome: ../home}\nhelmCharts: [{name: lib}]\n",
      "home/lib/Chart.yaml": "name: lib\n",
    });
    const walk = walkOf(root);
    expect(walk.kustomizations).toEqual(["custom", "deploy"]);
    expect(walk.charts).toEqual(["vendored"]);
    for (const path of [
      "deploy/charts/app/Chart.yaml",
      "deploy/charts/app/templates/deployment.yaml",
      "deploy/prod.yaml",
      "home/lib/Chart.yaml",
    ]) {
      expect(walk.passedOver(path), path).toBe(true);
    }
  });

  it("reads a file of a Kustomize folder that no kustomization names, as kubectl apply -R does", () => {
    const root = tree({
      "app/kustomization.yaml": [
        "resources: [deployment.yaml]",
        "configurations: [name-reference.yaml]",
        "helmCharts:",
        "  - {name: redis, valuesFile: redis-values.yaml}",
        "",
      ].join("\n"),
      "app/kustomization.yml": "resources: []\n",
      "app/deployment.yaml": deployment,
      "app/name-reference.yaml": "nameReference: []\n",
      "app/redis-values.yaml": "auth: {enabled: false}\n",
      "app/privileged-pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: left-out}\n",
    });
    const walk = walkOf(root);
    expect(walk.kustomizations).toEqual(["app"]);
    for (const file of [
      "app/kustomization.yaml",
      "app/kustomization.yml",
      "app/deployment.yaml",
      "app/name-reference.yaml",
      "app/redis-values.yaml",
    ]) {
      expect(walk.passedOver(file), file).toBe(true);
    }
    // Kustomize leaves it out of the render; kubectl apply -R -f app/ applies it.
    expect(walk.passedOver("app/privileged-pod.yaml")).toBe(false);
  });

  it("renders kustomizations that reference each other in a cycle rather than lose them", () => {
    const root = tree({
      "a/kustomization.yaml": "resources:\n  - ../b\n",
      "b/kustomization.yaml": "resources:\n  - ../a\n",
    });
    expect(walkOf(root).kustomizations).toEqual(["a", "b"]);
  });

  it("does not walk into .git or node_modules", () => {
    const root = tree({
      "node_modules/pkg/Chart.yaml": "name: pkg\n",
      ".git/x/kustomization.yaml": "resources: []\n",
      ".github/chart/Chart.yaml": "name: dot\n",
    });
    const walk = walkOf(root);
    expect(walk.charts).toEqual([".github/chart"]);
    expect(walk.kustomizations).toEqual([]);
  });

  it("reads a kustomization that is not valid YAML as naming nothing", () => {
    const root = tree({ "bad/kustomization.yaml": "resources: [\n" });
    expect(walkOf(root).kustomizations).toEqual(["bad"]);
  });
});
