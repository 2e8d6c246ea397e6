import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { systemToolRunner } from "@scout-deploy/engine";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { runCli } from "./test-support/run.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const hasHelm = systemToolRunner().find("helm") !== undefined;
if (!hasHelm && process.env.CI === "true")
  throw new Error("helm is not installed: run scripts/setup.sh");

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "scout-incident-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** kind/name of each object `incident isolate` printed. */
function isolated(stdout: string): string[] {
  return parseAllDocuments(stdout).map((d) => {
    const o = d.toJS();
    return `${o.kind}/${o.metadata.name}`;
  });
}

const deployment = (name: string, labels: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: scout}\nspec: {template: {metadata: {labels: ${labels}}, spec: {containers: [{name: c}]}}}\n`;

describe("incident isolate PATH", () => {
  it.skipIf(!hasHelm)(
    "isolates the workloads a chart renders, under the release's names",
    async () => {
      const root = folder({});
      cpSync(join(repo, "examples/helm-chart"), join(root, "chart"), { recursive: true });
      const run = await runCli(["incident", "isolate", ".", "--release-name", "prod"], {
        cwd: root,
        env: process.env,
      });
      expect(run.code).toBe(0);
      expect(isolated(run.stdout)).toContain("Deployment/prod-backend");
      expect(run.stderr).not.toMatch(/parse|not read/);
    },
  );

  it("finds Scout's workloads by the config's component labels and names", async () => {
    const root = folder({
      "scout-deploy.yaml":
        "policy:\n  settings:\n    componentLabels: [tier]\n    components: [api, cache]\n",
      "k8s/api.yaml": deployment("api", "{tier: api}"),
      "k8s/other.yaml": deployment("billing", "{tier: billing}"),
    });
    const run = await runCli(["incident", "isolate", "k8s"], { cwd: root, env: process.env });
    expect(run.code).toBe(0);
    expect(isolated(run.stdout)).toEqual([
      "Deployment/api",
      "NetworkPolicy/scout-incident-deny-all",
    ]);
  });

  it("isolates the deployment the config's scout: section describes, with no PATH or with .", async () => {
    const root = folder({ "scout-deploy.yaml": "scout:\n  namespace: shop\n" });
    for (const paths of [[], ["."]]) {
      const run = await runCli(["incident", "isolate", ...paths], { cwd: root, env: process.env });
      expect(run.code).toBe(0);
      expect(isolated(run.stdout)).toEqual(
        expect.arrayContaining([
          "Deployment/scout-backend",
          "Deployment/scout-redis",
          "NetworkPolicy/scout-incident-deny-all",
        ]),
      );
    }
    const none = await runCli(["incident", "isolate"], { cwd: folder({}), env: process.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give PATHs .*, or a config with a scout: section/);
  });

  it("names a file it could not read and exits 1, printing what it could isolate", async () => {
    const root = folder({
      "k8s/api.yaml": deployment("backend", "{app: backend}"),
      "k8s/broken.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: [\n",
    });
    const run = await runCli(["incident", "isolate", "k8s"], { cwd: root, env: process.env });
    expect(run.code).toBe(1);
    expect(isolated(run.stdout)).toContain("Deployment/backend");
    expect(run.stderr).toMatch(/incident isolate: k8s\/broken\.yaml:\d+:\d+: not read/);
  });
});
