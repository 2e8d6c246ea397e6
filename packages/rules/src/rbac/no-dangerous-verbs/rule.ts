import { defineRule } from "@scout-deploy/core";
import { roleRulesOf } from "../../support/index.js";

const ESCALATING = new Set(["escalate", "bind", "impersonate"]);
/** Resources on which a verb is dangerous, and the verbs. A wildcard is rbac/no-wildcards' finding. */
const DANGEROUS_ON: ReadonlyArray<{ resources: readonly string[]; verbs: readonly string[] }> = [
  { resources: ["pods/exec", "pods/attach", "serviceaccounts/token"], verbs: ["create"] },
  { resources: ["secrets"], verbs: ["list", "watch"] },
];

export const noDangerousVerbs = defineRule({
  id: "rbac/no-dangerous-verbs",
  meta: {
    severity: "error",
    description:
      "No role grants escalate, bind or impersonate, create on pods/exec, pods/attach or serviceaccounts/token, or list/watch on secrets.",
    remediation:
      "Remove the verb; read one named Secret with get and resourceNames instead of listing them all.",
    guide: "RBAC: Minimal permissions: Only necessary permissions granted",
    messages: {
      escalating:
        '{{kind}} {{name}} grants "{{verb}}", which lets its holder gain permissions it lacks',
      onResource: '{{kind}} {{name}} grants "{{verb}}" on {{resource}}',
    },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      const base = { kind: object.value.kind, name: object.ref.name ?? "(unnamed)" };
      for (const rule of roleRulesOf(object)) {
        for (const verb of rule.verbs) {
          if (ESCALATING.has(verb.value)) {
            context.report({
              messageId: "escalating",
              data: { ...base, verb: verb.value },
              object,
              pointer: verb.pointer,
            });
            continue;
          }
          const resources = DANGEROUS_ON.filter((d) => d.verbs.includes(verb.value)).flatMap((d) =>
            rule.resources.filter((r) => d.resources.includes(r.value)),
          );
          for (const resource of resources) {
            context.report({
              messageId: "onResource",
              data: { ...base, verb: verb.value, resource: resource.value },
              object,
              pointer: verb.pointer,
            });
          }
        }
      }
    }
  },
});
