import {
  type Bundle,
  type BundleObject,
  defineRule,
  instanceOf,
  isRecord,
  joinPointer,
  labelsOf,
  z,
} from "@scout-deploy/core";
import { docsUrl } from "../../docs-url.js";
import { componentWorkloads, numberedPort } from "../../support/index.js";

const options = z
  .object({
    /** The backend's metrics port. @default 8000 */
    port: z.number().int().min(1).max(65535).default(8000),
  })
  .strict();

const SCRAPE = "prometheus.io/scrape";
const PORT = "prometheus.io/port";

export const metricsScraped = defineRule<z.output<typeof options>>({
  id: "monitoring/metrics-scraped",
  meta: {
    severity: "warning",
    description:
      "Prometheus scrapes the backend on port 8000: scrape annotations, a ServiceMonitor/PodMonitor or a scrape config.",
    remediation:
      'Annotate the backend\'s pod template with prometheus.io/scrape: "true" and prometheus.io/port: "8000", or add a ServiceMonitor.',
    appliesTo: ["PodTemplate", "Service", "ServiceMonitor", "PodMonitor", "ConfigMap"],
    guide: "Monitor and Audit: Enable Prometheus metrics",
    docs: docsUrl("monitoring/metrics-scraped"),
    options,
    messages: {
      notScraped:
        "nothing makes Prometheus scrape the backend {{name}} of instance {{instance}} on port {{port}}",
      wrongPort:
        "the backend {{name}} of instance {{instance}} is annotated for scraping on port {{actual}}, but its metrics are on {{port}}",
    },
  },
  check(context) {
    const { port } = context.options;
    const { bundle, settings } = context;
    const scrapers = scrapersOf(bundle, port);
    for (const { object, template } of componentWorkloads(bundle, settings, "backend")) {
      const annotations = isRecord(template.metadata.annotations)
        ? template.metadata.annotations
        : {};
      const annotated = String(annotations[SCRAPE]) === "true";
      const name = object.ref.name ?? "(unnamed)";
      const instance = instanceOf(object).name;
      const annotatedPort = numberedPort(annotations[PORT]);
      if (annotated && annotatedPort !== undefined && annotatedPort !== port) {
        context.report({
          messageId: "wrongPort",
          data: { name, instance, actual: String(annotations[PORT]), port },
          object,
          pointer: joinPointer(template.metadataPointer, "annotations", PORT),
        });
        continue;
      }
      if (annotated) continue;
      const labels = labelsOf(template.metadata);
      if (scrapedElsewhere(scrapers, object, labels, port)) continue;
      context.report({
        messageId: "notScraped",
        data: { name, instance, port },
        object,
        pointer: template.metadataPointer,
      });
    }
  },
});

/** What can make Prometheus scrape a workload, gathered once per bundle (not once per backend). */
interface Scrapers {
  /** Services by namespace; those without one ("") are applied wherever `-n` says. */
  services: Map<string, BundleObject[]>;
  monitors: BundleObject[];
  /** The namespaces whose backend a scrape config in a ConfigMap targets on the port. */
  scrapedNamespaces: ReadonlySet<string>;
}

function scrapersOf(bundle: Bundle, port: number): Scrapers {
  return {
    services: byNamespace(bundle.objects.filter((o) => o.value.kind === "Service")),
    monitors: bundle.objects.filter(
      (o) => o.value.kind === "ServiceMonitor" || o.value.kind === "PodMonitor",
    ),
    scrapedNamespaces: new Set(
      bundle.objects.flatMap((o) => (o.value.kind === "ConfigMap" ? scrapedBy(o, port) : [])),
    ),
  };
}

function scrapedElsewhere(
  scrapers: Scrapers,
  workload: BundleObject,
  podLabels: Record<string, string>,
  port: number,
): boolean {
  if (scrapers.scrapedNamespaces.has(workload.ref.namespace ?? "default")) return true;
  const candidates =
    workload.ref.namespace === undefined
      ? [...scrapers.services.values()].flat()
      : [
          ...(scrapers.services.get(workload.ref.namespace) ?? []),
          ...(scrapers.services.get("") ?? []),
        ];
  const services = candidates.filter((o) =>
    selects(isRecord(o.value.spec) ? o.value.spec.selector : undefined, podLabels),
  );
  if (services.some((s) => annotatedService(s, port))) return true;
  for (const monitor of scrapers.monitors) {
    const spec = isRecord(monitor.value.spec) ? monitor.value.spec : {};
    const selector = isRecord(spec.selector) ? spec.selector.matchLabels : undefined;
    if (monitor.value.kind === "PodMonitor" && selects(selector, podLabels)) return true;
    if (
      services.some(
        (s) => selects(selector, labelsOf(s.value.metadata)) && servesPort(s, spec, port),
      )
    )
      return true;
  }
  return false;
}

function byNamespace(objects: readonly BundleObject[]): Map<string, BundleObject[]> {
  const index = new Map<string, BundleObject[]>();
  for (const object of objects) {
    const key = object.ref.namespace ?? "";
    const members = index.get(key);
    if (members) members.push(object);
    else index.set(key, [object]);
  }
  return index;
}

function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector) || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function annotatedService(service: BundleObject, port: number): boolean {
  const metadata = isRecord(service.value.metadata) ? service.value.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  if (String(annotations[SCRAPE]) !== "true") return false;
  const annotated = numberedPort(annotations[PORT]);
  return (
    annotated === undefined || annotated === port || servicePortTargets(service, annotated, port)
  );
}

/** A ServiceMonitor endpoint names a Service port (by name or number) that reaches `port` on the pod. */
function servesPort(
  service: BundleObject,
  monitorSpec: Record<string, unknown>,
  port: number,
): boolean {
  const endpoints = Array.isArray(monitorSpec.endpoints) ? monitorSpec.endpoints : [];
  const ports = servicePorts(service);
  return endpoints.some((endpoint) => {
    if (!isRecord(endpoint)) return false;
    if (numberedPort(endpoint.targetPort) === port) return true;
    return ports.some(
      (p) =>
        (p.name === endpoint.port || p.port === numberedPort(endpoint.port)) && p.target === port,
    );
  });
}

function servicePortTargets(service: BundleObject, servicePort: number, port: number): boolean {
  return servicePorts(service).some((p) => p.port === servicePort && p.target === port);
}

function servicePorts(service: BundleObject) {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  return ports.filter(isRecord).map((p) => ({
    name: p.name,
    port: numberedPort(p.port),
    target: numberedPort(p.targetPort ?? p.port),
  }));
}

/**
 * The namespaces a Prometheus scrape config (prometheus.yml in a ConfigMap) targets the backend
 * in, on the port: `backend.<namespace>.svc:<port>`, or a bare `backend:<port>`, which resolves in
 * the ConfigMap's own namespace (the Prometheus pod's). Each deployment needs its own target.
 */
function scrapedBy(configMap: BundleObject, port: number): string[] {
  const data = isRecord(configMap.value.data) ? configMap.value.data : {};
  const target = new RegExp(`backend[A-Za-z0-9-]*((?:\\.[A-Za-z0-9-]+)*):${port}\\b`, "g");
  return Object.values(data).flatMap((text) => {
    if (typeof text !== "string" || !text.includes("scrape_configs")) return [];
    return [...text.matchAll(target)].map(
      (m) => m[1]?.split(".")[1] ?? configMap.ref.namespace ?? "default",
    );
  });
}
