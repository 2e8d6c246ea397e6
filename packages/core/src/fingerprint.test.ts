import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { evaluate } from "./evaluate.js";
import {
  fingerprintOf,
  messageKey,
  portableSha256Hex,
  reportKey,
  sha256Hex,
} from "./fingerprint.js";
import { podTemplates } from "./k8s.js";
import { defineRule } from "./rule.js";
import { parseSource } from "./source.js";

const perContainer = defineRule({
  id: "test/per-container",
  meta: {
    severity: "error",
    description: "d",
    remediation: "r",
    messages: {
      root: 'container "{{container}}" runs as root',
      value: 'line {{line}} of "{{key}}" is bad',
    },
  },
  check({ bundle, report }) {
    for (const { object } of podTemplates(bundle)) {
      for (const container of ["app", "sidecar"]) {
        report({ object, messageId: "root", data: { container }, pointer: "/spec" });
      }
      // Same field, same data but for the line inside a value: the rule says what differs.
      report({ object, messageId: "value", data: { line: 3, key: "a" }, key: "first" });
      report({ object, messageId: "value", data: { line: 9, key: "a" }, key: "second" });
      // Nothing tells these two apart but their order: evaluate still gives each its own.
      report({ object, messageId: "value", data: { key: "same" }, pointer: "/spec" });
      report({ object, messageId: "value", data: { key: "same" }, pointer: "/spec" });
    }
  },
});

const pods = (prefix: string) => ({
  "a.yaml": `${prefix}apiVersion: v1\nkind: Pod\nmetadata:\n  name: one\nspec:\n  containers: []\n`,
  "b.yaml": `${prefix}apiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  containers: []\n---\n: bad: yaml: [\n`,
});

function run(files: Record<string, string>) {
  const bundle = buildBundle(Object.entries(files).map(([name, text]) => parseSource(name, text)));
  return evaluate([perContainer], bundle).findings;
}

describe("finding fingerprints", () => {
  it("stay when only the extent of the finding's text changes", () => {
    const narrow = run(pods(""));
    // the same objects, each spec now written over more lines and columns
    const wide = run({
      "a.yaml":
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: one\nspec:\n  containers:   [\n  ]\n",
      "b.yaml": pods("")["b.yaml"]!.replace("containers: []", "containers: [  ]"),
    });
    expect(wide.map((f) => f.endColumn)).not.toEqual(narrow.map((f) => f.endColumn));
    expect(wide.map((f) => f.fingerprint)).toEqual(narrow.map((f) => f.fingerprint));
  });

  it("hashes like SHA-256, with Node's hash and without it (a browser, an old Node)", () => {
    const texts = ["", "abc", "x".repeat(55), "x".repeat(56), "x".repeat(64 * 3 + 7)];
    for (const text of [...texts, "é€😀".repeat(40), "\u0000v1\u0000pod/x"]) {
      const expected = createHash("sha256").update(text).digest("hex");
      expect(sha256Hex(text)).toBe(expected);
      expect(portableSha256Hex(text)).toBe(expected);
    }
  });

  it("stay the same when lines are inserted at the top of every file", () => {
    const before = run(pods(""));
    const after = run(pods("# a comment\n\n\n"));
    expect(after.map((f) => f.line)).not.toEqual(before.map((f) => f.line));
    expect(after.map((f) => f.fingerprint).sort()).toEqual(before.map((f) => f.fingerprint).sort());
    expect(before.some((f) => f.ruleId.startsWith("input/"))).toBe(true);
  });

  it("tell apart every finding of one run", () => {
    const findings = run(pods(""));
    expect(findings.every((f) => /^[0-9a-f]{64}$/.test(f.fingerprint ?? ""))).toBe(true);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
  });

  it("take the places out of a problem's message, and keep the names", () => {
    expect(messageKey("Pod pod01 is defined twice; the other one is at a.yaml:12")).toBe(
      messageKey("Pod pod01 is defined twice; the other one is at a.yaml:40"),
    );
    expect(messageKey("Pod pod01 is defined twice; the other one is at a.yaml:12")).not.toBe(
      messageKey("Pod pod02 is defined twice; the other one is at a.yaml:12"),
    );
    expect(messageKey("bad indent at line 3, column 7")).toBe(
      messageKey("bad indent at line 9, column 1"),
    );
  });

  it("tell apart two copies of one object name by file and document, not by line", () => {
    const copy = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: one\nspec:\n  containers: []\n";
    const twice = (prefix: string) => ({
      "a.yaml": `${prefix}${copy}`,
      "b.yaml": `${prefix}${copy}---\n${copy}`,
    });
    const before = run(twice(""));
    const prints = before
      .filter((f) => f.ruleId === "test/per-container")
      .map((f) => f.fingerprint);
    expect(new Set(prints).size).toBe(prints.length);
    const after = run(twice("# moved\n"));
    expect(after.map((f) => f.fingerprint).sort()).toEqual(before.map((f) => f.fingerprint).sort());
  });

  it("leave volatile message data out of the default key", () => {
    expect(reportKey("m", { line: 3, key: "a" })).toBe(reportKey("m", { line: 7, key: "a" }));
    expect(reportKey("m", { key: "a" })).not.toBe(reportKey("m", { key: "b" }));
    const object = { apiVersion: "v1", kind: "Pod", name: "x" };
    const a = fingerprintOf({ ruleId: "r/x", object, file: "a.yaml", key: "k" });
    const b = fingerprintOf({ ruleId: "r/x", object, file: "moved.yaml", key: "k" });
    expect(a).toBe(b);
  });
});

describe("a finding's object is named as the API server names it", () => {
  const print = (apiVersion: string, kind: string, name = "web") =>
    fingerprintOf({
      ruleId: "pod/x",
      object: { apiVersion, kind, namespace: "scout", name },
      path: "/spec",
      key: "k",
    });

  it.each([
    ["batch/v1beta1", "batch/v1", "CronJob"],
    ["policy/v1beta1", "policy/v1", "PodDisruptionBudget"],
    ["extensions/v1beta1", "apps/v1", "Deployment"],
    ["extensions/v1beta1", "apps/v1", "DaemonSet"],
    ["apps/v1beta2", "apps/v1", "StatefulSet"],
    ["extensions/v1beta1", "networking.k8s.io/v1", "Ingress"],
    ["networking.k8s.io/v1beta1", "networking.k8s.io/v1", "Ingress"],
    ["extensions/v1beta1", "networking.k8s.io/v1", "NetworkPolicy"],
    ["autoscaling/v2beta2", "autoscaling/v2", "HorizontalPodAutoscaler"],
    ["autoscaling/v1", "autoscaling/v2", "HorizontalPodAutoscaler"],
    ["events.k8s.io/v1", "v1", "Event"],
    ["argoproj.io/v1alpha1", "argoproj.io/v1", "Rollout"],
  ])("%s and %s %s are one object", (before, after, kind) => {
    expect(print(before, kind)).toBe(print(after, kind));
  });

  it("keeps the fingerprint of an object written in its group's preferred version", () => {
    const today = createHash("sha256")
      .update(["v1", "pod/x", "apps/v1", "Deployment", "scout", "web", "", "/spec", "k"].join("\0"))
      .digest("hex");
    expect(print("apps/v1", "Deployment")).toBe(today);
  });

  it.each([
    ["apps/v1", "example.com/v1", "Deployment"],
    ["apps/v1", "apps.kruise.io/v1alpha1", "DaemonSet"],
    ["extensions/v1beta1", "apps/v1", "Ingress"],
    ["networking.k8s.io/v1", "gateway.networking.k8s.io/v1", "Ingress"],
    ["v1", "example.com/v1", "Service"],
  ])("never merges %s and %s %s, two objects of different groups", (one, other, kind) => {
    expect(print(one, kind)).not.toBe(print(other, kind));
  });

  it("names a field an older version called otherwise as the served version does", () => {
    const at = (apiVersion: string, path: string) =>
      fingerprintOf({
        ruleId: "network/x",
        object: { apiVersion, kind: "Ingress", namespace: "scout", name: "web" },
        path,
        key: "k",
      });
    const rule = "/spec/rules/0/http/paths/0/backend";
    expect(at("extensions/v1beta1", `${rule}/serviceName`)).toBe(
      at("networking.k8s.io/v1", `${rule}/service/name`),
    );
    expect(at("networking.k8s.io/v1beta1", "/spec/backend/serviceName")).toBe(
      at("networking.k8s.io/v1", "/spec/defaultBackend/service/name"),
    );
    // A custom resource's Ingress is not converted by the API server.
    expect(at("example.com/v1beta1", `${rule}/serviceName`)).not.toBe(
      at("example.com/v1beta1", `${rule}/service/name`),
    );
    // A field v1 still has keeps its own name: no two fields merge.
    expect(at("networking.k8s.io/v1", `${rule}/serviceName`)).not.toBe(
      at("networking.k8s.io/v1", `${rule}/service/name`),
    );
  });

  it("calls one object written in two versions of its group defined twice, not two groups", () => {
    const deployment = (apiVersion: string) =>
      `apiVersion: ${apiVersion}\nkind: Deployment\nmetadata: {name: web, namespace: scout}\n`;
    const duplicates = (...apiVersions: string[]) =>
      buildBundle([parseSource("a.yaml", apiVersions.map(deployment).join("---\n"))])
        .problems.filter((p) => p.ruleId === "input/duplicate-object")
        .map((p) => p.position.line);
    expect(duplicates("extensions/v1beta1", "apps/v1")).toEqual([7]);
    expect(duplicates("apps/v1beta2", "apps/v1")).toEqual([7]);
    expect(duplicates("example.com/v1", "apps/v1")).toEqual([]);
  });

  it("tells apart kinds and names as before", () => {
    expect(print("batch/v1beta1", "CronJob")).not.toBe(print("batch/v1", "Job"));
    expect(print("batch/v1", "CronJob", "a")).not.toBe(print("batch/v1", "CronJob", "b"));
  });
});
