import type { Finding } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { compareResults } from "./compare.js";

const finding = (fingerprint: string, severity: Finding["severity"] = "error"): Finding => ({
  ruleId: "pod/x",
  severity,
  message: `m ${fingerprint}`,
  file: "a.yaml",
  line: 1,
  column: 1,
  fingerprint,
});

const head = (findings: Finding[], suppressed: Finding[] = []) => ({
  findings,
  suppressed: suppressed.map((f) => ({
    ...f,
    suppression: { source: "config" as const, reason: "r" },
  })),
  failOn: "error" as const,
});

describe("compareResults", () => {
  it("marks head findings the base had as unchanged, the others as new, and lists the fixed", () => {
    const result = compareResults([finding("a"), finding("b")], head([finding("b"), finding("c")]));
    expect(result.findings.map((f) => [f.fingerprint, f.baseline])).toEqual([
      ["b", "unchanged"],
      ["c", "new"],
    ]);
    expect(result.fixed.map((f) => f.fingerprint)).toEqual(["a"]);
    expect(result.summary).toEqual({ new: 1, unchanged: 1, fixed: 1, passed: false });
  });

  it("counts: a second finding with a fingerprint the base had once is new", () => {
    const result = compareResults([finding("a")], head([finding("a"), finding("a")]));
    expect(result.summary).toMatchObject({ new: 1, unchanged: 1, fixed: 0 });
  });

  it("calls new a finding whose merged messages say more than the base's did", () => {
    // evaluate joins one rule's messages on one field under the first one's fingerprint.
    const said = (message: string): Finding => ({ ...finding("probes"), message });
    const liveness = 'container "api" has no livenessProbe';
    const readiness = 'container "api" has no readinessProbe';
    const both = `${liveness}; ${readiness}`;
    const added = compareResults([said(liveness)], head([said(both)]));
    expect(added.findings.map((f) => f.baseline)).toEqual(["new"]);
    expect(added.summary.passed).toBe(false);
    const same = compareResults([said(both)], head([said(both)]));
    expect(same.findings.map((f) => f.baseline)).toEqual(["unchanged"]);
    // Line numbers in a message are not news, as the fingerprint reads it.
    const moved = compareResults([said("see line 3")], head([said("see line 9")]));
    expect(moved.findings.map((f) => f.baseline)).toEqual(["unchanged"]);
  });

  it("calls new a merged finding that stands for an object the base's did not", () => {
    // One config key decides a field of every component: its findings are one, merged.
    const merged = (...prints: string[]): Finding => ({
      ...finding(prints[0]!),
      message: `root (same for ${prints.length - 1} more)`,
      merged: prints,
    });
    const added = compareResults(
      [merged("backend", "frontend")],
      head([merged("backend", "frontend", "prometheus")]),
    );
    expect(added.findings.map((f) => f.baseline)).toEqual(["new"]);
    expect(added.summary).toMatchObject({ new: 1, fixed: 0, passed: false });
    const fromOne = compareResults([finding("backend")], head([merged("backend", "prometheus")]));
    expect(fromOne.findings.map((f) => f.baseline)).toEqual(["new"]);
    const same = compareResults(
      [merged("backend", "frontend")],
      head([merged("frontend", "backend")]),
    );
    expect(same.summary).toMatchObject({ new: 0, unchanged: 1, fixed: 0 });
    // One component left: its finding is the base's, though the message no longer names the others.
    const fewer = compareResults([merged("backend", "frontend")], head([finding("backend")]));
    expect(fewer.summary).toMatchObject({ new: 0, unchanged: 1 });
    const gone = compareResults([merged("backend", "frontend")], head([]));
    expect(gone.fixed.map((f) => f.fingerprint)).toEqual(["backend"]);
    // An earlier JSON report does not say what its findings stood for: one of them is enough.
    const report = compareResults(
      [finding("backend")],
      head([merged("backend", "prometheus")]),
      "error",
      false,
    );
    expect(report.findings.map((f) => f.baseline)).toEqual(["unchanged"]);
  });

  it("decides passed on new findings at the threshold only", () => {
    const old = compareResults([finding("a")], head([finding("a"), finding("w", "warning")]));
    expect(old.summary.passed).toBe(true);
    expect(compareResults([], head([finding("w", "warning")]), "warning").summary.passed).toBe(
      false,
    );
  });

  it("does not call a finding the head suppresses fixed", () => {
    const result = compareResults([finding("a")], head([], [finding("a")]));
    expect(result.fixed).toEqual([]);
  });

  it("matches findings of an older report without a fingerprint by rule, object and path", () => {
    const { fingerprint: _a, ...old } = { ...finding("x"), path: "/spec", message: "on line 3" };
    const { fingerprint: _b, ...now } = { ...finding("y"), path: "/spec", message: "on line 9" };
    expect(compareResults([old], head([now])).summary).toMatchObject({ unchanged: 1, fixed: 0 });
  });

  it("keeps a base finding whose fingerprint an earlier version computed differently", () => {
    const on = (fingerprint: string, name: string): Finding => ({
      ...finding(fingerprint),
      message: `container "api" of ${name} runs as root`,
      object: { apiVersion: "apps/v1", kind: "Deployment", namespace: "scout", name },
      path: "/spec/template/spec/containers/0",
    });
    const result = compareResults(
      [on("old-1", "api"), on("old-2", "api"), on("old-3", "web")],
      head([on("new-1", "api"), on("new-2", "api"), on("new-3", "worker")]),
    );
    expect(result.findings.map((f) => [f.fingerprint, f.baseline])).toEqual([
      ["new-1", "unchanged"],
      ["new-2", "unchanged"],
      ["new-3", "new"],
    ]);
    expect(result.fixed.map((f) => f.fingerprint)).toEqual(["old-3"]);
  });

  it("does not call a finding with another message the base's under a changed fingerprint", () => {
    const old = { ...finding("old"), message: "runs as root", path: "/spec" };
    const now = { ...finding("new"), message: "runs privileged", path: "/spec" };
    expect(compareResults([old], head([now])).summary).toMatchObject({ new: 1, fixed: 1 });
  });
});
