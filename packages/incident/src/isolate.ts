import {
  type BundleObject,
  type ComponentSettings,
  type CoreSettings,
  componentOf,
  describeRef,
  isRecord,
  podTemplateOf,
} from "@scout-deploy/core";
import type { Manifest } from "@scout-deploy/secrets";

export const DENY_ALL_POLICY_NAME = "scout-incident-deny-all";
export const ISOLATED_LABEL = "scout-deploy.io/isolated";

const SCALABLE = new Set([
  "Deployment",
  "StatefulSet",
  "ReplicaSet",
  "ReplicationController",
  // Custom workloads with spec.replicas (Argo Rollouts, OpenKruise, OpenShift).
  "Rollout",
  "CloneSet",
  "DeploymentConfig",
]);
const SUSPENDABLE = new Set(["Job", "CronJob"]);

export interface Isolation {
  manifests: Manifest[];
  notes: string[];
}

/**
 * The guide's first step on a breach, "Isolate affected pods: Scale down to 0 replicas", as
 * partial objects for server-side apply: replicas 0 for scalable workloads, `suspend: true` for
 * Jobs and CronJobs, an unsatisfiable nodeSelector for DaemonSets (they cannot be scaled), and a
 * NetworkPolicy per namespace that selects every pod and allows nothing in or out.
 */
/** Which workloads are the application's (their component labels) and their default namespace. */
export type IsolationSettings = ComponentSettings & Pick<CoreSettings, "namespace">;

export function isolationPatch(
  objects: readonly BundleObject[],
  settings: IsolationSettings,
  namespace?: string,
): Isolation {
  const workloads = scoutWorkloads(objects, settings);
  const manifests: Manifest[] = [];
  const notes: string[] = [];
  const namespaces = new Set<string | undefined>();
  for (const object of workloads) {
    // An object without a namespace runs where it was applied (-n, or the context's namespace),
    // not necessarily the config's: its patch keeps none, so the same apply reaches it.
    const ns = namespace ?? object.ref.namespace;
    namespaces.add(ns);
    const patch = workloadPatch(object, ns);
    if (patch) manifests.push(patch);
    else
      notes.push(
        `${describeRef(object.ref)} cannot be scaled: delete it (kubectl delete ${resourceOf(object)} ${object.ref.name ?? ""})`,
      );
  }
  if (workloads.length === 0) return { manifests, notes };
  for (const ns of [...namespaces].sort()) manifests.push(denyAllPolicy(ns));
  if (namespaces.has(undefined))
    notes.push(
      "some objects name no namespace: apply the patch with the -n (or kubectl context) they were applied with",
    );
  for (const hpa of autoscalersOf(objects, workloads)) {
    notes.push(
      `${describeRef(hpa.ref)} would scale its target back up: delete it for the duration`,
    );
  }
  notes.unshift(
    `isolating ${workloads.length} workload(s); apply with: kubectl apply --server-side --field-manager=scout-incident --force-conflicts -f <this file>`,
  );
  return { manifests, notes };
}

/** The kubectl resource of an object: `pod`, or `service.serving.knative.dev` for a group's kind. */
function resourceOf(object: BundleObject): string {
  const { apiVersion, kind } = object.value;
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  return group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase();
}

/** Scout's workloads: those with a component label; when none has one, every workload. */
export function scoutWorkloads(
  objects: readonly BundleObject[],
  settings: IsolationSettings,
): BundleObject[] {
  const workloads = objects.filter(
    (o) => podTemplateOf(o) !== undefined && o.value.kind !== "PodTemplate",
  );
  const scout = workloads.filter((o) => componentOf(o, settings) !== undefined);
  return scout.length > 0 ? scout : workloads;
}

/** Whether `incident isolate` can take the workload down (scale, suspend, unschedule) or only name it. */
export function isolationTakesDown(object: BundleObject): boolean {
  return workloadPatch(object, undefined) !== undefined;
}

function workloadPatch(object: BundleObject, namespace: string | undefined): Manifest | undefined {
  const { kind, apiVersion } = object.value;
  const metadata = { name: object.ref.name, ...(namespace ? { namespace } : {}) };
  if (SCALABLE.has(kind)) return { apiVersion, kind, metadata, spec: { replicas: 0 } };
  if (SUSPENDABLE.has(kind)) return { apiVersion, kind, metadata, spec: { suspend: true } };
  if (kind === "DaemonSet") {
    return {
      apiVersion,
      kind,
      metadata,
      spec: {
        template: { spec: { nodeSelector: { [ISOLATED_LABEL]: "no-node-has-this-label" } } },
      },
    };
  }
  return undefined;
}

function denyAllPolicy(namespace: string | undefined): Manifest {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: DENY_ALL_POLICY_NAME,
      ...(namespace ? { namespace } : {}),
      labels: { "app.kubernetes.io/managed-by": "scout-deploy", [ISOLATED_LABEL]: "true" },
    },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

function autoscalersOf(
  objects: readonly BundleObject[],
  workloads: readonly BundleObject[],
): BundleObject[] {
  const targets = new Set(workloads.map((w) => `${w.value.kind}/${w.ref.name}`));
  return objects.filter((o) => {
    if (o.value.kind !== "HorizontalPodAutoscaler") return false;
    const spec = isRecord(o.value.spec) ? o.value.spec : {};
    const ref = isRecord(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
    return targets.has(`${String(ref.kind)}/${String(ref.name)}`);
  });
}
