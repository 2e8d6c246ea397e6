import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import {
  findPlantedSecrets,
  PLANTED_BROKEN_MANIFESTS,
  PLANTED_MANIFESTS,
} from "@scout-deploy/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS_BOT, FakeGitHub, GRAPHQL, USED_OPERATIONS } from "./github-server.js";
import {
  BUNDLE,
  forkPayload,
  PUSHED_SHA,
  pullRequestPayload,
  pushPayload,
  repoRoot,
  runAction,
} from "./run-action.js";

const [LIST, CREATE, UPDATE, STATUS] = USED_OPERATIONS as [string, string, string, string];
/** helm on PATH or in $GOPATH/bin (scripts/install-helm.sh); CI must have it. */
function helmInstalled(): boolean {
  const folders = [
    ...(process.env.PATH ?? "").split(delimiter),
    join(process.env.GOPATH ?? join(homedir(), "go"), "bin"),
  ];
  const found = folders.some((folder) => folder && existsSync(join(folder, "helm")));
  if (!found && process.env.CI === "true")
    throw new Error("helm is not installed: run scripts/setup.sh");
  return found;
}

const MARKER = "<!-- scout/secure-deploy: sticky comment -->";
/** The pull request of the webhook examples. */
const PR = pullRequestPayload("opened").pull_request.number;

const backend = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: scout
spec:
  template:
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
          securityContext:
            runAsNonRoot: true
            runAsUser: 0
            readOnlyRootFilesystem: false
            allowPrivilegeEscalation: false
`;

const secureBackend = backend
  .replace("runAsUser: 0", "runAsUser: 1000")
  .replace("readOnlyRootFilesystem: false", "readOnlyRootFilesystem: true");

/** A rule pack of one rule, plain objects: loadRulePacks makes them rules. */
const OWNER_PACK = `export const rules = [{
  id: "meta/has-owner",
  meta: { severity: "error", description: "Objects name their team.", remediation: "Add the label team.", messages: { noOwner: "no team label" } },
  check(context) {
    for (const object of context.bundle.objects) {
      if (!object.value.metadata?.labels?.team) context.report({ messageId: "noOwner", object, pointer: "/metadata" });
    }
  },
}];
`;

let github: FakeGitHub;
let workspace: string;

beforeEach(async () => {
  github = await new FakeGitHub().start();
  workspace = mkdtempSync(join(tmpdir(), "scout-workspace-"));
  mkdirSync(join(workspace, "k8s"));
  writeFileSync(join(workspace, "k8s/backend.yaml"), backend);
});

afterEach(async () => {
  // Every request the Action made must match GitHub's OpenAPI description.
  expect(github.invalid).toEqual([]);
  await github.close();
});

const inputs = {
  manifests: "k8s",
  schema: "off",
  comment: "true",
  signoff: "status",
  token: "ghs_test-token",
};

function run(
  payload = pullRequestPayload("opened"),
  extra: Record<string, string> = {},
  eventName?: string,
) {
  return runAction({
    workspace,
    payload,
    apiUrl: github.url,
    inputs: { ...inputs, ...extra },
    ...(eventName ? { eventName } : {}),
  });
}

describe.skipIf(!existsSync(BUNDLE))("the built Action (dist/index.js)", () => {
  it("first run: one sticky comment, one status on the head SHA, outputs, summary, SARIF", async () => {
    const payload = pullRequestPayload("opened");
    const result = await run(payload);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout.split("\n")[0]).toBe("scout-secure-deploy 0.1.0");

    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain("<!-- scout/secure-deploy: sticky comment -->");
    expect(github.comments[0]!.body).toContain(
      `https://github.com/Codertocat/Hello-World/blob/${payload.pull_request.head.sha}/k8s/backend.yaml#L14`,
    );
    expect(github.statuses).toEqual([
      {
        sha: payload.pull_request.head.sha,
        body: expect.objectContaining({
          state: "failure",
          context: "scout/secure-deploy",
          target_url: "https://github.com/Codertocat/Hello-World/actions/runs/42",
        }),
      },
    ]);
    expect(String(github.statuses[0]!.body.description).length).toBeLessThanOrEqual(140);

    // The outputs, the findings file, SARIF and the summary tell the same run.
    const findings = JSON.parse(readFileSync(result.outputs["findings-file"]!, "utf8"));
    const { bySeverity } = findings.summary;
    expect(result.outputs).toEqual(
      expect.objectContaining({
        passed: "false",
        findings: String(findings.summary.findings),
        errors: String(bySeverity.error),
        warnings: String(bySeverity.warning),
      }),
    );
    const ruleIds = findings.findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ruleIds).toEqual(
      expect.arrayContaining(["pod/run-as-non-root", "pod/read-only-root-filesystem"]),
    );
    expect(result.outputs["bundle-digest"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    const sarif = JSON.parse(readFileSync(result.outputs["sarif-file"]!, "utf8"));
    expect(sarif.runs[0].results).toHaveLength(findings.summary.findings);
    // Each result marks the finding's text: the same extent in SARIF and in the findings file.
    const readOnly = (f: { ruleId: string }) => f.ruleId === "pod/read-only-root-filesystem";
    const { line, column, endLine, endColumn } = findings.findings.find(readOnly);
    expect(sarif.runs[0].results.find(readOnly).locations[0].physicalLocation.region).toEqual({
      startLine: line,
      startColumn: column,
      endLine,
      endColumn,
    });

    expect(result.summary).toContain(`❌ **Failed**: ${findings.summary.findings} findings`);
    expect(result.stdout).toMatch(
      // "readOnlyRootFilesystem: false": GitHub's end column is its last character
      /^::error title=pod\/read-only-root-filesystem,file=k8s\/backend\.yaml,line=15,endLine=15,col=13,endColumn=41::/m,
    );
    // A container without probes is marked whole: its lines, and no columns (GitHub refuses them there).
    expect(result.stdout).toMatch(
      /^::error title=workload\/probes,file=k8s\/backend\.yaml,line=10,endLine=16::/m,
    );
    expect(result.stdout).toContain(
      `::error::Scout Secure Deploy: ${bySeverity.error} findings at or above fail-on error (${bySeverity.error} error)`,
    );
  }, 60_000);

  it("second run (synchronize): updates the same comment, never a second one", async () => {
    const before = await run(pullRequestPayload("opened"));
    const first = github.comments[0]!.id;
    writeFileSync(
      join(workspace, "k8s/backend.yaml"),
      backend.replace("runAsUser: 0", "runAsUser: 1000"),
    );
    const second = await run(pullRequestPayload("synchronize"));
    const fewer = Number(second.outputs.findings);
    expect(fewer).toBeLessThan(Number(before.outputs.findings));
    expect(github.comments.map((c) => c.id)).toEqual([first]);
    expect(github.comments[0]!.body).toContain(`**Failed**: ${fewer} findings`);
    expect(github.comments[0]!.body).not.toContain("pod/run-as-non-root");
    expect(github.calls.filter((c) => c.operation === CREATE)).toHaveLength(1);
    expect(github.calls.filter((c) => c.operation === UPDATE)).toHaveLength(1);
    expect(github.statuses).toHaveLength(2);
  }, 60_000);

  it("two runs racing on one pull request leave one comment, with the later run's report", async () => {
    const race = (runId: string) =>
      runAction({
        workspace,
        payload: pullRequestPayload("synchronize"),
        apiUrl: github.url,
        inputs: { ...inputs, "fail-on": "never" },
        env: { GITHUB_RUN_ID: runId },
      });
    const [earlier, later] = await Promise.all([race("41"), race("43")]);
    expect(earlier.code, earlier.stdout).toBe(0);
    expect(later.code, later.stdout).toBe(0);
    expect(github.comments, earlier.stdout + later.stdout).toHaveLength(1);
    expect(github.comments[0]!.body).toContain("<!-- scout/secure-deploy: run 43.1 -->");
    // A re-run of the earlier run's commit, finishing last, leaves the later report.
    const rerun = await race("41");
    expect(rerun.stdout).toContain("holds the report of a later run (43, attempt 1); leaving it");
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain("run 43.1");
  }, 90_000);

  it("two checks on one pull request: a comment each, and a pass never hides the other's failure", async () => {
    mkdirSync(join(workspace, "staging"));
    writeFileSync(join(workspace, "staging/backend.yaml"), secureBackend);
    const prod = await run(pullRequestPayload("opened"));
    expect(prod.code).toBe(1);
    const staging = await run(pullRequestPayload("opened"), {
      manifests: "staging",
      "fail-on": "never",
    });
    expect(staging.code, staging.stdout + staging.stderr).toBe(0);
    expect(github.comments).toHaveLength(2);
    expect(github.statuses.map((s) => [s.body.context, s.body.state])).toEqual([
      ["scout/secure-deploy", "failure"],
    ]);
    expect(staging.stdout).toContain(
      "another job of this workflow run set the scout/secure-deploy status",
    );
    const named = await run(pullRequestPayload("opened"), {
      manifests: "staging",
      "fail-on": "never",
      name: "staging",
    });
    expect(named.code).toBe(0);
    expect(github.statuses.map((s) => [s.body.context, s.body.state])).toEqual([
      ["scout/secure-deploy", "failure"],
      ["scout/secure-deploy (staging)", "success"],
    ]);
  }, 60_000);

  it("fork pull request: no write calls, says so once, green step with a summary", async () => {
    const result = await run(forkPayload(), { "fail-on": "never" });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(github.writes).toEqual([]);
    expect(result.stdout.match(/Skipping .*read-only/g)).toHaveLength(1);
    expect(result.summary).toContain("✅ **Passed**");
    expect(result.stdout).toContain("::error title=pod/run-as-non-root");
    expect(existsSync(result.outputs["sarif-file"]!)).toBe(true);
    expect(existsSync(result.outputs["findings-file"]!)).toBe(true);
  }, 60_000);

  it("retries a 429 (rate limit) and a 500", async () => {
    github.inject({ operation: STATUS, status: 429 });
    github.inject({ operation: LIST, status: 500 });
    const result = await run();
    expect(github.calls.filter((c) => c.operation === STATUS).map((c) => c.status)).toEqual([
      429, 201,
    ]);
    // The second listing reads the comments again after creating ours (a racing run's?).
    expect(github.calls.filter((c) => c.operation === LIST).map((c) => c.status)).toEqual([
      500, 200, 200,
    ]);
    expect(github.comments).toHaveLength(1);
    expect(github.statuses).toHaveLength(1);
    expect(result.code).toBe(1);
  }, 60_000);

  it("a spent rate limit and a lasting 502 are one line each, told as what they are; the verdict stands", async () => {
    github.inject({ operation: CREATE, status: 403, rateLimit: "primary", resetIn: 3600 });
    github.inject({ operation: STATUS, status: 502, times: 10 });
    const started = Date.now();
    const result = await run();
    expect(Date.now() - started, result.stdout).toBeLessThan(40_000);
    expect(result.code).toBe(1);
    expect(result.summary).toContain("❌ **Failed**");
    expect(result.stdout).toMatch(
      /::warning::could not post the pull request comment: GitHub's rate limit for this token is spent until \d\d:\d\d UTC \(create the comment\)\n/,
    );
    expect(result.stdout).not.toMatch(/pull-requests: write/);
    expect(result.stdout).toMatch(
      /::warning::could not set the scout\/secure-deploy status: GitHub answered 502 Bad Gateway \(set the commit status\)\n/,
    );
    expect(result.stdout).not.toContain("<html");
  }, 60_000);

  it("a comment GitHub refuses (403) never fails the run, nor stops the status", async () => {
    github.inject({ operation: CREATE, status: 403 });
    const result = await run(pullRequestPayload("opened"), { "fail-on": "never" });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout.match(/Skipping the pull request comment: .*HTTP 403/g)).toHaveLength(1);
    expect(github.statuses).toHaveLength(1);
    expect(result.summary).toContain("Scout Secure Deploy");
  }, 60_000);

  it("a status GitHub hides (404) is skipped with one message", async () => {
    github.inject({ operation: STATUS, status: 404 });
    const result = await run(pullRequestPayload("opened"), { "fail-on": "never" });
    expect(result.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(result.stdout.match(/Skipping .*HTTP 404/g)).toHaveLength(1);
  }, 60_000);

  it("a marker in someone else's comment is ignored: ours is created beside it, the status set", async () => {
    const planted = `${MARKER}\n✅ **Passed**: 0 findings. LGTM, merge it!`;
    const foreign = github.seedComment(PR, planted, "mallory");
    const result = await run(pullRequestPayload("opened"));
    expect(result.code, result.stdout).toBe(1);
    expect(github.calls.filter((c) => c.operation === UPDATE)).toEqual([]);
    expect(github.comments.find((c) => c.id === foreign)!.body).toBe(planted);
    const ours = github.comments.filter((c) => c.author === ACTIONS_BOT);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain("❌ **Failed**");
    expect(github.statuses.map((s) => s.body.state)).toEqual(["failure"]);
    // The next push updates our comment, still not theirs.
    await run(pullRequestPayload("synchronize"));
    expect(github.calls.filter((c) => c.operation === UPDATE).map((c) => c.path)).toEqual([
      `/api/v3/repos/Codertocat/Hello-World/issues/comments/${ours[0]!.id}`,
    ]);
  }, 60_000);

  it("with a personal token, ours is the comment its user wrote (read from GET /user)", async () => {
    github.users.set("ghp_scoutbot", "scout-bot");
    github.seedComment(PR, `${MARKER}\nold report by the Actions bot`, ACTIONS_BOT);
    const mine = github.seedComment(PR, `${MARKER}\nold report`, "scout-bot");
    await run(pullRequestPayload("opened"), { token: "ghp_scoutbot" });
    const updates = github.calls.filter((c) => c.operation === UPDATE);
    expect(updates.map((c) => c.path)).toEqual([
      `/api/v3/repos/Codertocat/Hello-World/issues/comments/${mine}`,
    ]);
    expect(github.calls.filter((c) => c.operation === CREATE)).toEqual([]);
  }, 60_000);

  describe("a GitHub App's installation token (actions/create-github-app-token)", () => {
    const APP_BOT = "scout-deploy-app[bot]";
    const commentPath = (id: number) =>
      `/api/v3/repos/Codertocat/Hello-World/issues/comments/${id}`;

    it("two runs on one pull request leave exactly one comment of the app, updated; others' markers are never edited", async () => {
      const token = github.appToken("scout-deploy-app");
      const planted = `${MARKER}\n✅ **Passed**: 0 findings. LGTM, merge it!`;
      const foreign = github.seedComment(PR, planted, "mallory");
      const earlier = `${MARKER}\nan old report, written with GITHUB_TOKEN`;
      const actionsBot = github.seedComment(PR, earlier, ACTIONS_BOT);

      const first = await run(pullRequestPayload("opened"), { token });
      expect(first.stdout).toContain(
        `Our pull request comment is the one by ${APP_BOT} (GraphQL viewer; GET /user is refused to an installation token)`,
      );
      writeFileSync(join(workspace, "k8s/backend.yaml"), secureBackend);
      const second = await run(pullRequestPayload("synchronize"), { token });

      const ours = github.comments.filter((c) => c.author === APP_BOT);
      expect(ours).toHaveLength(1);
      expect(ours[0]!.body).toContain(`**Failed**: ${second.outputs.findings} findings`);
      expect(Number(second.outputs.findings)).toBeLessThan(Number(first.outputs.findings));
      expect(github.calls.filter((c) => c.operation === CREATE)).toHaveLength(1);
      expect(github.calls.filter((c) => c.operation === UPDATE).map((c) => c.path)).toEqual([
        commentPath(ours[0]!.id),
      ]);
      expect(github.comments.find((c) => c.id === foreign)!.body).toBe(planted);
      expect(github.comments.find((c) => c.id === actionsBot)!.body).toBe(earlier);
      // GitHub Enterprise Server: /api/v3 for REST, /api/graphql for GraphQL.
      expect(github.calls.filter((c) => c.operation === GRAPHQL).map((c) => c.path)).toEqual([
        "/api/graphql",
        "/api/graphql",
      ]);
    }, 60_000);

    it("GraphQL refused too: input comment-author still finds the app's comment", async () => {
      const token = github.appToken("scout-deploy-app");
      github.inject({ operation: GRAPHQL, status: 403, times: 10 });
      const extra = { token, "comment-author": APP_BOT };
      const first = await run(pullRequestPayload("opened"), extra);
      await run(pullRequestPayload("synchronize"), extra);
      expect(first.stdout).toContain(
        `Our pull request comment is the one by ${APP_BOT} (input comment-author)`,
      );
      expect(github.comments.map((c) => c.author)).toEqual([APP_BOT]);
      expect(github.calls.filter((c) => c.operation === UPDATE)).toHaveLength(1);
      expect(github.calls.filter((c) => c.operation === GRAPHQL)).toEqual([]);
    }, 60_000);
  });

  it("GITHUB_TOKEN is named by GraphQL; with GraphQL failing it is assumed, the log says so, and the comment is still updated", async () => {
    const named = await run(pullRequestPayload("opened"));
    expect(named.stdout).toContain(
      `Our pull request comment is the one by ${ACTIONS_BOT} (GraphQL viewer; GET /user is refused to an installation token)`,
    );
    github.inject({ operation: GRAPHQL, status: 404, times: 10 });
    const assumed = await run(pullRequestPayload("synchronize"));
    expect(assumed.stdout).toContain(
      `Our pull request comment is the one by ${ACTIONS_BOT} (assumed: GET /user was refused (an installation token) and GraphQL viewer failed: Not Found.`,
    );
    expect(github.calls.filter((c) => c.operation === GRAPHQL).map((c) => c.status)).toEqual([
      200, 404,
    ]);
    expect(github.comments).toHaveLength(1);
    expect(github.calls.filter((c) => c.operation === UPDATE)).toHaveLength(1);
  }, 60_000);

  it("a write to a comment GitHub refuses never suppresses the commit status", async () => {
    const ours = github.seedComment(PR, `${MARKER}\nold report`, ACTIONS_BOT);
    github.inject({ operation: UPDATE, status: 403 });
    const result = await run(pullRequestPayload("opened"));
    expect(github.calls.filter((c) => c.operation === UPDATE).map((c) => c.status)).toEqual([403]);
    expect(github.comments.find((c) => c.id === ours)!.body).toContain("old report");
    expect(github.statuses.map((s) => s.body.state)).toEqual(["failure"]);
    expect(result.code).toBe(1);
  }, 60_000);

  it("finds our comment past 2,000 others (every page is read)", async () => {
    for (let i = 0; i < 2_050; i++) github.seedComment(PR, `comment ${i}`, `user${i % 7}`);
    const ours = github.seedComment(PR, `${MARKER}\nold report`, ACTIONS_BOT);
    for (let i = 0; i < 30; i++) github.seedComment(PR, `later ${i}`, "octocat");
    await run(pullRequestPayload("opened"));
    expect(github.calls.filter((c) => c.operation === LIST)).toHaveLength(21);
    expect(github.calls.filter((c) => c.operation === CREATE)).toEqual([]);
    expect(github.comments.find((c) => c.id === ours)!.body).toContain("❌ **Failed**");
  }, 60_000);

  it("a GitHub that never answers cannot hang the job: the run ends within github-timeout", async () => {
    github.hang();
    const started = Date.now();
    const result = await run(pullRequestPayload("opened"), { "github-timeout": "4" });
    const seconds = (Date.now() - started) / 1000;
    expect(seconds, result.stdout).toBeLessThan(20);
    expect(result.code).toBe(1);
    expect(result.summary).toContain("❌ **Failed**");
    expect(existsSync(result.outputs["findings-file"]!)).toBe(true);
    expect(result.stdout).toMatch(
      /::warning::could not post the pull request comment: GitHub did not answer/,
    );
    expect(result.stdout).toMatch(
      /::warning::could not set the scout\/secure-deploy status: GitHub did not answer/,
    );
    expect(github.calls.length).toBeGreaterThan(0);
  }, 60_000);

  it("a hung comment lookup leaves time for the commit status", async () => {
    github.hang(LIST);
    const result = await run(pullRequestPayload("opened"), { "github-timeout": "8" });
    expect(result.stdout).toMatch(
      /could not post the pull request comment: GitHub did not answer within 2s/,
    );
    expect(github.statuses.map((s) => s.body.state)).toEqual(["failure"]);
  }, 60_000);

  it("names from manifests cannot add images, links, HTML or mentions to the comment and summary", async () => {
    const hostile =
      "api![x](https://evil.example/p.png)[go](https://evil.example)<img src=x>@octocat";
    writeFileSync(
      join(workspace, "k8s/backend.yaml"),
      backend.replace("- name: api", `- name: "${hostile}"`),
    );
    const result = await run(pullRequestPayload("opened"));
    const comment = github.comments[0]!.body;
    expect(comment).toContain("\\!\\[x\\]");
    for (const markdown of [comment, result.summary]) {
      expect(markdown).not.toMatch(/!\[x\]\(|\[go\]\(|<img|@octocat|https:\/\/evil/);
    }
  }, 60_000);

  it("a pull request's policy.failOn: never cannot turn the sign-off green", async () => {
    writeFileSync(join(workspace, "scout-deploy.yaml"), "policy:\n  failOn: never\n");
    const result = await run(pullRequestPayload("opened"), { config: "scout-deploy.yaml" });
    // The step follows the config (the workflow set no fail-on); the sign-off does not.
    expect(result.code, result.stdout).toBe(0);
    expect(github.statuses.map((s) => s.body.state)).toEqual(["failure"]);
    expect(github.statuses[0]!.body.description).toMatch(/\(fail-on error\)$/);
    expect(result.stdout).toContain("the config's policy.failOn never cannot lower it");
  }, 60_000);

  it.each([
    // (Whether a file that does not parse ends the run is another matter: nothing leaks either way.)
    ["manifests that parse", PLANTED_MANIFESTS],
    ["and a Secret that does not", { ...PLANTED_MANIFESTS, ...PLANTED_BROKEN_MANIFESTS }],
  ])(
    "no planted secret value in the log, summary, comment, files or requests: %s",
    async (_, files) => {
      for (const [name, text] of Object.entries(files))
        writeFileSync(join(workspace, "k8s", name), text);
      const keys = generateKeyPairSync("ed25519");
      const pem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      const result = await run(pullRequestPayload("opened"), { schema: "embedded" });
      const attest = await run(pullRequestPayload("opened"), {
        schema: "embedded",
        signoff: "attest",
        "signoff-key": pem,
      });
      const written = [result, attest].flatMap((r) =>
        ["findings-file", "sarif-file", "signoff-file"]
          .map((o) => r.outputs[o])
          .filter((f): f is string => Boolean(f) && existsSync(f!))
          .map((f) => readFileSync(f, "utf8")),
      );
      const everything = [
        result.stdout,
        result.stderr,
        result.summary,
        attest.stdout,
        attest.stderr,
        attest.summary,
        ...written,
        ...github.comments.map((c) => c.body),
        ...github.calls.map((c) => JSON.stringify(c.body ?? "")),
      ].join("\n");
      expect(result.summary + result.stdout).toMatch(/scout-secrets|secret\.yaml|flow collection/);
      expect(findPlantedSecrets(everything)).toEqual([]);
    },
    60_000,
  );

  it("pull_request_target: the workspace's config is not loaded", async () => {
    writeFileSync(join(workspace, "scout-deploy.yaml"), "policy:\n  failOn: never\n");
    const result = await run(
      pullRequestPayload("opened"),
      { comment: "false", signoff: "none" },
      "pull_request_target",
    );
    expect(result.stdout).toContain(
      "pull_request_target: configs and rule packs from the pull request are not loaded",
    );
    expect(result.outputs.passed).toBe("false");
    expect(result.code).toBe(1);
  }, 60_000);

  it("pull_request_target: a workspace not holding the head sets no status on the head", async () => {
    writeFileSync(join(workspace, "k8s/backend.yaml"), secureBackend);
    const result = await run(
      pullRequestPayload("opened"),
      { comment: "false", "fail-on": "never" },
      "pull_request_target",
    );
    expect(result.code, result.stdout).toBe(0);
    expect(github.statuses).toEqual([]);
    expect(result.stdout).toMatch(
      /^::warning::pull_request_target: the workspace is no git checkout, not the pull request's head [0-9a-f]{40}, so no status is set on the head/m,
    );
  }, 60_000);

  it("pull_request_target: no comment about files the pull request may not have; links go to the commit checked", async () => {
    const result = await run(
      pullRequestPayload("opened"),
      { "fail-on": "never" },
      "pull_request_target",
    );
    expect(result.code, result.stdout).toBe(0);
    expect(github.comments).toEqual([]);
    expect(github.writes).toEqual([]);
    expect(result.stdout).toMatch(
      /^::warning::pull_request_target: the workspace is no git checkout, not the pull request's head [0-9a-f]{40}, so no comment is posted on the pull request/m,
    );
    const head = pullRequestPayload("opened").pull_request.head.sha;
    expect(result.summary).not.toContain(`/blob/${head}/`);
    expect(result.summary).toContain(`/blob/${PUSHED_SHA}/k8s/backend.yaml#L`);

    // A workspace that holds the head (the checkout asked for it) speaks for the pull request.
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
        cwd: workspace,
        encoding: "utf8",
      }).trim();
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "head");
    const payload = pullRequestPayload("opened");
    payload.pull_request.head.sha = git("rev-parse", "HEAD");
    const checked = await run(payload, { "fail-on": "never" }, "pull_request_target");
    expect(checked.code, checked.stdout).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain(`/blob/${payload.pull_request.head.sha}/`);
  }, 60_000);

  it("a repository checked out in a subfolder (actions/checkout path:): annotations and links name files from its root", async () => {
    const app = join(workspace, "app");
    mkdirSync(join(app, "k8s"), { recursive: true });
    writeFileSync(join(app, "k8s/backend.yaml"), backend);
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
        cwd: app,
        encoding: "utf8",
      }).trim();
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "app");
    const checkedOut = git("rev-parse", "HEAD");
    const result = await runAction({
      workspace,
      payload: pullRequestPayload("opened"),
      apiUrl: github.url,
      inputs: { ...inputs, manifests: "app/k8s", "fail-on": "never" },
      // pull_request checks out GITHUB_SHA, the merge commit.
      env: { GITHUB_SHA: checkedOut },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain("::error title=pod/run-as-non-root,file=k8s/backend.yaml,");
    expect(result.stdout).not.toContain("file=app/");
    expect(result.summary).toMatch(
      /\[k8s\/backend\.yaml:\d+\]\(https:\/\/github\.com\/[^)]*\/blob\/[0-9a-f]{40}\/k8s\/backend\.yaml#L/,
    );
    const sarif = JSON.parse(readFileSync(result.outputs["sarif-file"]!, "utf8"));
    const uris = new Set(
      sarif.runs[0].results.map(
        (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          r.locations[0]!.physicalLocation.artifactLocation.uri,
      ),
    );
    expect([...uris]).toEqual(["k8s/backend.yaml"]);

    // Another repository's checkout (its HEAD is not this run's commit) keeps workspace paths.
    const other = await run(pullRequestPayload("opened"), {
      manifests: "app/k8s",
      "fail-on": "never",
    });
    expect(other.stdout).toContain("file=app/k8s/backend.yaml,");
  }, 60_000);

  it("annotations stay within GitHub's 10 per level and step, counting the run's own notice and failure", async () => {
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(workspace, `k8s/copy-${i}.yaml`), backend.replace("backend", `copy-${i}`));
    }
    const result = await runAction({
      workspace,
      payload: pushPayload(),
      apiUrl: github.url,
      inputs,
      eventName: "push",
    });
    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n");
    const errors = lines.filter((l) => l.startsWith("::error"));
    const notices = lines.filter((l) => l.startsWith("::notice"));
    // The push has no base: one notice says so; the failure is an error annotation too.
    expect(notices.filter((l) => !l.includes("file="))).toHaveLength(1);
    expect(errors.at(-1)).toMatch(/^::error::Scout Secure Deploy: \d+ findings at or above/);
    expect(errors).toHaveLength(10);
    expect(notices.length).toBeLessThanOrEqual(10);
    const annotated = errors.length - 1;
    const total = Number(result.outputs.errors);
    expect(total).toBeGreaterThan(10);
    expect(result.summary).toContain(
      `more findings were not annotated (GitHub shows 10 per level and step): ${total - annotated} error`,
    );
  }, 60_000);

  it("outside a pull request (push): no comment, the status goes to the pushed commit", async () => {
    const result = await runAction({
      workspace: repoRoot,
      payload: pushPayload(),
      apiUrl: github.url,
      eventName: "push",
      inputs: { ...inputs, manifests: "examples/manifests", "fail-on": "never" },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(github.comments).toEqual([]);
    expect(github.statuses.map((s) => s.sha)).toEqual([PUSHED_SHA]);
  }, 60_000);

  it("renders a config's scout: section and checks what it rendered", async () => {
    const result = await runAction({
      workspace: repoRoot,
      payload: pushPayload(),
      apiUrl: github.url,
      eventName: "push",
      inputs: {
        ...inputs,
        manifests: "",
        config: "examples/minimal/scout-deploy.yaml",
        signoff: "none",
      },
    });
    const rendered = result.outputs["rendered-dir"]!;
    expect(rendered, result.stdout).toMatch(/scout-deploy\/rendered$/);
    const files = readdirSync(rendered);
    expect(files.length).toBeGreaterThan(3);
    const json = JSON.parse(readFileSync(result.outputs["findings-file"]!, "utf8"));
    expect(json.summary.files).toBe(files.length);
    for (const finding of json.findings)
      expect(finding.file).toBe("examples/minimal/scout-deploy.yaml");
    expect(result.stdout).toContain(
      "rendered the scout: section of examples/minimal/scout-deploy.yaml",
    );
    // The rendered NetworkPolicies were analysed: the flow diagram is in the summary.
    expect(result.summary).toContain("<summary><strong>Network flows</strong></summary>");
    expect(result.summary).toMatch(/```mermaid\n(flowchart|graph) /);
  }, 60_000);

  it.skipIf(!helmInstalled())(
    "checks a Helm chart given as manifests, findings on its templates",
    async () => {
      const result = await runAction({
        workspace: repoRoot,
        payload: pushPayload(),
        apiUrl: github.url,
        eventName: "push",
        inputs: { ...inputs, manifests: "examples/helm-chart", signoff: "none" },
      });
      const json = JSON.parse(readFileSync(result.outputs["findings-file"]!, "utf8"));
      const files = new Set(json.findings.map((f: { file: string }) => f.file));
      expect([...files], result.stdout).toEqual(["examples/helm-chart/templates/deployment.yaml"]);
      const probe = json.findings.find(
        (f: { ruleId: string }) => f.ruleId === "workload/startup-probe",
      );
      expect(probe).toMatchObject({
        line: 24,
        rendered: { file: "<rendered>/examples/helm-chart/helm-template.yaml" },
      });
    },
    60_000,
  );

  it("signoff: attest writes a record that scout-deploy verify accepts", async () => {
    const keys = generateKeyPairSync("ed25519");
    const pem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    writeFileSync(join(workspace, "k8s/backend.yaml"), secureBackend);
    const result = await run(pullRequestPayload("opened"), {
      signoff: "attest",
      "signoff-key": pem,
      comment: "false",
      "fail-on": "never",
    });
    expect(result.code, result.stdout).toBe(0);
    const file = result.outputs["signoff-file"]!;
    expect(file).toMatch(/signoff\.intoto\.jsonl$/);
    const { runVerify } = await import("@scout-deploy/signoff");
    const verified = runVerify({
      record: readFileSync(file, "utf8"),
      publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
      files: [
        { path: "k8s/backend.yaml", content: readFileSync(join(workspace, "k8s/backend.yaml")) },
      ],
      cwd: workspace,
    });
    expect(verified.report.signature.status, verified.text).toBe("ok");
    expect(verified.report.files).toEqual([]);
    expect(github.writes).toEqual([]);
  }, 60_000);

  it.skipIf(!helmInstalled())(
    "signoff: attest signs a chart by what it rendered, under the config and rule packs the run loaded",
    async () => {
      const keys = generateKeyPairSync("ed25519");
      const pem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      cpSync(join(repoRoot, "examples/helm-chart"), join(workspace, "chart"), { recursive: true });
      // No config input: the run finds scout-deploy.yaml, and its pack judges the chart.
      writeFileSync(join(workspace, "scout-deploy.yaml"), "policy:\n  plugins: [./owner.mjs]\n");
      writeFileSync(join(workspace, "owner.mjs"), OWNER_PACK);
      const result = await run(pullRequestPayload("opened"), {
        manifests: "chart",
        signoff: "attest",
        "signoff-key": pem,
        comment: "false",
        "fail-on": "never",
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const record = readFileSync(result.outputs["signoff-file"]!, "utf8");

      // What `scout-deploy verify chart` compares at deploy time.
      const engine = await import("@scout-deploy/engine");
      const { runVerify } = await import("@scout-deploy/signoff");
      const now = await engine.runCheck({ cwd: workspace, paths: ["chart"], schema: "off" });
      const verify = () =>
        runVerify({
          record,
          publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
          files: now.bundle.files.map((path) => ({
            path,
            content: Buffer.from(now.rendered?.[path] ?? readFileSync(join(workspace, path))),
          })),
          cwd: workspace,
          requireFailOn: "never",
          config: { name: "scout-deploy.yaml", content: readFileSync(now.config.path!) },
          plugins: engine.pluginDigests(now.config),
        });
      const verified = verify();
      expect(now.bundle.files).toEqual(["<rendered>/chart/helm-template.yaml"]);
      expect(verified.text).toContain("verified: safe to apply");

      writeFileSync(join(workspace, "owner.mjs"), OWNER_PACK.replace("no team", "no owner team"));
      const edited = verify();
      expect(edited.text).toContain("FAIL rule pack: ./owner.mjs changed since sign-off");
      expect(edited.report.ok).toBe(false);
    },
    60_000,
  );

  it.skipIf(!helmInstalled())(
    "signoff: attest binds the bytes of each helm-set-file file beside the chart's render",
    async () => {
      const keys = generateKeyPairSync("ed25519");
      const pem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      cpSync(join(repoRoot, "examples/helm-chart"), join(workspace, "chart"), { recursive: true });
      writeFileSync(join(workspace, "banner.txt"), "welcome\n");
      const result = await run(pullRequestPayload("opened"), {
        manifests: "chart",
        "helm-set-file": "banner=banner.txt",
        signoff: "attest",
        "signoff-key": pem,
        comment: "false",
        "fail-on": "never",
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const record = readFileSync(result.outputs["signoff-file"]!, "utf8");
      const payload = JSON.parse(Buffer.from(JSON.parse(record).payload, "base64").toString());
      expect(payload.subject.map((s: { name: string }) => s.name)).toEqual([
        "<rendered>/chart/helm-template.yaml",
        "banner.txt",
      ]);
      const engine = await import("@scout-deploy/engine");
      // No kubernetes-version input: the record names the version the check used, not null.
      expect(payload.predicate.kubernetesVersion).toMatch(/^\d+\.\d+\.\d+$/);
      expect(payload.predicate.kubernetesVersion).toBe(engine.checkedKubernetesVersion(undefined));
      // The manifests input as verify must walk it: verify of one file of it is refused.
      expect(payload.predicate.paths).toEqual(["chart"]);
      // What `scout-deploy verify chart --set-file banner=banner.txt` compares at deploy time.
      const { runVerify } = await import("@scout-deploy/signoff");
      const helm = { setFile: ["banner=banner.txt"] };
      const now = await engine.runCheck({ cwd: workspace, paths: ["chart"], schema: "off", helm });
      const verifyInput = () => ({
        record,
        publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
        files: [...now.bundle.files, ...engine.helmSetFiles(helm, workspace)].map((path) => ({
          path,
          content: Buffer.from(now.rendered?.[path] ?? readFileSync(join(workspace, path))),
        })),
        cwd: workspace,
        requireFailOn: "never" as const,
        paths: ["chart/"],
      });
      const verify = () => runVerify(verifyInput());
      expect(verify().text).toContain("verified: safe to apply");
      const narrower = runVerify({ ...verifyInput(), paths: ["chart/Chart.yaml"] });
      expect(narrower.text).toContain("FAIL paths: signed for chart, verifying chart/Chart.yaml");
      writeFileSync(join(workspace, "banner.txt"), "welcome back\n");
      const changed = verify();
      expect(changed.text).toContain("FAIL changed file: banner.txt");
      expect(changed.report.ok).toBe(false);
    },
    60_000,
  );

  it("signoff: attest of a rendered config names its files as verify --config does at deploy", async () => {
    const keys = generateKeyPairSync("ed25519");
    const pem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    cpSync(join(repoRoot, "examples/production/scout-deploy.yaml"), join(workspace, "scout.yaml"));
    const result = await runAction({
      workspace,
      payload: pushPayload(),
      apiUrl: github.url,
      eventName: "push",
      inputs: {
        ...inputs,
        manifests: "",
        config: "scout.yaml",
        signoff: "attest",
        "signoff-key": pem,
        comment: "false",
        "fail-on": "never",
      },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const record = readFileSync(result.outputs["signoff-file"]!, "utf8");

    // `scout-deploy verify --signoff R --key K --config scout.yaml` renders in memory.
    const engine = await import("@scout-deploy/engine");
    const { runVerify } = await import("@scout-deploy/signoff");
    const now = await engine.runCheck({
      cwd: workspace,
      paths: [],
      configPath: "scout.yaml",
      schema: "off",
    });
    const verified = runVerify({
      record,
      publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
      files: now.bundle.files.map((path) => ({
        path,
        content: Buffer.from(now.rendered?.[path] ?? readFileSync(join(workspace, path))),
      })),
      cwd: workspace,
      requireFailOn: "never",
      config: { name: "scout.yaml", content: readFileSync(join(workspace, "scout.yaml")) },
      plugins: engine.pluginDigests(now.config),
    });
    expect(verified.text).toContain("ok   files: the 7 signed file(s) are unchanged");
    expect(verified.report.ok, verified.text).toBe(true);
  }, 60_000);

  it("signoff: attest keyless asks the runner for an id-token; refused by Sigstore it leaves an unsigned record and one plain warning", async () => {
    writeFileSync(join(workspace, "k8s/backend.yaml"), secureBackend);
    const result = await runAction({
      workspace,
      payload: pullRequestPayload("opened"),
      apiUrl: github.url,
      inputs: { ...inputs, signoff: "attest", comment: "false", "fail-on": "never" },
      env: { ...github.idTokenEnv(), ...github.proxyEnv() },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // Then it went for a Sigstore signing certificate (refused by the test's proxy).
    expect(github.proxyConnects[0]).toMatch(/^fulcio\.[a-z.]+:443$/);
    // @actions/attest was loaded from dist/chunks/attest.js and fetched the token Fulcio needs.
    expect(github.idTokenRequests).toEqual([
      { audience: "sigstore", authorization: "Bearer runtime-request-token" },
    ]);
    const warnings = result.stdout.split("\n").filter((l) => l.startsWith("::warning::"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^::warning::UNSIGNED sign-off record: keyless signing failed \(error creating signing certificate - \(403\) Forbidden\)\. It proves nothing/,
    );
    expect(result.stdout).not.toContain("::error::");
    expect(result.stdout + result.stderr).not.toMatch(/\s+at .+:\d+:\d+\)?$/m);
    const record = readFileSync(result.outputs["signoff-file"]!, "utf8");
    expect(JSON.parse(record).signatures).toEqual([]);
    // Nothing was signed, so nothing was stored as an attestation.
    expect(github.calls).toEqual([]);
  }, 60_000);

  it("signoff: attest without a key or an id-token writes an unsigned record and says how to sign", async () => {
    writeFileSync(join(workspace, "k8s/backend.yaml"), secureBackend);
    const result = await run(pullRequestPayload("opened"), {
      signoff: "attest",
      comment: "false",
      "fail-on": "never",
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^::warning::UNSIGNED sign-off record: no --key given and no id-token\/attestations permissions/m,
    );
    expect(result.stdout).toContain("id-token: write, attestations: write");
    expect(github.idTokenRequests).toEqual([]);
    const record = readFileSync(result.outputs["signoff-file"]!, "utf8");
    expect(JSON.parse(record).signatures).toEqual([]);
  }, 60_000);

  it("schema: embedded validates offline and reports what Kubernetes would reject", async () => {
    writeFileSync(
      join(workspace, "k8s/backend.yaml"),
      backend.replace(
        "image: scout/backend:1.0",
        "image: scout/backend:1.0\n          replicas: 3",
      ),
    );
    const result = await run(pullRequestPayload("opened"), {
      schema: "embedded",
      "kubernetes-version": "1.36",
      comment: "false",
      signoff: "none",
    });
    const findings = JSON.parse(readFileSync(result.outputs["findings-file"]!, "utf8"));
    const schema = findings.findings.filter((f: { ruleId: string }) => f.ruleId === "input/schema");
    expect(schema.length, result.stdout).toBeGreaterThan(0);
    expect(schema).toContainEqual(
      expect.objectContaining({
        file: "k8s/backend.yaml",
        line: 12,
        message: expect.stringContaining("unknown field replicas"),
      }),
    );
  }, 60_000);

  it("SARIF describes the rule of every result: input/schema, the guide's and a rule pack's", async () => {
    const pack = join(repoRoot, "examples/rule-pack");
    writeFileSync(join(workspace, "scout-deploy.yaml"), `policy:\n  plugins: ["${pack}"]\n`);
    writeFileSync(
      join(workspace, "k8s/backend.yaml"),
      backend.replace(
        "image: scout/backend:1.0",
        "image: scout/backend:1.0\n          replicas: 3",
      ),
    );
    const result = await run(pullRequestPayload("opened"), {
      config: "scout-deploy.yaml",
      schema: "embedded",
      "kubernetes-version": "1.36",
      comment: "false",
      signoff: "none",
    });
    const sarif = JSON.parse(readFileSync(result.outputs["sarif-file"]!, "utf8"));
    const [sarifRun] = sarif.runs;
    const described = new Map(
      sarifRun.tool.driver.rules.map((r: { id: string; shortDescription?: { text: string } }) => [
        r.id,
        r.shortDescription?.text,
      ]),
    );
    const resultRules = sarifRun.results.map((r: { ruleId: string }) => r.ruleId);
    const packRule = "scout-deploy/example-rule-pack/images/trusted-registry";
    expect(resultRules, result.stdout).toEqual(
      expect.arrayContaining(["input/schema", "pod/run-as-non-root", packRule]),
    );
    // A rule the run did not pass to the formatter gets only its id as description.
    for (const id of resultRules) expect(described.get(id) ?? id, id).not.toBe(id);
    expect(described.get(packRule)).toBe("Every container image comes from a trusted registry.");
  }, 60_000);

  it.each([
    [{ schema: "strict" }, 'input schema must be one of embedded, kubeconform, off, not "strict"'],
    [{ manifests: "", config: "" }, "nothing to check"],
    [
      { signoff: "attest", "signoff-key": "not a key" },
      "input signoff-key must be a PEM private key",
    ],
    [{ manifests: "", config: "scout-deploy.yaml" }, "config file not found: scout-deploy.yaml"],
    [{ manifests: "missing/" }, "missing"],
  ])(
    "a user mistake %j is one clear error, no stack trace",
    async (extra, message) => {
      const result = await run(pullRequestPayload("opened"), extra);
      expect(result.code).toBe(1);
      const errors = result.stdout.split("\n").filter((l) => l.startsWith("::error::"));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(message);
      expect(result.stdout).not.toMatch(/\s+at .+\(.+:\d+:\d+\)/);
      expect(github.calls).toEqual([]);
    },
    60_000,
  );
});
