import { defineRule, podTemplates, specPointerOf } from "@scout-deploy/core";

export const noSharedProcessNamespace = defineRule({
  id: "pod/no-shared-process-namespace",
  meta: {
    severity: "warning",
    description:
      "No pod shares one process namespace between its containers: each container sees only its own processes.",
    remediation: "Remove shareProcessNamespace (or set it to false).",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      shared:
        "the pod sets shareProcessNamespace: true: every container can see and signal the others' processes and read their /proc/<pid>/root and environment",
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      if (template.spec.shareProcessNamespace !== true) continue;
      context.report({
        messageId: "shared",
        object: template.object,
        pointer: specPointerOf(template, "shareProcessNamespace"),
      });
    }
  },
});
