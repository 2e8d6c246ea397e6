import { allContainers, defineRule, effectiveSecurityContext } from "@scout-deploy/core";

/** A small rule of our own: report formatting must not depend on the rule pack. */
export const securityGuideRulesForTest = [
  defineRule({
    id: "test/root-user",
    meta: {
      severity: "error",
      description: "No container runs as user 0.",
      remediation: "Set runAsUser to a non-zero UID.",
      messages: { root: 'container "{{container}}" runs as root: runAsUser is 0' },
    },
    check(context) {
      for (const container of allContainers(context.bundle)) {
        const user = effectiveSecurityContext(container).runAsUser;
        if (user?.value !== 0) continue;
        context.report({
          messageId: "root",
          data: { container: container.name },
          object: container.template.object,
          pointer: user.pointer,
        });
      }
    },
  }),
];
