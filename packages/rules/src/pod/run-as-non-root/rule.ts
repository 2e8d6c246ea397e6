import { allContainers, defineRule, effectiveSecurityContext } from "@scout-deploy/core";

export const runAsNonRoot = defineRule({
  id: "pod/run-as-non-root",
  meta: {
    severity: "error",
    description: "Every container runs with runAsNonRoot: true and never as user 0.",
    remediation: "Set securityContext.runAsNonRoot: true and runAsUser: 1000.",
    guide: "Pod Security Standards: Non-root execution",
    messages: {
      notNonRoot: 'container "{{container}}" may run as root: runAsNonRoot is not true',
      rootUser: 'container "{{container}}" runs as root: runAsUser is 0',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      const effective = effectiveSecurityContext(container);
      const data = { container: container.name };
      if (effective.runAsNonRoot?.value !== true) {
        context.report({
          messageId: "notNonRoot",
          data,
          object: container.template.object,
          pointer: effective.runAsNonRoot?.pointer ?? effective.anchor,
        });
      }
      if (effective.runAsUser?.value === 0) {
        context.report({
          messageId: "rootUser",
          data,
          object: container.template.object,
          pointer: effective.runAsUser.pointer,
        });
      }
    }
  },
});
