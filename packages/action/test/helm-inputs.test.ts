import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { systemToolRunner } from "@scout-deploy/engine";
import { describe, expect, it } from "vitest";
import { run } from "../src/main.js";
import { memoryLogger, memoryRunner } from "../src/test-support.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const chart = "examples/helm-chart";

/** The real helm, or a skip that says why (a failure under CI, where setup installs it). */
function withHelm(): typeof it {
  if (systemToolRunner().find("helm")) return it;
  if (process.env.CI === "true") throw new Error("helm is not installed: run scripts/setup.sh");
  console.warn("skipping the helm-inputs tests: helm not found on PATH or in $HOME/go/bin");
  return it.skip as unknown as typeof it;
}

async function findingsOf(inputs: Record<string, string>) {
  const temp = mkdtempSync(join(tmpdir(), "scout-helm-inputs-"));
  const findingsFile = join(temp, "findings.json");
  const runner = memoryRunner({
    manifests: chart,
    schema: "off",
    comment: "false",
    "findings-file": findingsFile,
    ...inputs,
  });
  await run({
    runner,
    log: memoryLogger(),
    env: { GITHUB_REPOSITORY: "o/r", GITHUB_SHA: "abc", RUNNER_TEMP: temp },
    cwd: repo,
  });
  const report = JSON.parse(readFileSync(findingsFile, "utf8")) as {
    findings: { ruleId: string; file: string }[];
  };
  return report.findings;
}

describe("the Action renders charts as the deploy does (real helm)", () => {
  const helmIt = withHelm();

  helmIt("judges the chart with the values files helm install is given", async () => {
    const defaults = await findingsOf({});
    expect(defaults.filter((f) => f.ruleId === "pod/not-privileged")).toEqual([]);
    const prod = await findingsOf({ "helm-values": `${chart}/values-insecure.yaml` });
    expect(prod.filter((f) => f.ruleId === "pod/not-privileged")).toMatchObject([
      { file: `${chart}/values-insecure.yaml` },
    ]);
  });

  helmIt("takes helm-set-string, helm-set-json and helm-set-file, in helm's order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-set-file-"));
    try {
      writeFileSync(join(dir, "on.txt"), "true");
      const file = relative(repo, join(dir, "on.txt"));
      const key = "securityContext.privileged";
      const privileged = (found: { ruleId: string; file: string }[]) =>
        found.filter((f) => f.ruleId === "pod/not-privileged").map((f) => f.file);
      // Where a helm-set value's finding lands: the default it overrode in values.yaml.
      const bySet = privileged(await findingsOf({ "helm-set": `${key}=true` }));
      expect(bySet).toEqual([`${chart}/values.yaml`]);
      expect(privileged(await findingsOf({ "helm-set-string": `${key}=true` }))).toEqual(bySet);
      expect(privileged(await findingsOf({ "helm-set-json": `${key}=true` }))).toEqual(bySet);
      expect(privileged(await findingsOf({ "helm-set-file": `${key}=${file}` }))).toEqual(bySet);
      // helm-set-file is merged last: it wins over helm-set-string, as helm install has it.
      const both = { "helm-set-file": `${key}=${file}`, "helm-set-string": `${key}=false` };
      expect(privileged(await findingsOf(both))).toEqual(bySet);
      const stringWins = { "helm-set": `${key}=true`, "helm-set-string": `${key}=false` };
      expect(privileged(await findingsOf(stringWins))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
