import {
  allContainers,
  defineRule,
  effectiveSecurityContext,
  isRecord,
  joinPointer,
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
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      if (isWindowsPod(container.template)) continue;
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
        } else {
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
