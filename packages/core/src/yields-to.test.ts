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
