import { defineRule, joinPointer, podTemplates } from "@scout-deploy/core";
import { placeOf, securityContextsOf } from "../../support/index.js";

export const procMount = defineRule({
  id: "pod/proc-mount",
  meta: {
    severity: "error",
    description:
      "No container unmasks /proc: procMount is unset or Default (Pod Security Standards, baseline).",
    remediation: "Remove securityContext.procMount (or set it to Default).",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      unmasked:
        "{{place}} sets procMount: {{value}}; only Default keeps the kernel's /proc paths masked",
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      for (const at of securityContextsOf(template)) {
        const value = at.context.procMount;
        if (at.container === undefined || value === undefined || value === "Default") continue;
        context.report({
          messageId: "unmasked",
          data: { place: placeOf(at), value: String(value) },
          object: template.object,
          pointer: joinPointer(at.pointer, "procMount"),
        });
      }
    }
  },
});
