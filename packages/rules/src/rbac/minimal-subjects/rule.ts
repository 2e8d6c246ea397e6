import { defineRule, dns1123SubdomainProblem, joinPointer } from "@scout-deploy/core";
import {
  bindingsOf,
  effectiveNamespace,
  type Subject,
  scoutNamespace,
} from "../../support/index.js";

const BROAD_GROUPS = new Set([
  "system:authenticated",
  "system:unauthenticated",
  "system:serviceaccounts",
]);

/** `system:serviceaccounts:<namespace>` holds every service account of the namespace, default too. */
function isBroadGroup(name: string): boolean {
  return BROAD_GROUPS.has(name) || name.startsWith("system:serviceaccounts:");
}

const RBAC_GROUP = "rbac.authorization.k8s.io";

/** The subject's field that makes each finding, where the user changes it. */
const FIELD_AT_FAULT = {
  broadGroup: "name",
  notServiceAccount: "kind",
  defaultAccount: "name",
  foreignAccount: "namespace",
} as const;

/**
 * Why the API server refuses a subject (ValidateRoleBindingSubject, after defaulting an omitted
 * apiGroup), with the field at fault; undefined when it accepts it.
 */
function refusal(
  subject: Subject,
  cluster: boolean,
): { reason: string; field?: string } | undefined {
  const { declaredKind: kind, apiGroup } = subject;
  if (subject.name === "") return { reason: "a subject needs a name", field: "name" };
  const accountName = kind === "ServiceAccount" ? dns1123SubdomainProblem(subject.name) : undefined;
  if (accountName) return { reason: `a ServiceAccount's name ${accountName}`, field: "name" };
  if (kind !== "ServiceAccount" && kind !== "User" && kind !== "Group") {
    return { reason: `kind "${kind}" is none of ServiceAccount, User, Group`, field: "kind" };
  }
  if (kind === "ServiceAccount") {
    if (apiGroup)
      return { reason: `a ServiceAccount's apiGroup is "", not "${apiGroup}"`, field: "apiGroup" };
    if (cluster && subject.namespace === undefined) {
      return { reason: "a ServiceAccount of a ClusterRoleBinding needs its namespace" };
    }
    return undefined;
  }
  if (apiGroup && apiGroup !== RBAC_GROUP) {
    return {
      reason: `a ${kind}'s apiGroup is ${RBAC_GROUP}, not "${apiGroup}"`,
      field: "apiGroup",
    };
  }
  return undefined;
}

export const minimalSubjects = defineRule({
  id: "rbac/minimal-subjects",
  meta: {
    severity: "error",
    description:
      "Bindings name only dedicated service accounts: no user, no group (system:authenticated and the like) and no default service account.",
    remediation: "Bind the role to the workload's own ServiceAccount only.",
    guide: "RBAC: Minimal permissions: Only necessary permissions granted",
    messages: {
      broadGroup:
        '{{kind}} {{binding}} grants {{role}} to the group "{{subject}}": to everyone in it',
      notServiceAccount:
        '{{kind}} {{binding}} grants {{role}} to {{subjectKind}} "{{subject}}", not to a service account',
      defaultAccount:
        '{{kind}} {{binding}} grants {{role}} to a "default" service account, which every pod without its own shares',
      foreignAccount:
        "{{kind}} {{binding}} grants {{role}} in the Scout namespace {{scout}} to service account \"{{subject}}\" of namespace {{namespace}}: that namespace's pods get Scout's permissions",
      refusedSubject:
        "{{kind}} {{binding}} has a subject the API server refuses, and the whole binding with it: {{reason}}",
    },
  },
  check(context) {
    const scout = scoutNamespace(context.bundle, context.settings);
    for (const { object, roleRef, subjects } of bindingsOf(context.bundle)) {
      const inScout =
        scout !== undefined &&
        object.value.kind === "RoleBinding" &&
        effectiveNamespace(context.bundle, object) === scout;
      const base = {
        kind: object.value.kind,
        binding: object.ref.name ?? "(unnamed)",
        role: roleRef.name,
      };
      for (const subject of subjects) {
        const refused = refusal(subject, object.value.kind === "ClusterRoleBinding");
        if (refused) {
          context.report({
            messageId: "refusedSubject",
            data: { ...base, reason: refused.reason },
            object,
            pointer: refused.field ? joinPointer(subject.pointer, refused.field) : subject.pointer,
          });
          // A subject of no known kind names nobody: there is nothing more to judge in it.
          if (refused.field === "kind") continue;
        }
        const namespace = subject.namespace ?? "";
        const data: Record<string, string> = {
          ...base,
          subject: subject.name,
          subjectKind: subject.kind,
        };
        let messageId:
          | "defaultAccount"
          | "broadGroup"
          | "notServiceAccount"
          | "foreignAccount"
          | undefined;
        if (subject.kind === "Group" && isBroadGroup(subject.name)) messageId = "broadGroup";
        else if (subject.kind !== "ServiceAccount") messageId = "notServiceAccount";
        else if (subject.name === "default") messageId = "defaultAccount";
        // The authorizer matches the account by namespace and name: another namespace's account
        // of the same name is another identity, whose pods would read what Scout's role allows.
        else if (inScout && namespace !== scout) {
          messageId = "foreignAccount";
          Object.assign(data, { scout: scout ?? "", namespace });
        }
        if (messageId) {
          const pointer = joinPointer(subject.pointer, FIELD_AT_FAULT[messageId]);
          context.report({ messageId, data, object, pointer });
        }
      }
    }
  },
});
