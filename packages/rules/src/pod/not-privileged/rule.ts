import { allContainers, defineRule, effectiveSecurityContext } from "@scout-deploy/core";

export const notPrivileged = defineRule({
  id: "pod/not-privileged",
  meta: {
    severity: "error",
    description: "No container runs privileged.",
    remediation: "Remove securityContext.privileged or set it to false.",
    guide: "Pod Security Standards: No privilege escalation",
    messages: {
      privileged:
        'container "{{container}}" is privileged: it has every capability and the host\'s devices',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      const setting = effectiveSecurityContext(container).privileged;
      if (setting?.value !== true) continue;
      context.report({
        messageId: "privileged",
        data: { container: container.name },
        object: container.template.object,
        pointer: setting.pointer,
      });
    }
  },
});
