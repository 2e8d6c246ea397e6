import {
  allContainers,
  defineRule,
  type EffectiveSecurityContext,
  effectiveSecurityContext,
  isRecord,
} from "@scout-deploy/core";
import { isWindowsPod } from "../../support/index.js";

/**
 * What lets a container escalate even with allowPrivilegeEscalation: false. The API server
 * rejects `false` beside `privileged: true` or an added CAP_SYS_ADMIN; the runtime grants the
 * capability whether it is spelt with or without the `CAP_` prefix, and `ALL` includes it.
 */
function escalatesAnyway(effective: EffectiveSecurityContext): string | undefined {
  if (effective.privileged?.value === true) return "privileged: true";
  const capabilities = effective.capabilities?.value;
  const add = isRecord(capabilities) && Array.isArray(capabilities.add) ? capabilities.add : [];
  const sysAdmin = add.find((capability) => {
    if (typeof capability !== "string") return false;
    const name = capability.toUpperCase().replace(/^CAP_/, "");
    return name === "SYS_ADMIN" || name === "ALL";
  });
  return sysAdmin === undefined ? undefined : `capabilities.add ${sysAdmin}`;
}

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
      voided:
        'container "{{container}}" sets allowPrivilegeEscalation: false, but {{cause}} lets it escalate anyway',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      if (isWindowsPod(container.template)) continue;
      const effective = effectiveSecurityContext(container);
      const setting = effective.allowPrivilegeEscalation;
      const data = { container: container.name };
      if (setting?.value === false) {
        const cause = escalatesAnyway(effective);
        if (cause === undefined) continue;
        context.report({
          messageId: "voided",
          data: { ...data, cause },
          object: container.template.object,
          pointer: setting.pointer,
        });
        continue;
      }
      context.report({
        messageId: setting?.value === true ? "enabled" : "notDisabled",
        data,
        object: container.template.object,
        pointer: setting?.pointer ?? effective.anchor,
      });
    }
  },
});
