import {
  allContainers,
  defineRule,
  effectiveSecurityContext,
  isRecord,
  joinPointer,
} from "@scout-deploy/core";

const ALLOWED = new Set(["RuntimeDefault", "Localhost"]);

export const seccompProfile = defineRule({
  id: "pod/seccomp-profile",
  meta: {
    severity: "warning",
    description:
      "Every container's effective seccomp profile is RuntimeDefault or Localhost (Pod Security Standards, restricted).",
    remediation: "Set securityContext.seccompProfile.type: RuntimeDefault on the pod.",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      unset:
        'container "{{container}}" has no seccomp profile: it runs Unconfined unless the kubelet defaults it',
      notAllowed:
        'container "{{container}}" uses seccomp profile "{{type}}"; use RuntimeDefault or Localhost',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      const effective = effectiveSecurityContext(container);
      const setting = effective.seccompProfile;
      const type = isRecord(setting?.value) ? setting.value.type : undefined;
      if (typeof type === "string" && ALLOWED.has(type)) continue;
      const known = setting && type !== undefined;
      context.report({
        messageId: known ? "notAllowed" : "unset",
        data: { container: container.name, type: String(type) },
        object: container.template.object,
        pointer: known
          ? joinPointer(setting.pointer, "type")
          : (setting?.pointer ?? effective.anchor),
      });
    }
  },
});
