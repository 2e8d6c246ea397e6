import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSource } from "@scout-deploy/core";
import { runCheck, systemToolRunner } from "@scout-deploy/engine";
import { beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

const examples = resolve(dirname(fileURLToPath(import.meta.url)), "../../../examples");
const minimal = join(examples, "minimal");

/** A backend with `extra` lines in its container's securityContext. */
const backend = (securityContext: string, annotations = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: scout
spec:
  selector:
    matchLabels: {app: backend}
  template:
    metadata:
      labels: {app: backend}${annotations}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0@sha256:${"a".repeat(64)}
          securityContext:
${securityContext}
`;

const secure = `            runAsNonRoot: true
            runAsUser: 1000
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false`;
const rootUser = secure.replace("runAsUser: 1000", "runAsUser: 0");
const privileged = `${rootUser}\n            privileged: true`;

let repo: string;

function git(...args: string[]) {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
    cwd: repo,
    encoding: "utf8",
  });
}

function commit(files: Record<string, string>, message: string) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  git("add", "-A");
  git("commit", "-q", "-m", message);
}

async function check(...args: string[]) {
  return checkWithEnv({}, ...args);
}

async function checkWithEnv(env: Record<string, string | undefined>, ...args: string[]) {
  const run = await runCli(["check", ...args, "--format", "json"], { cwd: repo, env });
  return { ...run, json: run.stdout ? JSON.parse(run.stdout) : undefined };
}

type JsonFinding = {
  ruleId: string;
  baseline: string;
  line: number;
  message: string;
  file: string;
  fingerprint: string;
};

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "scout-base-"));
  git("init", "-q", "-b", "main");
});

describe("check --base REF", () => {
  it("reports only the head's new finding as new, and fails on it", async () => {
    commit({ "k8s/backend.yaml": backend(rootUser) }, "base: one finding");
    commit({ "k8s/backend.yaml": `# moved down\n\n${backend(privileged)}` }, "head: one more");
    const { code, json } = await check("k8s", "--base", "HEAD~1");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    expect(fresh.map((f: JsonFinding) => f.ruleId)).toEqual(["pod/not-privileged"]);
    expect(json.fixed ?? []).toEqual([]);
    expect(json.summary).toMatchObject({ new: 1, fixed: 0, passed: false });
    expect(json.summary.unchanged).toBeGreaterThan(0);
    expect(json.findings.every((f: JsonFinding) => f.baseline)).toBe(true);
    expect(code).toBe(1);
  });

  it("checks the repository's top (.) without calling its .git folder new", async () => {
    commit({ "k8s/backend.yaml": backend(rootUser) }, "base");
    commit({ "k8s/backend.yaml": backend(privileged) }, "head");
    const { json } = await check(".", "--base", "HEAD~1", "--fail-on", "info");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    expect(fresh.map((f: JsonFinding) => f.ruleId)).toEqual(["pod/not-privileged"]);
    const skipped = json.findings.filter((f: JsonFinding) => f.ruleId === "input/skipped");
    expect(skipped.map((f: JsonFinding) => `${f.file} ${f.baseline}`)).toEqual([".git unchanged"]);
  });

  it("passes a head that fixes one base finding and adds none, though others remain", async () => {
    commit({ "k8s/backend.yaml": backend(privileged) }, "base: privileged and root");
    commit({ "k8s/backend.yaml": backend(rootUser) }, "head: no longer privileged");
    const { code, json } = await check("k8s", "--base", "HEAD~1");
    expect(json.summary).toMatchObject({ new: 0, fixed: 1, passed: true });
    expect(json.fixed.map((f: JsonFinding) => f.ruleId)).toEqual(["pod/not-privileged"]);
    expect(json.summary.bySeverity.error).toBeGreaterThan(0);
    expect(code).toBe(0);
    const whole = await check("k8s");
    expect(whole.code).toBe(1);
  });

  it("lists the fixed finding in SARIF as absent, where the base had it", async () => {
    commit({ "k8s/backend.yaml": backend(privileged) }, "base: privileged and root");
    commit({ "k8s/backend.yaml": `# moved\n${backend(rootUser)}` }, "head: no longer privileged");
    const run = await runCli(["check", "k8s", "--base", "HEAD~1", "--format", "sarif"], {
      cwd: repo,
    });
    const results = JSON.parse(run.stdout).runs[0].results as {
      ruleId: string;
      baselineState: string;
      locations: { physicalLocation: { region: { startLine: number } } }[];
    }[];
    const absent = results.filter((r) => r.baselineState === "absent");
    expect(absent.map((r) => r.ruleId)).toEqual(["pod/not-privileged"]);
    // The line the base had it on (privileged: true), not one the head moved.
    expect(absent[0]!.locations[0]!.physicalLocation.region.startLine).toBe(21);
    expect(results.filter((r) => r.baselineState !== "absent").length).toBeGreaterThan(0);
    expect(results.every((r) => ["unchanged", "absent"].includes(r.baselineState))).toBe(true);
  });

  it("gives the same answers from a saved --format json as --baseline", async () => {
    commit({ "k8s/backend.yaml": backend(rootUser) }, "base");
    const saved = await check("k8s");
    writeFileSync(join(repo, "..", `${repo.split("/").pop()}-base.json`), saved.stdout);
    const baseline = join(repo, "..", `${repo.split("/").pop()}-base.json`);
    commit({ "k8s/backend.yaml": backend(privileged) }, "head");
    const viaFile = await check("k8s", "--baseline", baseline);
    const viaGit = await check("k8s", "--base", "HEAD~1");
    expect(viaFile.code).toBe(1);
    expect(viaFile.json.summary).toEqual(viaGit.json.summary);
    expect(viaFile.json.findings).toEqual(viaGit.json.findings);
    writeFileSync(join(repo, "fixed.json"), saved.stdout);
    commit({ "k8s/backend.yaml": backend(secure) }, "fix all");
    const fixed = await check("k8s", "--baseline", "fixed.json");
    // runAsUser: 0 is one finding (root), which pod/run-as-user yields to.
    expect(fixed.json.summary).toMatchObject({ new: 0, fixed: 1 });
    expect(fixed.json.fixed.map((f: JsonFinding) => f.ruleId).sort()).toEqual([
      "pod/run-as-non-root",
    ]);
    expect(fixed.code).toBe(0);
  });

  it("reads the base with git only: the working tree and index stay as they were", async () => {
    commit({ "k8s/backend.yaml": backend(rootUser) }, "base");
    commit({ "k8s/backend.yaml": backend(secure) }, "head");
    writeFileSync(join(repo, "k8s/backend.yaml"), backend(privileged));
    writeFileSync(
      join(repo, "k8s/new.yaml"),
      backend(privileged).replace("name: backend", "name: b2"),
    );
    const before = git("status", "--porcelain");
    const { json } = await check("k8s", "--base", "HEAD~1");
    expect(git("status", "--porcelain")).toBe(before);
    expect(readFileSync(join(repo, "k8s/backend.yaml"), "utf8")).toBe(backend(privileged));
    // The untracked file has no base: all its findings are new.
    const fromNew = json.findings.filter((f: { file: string }) => f.file === "k8s/new.yaml");
    expect(fromNew.length).toBeGreaterThan(0);
    expect(fromNew.every((f: JsonFinding) => f.baseline === "new")).toBe(true);
  });

  it("refuses a ref that names no commit, and both flags at once, with exit 2", async () => {
    commit({ "k8s/backend.yaml": backend(secure) }, "only");
    const missing = await runCli(["check", "k8s", "--base", "nope"], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--base nope: no such commit/);
    const both = await runCli(["check", "k8s", "--base", "HEAD", "--baseline", "x.json"], {
      cwd: repo,
    });
    expect(both.code).toBe(2);
    writeFileSync(join(repo, "bad.json"), '{"version": 1, "findings": [{"ruleId": 3}]}');
    const bad = await runCli(["check", "k8s", "--baseline", "bad.json"], { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: findings\[0\]: "ruleId" must be a string/);
  });
});

describe("check --base REF: a renamed file keeps its findings", () => {
  // The same backend in two folders: its findings are told apart by their file, so a rename of
  // one showed every finding of it as new and again as fixed.
  it("calls nothing new or fixed when a file holding an object written twice is renamed", async () => {
    commit(
      {
        "k8s/staging/backend.yaml": backend(privileged),
        "k8s/prod/backend.yaml": backend(privileged),
      },
      "base",
    );
    git("mv", "k8s/prod/backend.yaml", "k8s/prod/api.yaml");
    commit(
      { "k8s/prod/api.yaml": `# renamed\n${backend(privileged)}` },
      "head: renamed, a comment",
    );
    const { json } = await check("k8s", "--base", "HEAD~1");
    expect(json.summary).toMatchObject({ new: 0, fixed: 0 });
    expect(json.summary.unchanged).toBeGreaterThan(10);
  });

  it("calls nothing new or fixed when that file is rewritten as JSON", async () => {
    commit(
      {
        "k8s/staging/backend.yaml": backend(privileged),
        "k8s/prod/backend.yaml": backend(privileged),
      },
      "base",
    );
    const object = parseSource("b.yaml", backend(privileged)).documents[0]!.value;
    git("rm", "-q", "k8s/prod/backend.yaml");
    commit({ "k8s/prod/backend.json": JSON.stringify(object, null, 2) }, "head: as JSON");
    const { json } = await check("k8s", "--base", "HEAD~1");
    expect(json.summary).toMatchObject({ new: 0, fixed: 0 });
  });

  // Which copy is which was told by its document's index and its place in a List: putting a
  // ConfigMap before it, or wrapping its file in a List, showed its findings as new and fixed.
  it("calls nothing new or fixed when a copy's file is reordered or wrapped in a List", async () => {
    const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: scout\n";
    commit(
      {
        "k8s/staging/backend.yaml": backend(privileged),
        "k8s/prod/backend.yaml": `${backend(privileged)}---\n${configMap}`,
      },
      "base",
    );
    commit(
      { "k8s/prod/backend.yaml": `${configMap}---\n${backend(privileged)}` },
      "head: reordered",
    );
    const reordered = (await check("k8s", "--base", "HEAD~1")).json;
    expect(reordered.summary).toMatchObject({ new: 0, fixed: 0 });
    expect(reordered.summary.unchanged).toBeGreaterThan(10);
    const items = parseSource("b.yaml", `${backend(privileged)}---\n${configMap}`).documents;
    const list = { apiVersion: "v1", kind: "List", items: items.map((d) => d.value) };
    commit({ "k8s/prod/backend.yaml": JSON.stringify(list, null, 2) }, "head: a List");
    const wrapped = (await check("k8s", "--base", "HEAD~2")).json;
    expect(wrapped.summary).toMatchObject({ new: 0, fixed: 0 });
    expect(wrapped.summary.unchanged).toBe(reordered.summary.unchanged);
  });

  it("still tells the renamed copy's new and fixed findings, fixed where the base had them", async () => {
    commit(
      { "k8s/staging/backend.yaml": backend(rootUser), "k8s/prod/backend.yaml": backend(rootUser) },
      "base",
    );
    git("mv", "k8s/prod/backend.yaml", "k8s/prod/api.yaml");
    commit(
      { "k8s/prod/api.yaml": backend(privileged.replace("runAsUser: 0", "runAsUser: 1000")) },
      "head",
    );
    const { json } = await check("k8s", "--base", "HEAD~1");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    expect(fresh.map((f: JsonFinding) => `${f.ruleId} ${f.file}`)).toEqual([
      "pod/not-privileged k8s/prod/api.yaml",
    ]);
    expect(json.fixed.map((f: JsonFinding) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual([
      "pod/run-as-non-root k8s/prod/backend.yaml:18",
    ]);
  });
});

describe("check --base REF with no paths: the config rendered at REF", () => {
  it("renders the base's scout: section and judges it with the head's policy", async () => {
    const scout = (security: string) =>
      `scout:\n  namespace: scout\n  externalAccess:\n    type: LoadBalancer\n${security}`;
    commit({ "scout-deploy.yaml": scout("") }, "base: the secure defaults");
    commit(
      { "scout-deploy.yaml": scout("  security:\n    readOnlyRootFilesystem: false\n") },
      "head: writable root",
    );
    const { code, json } = await check("--base", "HEAD~1");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((f: JsonFinding) => f.ruleId === "pod/read-only-root-filesystem")).toBe(
      true,
    );
    expect(code).toBe(1);
    const same = await check("--base", "HEAD");
    expect(same.json.summary).toMatchObject({ new: 0, fixed: 0 });
  });
});

describe("check --base REF with no paths: findings on the config's keys", () => {
  const insecure = (monitoring: string) => `scout:
  namespace: scout
  components:
    backend:
      image: ghcr.io/scout-io/scout-backend:latest
  externalAccess:
    type: LoadBalancer
  monitoring:
    mode: ${monitoring}
  security:
    runAsUser: 0
`;

  it("keeps the base's findings unchanged, and calls new a component the change adds to a key's finding", async () => {
    commit({ "scout-deploy.yaml": insecure('"off"') }, "base: root, no monitoring");
    commit({ "scout-deploy.yaml": insecure("prometheus") }, "head: Prometheus, as root too");
    const { json } = await check("--base", "HEAD~1");
    const marked = (ruleId: string) =>
      json.findings
        .filter((f: JsonFinding) => f.ruleId === ruleId)
        .map((f: JsonFinding) => `${f.file}:${f.line} ${f.baseline}`);
    // The backend's :latest image, on the key that sets it, was the base's finding.
    expect(marked("workload/image-pinned")).toEqual(["scout-deploy.yaml:5 unchanged"]);
    // runAsUser: 0 now runs Prometheus as root as well: a new problem on an old line.
    expect(marked("pod/run-as-non-root")).toEqual(["scout-deploy.yaml:11 new"]);
    const same = await check("--base", "HEAD");
    expect(same.json.summary).toMatchObject({ new: 0, fixed: 0 });
  });
});

describe("policy/weakened", () => {
  const config = (policy: string) => `policy:\n${policy}`;

  it("reports a rule turned off in the head at the line that does it", async () => {
    commit(
      { "scout-deploy.yaml": config("  failOn: warning\n"), "k8s/backend.yaml": backend(rootUser) },
      "base",
    );
    commit(
      {
        "scout-deploy.yaml": config(
          "  failOn: warning\n  rules:\n    pod/run-as-non-root: off\n    pod/run-as-user: warning\n",
        ),
      },
      "head",
    );
    const { code, json } = await check("k8s", "--base", "HEAD~1");
    const weakened = json.findings.filter((f: JsonFinding) => f.ruleId === "policy/weakened");
    expect(weakened).toHaveLength(2);
    expect(weakened[0]).toMatchObject({
      severity: "error",
      file: "scout-deploy.yaml",
      line: 4,
      baseline: "new",
    });
    expect(weakened[0].message).toMatch(/pod\/run-as-non-root/);
    expect(weakened[1]).toMatchObject({ line: 5 });
    expect(code).toBe(1);
  });

  it("reports failOn relaxed, a suppression added and a rule pack removed", async () => {
    commit(
      {
        "scout-deploy.yaml": config('  failOn: warning\n  plugins: ["./pack.js"]\n'),
        "pack.js": "export default { rules: [] };\n",
        "k8s/backend.yaml": backend(secure),
      },
      "base",
    );
    commit(
      {
        "scout-deploy.yaml": config(
          "  failOn: error\n  suppressions:\n    - rules: [pod/*]\n      reason: later\n",
        ),
      },
      "head",
    );
    const { json } = await check("k8s", "--base", "HEAD~1");
    const messages = json.findings
      .filter((f: JsonFinding) => f.ruleId === "policy/weakened")
      .map((f: JsonFinding) => `${f.line}: ${f.message}`);
    expect(messages).toEqual([
      "1: rule pack ./pack.js removed: its rules no longer run",
      "2: policy.failOn relaxed from warning to error",
      "4: suppression of pod/* added (later)",
    ]);
  });

  it("reports a new scout-deploy.io/ignore annotation at its line", async () => {
    commit({ "k8s/backend.yaml": backend(rootUser) }, "base");
    const ignore = `\n      annotations:\n        scout-deploy.io/ignore: "pod/run-as-user: legacy image"`;
    commit({ "k8s/backend.yaml": backend(rootUser, ignore) }, "head");
    const { code, json } = await check("k8s", "--base", "HEAD~1");
    const weakened = json.findings.filter((f: JsonFinding) => f.ruleId === "policy/weakened");
    expect(weakened).toHaveLength(1);
    expect(weakened[0]).toMatchObject({ line: 13, severity: "error", baseline: "new" });
    expect(weakened[0].message).toMatch(/pod\/run-as-user on Deployment scout\/backend/);
    // The silenced finding is not "fixed": the head suppresses it.
    expect(json.summary.fixed).toBe(0);
    expect(code).toBe(1);
  });

  it("takes a config kept outside the repository as both sides' policy", async () => {
    const outside = mkdtempSync(join(tmpdir(), "scout-config-"));
    writeFileSync(
      join(outside, "scout-deploy.yaml"),
      config('  rules:\n    pod/run-as-user: "off"\n'),
    );
    commit({ "k8s/backend.yaml": backend(rootUser) }, "base");
    commit({ "k8s/backend.yaml": backend(privileged) }, "head");
    const args = ["--config", join(outside, "scout-deploy.yaml"), "--base", "HEAD~1"];
    const { json } = await check("k8s", ...args);
    expect(json.findings.filter((f: JsonFinding) => f.ruleId === "policy/weakened")).toEqual([]);
    expect(json.summary.new).toBe(1);
  });

  it("reports nothing when the head tightens the policy", async () => {
    commit(
      { "scout-deploy.yaml": config("  failOn: error\n"), "k8s/backend.yaml": backend(secure) },
      "base",
    );
    commit(
      { "scout-deploy.yaml": config("  failOn: warning\n  rules:\n    pod/*: error\n") },
      "head",
    );
    const { json } = await check("k8s", "--base", "HEAD~1");
    expect(json.findings.filter((f: JsonFinding) => f.ruleId === "policy/weakened")).toEqual([]);
  });
});

describe("check --base REF: an object whose apiVersion moved is the same object", () => {
  const cronJob = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: CronJob
metadata:
  name: report
  namespace: scout
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: scout/report:1.0@sha256:${"b".repeat(64)}
              securityContext:
                runAsUser: 0
`;
  const budget = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: PodDisruptionBudget
metadata:
  name: backend
  namespace: scout
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: backend}
`;
  const ingress = (apiVersion: string, backendRef: string) => `apiVersion: ${apiVersion}
kind: Ingress
metadata:
  name: web
  namespace: scout
spec:
  rules:
    - host: scout.example.org
      http:
        paths:
          - path: /
${backendRef}
`;
  const oldBackend = `            backend:
              serviceName: backend
              servicePort: 80`;
  const newBackend = `            pathType: Prefix
            backend:
              service: {name: backend, port: {number: 80}}`;
  const autoscaler = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: HorizontalPodAutoscaler
metadata:
  name: backend
  namespace: scout
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: backend}
  minReplicas: 1
  maxReplicas: 3
`;
  const policy = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: NetworkPolicy
metadata:
  name: backend
  namespace: scout
spec:
  podSelector:
    matchLabels: {app: backend}
  policyTypes: [Ingress]
  ingress:
    - ports: [{port: 8000}]
`;
  const ignore = `\n      annotations:\n        scout-deploy.io/ignore: "pod/run-as-user: legacy image"`;
  const legacy = {
    "k8s/policy.yaml": policy("extensions/v1beta1"),
    "k8s/backend.yaml": backend(privileged, ignore).replace("apps/v1", "extensions/v1beta1"),
    "k8s/report.yaml": cronJob("batch/v1beta1"),
    "k8s/budget.yaml": budget("policy/v1beta1"),
    "k8s/ingress.yaml": ingress("extensions/v1beta1", oldBackend),
    "k8s/autoscaler.yaml": autoscaler("autoscaling/v2beta2"),
  };
  const current = {
    "k8s/policy.yaml": policy("networking.k8s.io/v1"),
    "k8s/backend.yaml": backend(privileged, ignore),
    "k8s/report.yaml": cronJob("batch/v1"),
    "k8s/budget.yaml": budget("policy/v1"),
    "k8s/ingress.yaml": ingress("networking.k8s.io/v1", newBackend),
    "k8s/autoscaler.yaml": autoscaler("autoscaling/v2"),
  };

  it("keeps every finding of the moved objects unchanged; only the removed apiVersions are fixed", async () => {
    commit(legacy, "base: the removed apiVersions");
    commit(current, "head: the same objects in the served ones");
    const { code, json } = await check("k8s", "--base", "HEAD~1", "--fail-on", "info");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    expect(fresh.map((f: JsonFinding) => `${f.ruleId} ${f.file}: ${f.message}`)).toEqual([]);
    // The findings of the pods are still there, the same ones.
    const kept = json.findings.map((f: JsonFinding) => `${f.ruleId} ${f.file}`);
    expect(kept).toContain("pod/not-privileged k8s/backend.yaml");
    expect(kept).toContain("pod/run-as-non-root k8s/report.yaml");
    // What the base had and the head has not: the apiVersions no cluster serves any more.
    const fixed = json.fixed.map((f: JsonFinding) => f.ruleId);
    expect(fixed.length).toBeGreaterThan(0);
    expect(new Set(fixed)).toEqual(new Set(["input/schema"]));
    // The NetworkPolicy is the same one: no flow opens or closes.
    expect(json.flows).toMatchObject({ opened: [], closed: [] });
    expect(code).toBe(0);
  });

  it("calls new what the head adds to a moved object, and fixed what it removes", async () => {
    commit(legacy, "base");
    commit(
      {
        ...current,
        "k8s/backend.yaml": backend(rootUser, ignore),
        "k8s/report.yaml": cronJob("batch/v1").replace(
          "runAsUser: 0",
          "runAsUser: 0\n                privileged: true",
        ),
      },
      "head: moved, one more problem and one less",
    );
    const { json } = await check("k8s", "--base", "HEAD~1");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    expect(fresh.map((f: JsonFinding) => `${f.ruleId} ${f.file}`)).toEqual([
      "pod/not-privileged k8s/report.yaml",
    ]);
    expect(json.fixed.map((f: JsonFinding) => `${f.ruleId} ${f.file}`)).toContain(
      "pod/not-privileged k8s/backend.yaml",
    );
  });

  it("keeps two objects of one kind and name in different groups apart", async () => {
    commit({ "k8s/backend.yaml": backend(privileged) }, "base");
    const custom = backend(privileged).replace("apps/v1", "example.com/v1");
    commit(
      { "k8s/backend.yaml": `${backend(privileged)}---\n${custom}` },
      "head: a CRD's Deployment",
    );
    const { json } = await check("k8s", "--base", "HEAD~1");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    expect(fresh.map((f: JsonFinding) => f.ruleId)).toContain("pod/not-privileged");
  });
});

describe("flow diff", () => {
  it("shows the flow a head opens to redis in JSON, Markdown and the diagram", async () => {
    const { rendered } = await runCheck({ cwd: minimal, paths: [], schema: "off" });
    const files = Object.fromEntries(
      Object.entries(rendered ?? {}).map(([name, text]) => [
        name.replace("<rendered>", "k8s"),
        text,
      ]),
    );
    // One finding both sides have, for the collapsed "Unchanged" section.
    files["k8s/legacy.yaml"] = backend(rootUser).replace("name: backend", "name: legacy");
    commit(files, "base");
    const redis = files["k8s/40-redis.yaml"]!;
    const peer = "              app.kubernetes.io/component: backend\n      ports:";
    expect(redis).toContain(peer);
    const widened = redis.replace(
      peer,
      peer.replace(
        "\n      ports:",
        "\n        - ipBlock:\n            cidr: 0.0.0.0/0\n      ports:",
      ),
    );
    commit({ "k8s/40-redis.yaml": widened }, "head: anyone may reach redis");
    const { json } = await check("k8s", "--base", "HEAD~1");
    expect(json.flows.opened).toEqual([
      {
        from: "external",
        to: "redis",
        connections: "TCP 6379",
        ends: ["0.0.0.0-255.255.255.255 → scout/scout-redis[Deployment]"],
        endCount: 1,
        // The policy rule the change widened, where the head file has it.
        via: ["NetworkPolicy scout/scout-redis (k8s/40-redis.yaml:144)"],
      },
    ]);
    expect(json.flows.closed).toEqual([]);
    const md = await runCli(["check", "k8s", "--base", "HEAD~1", "--format", "markdown"], {
      cwd: repo,
    });
    expect(md.stdout).toContain("This pull request **opens** external → redis on TCP 6379");
    const text = await runCli(["check", "k8s", "--base", "HEAD~1"], { cwd: repo });
    expect(text.stdout).toContain(
      "\nopens external → redis on TCP 6379 (0.0.0.0-255.255.255.255 → scout/scout-redis[Deployment]); through NetworkPolicy scout/scout-redis (k8s/40-redis.yaml:144)\n",
    );
    expect(md.stdout).toMatch(/n_external == "opened: TCP 6379" ==> n_redis/);
    expect(md.stdout).toMatch(/linkStyle \d+ stroke:#c0c,stroke-width:5px/);
    const order = [
      "### New findings",
      "### Fixed",
      "### Policy changes",
      "Network changes",
      "Unchanged (",
    ];
    const at = order.map((heading) => md.stdout.indexOf(heading));
    expect(Object.fromEntries(order.map((h, i) => [h, at[i]! >= 0]))).toEqual(
      Object.fromEntries(order.map((h) => [h, true])),
    );
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    rmSync(join(repo, "k8s"), { recursive: true });
  });
});

/** The real helm and kubectl, or a skip that says why (a failure under CI, where setup installs them). */
function withRenderTools(): typeof it {
  const missing = ["helm", "kubectl"].filter((name) => !systemToolRunner().find(name));
  if (!missing.length) return it;
  if (process.env.CI === "true")
    throw new Error(`${missing.join(", ")} not installed: run scripts/setup.sh`);
  console.warn(`skipping the rendered --base tests: ${missing.join(", ")} not found`);
  return it.skip as unknown as typeof it;
}

describe("check --base REF of a Helm chart and a Kustomize overlay", () => {
  const withTools = withRenderTools();
  const paths = ["chart", "deploy/overlays/prod"];
  const values = () => readFileSync(join(repo, "chart/values.yaml"), "utf8");
  const patch = () => readFileSync(join(repo, "deploy/overlays/prod/debug-patch.yaml"), "utf8");

  /** The example chart, and the example overlay whose base lies outside the path (../../base). */
  function commitExamples() {
    cpSync(join(examples, "helm-chart"), join(repo, "chart"), { recursive: true });
    cpSync(join(examples, "kustomize"), join(repo, "deploy"), { recursive: true });
    commit({}, "base: the examples");
  }

  /** Runs with the temporary folders in a folder of their own, to see that they are gone after. */
  async function checkWithOwnTmp(...args: string[]) {
    const tmp = mkdtempSync(join(tmpdir(), "scout-base-tmp-"));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const run = await checkWithEnv(process.env, ...args);
      return { ...run, leftInTmp: readdirSync(tmp) };
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  withTools("shows only the finding the pull request adds to the chart as new", async () => {
    commitExamples();
    commit(
      { "chart/values.yaml": values().replace("privileged: false", "privileged: true") },
      "head",
    );
    const before = git("status", "--porcelain");
    const worktrees = git("worktree", "list");
    const { code, json, stderr, leftInTmp } = await checkWithOwnTmp(...paths, "--base", "HEAD~1");
    expect(stderr).toBe("");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    expect(fresh.map((f: JsonFinding) => [f.ruleId, f.file])).toEqual([
      ["pod/not-privileged", "chart/values.yaml"],
    ]);
    expect(json.summary).toMatchObject({ new: 1, fixed: 0, passed: false });
    // The overlay's privileged root patch is in both: unchanged, on the patch file.
    const unchanged = json.findings.filter((f: JsonFinding) => f.baseline === "unchanged");
    expect(unchanged.map((f: JsonFinding) => f.file)).toContain(
      "deploy/overlays/prod/debug-patch.yaml",
    );
    expect(code).toBe(1);
    expect(leftInTmp).toEqual([]);
    expect(git("status", "--porcelain")).toBe(before);
    expect(git("worktree", "list")).toBe(worktrees);
  });

  withTools("shows the finding the pull request removes from the overlay as fixed", async () => {
    commitExamples();
    commit(
      {
        "deploy/overlays/prod/debug-patch.yaml": patch().replace(
          "            privileged: true\n",
          "",
        ),
      },
      "head: the patch no longer makes the API privileged",
    );
    const { code, json } = await checkWithEnv(process.env, ...paths, "--base", "HEAD~1");
    expect(json.summary).toMatchObject({ new: 0, fixed: 1, passed: true });
    expect(json.fixed.map((f: JsonFinding) => [f.ruleId, f.file, f.line])).toEqual([
      ["pod/not-privileged", "deploy/overlays/prod/debug-patch.yaml", 13],
    ]);
    expect(json.summary.unchanged).toBeGreaterThan(0);
    expect(code).toBe(0);
    const same = await checkWithEnv(process.env, ...paths, "--base", "HEAD");
    expect(same.json.summary).toMatchObject({ new: 0, fixed: 0 });
  });

  withTools("renders the chart at the base with the same --values and --set", async () => {
    commitExamples();
    commit(
      { "chart/values-insecure.yaml": "securityContext:\n  privileged: false\n" },
      "base values",
    );
    commit({ "chart/values-insecure.yaml": "securityContext:\n  privileged: true\n" }, "head");
    const flags = ["--values", "chart/values-insecure.yaml", "--set", "replicas=3"];
    const { json } = await checkWithEnv(process.env, "chart", ...flags, "--base", "HEAD~1");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    // The values file is read as the base had it: only the head's privileged: true is new.
    expect(fresh.map((f: JsonFinding) => [f.ruleId, f.file])).toEqual([
      ["pod/not-privileged", "chart/values-insecure.yaml"],
    ]);
  });

  withTools("reads a --set-file file of the repository as the base had it", async () => {
    commitExamples();
    commit({ "flags/privileged.txt": "false" }, "base: not privileged");
    commit({ "flags/privileged.txt": "true" }, "head: privileged, from the file");
    const flags = ["--set-file", "securityContext.privileged=flags/privileged.txt"];
    const { json } = await checkWithEnv(process.env, "chart", ...flags, "--base", "HEAD~1");
    const fresh = json.findings.filter((f: JsonFinding) => f.baseline === "new");
    // A --set-file value's finding lands on that file: the one this change edited.
    expect(fresh.map((f: JsonFinding) => [f.ruleId, f.file, f.line])).toEqual([
      ["pod/not-privileged", "flags/privileged.txt", 1],
    ]);
  });

  withTools(
    "says the base chart did not render, naming the commit, and shows all as new",
    async () => {
      commitExamples();
      const template = readFileSync(join(repo, "chart/templates/deployment.yaml"), "utf8");
      commit(
        {
          "chart/templates/deployment.yaml": template.replace(
            "{{ .Values.replicas }}",
            "{{ .Values.replicas | nope }}",
          ),
        },
        "base: a template helm cannot render",
      );
      const baseCommit = git("rev-parse", "HEAD").trim();
      commit({ "chart/templates/deployment.yaml": template }, "head: the template fixed");
      const { code, json, stderr, leftInTmp } = await checkWithOwnTmp(...paths, "--base", "HEAD~1");
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toContain(`the base HEAD~1 (commit ${baseCommit}) cannot be rendered`);
      expect(stderr).toMatch(/helm template chart failed: .*function "nope" not defined/);
      expect(stderr).not.toContain("scout-base-tree-");
      expect(json.findings.length).toBeGreaterThan(0);
      expect(json.findings.every((f: JsonFinding) => f.baseline === "new")).toBe(true);
      expect(json.summary).toMatchObject({ new: json.findings.length, unchanged: 0, fixed: 0 });
      expect(code).toBe(1);
      expect(leftInTmp).toEqual([]);
    },
  );
});
