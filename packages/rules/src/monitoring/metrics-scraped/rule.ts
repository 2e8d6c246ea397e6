import {
  type Bundle,
  type BundleObject,
  defineRule,
  isRecord,
  joinPointer,
  labelsOf,
  z,
} from "@scout-deploy/core";
import { componentWorkloads, numberedPort, sameNamespace } from "../../support/index.js";

const options = z
  .object({
    /** The backend's metrics port. @default 8000 */
    port: z.number().int().min(1).max(65535).default(8000),
  })
  .strict();

const SCRAPE = "prometheus.io/scrape";
const PORT = "prometheus.io/port";

export const metricsScraped = defineRule({
  id: "monitoring/metrics-scraped",
  meta: {
    severity: "warning",
    description:
      "Prometheus scrapes the backend on port 8000: scrape annotations, a ServiceMonitor/PodMonitor or a scrape config.",
    remediation:
      'Annotate the backend\'s pod template with prometheus.io/scrape: "true" and prometheus.io/port: "8000", or add a ServiceMonitor.',
    guide: "Monitor and Audit: Enable Prometheus metrics",
    options,
    messages: {
      notScraped: "nothing makes Prometheus scrape the backend {{name}} on port {{port}}",
      wrongPort:
        "the backend {{name}} is annotated for scraping on port {{actual}}, but its metrics are on {{port}}",
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
      const annotatedPort = numberedPort(annotations[PORT]);
      if (annotated && annotatedPort !== undefined && annotatedPort !== port) {
        context.report({
          messageId: "wrongPort",
          data: { name: object.ref.name ?? "(unnamed)", actual: String(annotations[PORT]), port },
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
        data: { name: object.ref.name ?? "(unnamed)", port },
        object,
        pointer: template.metadataPointer,
      });
    }
  },
});

/** What can make Prometheus scrape a workload, gathered once per bundle (not once per backend). */
interface Scrapers {
  services: BundleObject[];
  monitors: BundleObject[];
  /** A scrape config in a ConfigMap targets the port, whatever the workload. */
  scrapeConfig: boolean;
}

function scrapersOf(bundle: Bundle, port: number): Scrapers {
  return {
    services: bundle.objects.filter((o) => o.value.kind === "Service"),
    monitors: bundle.objects.filter(
      (o) => o.value.kind === "ServiceMonitor" || o.value.kind === "PodMonitor",
    ),
    scrapeConfig: bundle.objects.some(
      (o) => o.value.kind === "ConfigMap" && scrapeConfigNames(o, port),
    ),
  };
}

function scrapedElsewhere(
  scrapers: Scrapers,
  workload: BundleObject,
  podLabels: Record<string, string>,
  port: number,
): boolean {
  if (scrapers.scrapeConfig) return true;
  const services = scrapers.services.filter(
    (o) =>
      sameNamespace(o.ref.namespace, workload.ref.namespace) &&
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

/** A Prometheus scrape config (prometheus.yml in a ConfigMap) with a target on the backend's port. */
function scrapeConfigNames(configMap: BundleObject, port: number): boolean {
  const data = isRecord(configMap.value.data) ? configMap.value.data : {};
  return Object.values(data).some(
    (text) =>
      typeof text === "string" &&
      text.includes("scrape_configs") &&
      new RegExp(`backend[^\\s'"]*:${port}\\b`).test(text),
  );
}
