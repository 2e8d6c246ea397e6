import {
  allContainers,
  containersOf,
  defineRule,
  effectiveSecurityContext,
  isRecord,
  joinPointer,
  type PodTemplate,
  podTemplates,
  type RuleContext,
} from "@scout-deploy/core";
import { isWindowsPod } from "../../support/index.js";

const ALLOWED = new Set(["RuntimeDefault", "Localhost"]);
/** Explicitly turning seccomp off is what the baseline profile forbids: an error, not a warning. */
const UNCONFINED = "Unconfined";

function typeOf(profile: unknown): unknown {
  return isRecord(profile) ? profile.type : undefined;
}

/**
 * A pod-level Unconfined that every container overrides is not reported per container, yet the
 * baseline profile still rejects the pod; report it on the pod's field.
 */
function reportOverriddenPodUnconfined(context: RuleContext, template: PodTemplate) {
  const podContext = template.spec.securityContext;
  if (!isRecord(podContext) || typeOf(podContext.seccompProfile) !== UNCONFINED) return;
  const inherits = containersOf(template).some((ref) => {
    const own = ref.container.securityContext;
    return !isRecord(own) || own.seccompProfile === undefined;
  });
  if (inherits) return;
  context.report({
    messageId: "podUnconfined",
    object: template.object,
    pointer: joinPointer(template.specPointer, "securityContext", "seccompProfile", "type"),
    severity: "error",
  });
}

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
      podUnconfined:
        "the pod sets seccomp profile Unconfined; the baseline profile rejects it even when every container overrides it",
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      if (isWindowsPod(container.template)) continue;
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
        ...(type === UNCONFINED ? { severity: "error" as const } : {}),
      });
    }
    for (const template of podTemplates(context.bundle)) {
      reportOverriddenPodUnconfined(context, template);
    }
  },
});
