import {
  type ContainerRef,
  containersOf,
  defineRule,
  effectiveSecurityContext,
  isRecord,
  joinPointer,
  type PodTemplate,
  podTemplates,
  type RuleContext,
} from "@scout-deploy/core";
import { isWindowsPod, placeOf, securityContextsOf } from "../../support/index.js";

const ALLOWED = new Set(["RuntimeDefault", "Localhost"]);
/** Explicitly turning seccomp off is what the baseline profile forbids: an error, not a warning. */
const UNCONFINED = "Unconfined";
const POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

/** A seccomp profile type and the pointer of the field or annotation that set it. */
interface Profile {
  type: unknown;
  pointer: string;
}

function typeOf(profile: unknown): unknown {
  return isRecord(profile) ? profile.type : undefined;
}

/** The profile type a deprecated seccomp annotation value stands for, as the API server maps it. */
function annotationType(value: unknown): string | undefined {
  if (value === "runtime/default" || value === "docker/default") return "RuntimeDefault";
  if (value === "unconfined") return UNCONFINED;
  if (typeof value === "string" && value.startsWith("localhost/")) return "Localhost";
  return undefined;
}

/**
 * The profile the deprecated annotation `key` of the pod template gives, if any. When a pod is
 * created (by hand or by a controller from its template) the API server copies each annotation
 * into the matching seccompProfile field that is unset, so the annotation still decides.
 */
function annotationProfile(template: PodTemplate, key: string): Profile | undefined {
  const annotations = isRecord(template.metadata.annotations) ? template.metadata.annotations : {};
  const type = annotationType(annotations[key]);
  if (type === undefined) return undefined;
  return { type, pointer: joinPointer(template.metadataPointer, "annotations", key) };
}

/** A seccompProfile field: the finding goes on its type, or on the field when it has none. */
function fieldProfile(field: unknown, contextPointer: string): Profile {
  const pointer = joinPointer(contextPointer, "seccompProfile");
  const type = typeOf(field);
  return { type, pointer: type === undefined ? pointer : joinPointer(pointer, "type") };
}

function podProfile(template: PodTemplate): Profile | undefined {
  const podContext = template.spec.securityContext;
  if (isRecord(podContext) && podContext.seccompProfile != null) {
    return fieldProfile(
      podContext.seccompProfile,
      joinPointer(template.specPointer, "securityContext"),
    );
  }
  return annotationProfile(template, POD_ANNOTATION);
}

/** The container's own field, else its annotation, else the pod's field, else the pod's annotation. */
function containerProfile(ref: ContainerRef): Profile | undefined {
  const own = ref.container.securityContext;
  if (isRecord(own) && own.seccompProfile != null) {
    return fieldProfile(own.seccompProfile, joinPointer(ref.pointer, "securityContext"));
  }
  return (
    annotationProfile(ref.template, CONTAINER_ANNOTATION_PREFIX + ref.name) ??
    podProfile(ref.template)
  );
}

/**
 * A pod-level Unconfined that every container overrides is not reported per container, yet the
 * baseline profile still rejects the pod; report it on the pod's field.
 */
function reportOverriddenPodUnconfined(context: RuleContext, template: PodTemplate) {
  const pod = podProfile(template);
  if (pod?.type !== UNCONFINED) return;
  const inherits = containersOf(template).some(
    (ref) => containerProfile(ref)?.pointer === pod.pointer,
  );
  if (inherits) return;
  context.report({
    messageId: "podUnconfined",
    object: template.object,
    pointer: pod.pointer,
    severity: "error",
  });
}

/**
 * Why the API server refuses a seccompProfile field (validateSeccompProfileField), if it does:
 * Localhost names a profile file on the node, so the file's path is required, and only there,
 * and it must stay below the kubelet's seccomp directory.
 */
function refusal(profile: unknown): string | undefined {
  if (!isRecord(profile)) return undefined;
  const named = profile.localhostProfile != null;
  if (profile.type === "Localhost" && !named) {
    return "localhostProfile must be set when seccomp type is Localhost";
  }
  if (profile.type !== "Localhost" && named) {
    return "localhostProfile can only be set when seccomp type is Localhost";
  }
  // validateLocalDescendingPath: the file lies below the kubelet's seccomp directory.
  const path = profile.localhostProfile;
  if (typeof path === "string" && path.startsWith("/")) {
    return "localhostProfile must be a relative path";
  }
  if (typeof path === "string" && path.split("/").includes("..")) {
    return "localhostProfile must not contain '..'";
  }
  return undefined;
}

/** A refused field is one finding where it is set; the object never exists, so nothing it would run passes. */
function reportRefusedProfiles(context: RuleContext, template: PodTemplate) {
  for (const at of securityContextsOf(template)) {
    const reason = refusal(at.context.seccompProfile);
    if (reason === undefined) continue;
    context.report({
      messageId: "refused",
      data: { place: placeOf(at), reason },
      object: template.object,
      pointer: joinPointer(at.pointer, "seccompProfile"),
      severity: "error",
    });
  }
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
      refused:
        "{{place}} sets a seccompProfile the API server refuses ({{reason}}): the object is never created",
      podUnconfined:
        "the pod sets seccomp profile Unconfined; the baseline profile rejects it even when every container overrides it",
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      if (isWindowsPod(template)) continue;
      reportRefusedProfiles(context, template);
      for (const container of containersOf(template)) {
        const profile = containerProfile(container);
        const type = profile?.type;
        if (typeof type === "string" && ALLOWED.has(type)) continue;
        const known = profile !== undefined && type !== undefined;
        context.report({
          messageId: known ? "notAllowed" : "unset",
          data: { container: container.name, type: String(type) },
          object: template.object,
          pointer: profile?.pointer ?? effectiveSecurityContext(container).inheritedAnchor,
          ...(type === UNCONFINED ? { severity: "error" as const } : {}),
        });
      }
      reportOverriddenPodUnconfined(context, template);
    }
  },
});
