import {
  containersOf,
  isRecord,
  joinPointer,
  type PodTemplate,
  specPointerOf,
} from "@scout-deploy/core";

/** One securityContext of a pod template: the pod's own, or one container's. */
export interface SecurityContextAt {
  template: PodTemplate;
  /** The container's name, undefined for the pod-level context. */
  container?: string;
  context: Record<string, unknown>;
  pointer: string;
}

/**
 * Every securityContext a pod template sets, the pod's first. The Pod Security Standards judge
 * each place a field may be set, not only the effective value: a pod-level field also applies to
 * the pod's volumes and to containers added later.
 */
export function securityContextsOf(template: PodTemplate): SecurityContextAt[] {
  const result: SecurityContextAt[] = [];
  if (isRecord(template.spec.securityContext)) {
    result.push({
      template,
      context: template.spec.securityContext,
      pointer: specPointerOf(template, "securityContext"),
    });
  }
  for (const ref of containersOf(template)) {
    if (!isRecord(ref.container.securityContext)) continue;
    result.push({
      template,
      container: ref.name,
      context: ref.container.securityContext,
      pointer: joinPointer(ref.pointer, "securityContext"),
    });
  }
  return result;
}

/** How a finding names the place: `container "api"` or `the pod`. */
export function placeOf(at: SecurityContextAt): string {
  return at.container === undefined ? "the pod" : `container "${at.container}"`;
}
