import { defineRule, joinPointer, podTemplates } from "@scout-deploy/core";

const HOST_FIELDS = ["hostNetwork", "hostPID", "hostIPC"] as const;

export const noHostNamespaces = defineRule({
  id: "pod/no-host-namespaces",
  meta: {
    severity: "error",
    description: "No pod shares the node's network, process or IPC namespace.",
    remediation:
      "Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      hostNamespace:
        "the pod sets {{field}}: true and shares the node's namespace, past every NetworkPolicy",
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      for (const field of HOST_FIELDS) {
        if (template.spec[field] !== true) continue;
        context.report({
          messageId: "hostNamespace",
          data: { field },
          object: template.object,
          pointer: joinPointer(template.specPointer, field),
        });
      }
    }
  },
});
