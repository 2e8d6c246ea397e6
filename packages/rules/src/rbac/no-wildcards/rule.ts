import { defineRule } from "@scout-deploy/core";
import { roleRulesOf } from "../../support/index.js";

const FIELDS = ["verbs", "resources", "apiGroups", "nonResourceURLs"] as const;

/** The RBAC authorizer reads a trailing `*` of a non-resource URL as a prefix: `/*` is every URL. */
function isWildcard(field: (typeof FIELDS)[number], value: string): boolean {
  return value === "*" || (field === "nonResourceURLs" && value === "/*");
}

export const noWildcards = defineRule({
  id: "rbac/no-wildcards",
  meta: {
    severity: "error",
    description:
      'No Role or ClusterRole rule uses "*" in verbs, resources, apiGroups or nonResourceURLs.',
    remediation: "List the verbs, resources and API groups the workload needs, one by one.",
    guide: "RBAC: Minimal permissions: Only necessary permissions granted",
    messages: {
      wildcard: '{{kind}} {{name}} grants "*" in {{field}}: every present and future {{what}}',
    },
  },
  check(context) {
    const what = {
      verbs: "verb",
      resources: "resource",
      apiGroups: "API group",
      nonResourceURLs: "non-resource URL",
    };
    for (const object of context.bundle.objects) {
      for (const rule of roleRulesOf(object)) {
        for (const field of FIELDS) {
          for (const entry of rule[field]) {
            if (!isWildcard(field, entry.value)) continue;
            context.report({
              messageId: "wildcard",
              data: {
                kind: object.value.kind,
                name: object.ref.name ?? "(unnamed)",
                field,
                what: what[field],
              },
              object,
              pointer: entry.pointer,
            });
          }
        }
      }
    }
  },
});
