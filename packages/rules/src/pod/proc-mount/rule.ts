import { defineRule, joinPointer, type PodTemplate, podTemplates } from "@scout-deploy/core";
import { placeOf, securityContextsOf } from "../../support/index.js";

/** The values the API server accepts (ValidateProcMountType); any other refuses the object. */
const SUPPORTED = new Set(["Default", "Unmasked"]);

/** A pod with `hostUsers: false` runs in its own user namespace: only there may /proc be unmasked. */
function hasOwnUserNamespace(template: PodTemplate): boolean {
  return template.spec.hostUsers === false;
}

/** Which finding a procMount value gets, or undefined when it keeps /proc masked. */
function findingFor(value: unknown, ownUserNamespace: boolean) {
  if (value === undefined || value === null || value === "Default") return undefined;
  if (!SUPPORTED.has(String(value)))
    return { messageId: "notSupported", severity: "error" } as const;
  if (!ownUserNamespace) return { messageId: "refused", severity: "error" } as const;
  return { messageId: "unmasked", severity: "warning" } as const;
}

export const procMount = defineRule({
  id: "pod/proc-mount",
  meta: {
    severity: "error",
    description:
      "No container unmasks /proc: procMount is unset or Default (Pod Security Standards, restricted; baseline outside a user namespace).",
    remediation: "Remove securityContext.procMount (or set it to Default).",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      refused:
        "{{place}} sets procMount: Unmasked in a pod that shares the node's user namespace: the API server refuses the object (hostUsers must be false to use Unmasked)",
      notSupported:
        '{{place}} sets procMount: "{{value}}": the API server refuses the object (supported values: Default, Unmasked)',
      unmasked:
        "{{place}} sets procMount: Unmasked; the pod's own user namespace (hostUsers: false) satisfies the baseline profile, but the restricted profile still rejects it: only Default keeps the kernel's /proc paths masked",
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      const ownUserNamespace = hasOwnUserNamespace(template);
      for (const at of securityContextsOf(template)) {
        if (at.container === undefined) continue;
        const finding = findingFor(at.context.procMount, ownUserNamespace);
        if (finding === undefined) continue;
        context.report({
          ...finding,
          data: { place: placeOf(at), value: String(at.context.procMount) },
          object: template.object,
          pointer: joinPointer(at.pointer, "procMount"),
        });
      }
    }
  },
});
