import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildBundle,
  defaultPolicy,
  type FailOn,
  type Finding,
  parseSource,
  type Result,
  summarize,
} from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import type { RunContext } from "./context.js";
import { parseInputs } from "./inputs.js";
import { WriteAccess } from "./permissions.js";
import type { PipelineRun } from "./pipeline.js";
import { WriteDeniedError } from "./ports.js";
import { COMMENT_MARKER, publish } from "./publish.js";
import { signOff, statusDescription } from "./signoff.js";
import { memoryGitHub, memoryLogger, memoryRunner } from "./test-support.js";

const tool = { name: "scout-secure-deploy", version: "0.0.0" };

function pipelineRun(findings: Finding[], failOn: FailOn = "error"): PipelineRun {
  const result: Result = {
    findings,
    suppressed: [],
    summary: summarize(findings, { files: 1, objects: 1, suppressed: 0 }, failOn),
    failOn,
  };
  return {
    result,
    bundle: buildBundle([parseSource("a.yaml", "a: 1\n")]),
    settings: defaultPolicy().settings,
    rules: [],
    bundleDigest: "sha256:x",
  };
}

const finding = (line: number, severity: Finding["severity"] = "error"): Finding => ({
  ruleId: "pod/x",
  severity,
  message: `m${line}`,
  file: "k8s/a.yaml",
  line,
  column: 1,
});

const context: RunContext = {
  eventName: "pull_request",
  repository: { owner: "o", repo: "r" },
  sha: "merge",
  serverUrl: "https://github.com",
  apiUrl: "https://api.github.com",
  workspace: "/w",
  tempDir: "/t",
  pullRequest: {
    number: 3,
    headSha: "head",
    headRepository: "o/r",
    baseRepository: "o/r",
    fromFork: false,
  },
};

function setup(values: Record<string, string> = {}, postsAs?: string) {
  const runner = memoryRunner({});
  const log = memoryLogger();
  const github = memoryGitHub(postsAs);
  const access = new WriteAccess(log);
  const inputs = parseInputs(
    (n) => ({ manifests: "k8s", signoff: "status", ...values })[n] ?? "",
    mkdtempSync(join(tmpdir(), "scout-")),
  );
  return { runner, log, github, access, inputs, deps: { runner, log, github, access, tool } };
}

describe("publish", () => {
  it("annotates within the limits and says in the summary how many it left out", async () => {
    const { runner, inputs, deps } = setup();
    const findings = Array.from({ length: 13 }, (_, i) => finding(i + 1));
    await publish(pipelineRun(findings), inputs, context, deps);
    expect(runner.annotations).toHaveLength(10);
    expect(runner.summary[0]).toContain("3 more findings were not annotated");
  });

  it("keeps one sticky comment: created once, then updated", async () => {
    const { github, inputs, deps } = setup();
    github.comments.push({ id: 99, body: "someone else's comment", author: "octocat" });
    await publish(pipelineRun([finding(1)]), inputs, context, deps);
    await publish(pipelineRun([]), inputs, context, deps);
    const ours = github.comments.filter((c) => c.body.includes(COMMENT_MARKER));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain("✅ **Passed**");
  });

  it("a refused comment is skipped with one line, never fails the run, and the status is still set", async () => {
    const { github, log, runner, inputs, deps } = setup();
    github.fail.createComment = new WriteDeniedError("Resource not accessible by integration", 403);
    await publish(pipelineRun([finding(1)]), inputs, context, deps);
    expect(runner.failed).toEqual([]);
    const outcome = await signOff(pipelineRun([finding(1)]), inputs, context, deps);
    expect(outcome).toEqual({ status: "failure" });
    expect(github.statuses).toHaveLength(1);
    expect(log.lines.filter((l) => l.includes("Skipping"))).toEqual([
      "info: Skipping the pull request comment: GitHub refused it (HTTP 403: Resource not accessible by integration); the job needs pull-requests: write, on a pull request that is not locked. Other writes still go ahead.",
    ]);
  });

  it("a refusal says GitHub's reason: a locked pull request is not a missing permission", async () => {
    const { github, log, inputs, deps } = setup();
    github.fail.createComment = new WriteDeniedError(
      "Unable to create comment because issue is locked. - https://docs.github.com/rest/issues/comments#create-an-issue-comment",
      403,
    );
    await publish(pipelineRun([finding(1)]), inputs, context, deps);
    expect(log.lines).toContain(
      "info: Skipping the pull request comment: GitHub refused it (HTTP 403: Unable to create comment because issue is locked.); the job needs pull-requests: write, on a pull request that is not locked. Other writes still go ahead.",
    );
  });

  it("a comment with our marker by someone else is not ours: a new one is created", async () => {
    const { github, inputs, deps } = setup();
    const planted = `${COMMENT_MARKER}\nLooks good to me!`;
    github.comments.push({ id: 7, body: planted, author: "mallory" });
    await publish(pipelineRun([finding(1)]), inputs, context, deps);
    expect(github.comments[0]).toEqual({ id: 7, body: planted, author: "mallory" });
    expect(github.comments.filter((c) => c.author === "github-actions[bot]")).toHaveLength(1);
  });

  it("says whose comment is ours and how it knows", async () => {
    const { log, inputs, deps } = setup();
    await publish(pipelineRun([]), inputs, context, deps);
    expect(log.lines).toContain(
      "info: Our pull request comment is the one by github-actions[bot] (the in-memory GitHub)",
    );
  });

  it("input comment-author names our comment's author without asking GitHub", async () => {
    const { github, log, inputs, deps } = setup(
      { "comment-author": "scout-app[bot]" },
      "scout-app[bot]",
    );
    github.fail.identity = new Error("identity must not be asked");
    github.comments.push(
      {
        id: 1,
        body: `${COMMENT_MARKER}\nby the Actions bot`,
        author: "github-actions[bot]",
      },
      {
        id: 2,
        body: `${COMMENT_MARKER}\nold report`,
        author: "scout-app[bot]",
      },
    );
    await publish(pipelineRun([finding(1)]), inputs, context, deps);
    expect(github.comments[0]!.body).toBe(`${COMMENT_MARKER}\nby the Actions bot`);
    expect(github.comments[1]!.body).toContain("❌ **Failed**");
    expect(github.comments).toHaveLength(2);
    expect(log.lines).toContain(
      "info: Our pull request comment is the one by scout-app[bot] (input comment-author)",
    );
  });

  it("two checks of one pull request (two jobs, matrix legs) keep a comment each", async () => {
    const { github, inputs: prod, deps } = setup({ manifests: "k8s/prod" });
    const staging = setup({ manifests: "k8s/staging" }).inputs;
    await publish(pipelineRun([finding(1)]), prod, context, deps);
    await publish(pipelineRun([]), staging, context, deps);
    await publish(pipelineRun([finding(1), finding(2)]), prod, context, deps);
    expect(github.comments.map((c) => c.id)).toEqual([1, 2]);
    expect(github.comments[0]!.body).toContain("❌ **Failed**: 2 findings");
    expect(github.comments[1]!.body).toContain("✅ **Passed**");
  });

  it("a comment of ours deleted after it was listed (PATCH answers 404) is created again", async () => {
    const { github, log, inputs, deps } = setup();
    await publish(pipelineRun([finding(1)]), inputs, context, deps);
    const listed = github.listComments;
    github.listComments = async (issue) => {
      const comments = await listed(issue);
      github.comments.splice(0); // a maintainer deletes it now
      return comments;
    };
    await publish(pipelineRun([]), inputs, context, deps);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain("✅ **Passed**");
    expect(log.lines).toContain(
      "info: the pull request comment 1 was deleted meanwhile; created 2",
    );
  });

  it("two runs racing: the one that created a second comment moves its report into the first", async () => {
    const { github, log, inputs, deps } = setup();
    const create = github.createComment;
    github.createComment = async (issue, body) => {
      // The other run's comment lands first, between our list and our create.
      github.createComment = create;
      await create(issue, body.replace("❌ **Failed**", "the other run's report"));
      return create(issue, body);
    };
    await publish(pipelineRun([finding(1)]), inputs, context, deps);
    expect(github.comments.map((c) => c.id)).toEqual([1]);
    expect(github.comments[0]!.body).toContain("❌ **Failed**");
    expect(log.lines).toContain(
      "info: another run created the pull request comment 1 at the same time; keeping that one",
    );
  });

  it("duplicates of ours that a race left are deleted; the oldest is kept and updated", async () => {
    const { github, log, inputs, deps } = setup();
    await publish(pipelineRun([finding(1)]), inputs, context, deps);
    github.comments.push({ ...github.comments[0]!, id: 2 });
    github.comments.push({ id: 3, body: `${COMMENT_MARKER}\nnot ours`, author: "mallory" });
    await publish(pipelineRun([]), inputs, context, deps);
    expect(github.comments.map((c) => c.id)).toEqual([1, 3]);
    expect(github.comments[0]!.body).toContain("✅ **Passed**");
    expect(log.lines).toContain("info: deleted the pull request comment 2, a duplicate of ours");
  });

  it("another tool posting as the same bot and quoting our comment is neither edited nor deleted", async () => {
    const { github, inputs, deps } = setup();
    await publish(pipelineRun([finding(1)]), inputs, context, deps);
    const ours = github.comments[0]!.body;
    const quoted = `Bot digest:\n> ${ours.split("\n").join("\n> ")}`;
    const copied = `Bot digest:\n${ours}`;
    github.comments.push(
      { id: 2, body: quoted, author: "github-actions[bot]" },
      { id: 3, body: copied, author: "github-actions[bot]" },
    );
    await publish(pipelineRun([]), inputs, context, deps);
    expect(github.comments.map((c) => c.id)).toEqual([1, 2, 3]);
    expect(github.comments[0]!.body).toContain("✅ **Passed**");
    expect(github.comments[1]!.body).toBe(quoted);
    expect(github.comments[2]!.body).toBe(copied);
  });

  it("a run finishing after a later run leaves the later run's report in the comment", async () => {
    const { github, log, inputs, deps } = setup();
    const later = { ...context, runId: "1002", runAttempt: "1" };
    const earlier = { ...context, runId: "1001", runAttempt: "3" };
    await publish(pipelineRun([]), inputs, later, deps);
    await publish(pipelineRun([finding(1)]), inputs, earlier, deps);
    expect(github.comments[0]!.body).toContain("✅ **Passed**");
    expect(log.lines).toContain(
      "info: the pull request comment 1 holds the report of a later run (1002, attempt 1); leaving it",
    );
    await publish(pipelineRun([finding(1)]), inputs, { ...later, runAttempt: "2" }, deps);
    expect(github.comments[0]!.body).toContain("❌ **Failed**");
  });

  it("matrix legs over helm-values or the Kubernetes version keep a comment each; --set values stay out", async () => {
    const leg = (values: Record<string, string>) =>
      setup({ manifests: "chart", "helm-set": "db.password=hunter2", ...values }).inputs;
    const {
      github,
      inputs: staging,
      deps,
    } = setup({
      manifests: "chart",
      "helm-values": "values-staging.yaml",
      "helm-set": "db.password=hunter2",
    });
    const production = leg({ "helm-values": "values-production.yaml" });
    const newer = leg({ "helm-values": "values-production.yaml", "kubernetes-version": "1.37.0" });
    await publish(pipelineRun([finding(1)]), staging, context, deps);
    await publish(pipelineRun([]), production, context, deps);
    await publish(pipelineRun([finding(2)]), newer, context, deps);
    await publish(pipelineRun([]), staging, context, deps);
    expect(github.comments).toHaveLength(3);
    expect(github.comments[0]!.body).toContain("✅ **Passed**");
    expect(github.comments[1]!.body).toContain("✅ **Passed**");
    expect(github.comments[2]!.body).toContain("❌ **Failed**");
    expect(github.comments.map((c) => c.body).join("")).not.toContain("hunter2");
  });

  it("the comment an older version wrote for the same check (config only) is taken over", async () => {
    const { github, inputs, deps } = setup({
      config: "scout-deploy.yaml",
      manifests: "",
      "helm-values": "values-production.yaml",
    });
    const older = `${COMMENT_MARKER}\n<!-- scout/secure-deploy: check scout%2Ddeploy.yaml -->\nold`;
    github.comments.push({ id: 5, body: older, author: "github-actions[bot]" });
    await publish(pipelineRun([]), inputs, context, deps);
    expect(github.comments.map((c) => c.id)).toEqual([5]);
    expect(github.comments[0]!.body).toContain("✅ **Passed**");
  });

  it("a report too long for a comment keeps its verdict and points at the job summary, which holds every finding", async () => {
    const { github, runner, inputs, deps } = setup();
    const many = Array.from({ length: 1_000 }, (_, i) => ({
      ...finding(i + 1),
      message: `container "api-${i}" runs as root: ${"x".repeat(60)}`,
    }));
    const withRun = { ...context, runUrl: "https://github.com/o/r/actions/runs/7" };
    await publish(pipelineRun(many), inputs, withRun, deps);
    const comment = github.comments[0]!.body;
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(comment).toContain("❌ **Failed**: 1000 findings");
    expect(comment).toMatch(
      /more findings are not in this table .*; all 1000 are in \[the job summary of this run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/7\)/,
    );
    const summary = runner.summary[0]!;
    expect(summary.match(/^\| 🔴 error \|/gm)).toHaveLength(1_000);
    expect(summary).not.toContain("not in this table");
  });

  it("a summary over GitHub's 1 MiB per step is cut with a line saying where the rest are", async () => {
    const { github, runner, inputs, deps } = setup();
    const many = Array.from({ length: 6_000 }, (_, i) => ({
      ...finding(i + 1),
      message: `container “api-${i}” runs as root — ${"é".repeat(200)}`,
    }));
    const withRun = { ...context, runUrl: "https://github.com/o/r/actions/runs/7" };
    await publish(pipelineRun(many), inputs, withRun, deps);
    const summary = runner.summary[0]!;
    expect(Buffer.byteLength(summary, "utf8")).toBeLessThan(1024 * 1024);
    expect(summary).toContain("❌ **Failed**: 6000 findings");
    expect(summary).toMatch(
      /more findings are not in this table .*all 6000 are in \[the findings file/,
    );
    expect(github.comments[0]!.body).toContain("all 6000 are in [the findings file");
    expect(runner.failed).toEqual([]);
  });

  it("input name titles the comment", async () => {
    const { github, inputs, deps } = setup({ name: "production" });
    await publish(pipelineRun([]), inputs, context, deps);
    expect(github.comments[0]!.body).toContain("## Scout Secure Deploy: production");
  });

  it("a comment that fails for another reason is a warning", async () => {
    const { github, log, inputs, deps } = setup();
    github.fail.listComments = new Error("socket hang up");
    await publish(pipelineRun([]), inputs, context, deps);
    expect(log.lines).toContain("warning: could not post the pull request comment: socket hang up");
  });
});

describe("signOff", () => {
  it("sets scout/secure-deploy on the pull request's head SHA", async () => {
    const { github, inputs, deps } = setup();
    const outcome = await signOff(pipelineRun([finding(1, "warning")]), inputs, context, deps);
    expect(outcome).toEqual({ status: "success" });
    expect(github.statuses).toEqual([
      expect.objectContaining({ sha: "head", state: "success", context: "scout/secure-deploy" }),
    ]);
  });

  it("pull_request_target: no status on the head unless the workspace holds the head", async () => {
    const target = { ...context, eventName: "pull_request_target", sha: "base-tip" };
    const run = pipelineRun([]);
    const onBase = setup();
    const skipped = await signOff(run, onBase.inputs, target, {
      ...onBase.deps,
      workspaceCommit: "base-tip",
    });
    expect(skipped).toEqual({});
    expect(onBase.github.statuses).toEqual([]);
    expect(onBase.log.lines).toContain(
      "warning: pull_request_target: the workspace holds base-tip, not the pull request's head head, so no status is set on the head: it would sign off files that were not checked. Run the check on pull_request (see the README's safe fork pattern).",
    );
    const unknown = setup();
    await signOff(run, unknown.inputs, target, unknown.deps);
    expect(unknown.github.statuses).toEqual([]);
    expect(unknown.log.lines.join("\n")).toContain("the workspace is no git checkout");
    const onHead = setup();
    await signOff(run, onHead.inputs, target, { ...onHead.deps, workspaceCommit: "head" });
    expect(onHead.github.statuses).toEqual([
      expect.objectContaining({ sha: "head", state: "success" }),
    ]);
  });

  it("a pull request's policy.failOn: never cannot make the sign-off pass", async () => {
    const { github, inputs, deps, log } = setup();
    const outcome = await signOff(pipelineRun([finding(1)], "never"), inputs, context, deps);
    expect(outcome).toEqual({ status: "failure" });
    expect(github.statuses[0]!.description).toMatch(/^Failed: .*\(fail-on error\)$/);
    expect(log.lines).toContain(
      "info: the sign-off is taken at fail-on error: the config's policy.failOn never cannot lower it (set the workflow's fail-on input to change it)",
    );
  });

  it("the workflow's fail-on input sets the sign-off's threshold; the config may only raise it", async () => {
    const lowered = setup({ "fail-on": "never" });
    await signOff(pipelineRun([finding(1)], "never"), lowered.inputs, context, lowered.deps);
    expect(lowered.github.statuses[0]!.state).toBe("success");
    const raised = setup();
    const warning = [finding(1, "warning")];
    await signOff(pipelineRun(warning, "warning"), raised.inputs, context, raised.deps);
    expect(raised.github.statuses[0]!.state).toBe("failure");
  });

  it("input name names the status, so that several checks keep a verdict each", async () => {
    const { github, inputs, deps } = setup({ name: "production" });
    await signOff(pipelineRun([]), inputs, context, deps);
    expect(github.statuses[0]!.context).toBe("scout/secure-deploy (production)");
  });

  it("a pass leaves the failure another job of the same run attempt set; a re-run may pass", async () => {
    const inRun = (attempt: string): RunContext => ({
      ...context,
      runUrl: "https://github.com/o/r/actions/runs/7",
      runAttempt: attempt,
    });
    const { github, log, inputs, deps } = setup();
    const other = setup({ manifests: "k8s/staging" }).inputs;
    await signOff(pipelineRun([finding(1)]), inputs, inRun("1"), deps);
    const outcome = await signOff(pipelineRun([]), other, inRun("1"), deps);
    expect(outcome).toEqual({ status: "failure" });
    expect(github.statuses.map((s) => s.state)).toEqual(["failure"]);
    expect(github.statuses[0]!.targetUrl).toBe("https://github.com/o/r/actions/runs/7/attempts/1");
    expect(log.lines.some((l) => /^warning: another job of this workflow run set/.test(l))).toBe(
      true,
    );
    await signOff(pipelineRun([]), inputs, inRun("2"), deps);
    expect(github.statuses.map((s) => s.state)).toEqual(["failure", "success"]);
  });

  it("keeps the description under 140 characters", () => {
    const run = pipelineRun([finding(1)]);
    run.result.summary.objects = 10 ** 120;
    expect(statusDescription(run.result).length).toBeLessThanOrEqual(140);
  });

  it("does nothing for signoff: none", async () => {
    const { github, deps } = setup();
    const inputs = parseInputs((n) => ({ manifests: "k8s" })[n] ?? "", "/tmp");
    expect(await signOff(pipelineRun([]), inputs, context, deps)).toEqual({});
    expect(github.statuses).toEqual([]);
  });
});
