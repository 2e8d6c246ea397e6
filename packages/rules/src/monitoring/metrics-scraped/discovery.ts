import { type BundleObject, containersOf, isRecord, type PodTemplate } from "@scout-deploy/core";
import {
  findPort,
  protocolOf,
  servingPorts,
  UNKNOWN_LABEL_REASONS,
  UNKNOWN_LABEL_VALUE,
} from "@scout-deploy/netpol";
import { targetPortOf } from "../../network/scope.js";
import { numberedPort } from "../../support/index.js";
import { type Discovered, type Labels, metaName } from "./prometheus-config.js";

/** A stand-in pod IP: discovery gives real ones, the rules only read the port. */
const POD_IP = "10.0.0.1";

function metaOf(prefix: string, metadata: unknown): Labels {
  const labels: Labels = {};
  for (const [field, kind] of [
    ["labels", "label"],
    ["annotations", "annotation"],
  ] as const) {
    const values = isRecord(metadata) && isRecord(metadata[field]) ? metadata[field] : {};
    for (const [key, value] of Object.entries(values)) {
      labels[`${prefix}_${kind}_${metaName(key)}`] = String(value);
      labels[`${prefix}_${kind}present_${metaName(key)}`] = "true";
    }
  }
  return labels;
}

/**
 * Services of the pod's namespace whose selector selects the pod's labels: `sure`, and
 * `uncertain` with the label that decides, when the selector compares a label whose value only
 * the cluster knows (`pod-template-hash`), which the pod carries as `UNKNOWN_LABEL_VALUE`.
 */
export function selectingServices(
  services: readonly BundleObject[],
  podLabels: Readonly<Record<string, string>>,
  inNamespace: (service: BundleObject) => boolean,
): { sure: BundleObject[]; uncertain: { service: BundleObject; key: string }[] } {
  const index = serviceIndexOf(services);
  // A Service is filed under one label of its selector: the pod carries it, or it cannot match.
  const candidates: number[] = [...(index.get(ANY) ?? [])];
  for (const [key, value] of Object.entries(podLabels)) {
    const filed = index.get(`${key}\u0000${value}`);
    if (filed) candidates.push(...filed);
  }
  const sure: BundleObject[] = [];
  const uncertain: { service: BundleObject; key: string }[] = [];
  for (const i of candidates.sort((a, b) => a - b)) {
    const service = services[i]!;
    if (!inNamespace(service)) continue;
    const entries = selectorOf(service);
    if (entries.length === 0) continue;
    const open = entries.filter(([k]) => podLabels[k] === UNKNOWN_LABEL_VALUE);
    if (!entries.every(([k, v]) => podLabels[k] === v || podLabels[k] === UNKNOWN_LABEL_VALUE))
      continue;
    if (open.length === 0) sure.push(service);
    else uncertain.push({ service, key: open[0]![0] });
  }
  return { sure, uncertain };
}

/** An ExternalName Service gets no endpoints, whatever its selector. */
function selectorOf(service: BundleObject): [string, unknown][] {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  if (spec.type === "ExternalName") return [];
  return Object.entries(isRecord(spec.selector) ? spec.selector : {});
}

/** Where Services whose selector names only labels the cluster sets are filed: every pod may match them. */
const ANY = "\u0000any";

const serviceIndexes = new WeakMap<readonly BundleObject[], Map<string, number[]>>();

/**
 * The Services with a selector, each filed under the rarest label of its selector
 * (`key\0value`) that a manifest can name, built once per list: a pod then meets only the
 * Services it may match.
 */
function serviceIndexOf(services: readonly BundleObject[]): Map<string, number[]> {
  const index = serviceIndexes.get(services);
  if (index) return index;
  const selectors = services.map((service) => {
    const entries = selectorOf(service);
    return entries.every(([, v]) => typeof v === "string")
      ? entries
          .filter(([k]) => !Object.hasOwn(UNKNOWN_LABEL_REASONS, k))
          .map(([k, v]) => `${k}\u0000${v as string}`)
      : undefined; // a non-string value never equals a label: the Service selects nothing
  });
  const uses = new Map<string, number>();
  for (const keys of selectors)
    for (const key of keys ?? []) uses.set(key, (uses.get(key) ?? 0) + 1);
  const filed = new Map<string, number[]>();
  selectors.forEach((keys, i) => {
    if (keys === undefined || selectorOf(services[i]!).length === 0) return;
    const rarest =
      keys.length === 0 ? ANY : keys.reduce((a, b) => (uses.get(b)! < uses.get(a)! ? b : a));
    const list = filed.get(rarest);
    if (list) list.push(i);
    else filed.set(rarest, [i]);
  });
  serviceIndexes.set(services, filed);
  return filed;
}

export interface ServicePort {
  name: string | undefined;
  port: number | undefined;
  /** The pod port it reaches, a named targetPort resolved through the pod's containers. */
  target: number | undefined;
}

export function servicePortsOf(service: BundleObject, template?: PodTemplate): ServicePort[] {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
  return ports.map((p) => {
    // As the EndpointSlice controller resolves it: a named targetPort by name and protocol.
    const targetPort = targetPortOf(p);
    const target =
      numberedPort(targetPort) ??
      (template
        ? findPort(servingPorts(template), targetPort, protocolOf(p.protocol))?.port
        : undefined);
    return {
      name: typeof p.name === "string" ? p.name : undefined,
      port: numberedPort(p.port),
      target,
    };
  });
}

/**
 * What Prometheus' kubernetes_sd would find for a pod of the template, per role: `podLabels`,
 * the labels the pod carries (its controller's included), else the template's; `podName`, the
 * pod's name (netpol's `podNameOf`: one sample when the cluster chooses it).
 */
export function discover(
  template: PodTemplate,
  namespace: string | undefined,
  services: readonly BundleObject[],
  podLabels?: Readonly<Record<string, string>>,
  podName: string = template.object.ref.name ?? "",
): Discovered {
  const metadata = podLabels ? { ...template.metadata, labels: podLabels } : template.metadata;
  const common: Labels = {
    ...(namespace ? { __meta_kubernetes_namespace: namespace } : {}),
    __meta_kubernetes_pod_name: podName,
    ...metaOf("__meta_kubernetes_pod", metadata),
  };
  const pod: Labels[] = containersOf(template)
    .filter((c) => c.list !== "ephemeralContainers")
    .flatMap((ref) => {
      const base = { ...common, __meta_kubernetes_pod_container_name: ref.name };
      const ports = Array.isArray(ref.container.ports) ? ref.container.ports.filter(isRecord) : [];
      if (ports.length === 0) return [{ ...base, __address__: POD_IP }];
      return ports.map((p) => ({
        ...base,
        __address__: `${POD_IP}:${String(p.containerPort)}`,
        __meta_kubernetes_pod_container_port_number: String(p.containerPort),
        __meta_kubernetes_pod_container_port_name: String(p.name ?? ""),
        __meta_kubernetes_pod_container_port_protocol: String(p.protocol ?? "TCP"),
      }));
    });
  const endpoints: Labels[] = [];
  const service: Labels[] = [];
  for (const svc of services) {
    const serviceLabels = {
      ...(namespace ? { __meta_kubernetes_namespace: namespace } : {}),
      __meta_kubernetes_service_name: svc.ref.name ?? "",
      ...metaOf("__meta_kubernetes_service", svc.value.metadata),
    };
    const ports = servicePortsOf(svc, template);
    // Each endpoint port with the container port it lands on; then, as discovery/kubernetes adds
    // them, every other container port of the pod, with the Service's labels but no endpoint port.
    const podPorts = pod.filter((p) => p.__meta_kubernetes_pod_container_port_number !== undefined);
    const onContainer = (n: number | undefined) =>
      podPorts.find((p) => p.__meta_kubernetes_pod_container_port_number === String(n)) ?? common;
    for (const port of ports) {
      if (port.target === undefined) continue; // a named targetPort the pod lacks: no endpoint
      endpoints.push({
        ...onContainer(port.target),
        ...serviceLabels,
        __address__: `${POD_IP}:${port.target}`,
        __meta_kubernetes_endpoint_port_name: port.name ?? "",
      });
    }
    if (ports.some((p) => p.target !== undefined)) {
      for (const other of podPorts) {
        if (
          ports.some((p) => String(p.target) === other.__meta_kubernetes_pod_container_port_number)
        )
          continue;
        endpoints.push({ ...other, ...serviceLabels });
      }
    }
    for (const port of ports) {
      service.push({
        ...serviceLabels,
        __address__: `${svc.ref.name}.${namespace ?? "default"}.svc:${port.port ?? ""}`,
        __meta_kubernetes_service_port_name: port.name ?? "",
        __meta_kubernetes_service_port_number: String(port.port ?? ""),
        __scout_service_port__: String(port.port ?? ""),
        __scout_service_target__: String(port.target ?? ""),
      });
    }
  }
  return { namespace, pod, endpoints, service };
}
