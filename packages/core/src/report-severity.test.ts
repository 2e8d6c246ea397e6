import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { parsePolicy } from "./config.js";
import { evaluate } from "./evaluate.js";
import { defineRule } from "./rule.js";
import { parseSource } from "./source.js";

const rule = defineRule({
  id: "test/escalates",
  meta: {
    severity: "warning",
    description: "Reports one finding that raises its own severity.",
    remediation: "Nothing to change.",
    messages: { raised: "raised" },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      context.report({ messageId: "raised", object, severity: "error" });
    }
  },
});

const bundle = buildBundle([
  parseSource("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"),
]);

describe("a report's own severity", () => {
  it("replaces the rule's default", () => {
    const result = evaluate([rule], bundle);
    expect(result.findings.map((f) => f.severity)).toEqual(["error"]);
  });

  it("yields to the user's setting for the rule", () => {
    const result = evaluate([rule], bundle, parsePolicy({ rules: { "test/escalates": "info" } }));
    expect(result.findings.map((f) => f.severity)).toEqual(["info"]);
  });
});
