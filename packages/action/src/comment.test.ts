import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { severityRank } from "@scout-deploy/core";
import { loadConfig, networkSection, runCheck } from "@scout-deploy/engine";
import { describe, expect, it } from "vitest";
import type { RunContext } from "./context.js";
import { parseInputs } from "./inputs.js";
import { failure } from "./main.js";
import { WriteAccess } from "./permissions.js";
import { checkManifests, type Engine } from "./pipeline.js";
import { COMMENT_MARKER, publish } from "./publish.js";
import { memoryGitHub, memoryLogger, memoryRunner } from "./test-support.js";

const COMPONENTS = ["frontend", "backend", "redis", "nginx", "prometheus"];
const RUN_URL = "https://github.com/o/r/actions/runs/7";

/** Deployment n: a Scout component running as root with a writable root and a :latest image. */
function deployment(n: number): string {
  const component = COMPONENTS[n % COMPONENTS.length]!;
  const name = `app-${String(n).padStart(2, "0")}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}, app.kubernetes.io/component: ${component}}
    spec:
      containers:
        - name: main
          image: example.org/${name}:latest
          securityContext:
            runAsUser: 0
            readOnlyRootFilesystem: false
`;
}

/** A policy for pods that do not exist: the flows section is there, and nothing isolates Scout. */
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: other, namespace: shop}
spec: {podSelector: {matchLabels: {app: other}}, policyTypes: [Ingress]}
`;

async function commentFor(deployments: number): Promise<{ body: string; failureLine: string }> {
  const files: Record<string, string> = { "policy.yaml": POLICY };
  for (let n = 0; n < deployments; n++)
    files[`app-${String(n).padStart(2, "0")}.yaml`] = deployment(n);
  return commentOf(files);
}

/** The sticky comment of a pull request whose k8s/ folder holds `files`. */
async function commentOf(
  files: Record<string, string>,
): Promise<{ body: string; failureLine: string }> {
  const workspace = mkdtempSync(join(tmpdir(), "scout-comment-"));
  mkdirSync(join(workspace, "k8s"));
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(workspace, "k8s", name), text);
  const context: RunContext = {
    eventName: "pull_request",
    repository: { owner: "o", repo: "r" },
    sha: "merge",
    serverUrl: "https://github.com",
    apiUrl: "https://api.github.com",
    runUrl: RUN_URL,
    workspace,
    tempDir: join(workspace, "_temp"),
    pullRequest: {
      number: 3,
      headSha: "head",
      headRepository: "o/r",
      baseRepository: "o/r",
      fromFork: false,
    },
  };
  const inputs = parseInputs((n) => ({ manifests: "k8s" })[n] ?? "", context.tempDir);
  const engine: Engine = { runCheck, loadConfig, networkSection };
  const log = memoryLogger();
  const run = await checkManifests(inputs, context, engine, log);
  const github = memoryGitHub();
  const deps = {
    runner: memoryRunner({}),
    log,
    github,
    access: new WriteAccess(log),
    tool: { name: "scout-secure-deploy", version: "0.0.0" },
  };
  await publish(run, inputs, context, deps, run.network ? [run.network] : []);
  const body = github.comments.find((c) => c.body.includes(COMMENT_MARKER))?.body ?? "";
  return { body, failureLine: failure(run.result) };
}

const SEVERITY = /^\| \S+ (error|warning|info) \| .*?\| \[?`?([^`\]]+?):(\d+)`?\]?/;

describe("the pull request comment of a 50-Deployment failing bundle", () => {
  it("has the right counts, sorted rows, a working link where it cuts, and stays under 60,000 characters", async () => {
    const { body, failureLine } = await commentFor(50);
    expect(body.length).toBeLessThan(60_000);

    const verdict = /(\d+) findings \((\d+) error, (\d+) warning, (\d+) info\)/.exec(body);
    expect(verdict).not.toBeNull();
    const [total, error, warning, info] = verdict!.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    expect(error + warning + info).toBe(total);
    expect(failureLine).toBe(
      `Scout Secure Deploy: ${error} findings at or above fail-on error (${error} error)`,
    );

    const rows = body
      .split("\n")
      .map((line) => SEVERITY.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ severity: m[1] as "error", file: m[2]!, line: Number(m[3]) }));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(total);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      const order =
        severityRank(b.severity) - severityRank(a.severity) ||
        (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
      expect(order, `row ${i}: ${JSON.stringify(a)} then ${JSON.stringify(b)}`).toBeLessThanOrEqual(
        0,
      );
    }

    const left = Number(/… (\d+) more findings are not in this table/.exec(body)?.[1]);
    expect(left).toBe(total - rows.length);
    expect(body).toContain(`all ${total} are in [the job summary of this run]`);
    expect(body).toContain(`](${RUN_URL}).`);
    expect(body).toContain("**Nothing isolates these 50 workloads**");
    expect(body).not.toContain("```mermaid");
    expect(body).not.toMatch(/blob\/main\//);

    await expect(body).toMatchFileSnapshot("__snapshots__/comment-50-deployments.md");
  }, 60_000);
});

/** A Scout component's Deployment in namespace scout, of which the input has no Namespace object. */
function component(name: string, port: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: scout}
spec:
  selector: {matchLabels: {app.kubernetes.io/component: ${name}}}
  template:
    metadata: {labels: {app.kubernetes.io/component: ${name}}}
    spec: {containers: [{name: main, image: example.org/${name}:1.0, ports: [{containerPort: ${port}}]}]}
`;
}

/**
 * The backend admits the frontend on 8000 and 9000 only from namespaces labelled team: web, and
 * scout has no Namespace object: whether the frontend gets in is open, both the intended 8000
 * and the extra 9000.
 */
const MAYBE_POLICIES = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: scout}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend, namespace: scout}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/component: backend}}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {team: web}}
          podSelector: {matchLabels: {app.kubernetes.io/component: frontend}}
      ports: [{port: 8000}, {port: 9000}]
`;

describe("the pull request comment of flows that labels the input leaves open decide", () => {
  it("shows 'maybe' in the diagram and the table, as the flows matrix does, with the legend", async () => {
    const { body } = await commentOf({
      "frontend.yaml": component("frontend", 3000),
      "backend.yaml": component("backend", 8000),
      "policies.yaml": MAYBE_POLICIES,
    });
    const flows = body.slice(
      body.indexOf("Network flows"),
      body.indexOf("</details>", body.indexOf("Network flows")),
    );
    expect(flows).toContain('n_frontend -. "maybe extra: TCP 8000 and 9000" .-> n_backend');
    expect(flows).toContain(
      "| frontend | backend | TCP 8000 and 9000 (maybe) | TCP 8000 | maybe **extra** (extra: TCP 9000) |",
    );
    expect(flows).toContain("dotted: maybe");
    await expect(flows).toMatchFileSnapshot("__snapshots__/comment-maybe-flows.md");
  }, 60_000);
});
