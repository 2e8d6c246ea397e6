import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Finding } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { runCheck } from "./check.js";
import { systemToolRunner } from "./render-tools.js";

// What `helm install` and `kubectl apply -k` create, against what the check renders and judges.

const tools = systemToolRunner();

/** The real tool, or a skip that says why (a failure under CI, where setup installs it). */
function withTool(name: string): typeof it {
  if (tools.find(name)) return it;
  if (process.env.CI === "true") throw new Error(`${name} is not installed: run scripts/setup.sh`);
  console.warn(`skipping the ${name} tests: ${name} not found on PATH or in $HOME/go/bin`);
  return it.skip as unknown as typeof it;
}

/** A temporary folder holding these files (path -> text). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "scout-fidelity-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function only(findings: readonly Finding[], ruleId: string): Finding[] {
  return findings.filter((finding) => finding.ruleId === ruleId);
}

const CHART = "apiVersion: v2\nname: chart\nversion: 0.1.0\n";

/** A pod that is privileged where the template's condition holds, compliant-looking otherwise. */
function gatedPod(condition: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: nginx:1.27
      securityContext:
{{- if ${condition} }}
        privileged: true
{{- else }}
        privileged: false
{{- end }}
`;
}

describe("a chart gated on .Capabilities.KubeVersion (real helm)", () => {
  const helmIt = withTool("helm");
  // helm template alone renders for v1.20; a cluster of today takes the other branch.
  const dir = folder({
    "chart/Chart.yaml": CHART,
    "chart/templates/pod.yaml": gatedPod(
      `semverCompare ">=1.25-0" .Capabilities.KubeVersion.GitVersion`,
    ),
  });

  helmIt("renders for the Kubernetes version checked, not helm template's v1.20", async () => {
    const { result } = await runCheck({ cwd: dir, paths: ["chart"], tools });
    expect(only(result.findings, "pod/not-privileged")).toMatchObject([
      { file: "chart/templates/pod.yaml", line: 11 },
    ]);
  });

  helmIt("renders for --kubernetes-version, and for --kube-version over it", async () => {
    const old = await runCheck({
      cwd: dir,
      paths: ["chart"],
      schema: "off",
      kubernetesVersion: "1.24",
      tools,
    });
    expect(only(old.result.findings, "pod/not-privileged")).toEqual([]);
    const both = await runCheck({
      cwd: dir,
      paths: ["chart"],
      schema: "off",
      kubernetesVersion: "1.24",
      helm: { kubeVersion: "1.30.0" },
      tools,
    });
    expect(only(both.result.findings, "pod/not-privileged")).toHaveLength(1);
  });
});
