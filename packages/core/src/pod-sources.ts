import { readDocument } from "./goyaml/read.js";
import { asList, asRecord, isRecord, joinPointer } from "./pointer.js";

type Json = Record<string, unknown>;

/**
 * A pod a controller makes from a custom resource, as the controller assembles it: `spec` and
 * `metadata` are the pod's, `origins` says where in the object each of their fields was written
 * (a pointer inside the pod, "/spec/securityContext", to a pointer inside the object). A field
 * with no origin of its own belongs under the nearest ancestor that has one.
 */
export interface PodSource {
  specPointer: string;
  metadataPointer: string;
  spec: Json;
  metadata: Json;
  /** Which of the object's pods this is, when it makes several: "Worker", a template's name. */
  role?: string;
  /** Labels the controller puts on the pod whatever its template says, where their value is known. */
  controllerLabels?: Readonly<Record<string, string>>;
  /**
   * Labels the controller puts on the pod with values only the cluster knows (a generated
   * cluster name, an index, a hash): a selector comparing them may or may not match.
   */
  controllerLabelKeys?: readonly string[];
  origins?: ReadonlyMap<string, string>;
  /** Pods of a batch run (a workflow step, a training job): they end, so they need no probes. */
  runsToCompletion?: boolean;
  /**
   * Containers an operator merges over containers of its own (the Prometheus Operator's
   * `spec.containers`, an unknown custom resource's): judged on what they set, not on what they
   * leave out, since the operator may set it.
   */
  partial?: boolean;
}

/** One of the pod templates (PodTemplateSpecs) of a custom resource that holds several. */
function templateSource(
  path: Array<string | number>,
  value: unknown,
  batch: boolean,
  role: unknown,
): PodSource[] {
  if (!isRecord(value)) return [];
  const base = joinPointer("", ...path);
  return [
    {
      specPointer: joinPointer(base, "spec"),
      metadataPointer: joinPointer(base, "metadata"),
      spec: asRecord(value.spec),
      metadata: asRecord(value.metadata),
      role: String(role),
      ...(batch ? { runsToCompletion: true } : {}),
    },
  ];
}

/** Kubeflow's training jobs keep one PodTemplateSpec per replica type under `spec.<x>ReplicaSpecs`. */
const KUBEFLOW_REPLICA_SPECS: Readonly<Record<string, string>> = {
  PyTorchJob: "pytorchReplicaSpecs",
  TFJob: "tfReplicaSpecs",
  MPIJob: "mpiReplicaSpecs",
  XGBoostJob: "xgbReplicaSpecs",
  PaddleJob: "paddleReplicaSpecs",
  JAXJob: "jaxReplicaSpecs",
  MXJob: "mxReplicaSpecs",
};

function kubeflowSources(value: Json): PodSource[] {
  const field = KUBEFLOW_REPLICA_SPECS[String(value.kind)];
  if (!field) return [];
  const replicas = asRecord(asRecord(value.spec)[field]);
  return Object.entries(replicas).flatMap(([role, replica]) =>
    templateSource(["spec", field, role, "template"], asRecord(replica).template, true, role),
  );
}

/** A RayCluster's spec, inside a RayCluster, a RayJob or a RayService. */
function rayClusterSources(path: string[], cluster: unknown, batch: boolean): PodSource[] {
  const spec = asRecord(cluster);
  const head = asRecord(spec.headGroupSpec).template;
  return [
    ...templateSource([...path, "headGroupSpec", "template"], head, batch, "head"),
    ...asList(spec.workerGroupSpecs).flatMap((group, index) =>
      templateSource(
        [...path, "workerGroupSpecs", index, "template"],
        asRecord(group).template,
        batch,
        asRecord(group).groupName ?? `workers ${index}`,
      ),
    ),
  ];
}

function raySources(value: Json): PodSource[] {
  const spec = asRecord(value.spec);
  const submitter = ["spec", "submitterPodTemplate"];
  switch (value.kind) {
    case "RayCluster":
      return rayClusterSources(["spec"], spec, false);
    case "RayJob":
      return [
        ...rayClusterSources(["spec", "rayClusterSpec"], spec.rayClusterSpec, true),
        ...templateSource(submitter, spec.submitterPodTemplate, true, "submitter"),
      ];
    case "RayService":
      return rayClusterSources(["spec", "rayClusterConfig"], spec.rayClusterConfig, false);
    default:
      return [];
  }
}

function jobSetSources(value: Json): PodSource[] {
  if (value.kind !== "JobSet") return [];
  return asList(asRecord(value.spec).replicatedJobs).flatMap((job, index) =>
    templateSource(
      ["spec", "replicatedJobs", index, "template", "spec", "template"],
      asRecord(asRecord(asRecord(job).template).spec).template,
      true,
      asRecord(job).name ?? `job ${index}`,
    ),
  );
}

function leaderWorkerSetSources(value: Json): PodSource[] {
  if (value.kind !== "LeaderWorkerSet") return [];
  const template = asRecord(asRecord(value.spec).leaderWorkerTemplate);
  return ["leaderTemplate", "workerTemplate"].flatMap((role) =>
    templateSource(["spec", "leaderWorkerTemplate", role], template[role], false, role),
  );
}

function volcanoSources(value: Json): PodSource[] {
  if (value.kind !== "Job") return [];
  return asList(asRecord(value.spec).tasks).flatMap((task, index) =>
    templateSource(
      ["spec", "tasks", index, "template"],
      asRecord(task).template,
      true,
      asRecord(task).name ?? `task ${index}`,
    ),
  );
}

/** Builds a pod from pieces and remembers where each piece was written. */
class PodBuilder {
  readonly spec: Json = {};
  readonly metadata: Json = {};
  readonly origins = new Map<string, string>();

  constructor(specAnchor: string, metadataAnchor: string) {
    this.origins.set("/spec", specAnchor);
    this.origins.set("/metadata", metadataAnchor);
  }

  /** Sets a pod field from the first of the places that sets it (template before workflow). */
  field(name: string, ...candidates: Array<{ value: unknown; pointer: string }>): void {
    const found = candidates.find((c) => c.value != null);
    const first = candidates[0];
    if (first) this.origins.set(joinPointer("/spec", name), (found ?? first).pointer);
    if (found) this.spec[name] = found.value;
  }

  /** Appends items of a list (containers, volumes) from one place in the object. */
  append(name: string, items: Array<{ value: unknown; pointer: string }>): void {
    const current = asList(this.spec[name]);
    if (!this.origins.has(joinPointer("/spec", name)) && items[0]) {
      this.origins.set(joinPointer("/spec", name), items[0].pointer.replace(/\/[^/]*$/, ""));
    }
    for (const item of items) {
      this.origins.set(joinPointer("/spec", name, current.length), item.pointer);
      current.push(item.value);
    }
    this.spec[name] = current;
  }

  /** Adds labels and annotations, later places overriding earlier ones as the controller copies them. */
  meta(metadata: unknown, pointer: string): void {
    for (const key of ["labels", "annotations"]) {
      const entries = asRecord(asRecord(metadata)[key]);
      if (Object.keys(entries).length === 0) continue;
      this.metadata[key] = { ...asRecord(this.metadata[key]), ...entries };
      this.origins.set(joinPointer("/metadata", key), joinPointer(pointer, key));
      for (const name of Object.keys(entries)) {
        this.origins.set(joinPointer("/metadata", key, name), joinPointer(pointer, key, name));
      }
    }
  }

  /**
   * Applies a pod spec patch written at `pointer` as a strategic merge patch: containers and
   * volumes merge by name, maps field by field; what the patch sets is recorded as its own.
   */
  patch(patch: Json, pointer: string): void {
    Object.assign(this.spec, overlay(this.spec, patch, "/spec", pointer, this.origins));
  }

  /**
   * Points what was taken from `at` but written elsewhere (`moved`: a path under `at` to where it
   * was written, say a template default) at the place it was written.
   */
  relocate(at: string, moved: ReadonlyMap<string, string>): void {
    for (const [path, pointer] of [...this.origins]) {
      for (const [relative, written] of moved) {
        const full = at + relative;
        if (full === pointer || pointer.startsWith(`${full}/`)) {
          this.origins.set(path, written + pointer.slice(full.length));
        } else if (full.startsWith(`${pointer}/`)) {
          this.origins.set(path + full.slice(pointer.length), written);
        }
      }
    }
  }

  build(specPointer: string, metadataPointer: string, role: string): PodSource {
    this.spec.restartPolicy ??= "Never";
    return {
      specPointer,
      metadataPointer,
      role,
      spec: this.spec,
      metadata: this.metadata,
      origins: this.origins,
      runsToCompletion: true,
    };
  }
}

const at = (value: unknown, pointer: string) => ({ value, pointer });
const items = (value: unknown, pointer: string) =>
  asList(value).map((item, index) => at(item, joinPointer(pointer, index)));

/**
 * Argo Workflows: every template with a `container`, a `script` or a `containerSet` becomes one
 * pod. As the controller builds it (workflow/controller/workflowpod.go, `createWorkflowPod` and
 * `addSchedulingConstraints`): the template's `securityContext`, `serviceAccountName` and
 * `automountServiceAccountToken` replace the workflow's (no field-wise merge), `hostNetwork` is
 * the workflow's alone, the pod's volumes are the template's plus the workflow's that its
 * containers mount, and its labels are `podMetadata`'s overridden by the template's `metadata`.
 */
function argoSources(value: Json): PodSource[] {
  const base = value.kind === "CronWorkflow" ? "/spec/workflowSpec" : "/spec";
  const workflow = asRecord(
    value.kind === "CronWorkflow" ? asRecord(value.spec).workflowSpec : value.spec,
  );
  // Only a Workflow's pods carry a name the manifest knows; a CronWorkflow's runs are new ones.
  const name = value.kind === "Workflow" ? asRecord(value.metadata).name : undefined;
  const templates = asList(workflow.templates).flatMap((template, index) =>
    withInlineTemplates(asRecord(template), joinPointer(base, "templates", index), 0),
  );
  if (templates.length === 0 && isRecord(workflow.workflowTemplateRef)) {
    return [argoReferringPod(workflow, base, name)];
  }
  return templates.flatMap(({ template, pointer }) =>
    argoTemplatePod(workflow, base, template, pointer, name),
  );
}

/** A template and the templates its steps and DAG tasks define `inline`, which run as pods too. */
function withInlineTemplates(
  template: Json,
  pointer: string,
  depth: number,
): Array<{ template: Json; pointer: string }> {
  if (depth > MAX_DEPTH) return [];
  const inline = [
    ...asList(template.steps).flatMap((group, g) =>
      asList(group).map((step, s) =>
        at(asRecord(step).inline, joinPointer(pointer, "steps", g, s, "inline")),
      ),
    ),
    ...asList(asRecord(template.dag).tasks).map((task, t) =>
      at(asRecord(task).inline, joinPointer(pointer, "dag", "tasks", t, "inline")),
    ),
  ].filter((found) => isRecord(found.value));
  return [
    { template, pointer },
    ...inline.flatMap((found) =>
      withInlineTemplates(asRecord(found.value), found.pointer, depth + 1),
    ),
  ];
}

/**
 * A Workflow that runs a WorkflowTemplate (`workflowTemplateRef`) lays its own spec over the
 * template's: whatever the template's containers, its hostNetwork, securityContext, volumes,
 * token and podSpecPatch reach every pod. Judged on what it sets.
 */
function argoReferringPod(workflow: Json, base: string, name: unknown): PodSource {
  const pod = new PodBuilder(base, joinPointer(base, "podMetadata"));
  for (const field of [
    "securityContext",
    "hostNetwork",
    "automountServiceAccountToken",
    "serviceAccountName",
  ]) {
    pod.field(field, at(workflow[field], joinPointer(base, field)));
  }
  pod.append("volumes", items(workflow.volumes, joinPointer(base, "volumes")));
  const patch = parsePatch(workflow.podSpecPatch);
  if (patch) pod.patch(patch, joinPointer(base, "podSpecPatch"));
  pod.meta(workflow.podMetadata, joinPointer(base, "podMetadata"));
  const built = pod.build(base, joinPointer(base, "podMetadata"), "workflowTemplateRef");
  return { ...built, partial: true, controllerLabels: argoLabels(name) };
}

/** The template types: `templateDefaults` of one type apply only to templates of that type. */
const ARGO_TEMPLATE_TYPES = [
  "container",
  "containerSet",
  "script",
  "resource",
  "dag",
  "steps",
  "suspend",
  "data",
  "http",
  "plugin",
];

/**
 * The template merged over the workflow's `templateDefaults` as the controller does
 * (operator.go, `mergedTemplateDefaultsInto`: a strategic merge patch of the template over the
 * defaults, less the defaults of another template type), and where each default came from.
 */
function withTemplateDefaults(workflow: Json, base: string, template: Json) {
  const origins = new Map<string, string>();
  if (!isRecord(workflow.templateDefaults)) return { template, origins };
  const defaults = Object.fromEntries(
    Object.entries(workflow.templateDefaults).filter(
      ([key]) => !ARGO_TEMPLATE_TYPES.includes(key) || key in template,
    ),
  );
  const pointer = joinPointer(base, "templateDefaults");
  return { template: mergeRecords(defaults, template, "", pointer, origins), origins };
}

/** The labels Argo's controller sets on every pod of a workflow (workflowpod.go, createWorkflowPod). */
function argoLabels(workflow: unknown): Record<string, string> {
  const labels: Record<string, string> = { "workflows.argoproj.io/completed": "false" };
  if (typeof workflow === "string") labels["workflows.argoproj.io/workflow"] = workflow;
  return labels;
}

function argoTemplatePod(
  workflow: Json,
  base: string,
  written: Json,
  at0: string,
  name: unknown,
): PodSource[] {
  const { template, origins: defaulted } = withTemplateDefaults(workflow, base, written);
  const mains = argoMainContainers(template, at0);
  if (mains.length === 0) return [];
  const pod = new PodBuilder(at0, joinPointer(at0, "metadata"));
  pod.append("initContainers", items(template.initContainers, joinPointer(at0, "initContainers")));
  pod.append("containers", [...mains, ...items(template.sidecars, joinPointer(at0, "sidecars"))]);
  const own = (field: string) => at(template[field], joinPointer(at0, field));
  const workflows = (field: string) => at(workflow[field], joinPointer(base, field));
  pod.field("securityContext", own("securityContext"), workflows("securityContext"));
  pod.field("serviceAccountName", own("serviceAccountName"), workflows("serviceAccountName"));
  pod.field(
    "automountServiceAccountToken",
    own("automountServiceAccountToken"),
    workflows("automountServiceAccountToken"),
  );
  pod.field("hostNetwork", workflows("hostNetwork"));
  pod.append("volumes", items(template.volumes, joinPointer(at0, "volumes")));
  const mounted = mountedVolumeNames(pod.spec);
  pod.append(
    "volumes",
    items(workflow.volumes, joinPointer(base, "volumes")).filter(
      (v) =>
        !volumeNames(template.volumes).has(String(asRecord(v.value).name)) &&
        mounted.has(String(asRecord(v.value).name)),
    ),
  );
  // The workflow's podSpecPatch, then the template's (workflowpod.go, processPodSpecPatch).
  for (const [patch, pointer] of [
    [workflow.podSpecPatch, joinPointer(base, "podSpecPatch")],
    [template.podSpecPatch, joinPointer(at0, "podSpecPatch")],
  ] as const) {
    const parsed = parsePatch(patch);
    if (parsed) pod.patch(parsed, pointer);
  }
  pod.meta(workflow.podMetadata, joinPointer(base, "podMetadata"));
  pod.meta(template.metadata, joinPointer(at0, "metadata"));
  pod.relocate(at0, defaulted);
  const built = pod.build(at0, joinPointer(at0, "metadata"), String(template.name ?? at0));
  return [{ ...built, controllerLabels: argoLabels(name) }];
}

/** The template's main containers; the controller names a `container` or `script` "main". */
function argoMainContainers(template: Json, at0: string) {
  for (const field of ["container", "script"]) {
    const main = template[field];
    if (isRecord(main)) return [at({ ...main, name: "main" }, joinPointer(at0, field))];
  }
  const set = asRecord(template.containerSet);
  return items(set.containers, joinPointer(at0, "containerSet", "containers"));
}

function volumeNames(volumes: unknown): Set<string> {
  return new Set(asList(volumes).map((v) => String(asRecord(v).name)));
}

function mountedVolumeNames(spec: Json): Set<string> {
  const names = new Set<string>();
  for (const field of ["initContainers", "containers"]) {
    for (const container of asList(spec[field])) {
      for (const mount of asList(asRecord(container).volumeMounts))
        names.add(String(asRecord(mount).name));
    }
  }
  return names;
}

/**
 * Tekton: every TaskSpec (a Task's, a TaskRun's `taskSpec`, a Pipeline's or PipelineRun's
 * embedded `taskSpec`) becomes one pod whose containers are its steps and sidecars. Each step is
 * merged over `stepTemplate` by a strategic merge patch (pkg/apis/pipeline/v1/merge.go,
 * `MergeStepsWithStepTemplate`): the step's fields win, maps merge field by field. The pod-level
 * fields come from the run's `podTemplate`; its volumes are added to the task's.
 */
function tektonSources(value: Json): PodSource[] {
  const name = asRecord(value.metadata).name;
  return tektonPods(value).map((pod) => ({
    ...pod,
    controllerLabels: tektonLabels(String(value.kind), name, pod.role),
  }));
}

/**
 * The labels Tekton's controller sets on a run's pods over the run's own (pkg/pod/pod.go,
 * makeLabels; a PipelineRun's TaskRuns carry its name and the pipeline task's).
 */
function tektonLabels(kind: string, name: unknown, task: unknown): Record<string, string> {
  if (typeof name !== "string") return {};
  const managed = { "app.kubernetes.io/managed-by": "tekton-pipelines" };
  if (kind === "TaskRun") return { ...managed, "tekton.dev/taskRun": name };
  if (kind === "PipelineRun")
    return { ...managed, "tekton.dev/pipelineRun": name, "tekton.dev/pipelineTask": String(task) };
  return {};
}

function tektonPods(value: Json): PodSource[] {
  const spec = asRecord(value.spec);
  switch (value.kind) {
    case "Task":
    case "ClusterTask":
      return tektonTaskPod(spec, "/spec", undefined, "task", value.metadata);
    case "TaskRun": {
      const podTemplate = at(spec.podTemplate, "/spec/podTemplate");
      const pods = tektonTaskPod(
        asRecord(spec.taskSpec),
        "/spec/taskSpec",
        podTemplate,
        "task",
        value.metadata,
      );
      // A TaskRun of a referenced Task still gives that Task's pod its podTemplate.
      return pods.length > 0 ? pods : tektonPodTemplatePods([podTemplate], "task");
    }
    case "Pipeline":
      return tektonPipelinePods(spec, "/spec", () => undefined, value.metadata);
    case "PipelineRun":
      return [
        ...tektonPipelinePods(
          asRecord(spec.pipelineSpec),
          "/spec/pipelineSpec",
          (task) => pipelineRunPodTemplate(spec, task),
          value.metadata,
        ),
        // The podTemplates reach the pods of referenced pipelines and tasks too.
        ...tektonPodTemplatePods(
          [
            at(asRecord(spec.taskRunTemplate).podTemplate, "/spec/taskRunTemplate/podTemplate"),
            at(spec.podTemplate, "/spec/podTemplate"),
            ...asList(spec.taskRunSpecs).map((s, i) =>
              at(asRecord(s).podTemplate, `/spec/taskRunSpecs/${i}/podTemplate`),
            ),
          ],
          "podTemplate",
        ),
      ];
    default:
      return [];
  }
}

/**
 * What a run's podTemplate sets, as a pod of containers we do not see (a referenced Task's):
 * judged on what it sets (hostNetwork, securityContext, a hostPath volume).
 */
function tektonPodTemplatePods(
  podTemplates: Array<{ value: unknown; pointer: string }>,
  role: string,
): PodSource[] {
  return podTemplates.flatMap((podTemplate) => {
    if (!isRecord(podTemplate.value)) return [];
    const pod = new PodBuilder(podTemplate.pointer, "/metadata");
    for (const field of TEKTON_POD_FIELDS) {
      pod.field(field, at(podTemplate.value[field], joinPointer(podTemplate.pointer, field)));
    }
    pod.append(
      "volumes",
      items(podTemplate.value.volumes, joinPointer(podTemplate.pointer, "volumes")),
    );
    return [{ ...pod.build(podTemplate.pointer, "/metadata", role), partial: true }];
  });
}

/** The podTemplate a PipelineRun gives one of its tasks: `taskRunSpecs[]` first, else the run's. */
function pipelineRunPodTemplate(spec: Json, task: string) {
  const specs = asList(spec.taskRunSpecs);
  const index = specs.findIndex((s) => asRecord(s).pipelineTaskName === task);
  const own = asRecord(specs[index]);
  if (index >= 0 && isRecord(own.podTemplate) && Object.keys(own.podTemplate).length > 0) {
    return at(own.podTemplate, `/spec/taskRunSpecs/${index}/podTemplate`);
  }
  const runTemplate = asRecord(spec.taskRunTemplate);
  if (isRecord(runTemplate.podTemplate)) {
    return at(runTemplate.podTemplate, "/spec/taskRunTemplate/podTemplate");
  }
  return isRecord(spec.podTemplate) ? at(spec.podTemplate, "/spec/podTemplate") : undefined;
}

function tektonPipelinePods(
  pipeline: Json,
  base: string,
  podTemplateFor: (task: string) => { value: unknown; pointer: string } | undefined,
  metadata: unknown,
): PodSource[] {
  return ["tasks", "finally"].flatMap((field) =>
    asList(pipeline[field]).flatMap((task, index) => {
      const taskSpec = asRecord(task).taskSpec;
      if (!isRecord(taskSpec)) return [];
      const pointer = joinPointer(base, field, index, "taskSpec");
      const name = String(asRecord(task).name ?? pointer);
      return tektonTaskPod(
        taskSpec,
        pointer,
        podTemplateFor(name),
        name,
        metadata,
        taskSpec.metadata,
      );
    }),
  );
}

const TEKTON_POD_FIELDS = [
  "securityContext",
  "hostNetwork",
  "automountServiceAccountToken",
  "runtimeClassName",
] as const;

function tektonTaskPod(
  task: Json,
  base: string,
  podTemplate: { value: unknown; pointer: string } | undefined,
  role: string,
  ...metadata: unknown[]
): PodSource[] {
  const steps = asList(task.steps);
  if (steps.length === 0) return [];
  const pod = new PodBuilder(base, base);
  const template = isRecord(task.stepTemplate) ? task.stepTemplate : undefined;
  const stepPointer = joinPointer(base, "steps");
  const merged = steps.map((step, index) =>
    tektonContainer(
      pod,
      index,
      asRecord(step),
      joinPointer(stepPointer, index),
      template,
      joinPointer(base, "stepTemplate"),
    ),
  );
  pod.append("containers", merged);
  const sidecars = items(task.sidecars, joinPointer(base, "sidecars")).map((s, i) =>
    tektonContainer(pod, merged.length + i, asRecord(s.value), s.pointer, undefined, ""),
  );
  pod.append("containers", sidecars);
  pod.append("volumes", items(task.volumes, joinPointer(base, "volumes")));
  if (podTemplate && isRecord(podTemplate.value)) {
    const values = podTemplate.value;
    for (const field of TEKTON_POD_FIELDS) {
      pod.field(field, at(values[field], joinPointer(podTemplate.pointer, field)));
    }
    pod.append("volumes", items(values.volumes, joinPointer(podTemplate.pointer, "volumes")));
  }
  for (const [index, meta] of metadata.entries()) {
    pod.meta(meta, index === 0 ? "/metadata" : joinPointer(base, "metadata"));
  }
  return [pod.build(base, "/metadata", role)];
}

/**
 * One step (or sidecar) as the container it becomes: merged over the step template, its
 * `computeResources` read as the container's `resources` (the v1 name of the same field).
 */
function tektonContainer(
  pod: PodBuilder,
  index: number,
  step: Json,
  pointer: string,
  template: Json | undefined,
  templatePointer: string,
) {
  const prefix = joinPointer("/spec", "containers", index);
  const container = template
    ? mergeRecords(template, step, prefix, templatePointer, pod.origins)
    : { ...step };
  if (container.computeResources !== undefined) {
    const from =
      pod.origins.get(joinPointer(prefix, "computeResources")) ??
      joinPointer(pointer, "computeResources");
    container.resources = container.computeResources;
    pod.origins.set(joinPointer(prefix, "resources"), from);
    delete container.computeResources;
  }
  return at(container, pointer);
}

/** Lists a strategic merge patch merges item by item, by this key, instead of replacing them. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: "name",
  initContainers: "name",
  sidecars: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  volumeMounts: "mountPath",
  ports: "containerPort",
};

/**
 * `patch` merged over `base` as a strategic merge patch does for a Container: maps merge, the
 * lists above merge by key, other lists and scalars are replaced. What `base` alone contributes
 * is recorded as coming from `basePointer`.
 */
function mergeRecords(
  base: Json,
  patch: Json,
  prefix: string,
  basePointer: string,
  origins: Map<string, string>,
): Json {
  const merged: Json = { ...patch };
  for (const [key, value] of Object.entries(base)) {
    const here = joinPointer(prefix, key);
    const from = joinPointer(basePointer, key);
    const own = patch[key];
    if (own === undefined) {
      merged[key] = value;
      origins.set(here, from);
    } else if (isRecord(own) && isRecord(value)) {
      merged[key] = mergeRecords(value, own, here, from, origins);
    } else if (Array.isArray(own) && Array.isArray(value) && MERGE_KEYS[key]) {
      merged[key] = mergeLists(value, own, MERGE_KEYS[key], here, from, origins);
    }
  }
  return merged;
}

/**
 * A list merged by key: an item of both is the patch's merged over the base's, field by field
 * (an env var that names no value keeps the template's); the base's other items follow.
 */
function mergeLists(
  base: unknown[],
  patch: unknown[],
  mergeKey: string,
  here: string,
  from: string,
  origins: Map<string, string>,
): unknown[] {
  const merged = patch.map((item, index) => {
    const twin = base.findIndex((b) => asRecord(b)[mergeKey] === asRecord(item)[mergeKey]);
    if (twin < 0 || !isRecord(item) || !isRecord(base[twin])) return item;
    return mergeRecords(
      base[twin],
      item,
      joinPointer(here, index),
      joinPointer(from, twin),
      origins,
    );
  });
  const keys = new Set(patch.map((item) => asRecord(item)[mergeKey]));
  base.forEach((item, index) => {
    if (keys.has(asRecord(item)[mergeKey])) return;
    origins.set(joinPointer(here, merged.length), joinPointer(from, index));
    merged.push(item);
  });
  return merged;
}

/**
 * `patch` laid over `target` as a strategic merge patch, without touching either: what `patch`
 * sets is recorded as written at `pointer` (a patch is one string: its fields have no line of
 * their own), and what it replaces loses the origins it had.
 */
function overlay(
  target: Json,
  patch: Json,
  prefix: string,
  pointer: string,
  origins: Map<string, string>,
): Json {
  const merged: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const here = joinPointer(prefix, key);
    const current = target[key];
    const mergeKey = MERGE_KEYS[key];
    if (isRecord(value) && isRecord(current)) {
      merged[key] = overlay(current, value, here, pointer, origins);
    } else if (Array.isArray(value) && Array.isArray(current) && mergeKey) {
      const items = [...current];
      for (const item of value) {
        const index = items.findIndex((c) => asRecord(c)[mergeKey] === asRecord(item)[mergeKey]);
        const at = index >= 0 ? index : items.length;
        const old = asRecord(items[at]);
        items[at] =
          index >= 0 && isRecord(item)
            ? overlay(old, item, joinPointer(here, at), pointer, origins)
            : item;
        if (index < 0) origins.set(joinPointer(here, at), pointer);
      }
      merged[key] = items;
    } else {
      for (const known of [...origins.keys()]) {
        if (known.startsWith(`${here}/`)) origins.delete(known);
      }
      origins.set(here, pointer);
      merged[key] = value;
    }
  }
  return merged;
}

/** A pod spec patch as the controller reads it: YAML (1.1, as sigs.k8s.io/yaml) or JSON. */
function parsePatch(text: unknown): Json | undefined {
  if (typeof text !== "string") return undefined;
  const { value } = readDocument(text);
  return isRecord(value) ? value : undefined;
}

type SourceReader = (value: Json) => PodSource[];

/**
 * A Tekton StepAction is the container of every step that refers to it: judged on what it sets
 * (the step and its stepTemplate may add the rest).
 */
function stepActionSources(value: Json): PodSource[] {
  if (!isRecord(value.spec)) return [];
  return [
    {
      specPointer: "/spec",
      metadataPointer: "/metadata",
      spec: { containers: [{ name: "step", ...value.spec }] },
      metadata: {},
      origins: new Map([["/spec/containers/0", "/spec"]]),
      partial: true,
      runsToCompletion: true,
      role: "step",
    },
  ];
}

/** Custom resources whose controllers make pods from more than one place, by group and kind. */
/**
 * The labels each of these controllers sets on its pods (Kubeflow's common constants, KubeRay's,
 * JobSet's, LeaderWorkerSet's, Volcano's; JobSet and Volcano pods are a Job's or carry a
 * StatefulSet's too), taken as values the cluster decides: a NetworkPolicy selecting by them may
 * or may not select these pods, never "selects nothing".
 */
const CONTROLLER_LABEL_KEYS = {
  kubeflow: [
    "training.kubeflow.org/job-name",
    "training.kubeflow.org/replica-type",
    "training.kubeflow.org/replica-index",
    "training.kubeflow.org/operator-name",
    "training.kubeflow.org/job-role",
  ],
  ray: [
    "ray.io/cluster",
    "ray.io/node-type",
    "ray.io/group",
    "ray.io/identifier",
    "ray.io/is-ray-node",
  ],
  jobSet: [
    "jobset.sigs.k8s.io/jobset-name",
    "jobset.sigs.k8s.io/replicatedjob-name",
    "jobset.sigs.k8s.io/replicatedjob-replicas",
    "jobset.sigs.k8s.io/job-index",
    "jobset.sigs.k8s.io/job-global-index",
    "jobset.sigs.k8s.io/job-key",
    "jobset.sigs.k8s.io/restart-attempt",
    "job-name",
    "batch.kubernetes.io/job-name",
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-completion-index",
  ],
  leaderWorkerSet: [
    "leaderworkerset.sigs.k8s.io/name",
    "leaderworkerset.sigs.k8s.io/group-index",
    "leaderworkerset.sigs.k8s.io/worker-index",
    "leaderworkerset.sigs.k8s.io/group-key",
    "leaderworkerset.sigs.k8s.io/template-revision-hash",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "controller-revision-hash",
  ],
  volcano: [
    "volcano.sh/job-name",
    "volcano.sh/job-namespace",
    "volcano.sh/queue-name",
    "volcano.sh/task-spec",
    "volcano.sh/task-index",
    "volcano.sh/job-version",
  ],
} as const;

const CONTROLLER_NAMES: Readonly<Record<keyof typeof CONTROLLER_LABEL_KEYS, string>> = {
  kubeflow: "Kubeflow training operator",
  ray: "KubeRay operator",
  jobSet: "JobSet controller",
  leaderWorkerSet: "LeaderWorkerSet controller",
  volcano: "Volcano controller",
};

/** Why only the cluster knows each of these labels' values, for findings on a selector. */
export const CONTROLLER_LABEL_REASONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CONTROLLER_LABEL_KEYS).flatMap(([controller, keys]) =>
    keys.map((key) => [
      key,
      `the ${CONTROLLER_NAMES[controller as keyof typeof CONTROLLER_LABEL_KEYS]} sets it on its pods, to a name, an index or a hash the cluster decides`,
    ]),
  ),
);

/** A reader whose pods all carry these controller labels of unknown value. */
function labelled(reader: SourceReader, keys: readonly string[]): SourceReader {
  return (value) => reader(value).map((source) => ({ ...source, controllerLabelKeys: keys }));
}

const CUSTOM_POD_SOURCES: Readonly<Record<string, SourceReader>> = {
  ...Object.fromEntries(
    Object.keys(KUBEFLOW_REPLICA_SPECS).map((kind) => [
      `kubeflow.org/${kind}`,
      labelled(kubeflowSources, CONTROLLER_LABEL_KEYS.kubeflow),
    ]),
  ),
  "ray.io/RayCluster": labelled(raySources, CONTROLLER_LABEL_KEYS.ray),
  "ray.io/RayJob": labelled(raySources, CONTROLLER_LABEL_KEYS.ray),
  "ray.io/RayService": labelled(raySources, CONTROLLER_LABEL_KEYS.ray),
  "jobset.x-k8s.io/JobSet": labelled(jobSetSources, CONTROLLER_LABEL_KEYS.jobSet),
  "leaderworkerset.x-k8s.io/LeaderWorkerSet": labelled(
    leaderWorkerSetSources,
    CONTROLLER_LABEL_KEYS.leaderWorkerSet,
  ),
  "batch.volcano.sh/Job": labelled(volcanoSources, CONTROLLER_LABEL_KEYS.volcano),
  "argoproj.io/Workflow": argoSources,
  "argoproj.io/WorkflowTemplate": argoSources,
  "argoproj.io/ClusterWorkflowTemplate": argoSources,
  "argoproj.io/CronWorkflow": argoSources,
  "tekton.dev/Task": tektonSources,
  "tekton.dev/ClusterTask": tektonSources,
  "tekton.dev/TaskRun": tektonSources,
  "tekton.dev/Pipeline": tektonSources,
  "tekton.dev/PipelineRun": tektonSources,
  "tekton.dev/StepAction": stepActionSources,
};

/**
 * The Prometheus Operator's kinds: `spec.containers` and `spec.initContainers` are strategic
 * merge patches over the containers the operator makes (by name, no image needed), and the pod
 * fields beside them (securityContext, volumes, hostNetwork) are the pod's.
 */
const OPERATOR_PATCHED_PODS = new Set([
  "monitoring.coreos.com/Prometheus",
  "monitoring.coreos.com/PrometheusAgent",
  "monitoring.coreos.com/Alertmanager",
  "monitoring.coreos.com/ThanosRuler",
]);

/** The pods a custom resource makes: undefined for a kind of a built-in API group. */
export function customPodSources(value: Json, group: string): PodSource[] | undefined {
  const reader = CUSTOM_POD_SOURCES[`${group}/${String(value.kind)}`];
  if (reader) return reader(value);
  if (OPERATOR_PATCHED_PODS.has(`${group}/${String(value.kind)}`)) {
    return isRecord(value.spec) ? [partialSource(value.spec, "/spec")] : [];
  }
  if (isBuiltInGroup(group)) return undefined;
  return containerHolders(value.spec, "/spec", 0).map(({ holder, pointer }) =>
    partialSource(holder, pointer),
  );
}

/** Kubernetes' own groups: `apps`, `batch`, `networking.k8s.io`... (not the SIGs' `x-k8s.io` CRDs). */
function isBuiltInGroup(group: string): boolean {
  if (!group.includes(".")) return true;
  return group.endsWith(".k8s.io") && !group.endsWith(".x-k8s.io");
}

function partialSource(spec: Json, pointer: string): PodSource {
  const parent = pointer.endsWith("/spec") ? pointer.slice(0, -"/spec".length) : pointer;
  const metadata = joinPointer(parent, "metadata");
  return {
    specPointer: pointer,
    metadataPointer: metadata,
    spec,
    metadata: {},
    partial: true,
    role: pointer,
  };
}

const MAX_DEPTH = 8;

/**
 * The places in an unknown custom resource that hold a list named `containers` or
 * `initContainers` of objects with an `image`: what an operator most likely turns into pods.
 */
function containerHolders(
  value: unknown,
  pointer: string,
  depth: number,
): Array<{ holder: Json; pointer: string }> {
  if (depth > MAX_DEPTH) return [];
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      containerHolders(item, joinPointer(pointer, index), depth + 1),
    );
  }
  if (!isRecord(value)) return [];
  const holdsContainers = ["containers", "initContainers"].some((key) =>
    asList(value[key]).some((item) => isRecord(item) && typeof item.image === "string"),
  );
  if (holdsContainers) return [{ holder: value, pointer }];
  return Object.entries(value).flatMap(([key, child]) =>
    containerHolders(child, joinPointer(pointer, key), depth + 1),
  );
}
