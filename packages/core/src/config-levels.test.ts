import { describe, expect, it } from "vitest";
import { parsePolicy } from "./config.js";

const at = () => ({ file: "scout-deploy.yaml", line: 3, column: 5 });

function refusal(rules: unknown): string {
  try {
    parsePolicy({ rules }, at);
  } catch (error) {
    return (error as Error).message;
  }
  return "accepted";
}

describe("a rule's level in policy.rules", () => {
  it("names what is allowed and what was written, not 'Invalid input'", () => {
    expect(refusal({ "pod/run-as-non-root": "no" })).toBe(
      'scout-deploy.yaml:3:5: policy.rules.pod/run-as-non-root: expected off, error, warning, info or a mapping of severity: and options:, not "no"',
    );
  });

  it("suggests the level a typo meant", () => {
    expect(refusal({ "pod/run-as-non-root": "warnin" })).toMatch(
      /not "warnin" \(did you mean "warning"\?\)$/,
    );
    expect(refusal({ "pod/run-as-non-root": { severity: "eror" } })).toBe(
      'scout-deploy.yaml:3:5: policy.rules.pod/run-as-non-root: severity: expected off, error, warning or info, not "eror" (did you mean "error"?)',
    );
  });

  it("names options that are not a mapping", () => {
    expect(refusal({ "pod/writable-paths": { options: ["/tmp"] } })).toBe(
      `scout-deploy.yaml:3:5: policy.rules.pod/writable-paths: options: expected a mapping of the rule's options, not ["/tmp"]`,
    );
  });

  it("shows a number or a list as written", () => {
    expect(refusal({ "pod/run-as-non-root": 3 })).toMatch(/, not 3$/);
    expect(refusal({ "pod/run-as-non-root": ["error"] })).toMatch(/, not \["error"\]$/);
  });

  it("accepts off (also YAML 1.1's false), a level and a mapping", () => {
    for (const level of ["off", false, "error", { severity: "info" }, { severity: "off" }])
      expect(refusal({ "pod/run-as-non-root": level })).toBe("accepted");
  });
});

describe("an unknown key of the policy", () => {
  const refused = (policy: unknown) => {
    try {
      parsePolicy(policy, at);
    } catch (error) {
      return (error as Error).message;
    }
    return "accepted";
  };

  it("suggests the key a typo meant and lists the allowed ones", () => {
    expect(refused({ failOnn: "warning" })).toBe(
      'scout-deploy.yaml:3:5: policy.failOnn: unknown key "failOnn" (did you mean "failOn"?) (allowed: failOn, allowAnnotationSuppressions, settings, rules, suppressions, plugins)',
    );
  });

  it("inside a rule's mapping too, where the keys sit behind a union", () => {
    expect(refused({ rules: { "pod/run-as-non-root": { sevrity: "warning" } } })).toBe(
      'scout-deploy.yaml:3:5: policy.rules.pod/run-as-non-root.sevrity: unknown key "sevrity" (did you mean "severity"?) (allowed: severity, options)',
    );
  });

  it("inside a suppression, an item of a list", () => {
    expect(
      refused({ suppressions: [{ rules: ["pod/*"], reason: "demo", expire: "2030-01-01" }] }),
    ).toMatch(
      /unknown key "expire" \(did you mean "expires"\?\) \(allowed: rules, objects, files, reason, expires\)$/,
    );
  });
});

describe("a required key missing", () => {
  it("names the misspelt key that took its place, not zod's 'expected array, received undefined'", () => {
    expect(
      refusedPolicy({ suppressions: [{ rule: ["pod/run-as-user"], reason: "demo" }] }),
    ).toMatch(
      /policy\.suppressions\.0\.rule: unknown key "rule" \(did you mean "rules"\?\) \(allowed: rules, objects, files, reason, expires\)$/,
    );
  });

  it("says which key is missing when nothing took its place", () => {
    expect(refusedPolicy({ suppressions: [{ reason: "demo" }] })).toMatch(
      /policy\.suppressions\.0\.rules: missing \(expected array\)$/,
    );
  });
});

function refusedPolicy(policy: unknown): string {
  try {
    parsePolicy(policy, at);
  } catch (error) {
    return (error as Error).message;
  }
  return "accepted";
}

describe("a value not among those allowed", () => {
  it("is shown with the allowed ones and a did-you-mean, not zod's 'Invalid option'", () => {
    expect(() => parsePolicy({ failOn: "warnin" }, at)).toThrow(
      'scout-deploy.yaml:3:5: policy.failOn: expected one of error, warning, info, never, not "warnin" (did you mean "warning"?)',
    );
    expect(() => parsePolicy({ failOn: 3 }, at)).toThrow(
      "policy.failOn: expected one of error, warning, info, never, not 3",
    );
  });
});
