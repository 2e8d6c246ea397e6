import { defineRule, joinPointer } from "@scout-deploy/core";
import {
  bindingsOf,
  effectiveNamespace,
  scoutNamespace,
  scoutServiceAccounts,
} from "../../support/index.js";

export const namespaceScoped = defineRule({
  id: "rbac/namespace-scoped",
  meta: {
    severity: "error",
    description:
      "No ClusterRole or ClusterRoleBinding grants anything to a Scout service account, and RoleBindings live in the Scout namespace.",
    remediation:
      "Grant Scout's service accounts a Role and a RoleBinding in the Scout namespace instead of cluster-wide objects.",
    guide: "RBAC: Namespace-scoped: All permissions limited to Scout namespace",
    messages: {
      clusterBinding:
        'ClusterRoleBinding {{binding}} grants {{role}} cluster-wide to Scout\'s service account "{{account}}"',
      clusterRole:
        'RoleBinding {{binding}} grants the ClusterRole {{role}} to Scout\'s service account "{{account}}"; bind a Role instead',
      clusterBindingGroup:
        'ClusterRoleBinding {{binding}} grants {{role}} cluster-wide to the group "{{account}}", which holds Scout\'s service accounts',
      clusterRoleGroup:
        'RoleBinding {{binding}} grants the ClusterRole {{role}} to the group "{{account}}", which holds Scout\'s service accounts; bind a Role instead',
      outsideNamespace:
        "RoleBinding {{binding}} sits in namespace {{actual}}, outside the Scout namespace {{expected}}",
    },
  },
  check(context) {
    const isScout = scoutServiceAccounts(context.bundle, context.settings);
    const expected = scoutNamespace(context.bundle, context.settings);
    for (const binding of bindingsOf(context.bundle)) {
      const { object, roleRef } = binding;
      const name = object.ref.name ?? "(unnamed)";
      const cluster = object.value.kind === "ClusterRoleBinding";
      for (const subject of binding.subjects.filter(isScout)) {
        if (!cluster && roleRef.kind !== "ClusterRole") continue;
        const group = subject.kind === "Group";
        const clusterMessage = group ? "clusterBindingGroup" : "clusterBinding";
        const roleMessage = group ? "clusterRoleGroup" : "clusterRole";
        context.report({
          messageId: cluster ? clusterMessage : roleMessage,
          data: { binding: name, role: roleRef.name, account: subject.name },
          object,
          pointer: cluster ? subject.pointer : joinPointer(roleRef.pointer, "kind"),
        });
      }
      // Without a namespace it is created in default (kubectl without -n), outside Scout's too.
      const actual = effectiveNamespace(context.bundle, object);
      // With no one Scout namespace known, a Scout account's own namespace is Scout's: a
      // RoleBinding elsewhere grants it rights in another namespace.
      const home =
        expected ??
        binding.subjects.find((s) => s.kind === "ServiceAccount" && isScout(s))?.namespace;
      if (!cluster && home && actual !== undefined && actual !== home) {
        context.report({
          messageId: "outsideNamespace",
          data: { binding: name, actual, expected: home },
          object,
          pointer: object.ref.namespace === undefined ? "/metadata" : "/metadata/namespace",
        });
      }
    }
  },
});
