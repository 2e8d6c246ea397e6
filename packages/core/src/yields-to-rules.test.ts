import { describe, expect, it } from "vitest";
import { buildBundle, type InputProblem } from "./bundle.js";
import { parsePolicy } from "./config.js";
import { evaluate } from "./evaluate.js";
import { defineRule } from "./rule.js";
import { parseSource } from "./source.js";

/** Reports the Secret's api-token as not base64, as secrets/valid-base64 does. */
const base64Rule = defineRule({
  id: "test/valid-base64",
  meta: {
    severity: "error",
    description: "test",
    remediation: "test",
    messages: { invalid: "data.api-token is not valid base64" },
  },
  check(context) {
    for (const object of context.bundle.objects)
      context.report({ messageId: "invalid", object, pointer: "/data/api-token" });
  },
});

const secret = `apiVersion: v1
kind: Secret
metadata: {name: s}
data:
  api-token: "not base64!"
  other: "also not!"
`;

function refusals(bundle: ReturnType<typeof buildBundle>, yieldsToRules: boolean): InputProblem[] {
  const object = bundle.objects[0]!;
  return ["/data/api-token", "/data/other"].map((path) => ({
    ruleId: "input/schema",
    message: `${path}: the data value is not base64 (the API server refuses the object)`,
    position: object.document.locate(path),
    path,
    object,
    ...(yieldsToRules ? { yieldsToRules } : {}),
  }));
}

const schemaRule = defineRule({
  id: "input/schema",
  meta: {
    severity: "error",
    description: "test",
    remediation: "test",
    messages: { problem: "{{message}}" },
  },
  check() {},
});

describe("an input problem that yields to the rules", () => {
  const bundle = buildBundle([parseSource("secret.yaml", secret)]);
  const run = (yields: boolean, policy?: unknown) =>
    evaluate([schemaRule, base64Rule], bundle, parsePolicy(policy ?? {}), {
      problems: refusals(bundle, yields),
    }).findings.map((f) => `${f.line} ${f.ruleId}`);

  it("is left out where a rule reports the same object and field: one cause, one finding", () => {
    expect(run(true)).toEqual(["5 test/valid-base64", "6 input/schema"]);
  });

  it("is reported where the rule is off", () => {
    expect(run(true, { rules: { "test/valid-base64": "off" } })).toEqual([
      "5 input/schema",
      "6 input/schema",
    ]);
  });

  it("does not yield unless it says so", () => {
    expect(run(false)).toEqual(["5 input/schema", "5 test/valid-base64", "6 input/schema"]);
  });

  it("does not yield to a warning: the gate would pass an object the API server refuses", () => {
    expect(run(true, { rules: { "test/valid-base64": "warning" } })).toEqual([
      "5 input/schema",
      "5 test/valid-base64",
      "6 input/schema",
    ]);
  });

  it("does not yield to a suppressed finding: waiving the rule does not make the API server accept it", () => {
    const policy = { suppressions: [{ rules: ["test/valid-base64"], reason: "test data" }] };
    expect(run(true, policy)).toEqual(["5 input/schema", "6 input/schema"]);
  });
});
