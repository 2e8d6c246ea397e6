import { describe, expect, it } from "vitest";
import { defineRule } from "../rule.js";
import { RuleTester, runRule } from "./index.js";

const noLabels = defineRule({
  id: "test/no-labels",
  meta: {
    severity: "warning",
    description: "d",
    remediation: "r",
    messages: { missing: "{{kind}} has no labels" },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      if (!object.value.metadata || !("labels" in object.value.metadata)) {
        const severity = object.ref.kind === "Secret" ? "error" : undefined;
        context.report({
          messageId: "missing",
          data: { kind: object.ref.kind ?? "" },
          object,
          pointer: "/metadata",
          ...(severity ? { severity } : {}),
        });
      }
    }
  },
});

const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n";

describe("RuleTester", () => {
  it("refuses two cases with the same YAML, options and settings", () => {
    const tester = new RuleTester({ describe: () => {}, it: () => {} });
    expect(() =>
      tester.run(noLabels, {
        valid: [],
        invalid: [
          { name: "first", yaml: pod, errors: [{ messageId: "missing", line: 3, column: 11 }] },
          {
            name: "again",
            yaml: pod,
            errors: [{ messageId: "missing", line: 3, column: 11 }],
          },
        ],
      }),
    ).toThrow('test/no-labels: test case "again" duplicates "first"');
  });

  it("reports what evaluate reports: position, message, the report's own severity", () => {
    const secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n";
    expect(runRule(noLabels, { yaml: `${pod}---\n${secret}` })).toEqual([
      {
        messageId: "missing",
        message: "Pod has no labels",
        severity: "warning",
        line: 3,
        column: 1,
      },
      {
        messageId: "missing",
        message: "Secret has no labels",
        severity: "error",
        line: 7,
        column: 1,
      },
    ]);
  });

  it("applies the annotations evaluate applies: an ignored object is not reported", () => {
    const ignored =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {scout-deploy.io/ignore: "test/no-labels: a reason"}\n';
    expect(runRule(noLabels, { yaml: ignored })).toEqual([]);
  });
});
