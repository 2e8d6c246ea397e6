import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { type CheckOptions, runCheck } from "./check.js";
import { compareWithBase } from "./pull-request.js";
import { systemToolRunner } from "./render-tools.js";

const examples = resolve(dirname(fileURLToPath(import.meta.url)), "../../../examples");
const tools = systemToolRunner();

/** The real helm, or a skip that says why (a failure under CI, where setup installs it). */
function withHelm(): typeof it {
  if (tools.find("helm")) return it;
  if (process.env.CI === "true") throw new Error("helm is not installed: run scripts/setup.sh");
  console.warn("skipping the rendered base tests: helm not found on PATH or in $HOME/go/bin");
  return it.skip as unknown as typeof it;
}

let repo: string;

function git(...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
    cwd: repo,
    encoding: "utf8",
  });
}

function commit(files: Record<string, string>, message: string): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  git("add", "-A");
  git("commit", "-q", "-m", message);
}

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "scout-engine-base-"));
  git("init", "-q", "-b", "main");
});

/** A config whose render has findings of its own (a writable root filesystem). */
const scout = "scout:\n  namespace: scout\n  security:\n    readOnlyRootFilesystem: false\n";

describe("the base of a chart beside the config rendered into a folder (the Action)", () => {
  withHelm()(
    "keeps the config's render in the base, so only the chart's change is new",
    async () => {
      cpSync(join(examples, "helm-chart"), join(repo, "chart"), { recursive: true });
      commit({ "scout-deploy.yaml": scout }, "base");
      const values = readFileSync(join(repo, "chart/values.yaml"), "utf8");
      commit(
        { "chart/values.yaml": values.replace("privileged: false", "privileged: true") },
        "head",
      );
      // Rendered outside the repository, as the Action does into RUNNER_TEMP.
      const renderedDir = join(mkdtempSync(join(tmpdir(), "scout-engine-rendered-")), "rendered");
      const options: CheckOptions = { cwd: repo, paths: ["chart"], renderInto: renderedDir, tools };
      const head = await runCheck(options);
      const fromConfig = head.result.findings.filter((f) => f.file === "scout-deploy.yaml");
      expect(fromConfig.length).toBeGreaterThan(0);

      const prefix = `${relative(repo, renderedDir)}/`;
      const compared = await compareWithBase(head, { ref: "HEAD~1" }, options, {
        render: true,
        renderedPrefix: prefix,
      });
      expect(compared.notices).toEqual([]);
      const fresh = compared.result.findings.filter((f) => f.baseline === "new");
      expect(fresh.map((f) => [f.ruleId, f.file])).toEqual([
        ["pod/not-privileged", "chart/values.yaml"],
      ]);
      expect(compared.result.summary).toMatchObject({ new: 1, fixed: 0 });
      expect(compared.result.summary.unchanged).toBe(head.result.findings.length - 1);
    },
  );

  withHelm()("renders the chart from a working folder below the repository's top", async () => {
    cpSync(join(examples, "helm-chart"), join(repo, "deploy/chart"), { recursive: true });
    commit({ "deploy/README.md": "charts\n" }, "base");
    const values = readFileSync(join(repo, "deploy/chart/values.yaml"), "utf8");
    commit(
      { "deploy/chart/values.yaml": values.replace("runAsUser: 1000", "runAsUser: 0") },
      "head",
    );
    const cwd = join(repo, "deploy/chart/templates");
    const options: CheckOptions = { cwd, paths: [".."], tools };
    const head = await runCheck(options);
    const compared = await compareWithBase(head, { ref: "HEAD~1" }, options);
    const fresh = compared.result.findings.filter((f) => f.baseline === "new");
    // Root is run-as-non-root's one finding (run-as-user yields to it), on the values file,
    // named from cwd.
    expect(fresh.map((f) => [f.ruleId, f.file])).toEqual([
      ["pod/run-as-non-root", "../values.yaml"],
    ]);
    expect(compared.result.summary.unchanged).toBeGreaterThan(0);
  });
});

describe("the base of a folder that holds a chart and plain manifests", () => {
  withHelm()(
    "walks the commit's tree as the head's: the chart rendered, the rest read",
    async () => {
      cpSync(join(examples, "helm-chart"), join(repo, "deploy/chart"), { recursive: true });
      cpSync(join(examples, "manifests/redis.yaml"), join(repo, "deploy/redis.yaml"));
      commit({ "README.md": "repo\n" }, "base");
      const values = readFileSync(join(repo, "deploy/chart/values.yaml"), "utf8");
      commit(
        { "deploy/chart/values.yaml": values.replace("privileged: false", "privileged: true") },
        "head",
      );
      const options: CheckOptions = { cwd: repo, paths: ["deploy"], tools };
      const head = await runCheck(options);
      expect(head.result.findings.some((f) => f.ruleId === "input/parse-error")).toBe(false);
      const compared = await compareWithBase(head, { ref: "HEAD~1" }, options);
      expect(compared.notices).toEqual([]);
      const fresh = compared.result.findings.filter((f) => f.baseline === "new");
      expect(fresh.map((f) => [f.ruleId, f.file])).toEqual([
        ["pod/not-privileged", "deploy/chart/values.yaml"],
      ]);
      // Nothing of the chart read as plain YAML at the base either (it would show as fixed).
      expect(compared.result.summary).toMatchObject({ new: 1, fixed: 0 });
      expect(compared.result.summary.unchanged).toBe(head.result.findings.length - 1);
    },
  );
});

describe("a change whose selector starts telling a StatefulSet's pods apart", () => {
  const manifests = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: scout}
spec:
  replicas: 3
  selector: {matchLabels: {app.kubernetes.io/component: redis}}
  template:
    metadata: {labels: {app.kubernetes.io/component: redis}}
    spec:
      containers: [{name: redis, image: redis:7.2.5, ports: [{containerPort: 6379}]}]
`;
  const isolateRedis0 = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis-0, namespace: scout}
spec:
  podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: redis-0}}
  policyTypes: [Ingress, Egress]
`;

  it("shows the pods still open as the finding the base had, not as a new group's", async () => {
    commit({ "k8s/redis.yaml": manifests }, "base");
    commit({ "k8s/redis.yaml": manifests + isolateRedis0 }, "head");
    const options: CheckOptions = { cwd: repo, paths: ["k8s"], tools };
    const head = await runCheck(options);
    const open = head.result.findings.filter((f) => f.ruleId === "network/default-deny");
    expect(open.map((f) => f.message)).toEqual([
      expect.stringContaining('StatefulSet "redis (pods redis-1, redis-2)"'),
    ]);
    const compared = await compareWithBase(head, { ref: "HEAD~1" }, options);
    const news = compared.result.findings.filter(
      (f) => f.baseline === "new" && f.ruleId.startsWith("network/"),
    );
    expect(news.map((f) => f.message)).toEqual([]);
  });

  it("a group that gets worse is still new", async () => {
    const egressOnly = isolateRedis0.replace("[Ingress, Egress]", "[Egress]");
    commit({ "k8s/redis.yaml": manifests + isolateRedis0 }, "base");
    commit({ "k8s/redis.yaml": manifests + egressOnly }, "head");
    const options: CheckOptions = { cwd: repo, paths: ["k8s"], tools };
    const compared = await compareWithBase(await runCheck(options), { ref: "HEAD~1" }, options);
    const news = compared.result.findings.filter(
      (f) => f.baseline === "new" && f.ruleId === "network/default-deny",
    );
    expect(news.map((f) => f.message)).toEqual([
      expect.stringContaining(
        'StatefulSet "redis (pod redis-0)" (instance scout) is not isolated for ingress',
      ),
    ]);
  });
});
