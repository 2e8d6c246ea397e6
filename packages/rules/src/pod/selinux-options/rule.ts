import {
  defineRule,
  isRecord,
  joinPointer,
  kubernetesMinor,
  podTemplates,
} from "@scout-deploy/core";
import { placeOf, securityContextsOf } from "../../support/index.js";

/** The SELinux types the Pod Security Standards (baseline) allow; "" and unset mean the default. */
const ALLOWED_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t"]);
/** Pod Security admission allows it from Kubernetes 1.31 on (seLinuxOptions1_31). */
const ENGINE_TYPE = "container_engine_t";

/** The allowed types of the targeted Kubernetes version (the newest bundled when unset). */
function allowedTypesFor(kubernetesVersion: string | undefined): Set<string> {
  const minor = kubernetesMinor(kubernetesVersion);
  return minor === undefined || minor >= 31
    ? new Set([...ALLOWED_TYPES, ENGINE_TYPE])
    : ALLOWED_TYPES;
}

export const selinuxOptions = defineRule({
  id: "pod/selinux-options",
  meta: {
    severity: "error",
    description:
      "seLinuxOptions keep the container domain: type only container_t, container_init_t, container_kvm_t or container_engine_t, no user or role (Pod Security Standards, baseline).",
    remediation:
      "Remove seLinuxOptions.user and .role, and set .type to container_t (or leave it unset).",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      type: '{{place}} runs in the SELinux type "{{value}}", outside the container domain',
      custom: "{{place}} sets seLinuxOptions.{{field}}; a custom SELinux {{field}} is not allowed",
    },
  },
  check(context) {
    const allowedTypes = allowedTypesFor(context.kubernetesVersion);
    for (const template of podTemplates(context.bundle)) {
      for (const at of securityContextsOf(template)) {
        const options = at.context.seLinuxOptions;
        if (!isRecord(options)) continue;
        const base = joinPointer(at.pointer, "seLinuxOptions");
        const type = options.type;
        if (type !== undefined && !(typeof type === "string" && allowedTypes.has(type))) {
          context.report({
            messageId: "type",
            data: { place: placeOf(at), value: String(type) },
            object: template.object,
            pointer: joinPointer(base, "type"),
          });
        }
        for (const field of ["user", "role"] as const) {
          if (options[field] === undefined || options[field] === "") continue;
          context.report({
            messageId: "custom",
            data: { place: placeOf(at), field },
            object: template.object,
            pointer: joinPointer(base, field),
          });
        }
      }
    }
  },
});
