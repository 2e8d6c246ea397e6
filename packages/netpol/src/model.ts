import {
  type Bundle,
  type BundleObject,
  type ContainerRef,
  containersOf,
  DEFAULT_NAMESPACE,
  effectiveNamespace,
  isRecord,
  labelsOf,
  type PodTemplate,
  podTemplatesOf,
} from "@scout-deploy/core";
import type { Protocol } from "./conns.js";
import { type IpSet, ipBlockSet } from "./ip.js";
import {
  addSelectorNames,
  type PodLabels,
  podGroups,
  podLabelSets,
  UNKNOWN_LABEL_REASONS,
  unknownLabelsOf,
} from "./pods.js";
import { type ContainerPort, containerPortsOf, protocolOf } from "./ports.js";
import {
  compilePodSelector,
  compileSelector,
  isEmptySelector,
  type Labels,
  type PodMatch,
  type PodSelector,
  type PodSide,
  type Selector,
} from "./selector.js";
import { type PolicyRefusal, policyRefusals, type RefusalOptions } from "./validate.js";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export type { ContainerPort } from "./ports.js";

/** A pod template of the bundle: the unit that the connectivity matrix talks about. */
export interface Workload {
  /** "namespace/name[Kind]", as netpol-analyzer names workloads. */
  id: string;
  namespace: string;
  name: string;
  kind: string;
  /**
   * The labels its pods carry: the template's and those their controller adds (see
   * `podLabelSets`), a value only the cluster knows as `UNKNOWN_LABEL_VALUE`. Of the first pod
   * it stands for: the others differ only in labels no selector of the bundle tells apart.
   */
  labels: Labels;
  /** The labels of each pod it stands for (a StatefulSet's ordinals, an Indexed Job's indexes). */
  podLabels: readonly Labels[];
  /** The labels its pods carry whose values only the cluster knows (pod-template-hash, ...). */
  unknownLabels: readonly string[];
  /**
   * The pods of the object it stands for, when the bundle's selectors tell the object's pods
   * apart ("redis-0", "index 2"): the object is then several workloads, one per group of pods.
   */
  pods?: readonly string[];
  ports: ContainerPort[];
  object: BundleObject;
  template: PodTemplate;
  /**
   * `hostNetwork: true`: the pod's traffic is the node's. Kubernetes leaves NetworkPolicy on such
   * pods undefined; the common implementation ignores them when matching podSelector and
   * namespaceSelector, so no policy isolates them and no pod peer admits them.
   */
  hostNetwork: boolean;
}

/** Whether selectors (a policy's podSelector, a peer's) can match the workload's pods. */
export function selectable(workload: Workload): boolean {
  return !workload.hostNetwork;
}

export interface PortSpec {
  protocol: Protocol;
  /** A number, a named port (resolved against the destination pod), or undefined for all ports. */
  port?: number | string;
  endPort?: number;
}

export type Peer =
  | {
      kind: "pods";
      /** The namespace selector over labels alone (the DNS namespaces, which the input rarely holds). */
      namespaces: Selector | "own";
      /**
       * The namespace selector over a namespace of the input, three-valued (`compilePodSelector`
       * over `Model.namespaceSides`): a label of a namespace without a Namespace object is open.
       * "own" without a namespaceSelector: the policy's namespace.
       */
      namespaceSelector: PodSelector | "own";
      /** The pod selector over labels alone (DNS pods, whose labels are the config's). */
      pods: Selector;
      /** The pod selector over a workload's pods, three-valued (see `compilePodSelector`). */
      podSelector: PodSelector;
      /** JSON Pointer of the peer inside the policy, e.g. /spec/ingress/0/from/1. */
      pointer: string;
    }
  | {
      kind: "ip";
      set: IpSet;
      /** The peer in its policy, "/spec/ingress/0/from/1" ("" when read alone). */
      pointer: string;
    };

export interface PolicyRule {
  direction: "ingress" | "egress";
  index: number;
  /** "all" when `from`/`to` is missing or empty: every pod and every address. */
  peers: Peer[] | "all";
  /** "all" when `ports` is missing or empty. */
  ports: PortSpec[] | "all";
  /** JSON Pointer of the rule inside the policy, e.g. /spec/ingress/0. */
  pointer: string;
}

export interface Policy {
  object: BundleObject;
  namespace: string;
  name: string;
  /** Whether its podSelector selects a workload's pods (see `policySelects`). */
  podSelector: PodSelector;
  /** True when the podSelector is empty: the policy covers the whole namespace. */
  selectsAll: boolean;
  isolatesIngress: boolean;
  isolatesEgress: boolean;
  ingress: PolicyRule[];
  egress: PolicyRule[];
  /** Why the API server refuses it, for a policy of `Model.refused`. */
  refusals?: PolicyRefusal[];
}

/**
 * The rules of a policy that the cluster applies: those of the directions its policyTypes
 * (explicit or defaulted) name. An `egress` list beside `policyTypes: [Ingress]` is accepted by
 * the API server and then ignored: it admits nothing.
 */
export function appliedRules(
  policy: Policy,
  direction?: "ingress" | "egress",
): readonly PolicyRule[] {
  const ingress = direction !== "egress" && policy.isolatesIngress ? policy.ingress : [];
  const egress = direction !== "ingress" && policy.isolatesEgress ? policy.egress : [];
  return ingress.length === 0 ? egress : egress.length === 0 ? ingress : [...ingress, ...egress];
}

export interface Model {
  workloads: Workload[];
  /** The policies the API server accepts: only these isolate pods and admit flows. */
  policies: Policy[];
  /**
   * The policies the API server refuses (see `policyRefusals`): never created, so they count in
   * no flow; kept for the rules that report the refusal.
   */
  refused: Policy[];
  /**
   * The labels of each namespace of the input (those of its workloads and its Namespace objects):
   * its Namespace object's, plus `kubernetes.io/metadata.name`, the only one a namespace without
   * an object is known to carry.
   */
  namespaceLabels: ReadonlyMap<string, Labels>;
  /**
   * The same namespaces as the side of a namespaceSelector's match: without a Namespace object in
   * the input, every label but `kubernetes.io/metadata.name` is open (the namespace exists in the
   * cluster with labels the input does not show), so a selector on another key may match it.
   */
  namespaceSides: ReadonlyMap<string, PodSide>;
  /**
   * Whether some peer's namespaceSelector names a label other than `kubernetes.io/metadata.name`
   * while some namespace of the input has no Namespace object: without one, every namespace match
   * is certain.
   */
  namesOpenNamespaceLabels: boolean;
  /**
   * Whether some policy's selector names a label whose value only the cluster knows
   * (`UNKNOWN_LABEL_REASONS`): without one, every match is certain.
   */
  namesUnknownLabels: boolean;
  /** Where an object of the model's bundle lands (a Service, an Ingress). */
  namespaceOf(object: BundleObject): string;
}

/** Where a namespaced object lands (see core's `effectiveNamespace`). */
export function namespaceOf(bundle: Bundle, object: BundleObject): string {
  return effectiveNamespace(bundle, object) ?? DEFAULT_NAMESPACE;
}

const built = new WeakMap<Bundle, Map<boolean, Model>>();

/** The bundle's model, built once per target: the analysis and external-exposure share it. */
export function modelOf(bundle: Bundle, options: RefusalOptions = {}): Model {
  const strictIp = options.strictIp ?? true;
  let byTarget = built.get(bundle);
  if (!byTarget) {
    byTarget = new Map();
    built.set(bundle, byTarget);
  }
  let model = byTarget.get(strictIp);
  if (!model) {
    model = buildModel(bundle, { strictIp });
    byTarget.set(strictIp, model);
  }
  return model;
}

export interface ModelOptions extends RefusalOptions {
  /**
   * Per-pod label values to tell pods apart by besides those the bundle's own selectors name:
   * the other side's, when two bundles are compared on the same groups of pods.
   */
  splitOn?: ReadonlyMap<string, ReadonlySet<string>>;
}

export function buildModel(bundle: Bundle, options: ModelOptions = {}): Model {
  const all = networkPolicies(bundle);
  const own = podSelectorNames(all);
  const named = options.splitOn ? unionNames(own, options.splitOn) : own;
  const workloads = bundle.objects.flatMap((object) => {
    // Containers an operator merges into pods of its own: their labels are the operator's.
    const templates = podTemplatesOf(object).filter((template) => !template.partial);
    return templates.flatMap((template) =>
      workloadsOf(namespaceOf(bundle, object), object, template, named, templates.length > 1),
    );
  });
  const refusals = new Map(all.map((o) => [o, policyRefusals(o.value, options)]));
  const refusedObjects = new Set(all.filter((o) => refusals.get(o)!.length > 0));
  const policies = all.filter((o) => !refusedObjects.has(o)).map((o) => policyOf(bundle, o));
  const labels = namespaceLabels(bundle, workloads);
  const sides = namespaceSides(bundle, labels);
  return {
    workloads,
    policies,
    refused: [...refusedObjects].map((o) => ({
      ...policyOf(bundle, o),
      refusals: refusals.get(o)!,
    })),
    namespaceOf: (object) => namespaceOf(bundle, object),
    namespaceLabels: labels,
    namespaceSides: sides,
    namesOpenNamespaceLabels:
      [...sides.values()].some((side) => side.openLabels) &&
      all.some((o) => !refusedObjects.has(o) && namesNamespaceLabels(o)),
    namesUnknownLabels: Object.keys(UNKNOWN_LABEL_REASONS).some((key) => own.has(key)),
  };
}

function networkPolicies(bundle: Bundle): BundleObject[] {
  return bundle.objects.filter(
    (o) => o.value.kind === "NetworkPolicy" && isNetworkingApi(o.value.apiVersion),
  );
}

/** The label keys and values the bundle's NetworkPolicy pod selectors name (see `podGroups`). */
export function selectorNamesOf(bundle: Bundle): Map<string, Set<string>> {
  return podSelectorNames(networkPolicies(bundle));
}

function unionNames(
  a: ReadonlyMap<string, ReadonlySet<string>>,
  b: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, Set<string>> {
  const union = new Map<string, Set<string>>();
  for (const side of [a, b])
    for (const [key, values] of side)
      union.set(key, new Set([...(union.get(key) ?? []), ...values]));
  return union;
}

function isNetworkingApi(apiVersion: string): boolean {
  return apiVersion.startsWith("networking.k8s.io/") || apiVersion.startsWith("extensions/");
}

/**
 * The workloads of one object: one, or one per group of pods that the bundle's selectors tell
 * apart (a policy that names `statefulset.kubernetes.io/pod-name: redis-0` splits redis-0 from the
 * other pods of the StatefulSet).
 */
function workloadsOf(
  namespace: string,
  object: BundleObject,
  template: PodTemplate,
  named: ReadonlyMap<string, ReadonlySet<string>>,
  oneOfSeveral: boolean,
): Workload[] {
  // An object with several kinds of pods (a training job's replicas, a workflow's steps) is
  // one workload per kind of pod, told apart by its role ("Worker", the template's name).
  const name = `${object.ref.name ?? "(unnamed)"}${oneOfSeveral ? `/${template.role}` : ""}`;
  const kind = object.value.kind;
  const ports = servingPorts(template);
  const unknownLabels = unknownLabelsOf(object, template);
  const groups = podGroups(podLabelSets(object, template), named);
  const split = groups.length > 1;
  return groups.map((group: PodLabels[]) => {
    const pods = split ? group.flatMap((p) => (p.pod ? [p.pod] : [])) : undefined;
    return {
      id: `${namespace}/${name}[${kind}]${pods ? `/${podsId(pods)}` : ""}`,
      namespace,
      name,
      kind,
      labels: group[0]!.labels,
      podLabels: group.map((p) => p.labels),
      unknownLabels,
      ...(pods ? { pods } : {}),
      ports,
      object,
      template,
      hostNetwork: template.spec.hostNetwork === true,
    };
  });
}

/** "redis-0,redis-2,redis-3", or the first three and a count: groups of pods are disjoint, so ids stay unique. */
function podsId(pods: readonly string[]): string {
  return pods.length > 3 ? `${pods.slice(0, 3).join(",")},+${pods.length - 3}` : pods.join(",");
}

/** The label keys (and values) that the pod selectors of the policies name. */
function podSelectorNames(policies: readonly BundleObject[]): Map<string, Set<string>> {
  const named = new Map<string, Set<string>>();
  for (const policy of policies) {
    const spec = isRecord(policy.value.spec) ? policy.value.spec : {};
    addSelectorNames(spec.podSelector, named);
    for (const peer of rawPeersOf(policy)) addSelectorNames(peer.podSelector, named);
  }
  return named;
}

/** The peers of a policy's ingress and egress rules, as written. */
function rawPeersOf(policy: BundleObject): Record<string, unknown>[] {
  const spec = isRecord(policy.value.spec) ? policy.value.spec : {};
  const peers: Record<string, unknown>[] = [];
  for (const [rules, key] of [
    [spec.ingress, "from"],
    [spec.egress, "to"],
  ] as const) {
    if (!Array.isArray(rules)) continue;
    for (const rule of rules) {
      const list = isRecord(rule) && Array.isArray(rule[key]) ? rule[key] : [];
      for (const peer of list) if (isRecord(peer)) peers.push(peer);
    }
  }
  return peers;
}

/**
 * Whether a policy selects a workload's pods: its namespace, its podSelector, and pods on the
 * pod network (hostNetwork pods are matched by no selector).
 */
export function policySelects(policy: Policy, workload: Workload): PodMatch {
  if (policy.namespace !== workload.namespace || !selectable(workload)) return false;
  return policy.podSelector(workload);
}

/** The workload's name, with the pods it stands for when it is one group of its object's pods. */
export function workloadName(workload: Workload): string {
  const { pods } = workload;
  if (!pods) return workload.name;
  const shown =
    pods.length > 3
      ? `${pods.slice(0, 3).join(", ")} and ${pods.length - 3} more`
      : pods.join(", ");
  return `${workload.name} (${pods.length === 1 ? "pod" : "pods"} ${shown})`;
}

/**
 * A text with the pod groups `workloadName` names left out (`redis (pods redis-1, redis-2)` is
 * `redis`): what a finding about one group of an object's pods says about the object, for
 * comparing a run whose selectors split the object with one whose selectors do not.
 */
export function withoutPodGroups(text: string): string {
  return text.replace(/ \(pods? [^()]*\)/g, "");
}

/**
 * The ports a named port resolves on, in the order Kubernetes looks (FindPort): the app
 * containers', then the native sidecars'; a name both declare is the app container's.
 */
export function servingPorts(template: PodTemplate): ContainerPort[] {
  const serving = containersOf(template).filter(servesTraffic);
  return [
    ...serving.filter((c) => c.list === "containers"),
    ...serving.filter((c) => c.list !== "containers"),
  ].flatMap((c) => containerPortsOf(c.container));
}

/**
 * The containers whose ports a named port resolves on: the app containers and native sidecars
 * (init containers with `restartPolicy: Always`), which serve for the pod's whole life, as
 * Kubernetes resolves a Service's named targetPort since 1.32 and Calico a policy's.
 */
function servesTraffic(c: ContainerRef): boolean {
  return (
    c.list === "containers" ||
    (c.list === "initContainers" && c.container.restartPolicy === "Always")
  );
}

/**
 * Each namespace of the input as a namespaceSelector sees it: a Namespace object's labels are
 * exact (what kubectl applies); without one only the name label is known, the others open.
 */
function namespaceSides(bundle: Bundle, labels: ReadonlyMap<string, Labels>): Map<string, PodSide> {
  const declared = new Set(
    bundle.objects.flatMap((o) => (o.value.kind === "Namespace" && o.ref.name ? [o.ref.name] : [])),
  );
  const sides = new Map<string, PodSide>();
  for (const [namespace, known] of labels) {
    sides.set(namespace, {
      labels: known,
      unknownLabels: [],
      ...(declared.has(namespace) ? {} : { openLabels: true }),
    });
  }
  return sides;
}

/** The side of a namespace the input does not hold: its name alone is known. */
export function unseenNamespaceSide(namespace: string): PodSide {
  return { labels: { [NAMESPACE_NAME_LABEL]: namespace }, unknownLabels: [], openLabels: true };
}

/** A namespace as a namespaceSelector sees it: the input's (see `namespaceSides`), else one it does not hold. */
export function namespaceSide(model: Pick<Model, "namespaceSides">, namespace: string): PodSide {
  return model.namespaceSides.get(namespace) ?? unseenNamespaceSide(namespace);
}

/**
 * A namespace's labels as a CNI copies them onto the namespace's pods, each key under `prefix`
 * (Cilium's `io.cilium.k8s.namespace.labels.`, Calico's `pcns.`): the pod's side then leaves
 * the keys under the prefix open where the namespace's are (no Namespace object in the input).
 */
export function namespaceLabelsUnder(
  model: Pick<Model, "namespaceSides">,
  namespace: string,
  prefix: string,
): Pick<PodSide, "labels" | "openLabels"> {
  const side = namespaceSide(model, namespace);
  const labels = Object.fromEntries(
    Object.entries(side.labels).map(([key, value]) => [`${prefix}${key}`, value]),
  );
  return side.openLabels ? { labels, openLabels: prefix } : { labels };
}

/** A name no namespace of the input has: what `unseenNamespaces` asks about "any other namespace". */
const ANOTHER_NAMESPACE = "\u0000another-namespace";

/**
 * The namespaces a namespaceSelector may pick that the input does not hold (no workload, no
 * Namespace object there), whose pods the input cannot show: those it names by
 * `kubernetes.io/metadata.name`, and `others`, whether any other namespace may match on labels
 * that someone gives it in the cluster (false; true; or the requirement that decides, relative to
 * the selector).
 */
export function unseenNamespaces(
  selector: unknown,
  model: Pick<Model, "namespaceSides">,
): { named: string[]; others: PodMatch } {
  const matches = compilePodSelector(selector);
  const named = nameValues(selector).filter(
    (name) => !model.namespaceSides.has(name) && matches(unseenNamespaceSide(name)) !== false,
  );
  return { named, others: matches(unseenNamespaceSide(ANOTHER_NAMESPACE)) };
}

/** The namespace names a selector's name-label requirements (matchLabels, In) list. */
function nameValues(selector: unknown): string[] {
  if (!isRecord(selector)) return [];
  const names = new Set<string>();
  const byLabels = isRecord(selector.matchLabels)
    ? selector.matchLabels[NAMESPACE_NAME_LABEL]
    : undefined;
  if (typeof byLabels === "string") names.add(byLabels);
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (isRecord(e) && e.key === NAMESPACE_NAME_LABEL && e.operator === "In")
      for (const v of Array.isArray(e.values) ? e.values : []) names.add(String(v));
  }
  return [...names];
}

/** Whether some peer of the policy selects namespaces by a label other than their name. */
function namesNamespaceLabels(policy: BundleObject): boolean {
  const named = new Map<string, Set<string>>();
  for (const peer of rawPeersOf(policy)) addSelectorNames(peer.namespaceSelector, named);
  return [...named.keys()].some((key) => key !== NAMESPACE_NAME_LABEL);
}

/** Namespace objects' labels, plus the automatic name label; namespaces without an object get only that. */
function namespaceLabels(bundle: Bundle, workloads: readonly Workload[]): Map<string, Labels> {
  const result = new Map<string, Labels>();
  for (const workload of workloads) {
    result.set(workload.namespace, { [NAMESPACE_NAME_LABEL]: workload.namespace });
  }
  for (const object of bundle.objects) {
    if (object.value.kind !== "Namespace" || !object.ref.name) continue;
    result.set(object.ref.name, {
      ...labelsOf(object.value.metadata),
      [NAMESPACE_NAME_LABEL]: object.ref.name,
    });
  }
  return result;
}

function policyOf(bundle: Bundle, object: BundleObject): Policy {
  const spec = isRecord(object.value.spec) ? object.value.spec : {};
  const ingress = rulesOf(spec.ingress, "ingress");
  const egress = rulesOf(spec.egress, "egress");
  const types =
    Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0 ? spec.policyTypes : undefined;
  // Kubernetes' defaulting, for an unset or empty list alike (len(policyTypes) == 0): Ingress
  // always, Egress only when egress rules are given.
  const isolatesIngress = types ? types.includes("Ingress") : true;
  const isolatesEgress = types
    ? types.includes("Egress")
    : Array.isArray(spec.egress) && spec.egress.length > 0;
  return {
    object,
    namespace: namespaceOf(bundle, object),
    name: object.ref.name ?? "(unnamed)",
    podSelector: compilePodSelector(spec.podSelector),
    selectsAll: !isRecord(spec.podSelector) || isEmptySelector(spec.podSelector),
    isolatesIngress,
    isolatesEgress,
    ingress,
    egress,
  };
}

/**
 * The line of one port entry of a NetworkPolicy rule: its `port`, else the entry itself (an entry
 * without a port opens every port of its protocol).
 */
export function portEntryPointer(rule: PolicyRule, index: number): string {
  const spec = rule.ports === "all" ? undefined : rule.ports[index];
  return `${rule.pointer}/ports/${index}${spec?.port === undefined ? "" : "/port"}`;
}

function rulesOf(value: unknown, direction: "ingress" | "egress"): PolicyRule[] {
  if (!Array.isArray(value)) return [];
  const peerKey = direction === "ingress" ? "from" : "to";
  return value.map((rule, index) => {
    const body = isRecord(rule) ? rule : {};
    const peers = body[peerKey];
    const ports = body.ports;
    return {
      direction,
      index,
      peers:
        Array.isArray(peers) && peers.length > 0
          ? peers.flatMap((peer, i) => peerOf(peer, `/spec/${direction}/${index}/${peerKey}/${i}`))
          : "all",
      ports: Array.isArray(ports) && ports.length > 0 ? ports.flatMap(portSpecOf) : "all",
      pointer: `/spec/${direction}/${index}`,
    };
  });
}

export function peerOf(value: unknown, pointer = ""): Peer[] {
  if (!isRecord(value)) return [];
  if (isRecord(value.ipBlock)) {
    const { cidr, except } = value.ipBlock;
    const set =
      typeof cidr === "string"
        ? ipBlockSet(
            cidr,
            Array.isArray(except) ? except.filter((e): e is string => typeof e === "string") : [],
          )
        : undefined;
    return set ? [{ kind: "ip", set, pointer }] : [];
  }
  // A null selector is an unset one: the API server decodes it as a nil pointer.
  if (value.podSelector == null && value.namespaceSelector == null) return [];
  return [
    {
      kind: "pods",
      namespaces:
        value.namespaceSelector == null ? "own" : compileSelector(value.namespaceSelector),
      namespaceSelector:
        value.namespaceSelector == null ? "own" : compilePodSelector(value.namespaceSelector),
      pods: compileSelector(value.podSelector),
      podSelector: compilePodSelector(value.podSelector),
      pointer,
    },
  ];
}

function portSpecOf(value: unknown): PortSpec[] {
  if (!isRecord(value)) return [];
  const spec: PortSpec = { protocol: protocolOf(value.protocol) };
  if (typeof value.port === "number" || typeof value.port === "string") {
    spec.port =
      typeof value.port === "string" && /^\d+$/.test(value.port) ? Number(value.port) : value.port;
  }
  if (typeof value.endPort === "number") spec.endPort = value.endPort;
  return [spec];
}

/**
 * Whether a pod peer of a policy's rule stands for a workload's pods: its namespaces, its
 * podSelector. An open answer points at the requirement, relative to the peer
 * ("/namespaceSelector/matchLabels/team", "/podSelector/matchLabels/pod-template-hash"); the
 * namespace's comes first, being what the user would change.
 */
export function peerSelects(
  peer: Peer,
  policy: Policy,
  workload: Workload,
  model: Model,
): PodMatch {
  if (peer.kind !== "pods" || !selectable(workload)) return false;
  const inNamespace = namespaceMatch(peer, policy.namespace, workload.namespace, model);
  if (inNamespace === false) return false;
  const pods = peer.podSelector(workload);
  if (pods === false) return false;
  if (typeof inNamespace === "object") return inNamespace;
  return pods === true ? true : { ...pods, pointer: `/podSelector${pods.pointer}` };
}

/**
 * Whether a pod peer's namespaces include one of the input's: the policy's own without a
 * namespaceSelector; else the selector over the namespace's side, an open answer pointing at the
 * requirement relative to the peer and naming the namespace.
 */
export function namespaceMatch(
  peer: Extract<Peer, { kind: "pods" }>,
  policyNamespace: string,
  namespace: string,
  model: Pick<Model, "namespaceSides">,
): PodMatch {
  if (peer.namespaceSelector === "own") return namespace === policyNamespace;
  const match = peer.namespaceSelector(namespaceSide(model, namespace));
  return typeof match === "object"
    ? { ...match, pointer: `/namespaceSelector${match.pointer}`, namespace }
    : match;
}
