import { describe, expect, it } from "vitest";
import {
  buildStatement,
  githubContextFromEnv,
  PREDICATE_TYPE,
  sha256Hex,
  subjectName,
} from "./statement.js";
import { check, context, deployment, goodFiles } from "./test-support/fixtures.js";

describe("buildStatement", () => {
  it("is an in-toto v1 statement whose subjects are the files with their SHA-256, sorted by name", () => {
    const files = goodFiles().reverse();
    const statement = buildStatement(files, check(files), context());
    expect(statement._type).toBe("https://in-toto.io/Statement/v1");
    expect(statement.predicateType).toBe(PREDICATE_TYPE);
    expect(statement.subject.map((s) => s.name)).toEqual([
      "k8s/backend.yaml",
      "k8s/frontend.yaml",
      "k8s/waived.yaml",
    ]);
    expect(statement.subject[0]?.digest.sha256).toBe(sha256Hex(deployment("backend")));
    // sha256("") is a well-known constant: the digest is of the exact bytes.
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("records the verdict, counts per severity, suppressions with reasons, versions and the config digest", () => {
    const files = goodFiles();
    const { predicate } = buildStatement(files, check(files), {
      ...context(),
      checkedAt: "2026-11-27T23:00:00.000Z",
    });
    expect(predicate).toEqual({
      tool: { name: "scout-deploy", version: "0.1.0" },
      rulePacks: [{ name: "@scout-deploy/rules", version: "0.1.0" }],
      kubernetesVersion: "1.31.0",
      configDigest: { sha256: sha256Hex("policy:\n  failOn: error\n") },
      configSections: { policy: { sha256: sha256Hex('{"failOn":"error"}') } },
      scope: "whole",
      verdict: "pass",
      failOn: "error",
      findings: { error: 0, warning: 0, info: 0, total: 0 },
      suppressions: [
        {
          ruleId: "test/no-bad-deployment",
          file: "k8s/waived.yaml",
          line: 4,
          object: "Deployment/scout/bad",
          source: "annotation",
          reason: "legacy name, renamed in Q3",
        },
      ],
      checkedAt: "2026-11-27T23:00:00.000Z",
    });
  });

  it("records a failing check as verdict fail with its counts, and no config as a null digest", () => {
    const files = [{ path: "bad.yaml", content: deployment("bad") }];
    const { config: _dropped, ...noConfig } = context();
    const { predicate } = buildStatement(files, check(files), noConfig);
    expect(predicate.verdict).toBe("fail");
    expect(predicate.findings).toEqual({ error: 1, warning: 0, info: 0, total: 1 });
    expect(predicate.configDigest).toBeNull();
    expect(predicate.configSections).toBeUndefined();
  });

  it("judges the whole bundle even when handed a pull request's diff that passed", () => {
    const files = [{ path: "bad.yaml", content: deployment("bad") }];
    const whole = check(files);
    const diff = {
      ...whole,
      findings: whole.findings.map((f) => ({ ...f, baseline: "unchanged" as const })),
      summary: { ...whole.summary, passed: true, new: 0, unchanged: 1, fixed: 0 },
    };
    const gate = { mode: "diff" as const, base: "a".repeat(40), new: 0, fixed: 0, passed: true };
    const { predicate } = buildStatement(files, diff, { ...context(), gate });
    expect(predicate.scope).toBe("whole");
    expect(predicate.verdict).toBe("fail");
    expect(predicate.gate).toEqual(gate);
  });

  it("names files relative to the working folder with forward slashes", () => {
    expect(subjectName("/repo/k8s/a.yaml", "/repo")).toBe("k8s/a.yaml");
    expect(subjectName("./k8s/a.yaml", "/repo")).toBe("k8s/a.yaml");
  });
});

describe("githubContextFromEnv", () => {
  const env = {
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: "scout/app",
    GITHUB_SHA: "merge000",
    GITHUB_REF: "refs/pull/42/merge",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "777",
  };

  it("takes the PR number and head SHA from the event, not the merge commit", () => {
    const event = { pull_request: { number: 42, head: { sha: "head111" } } };
    expect(githubContextFromEnv(env, event)).toEqual({
      repository: "scout/app",
      pullRequest: 42,
      headSha: "head111",
      runUrl: "https://github.com/scout/app/actions/runs/777",
    });
  });

  it("falls back to GITHUB_SHA and the ref on a push, and is absent outside Actions", () => {
    const push = { ...env, GITHUB_REF: "refs/heads/main" };
    expect(githubContextFromEnv(push)).toEqual({
      repository: "scout/app",
      headSha: "merge000",
      runUrl: "https://github.com/scout/app/actions/runs/777",
    });
    expect(githubContextFromEnv({ ...env, GITHUB_ACTIONS: undefined })).toBeUndefined();
  });
});
