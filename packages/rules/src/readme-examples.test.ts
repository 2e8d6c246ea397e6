import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AnyRule, buildBundle, isRecord, parseSource } from "@scout-deploy/core";
import { runRule } from "@scout-deploy/core/testing";
import { describe, expect, it } from "vitest";
import { securityGuideRules } from "./registry.js";

const here = dirname(fileURLToPath(import.meta.url));
const SECTIONS = ["Failing example", "Passing example"] as const;
type Section = (typeof SECTIONS)[number];

/** A section's text: from `## <section>` up to the next `## ` heading. */
function sectionText(readme: string, section: Section): string {
  const start = readme.indexOf(`## ${section}`);
  if (start < 0) return "";
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The ```yaml blocks of a section, joined as one stream of documents (the example). */
function exampleOf(text: string): string {
  const blocks = [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.join("---\n");
}

interface ExamplePolicy {
  settings: Record<string, unknown>;
  options: Record<string, unknown>;
}

/**
 * The ```yaml policy block of a section: the `policy:` of scout.yaml the example is judged
 * with. Only `settings` and the rule's own `options` may be given.
 */
function policyOf(ruleId: string, text: string): ExamplePolicy {
  const block = /```ya?ml policy\n([\s\S]*?)```/.exec(text)?.[1];
  if (block === undefined) return { settings: {}, options: {} };
  const value = parseSource(`${ruleId}/README.md`, block).documents[0]?.value;
  const policy = isRecord(value) ? value.policy : undefined;
  if (!isRecord(policy)) throw new Error(`${ruleId}: a \`\`\`yaml policy block holds policy:`);
  const { settings = {}, rules = {}, ...rest } = policy;
  const setting = isRecord(rules) ? rules[ruleId] : undefined;
  const others = isRecord(rules) ? Object.keys(rules).filter((id) => id !== ruleId) : [];
  if (Object.keys(rest).length || others.length || !isRecord(settings)) {
    throw new Error(`${ruleId}: a policy block sets only policy.settings and rules.${ruleId}`);
  }
  const options = isRecord(setting) && isRecord(setting.options) ? setting.options : {};
  return { settings, options };
}

/**
 * The reports a failing example announces: a line whose comment starts with one of the rule's
 * message ids (`image: app # noTag: means :latest`) is where that message must be reported.
 */
function announcedReports(rule: AnyRule, yaml: string): string[] {
  const ids = new Set(Object.keys(rule.meta.messages));
  return yaml.split("\n").flatMap((line, index) => {
    const id = /\S\s+#\s*([A-Za-z]+)\b/.exec(line)?.[1];
    return id && ids.has(id) ? [`line ${index + 1}: ${id}`] : [];
  });
}

function reportsOf(rule: AnyRule, yaml: string, policy: ExamplePolicy): string[] {
  const problems = buildBundle([parseSource(`${rule.id}/README.md`, yaml)]).problems;
  expect(problems.map((p) => `line ${p.position.line}: ${p.message}`)).toEqual([]);
  return runRule(rule, { yaml, ...policy }).map((r) => `line ${r.line}: ${r.messageId}`);
}

describe("every rule README's examples, run through the rule", () => {
  for (const rule of securityGuideRules as readonly AnyRule[]) {
    const readme = readFileSync(join(here, rule.id, "README.md"), "utf8");
    const [failing, passing] = SECTIONS.map((section) => sectionText(readme, section));

    it(`${rule.id}: Failing example reports what its comments announce`, () => {
      const yaml = exampleOf(failing!);
      expect(yaml, "a ```yaml block under ## Failing example").not.toBe("");
      const announced = announcedReports(rule, yaml);
      expect(announced, "a `# <messageId>` comment on the reported line").not.toEqual([]);
      const reported = reportsOf(rule, yaml, policyOf(rule.id, failing!));
      expect([...new Set(reported)].sort()).toEqual([...new Set(announced)].sort());
    });

    it(`${rule.id}: Passing example is clean`, () => {
      const yaml = exampleOf(passing!);
      expect(yaml, "a ```yaml block under ## Passing example").not.toBe("");
      expect(reportsOf(rule, yaml, policyOf(rule.id, passing!))).toEqual([]);
    });
  }
});

describe("how a README states its example", () => {
  const rule = securityGuideRules.find((r) => r.id === "workload/image-pinned") as AnyRule;

  it("announces a report by a comment that starts with a message id, after a value", () => {
    const yaml = "a: b # noTag: means :latest\n# latest: a comment line\nc: d # not an id\n";
    expect(announcedReports(rule, yaml)).toEqual(["line 1: noTag"]);
  });

  it("reads settings and the rule's options from a ```yaml policy block", () => {
    const text = [
      "```yaml policy",
      "policy:",
      "  settings: { profile: production }",
      "  rules:",
      "    workload/image-pinned: { options: { requireDigest: true } }",
      "```",
    ].join("\n");
    expect(policyOf(rule.id, text)).toEqual({
      settings: { profile: "production" },
      options: { requireDigest: true },
    });
  });

  it("refuses a policy block that sets another rule or key", () => {
    const other = "```yaml policy\npolicy:\n  rules:\n    pod/proc-mount: off\n```";
    expect(() => policyOf(rule.id, other)).toThrow(/only policy.settings and rules/);
    const failOn = "```yaml policy\npolicy:\n  failOn: warning\n```";
    expect(() => policyOf(rule.id, failOn)).toThrow(/only policy.settings and rules/);
  });
});
