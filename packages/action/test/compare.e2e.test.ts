import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHub } from "./github-server.js";
import { BUNDLE, pullRequestPayload, pushPayload, runAction } from "./run-action.js";

const chartExample = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../examples/helm-chart",
);
/** helm where the bundle looks for it (PATH, then ~/go/bin); under CI its absence is a failure. */
const hasHelm = [...(process.env.PATH ?? "").split(":"), join(homedir(), "go/bin")].some(
  (folder) => folder && existsSync(join(folder, "helm")),
);
if (!hasHelm && process.env.CI === "true")
  throw new Error("helm is not installed: run scripts/setup.sh");

const MARKER = "<!-- scout/secure-deploy: sticky comment -->";

const backend = (securityContext: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: scout
spec:
  selector:
    matchLabels: {app: backend}
  template:
    metadata:
      labels: {app: backend}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
          securityContext:
            runAsNonRoot: true
            runAsUser: 0
${securityContext}`;
const privileged = "            privileged: true\n";

let github: FakeGitHub;
let origin: string;
let workspace: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();
}

function commit(files: Record<string, string>, message: string): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(origin, path)), { recursive: true });
    writeFileSync(join(origin, path), text);
  }
  git(origin, "add", "-A");
  git(origin, "commit", "-q", "-m", message);
  return git(origin, "rev-parse", "HEAD");
}

/** What actions/checkout does by default on a pull request: one commit, no history. */
function shallowCheckout(): void {
  workspace = mkdtempSync(join(tmpdir(), "scout-checkout-"));
  execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin}`, workspace]);
}

/** A real pull_request webhook payload, pointed at the fixture's commits. */
function pullRequest(base: string, head: string) {
  const payload = pullRequestPayload("synchronize");
  payload.pull_request.head.sha = head;
  (payload.pull_request.base as Record<string, unknown>).sha = base;
  return payload;
}

const inputs = {
  manifests: "k8s",
  schema: "off",
  comment: "true",
  signoff: "status",
  token: "ghs_test-token",
};

function run(
  payload: ReturnType<typeof pullRequest> | ReturnType<typeof pushPayload>,
  eventName?: string,
) {
  return runAction({
    workspace,
    payload,
    apiUrl: github.url,
    inputs,
    ...(eventName ? { eventName } : {}),
  });
}

/** Notices about the run itself: no file named (an info finding is a notice on its file). */
function runNotices(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("::notice") && !line.includes("file="));
}

/** The annotations the runner shows on files (not the run's own messages). */
function fileAnnotations(stdout: string): string[] {
  return stdout.split("\n").filter((line) => /^::(error|warning|notice) .*file=/.test(line));
}

beforeEach(async () => {
  github = await new FakeGitHub().start();
  origin = mkdtempSync(join(tmpdir(), "scout-origin-"));
  git(origin, "init", "-q", "-b", "main");
});

afterEach(async () => {
  expect(github.invalid).toEqual([]);
  await github.close();
});

describe.skipIf(!existsSync(BUNDLE))("the Action compares a pull request with its base", () => {
  it("fetches the base, comments in sections, annotates and gates on new findings only", async () => {
    const base = commit({ "k8s/backend.yaml": backend("") }, "base");
    const head = commit({ "k8s/backend.yaml": backend(privileged) }, "head: privileged");
    shallowCheckout();
    expect(() => git(workspace, "cat-file", "-e", `${base}^{commit}`)).toThrow();
    const before = git(workspace, "status", "--porcelain");

    const result = await run(pullRequest(base, head));
    expect(result.stdout).toContain(`fetched the base commit ${base}`);
    expect(git(workspace, "status", "--porcelain")).toBe(before);
    expect(git(workspace, "rev-parse", "HEAD")).toBe(head);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.outputs["new-findings"]).toBe("1");

    const body = github.comments[0]!.body;
    expect(body).toContain(MARKER);
    const order = [
      "### New findings (1)",
      "### Fixed (0)",
      "### Policy changes",
      "Network changes",
      "Unchanged (",
    ];
    const at = order.map((heading) => body.indexOf(heading));
    expect(
      at.every((i) => i >= 0),
      body,
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(body).toContain("pod/not-privileged");

    // Only the new finding is annotated; the base's findings are in the collapsed table.
    const annotations = fileAnnotations(result.stdout);
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(/^::error title=pod\/not-privileged,file=k8s\/backend\.yaml/);
    expect(github.statuses).toEqual([
      { sha: head, body: expect.objectContaining({ state: "failure" }) },
    ]);
    expect(github.statuses[0]!.body.description).toMatch(/^Failed: 1 new, 0 fixed, \d+ unchanged/);
  });

  it("passes a pull request that fixes a finding and adds none, though the base's remain", async () => {
    const base = commit({ "k8s/backend.yaml": backend(privileged) }, "base");
    const head = commit({ "k8s/backend.yaml": backend("") }, "head: not privileged");
    shallowCheckout();
    const result = await run(pullRequest(base, head));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.passed).toBe("true");
    expect(Number(result.outputs.errors)).toBeGreaterThan(0);
    expect(github.comments[0]!.body).toContain("### Fixed (1)");
    // The file for code scanning lists what is there: the fixed finding's alert closes by absence.
    const sarif = JSON.parse(readFileSync(result.outputs["sarif-file"]!, "utf8"));
    const states = sarif.runs[0].results.map((r: { baselineState: string }) => r.baselineState);
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(["unchanged"]));
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).not.toContain(
      "pod/not-privileged",
    );
    expect(fileAnnotations(result.stdout)).toEqual([]);
    expect(github.statuses).toEqual([
      { sha: head, body: expect.objectContaining({ state: "success" }) },
    ]);
  });

  it("calls nothing new or fixed when a Deployment moves from extensions/v1beta1 to apps/v1", async () => {
    const legacy = backend(privileged).replace(
      "apiVersion: apps/v1",
      "apiVersion: extensions/v1beta1",
    );
    expect(legacy).toContain("extensions/v1beta1");
    const base = commit({ "k8s/backend.yaml": legacy }, "base");
    const head = commit({ "k8s/backend.yaml": backend(privileged) }, "head: apps/v1");
    shallowCheckout();
    const result = await run(pullRequest(base, head));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs["new-findings"]).toBe("0");
    const body = github.comments[0]!.body;
    expect(body).toContain("### New findings (0)");
    expect(body).toContain("### Fixed (0)");
    expect(body).toContain("pod/not-privileged");
    expect(fileAnnotations(result.stdout)).toEqual([]);
  });

  it("reports a policy weakening in its own section, as an error", async () => {
    const base = commit(
      { "k8s/backend.yaml": backend(""), "scout-deploy.yaml": "policy:\n  failOn: error\n" },
      "base",
    );
    const head = commit(
      { "scout-deploy.yaml": 'policy:\n  failOn: error\n  rules:\n    pod/run-as-user: "off"\n' },
      "head: turn a rule off",
    );
    shallowCheckout();
    const result = await runAction({
      workspace,
      payload: pullRequest(base, head),
      apiUrl: github.url,
      inputs: { ...inputs, config: "scout-deploy.yaml" },
    });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const body = github.comments[0]!.body;
    expect(body).toMatch(/### Policy changes \(1\)[\s\S]*policy\/weakened/);
    expect(fileAnnotations(result.stdout)).toEqual([
      expect.stringMatching(/^::error title=policy\/weakened,file=scout-deploy\.yaml,line=4/),
    ]);
  });

  it("renders the config at the base too, and puts the new findings on the config", async () => {
    const scout = "scout:\n  namespace: scout\n  externalAccess:\n    type: LoadBalancer\n";
    const base = commit({ "scout-deploy.yaml": scout }, "base");
    const head = commit(
      { "scout-deploy.yaml": `${scout}  security:\n    readOnlyRootFilesystem: false\n` },
      "head: writable root",
    );
    shallowCheckout();
    const result = await runAction({
      workspace,
      payload: pullRequest(base, head),
      apiUrl: github.url,
      inputs: { ...inputs, manifests: "", config: "scout-deploy.yaml" },
    });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const annotations = fileAnnotations(result.stdout);
    expect(annotations.length).toBeGreaterThan(0);
    for (const annotation of annotations) {
      expect(annotation).toMatch(
        /^::error title=pod\/read-only-root-filesystem,file=scout-deploy\.yaml/,
      );
    }
    expect(result.outputs["new-findings"]).toBe(String(annotations.length));
  });

  it.skipIf(!hasHelm)(
    "renders a chart at the base too: only the change's finding is new",
    async () => {
      cpSync(chartExample, join(origin, "chart"), { recursive: true });
      const base = commit({}, "base: the example chart");
      const values = readFileSync(join(origin, "chart/values.yaml"), "utf8");
      const head = commit(
        { "chart/values.yaml": values.replace("privileged: false", "privileged: true") },
        "head: privileged",
      );
      shallowCheckout();
      const result = await runAction({
        workspace,
        payload: pullRequest(base, head),
        apiUrl: github.url,
        inputs: { ...inputs, manifests: "chart" },
      });
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.outputs["new-findings"]).toBe("1");
      expect(fileAnnotations(result.stdout)).toEqual([
        expect.stringMatching(/^::error title=pod\/not-privileged,file=chart\/values\.yaml/),
      ]);
      expect(github.comments[0]!.body).toContain("### New findings (1)");
    },
  );

  it.skipIf(!hasHelm)(
    "warns, naming the commit, when the base's chart does not render",
    async () => {
      cpSync(chartExample, join(origin, "chart"), { recursive: true });
      const template = readFileSync(join(origin, "chart/templates/deployment.yaml"), "utf8");
      const broken = template.replace("{{ .Values.replicas }}", "{{ .Values.replicas | nope }}");
      const base = commit({ "chart/templates/deployment.yaml": broken }, "base: does not render");
      const head = commit({ "chart/templates/deployment.yaml": template }, "head: renders");
      shallowCheckout();
      const result = await runAction({
        workspace,
        payload: pullRequest(base, head),
        apiUrl: github.url,
        inputs: { ...inputs, manifests: "chart" },
      });
      expect(result.stdout).toMatch(
        new RegExp(
          `::warning::the base commit ${base} cannot be rendered, so every finding is shown as new: helm template chart failed`,
        ),
      );
      const annotations = fileAnnotations(result.stdout);
      expect(annotations.length).toBeGreaterThan(0);
      expect(result.outputs["new-findings"]).toBe(String(annotations.length));
      // The reviewer reads the comment, not the log: it says why every finding is new.
      expect(github.comments[0]!.body).toContain("The base, read in part");
      expect(github.comments[0]!.body).toContain(`the base commit ${base} cannot be rendered`);
    },
  );

  it("gives the full report with one notice when the base cannot be had", async () => {
    commit({ "k8s/backend.yaml": backend("") }, "base");
    const head = commit({ "k8s/backend.yaml": backend(privileged) }, "head");
    shallowCheckout();
    const result = await run(pullRequest("f".repeat(40), head));
    const notices = runNotices(result.stdout);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/Full report: the base commit f{40} is not in the checkout/);
    expect(result.code).toBe(1);
    expect(result.outputs["new-findings"]).toBe("");
    expect(github.comments[0]!.body).toContain("Full report");
    expect(github.comments[0]!.body).not.toContain("### New findings");
    expect(fileAnnotations(result.stdout).length).toBeGreaterThan(1);
  });

  it("gives the full report with one notice on push", async () => {
    commit({ "k8s/backend.yaml": backend("") }, "base");
    commit({ "k8s/backend.yaml": backend(privileged) }, "head");
    shallowCheckout();
    const result = await run(pushPayload(), "push");
    const notices = runNotices(result.stdout);
    expect(notices).toEqual([
      expect.stringMatching(/Full report: a push event has no pull request or merge group base/),
    ]);
    expect(result.code).toBe(1);
  });

  it("merge queue (merge_group): gates on what the group adds to its base, as the pull request did", async () => {
    const base = commit({ "k8s/backend.yaml": backend(privileged) }, "base: already privileged");
    const group = commit(
      { "k8s/backend.yaml": backend(privileged), "README.md": "docs\n" },
      "merge group: adds no finding",
    );
    shallowCheckout();
    const payload = mergeGroupPayload(base, group);
    const passing = await runAction({
      workspace,
      payload,
      apiUrl: github.url,
      inputs,
      eventName: "merge_group",
      env: { GITHUB_SHA: group },
    });
    expect(passing.code, passing.stdout).toBe(0);
    expect(passing.outputs["new-findings"]).toBe("0");
    expect(github.statuses.map((s) => [s.sha, s.body.state])).toEqual([[group, "success"]]);
    expect(github.comments).toEqual([]);

    const adding = commit(
      { "k8s/backend.yaml": backend(`${privileged}            allowPrivilegeEscalation: true\n`) },
      "merge group: adds a finding",
    );
    shallowCheckout();
    const failing = await runAction({
      workspace,
      payload: mergeGroupPayload(base, adding),
      apiUrl: github.url,
      inputs,
      eventName: "merge_group",
      env: { GITHUB_SHA: adding },
    });
    expect(failing.code).toBe(1);
    expect(Number(failing.outputs["new-findings"])).toBeGreaterThan(0);
    expect(github.statuses.at(-1)).toMatchObject({ sha: adding, body: { state: "failure" } });
  });
});

/** A real merge_group.checks_requested payload, pointed at the fixture's commits. */
function mergeGroupPayload(base: string, head: string) {
  const require = createRequire(import.meta.url);
  const examples = require("@octokit/webhooks-examples") as {
    name: string;
    examples: (Record<string, unknown> & { repository: { full_name: string } })[];
  }[];
  const payload = structuredClone(examples.find((e) => e.name === "merge_group")!.examples[0]!);
  Object.assign(payload.merge_group as Record<string, unknown>, { base_sha: base, head_sha: head });
  return payload;
}
