import {
  type BundleObject,
  CONTROLLER_LABEL_REASONS,
  isRecord,
  type Labels,
  labelsOf,
  type PodTemplate,
} from "@scout-deploy/core";

/** Past this many replicas a StatefulSet's pods are not told apart (the labels only grow). */
const MAX_ORDINALS = 1000;

/**
 * The value a label holds on a pod when only the cluster knows it: no valid label value (they
 * are alphanumerics, `-`, `_` and `.`), so `matchLabels`, `In` and `NotIn` never compare equal
 * to it, while `Exists` and `DoesNotExist` see the label. Selectors that compare its value are
 * uncertain (see `compilePodSelector`).
 */
export const UNKNOWN_LABEL_VALUE = "(set by the cluster)";

const POD_NAME = "statefulset.kubernetes.io/pod-name";
const POD_INDEX = "apps.kubernetes.io/pod-index";
const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
const JOB_NAMES = ["job-name", "batch.kubernetes.io/job-name"];
const CONTROLLER_UIDS = ["controller-uid", "batch.kubernetes.io/controller-uid"];

/** The labels whose value tells one pod of a workload from another. */
export const PER_POD_LABELS: readonly string[] = [POD_NAME, POD_INDEX, COMPLETION_INDEX];

/** Why the cluster alone knows a label's value, for findings on a selector that compares it. */
export const UNKNOWN_LABEL_REASONS: Readonly<Record<string, string>> = {
  ...CONTROLLER_LABEL_REASONS,
  "pod-template-hash":
    "the Deployment controller sets it to a hash of the pod template, a new one at every rollout",
  "controller-revision-hash":
    "the controller sets it to the name of the current revision, a new one at every rollout",
  "pod-template-generation":
    "the DaemonSet controller sets it to the DaemonSet's generation, which grows with every change",
  "controller-uid": "the API server sets it to the Job's uid, new for every Job",
  "batch.kubernetes.io/controller-uid":
    "the API server sets it to the Job's uid, new for every Job",
  "job-name":
    "the CronJob or JobSet controller names each Job it creates (after the scheduled time, or after the JobSet and an index), so each run's pods carry another name",
  "batch.kubernetes.io/job-name":
    "the CronJob or JobSet controller names each Job it creates (after the scheduled time, or after the JobSet and an index), so each run's pods carry another name",
};

/** The labels of one of a workload's pods, and what it is called when pods differ. */
export interface PodLabels {
  labels: Labels;
  /** "redis-0" (a StatefulSet's pod), "index 2" (an Indexed Job's); undefined when all pods are alike. */
  pod?: string;
}

/**
 * The labels a workload's pods really carry, one set per kind of pod: the template's, plus the
 * ones their controller (or the API server, for a Job's template) adds. A StatefulSet gives each
 * pod `statefulset.kubernetes.io/pod-name: <name>-<ordinal>`, `apps.kubernetes.io/pod-index` and
 * `controller-revision-hash`; a Job's pods carry `job-name`, `batch.kubernetes.io/job-name` and
 * the controller uids unless it sets `manualSelector`, an Indexed Job's pods
 * `batch.kubernetes.io/job-completion-index`; a CronJob's the same through the Jobs it creates;
 * a Deployment's `pod-template-hash`, a DaemonSet's `controller-revision-hash` and
 * `pod-template-generation`. Values the cluster chooses (hashes, uids, a CronJob's Job names)
 * hold `UNKNOWN_LABEL_VALUE`; `unknownLabelsOf` lists their keys.
 */
export function podLabelSets(object: BundleObject, template: PodTemplate): PodLabels[] {
  const own = labelsOf(template.metadata);
  const unknown = Object.fromEntries(
    unknownLabelsOf(object, template).map((key) => [key, UNKNOWN_LABEL_VALUE]),
  );
  const { kind, apiVersion } = object.value;
  const spec = isRecord(object.value.spec) ? object.value.spec : {};
  const name = object.ref.name ?? "(unnamed)";
  if (kind === "StatefulSet" && apiVersion === "apps/v1") {
    // The controller overwrites these whatever the template says.
    return ordinalsOf(spec).map((ordinal) => ({
      labels: {
        ...own,
        ...unknown,
        [POD_NAME]: `${name}-${ordinal}`,
        [POD_INDEX]: String(ordinal),
      },
      pod: `${name}-${ordinal}`,
    }));
  }
  const job = jobSpecOf(object);
  if (job) {
    // The API server adds each job-name label the template does not set itself.
    const names =
      job.manualSelector === true || kind === "CronJob"
        ? {}
        : Object.fromEntries(JOB_NAMES.map((key) => [key, name]));
    const labels = { ...names, ...unknown, ...own };
    if (job.completionMode !== "Indexed") return [{ labels }];
    // An Indexed Job's controller labels each pod with its completion index.
    return countOf(job.completions).map((index) => ({
      labels: { ...labels, [COMPLETION_INDEX]: String(index) },
      pod: `index ${index}`,
    }));
  }
  return [{ labels: { ...own, ...unknown, ...template.controllerLabels } }];
}

/**
 * The labels the workload's pods carry with a value only the cluster knows. A Deployment's
 * `pod-template-hash`, a StatefulSet's and DaemonSet's `controller-revision-hash` and a
 * DaemonSet's `pod-template-generation` are overwritten by the controller; a Job's controller
 * uids (and a CronJob's Job names) are added unless the template sets them or the Job selects
 * its pods itself (`manualSelector: true`).
 */
export function unknownLabelsOf(object: BundleObject, template: PodTemplate): string[] {
  const { kind, apiVersion } = object.value;
  if (template.controllerLabelKeys) return [...template.controllerLabelKeys];
  if (kind === "Deployment" && apiVersion === "apps/v1") return ["pod-template-hash"];
  if (kind === "StatefulSet" && apiVersion === "apps/v1") return ["controller-revision-hash"];
  if (kind === "DaemonSet" && apiVersion === "apps/v1")
    return ["controller-revision-hash", "pod-template-generation"];
  const job = jobSpecOf(object);
  if (!job || job.manualSelector === true) return [];
  const own = labelsOf(template.metadata);
  const keys = kind === "CronJob" ? [...JOB_NAMES, ...CONTROLLER_UIDS] : CONTROLLER_UIDS;
  return keys.filter((key) => !Object.hasOwn(own, key));
}

/** The Job spec the pods come from: a Job's own, a CronJob's jobTemplate's. */
function jobSpecOf(object: BundleObject): Record<string, unknown> | undefined {
  const { kind, apiVersion } = object.value;
  const spec = isRecord(object.value.spec) ? object.value.spec : {};
  if (kind === "Job" && apiVersion === "batch/v1") return spec;
  if (kind === "CronJob" && apiVersion === "batch/v1") {
    const template = isRecord(spec.jobTemplate) ? spec.jobTemplate : {};
    return isRecord(template.spec) ? template.spec : {};
  }
  return undefined;
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

/**
 * A pod's name: known (a bare Pod's, a StatefulSet's `<name>-<ordinal>`), or chosen by the cluster
 * (`backend-5d8f9c7b64-x7k2p`): then `samples` are names of the shape the controller makes,
 * varied so that every character the cluster may put at each generated position appears in
 * one, and `shape` says it in words. A question over the name that all samples answer alike is
 * answered; one they split is open.
 */
export type PodName = { known: string } | { samples: readonly string[]; shape: string };

/** `rand.String`'s alphabet (k8s.io/apimachinery/pkg/util/rand): generated name suffixes. */
const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
/**
 * The characters of a pod-template-hash: `rand.SafeEncodeString` of a uint32's decimal digits
 * maps each digit's byte onto the alphabet above (`'0'` → `4` ... `'9'` → `f`), 1 to 10 of them.
 */
const HASH_ALPHABET = "456789bcdf";
const HASH_LENGTHS = [10, 9, 8, 1];
/** CronJob names each Job `<name>-<scheduled time in minutes since the epoch>`. */
const MINUTES = ["29412345", "29999999", "30000000", "28000000"];

export function podNameOf(
  object: BundleObject,
  set: PodLabels,
  hints: readonly string[] = [],
): PodName {
  const { kind, apiVersion } = object.value;
  const name = object.ref.name ?? "";
  if (kind === "Pod" && apiVersion === "v1") return { known: name };
  if (kind === "StatefulSet" && apiVersion === "apps/v1" && set.pod) return { known: set.pod };
  const index = set.labels[COMPLETION_INDEX];
  const suffixes = [...hinted(hints, SUFFIX_ALPHABET, 5)];
  const samples = (shape: string, parts: (i: number, suffix?: string) => string) => ({
    shape,
    samples: [
      ...Array.from({ length: SUFFIX_ALPHABET.length }, (_, i) => parts(i)),
      ...suffixes.map((suffix, i) => parts(i, suffix)),
    ],
  });
  if (kind === "Deployment" && apiVersion === "apps/v1") {
    const shaped = samples(`${name}-<pod-template-hash>-<5 random characters>`, (i, suffix) =>
      [name, hashSample(i), suffix ?? suffixSample(i)].join("-"),
    );
    const hashes = [...hinted(hints, HASH_ALPHABET, 10)];
    return {
      ...shaped,
      samples: [
        ...shaped.samples,
        ...hashes.map((hash, i) => [name, hash, suffixSample(i)].join("-")),
      ],
    };
  }
  if (kind === "Job" && apiVersion === "batch/v1")
    return samples(
      `${name}-${index !== undefined ? `${index}-` : ""}<5 random characters>`,
      (i, suffix) =>
        [name, ...(index !== undefined ? [index] : []), suffix ?? suffixSample(i)].join("-"),
    );
  if (kind === "CronJob" && apiVersion === "batch/v1")
    return samples(`${name}-<scheduled minute>-<5 random characters>`, (i, suffix) =>
      [name, MINUTES[i % MINUTES.length], suffix ?? suffixSample(i)].join("-"),
    );
  if (POD_NAME_PREFIXED.has(kind))
    return samples(
      `${name}-<5 random characters>`,
      (i, suffix) => `${name}-${suffix ?? suffixSample(i)}`,
    );
  // A workload of another API: its controller names pods as it likes.
  return samples("a name its controller chooses", (i, suffix) =>
    i % 2 ? `${name}-${suffix ?? suffixSample(i)}` : `${suffixSample(i)}${hashSample(i)}`,
  );
}

/**
 * Generated parts built around the literal fragments a question names (a regex's `5d8f`): a
 * fragment made of the part's characters, at its start and at its end, filled to `length`.
 * Sampling alone would miss a name the question singles out.
 */
function* hinted(hints: readonly string[], alphabet: string, length: number): Generator<string> {
  for (const hint of hints) {
    if (hint.length === 0 || hint.length > length || ![...hint].every((c) => alphabet.includes(c)))
      continue;
    const fill = alphabet[0]!.repeat(length - hint.length);
    yield `${hint}${fill}`;
    yield `${fill}${hint}`;
    if (alphabet === HASH_ALPHABET) yield hint;
  }
}

/** Kinds whose controller names each pod `<name>-<5 random characters>`. */
const POD_NAME_PREFIXED = new Set(["ReplicaSet", "DaemonSet", "ReplicationController"]);

function suffixSample(i: number): string {
  return Array.from(
    { length: 5 },
    (_, j) => SUFFIX_ALPHABET[(i + 7 * j) % SUFFIX_ALPHABET.length],
  ).join("");
}

function hashSample(i: number): string {
  const length = HASH_LENGTHS[i % HASH_LENGTHS.length]!;
  return Array.from({ length }, (_, j) => HASH_ALPHABET[(i + 3 * j) % HASH_ALPHABET.length]).join(
    "",
  );
}

/**
 * The pods of a workload that the bundle's selectors tell apart, grouped: pods whose per-pod
 * labels (`PER_POD_LABELS`) hold values no selector names are alike to every selector, so a
 * StatefulSet stays one group unless a selector names one of its pods.
 */
export function podGroups(
  sets: readonly PodLabels[],
  named: ReadonlyMap<string, ReadonlySet<string>>,
): PodLabels[][] {
  if (sets.length < 2) return [sets as PodLabels[]];
  const keys = PER_POD_LABELS.filter((key) => named.has(key));
  if (keys.length === 0) return [sets as PodLabels[]];
  const groups = new Map<string, PodLabels[]>();
  for (const set of sets) {
    const signature = keys
      .map((key) => {
        const value = set.labels[key];
        return value !== undefined && named.get(key)!.has(value) ? value : "\u0000";
      })
      .join("\u0000");
    const group = groups.get(signature);
    if (group) group.push(set);
    else groups.set(signature, [set]);
  }
  return [...groups.values()];
}

/**
 * The label keys a pod selector names, with the values it compares them to (matchLabels, In,
 * NotIn; Exists and DoesNotExist name a key with no value), added to `into`.
 */
export function addSelectorNames(selector: unknown, into: Map<string, Set<string>>): void {
  if (!isRecord(selector)) return;
  const add = (key: string, values: unknown[]) => {
    let set = into.get(key);
    if (!set) {
      set = new Set();
      into.set(key, set);
    }
    for (const value of values) set.add(String(value));
  };
  if (isRecord(selector.matchLabels))
    for (const [key, value] of Object.entries(selector.matchLabels)) add(key, [value]);
  if (Array.isArray(selector.matchExpressions)) {
    for (const expression of selector.matchExpressions) {
      if (!isRecord(expression) || typeof expression.key !== "string") continue;
      add(expression.key, Array.isArray(expression.values) ? expression.values : []);
    }
  }
}
