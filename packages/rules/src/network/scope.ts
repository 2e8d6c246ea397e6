import {
  type BundleObject,
  componentOf,
  isRecord,
  labelsOf,
  type Settings,
} from "@scout-deploy/core";
import { compileSelector, type Model, type Policy, type Workload } from "@scout-deploy/netpol";
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
    targets = selectedByService(index, service);
    index.targets.set(service, targets);
  }
  return targets;
}

function selectedByService(index: WorkloadIndex, service: BundleObject): readonly Workload[] {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  if (!isRecord(spec.selector) || Object.keys(spec.selector).length === 0) return [];
  const select = compileSelector({ matchLabels: spec.selector });
  const namespace = service.ref.namespace ?? "default";
  // Every label of the selector must match: the workloads that carry its rarest one are enough.
  let fewest: readonly Workload[] | undefined;
  for (const [key, value] of Object.entries(spec.selector)) {
    const carrying = index.byLabel.get(`${namespace}\u0000${key}\u0000${String(value)}`) ?? [];
    if (!fewest || carrying.length < fewest.length) fewest = carrying;
  }
  return (fewest ?? index.byNamespace.get(namespace) ?? []).filter((w) => select(w.labels));
}

/** A Service is nginx's when its own component label says so, or when it selects only nginx pods. */
export function isNginxService(model: Model, service: BundleObject, settings: Settings): boolean {
  const labels = labelsOf(service.value.metadata);
  if (settings.componentLabels.some((key) => labels[key] === "nginx")) return true;
  const targets = serviceTargets(model, service);
  return (
    targets.length > 0 &&
    targets.every((w) => componentOf(w.object, guideSettings(settings)) === "nginx")
  );
}
