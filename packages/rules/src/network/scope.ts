import {
  type BundleObject,
  componentOf,
  isRecord,
  labelsOf,
  type Settings,
} from "@scout-deploy/core";
import {
  compileSelector,
  findPort,
  type Model,
  numberedPort,
  type Policy,
  protocolOf,
  type Workload,
} from "@scout-deploy/netpol";
import { guideSettings } from "../settings.js";

interface WorkloadIndex {
  byNamespace: Map<string, Workload[]>;
  /** Per namespace and label (`namespace\0key\0value`), the workloads that carry it, in order. */
  byLabel: Map<string, Workload[]>;
  /** What each Service selects, computed once for the rules that ask. */
  targets: WeakMap<BundleObject, readonly Workload[]>;
}

const indexes = new WeakMap<Model, WorkloadIndex>();

/** The workloads by namespace and by label, indexed once per model (selectors never look across namespaces). */
function indexOf(model: Model): WorkloadIndex {
  let index = indexes.get(model);
  if (!index) {
    index = { byNamespace: new Map(), byLabel: new Map(), targets: new WeakMap() };
    for (const w of model.workloads) {
      push(index.byNamespace, w.namespace, w);
      for (const [key, value] of Object.entries(w.labels))
        push(index.byLabel, `${w.namespace}\u0000${key}\u0000${value}`, w);
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

/** The workloads a policy selects: its namespace, its podSelector. */
export function selectedBy(model: Model, policy: Policy): Workload[] {
  return workloadsIn(model, policy.namespace).filter((w) => policy.selects(w.labels));
}

/** True when the policy selects at least one workload and every one is nginx by its component label. */
export function selectsOnlyNginx(model: Model, policy: Policy, settings: Settings): boolean {
  const selected = selectedBy(model, policy);
  return (
    selected.length > 0 &&
    selected.every((w) => componentOf(w.object, guideSettings(settings)) === "nginx")
  );
}

/** The workloads a Service's selector picks in its namespace (none without a selector). */
export function serviceTargets(model: Model, service: BundleObject): readonly Workload[] {
  const index = indexOf(model);
  let targets = index.targets.get(service);
  if (!targets) {
    targets = selectedByService(index, service, model.namespaceOf(service));
    index.targets.set(service, targets);
  }
  return targets;
}

function selectedByService(
  index: WorkloadIndex,
  service: BundleObject,
  namespace: string,
): readonly Workload[] {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  if (!isRecord(spec.selector) || Object.keys(spec.selector).length === 0) return [];
  const select = compileSelector({ matchLabels: spec.selector });
  // Every label of the selector must match: the workloads that carry its rarest one are enough.
  let fewest: readonly Workload[] | undefined;
  for (const [key, value] of Object.entries(spec.selector)) {
    const carrying = index.byLabel.get(`${namespace}\u0000${key}\u0000${String(value)}`) ?? [];
    if (!fewest || carrying.length < fewest.length) fewest = carrying;
  }
  return (fewest ?? index.byNamespace.get(namespace) ?? []).filter((w) => select(w.labels));
}

/**
 * The workloads a Service really sends to: those its selector picks that can serve one of its
 * ports. A numeric targetPort reaches every selected pod (container ports are informational); a
 * named one only pods that declare that name, as the EndpointSlice controller resolves it.
 */
export function serviceEndpoints(model: Model, service: BundleObject): readonly Workload[] {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
  const serves = (workload: Workload) =>
    ports.length === 0 ||
    ports.some((entry) => {
      const target = entry.targetPort ?? entry.port;
      return (
        numberedPort(target) !== undefined ||
        findPort(workload.ports, target, protocolOf(entry.protocol)) !== undefined
      );
    });
  return serviceTargets(model, service).filter(serves);
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

/**
 * A Service is nginx's when it sends only to nginx pods. Traffic follows the selector, not the
 * Service's own labels: the component label counts only for a Service that selects no workload
 * of the bundle (no selector, or pods deployed elsewhere).
 */
export function isNginxService(model: Model, service: BundleObject, settings: Settings): boolean {
  const endpoints = serviceEndpoints(model, service);
  if (endpoints.length > 0) return nonNginxEndpoints(model, service, settings).length === 0;
  const labels = labelsOf(service.value.metadata);
  return settings.componentLabels.some((key) => labels[key] === "nginx");
}
