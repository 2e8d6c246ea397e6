import {
  type Bundle,
  type BundleObject,
  effectiveNamespace,
  isRecord,
  labelsOf,
  type PodTemplate,
  podTemplates,
} from "@scout-deploy/core";
import {
  NAMESPACE_NAME_LABEL,
  podLabelSets,
  UNKNOWN_LABEL_VALUE,
  unknownLabelsOf,
} from "@scout-deploy/netpol";

/**
 * An object the API server admits because of a workload of the input: the workload itself, the
 * objects its controllers create (a Deployment's ReplicaSets, a CronJob's Jobs) and its pods.
 * Mutating admission sees each of them; those the controllers create carry a name and some
 * labels only the cluster knows.
 */
export interface Admitted {
  /** The workload of the input it comes from. */
  workload: BundleObject;
  /** `group/resource` as admission rules name it ("pods", "apps/deployments"). */
  resource: string;
  kind: string;
  group: string;
  namespace: string;
  /** Undefined when the cluster chooses it (a generated name; admission sees it empty). */
  name: string | undefined;
  /** The object's labels, a value only the cluster knows as `UNKNOWN_LABEL_VALUE`. */
  labels: Record<string, string>;
  /** The keys among them whose values only the cluster knows. */
  unknownLabels: readonly string[];
  /** The object as written in the input, for a workload itself; undefined for what controllers make. */
  value: Record<string, unknown> | undefined;
}

/** The objects a controller of each kind creates between the workload and its pods. */
const MADE: Record<string, readonly string[]> = {
  Deployment: ["ReplicaSet"],
  CronJob: ["Job"],
};

/** The resource admission names (`group/resource`) for a kind of the core, apps and batch groups. */
export const ADMITTED_RESOURCES: Readonly<Record<string, string>> = {
  Pod: "pods",
  PodTemplate: "podtemplates",
  ReplicationController: "replicationcontrollers",
  Deployment: "apps/deployments",
  ReplicaSet: "apps/replicasets",
  StatefulSet: "apps/statefulsets",
  DaemonSet: "apps/daemonsets",
  Job: "batch/jobs",
  CronJob: "batch/cronjobs",
};

const groupOf = (resource: string) => (resource.includes("/") ? resource.split("/")[0]! : "");

/** Every object admitted for the input's workloads. */
export function admittedObjects(bundle: Bundle): Admitted[] {
  return podTemplates(bundle).flatMap((template) => admittedFor(bundle, template));
}

function admittedFor(bundle: Bundle, template: PodTemplate): Admitted[] {
  const { object } = template;
  const namespace = effectiveNamespace(bundle, object) ?? "default";
  const kind = object.value.kind;
  const out: Admitted[] = [];
  const own = ADMITTED_RESOURCES[kind];
  // A workload of another API (Argo Rollouts, OpenKruise) still makes pods, which are admitted.
  if (own && object.value.kind !== "Pod") {
    out.push({
      workload: object,
      resource: own,
      kind,
      group: groupOf(own),
      namespace,
      name: object.ref.name,
      labels: labelsOf(object.value.metadata),
      unknownLabels: [],
      value: object.value,
    });
  }
  for (const made of MADE[kind] ?? []) {
    const labels = madeLabels(object, template, made);
    const resource = ADMITTED_RESOURCES[made]!;
    out.push({
      workload: object,
      resource,
      kind: made,
      group: groupOf(resource),
      namespace,
      name: undefined,
      labels,
      unknownLabels: Object.keys(labels).filter((key) => labels[key] === UNKNOWN_LABEL_VALUE),
      value: undefined,
    });
  }
  const unknownLabels = unknownLabelsOf(object, template);
  for (const pod of podLabelSets(object, template)) {
    const bare = kind === "Pod";
    out.push({
      workload: object,
      resource: "pods",
      kind: "Pod",
      group: "",
      namespace,
      // A StatefulSet names its pods; other controllers have the API server generate names.
      name: bare ? object.ref.name : kind === "StatefulSet" ? pod.pod : undefined,
      labels: pod.labels,
      unknownLabels,
      value: bare ? object.value : undefined,
    });
  }
  return out;
}

/**
 * The labels of what a controller makes: a Deployment's ReplicaSet carries the template's labels
 * and `pod-template-hash`; a CronJob's Job those of its jobTemplate.
 */
function madeLabels(
  object: BundleObject,
  template: PodTemplate,
  kind: string,
): Record<string, string> {
  if (kind === "ReplicaSet")
    return { ...labelsOf(template.metadata), "pod-template-hash": UNKNOWN_LABEL_VALUE };
  const spec = isRecord(object.value.spec) ? object.value.spec : {};
  return labelsOf(isRecord(spec.jobTemplate) ? spec.jobTemplate.metadata : undefined);
}

/** A namespace's labels as admission's namespaceSelector sees them: its object's, and its name label. */
export function namespaceLabels(bundle: Bundle, namespace: string): Record<string, string> {
  const object = bundle.objects.find(
    (o) => o.value.kind === "Namespace" && o.ref.name === namespace,
  );
  return { ...labelsOf(object?.value.metadata), [NAMESPACE_NAME_LABEL]: namespace };
}

/** Whether the bundle holds the Namespace object (its labels are then known whole). */
export function namespaceKnown(bundle: Bundle, namespace: string): boolean {
  return bundle.objects.some((o) => o.value.kind === "Namespace" && o.ref.name === namespace);
}
