import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "./check.js";
import { compareWithBase } from "./pull-request.js";

const rootConfig = "scout:\n  namespace: scout\n  security:\n    runAsUser: 0\n";
const policyOnly = "policy:\n  failOn: warning\n";
const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: scout}\n";

function repository(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "scout-config-inputs-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const errorsOf = (findings: readonly { severity: string; ruleId: string }[]) =>
  findings.filter((f) => f.severity === "error").map((f) => f.ruleId);

describe("a Scout config among the paths", () => {
  it("check . renders the run's own config, whose root user fails on its config key", async () => {
    const dir = repository({ "scout-deploy.yaml": rootConfig, "extra/cm.yaml": configMap });
    const run = await runCheck({ cwd: dir, paths: ["."] });
    expect(run.bundle.objects.map((o) => o.ref.kind)).toContain("Deployment");
    expect(run.bundle.objects.map((o) => o.ref.name)).toContain("c");
    expect(run.result.findings.map((f) => f.ruleId)).not.toContain("input/not-kubernetes");
    const runAsUser = run.result.findings.find((f) => f.ruleId === "pod/run-as-non-root");
    expect(runAsUser).toMatchObject({ file: "scout-deploy.yaml", line: 4, column: 5 });
    expect(run.result.summary.passed).toBe(false);
  });

  it("gives the same findings as check with no path, but for the other files read", async () => {
    const dir = repository({ "scout-deploy.yaml": rootConfig });
    const named = await runCheck({ cwd: dir, paths: ["scout-deploy.yaml"] });
    const none = await runCheck({ cwd: dir, paths: [] });
    const shown = (findings: readonly { ruleId: string; line: number; message: string }[]) =>
      findings.map((f) => `${f.ruleId}:${f.line}:${f.message}`);
    expect(shown(named.result.findings)).toEqual(shown(none.result.findings));
  });

  it("reports another config's deployment as not checked, on its scout: key", async () => {
    const dir = repository({ "team/scout-deploy.yaml": rootConfig, "cm.yaml": configMap });
    const run = await runCheck({ cwd: dir, paths: ["."] });
    const notRendered = run.result.findings.filter((f) => f.ruleId === "input/not-rendered");
    expect(notRendered).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "team/scout-deploy.yaml",
        line: 1,
        message: expect.stringContaining(
          "this run has no config); check it with `scout-deploy check --config team/scout-deploy.yaml`",
        ),
      }),
    ]);
    expect(run.bundle.objects.map((o) => o.ref.kind)).toEqual(["ConfigMap"]);
    expect(run.result.summary.passed).toBe(false);
  });

  it("says a policy-only config that is not the run's does not apply; the run's own raises nothing", async () => {
    const dir = repository({
      "scout-deploy.yaml": policyOnly,
      "team/scout-deploy.yaml": policyOnly,
      "cm.yaml": configMap,
    });
    const run = await runCheck({ cwd: dir, paths: ["."] });
    const warnings = run.result.findings.filter((f) => f.ruleId === "input/not-kubernetes");
    expect(warnings.map((f) => [f.file, f.message])).toEqual([
      [
        "team/scout-deploy.yaml",
        "team/scout-deploy.yaml is a Scout config, not a manifest: its policy: section does not apply to this run (this run's config is scout-deploy.yaml); pass --config team/scout-deploy.yaml to use it",
      ],
    ]);
  });

  it("still warns about a YAML file that only looks like one (other keys beside)", async () => {
    const dir = repository({ "values.yaml": "scout: {enabled: true}\nreplicas: 2\n" });
    const run = await runCheck({ cwd: dir, paths: ["."] });
    expect(run.result.findings.map((f) => f.ruleId)).toEqual(["input/not-kubernetes"]);
  });

  it("does not render twice when the Action renders into a folder as well", async () => {
    const dir = repository({ "scout-deploy.yaml": rootConfig });
    const run = await runCheck({ cwd: dir, paths: ["."], renderInto: join(dir, "..", "out") });
    expect(errorsOf(run.result.findings)).not.toContain("input/duplicate-object");
    expect(run.bundle.objects.filter((o) => o.ref.kind === "Deployment").length).toBe(
      new Set(run.bundle.objects.filter((o) => o.ref.kind === "Deployment").map((o) => o.ref.name))
        .size,
    );
  });

  it("check . --base: the base renders its config too, so its unchanged findings are not new", async () => {
    const dir = repository({ "scout-deploy.yaml": rootConfig });
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: dir,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@t",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@t",
        },
      });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "base");
    writeFileSync(
      join(dir, "scout-deploy.yaml"),
      `${rootConfig}    readOnlyRootFilesystem: false\n`,
    );
    const options = { cwd: dir, paths: ["."] };
    const head = await runCheck(options);
    const compared = await compareWithBase(head, { ref: "HEAD" }, options);
    const fresh = compared.result.findings.filter((f) => f.baseline === "new");
    expect(fresh.map((f) => f.ruleId)).toEqual(["pod/read-only-root-filesystem"]);
    expect(fresh[0]).toMatchObject({ file: "scout-deploy.yaml", line: 5 });
  });
});
