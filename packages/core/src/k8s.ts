import type { Bundle, BundleObject } from "./bundle.js";
import type { ComponentSettings } from "./config.js";
import { customPodSources, type PodSource } from "./pod-sources.js";
import { isRecord, joinPointer } from "./pointer.js";

/** Where each workload kind keeps its pod template, as a path from the object's root. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  PodTemplate: ["template"],
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

/**
 * Custom resources that embed a pod template, by API group and kind: their pods are judged like a
 * Deployment's. Keyed by group so that a CRD that merely shares a kind name is not misread.
 */
const CUSTOM_POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  "argoproj.io/Rollout": ["spec", "template"],
  "apps.kruise.io/CloneSet": ["spec", "template"],
  "apps.kruise.io/DaemonSet": ["spec", "template"],
  "apps.kruise.io/StatefulSet": ["spec", "template"],
  "apps.openshift.io/DeploymentConfig": ["spec", "template"],
  "keda.sh/ScaledJob": ["spec", "jobTargetRef", "template"],
  "serving.knative.dev/Service": ["spec", "template"],
  "serving.knative.dev/Configuration": ["spec", "template"],
};

export const POD_TEMPLATE_KINDS = Object.keys(POD_TEMPLATE_PATHS);
/** The custom resources read as workloads, as "group/Kind". */
export const CUSTOM_POD_TEMPLATE_KINDS = Object.keys(CUSTOM_POD_TEMPLATE_PATHS);

/**
 * Any other kind that embeds a `PodTemplateSpec` where the convention puts it: its controller
 * makes pods of it, so a privileged container cannot hide behind a kind we do not list.
 */
const CONVENTIONAL_TEMPLATE_PATH = ["spec", "template"] as const;

function podTemplatePath(value: {
  apiVersion: string;
  kind: string;
  spec?: unknown;
}): readonly string[] | undefined {
  const slash = value.apiVersion.indexOf("/");
  const group = slash > 0 ? value.apiVersion.slice(0, slash) : "";
  const known =
    CUSTOM_POD_TEMPLATE_PATHS[`${group}/${value.kind}`] ?? POD_TEMPLATE_PATHS[value.kind];
  if (known) return known;
  return hasConventionalPodTemplate(value.spec) ? CONVENTIONAL_TEMPLATE_PATH : undefined;
}

function hasConventionalPodTemplate(spec: unknown): boolean {
  const template = isRecord(spec) ? spec.template : undefined;
  const podSpec = isRecord(template) ? template.spec : undefined;
  return isRecord(podSpec) && Array.isArray(podSpec.containers) && podSpec.containers.length > 0;
}

export const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

type Json = Record<string, unknown>;

export interface PodTemplate extends PodSource {
  object: BundleObject;
}

export interface ContainerRef {
  template: PodTemplate;
  list: ContainerList;
  index: number;
  pointer: string;
  container: Json;
  name: string;
}

/**
 * Every rule asks for the pod template and the containers of every workload: both are read once
 * per object (and again only if its value is replaced).
 */
const templates = new WeakMap<
  BundleObject,
  { value: unknown; template: PodTemplate | undefined }
>();
const containers = new WeakMap<PodTemplate, ContainerRef[]>();

/** The object's PodTemplateSpec where its kind keeps its one template (`spec.template`, ...). */
export function podTemplateOf(object: BundleObject): PodTemplate | undefined {
  const known = templates.get(object);
  if (known && known.value === object.value) return known.template;
  const template = readPodTemplate(object);
  templates.set(object, { value: object.value, template });
  return template;
}

function readPodTemplate(object: BundleObject): PodTemplate | undefined {
  const path = podTemplatePath(object.value);
  if (!path) return undefined;
  let template: unknown = object.value;
  for (const key of path) template = isRecord(template) ? template[key] : undefined;
  if (!isRecord(template)) return undefined;
  const base = joinPointer("", ...path);
  return {
    object,
    specPointer: joinPointer(base, "spec"),
    metadataPointer: joinPointer(base, "metadata"),
    spec: isRecord(template.spec) ? template.spec : {},
    metadata: isRecord(template.metadata) ? template.metadata : {},
  };
}

const allTemplates = new WeakMap<BundleObject, { value: unknown; templates: PodTemplate[] }>();

/**
 * Every pod the object's controller makes: its one pod template, or each of the several a custom
 * resource holds (a training job's replicas, a Ray cluster's groups) or assembles from pieces
 * (an Argo template, a Tekton task).
 */
export function podTemplatesOf(object: BundleObject): PodTemplate[] {
  const known = allTemplates.get(object);
  if (known && known.value === object.value) return known.templates;
  const one = podTemplateOf(object);
  const found = one ? [one] : customPodSourcesOf(object).map((source) => ({ object, ...source }));
  allTemplates.set(object, { value: object.value, templates: found });
  return found;
}

function customPodSourcesOf(object: BundleObject): PodSource[] {
  const apiVersion = String(object.value.apiVersion);
  const slash = apiVersion.indexOf("/");
  if (slash <= 0) return [];
  return customPodSources(object.value, apiVersion.slice(0, slash)) ?? [];
}

/**
 * The pointer, inside the object, of a field of the pod's spec: where the user writes it. For a
 * pod a controller assembles, the place it was taken from (the nearest ancestor that was).
 */
export function specPointerOf(template: PodTemplate, ...path: Array<string | number>): string {
  return placeOf(template, "spec", template.specPointer, path);
}

/** The pointer, inside the object, of a field of the pod's metadata (labels, annotations). */
export function metadataPointerOf(template: PodTemplate, ...path: Array<string | number>): string {
  return placeOf(template, "metadata", template.metadataPointer, path);
}

/** The pointer, inside the object, of a field of a container (merged from a step template, say). */
export function containerPointerOf(ref: ContainerRef, ...path: Array<string | number>): string {
  if (!ref.template.origins) return joinPointer(ref.pointer, ...path);
  return specPointerOf(ref.template, ref.list, ref.index, ...path);
}

function placeOf(
  template: PodTemplate,
  root: "spec" | "metadata",
  pointer: string,
  path: Array<string | number>,
): string {
  const { origins } = template;
  if (!origins) return joinPointer(pointer, ...path);
  for (let depth = path.length; depth >= 0; depth--) {
    const origin = origins.get(joinPointer(`/${root}`, ...path.slice(0, depth)));
    if (origin !== undefined) return joinPointer(origin, ...path.slice(depth));
  }
  return joinPointer(pointer, ...path);
}

const bundleTemplates = new WeakMap<Bundle, { objects: unknown; templates: PodTemplate[] }>();

/** Every pod of every object in the bundle, in bundle order. */
export function podTemplates(bundle: Bundle): PodTemplate[] {
  const known = bundleTemplates.get(bundle);
  if (known && known.objects === bundle.objects) return known.templates;
  const templates = bundle.objects.flatMap(podTemplatesOf);
  bundleTemplates.set(bundle, { objects: bundle.objects, templates });
  return templates;
}

export function containersOf(template: PodTemplate): ContainerRef[] {
  let refs = containers.get(template);
  if (!refs) {
    refs = readContainers(template);
    containers.set(template, refs);
  }
  return refs;
}

function readContainers(template: PodTemplate): ContainerRef[] {
  return CONTAINER_LISTS.flatMap((list) => {
    const items = template.spec[list];
    if (!Array.isArray(items)) return [];
    return items.flatMap((container, index) =>
      isRecord(container)
        ? [
            {
              template,
              list,
              index,
              pointer: specPointerOf(template, list, index),
              container,
              name: typeof container.name === "string" ? container.name : `#${index}`,
            },
          ]
        : [],
    );
  });
}

/** Every container of every pod template in the bundle, in bundle order. */
export function allContainers(bundle: Bundle): ContainerRef[] {
  return podTemplates(bundle).flatMap(containersOf);
}

/** A value of the effective security context and the pointer of the field that set it. */
export interface Setting<T = unknown> {
  value: T;
  pointer: string;
}

export interface EffectiveSecurityContext {
  runAsNonRoot?: Setting;
  runAsUser?: Setting;
  runAsGroup?: Setting;
  seccompProfile?: Setting;
  readOnlyRootFilesystem?: Setting;
  allowPrivilegeEscalation?: Setting;
  privileged?: Setting;
  capabilities?: Setting;
  /** Where a missing container-level field belongs: the container's securityContext, else the container. */
  anchor: string;
  /**
   * Where a missing inherited field (runAsNonRoot, runAsUser, seccompProfile…) belongs: the
   * pod's securityContext when the pod has one, since one line there covers every container
   * (the containers' findings then merge into one); else `anchor`.
   */
  inheritedAnchor: string;
}

/** Fields a container inherits from the pod's securityContext unless it sets them itself. */
const INHERITED = ["runAsNonRoot", "runAsUser", "runAsGroup", "seccompProfile"] as const;
const CONTAINER_ONLY = [
  "readOnlyRootFilesystem",
  "allowPrivilegeEscalation",
  "privileged",
  "capabilities",
] as const;

export function effectiveSecurityContext(ref: ContainerRef): EffectiveSecurityContext {
  const podContext = ref.template.spec.securityContext;
  const containerContext = ref.container.securityContext;
  const podPointer = specPointerOf(ref.template, "securityContext");
  const containerPointer = containerPointerOf(ref, "securityContext");
  const anchor = isRecord(containerContext) ? containerPointer : ref.pointer;
  const result: EffectiveSecurityContext = {
    anchor,
    inheritedAnchor: isRecord(podContext) ? podPointer : anchor,
  };
  // A null field is an unset one: the API server decodes it as absent, so the pod's value holds.
  const take = (
    field: keyof Omit<EffectiveSecurityContext, "anchor" | "inheritedAnchor">,
    fromPod: boolean,
  ) => {
    if (isRecord(containerContext) && containerContext[field] != null) {
      result[field] = {
        value: containerContext[field],
        pointer: containerPointerOf(ref, "securityContext", field),
      };
    } else if (fromPod && isRecord(podContext) && podContext[field] != null) {
      result[field] = {
        value: podContext[field],
        pointer: specPointerOf(ref.template, "securityContext", field),
      };
    }
  };
  for (const field of INHERITED) take(field, true);
  for (const field of CONTAINER_ONLY) take(field, false);
  return result;
}

export function labelsOf(metadata: unknown): Record<string, string> {
  const labels = isRecord(metadata) ? metadata.labels : undefined;
  if (!isRecord(labels)) return {};
  return Object.fromEntries(
    Object.entries(labels).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

/**
 * The component a workload is (one of `settings.components`), read from its pod template's
 * labels, then its own.
 */
export function componentOf(object: BundleObject, settings: ComponentSettings): string | undefined {
  let known = components.get(settings);
  if (!known) {
    known = new WeakMap();
    components.set(settings, known);
  }
  const seen = known.get(object);
  if (seen && seen.value === object.value) return seen.component;
  const component = readComponent(object, settings);
  known.set(object, { value: object.value, component });
  return component;
}

/** Every rule asks for the component of every workload: read once per object and settings. */
const components = new WeakMap<
  ComponentSettings,
  WeakMap<BundleObject, { value: unknown; component: string | undefined }>
>();

function readComponent(object: BundleObject, settings: ComponentSettings): string | undefined {
  const template = podTemplateOf(object);
  // A workflow, a pipeline or a training job makes pods of many kinds: none is a Scout component.
  if (!template && podTemplatesOf(object).length > 0) return undefined;
  const candidates = [labelsOf(template?.metadata), labelsOf(object.value.metadata)];
  for (const labels of candidates) {
    for (const key of settings.componentLabels) {
      const value = labels[key];
      if (value && settings.components.includes(value)) return value;
    }
  }
  return undefined;
}

/** A container's probes, by field. */
export const PROBE_FIELDS = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const PROBE_HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"] as const;

/** The handlers a probe sets; the API server requires exactly one. */
export function probeHandlersOf(probe: Record<string, unknown>): string[] {
  return PROBE_HANDLERS.filter((key) => probe[key] != null);
}
