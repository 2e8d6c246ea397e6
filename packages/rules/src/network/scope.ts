import {
  type BundleObject,
  componentOf,
  isRecord,
  labelsOf,
  type Settings,
} from "@scout-deploy/core";
import { compileSelector, type Model, type Policy, type Workload } from "@scout-deploy/netpol";

const byNamespace = new WeakMap<Model, Map<string, Workload[]>>();

/** The workloads of one namespace, indexed once per model (selectors never look across namespaces). */
function workloadsIn(model: Model, namespace: string): readonly Workload[] {
  let index = byNamespace.get(model);
  if (!index) {
    index = new Map();
    for (const w of model.workloads) {
      const members = index.get(w.namespace);
      if (members) members.push(w);
      else index.set(w.namespace, [w]);
    }
    byNamespace.set(model, index);
  }
  return index.get(namespace) ?? [];
}

/** The workloads a policy selects: its namespace, its podSelector. */
export function selectedBy(model: Model, policy: Policy): Workload[] {
  return workloadsIn(model, policy.namespace).filter((w) => policy.selects(w.labels));
}

/** True when the policy selects at least one workload and every one is nginx by its component label. */
export function selectsOnlyNginx(model: Model, policy: Policy, settings: Settings): boolean {
  const selected = selectedBy(model, policy);
  return selected.length > 0 && selected.every((w) => componentOf(w.object, settings) === "nginx");
}

/** The workloads a Service's selector picks in its namespace (none without a selector). */
export function serviceTargets(model: Model, service: BundleObject): Workload[] {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  if (!isRecord(spec.selector) || Object.keys(spec.selector).length === 0) return [];
  const select = compileSelector({ matchLabels: spec.selector });
  const namespace = service.ref.namespace ?? "default";
  return workloadsIn(model, namespace).filter((w) => select(w.labels));
}

/** A Service is nginx's when its own component label says so, or when it selects only nginx pods. */
export function isNginxService(model: Model, service: BundleObject, settings: Settings): boolean {
  const labels = labelsOf(service.value.metadata);
  if (settings.componentLabels.some((key) => labels[key] === "nginx")) return true;
  const targets = serviceTargets(model, service);
  return targets.length > 0 && targets.every((w) => componentOf(w.object, settings) === "nginx");
}
