import {
  type ContainerRef,
  containersOf,
  defineRule,
  effectiveSecurityContext,
  isRecord,
  joinPointer,
  metadataPointerOf,
  type PodTemplate,
  podTemplates,
  type RuleContext,
  specPointerOf,
} from "@scout-deploy/core";
import { isWindowsPod, placeOf, securityContextsOf } from "../../support/index.js";

const ALLOWED = new Set(["RuntimeDefault", "Localhost"]);
/** Explicitly turning seccomp off is what the baseline profile forbids: an error, not a warning. */
const UNCONFINED = "Unconfined";
const POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

/** A seccomp profile type and the pointer of the field that set it. */
interface Profile {
  type: unknown;
  pointer: string;
}

function typeOf(profile: unknown): unknown {
  return isRecord(profile) ? profile.type : undefined;
}

/**
 * The deprecated seccomp annotation the pod template sets for a container (its own, else the
 * pod's), if any. Kubernetes 1.27 stopped copying these into the fields and the kubelet stopped
 * reading them (kubernetes/kubernetes#114947): they decide nothing, and only explain a missing
 * profile to whoever wrote one.
 */
function ignoredAnnotation(ref: ContainerRef): { key: string; pointer: string } | undefined {
  const annotations = isRecord(ref.template.metadata.annotations)
    ? ref.template.metadata.annotations
    : {};
  const key = [CONTAINER_ANNOTATION_PREFIX + ref.name, POD_ANNOTATION].find(
    (k) => annotations[k] !== undefined,
  );
  if (key === undefined) return undefined;
  return { key, pointer: metadataPointerOf(ref.template, "annotations", key) };
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
    return fieldProfile(podContext.seccompProfile, specPointerOf(template, "securityContext"));
  }
  return undefined;
}

/** The container's own field, else the pod's field. */
function containerProfile(ref: ContainerRef): Profile | undefined {
  const own = ref.container.securityContext;
  if (isRecord(own) && own.seccompProfile != null) {
    return fieldProfile(own.seccompProfile, joinPointer(ref.pointer, "securityContext"));
  }
  return podProfile(ref.template);
}

/**
 * A Windows pod has no seccomp: the API server refuses a seccompProfile on it (validateWindows:
 * "cannot be set for a windows pod"), and the baseline profile rejects an Unconfined one whatever
 * the OS. The restricted profile asks for none there, so a missing one is no finding.
 */
function reportWindowsProfiles(context: RuleContext, template: PodTemplate) {
  for (const at of securityContextsOf(template)) {
    if (at.context.seccompProfile == null) continue;
    context.report({
      messageId: "refused",
      data: { place: placeOf(at), reason: "seccompProfile cannot be set for a windows pod" },
      object: template.object,
      pointer: joinPointer(at.pointer, "seccompProfile"),
      severity: "error",
    });
  }
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
/**
 * Why the API server refuses a field beside the deprecated annotation of the same place, if it
 * does (validateSeccompAnnotationsAndFieldsMatch): ignored as they are, both must still agree.
 */
function mismatch(profile: unknown, annotation: unknown): string | undefined {
  if (!isRecord(profile) || typeof annotation !== "string") return undefined;
  const agrees =
    profile.type === "Unconfined"
      ? annotation === "unconfined"
      : profile.type === "RuntimeDefault"
        ? annotation === "runtime/default" || annotation === "docker/default"
        : profile.type === "Localhost"
          ? annotation === `localhost/${String(profile.localhostProfile)}`
          : true;
  return agrees
    ? undefined
    : `the seccomp annotation says "${annotation}": annotation and field must match`;
}

/** The deprecated annotation for the place of a securityContext: the pod's, or the container's. */
function annotationAt(template: PodTemplate, container: string | undefined): unknown {
  const annotations = isRecord(template.metadata.annotations) ? template.metadata.annotations : {};
  return annotations[
    container === undefined ? POD_ANNOTATION : CONTAINER_ANNOTATION_PREFIX + container
  ];
}

function reportRefusedProfiles(context: RuleContext, template: PodTemplate) {
  for (const at of securityContextsOf(template)) {
    const reason =
      refusal(at.context.seccompProfile) ??
      mismatch(at.context.seccompProfile, annotationAt(template, at.container));
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
      annotationIgnored:
        'container "{{container}}" has no seccomp profile: the annotation {{annotation}} has been ignored since Kubernetes 1.27 (set securityContext.seccompProfile); it runs Unconfined unless the kubelet defaults it',
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
      if (isWindowsPod(template)) {
        reportWindowsProfiles(context, template);
        continue;
      }
      reportRefusedProfiles(context, template);
      for (const container of containersOf(template)) {
        const profile = containerProfile(container);
        const type = profile?.type;
        if (typeof type === "string" && ALLOWED.has(type)) continue;
        if (profile === undefined && template.partial) continue;
        const known = profile !== undefined && type !== undefined;
        const annotation = profile === undefined ? ignoredAnnotation(container) : undefined;
        context.report({
          messageId: known ? "notAllowed" : annotation ? "annotationIgnored" : "unset",
          data: {
            container: container.name,
            type: String(type),
            // Only where it is named: the data is part of every other finding's fingerprint.
            ...(annotation ? { annotation: annotation.key } : {}),
          },
          object: template.object,
          pointer:
            profile?.pointer ??
            annotation?.pointer ??
            effectiveSecurityContext(container).inheritedAnchor,
          ...(type === UNCONFINED ? { severity: "error" as const } : {}),
        });
      }
      reportOverriddenPodUnconfined(context, template);
    }
  },
});
