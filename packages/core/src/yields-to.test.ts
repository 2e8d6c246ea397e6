import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { parsePolicy } from "./config.js";
import { evaluate } from "./evaluate.js";
import { defineRule } from "./rule.js";
import { parseSource } from "./source.js";

const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  hostPID: true
  containers: [{name: c, image: i:1}]
`;

const hostRule = defineRule({
  id: "test/host",
  meta: {
    severity: "error",
    description: "test",
    remediation: "test",
    messages: { host: "shares the node's network" },
  },
  check(context) {
    for (const object of context.bundle.objects)
      context.report({ messageId: "host", object, pointer: "/spec/hostNetwork" });
  },
});

/** Says a consequence of hostNetwork, and of hostPID where the owner says nothing. */
const networkRule = defineRule({
  id: "test/network",
  meta: {
    severity: "warning",
    description: "test",
    remediation: "test",
    messages: { policies: "no NetworkPolicy applies to {{field}}" },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      for (const field of ["hostNetwork", "hostPID"])
        context.report({
          messageId: "policies",
          data: { field },
          object,
          pointer: `/spec/${field}`,
          yieldsTo: ["test/host"],
        });
    }
  },
});

describe("a report that yields to the rule owning its cause", () => {
  const bundle = buildBundle([parseSource("pod.yaml", pod)]);
  const run = (policy: unknown = {}) =>
    evaluate([hostRule, networkRule], bundle, parsePolicy(policy)).findings.map(
      (f) => `${f.line} ${f.ruleId}`,
    );

  it("is dropped where the owner reports the same object and field, kept elsewhere", () => {
    expect(run()).toEqual(["5 test/host", "6 test/network"]);
  });

  it("stands when the owner is off", () => {
    expect(run({ rules: { "test/host": "off" } })).toEqual(["5 test/network", "6 test/network"]);
  });
});

describe("a suppressed owner", () => {
  const suppressedPod = pod.replace(
    "metadata: {name: p}",
    'metadata:\n  name: p\n  annotations:\n    scout-deploy.io/ignore: "test/host: the agent needs the node network"',
  );
  const bundle = buildBundle([parseSource("pod.yaml", suppressedPod)]);

  it("waives its own rule only: the report that yielded to it stands", () => {
    const result = evaluate([hostRule, networkRule], bundle, parsePolicy({}));
    expect(result.findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual([
      "8 test/network",
      "9 test/network",
    ]);
    expect(result.suppressed.map((f) => `${f.line} ${f.ruleId}`)).toEqual(["8 test/host"]);
  });

  it("from the config too", () => {
    const result = evaluate(
      [hostRule, networkRule],
      buildBundle([parseSource("pod.yaml", pod)]),
      parsePolicy({ suppressions: [{ rules: ["test/host"], reason: "the agent needs it" }] }),
    );
    expect(result.findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual([
      "5 test/network",
      "6 test/network",
    ]);
  });
});
