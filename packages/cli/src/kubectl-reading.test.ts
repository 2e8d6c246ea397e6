import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

/**
 * Manifests written to slip past a reader that is not kubectl's: each must fail `check` on the
 * control that kubectl would really apply, so that no sign-off can be made for it.
 */
const podSpec = (extra: string, indent = "      ") =>
  [
    "hostPID: false",
    "securityContext: {runAsNonRoot: true, runAsUser: 1000}",
    "containers:",
    "- name: api",
    "  image: scout/backend:1.0",
    "  securityContext: {privileged: false}",
    ...extra.split("\n").filter(Boolean),
  ]
    .map((line) => indent + line)
    .join("\n");

const deployment = (name: string, extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: scout}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
${podSpec(extra)}
`;

let dir: string;
const write = (path: string, text: string) => {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
};
const policy = [
  "policy:",
  "  rules:",
  '    "*": off',
  "    pod/no-host-namespaces: error",
  "    pod/not-privileged: error",
  "",
].join("\n");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "scout-kubectl-"));
  write("scout-deploy.yaml", policy);
});

async function check(...paths: string[]) {
  const run = await runCli(["check", ...paths, "--format", "json", "--schema", "off"], {
    cwd: dir,
  });
  const findings =
    run.code === 2 ? [] : (JSON.parse(run.stdout).findings as { ruleId: string; file: string }[]);
  return { ...run, findings, rules: findings.map((f) => `${f.file} ${f.ruleId}`) };
}

describe("check reads what kubectl applies", () => {
  it("fails a merge key that turns hostPID back on after an explicit false", async () => {
    write(
      "k8s/app.yaml",
      deployment("backend", "<<: {hostPID: true}").replace("      <<", "      <<"),
    );
    const run = await check("k8s");
    expect(run.code).toBe(1);
    expect(run.rules).toEqual(["k8s/app.yaml pod/no-host-namespaces"]);
  });

  it("fails a privileged pod hidden in the items of a Deployment", async () => {
    const hidden = deployment("hidden", "").replace("privileged: false", "privileged: true");
    const items = hidden
      .split("\n")
      .map((line, i) => (i === 0 ? `- ${line}` : `  ${line}`))
      .join("\n");
    write("k8s/app.yaml", `${deployment("decoy", "")}items:\n${items}`);
    const run = await check("k8s");
    expect(run.code).toBe(1);
    expect(run.rules).toEqual(["k8s/app.yaml pod/not-privileged"]);
  });

  it("fails YAML 1.1 booleans: privileged: on is privileged", async () => {
    write("k8s/app.yaml", deployment("backend", "").replace("privileged: false", "privileged: on"));
    expect((await check("k8s")).rules).toEqual(["k8s/app.yaml pod/not-privileged"]);
  });

  it("checks dotfiles a glob matches", async () => {
    write("k8s/.hidden.yaml", deployment("backend", "hostNetwork: true"));
    const run = await check("k8s/*.yaml");
    expect(run.rules).toEqual(["k8s/.hidden.yaml pod/no-host-namespaces"]);
  });

  it("keeps every other file's findings when a file has a duplicate key and then a syntax error", async () => {
    write(
      "k8s/a-broken.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nx: 1\nx: 2\ndata: [\n",
    );
    write("k8s/b-app.yaml", deployment("backend", "hostIPC: true"));
    const run = await check("k8s");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    expect(run.rules).toEqual([
      "k8s/a-broken.yaml input/parse-error",
      "k8s/b-app.yaml pod/no-host-namespaces",
    ]);
  });
});
