import {
  type Bundle,
  type BundleObject,
  compileSelector,
  containersOf,
  defineRule,
  instanceOf,
  isRecord,
  joinPointer,
  labelsOf,
  metadataPointerOf,
  type PodTemplate,
  z,
} from "@scout-deploy/core";
import {
  compilePodSelector,
  type PodMatch,
  type PodName,
  podLabelSets,
  podNameOf,
  servingPorts,
  UNKNOWN_LABEL_REASONS,
  UNKNOWN_LABEL_VALUE,
} from "@scout-deploy/netpol";
import {
  componentWorkloads,
  effectiveNamespace,
  groupBy,
  numberedPort,
  resolvePort,
} from "../../support/index.js";
import { operatorSelection, POD_MONITORS, SERVICE_MONITORS } from "../operator-selection.js";
import { type PrometheusLoads, prometheusLoads } from "../prometheus-load.js";
import { positionInRuleFile } from "../security-alerts/rule-file.js";
import { discover, selectingServices, servicePortsOf } from "./discovery.js";
import { addressPort, type Job, jobsScrape, relabel, scrapeJobs } from "./prometheus-config.js";

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
      notScraped:
        "nothing makes Prometheus scrape the backend {{name}} of instance {{instance}} on port {{port}}",
      wrongPort:
        "the backend {{name}} of instance {{instance}} is annotated for scraping on port {{actual}}, but its metrics are on {{port}}",
      targetMisses:
        "the scrape job {{job}} asks {{address}}, which does not reach the metrics of the backend {{name}} of instance {{instance}} at /metrics on port {{port}}{{why}}",
      mayNotBeScraped:
        "whether Prometheus scrapes the backend {{name}} of instance {{instance}} on port {{port}} depends on {{why}}, so it may not be scraped",
      monitorNotSelected:
        "{{monitor}} would make Prometheus scrape the backend {{name}} of instance {{instance}} on port {{port}}, but no Prometheus reads it: {{why}}",
    },
  },
  check(context) {
    const { port } = context.options;
    const { bundle, settings } = context;
    const loads = prometheusLoads(bundle, settings);
    const scrapers = scrapersOf(bundle, loads);
    for (const { object, template } of componentWorkloads(bundle, settings, "backend")) {
      const annotations = isRecord(template.metadata.annotations)
        ? template.metadata.annotations
        : {};
      const annotated = String(annotations[SCRAPE]) === "true";
      const name = object.ref.name ?? "(unnamed)";
      const instance = instanceOf(object).name;
      const annotatedPort = numberedPort(annotations[PORT]);
      const namespace = effectiveNamespace(bundle, object);
      // Selectors and discovery see the pods' labels, their controller's included: each kind of
      // pod (a StatefulSet's ordinals) must be scraped.
      const pods = podLabelSets(object, template).map(
        (set): Backend => ({
          object,
          template,
          labels: set.labels,
          namespace,
          name: podNameOf(object, set, nameHints(scrapers)),
          services: selectingServices(scrapers.servicesIn(namespace), set.labels, () => true),
        }),
      );
      const verdict = (from: Scrapers) =>
        allPods(pods.map((pod) => scrapedVerdict(from, pod, port)));
      const scraped = (from: Scrapers) => verdict(from) === true;
      const found = verdict(scrapers);
      // The input's Prometheus reads only its own configuration: annotations are what its jobs make of them.
      if (loads.complete && found === true) continue;
      if (annotated && annotatedPort !== undefined && annotatedPort !== port) {
        context.report({
          messageId: "wrongPort",
          data: { name, instance, actual: String(annotations[PORT]), port },
          object,
          pointer: metadataPointerOf(template, "annotations", PORT),
        });
        continue;
      }
      if (!loads.complete && (annotated || found === true)) continue;
      if (typeof found === "object") {
        context.report({
          messageId: "mayNotBeScraped",
          data: { name, instance, port, why: found.why },
          object,
          pointer: template.metadataPointer,
        });
        continue;
      }
      // A monitor that would scrape it is where the fix goes when no Prometheus selects it.
      const ignored = scrapers.unselected.find(({ monitor }) =>
        scraped({ ...scrapers, jobs: [], monitors: [monitor] }),
      );
      if (ignored) {
        const labelled = isRecord(ignored.monitor.value.metadata?.labels);
        context.report({
          messageId: "monitorNotSelected",
          data: {
            monitor: `${ignored.monitor.value.kind} ${ignored.monitor.ref.name}`,
            name,
            instance,
            port,
            why: ignored.why,
          },
          object: ignored.monitor,
          pointer: labelled ? "/metadata/labels" : "/metadata",
        });
        continue;
      }
      const near = pods.map((pod) => nearMissTarget(scrapers, pod, port)).find(Boolean);
      if (near) {
        const { configMap, key, text } = near.job.file;
        const within = positionInRuleFile(`${configMap.ref.name}/${key}`, text, {
          pointer: near.at,
        });
        context.report({
          messageId: "targetMisses",
          data: {
            job: near.job.name,
            address: near.address.replace(/^srv:/, ""),
            name,
            instance,
            port,
            why: near.why,
          },
          object: configMap,
          pointer: joinPointer("/data", key),
          ...(within ? { within } : {}),
        });
        continue;
      }
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
  services: BundleObject[];
  /** The ServiceMonitors and PodMonitors some Prometheus of the input selects (all, without one). */
  monitors: BundleObject[];
  /** Those no Prometheus of the input selects, and why. */
  unselected: { monitor: BundleObject; why: string }[];
  /** The scrape jobs of every prometheus.yml held in a ConfigMap, parsed. */
  jobs: Job[];
  /** Where an object lands. */
  namespaceOf(object: BundleObject): string | undefined;
  /** The Services of one namespace: only those select its pods. */
  servicesIn(namespace: string | undefined): readonly BundleObject[];
  /** The jobs that may find a pod of one namespace, by where they look: no other can. */
  jobsFor(namespace: string | undefined): readonly Job[];
  /** Whether the Prometheus of the input reads only the configuration it loads (annotations do nothing by themselves). */
  complete: boolean;
}

/**
 * The scrape jobs: of the configuration each Prometheus of the input loads (--config.file in its
 * ConfigMap mounts) when the input tells; else of every prometheus.yml a ConfigMap holds.
 */
function scrapersOf(bundle: Bundle, loads: PrometheusLoads): Scrapers {
  const jobs = loads.complete
    ? loads.loads.flatMap((l) =>
        l.config
          ? scrapeJobs(
              l.config.configMap,
              effectiveNamespace(bundle, l.config.configMap),
              l.config.key,
            )
          : [],
      )
    : bundle.objects
        .filter((o) => o.value.kind === "ConfigMap")
        .flatMap((o) => scrapeJobs(o, effectiveNamespace(bundle, o)));
  const monitors: BundleObject[] = [];
  const unselected: Scrapers["unselected"] = [];
  const selection = {
    ServiceMonitor: operatorSelection(bundle, SERVICE_MONITORS),
    PodMonitor: operatorSelection(bundle, POD_MONITORS),
  };
  for (const monitor of bundle.objects) {
    const kind = monitor.value.kind;
    if (kind !== "ServiceMonitor" && kind !== "PodMonitor") continue;
    const why = selection[kind]?.(monitor);
    if (why === undefined) monitors.push(monitor);
    else unselected.push({ monitor, why });
  }
  const services = bundle.objects.filter((o) => o.value.kind === "Service");
  const servicesByNamespace = groupBy(services, (s) => effectiveNamespace(bundle, s));
  const jobsFor = jobsByNamespace(jobs);
  return {
    services,
    monitors,
    unselected,
    jobs,
    namespaceOf: (o) => effectiveNamespace(bundle, o),
    complete: loads.complete,
    servicesIn: (namespace) => servicesByNamespace.get(namespace) ?? [],
    jobsFor,
  };
}

/**
 * The jobs that may find a pod of a namespace at all, by where they look: a service discovery
 * watching it, a static target resolving there, or a relabel rule that may rewrite the address
 * (any namespace). A superset: `jobsScrape` decides.
 */
function jobsByNamespace(jobs: readonly Job[]): (namespace: string | undefined) => readonly Job[] {
  const anywhere = new Set<Job>();
  const looking = new Map<string, Set<Job>>();
  const add = (namespace: string, job: Job) => {
    const set = looking.get(namespace);
    if (set) set.add(job);
    else looking.set(namespace, new Set([job]));
  };
  for (const job of jobs) {
    const everywhere =
      job.opaque ||
      job.namespace === undefined ||
      job.relabel.some(rewritesAddress) ||
      job.kubernetes.some((sd) => !sd.namespaces);
    if (everywhere) {
      anywhere.add(job);
      continue;
    }
    add(job.namespace!, job);
    for (const sd of job.kubernetes) for (const n of sd.namespaces ?? []) add(n, job);
    for (const target of job.staticTargets) {
      const { namespace } = targetHost(target.__address__ ?? "", job.namespace);
      if (namespace) add(namespace, job);
    }
  }
  const found = new Map<string | undefined, Job[]>();
  return (namespace) => {
    if (namespace === undefined) return jobs;
    let list = found.get(namespace);
    if (!list) {
      const set = looking.get(namespace);
      list = jobs.filter((job) => anywhere.has(job) || set?.has(job));
      found.set(namespace, list);
    }
    return list;
  };
}

function rewritesAddress(config: unknown): boolean {
  if (!isRecord(config)) return false;
  const action = String(config.action ?? "replace").toLowerCase();
  return action === "labelmap" || config.target_label === "__address__";
}

/** One kind of the backend's pods: the labels it carries and its name (see netpol's `podLabelSets`, `podNameOf`). */
interface Backend {
  object: BundleObject;
  template: PodTemplate;
  labels: Readonly<Record<string, string>>;
  namespace: string | undefined;
  name: PodName;
  /** The Services of its namespace that select these pods, surely or depending on the cluster. */
  services: ReturnType<typeof selectingServices>;
}

/** Scraped, not scraped, or depending on what only the cluster knows (and which). */
type Verdict = boolean | { why: string };

/** Every kind of pod must be scraped: one that surely is not decides, then one that may not. */
function allPods(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes(false)) return false;
  return verdicts.find((v) => typeof v === "object") ?? true;
}

/**
 * Whether Prometheus scrapes one kind of the backend's pods, three-valued: a pod name the cluster
 * chooses is tried in samples of its shape when a relabel rule may read it (all agree, or the
 * answer is open); a Service that may select the pods (its selector compares a label only the
 * cluster knows) may make it scraped, never surely.
 */
function scrapedVerdict(scrapers: Scrapers, backend: Backend, port: number): Verdict {
  const { sure, uncertain } = backend.services;
  const names =
    "known" in backend.name
      ? [backend.name.known]
      : readsPodName(scrapers)
        ? backend.name.samples
        : backend.name.samples.slice(0, 1);
  const answers = names.map((name) => scrapedElsewhere(scrapers, backend, port, sure, name));
  if (answers.every(Boolean)) return true;
  if (answers.some(Boolean) && "shape" in backend.name)
    return {
      why: `the pod's name, which the cluster chooses (${backend.name.shape}), as a relabel rule on __meta_kubernetes_pod_name reads it`,
    };
  for (const { service, key } of uncertain) {
    const widened = [...sure, service];
    if (names.some((name) => scrapedElsewhere(scrapers, backend, port, widened, name)))
      return {
        why: `whether Service "${service.ref.name ?? ""}" selects its pods: its selector compares the label ${key}, whose value no manifest can know (${reasonFor(key)})`,
      };
  }
  for (const monitor of scrapers.monitors) {
    if (monitor.value.kind !== "PodMonitor") continue;
    const spec = isRecord(monitor.value.spec) ? monitor.value.spec : {};
    const match = podMonitorMatch(spec.selector, backend.labels);
    if (typeof match !== "object") continue;
    const only = { ...scrapers, jobs: [], monitors: [monitor] };
    if (names.some((name) => scrapedElsewhere(only, backend, port, sure, name, true)))
      return {
        why: `whether PodMonitor ${monitor.ref.name ?? ""} selects its pods: its selector compares the label ${match.key}, whose value no manifest can know (${reasonFor(match.key)})`,
      };
  }
  return false;
}

const reasonFor = (key: string) => UNKNOWN_LABEL_REASONS[key] ?? "only the cluster sets it";

/**
 * A PodMonitor's selector over the pod's labels, three-valued: one comparing a label whose
 * value only the cluster knows (held as `UNKNOWN_LABEL_VALUE`) may select the pod or not.
 */
function podMonitorMatch(selector: unknown, labels: Readonly<Record<string, string>>): PodMatch {
  const unknownLabels = Object.keys(labels).filter((key) => labels[key] === UNKNOWN_LABEL_VALUE);
  return compilePodSelector(selector ?? {})({ labels, unknownLabels });
}

const hintsOf = new WeakMap<Scrapers, string[]>();

/**
 * The literal fragments of the relabel regexes (`5d8f` of `backend-5d8f.*`): samples of a
 * generated pod name are built around them, so that a rule singling out one name is seen to.
 */
function nameHints(scrapers: Scrapers): string[] {
  let hints = hintsOf.get(scrapers);
  if (!hints) {
    const regexes = scrapers.jobs.flatMap((job) =>
      job.relabel.flatMap((config) =>
        isRecord(config) && typeof config.regex === "string" ? [config.regex] : [],
      ),
    );
    hints = [...new Set(regexes.flatMap((regex) => regex.split(/[^a-z0-9]+/)))].filter(Boolean);
    hintsOf.set(scrapers, hints);
  }
  return hints;
}

const readingPodName = new WeakMap<Scrapers, boolean>();

/** Whether a relabel rule of a job may read the pod's name (by name, or through a labelmap copy). */
function readsPodName(scrapers: Scrapers): boolean {
  let reads = readingPodName.get(scrapers);
  if (reads === undefined) {
    reads = scrapers.jobs.some((job) =>
      job.relabel.some(
        (config) =>
          isRecord(config) &&
          (String(config.action ?? "").toLowerCase() === "labelmap" ||
            (Array.isArray(config.source_labels) &&
              config.source_labels.includes("__meta_kubernetes_pod_name"))),
      ),
    );
    readingPodName.set(scrapers, reads);
  }
  return reads;
}

function scrapedElsewhere(
  scrapers: Scrapers,
  backend: Backend,
  port: number,
  services: readonly BundleObject[],
  podName: string,
  /** Count a PodMonitor whose selector may select the pod (a label only the cluster knows). */
  hopeful = false,
): boolean {
  const { labels: podLabels } = backend;
  const discovered = discover(backend.template, backend.namespace, services, podLabels, podName);
  const accepts = (address: string, jobNamespace: string | undefined) =>
    staticTargetReaches(address, jobNamespace, backend, services, port);
  if (jobsScrape(scrapers.jobsFor(backend.namespace), discovered, port, accepts)) return true;
  if (!scrapers.complete && services.some((s) => annotatedService(s, backend.template, port)))
    return true;
  for (const monitor of scrapers.monitors) {
    const namespace = scrapers.namespaceOf(monitor);
    const spec = isRecord(monitor.value.spec) ? monitor.value.spec : {};
    // The operator turns the selector into relabelling: a keep per matchLabels entry and per
    // In/Exists expression, a drop per NotIn/DoesNotExist; an empty one keeps every target.
    const selects = compileSelector(spec.selector);
    if (!monitorWatches(namespace, spec, backend)) continue;
    const podMatch =
      monitor.value.kind === "PodMonitor" && podMonitorMatch(spec.selector, podLabels);
    if (
      (podMatch === true || (hopeful && typeof podMatch === "object")) &&
      podMonitorReaches(spec, backend.template, port)
    )
      return true;
    if (
      monitor.value.kind === "ServiceMonitor" &&
      services.some(
        (s) => selects(labelsOf(s.value.metadata)) && servesPort(s, spec, backend.template, port),
      )
    )
      return true;
  }
  return false;
}

/**
 * The Prometheus Operator looks for a monitor's targets in the monitor's own namespace, unless
 * `namespaceSelector` says `any: true` or lists the namespace in `matchNames`.
 */
function monitorWatches(
  monitorNamespace: string | undefined,
  spec: Record<string, unknown>,
  backend: Backend,
): boolean {
  const selector = isRecord(spec.namespaceSelector) ? spec.namespaceSelector : undefined;
  if (selector?.any === true) return true;
  // An empty matchNames is no list: the operator falls back to the monitor's own namespace.
  if (Array.isArray(selector?.matchNames) && selector.matchNames.length > 0) {
    return backend.namespace !== undefined && selector.matchNames.includes(backend.namespace);
  }
  return monitorNamespace === backend.namespace;
}

/**
 * A static target names the backend of its own namespace: its host is a Service that selects the backend and its port
 * one of that Service's ports reaching `port`; or, when no such Service is named, a host that
 * names the backend itself on `port`.
 */
function staticTargetReaches(
  address: string,
  prometheusNamespace: string | undefined,
  backend: Backend,
  services: readonly BundleObject[],
  port: number,
): boolean {
  const named = namedBackend(address, prometheusNamespace, backend, services);
  if (!named) return false;
  const { srv, targetPort, service } = named;
  if (service) {
    const headless = isHeadless(service);
    const ports = servicePortsOf(service, backend.template);
    if (srv) {
      const named = ports.find((p) => p.name === srv[1]);
      return named?.target === port;
    }
    if (headless) return targetPort === port && ports.some((p) => p.target === port);
    return ports.some((p) => p.port === targetPort && p.target === port);
  }
  return targetPort === port;
}

/**
 * What a static target's host names in the backend's namespace: a Service that selects the
 * backend; or, when the input has no such Service, the backend itself by a name that says so.
 * Undefined when it names neither.
 */
function namedBackend(
  address: string,
  prometheusNamespace: string | undefined,
  backend: Backend,
  services: readonly BundleObject[],
) {
  const { srv, host, targetPort, namespace } = targetHost(address, prometheusNamespace);
  if (namespace && backend.namespace && namespace !== backend.namespace) return undefined;
  const service = services.find((s) => s.ref.name === host);
  if (service) return { srv, targetPort, service };
  if (services.length > 0 || srv) return undefined;
  const says = host === backend.object.ref.name || host.includes("backend");
  return says ? { srv, targetPort, service: undefined } : undefined;
}

/**
 * A static target's host, port (none for an SRV name, which carries its own) and the namespace it
 * resolves in: the one it names (`backend.scout.svc`), else Prometheus' own (the ConfigMap's),
 * like any DNS name.
 */
function targetHost(address: string, prometheusNamespace: string | undefined) {
  const srv = address.startsWith("srv:") ? /^srv:_([^.]+)\._[^.]+\.(.*)$/.exec(address) : null;
  const hostPart = srv ? srv[2]! : address.replace(/:\d+$/, "");
  const targetPort = srv ? undefined : addressPort(address);
  const [host = "", named] = hostPart.split(".");
  const namespace = named && named !== "svc" ? named : prometheusNamespace;
  return { srv, host, targetPort, namespace };
}

/**
 * A static target of a scrape job that names the backend (its Service, or itself) but asks a
 * port that does not reach its metrics: the field to edit when nothing else scrapes it.
 */
function nearMissTarget(scrapers: Scrapers, backend: Backend, port: number) {
  const { sure } = backend.services;
  for (const job of scrapers.jobsFor(backend.namespace))
    for (const [i, target] of job.staticTargets.entries()) {
      const kept = relabel({ __metrics_path__: job.metricsPath, ...target }, job.relabel);
      const address = kept?.__address__ ?? "";
      const named = kept && namedBackend(address, job.namespace, backend, sure);
      // Only where the target is what to change: its Service, or the pods, serve the metrics.
      if (!kept || !named || !servedThrough(named.service, backend, port)) continue;
      const path = kept.__metrics_path__ ?? "";
      // On the port but another path: metrics_path is the field, when the job sets it.
      if (staticTargetReaches(address, job.namespace, backend, sure, port) && path !== "/metrics")
        return {
          job,
          at: job.metricsPathAt ?? job.staticAt[i]!,
          address: `${address}${path}`,
          why: "",
        };
      return { job, at: job.staticAt[i]!, address, why: portMismatch(named, backend) };
    }
  return undefined;
}

/**
 * Whether some port of what a target names reaches the metrics: a Service port sending to them;
 * for a headless Service or the pods by name, the pods' own port (declared, or none declared).
 */
function servedThrough(service: BundleObject | undefined, backend: Backend, port: number): boolean {
  if (service && !isHeadless(service))
    return servicePortsOf(service, backend.template).some((p) => p.target === port);
  const declared = servingPorts(backend.template);
  return declared.length === 0 || declared.some((p) => p.port === port);
}

/** Where a target's port goes instead, said through the Service it names. */
function portMismatch(named: NonNullable<ReturnType<typeof namedBackend>>, backend: Backend) {
  if (!named.service || named.srv) return "";
  const service = `Service ${named.service.ref.name ?? ""}`;
  if (isHeadless(named.service))
    return ` (${service} is headless: the port asked is the pods' own)`;
  const sent = servicePortsOf(named.service, backend.template).find(
    (p) => p.port === named.targetPort,
  );
  if (!sent) return ` (${service} has no port ${named.targetPort})`;
  return sent.target === undefined
    ? ""
    : ` (${service} sends port ${named.targetPort} to ${sent.target})`;
}

/** A Service whose name resolves to its pods' addresses: a target on it asks the pods' own port. */
function isHeadless(service: BundleObject): boolean {
  return isRecord(service.value.spec) && service.value.spec.clusterIP === "None";
}

/** A PodMonitor endpoint asks the pod's `port` (a named port resolved through the containers). */
function podMonitorReaches(
  spec: Record<string, unknown>,
  template: PodTemplate,
  port: number,
): boolean {
  const endpoints = Array.isArray(spec.podMetricsEndpoints) ? spec.podMetricsEndpoints : [];
  return endpoints.some((endpoint) => {
    if (!isRecord(endpoint)) return false;
    if (numberedPort(endpoint.portNumber) === port) return true;
    if (numberedPort(endpoint.targetPort) === port) return true;
    return containersOf(template).some(
      (ref) => endpoint.port !== undefined && resolvePort(endpoint.port, ref.container) === port,
    );
  });
}

/**
 * A Service annotated for scraping, as the usual `kubernetes-service-endpoints` job reads it:
 * its targets are the endpoints (pod address and targetPort), and `prometheus.io/port` replaces
 * the port of the pod's address, so it names a pod port, not a Service port.
 */
function annotatedService(service: BundleObject, template: PodTemplate, port: number): boolean {
  const metadata = isRecord(service.value.metadata) ? service.value.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  if (String(annotations[SCRAPE]) !== "true") return false;
  const annotated = numberedPort(annotations[PORT]);
  if (annotated !== undefined) return annotated === port;
  return servicePortsOf(service, template).some((p) => p.target === port);
}

/**
 * A ServiceMonitor endpoint names a Service port (by name or number) that reaches `port` on the
 * pod; a named targetPort resolves through the backend's containers, as the Service does.
 */
function servesPort(
  service: BundleObject,
  monitorSpec: Record<string, unknown>,
  template: PodTemplate,
  port: number,
): boolean {
  const endpoints = Array.isArray(monitorSpec.endpoints) ? monitorSpec.endpoints : [];
  const ports = servicePortsOf(service, template);
  return endpoints.some((endpoint) => {
    if (!isRecord(endpoint)) return false;
    if (numberedPort(endpoint.targetPort) === port) return true;
    return ports.some(
      (p) =>
        (p.name === endpoint.port || p.port === numberedPort(endpoint.port)) && p.target === port,
    );
  });
}
