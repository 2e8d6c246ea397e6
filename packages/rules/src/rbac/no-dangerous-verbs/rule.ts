import { defineRule, joinPointer } from "@scout-deploy/core";
import {
  aggregatedBuiltIns,
  bindingsOf,
  boundRiskyBuiltIn,
  type RoleRule,
  roleRulesOf,
} from "../../support/index.js";

const ESCALATING = new Set(["escalate", "bind", "impersonate"]);
/**
 * Core-group resources on which a verb is dangerous, and the verbs. A `*` is rbac/no-wildcards'
 * finding. Until Kubernetes 1.35 the API server authorizes exec and attach over WebSocket (what
 * kubectl uses since 1.31) as `get` on the subresource, so `get` opens a shell as `create` does.
 * `readsAll`: the danger is reading every object, which `resourceNames` takes away (see below).
 */
const DANGEROUS_ON: ReadonlyArray<{
  resources: readonly string[];
  verbs: readonly string[];
  readsAll?: boolean;
}> = [
  { resources: ["pods/exec", "pods/attach"], verbs: ["create", "get"] },
  { resources: ["serviceaccounts/token"], verbs: ["create"] },
  { resources: ["secrets"], verbs: ["list", "watch"], readsAll: true },
];

/**
 * The authorizer matches `resourceNames` against the request's name: a list or watch carries one
 * only with `fieldSelector=metadata.name=<name>`, so a named rule lists or watches those objects
 * alone. An empty name in the list matches the unnamed request, that is every object.
 */
function narrowedByName(resourceNames: RoleRule["resourceNames"]): boolean {
  return resourceNames.length > 0 && resourceNames.every((n) => n.value !== "");
}

/** The RBAC authorizer's match: the exact name, or a star before the subresource (every resource's one). */
function grants(ruleResource: string, resource: string): boolean {
  if (ruleResource === resource) return true;
  const slash = resource.indexOf("/");
  return slash > 0 && ruleResource === `*${resource.slice(slash)}`;
}

/** The dangerous resources all live in the core group: a rule naming only other groups misses them. */
function coversCoreGroup(apiGroups: RoleRule["apiGroups"]): boolean {
  return apiGroups.length === 0 || apiGroups.some((g) => g.value === "" || g.value === "*");
}

export const noDangerousVerbs = defineRule({
  id: "rbac/no-dangerous-verbs",
  meta: {
    severity: "error",
    description:
      "No role grants escalate, bind or impersonate, create or get on pods/exec or pods/attach, create on serviceaccounts/token, or list/watch on secrets.",
    remediation:
      "Remove the verb; read one named Secret with get and resourceNames instead of listing them all.",
    guide: "RBAC: Minimal permissions: Only necessary permissions granted",
    messages: {
      escalating:
        '{{kind}} {{name}} grants "{{verb}}", which lets its holder gain permissions it lacks',
      onResource: '{{kind}} {{name}} grants "{{verb}}" on {{resource}}',
      aggregated:
        "ClusterRole {{name}} aggregates the built-in ClusterRole {{role}}, which grants {{grants}}",
      boundBuiltIn:
        "{{kind}} {{name}} binds the built-in ClusterRole {{role}}, which grants {{grants}}",
    },
  },
  check(context) {
    for (const binding of bindingsOf(context.bundle)) {
      const builtIn = boundRiskyBuiltIn(context.bundle, binding);
      if (!builtIn) continue;
      const { object } = binding;
      context.report({
        messageId: "boundBuiltIn",
        data: { kind: object.value.kind, name: object.ref.name ?? "(unnamed)", ...builtIn },
        object,
        pointer: joinPointer(binding.roleRef.pointer, "name"),
      });
    }
    for (const object of context.bundle.objects) {
      const base = { kind: object.value.kind, name: object.ref.name ?? "(unnamed)" };
      for (const { pointer, role, grants } of aggregatedBuiltIns(object)) {
        context.report({
          messageId: "aggregated",
          data: { ...base, role, grants },
          object,
          pointer,
        });
      }
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
          if (!coversCoreGroup(rule.apiGroups)) continue;
          const named = narrowedByName(rule.resourceNames);
          const resources = DANGEROUS_ON.filter(
            (d) => d.verbs.includes(verb.value) && !(d.readsAll && named),
          ).flatMap((d) =>
            d.resources.filter((target) => rule.resources.some((r) => grants(r.value, target))),
          );
          for (const resource of resources) {
            context.report({
              messageId: "onResource",
              data: { ...base, verb: verb.value, resource },
              object,
              pointer: verb.pointer,
            });
          }
        }
      }
    }
  },
});
