import {
  allContainers,
  type ContainerRef,
  containersOf,
  defineRule,
  effectiveSecurityContext,
  isRecord,
  joinPointer,
  type PodTemplate,
  podTemplates,
  type RuleContext,
  specPointerOf,
} from "@scout-deploy/core";

/**
 * A pod-level runAsNonRoot: false or runAsUser: 0 that every container overrides is not reported
 * per container, yet the restricted profile rejects the pod for it, and a container added later
 * (kubectl debug) inherits it: report it on the pod's field.
 */
function reportOverriddenPodRoot(context: RuleContext, template: PodTemplate) {
  const podContext = template.spec.securityContext;
  if (!isRecord(podContext)) return;
  const overridden = (field: string) =>
    containersOf(template).every((ref) => {
      const own = ref.container.securityContext;
      return isRecord(own) && own[field] != null;
    });
  const pointer = (field: string) => specPointerOf(template, "securityContext", field);
  if (podContext.runAsNonRoot === false && overridden("runAsNonRoot")) {
    context.report({
      messageId: "podNotNonRoot",
      object: template.object,
      pointer: pointer("runAsNonRoot"),
    });
  }
  if (podContext.runAsUser === 0 && overridden("runAsUser")) {
    context.report({
      messageId: "podRootUser",
      object: template.object,
      pointer: pointer("runAsUser"),
    });
  }
}

/** Windows' root: the kubelet refuses it under runAsNonRoot as it refuses UID 0 on Linux. */
const WINDOWS_ADMIN = "containeradministrator";

/** The effective windowsOptions.runAsUserName: the container's, else the pod's, with its pointer. */
function windowsUserName(ref: ContainerRef): { value: string; pointer: string } | undefined {
  const places = [
    {
      context: ref.container.securityContext,
      pointer: joinPointer(ref.pointer, "securityContext"),
    },
    {
      context: ref.template.spec.securityContext,
      pointer: specPointerOf(ref.template, "securityContext"),
    },
  ];
  for (const { context, pointer } of places) {
    const options = isRecord(context) ? context.windowsOptions : undefined;
    const name = isRecord(options) ? options.runAsUserName : undefined;
    if (typeof name === "string") {
      return { value: name, pointer: joinPointer(pointer, "windowsOptions", "runAsUserName") };
    }
  }
  return undefined;
}

export const runAsNonRoot = defineRule({
  id: "pod/run-as-non-root",
  meta: {
    severity: "error",
    description: "Every container runs with runAsNonRoot: true and never as user 0.",
    remediation: "Set securityContext.runAsNonRoot: true and runAsUser: 1000.",
    guide: "Pod Security Standards: Non-root execution",
    messages: {
      notNonRoot: 'container "{{container}}" may run as root: runAsNonRoot is not true',
      rootUser: 'container "{{container}}" runs as root: runAsUser is 0',
      windowsAdmin:
        'container "{{container}}" runs as the Windows administrator: windowsOptions.runAsUserName is {{user}}',
      podNotNonRoot:
        "the pod sets runAsNonRoot: false; the restricted profile rejects it even when every container overrides it",
      podRootUser:
        "the pod sets runAsUser: 0; the restricted profile rejects it even when every container overrides it",
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      const effective = effectiveSecurityContext(container);
      const data = { container: container.name };
      const said = effective.runAsNonRoot !== undefined || !container.template.partial;
      if (said && effective.runAsNonRoot?.value !== true) {
        context.report({
          messageId: "notNonRoot",
          data,
          object: container.template.object,
          pointer: effective.runAsNonRoot?.pointer ?? effective.inheritedAnchor,
        });
      }
      const windowsUser = windowsUserName(container);
      if (windowsUser && windowsUser.value.toLowerCase() === WINDOWS_ADMIN) {
        context.report({
          messageId: "windowsAdmin",
          data: { ...data, user: windowsUser.value },
          object: container.template.object,
          pointer: windowsUser.pointer,
        });
      }
      if (effective.runAsUser?.value === 0) {
        context.report({
          messageId: "rootUser",
          data,
          object: container.template.object,
          pointer: effective.runAsUser.pointer,
        });
      }
    }
    for (const template of podTemplates(context.bundle)) {
      reportOverriddenPodRoot(context, template);
    }
  },
});
