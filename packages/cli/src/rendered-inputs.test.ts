import { copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { systemToolRunner } from "@scout-deploy/engine";
import { describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** No PATH and an empty GOPATH: neither helm nor kubectl can be found. */
const noTools = { PATH: "", GOPATH: "/nonexistent" };
const hasHelm = systemToolRunner().find("helm") !== undefined;
if (!hasHelm && process.env.CI === "true")
  throw new Error("helm is not installed: run scripts/setup.sh");

describe("check PATH of a chart or a kustomization", () => {
  it("exits 2 with one line saying how to install helm when it is missing", async () => {
    const run = await runCli(["check", "examples/helm-chart"], { cwd: repo, env: noTools });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("scripts/install-helm.sh");
  });

  it("exits 2 with one line naming kubectl when no Kustomize is installed", async () => {
    const run = await runCli(["check", "examples/kustomize/overlays/prod"], {
      cwd: repo,
      env: noTools,
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("kubectl");
  });

  it("exits 2 when --values is given and no path is a chart", async () => {
    const run = await runCli(["check", "examples/manifests", "--values", "v.yaml"], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--values apply to Helm charts/);
  });

  it.skipIf(!hasHelm)("passes --values, --set and --release-name to helm template", async () => {
    const run = await runCli(
      [
        "check",
        "examples/helm-chart",
        "--values",
        "examples/helm-chart/values-insecure.yaml",
        "--set",
        "securityContext.privileged=false",
        "--release-name",
        "scout",
        "--format",
        "json",
      ],
      { cwd: repo, env: process.env },
    );
    expect(run.code).toBe(1);
    const { findings } = JSON.parse(run.stdout);
    const rules = findings.map((f: { ruleId: string }) => f.ruleId);
    expect(rules).toContain("pod/no-privilege-escalation");
    expect(rules).not.toContain("pod/not-privileged");
    const escalation = findings.find(
      (f: { ruleId: string }) => f.ruleId === "pod/no-privilege-escalation",
    );
    expect(escalation).toMatchObject({
      file: "examples/helm-chart/values-insecure.yaml",
      line: 6,
      object: { name: "scout-backend" },
      rendered: { file: "<rendered>/examples/helm-chart/helm-template.yaml" },
    });
  });
});

const hasKustomize = ["kubectl", "kustomize"].some((name) => systemToolRunner().find(name));
if (!hasKustomize && process.env.CI === "true")
  throw new Error("neither kubectl nor kustomize is installed: run scripts/setup.sh");

describe("check of a kustomization whose helmCharts set values inline", () => {
  it.skipIf(!hasHelm || !hasKustomize)(
    "marks the valuesInline key that set the value, in text, JSON and SARIF",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "scout-cli-helmcharts-"));
      cpSync(join(repo, "examples/helm-chart"), join(dir, "charts/scout"), { recursive: true });
      writeFileSync(
        join(dir, "kustomization.yaml"),
        [
          "namespace: scout",
          "helmCharts:",
          "  - name: scout",
          "    releaseName: prod",
          "    valuesInline:",
          "      securityContext:",
          "        privileged: true",
          "",
        ].join("\n"),
      );
      const options = { cwd: dir, env: process.env };
      const text = await runCli(["check", "."], options);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(
        /^kustomization\.yaml\n(?: {2}.*\n)*? {2}7:9-7:25 +error +container "api" is privileged/m,
      );
      const json = JSON.parse((await runCli(["check", ".", "--format", "json"], options)).stdout);
      const privileged = json.findings.find(
        (f: { ruleId: string }) => f.ruleId === "pod/not-privileged",
      );
      expect(privileged).toMatchObject({
        file: "kustomization.yaml",
        line: 7,
        column: 9,
        endLine: 7,
        endColumn: 25,
      });
      const sarif = JSON.parse((await runCli(["check", ".", "--format", "sarif"], options)).stdout);
      const result = sarif.runs[0].results.find(
        (r: { ruleId: string }) => r.ruleId === "pod/not-privileged",
      );
      expect(result.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: "kustomization.yaml", uriBaseId: "%SRCROOT%" },
        region: { startLine: 7, startColumn: 9, endLine: 7, endColumn: 25 },
      });
    },
  );
});

describe("check of a folder that holds a chart", () => {
  it.skipIf(!hasHelm || !hasKustomize)(
    "check examples renders the chart and the overlays instead of reading them",
    async () => {
      const run = await runCli(["check", "examples", "--format", "json"], {
        cwd: repo,
        env: process.env,
      });
      expect(run.code).toBe(1);
      const { findings } = JSON.parse(run.stdout);
      const ofRendered = findings.filter((f: { file: string }) =>
        /^examples\/(helm-chart|kustomize)\//.test(f.file),
      );
      expect(ofRendered.length).toBeGreaterThan(0);
      expect(ofRendered.filter((f: { ruleId: string }) => f.ruleId.startsWith("input/"))).toEqual(
        [],
      );
      expect(
        findings.find((f: { ruleId: string }) => f.ruleId === "pod/not-privileged"),
      ).toMatchObject({
        file: "examples/kustomize/overlays/prod/debug-patch.yaml",
        line: 13,
        rendered: { file: "<rendered>/examples/kustomize/overlays/prod/kustomize-build.yaml" },
      });
    },
  );

  function repoWithChart(): string {
    const dir = mkdtempSync(join(tmpdir(), "scout-cli-walk-"));
    mkdirSync(join(dir, "charts/app/templates"), { recursive: true });
    writeFileSync(
      join(dir, "charts/app/Chart.yaml"),
      "apiVersion: v2\nname: app\nversion: 1.0.0\n",
    );
    writeFileSync(join(dir, "charts/app/values.yaml"), "replicas: 2\n");
    writeFileSync(join(dir, "charts/app/templates/cm.yaml"), "{{- if .Values.on }}\n{{- end }}\n");
    copyFileSync(join(repo, "examples/manifests/redis.yaml"), join(dir, "redis.yaml"));
    return dir;
  }

  it("without helm: one input/not-rendered error on Chart.yaml, exit 1, the rest checked", async () => {
    const run = await runCli(["check", ".", "--format", "json"], {
      cwd: repoWithChart(),
      env: noTools,
    });
    expect(run.code).toBe(1);
    const { findings } = JSON.parse(run.stdout);
    const notRendered = findings.filter(
      (f: { ruleId: string }) => f.ruleId === "input/not-rendered",
    );
    expect(notRendered).toMatchObject([
      {
        file: "charts/app/Chart.yaml",
        line: 1,
        severity: "error",
        message: expect.stringContaining("scripts/install-helm.sh"),
      },
    ]);
    const files = new Set(findings.map((f: { file: string }) => f.file));
    expect([...files].sort()).toEqual(["charts/app/Chart.yaml", "redis.yaml"]);
  });

  it.skipIf(!hasHelm)("with helm: renders it, reading no template as YAML", async () => {
    const dir = repoWithChart();
    writeFileSync(
      join(dir, "charts/app/templates/cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-app\n",
    );
    const run = await runCli(["check", ".", "--format", "json"], { cwd: dir, env: process.env });
    const { findings } = JSON.parse(run.stdout);
    const rules = findings.map((f: { ruleId: string }) => f.ruleId);
    expect(rules).not.toContain("input/parse-error");
    expect(rules).not.toContain("input/not-kubernetes");
    expect(rules).not.toContain("input/not-rendered");
    expect(findings.some((f: { file: string }) => f.file === "redis.yaml")).toBe(true);
  });
});
