import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Finding, summarize } from "@scout-deploy/core";
import { loadConfig, relocateRenderedDir, runCheck } from "@scout-deploy/engine";
import { securityGuideRules } from "@scout-deploy/rules";
import { describe, expect, it } from "vitest";
import type { RunContext } from "./context.js";
import { parseInputs } from "./inputs.js";
import { manifestsRenderer } from "./integrations.js";
import { attributeRendered, checkManifests, type Engine } from "./pipeline.js";
import { memoryLogger } from "./test-support.js";

const finding = (file: string, line: number): Finding => ({
  ruleId: "pod/x",
  severity: "error",
  message: "bad",
  file,
  line,
  column: 3,
});

describe("attributeRendered", () => {
  it("puts findings of rendered files on the config, naming the rendered file and line", () => {
    const findings = [
      finding("../_temp/scout-deploy/rendered/20-backend.yaml", 40),
      finding("k8s/a.yaml", 2),
    ];
    const result = attributeRendered(
      {
        findings,
        suppressed: [],
        summary: summarize(findings, { files: 2, objects: 2, suppressed: 0 }, "error"),
        failOn: "error",
      },
      "../_temp/scout-deploy/rendered",
      "./deploy/scout-deploy.yaml",
    );
    expect(result.findings).toEqual([
      expect.objectContaining({
        file: "deploy/scout-deploy.yaml",
        line: 1,
        column: 1,
        message: "bad (rendered 20-backend.yaml:40)",
      }),
      finding("k8s/a.yaml", 2),
    ]);
    expect(result.summary.findings).toBe(2);
  });
});

describe("checkManifests with a config", () => {
  it("puts each finding on the key of scout-deploy.yaml that decided it, naming the rendered file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-action-positions-"));
    const tempDir = join(dir, "_temp");
    mkdirSync(join(dir, "deploy"));
    const config = "scout:\n  namespace: scout\n  security:\n    runAsUser: 0\n";
    writeFileSync(join(dir, "deploy", "scout-deploy.yaml"), config);
    const context: RunContext = {
      eventName: "push",
      repository: { owner: "o", repo: "r" },
      sha: "abc",
      serverUrl: "https://github.com",
      apiUrl: "https://api.github.com",
      workspace: dir,
      tempDir,
    };
    const inputs = parseInputs((n) => ({ config: "deploy/scout-deploy.yaml" })[n] ?? "", tempDir);
    const engine: Engine = {
      runCheck,
      loadConfig,
      rules: securityGuideRules,
      render: manifestsRenderer(),
      relocateRendered: relocateRenderedDir,
    };
    const run = await checkManifests(inputs, context, engine, memoryLogger());
    expect(run.result.findings.length).toBeGreaterThan(0);
    for (const finding of run.result.findings) {
      expect(finding.file).toBe("deploy/scout-deploy.yaml");
      expect(finding.file).not.toContain("<rendered>");
    }
    const runAsUser = run.result.findings.find((f) => f.ruleId === "pod/run-as-user");
    expect(runAsUser).toMatchObject({ line: 4, column: 5 });
    // Both places: the config key, and the file the Action rendered.
    expect(runAsUser?.rendered?.file).toBe("_temp/scout-deploy/rendered/20-backend.yaml");
    expect(runAsUser?.message).toContain("rendered _temp/scout-deploy/rendered/20-backend.yaml:");
  });
});
