import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Finding, summarize } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { attributeRendered, runCheck } from "./check.js";

const examplePack = resolve(dirname(fileURLToPath(import.meta.url)), "../../../examples/rule-pack");

describe("runCheck", () => {
  it("runs the rule packs the config names beside the built-in pack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    writeFileSync(join(dir, "scout-deploy.yaml"), `policy:\n  plugins: ["${examplePack}"]\n`);
    writeFileSync(
      join(dir, "pod.yaml"),
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: docker.io/library/nginx:1.27\n",
    );
    const { result } = await runCheck({ cwd: dir, paths: ["pod.yaml"] });
    const packFindings = result.findings.filter((f) => f.ruleId.includes("example-rule-pack"));
    expect(packFindings.length).toBeGreaterThan(0);
    expect(packFindings[0]).toMatchObject({ file: "pod.yaml", line: 7 });
  });

  it("renders the config's scout: section when no path is given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    writeFileSync(join(dir, "scout-deploy.yaml"), "scout:\n  namespace: scout\n");
    const { bundle, result } = await runCheck({ cwd: dir, paths: [] });
    expect(bundle.files.every((f) => f.startsWith("<rendered>/"))).toBe(true);
    expect(bundle.objects.map((o) => o.ref.kind)).toContain("NetworkPolicy");
    expect(result.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });

  it("refuses to run with neither paths nor a scout: section", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    await expect(runCheck({ cwd: dir, paths: [] })).rejects.toThrow(/no manifests to check/);
  });
});

describe("runCheck with renderInto", () => {
  it("writes the rendered files there and puts their findings on the config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    writeFileSync(
      join(dir, "scout-deploy.yaml"),
      "scout:\n  namespace: scout\n  security:\n    runAsUser: 0\n",
    );
    const out = join(dir, "out");
    const run = await runCheck({ cwd: dir, paths: [], renderInto: out });
    expect(run.renderedDir).toBe(out);
    expect(readdirSync(out)).toContain("20-backend.yaml");
    expect(run.bundle.files.every((f) => f.startsWith("out/"))).toBe(true);
    const errors = run.result.findings.filter((f) => f.severity === "error");
    expect(errors.length).toBeGreaterThan(0);
    for (const finding of run.result.findings) {
      expect(finding).toMatchObject({ file: "scout-deploy.yaml", line: 1, column: 1 });
      expect(finding.message).toMatch(/\(rendered \d0-[a-z]+\.yaml:\d+\)$/);
    }
    expect(run.bundleDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("attributeRendered", () => {
  it("puts findings of rendered files on the config, naming the rendered file and line", () => {
    const finding = (file: string, line: number): Finding => ({
      ruleId: "pod/x",
      severity: "error",
      message: "bad",
      file,
      line,
      column: 3,
    });
    const findings = [finding("../_temp/rendered/20-backend.yaml", 40), finding("k8s/a.yaml", 2)];
    const result = attributeRendered(
      {
        findings,
        suppressed: [],
        summary: summarize(findings, { files: 2, objects: 2, suppressed: 0 }, "error"),
        failOn: "error",
      },
      "../_temp/rendered",
      { shown: "deploy/scout-deploy.yaml" },
    );
    expect(result.findings).toEqual([
      {
        ...finding("deploy/scout-deploy.yaml", 1),
        column: 1,
        message: "bad (rendered 20-backend.yaml:40)",
      },
      finding("k8s/a.yaml", 2),
    ]);
    expect(result.summary.findings).toBe(2);
  });
});
