import { defineRule, type InputProblem, type Rule } from "@scout-deploy/core";
import type { SchemaProblem, SchemaRuleId } from "./port.js";
import { VERSION } from "./version.js";

/** This package's docs at its release (changesets tags it `@scout-deploy/schema@<version>`). */
const DOCS = `https://github.com/scout/secure-deploy/blob/@scout-deploy/schema@${VERSION}/packages/schema/docs`;

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

function schemaRuleOf(id: SchemaRuleId): Rule {
  return defineRule({
    id,
    meta: {
      ...META[id],
      docs: `${DOCS}/${id}.md`,
      messages: { problem: "{{message}}" },
    },
    // Like every input/* rule, its findings come from bundle problems, not from a check.
    check: () => {},
  });
}

/** `input/schema`: its metadata and docs. Pass it to `evaluate` so its findings are known. */
export const schemaRule: Rule = schemaRuleOf("input/schema");
/** `input/no-schema` (info, one finding per kind without a schema). */
export const noSchemaRule: Rule = schemaRuleOf("input/no-schema");
/** Both schema rules, for `evaluate(rules, ...)` whether or not schemas were checked. */
export const schemaRules: readonly Rule[] = [schemaRule, noSchemaRule];

/**
 * The problems as input problems, positioned through the loader's pointer map: append them to
 * `bundle.problems` before `evaluate`, which emits input problems with the severity and docs
 * of the rule that has their id.
 */
export function schemaInputProblems(problems: readonly SchemaProblem[]): InputProblem[] {
  return problems.map((problem) => ({
    ruleId: problem.ruleId,
    message: problem.message,
    position: problem.object.document.locate(problem.object.pointer + problem.pointer),
    path: problem.pointer,
    object: problem.object,
    // What the API server refuses beyond the schema is often a rule's own check too.
    ...(problem.code === "invalid" && !problem.ownCause ? { yieldsToRules: true } : {}),
  }));
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
