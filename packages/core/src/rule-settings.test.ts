import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildBundle } from "./bundle.js";
import { parsePolicy } from "./config.js";
import { evaluate } from "./evaluate.js";
import { defineRule } from "./rule.js";
import { parseSource } from "./source.js";

const ruleFor = (id: string) =>
  defineRule({
    id,
    meta: {
      severity: "error",
      description: "Reports every object.",
      remediation: "Nothing to change.",
      messages: { hit: "hit" },
    },
    check(context) {
      for (const object of context.bundle.objects) context.report({ messageId: "hit", object });
    },
  });

const rules = [ruleFor("pod/a"), ruleFor("pod/b"), ruleFor("rbac/c")];
const bundle = () =>
  buildBundle([
    parseSource(
      "x.yaml",
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\nkind: [\n",
    ),
  ]);

function ruleIds(policy: unknown) {
  return evaluate(rules, bundle(), parsePolicy(policy)).findings.map(
    (f) => `${f.ruleId}:${f.severity}`,
  );
}

describe("policy.rules keys", () => {
  it("take an exact id over its area and the area over '*'", () => {
    expect(ruleIds({ rules: { "*": "off", "pod/*": "warning", "pod/b": "info" } })).toEqual([
      "pod/a:warning",
      "pod/b:info",
      "input/parse-error:error",
    ]);
  });

  it("never switch off input problems through '*'", () => {
    expect(ruleIds({ rules: { "*": "off" } })).toEqual(["input/parse-error:error"]);
    expect(ruleIds({ rules: { "*": "off", "input/*": "off" } })).toEqual([]);
  });

  it("read an unquoted YAML off (the boolean false of YAML 1.1) as off", () => {
    expect(ruleIds({ rules: { "*": false, "pod/a": { severity: false } } })).toEqual([
      "input/parse-error:error",
    ]);
    expect(() => ruleIds({ rules: { "pod/a": true } })).toThrow();
  });

  it("must name at least one known rule", () => {
    expect(() => ruleIds({ rules: { "net/*": "off" } })).toThrow('unknown rule "net/*"');
  });
});

describe("ruleOptions: another rule's options", () => {
  const owner = defineRule({
    id: "network/owner",
    meta: {
      severity: "error",
      description: "Owns a table.",
      remediation: "Nothing to change.",
      messages: { hit: "hit" },
      options: z.object({ table: z.array(z.string()).default(["guide"]) }).strict(),
    },
    check() {},
  });
  const seen: unknown[] = [];
  const reader = defineRule({
    id: "network/reader",
    meta: {
      severity: "error",
      description: "Judges by the owner's table.",
      remediation: "Nothing to change.",
      messages: { hit: "hit" },
    },
    check(context) {
      seen.push(context.ruleOptions("network/owner"), context.ruleOptions("other/rule"));
    },
  });
  const read = (policy: unknown) => {
    seen.length = 0;
    evaluate([owner, reader], bundle(), parsePolicy(policy));
    return seen;
  };

  it("are the owner's after its schema, whether it runs or is off", () => {
    expect(read({})).toEqual([{ table: ["guide"] }, {}]);
    expect(read({ rules: { "network/owner": { options: { table: ["mine"] } } } })).toEqual([
      { table: ["mine"] },
      {},
    ]);
    expect(
      read({ rules: { "network/owner": { severity: "off", options: { table: ["mine"] } } } }),
    ).toEqual([{ table: ["mine"] }, {}]);
  });
});
