import { allContainers, defineRule, effectiveSecurityContext } from "@scout-deploy/core";
import { isWindowsPod } from "../../support/index.js";

export const readOnlyRootFilesystem = defineRule({
  id: "pod/read-only-root-filesystem",
  meta: {
    severity: "error",
    description: "Every container mounts its root filesystem read-only.",
    remediation:
      "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir at /tmp for scratch files.",
    guide: "Pod Security Standards: Read-only filesystem",
    messages: {
      writableRoot:
        'container "{{container}}" has a writable root filesystem: readOnlyRootFilesystem is not true',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      // The API server forbids the field on a Windows pod: a finding could never be fixed.
      if (isWindowsPod(container.template)) continue;
      const effective = effectiveSecurityContext(container);
      if (effective.readOnlyRootFilesystem?.value === true) continue;
      context.report({
        messageId: "writableRoot",
        data: { container: container.name },
        object: container.template.object,
        pointer: effective.readOnlyRootFilesystem?.pointer ?? effective.anchor,
      });
    }
  },
});
