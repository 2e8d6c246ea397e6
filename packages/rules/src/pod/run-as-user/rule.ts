import { allContainers, defineRule, effectiveSecurityContext } from "@scout-deploy/core";
import { guideSettings } from "../../settings.js";
import { isWindowsPod } from "../../support/index.js";

/** A UID as written: a quoted "1000" is a string the API server refuses, not user 1000. */
function shown(value: unknown): string {
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

export const runAsUser = defineRule({
  id: "pod/run-as-user",
  meta: {
    severity: "error",
    description:
      "Every container runs as the expected user ID (policy.settings.expectedUid, 1000).",
    remediation:
      "Set securityContext.runAsUser to the expected UID (1000) on the pod or the container.",
    guide: "Pod Security Standards: Non-root execution",
    messages: {
      unset:
        'container "{{container}}" sets no runAsUser: the image decides the user, expected {{expected}}',
      wrongUid: 'container "{{container}}" runs as user {{actual}}, expected {{expected}}',
    },
  },
  check(context) {
    const { expectedUid: expected } = guideSettings(context.settings);
    for (const container of allContainers(context.bundle)) {
      // The API server forbids the field on a Windows pod: a finding could never be fixed.
      if (isWindowsPod(container.template)) continue;
      const effective = effectiveSecurityContext(container);
      const setting = effective.runAsUser;
      if (setting?.value === expected) continue;
      if (setting === undefined && container.template.partial) continue;
      context.report({
        messageId: setting ? "wrongUid" : "unset",
        data: { container: container.name, expected, actual: shown(setting?.value) },
        object: container.template.object,
        pointer: setting?.pointer ?? effective.inheritedAnchor,
        // UID 0 is root: pod/run-as-non-root's finding on the same field says it.
        ...(setting?.value === 0 ? { yieldsTo: ["pod/run-as-non-root"] } : {}),
      });
    }
  },
});
