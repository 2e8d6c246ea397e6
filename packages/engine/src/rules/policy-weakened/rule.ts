import { defineRule } from "@scout-deploy/core";

/**
 * A pull request that makes the policy weaker than its base's. One run sees one side only, so
 * `check` finds nothing; the comparison with the base (policy-diff.ts) reports under this rule.
 * Defined as a rule so that it has metadata, docs and a severity the base's config may set.
 */
export const policyWeakened = defineRule({
  id: "policy/weakened",
  meta: {
    severity: "error",
    description:
      "The change makes the policy weaker than the base's: a rule turned off or lowered, a suppression added or widened, failOn or allowAnnotationSuppressions relaxed, a rule pack removed or added (its code runs in the check), a setting or rule option that hides findings, or a new scout-deploy.io/ignore annotation.",
    remediation:
      "Undo the change, or have it reviewed on its own: both sides are judged with the head's policy, so a weaker policy hides findings from the comparison.",
    messages: {
      ruleLowered: "{{setting}} lowers {{count}} rule(s) the base ran higher: {{rules}}",
      failOn: "policy.failOn relaxed from {{base}} to {{head}}",
      annotations:
        "policy.allowAnnotationSuppressions turned on: scout-deploy.io/ignore annotations are honoured",
      suppressionAdded: "suppression of {{rules}} added ({{reason}})",
      suppressionWidened: "suppression of {{rules}} covers more than the base's ({{reason}})",
      pluginRemoved: "rule pack {{plugin}} removed: its rules no longer run",
      pluginChanged:
        "rule pack {{plugin}} changed: its code ran inside this check and could change any result; review it on its own",
      pluginAdded:
        "rule pack {{plugin}} added: its code ran inside this check and could change any result; review it on its own",
      setting: "policy.settings.{{name}} relaxed from {{base}} to {{head}}",
      hides:
        "{{names}} changed: the base's values find {{count}} finding(s) in these manifests that the head's hide ({{rules}})",
      ignoreAnnotation: "new scout-deploy.io/ignore annotation silences {{rules}} on {{object}}",
      configRemoved: "the config file {{file}} was removed: the base's policy no longer applies",
    },
    docs: "https://github.com/scout/secure-deploy/blob/main/packages/engine/src/rules/policy-weakened/README.md",
  },
  check: () => {},
});
