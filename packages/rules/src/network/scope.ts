import {
  type BundleObject,
  componentOf,
  isRecord,
  labelsOf,
  type Settings,
} from "@scout-deploy/core";
import { compileSelector, type Model, type Policy, type Workload } from "@scout-deploy/netpol";

/** The workloads a policy selects: its namespace, its podSelector. */
export function selectedBy(model: Model, policy: Policy): Workload[] {
  return model.workloads.filter(
    (w) => w.namespace === policy.namespace && policy.selects(w.labels),
  );
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
  return model.workloads.filter((w) => w.namespace === namespace && select(w.labels));
}

/** A Service is nginx's when its own component label says so, or when it selects only nginx pods. */
export function isNginxService(model: Model, service: BundleObject, settings: Settings): boolean {
  const labels = labelsOf(service.value.metadata);
  if (settings.componentLabels.some((key) => labels[key] === "nginx")) return true;
  const targets = serviceTargets(model, service);
  return targets.length > 0 && targets.every((w) => componentOf(w.object, settings) === "nginx");
}
