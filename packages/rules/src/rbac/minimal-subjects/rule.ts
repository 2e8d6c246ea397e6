import { defineRule } from "@scout-deploy/core";
import { bindingsOf } from "../../support/index.js";

const BROAD_GROUPS = new Set([
  "system:authenticated",
  "system:unauthenticated",
  "system:serviceaccounts",
]);

/** `system:serviceaccounts:<namespace>` holds every service account of the namespace, default too. */
function isBroadGroup(name: string): boolean {
  return BROAD_GROUPS.has(name) || name.startsWith("system:serviceaccounts:");
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
    },
  },
  check(context) {
    for (const { object, roleRef, subjects } of bindingsOf(context.bundle)) {
      const base = {
        kind: object.value.kind,
        binding: object.ref.name ?? "(unnamed)",
        role: roleRef.name,
      };
      for (const subject of subjects) {
        const data = { ...base, subject: subject.name, subjectKind: subject.kind };
        let messageId: "defaultAccount" | "broadGroup" | "notServiceAccount" | undefined;
        if (subject.kind === "Group" && isBroadGroup(subject.name)) messageId = "broadGroup";
        else if (subject.kind !== "ServiceAccount") messageId = "notServiceAccount";
        else if (subject.name === "default") messageId = "defaultAccount";
        if (messageId) context.report({ messageId, data, object, pointer: subject.pointer });
      }
    }
  },
});
