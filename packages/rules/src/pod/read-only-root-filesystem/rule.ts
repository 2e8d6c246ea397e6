import {
  allContainers,
  containersOf,
  defineRule,
  effectiveSecurityContext,
  podTemplates,
  specPointerOf,
} from "@scout-deploy/core";
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
      windowsPod:
        "the pod runs on Windows (spec.os.name: windows), where every container has a writable root filesystem ({{containers}}), readOnlyRootFilesystem being a Linux-only field: the guide's read-only root needs a Linux pod",
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      if (!isWindowsPod(template)) continue;
      // A container that sets the field anyway is refused by the API server (input/schema says so).
      const writable = containersOf(template).filter(
        (ref) => effectiveSecurityContext(ref).readOnlyRootFilesystem === undefined,
      );
      if (writable.length === 0) continue;
      context.report({
        messageId: "windowsPod",
        data: { containers: writable.map((ref) => `"${ref.name}"`).join(", ") },
        object: template.object,
        pointer: specPointerOf(template, "os", "name"),
      });
    }
    for (const container of allContainers(context.bundle)) {
      // One finding per Windows pod, above: the fix is the pod's OS, not a container's field.
      if (isWindowsPod(container.template)) continue;
      const effective = effectiveSecurityContext(container);
      if (effective.readOnlyRootFilesystem?.value === true) continue;
      if (effective.readOnlyRootFilesystem === undefined && container.template.partial) continue;
      context.report({
        messageId: "writableRoot",
        data: { container: container.name },
        object: container.template.object,
        pointer: effective.readOnlyRootFilesystem?.pointer ?? effective.anchor,
      });
    }
  },
});
