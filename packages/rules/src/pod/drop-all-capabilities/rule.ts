import {
  allContainers,
  type ContainerRef,
  defineRule,
  effectiveSecurityContext,
  isRecord,
  joinPointer,
  type RuleContext,
} from "@scout-deploy/core";
import { isWindowsPod } from "../../support/index.js";

export const dropAllCapabilities = defineRule({
  id: "pod/drop-all-capabilities",
  meta: {
    severity: "error",
    description: 'Every container drops "ALL" capabilities and adds none back.',
    remediation: 'Set securityContext.capabilities.drop: ["ALL"] and remove capabilities.add.',
    guide: "Pod Security Standards: Dropped capabilities",
    messages: {
      notDropped:
        'container "{{container}}" keeps the default capabilities: capabilities.drop lacks "ALL"',
      wrongCase:
        'container "{{container}}" drops "{{spelling}}": the restricted Pod Security Standard accepts only the exact spelling "ALL" and rejects the pod',
      added: 'container "{{container}}" adds capability {{capability}}',
      windows:
        'container "{{container}}" sets capabilities on a Windows pod: the API server refuses them ("cannot be set for a windows pod"), and Pod Security admission (baseline) rejects an added capability whatever the OS',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      if (isWindowsPod(container.template)) {
        reportWindowsCapabilities(context, container);
        continue;
      }
      const effective = effectiveSecurityContext(container);
      const setting = effective.capabilities;
      const capabilities = isRecord(setting?.value) ? setting.value : {};
      const base = setting?.pointer ?? effective.anchor;
      const report = (
        messageId: "notDropped" | "wrongCase" | "added",
        pointer: string,
        extra: Record<string, string> = {},
      ) =>
        context.report({
          messageId,
          data: { container: container.name, ...extra },
          object: container.template.object,
          pointer,
        });
      const drop = Array.isArray(capabilities.drop) ? capabilities.drop : [];
      if (!drop.includes("ALL")) {
        const misspelt = drop.findIndex((c) => typeof c === "string" && c.toUpperCase() === "ALL");
        if (misspelt >= 0) {
          report("wrongCase", joinPointer(base, "drop", misspelt), {
            spelling: String(drop[misspelt]),
          });
        } else if (capabilities.drop !== undefined || !container.template.partial) {
          report("notDropped", capabilities.drop !== undefined ? joinPointer(base, "drop") : base);
        }
      }
      const add = Array.isArray(capabilities.add) ? capabilities.add : [];
      add.forEach((capability, index) => {
        report("added", joinPointer(base, "add", index), { capability: String(capability) });
      });
    }
  },
});

/**
 * A Windows pod needs no dropped capabilities (Windows has none; the restricted profile skips the
 * check there), but the field itself is refused on it, and an added one is what the baseline
 * profile rejects on any pod: one finding where it is set.
 */
function reportWindowsCapabilities(context: RuleContext, container: ContainerRef) {
  const setting = effectiveSecurityContext(container).capabilities;
  if (setting === undefined) return;
  context.report({
    messageId: "windows",
    data: { container: container.name },
    object: container.template.object,
    pointer: setting.pointer,
  });
}
