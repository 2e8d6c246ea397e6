import { CUSTOM_POD_TEMPLATE_KINDS, POD_TEMPLATE_KINDS } from "@scout-deploy/core";

type Json = Record<string, unknown>;

/** The apiVersion of each kind that carries a pod template (core's podTemplateOf knows them all). */
const API_VERSIONS: Readonly<Record<string, string>> = {
  Pod: "v1",
  PodTemplate: "v1",
  ReplicationController: "v1",
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  ReplicaSet: "apps/v1",
  Job: "batch/v1",
  CronJob: "batch/v1",
  "argoproj.io/Rollout": "argoproj.io/v1alpha1",
  "apps.kruise.io/CloneSet": "apps.kruise.io/v1alpha1",
  "apps.kruise.io/DaemonSet": "apps.kruise.io/v1alpha1",
  "apps.kruise.io/StatefulSet": "apps.kruise.io/v1beta1",
  "apps.openshift.io/DeploymentConfig": "apps.openshift.io/v1",
  "keda.sh/ScaledJob": "keda.sh/v1alpha1",
  "serving.knative.dev/Service": "serving.knative.dev/v1",
  "serving.knative.dev/Configuration": "serving.knative.dev/v1",
  // A kind nobody lists: judged because its spec.template.spec has containers.
  "example.com/Worker": "example.com/v1",
};

/** Every kind a generated pod is wrapped in: the built-in ones, the custom ones, one unlisted. */
export const WRAPPING_KINDS: readonly string[] = [
  ...POD_TEMPLATE_KINDS,
  ...CUSTOM_POD_TEMPLATE_KINDS,
  "example.com/Worker",
];

const WORKLOAD_ONLY_ANNOTATIONS = {
  "container.apparmor.security.beta.kubernetes.io/c0": "unconfined",
  "container.apparmor.security.beta.kubernetes.io/c1": "unconfined",
};

const RUN_TO_COMPLETION = new Set(["Job", "CronJob", "keda.sh/ScaledJob"]);

/** The object of `kind` named `name` whose pods have this metadata and spec. */
export function wrap(kind: string, name: string, meta: Json, spec: Json): Json {
  const apiVersion = API_VERSIONS[kind];
  if (!apiVersion) throw new Error(`no apiVersion for ${kind}`);
  const labels = { "app.kubernetes.io/name": name };
  const podSpec = { ...spec, restartPolicy: RUN_TO_COMPLETION.has(kind) ? "Never" : "Always" };
  const template = { metadata: { ...meta, labels }, spec: podSpec };
  // The workload's own annotations do not reach its pods: a rule that read them would be wrong.
  const head = {
    apiVersion,
    kind: kind.split("/").at(-1),
    metadata: { name, namespace: "scout", annotations: WORKLOAD_ONLY_ANNOTATIONS },
  };
  const controller = { selector: { matchLabels: labels }, template };
  switch (kind) {
    case "Pod":
      return { ...head, metadata: { name, namespace: "scout", ...meta, labels }, spec: podSpec };
    case "PodTemplate":
      return { ...head, template };
    case "ReplicationController":
      return { ...head, spec: { selector: labels, template } };
    case "StatefulSet":
      return { ...head, spec: { ...controller, serviceName: name } };
    case "Job":
      return { ...head, spec: { template } };
    case "CronJob":
      return { ...head, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template } } } };
    case "keda.sh/ScaledJob":
      return { ...head, spec: { jobTargetRef: { template } } };
    case "serving.knative.dev/Service":
    case "serving.knative.dev/Configuration":
    case "example.com/Worker":
      return { ...head, spec: { template } };
    default:
      return { ...head, spec: controller };
  }
}
