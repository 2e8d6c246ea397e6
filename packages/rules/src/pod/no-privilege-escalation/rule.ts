import { allContainers, defineRule, effectiveSecurityContext } from "@scout-deploy/core";
import { isWindowsPod } from "../../support/index.js";

export const noPrivilegeEscalation = defineRule({
  id: "pod/no-privilege-escalation",
  meta: {
    severity: "error",
    description: "Every container sets allowPrivilegeEscalation: false explicitly.",
    remediation: "Set securityContext.allowPrivilegeEscalation: false on every container.",
    guide: "Pod Security Standards: No privilege escalation",
    messages: {
      notDisabled:
        'container "{{container}}" may escalate privileges: allowPrivilegeEscalation is not set to false',
      enabled:
        'container "{{container}}" allows privilege escalation: allowPrivilegeEscalation is true',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      if (isWindowsPod(container.template)) continue;
      const effective = effectiveSecurityContext(container);
      const setting = effective.allowPrivilegeEscalation;
      if (setting?.value === false) continue;
      // A patch over an operator's container is judged on what it sets, not on what it leaves out.
      if (setting === undefined && container.template.partial) continue;
      context.report({
        messageId: setting?.value === true ? "enabled" : "notDisabled",
        data: { container: container.name },
        object: container.template.object,
        pointer: setting?.pointer ?? effective.anchor,
      });
    }
  },
});
