import { defineRule, joinPointer } from "@scout-deploy/core";
import {
  aggregatedBuiltIns,
  bindingsOf,
  boundRiskyBuiltIn,
  type RoleRule,
  roleRulesOf,
} from "../../support/index.js";

const RBAC_GROUP = "rbac.authorization.k8s.io";
const AUTHENTICATION_GROUP = "authentication.k8s.io";
const onRoles = [
  { group: RBAC_GROUP, resource: "roles" },
  { group: RBAC_GROUP, resource: "clusterroles" },
];
/**
 * What each escalating verb acts on: the authorizer checks `escalate` and `bind` on roles and
 * clusterroles of the RBAC group, `impersonate` on users, groups, service accounts, uids and user
 * extras (`userextras/<key>`, any key). Elsewhere the verb is never requested and grants nothing.
 */
const ESCALATING = new Map<string, ReadonlyArray<{ group: string; resource: string }>>([
  ["escalate", onRoles],
  ["bind", onRoles],
  [
    "impersonate",
    [
      { group: "", resource: "users" },
      { group: "", resource: "groups" },
      { group: "", resource: "serviceaccounts" },
      { group: AUTHENTICATION_GROUP, resource: "uids" },
      { group: AUTHENTICATION_GROUP, resource: "userextras/" },
    ],
  ],
]);
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

/**
 * Exec, attach, token, escalate, bind and impersonate requests always carry a name (the pod, the
 * account, the role, the user): `resourceNames: [""]` matches none of them.
 */
function namesNothing(resourceNames: RoleRule["resourceNames"]): boolean {
  return resourceNames.length > 0 && resourceNames.every((n) => n.value === "");
}

/** The RBAC authorizer's match: the exact name, or a star before the subresource (every resource's one). */
function grants(ruleResource: string, resource: string): boolean {
  if (ruleResource === resource) return true;
  const slash = resource.indexOf("/");
  return slash > 0 && ruleResource === `*${resource.slice(slash)}`;
}

/**
 * Whether the rule's own entries reach `resource` of `group` (a trailing "/" stands for any
 * subresource): the escalating verb is the cause, so a `*` resource or group counts here.
 */
function reaches(rule: RoleRule, group: string, resource: string): boolean {
  if (!rule.apiGroups.some((g) => g.value === group || g.value === "*")) return false;
  if (!resource.endsWith("/")) {
    return rule.resources.some((r) => r.value === "*" || grants(r.value, resource));
  }
  return rule.resources.some((r) => {
    const slash = r.value.indexOf("/");
    if (r.value === "*" || slash < 0 || slash === r.value.length - 1) return r.value === "*";
    const owner = r.value.slice(0, slash);
    return owner === "*" || `${owner}/` === resource;
  });
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
      for (const { pointer, role, grants } of aggregatedBuiltIns(context.bundle, object)) {
        context.report({
          messageId: "aggregated",
          data: { ...base, role, grants },
          object,
          pointer,
        });
      }
      for (const rule of roleRulesOf(object)) {
        const forNamedRequests = !namesNothing(rule.resourceNames);
        for (const verb of rule.verbs) {
          const targets = ESCALATING.get(verb.value);
          if (targets) {
            if (!forNamedRequests || !targets.some((t) => reaches(rule, t.group, t.resource))) {
              continue;
            }
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
            (d) => d.verbs.includes(verb.value) && (d.readsAll ? !named : forNamedRequests),
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
