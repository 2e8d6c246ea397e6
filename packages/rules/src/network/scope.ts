import {
  type BundleObject,
  componentOf,
  isRecord,
  labelsOf,
  type MessageData,
  reportKey,
  type Settings,
} from "@scout-deploy/core";
import {
  compilePodSelector,
  findPort,
  type Model,
  numberedPort,
  type Policy,
  type Protocol,
  protocolOf,
  UNKNOWN_LABEL_REASONS,
  type Uncertain,
  type Workload,
} from "@scout-deploy/netpol";
import { guideSettings } from "../settings.js";

interface WorkloadIndex {
  byNamespace: Map<string, Workload[]>;
  /** Per namespace and label (`namespace\0key\0value`), the workloads that carry it, in order. */
  byLabel: Map<string, Workload[]>;
  /** What each Service selects or may select, computed once for the rules that ask. */
  targets: WeakMap<BundleObject, readonly ServiceTarget[]>;
}

const indexes = new WeakMap<Model, WorkloadIndex>();

/** The workloads by namespace and by label, indexed once per model (selectors never look across namespaces). */
function indexOf(model: Model): WorkloadIndex {
  let index = indexes.get(model);
  if (!index) {
    index = { byNamespace: new Map(), byLabel: new Map(), targets: new WeakMap() };
    for (const w of model.workloads) {
      push(index.byNamespace, w.namespace, w);
      const keys = new Set(
        w.podLabels.flatMap((labels) =>
          Object.entries(labels).map(([key, value]) => `${w.namespace}\u0000${key}\u0000${value}`),
        ),
      );
      for (const key of keys) push(index.byLabel, key, w);
    }
    indexes.set(model, index);
  }
  return index;
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function workloadsIn(model: Model, namespace: string): readonly Workload[] {
  return indexOf(model).byNamespace.get(namespace) ?? [];
}

/** The workloads a policy surely selects: its namespace, its podSelector, the labels their pods carry. */
export function selectedBy(model: Model, policy: Policy): Workload[] {
  return workloadsIn(model, policy.namespace).filter((w) => policy.podSelector(w) === true);
}

/** True when the policy selects at least one workload and every one is nginx by its component label. */
export function selectsOnlyNginx(model: Model, policy: Policy, settings: Settings): boolean {
  const selected = selectedBy(model, policy);
  return (
    selected.length > 0 &&
    selected.every((w) => componentOf(w.object, guideSettings(settings)) === "nginx")
  );
}

/**
 * A workload a Service's selector picks: surely, or only if a label whose value only the cluster
 * knows (`pod-template-hash`, `controller-revision-hash`, ...) holds the value the selector
 * names. `uncertain.pointer` names that entry of the Service, `/spec/selector/<key>`.
 */
export interface ServiceTarget {
  workload: Workload;
  uncertain?: Uncertain;
}

/** Every workload a Service's selector may pick in its namespace, sure ones and uncertain ones. */
function serviceMatches(model: Model, service: BundleObject): readonly ServiceTarget[] {
  const index = indexOf(model);
  let targets = index.targets.get(service);
  if (!targets) {
    targets = selectedByService(index, service, model.namespaceOf(service));
    index.targets.set(service, targets);
  }
  return targets;
}

/** The workloads a Service's selector surely picks in its namespace (none without a selector). */
export function serviceTargets(model: Model, service: BundleObject): readonly Workload[] {
  return serviceMatches(model, service).flatMap((t) => (t.uncertain ? [] : [t.workload]));
}

/**
 * The workloads a Service's selector may pick, only if a label whose value only the cluster
 * knows allows: counted where the Service could expose them, never claimed as its endpoints.
 */
export function serviceUncertainTargets(
  model: Model,
  service: BundleObject,
): readonly Required<ServiceTarget>[] {
  return serviceMatches(model, service).filter(
    (t): t is Required<ServiceTarget> => t.uncertain !== undefined,
  );
}

/**
 * The selector the EndpointSlice controller reads: none for an ExternalName Service, and none
 * for an absent or empty one (`selector: {}` comes back nil from the API server's storage): such
 * a Service gets no endpoints from the controller. A value that is no string never matches (the
 * API server refuses the object).
 */
function endpointSelector(service: BundleObject): [string, string][] | undefined {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  if (spec.type === "ExternalName" || !isRecord(spec.selector)) return undefined;
  const entries = Object.entries(spec.selector);
  if (entries.length === 0 || !entries.every(([, v]) => typeof v === "string")) return undefined;
  return entries as [string, string][];
}

function selectedByService(
  index: WorkloadIndex,
  service: BundleObject,
  namespace: string,
): readonly ServiceTarget[] {
  const selector = endpointSelector(service);
  if (!selector) return [];
  // Every label of the selector must match: the workloads that carry its rarest one are enough.
  // A label only the cluster knows carries no value a manifest names: it narrows nothing here.
  const known = selector.filter(([key]) => !Object.hasOwn(UNKNOWN_LABEL_REASONS, key));
  let fewest: readonly Workload[] = index.byNamespace.get(namespace) ?? [];
  for (const [key, value] of known) {
    const carrying = index.byLabel.get(`${namespace}\u0000${key}\u0000${value}`) ?? [];
    if (carrying.length < fewest.length) fewest = carrying;
  }
  // The Service's selector is a matchLabels selector: the pods' model answers it three-valued.
  const selects = compilePodSelector({ matchLabels: Object.fromEntries(selector) });
  return fewest.flatMap((workload): ServiceTarget[] => {
    let uncertain: Uncertain | undefined;
    for (const labels of workload.podLabels) {
      const match = selects({ labels, unknownLabels: workload.unknownLabels });
      if (match === true) return [{ workload }];
      if (match !== false) uncertain ??= match;
    }
    if (!uncertain) return [];
    const pointer = uncertain.pointer.replace(/^\/matchLabels/, "/spec/selector");
    return [{ workload, uncertain: { key: uncertain.key, pointer } }];
  });
}

/** One port of a Service and the workloads whose pods receive it, at which pod port. */
export interface ServicePortEndpoints {
  /** Its index in `spec.ports`. */
  index: number;
  protocol: Protocol;
  /** The targetPort after the API server's defaulting (absent, 0 or "": the port). */
  target: unknown;
  endpoints: { workload: Workload; port: number }[];
}

/**
 * Where each port of a Service sends, as the EndpointSlice controller computes it (FindPort): a
 * numeric targetPort reaches every selected pod at that number (container ports are
 * informational); a named one only pods that declare that name with the Service port's
 * protocol, app containers first, then native sidecars, at the declared number.
 */
export function servicePortEndpoints(
  model: Model,
  service: BundleObject,
  /** "uncertain": the workloads it may send to only if a label the cluster sets allows. */
  which: "sure" | "uncertain" = "sure",
): ServicePortEndpoints[] {
  const targets =
    which === "sure"
      ? serviceTargets(model, service)
      : serviceUncertainTargets(model, service).map((t) => t.workload);
  return portEndpoints(service, targets);
}

function portEndpoints(
  service: BundleObject,
  targets: readonly Workload[],
): ServicePortEndpoints[] {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  return ports.flatMap((entry, index): ServicePortEndpoints[] => {
    if (!isRecord(entry)) return [];
    const protocol = protocolOf(entry.protocol);
    const target = targetPortOf(entry);
    const number = numberedPort(target);
    const endpoints = targets.flatMap((workload) => {
      const port = number ?? findPort(workload.ports, target, protocol)?.port;
      return port === undefined ? [] : [{ workload, port }];
    });
    return [{ index, protocol, target, endpoints }];
  });
}

/** A Service port's targetPort as the API server defaults it: absent, 0 or "" mean the port. */
export function targetPortOf(entry: Record<string, unknown>): unknown {
  const target = entry.targetPort;
  return target === undefined || target === null || target === 0 || target === ""
    ? entry.port
    : target;
}

/**
 * The workloads a Service really sends to: those whose pods are endpoints of one of its ports.
 * A Service without ports (headless) lists every selected pod: DNS answers with their addresses
 * and clients reach them on any port.
 */
export function serviceEndpoints(model: Model, service: BundleObject): readonly Workload[] {
  return reachedThroughPorts(service, serviceTargets(model, service));
}

/** The workloads a Service may send to, only if a label whose value only the cluster knows allows. */
export function serviceUncertainEndpoints(
  model: Model,
  service: BundleObject,
): readonly Required<ServiceTarget>[] {
  const uncertain = serviceUncertainTargets(model, service);
  const reached = new Set(
    reachedThroughPorts(
      service,
      uncertain.map((t) => t.workload),
    ),
  );
  return uncertain.filter((t) => reached.has(t.workload));
}

/** Those of the targets that are endpoints of a port of the Service (all of them without ports). */
function reachedThroughPorts(service: BundleObject, targets: readonly Workload[]): Workload[] {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  if (ports.length === 0) return [...targets];
  const reached = new Set(
    portEndpoints(service, targets).flatMap((p) => p.endpoints.map((e) => e.workload)),
  );
  return targets.filter((w) => reached.has(w));
}

/** The workloads a Service sends to that are not nginx by their component label. */
export function nonNginxEndpoints(
  model: Model,
  service: BundleObject,
  settings: Settings,
): readonly Workload[] {
  return serviceEndpoints(model, service).filter(
    (w) => componentOf(w.object, guideSettings(settings)) !== "nginx",
  );
}

/** The workloads a Service may send to, only if a label the cluster sets allows, that are not nginx. */
export function uncertainNonNginxEndpoints(
  model: Model,
  service: BundleObject,
  settings: Settings,
): readonly Required<ServiceTarget>[] {
  return serviceUncertainEndpoints(model, service).filter(
    (t) => componentOf(t.workload.object, guideSettings(settings)) !== "nginx",
  );
}

/**
 * A Service is nginx's when it sends only to nginx pods, those it may send to included (a
 * selector on nginx's own pod-template-hash selects nginx or nothing). Traffic follows the
 * selector, not the Service's own labels: the component label counts only for a Service that
 * may select no workload of the bundle (no selector, or pods deployed elsewhere).
 */
export function isNginxService(model: Model, service: BundleObject, settings: Settings): boolean {
  const endpoints = [
    ...serviceEndpoints(model, service),
    ...serviceUncertainEndpoints(model, service).map((t) => t.workload),
  ];
  if (endpoints.length > 0)
    return endpoints.every((w) => componentOf(w.object, guideSettings(settings)) === "nginx");
  const labels = labelsOf(service.value.metadata);
  return settings.componentLabels.some((key) => labels[key] === "nginx");
}

/**
 * The first workload of each object: an object whose pods selectors tell apart is several
 * workloads, and a finding about the object itself (its ports, its probes) is made once.
 */
export function onePerObject(workloads: readonly Workload[]): Workload[] {
  const seen = new Set<BundleObject>();
  return workloads.filter((w) => !seen.has(w.object) && seen.add(w.object) !== undefined);
}

/**
 * `hostNetwork: true` is pod/no-host-namespaces' finding, whose message says no NetworkPolicy
 * applies to such a pod: a network rule's finding on that line yields to it (one cause, one
 * finding), and stands when that rule is off.
 */
export const HOST_NETWORK_OWNERS: readonly string[] = ["pod/no-host-namespaces"];

/**
 * The identity of a finding about one group of an object's pods (`redis (pods redis-1,
 * redis-2)`): the one it has about the whole object, so that it keeps its fingerprint when a
 * selector starts telling the object's pods apart (a pull request naming redis-0 does not make
 * the other pods' old finding new). Nothing for an object that is not split.
 */
export function groupIdentity(
  messageId: string,
  data: MessageData,
  workload: Workload,
): { key?: string } {
  if (!workload.pods) return {};
  const whole = reportKey(messageId, { ...data, name: workload.name });
  return { key: whole.slice(messageId.length + 1) };
}

export { portEntryPointer } from "@scout-deploy/netpol";
