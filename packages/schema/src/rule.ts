import { defineRule, type Rule } from "@scout-deploy/core";
import type { SchemaProblem, SchemaRuleId } from "./port.js";

const DOCS = "https://github.com/scout/secure-deploy/blob/main/packages/schema/docs";

const META = {
  "input/schema": {
    severity: "error",
    description:
      "Every object matches the Kubernetes schema of its kind: known fields only, the right types, required fields present, allowed values.",
    remediation:
      "Fix the field at the reported line: correct its spelling, type or value, or add the missing field.",
    guide: "Deployment Security: manifests the cluster accepts as written",
  },
  "input/no-schema": {
    severity: "info",
    description:
      "A kind with no schema (a custom resource) cannot be schema-checked; reported once per kind.",
    remediation:
      "Give the validator the CRD's schema (kubeconform schema locations), or turn this rule off for kinds you trust.",
    guide: "Deployment Security: manifests the cluster accepts as written",
  },
} as const;

function schemaRuleOf(id: SchemaRuleId, problems: readonly SchemaProblem[]): Rule {
  return defineRule({
    id,
    meta: {
      ...META[id],
      appliesTo: ["*"],
      docs: `${DOCS}/${id}.md`,
      messages: { problem: "{{message}}" },
    },
    check(context) {
      for (const problem of problems) {
        if (problem.ruleId !== id) continue;
        context.report({
          messageId: "problem",
          data: { message: problem.message },
          object: problem.object,
          pointer: problem.pointer,
        });
      }
    },
  });
}

/** `input/schema` with a no-op check: its metadata and docs, for listings and SARIF. */
export const schemaRule: Rule = schemaRuleOf("input/schema", []);
/** `input/no-schema` (info, one finding per kind without a schema) with a no-op check. */
export const noSchemaRule: Rule = schemaRuleOf("input/no-schema", []);

/**
 * The two schema rules, reporting the problems a SchemaValidator found: pass them to
 * `evaluate` beside the rule pack, and core positions, suppresses and sorts the findings like
 * every other. With `--schema off`, pass `[]` so that config naming these ids stays valid.
 */
export function schemaRules(problems: readonly SchemaProblem[]): Rule[] {
  return [schemaRuleOf("input/schema", problems), schemaRuleOf("input/no-schema", problems)];
}

export interface SchemaFinding {
  ruleId: SchemaRuleId;
  message: string;
  object: SchemaProblem["object"];
  pointer: string;
  severity: SchemaProblem["severity"];
}

/** The problems as plain findings to position (`object.document.locate(object.pointer + pointer)`). */
export function schemaFindings(problems: readonly SchemaProblem[]): SchemaFinding[] {
  return problems.map(({ ruleId, message, object, pointer, severity }) => ({
    ruleId,
    message,
    object,
    pointer,
    severity,
  }));
}
