import { dirname, resolve } from "node:path";
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
