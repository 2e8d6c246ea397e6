import { isRecord } from "@scout-deploy/core";
import type { Labels, Workload } from "@scout-deploy/netpol";

/** Past this many replicas a StatefulSet's pods are not told apart (the labels only grow). */
const MAX_ORDINALS = 1000;

const cache = new WeakMap<Workload, Labels[]>();

/**
 * The labels a workload's pods really carry, one set per kind of pod: the template's, plus the
 * ones their controller adds that a manifest can name. A StatefulSet gives each pod
 * `statefulset.kubernetes.io/pod-name: <name>-<ordinal>` and `apps.kubernetes.io/pod-index`; a
 * Job's pods (the API server adds them to its template) carry `job-name` and
 * `batch.kubernetes.io/job-name` unless it sets `manualSelector`, and an Indexed Job's pods
 * `batch.kubernetes.io/job-completion-index`. Hashes and uids
 * (pod-template-hash, controller-uid) cannot be known before the cluster makes them.
 */
export function podLabelSets(workload: Workload): readonly Labels[] {
  let sets = cache.get(workload);
  if (!sets) {
    sets = labelSetsOf(workload);
    cache.set(workload, sets);
  }
  return sets;
}

function labelSetsOf(workload: Workload): Labels[] {
  const spec = isRecord(workload.object.value.spec) ? workload.object.value.spec : {};
  const apiVersion = workload.object.value.apiVersion;
  if (workload.kind === "StatefulSet" && apiVersion === "apps/v1") {
    return ordinalsOf(spec).map((ordinal) => ({
      ...workload.labels,
      "statefulset.kubernetes.io/pod-name": `${workload.name}-${ordinal}`,
      "apps.kubernetes.io/pod-index": String(ordinal),
    }));
  }
  if (workload.kind === "Job" && apiVersion === "batch/v1") {
    // The API server adds each job-name label the template does not set itself.
    const labels =
      spec.manualSelector === true
        ? workload.labels
        : {
            "job-name": workload.name,
            "batch.kubernetes.io/job-name": workload.name,
            ...workload.labels,
          };
    if (spec.completionMode !== "Indexed") return [labels];
    // An Indexed Job's controller labels each pod with its completion index.
    return countOf(spec.completions).map((index) => ({
      ...labels,
      "batch.kubernetes.io/job-completion-index": String(index),
    }));
  }
  return [workload.labels];
}

/**
 * A StatefulSet's ordinals: `spec.ordinals.start` on, `replicas` of them (1 when unset; a set
 * scaled to 0 still names its first pod, which comes back when it is scaled up).
 */
function ordinalsOf(spec: Record<string, unknown>): number[] {
  const start =
    isRecord(spec.ordinals) && Number.isInteger(spec.ordinals.start)
      ? (spec.ordinals.start as number)
      : 0;
  return countOf(spec.replicas).map((i) => start + i);
}

/** 0 to count - 1 (1 when unset; at least 1: a workload scaled to 0 comes back when scaled up). */
function countOf(value: unknown): number[] {
  const count = Number.isInteger(value) ? (value as number) : 1;
  return Array.from({ length: Math.min(Math.max(count, 1), MAX_ORDINALS) }, (_, i) => i);
}
