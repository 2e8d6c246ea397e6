import { type BundleObject, isRecord, parseSource } from "@scout-deploy/core";
import { compile } from "../go-regex.js";

/** A scrape target before relabelling: its labels, `__address__` included. */
export type Labels = Record<string, string>;

/** What service discovery would find for one pod: the candidates per role. */
export interface Discovered {
  namespace: string | undefined;
  /** Targets of `role: pod` (one per container port), `endpoints`/`endpointslice`, `service`. */
  pod: Labels[];
  endpoints: Labels[];
  service: Labels[];
}

/** One scrape job of a prometheus.yml, parsed. */
export interface Job {
  /** `job_name`. */
  name: string;
  /** The job's pointer in its file (`/scrape_configs/0`). */
  at: string;
  /** The ConfigMap's namespace (where it lands): where Prometheus, and so a bare host name, resolves. */
  namespace: string | undefined;
  /** Where the job is written: the ConfigMap, its key, and the text of that file. */
  file: { configMap: BundleObject; key: string; text: string };
  staticTargets: Labels[];
  /** For each static target, the field of the file that sets its address (a JSON Pointer into it). */
  staticAt: string[];
  kubernetes: Array<{ role: string; namespaces?: string[] }>;
  relabel: unknown[];
  /** `metrics_path`, where a relabelled target is asked unless `__metrics_path__` changes it. */
  metricsPath: string;
  /** Where `metrics_path` is written, when the job sets it. */
  metricsPathAt?: string;
  /** A service discovery the rule does not model (file_sd, consul, ...): it may find anything. */
  opaque: boolean;
}

/** Service discoveries whose targets the rule works out; any other makes a job opaque. */
const MODELLED = new Set([
  "job_name",
  "static_configs",
  "kubernetes_sd_configs",
  "dns_sd_configs",
  "relabel_configs",
  "metric_relabel_configs",
]);

/**
 * The scrape jobs of every Prometheus configuration a ConfigMap holds: each value that parses as
 * YAML into a mapping with `scrape_configs`. Parsed, not grepped: a commented-out job is no job.
 */
export function scrapeJobs(
  configMap: BundleObject,
  namespace: string | undefined,
  onlyKey?: string,
): Job[] {
  const data = isRecord(configMap.value.data) ? configMap.value.data : {};
  return Object.entries(data).flatMap(([key, text]) => {
    if (onlyKey !== undefined && key !== onlyKey) return [];
    if (typeof text !== "string" || !text.includes("scrape_configs")) return [];
    const config = parseEmbedded(`${configMap.ref.name ?? "configmap"}/${key}`, text);
    const jobs =
      isRecord(config) && Array.isArray(config.scrape_configs) ? config.scrape_configs : [];
    const file = { configMap, key, text };
    return jobs.flatMap((job, index) => {
      const at = `/scrape_configs/${index}`;
      return isRecord(job) ? [{ ...jobOf(job, namespace, at), at, namespace, file }] : [];
    });
  });
}

/** A YAML document held in a ConfigMap value, read like the manifests; undefined when it does not parse. */
export function parseEmbedded(path: string, text: string): unknown {
  const parsed = parseSource(path, text);
  if (parsed.problems.some((p) => p.ruleId === "input/parse-error")) return undefined;
  return parsed.documents[0]?.value;
}

function jobOf(
  job: Record<string, unknown>,
  namespace: string | undefined,
  at: string,
): Omit<Job, "namespace" | "file" | "at"> {
  const statics = Array.isArray(job.static_configs) ? job.static_configs : [];
  const staticTargets = statics.flatMap((group, g) => {
    if (!isRecord(group)) return [];
    const labels = isRecord(group.labels) ? stringValues(group.labels) : {};
    const targets = Array.isArray(group.targets) ? group.targets : [];
    return targets.map((t, i) => ({
      target: { ...labels, __address__: String(t) },
      at: `${at}/static_configs/${g}/targets/${i}`,
    }));
  });
  const dns = dnsTargets(job.dns_sd_configs, `${at}/dns_sd_configs`);
  const sd = Array.isArray(job.kubernetes_sd_configs) ? job.kubernetes_sd_configs : [];
  const kubernetes = sd.filter(isRecord).map((c) => {
    const names = watchedNamespaces(c.namespaces, namespace);
    return { role: String(c.role ?? ""), ...(names ? { namespaces: names } : {}) };
  });
  const relabel = Array.isArray(job.relabel_configs) ? job.relabel_configs : [];
  const metricsPath = typeof job.metrics_path === "string" ? job.metrics_path : "/metrics";
  const opaque = Object.keys(job).some((k) => k.endsWith("_sd_configs") && !MODELLED.has(k));
  return {
    name: String(job.job_name ?? "(unnamed)"),
    staticTargets: [...staticTargets, ...dns].map((t) => t.target),
    staticAt: [...staticTargets, ...dns].map((t) => t.at),
    kubernetes,
    relabel,
    metricsPath,
    ...(typeof job.metrics_path === "string" ? { metricsPathAt: `${at}/metrics_path` } : {}),
    opaque,
  };
}

/**
 * dns_sd_configs as targets named by host: an A/AAAA query asks each name on `port`; an SRV one
 * (the default) `_port._proto.host` on the port the record names (`srv:` marks it for the
 * caller, which knows the Service).
 */
function dnsTargets(configs: unknown, at: string): { target: Labels; at: string }[] {
  const list = Array.isArray(configs) ? configs : [];
  return list.flatMap((c, i) => {
    if (!isRecord(c)) return [];
    const names = Array.isArray(c.names) ? c.names.map(String) : [];
    const type = String(c.type ?? "SRV").toUpperCase();
    // An A query's port is its own field; an SRV name carries the port it asks.
    const portAt = type !== "SRV" && c.port !== undefined ? `${at}/${i}/port` : undefined;
    return names.map((name, n) => ({
      target: {
        __address__:
          type === "SRV" ? `srv:${name}` : `${name}:${c.port === undefined ? "" : String(c.port)}`,
      },
      at: portAt ?? `${at}/${i}/names/${n}`,
    }));
  });
}

/**
 * The namespaces a kubernetes_sd_config watches, as Prometheus' getNamespaces decides: `names`,
 * plus its own namespace (the ConfigMap's, as Prometheus mounts it) with `own_namespace: true`;
 * every namespace (undefined) when that leaves none.
 */
function watchedNamespaces(
  config: unknown,
  ownNamespace: string | undefined,
): string[] | undefined {
  const names = isRecord(config) && Array.isArray(config.names) ? config.names.map(String) : [];
  const own = isRecord(config) && config.own_namespace === true && ownNamespace;
  if (own) names.push(own);
  return names.length > 0 ? names : undefined;
}

function stringValues(record: Record<string, unknown>): Labels {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, String(v)]));
}

/** Prometheus' label name sanitising for `__meta_kubernetes_*_label_<name>`: non-word characters become `_`. */
export function metaName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

/**
 * Applies a job's relabel_configs like Prometheus: `keep`/`drop` on the full match of the joined
 * source labels, `replace` (default) into `target_label`, `labelmap`/`labeldrop`/`labelkeep`.
 * Returns the labels after relabelling, or undefined when the target is dropped.
 */
export function relabel(labels: Labels, configs: readonly unknown[]): Labels | undefined {
  let current: Labels = { ...labels };
  for (const config of configs) {
    if (!isRecord(config)) continue;
    const action = String(config.action ?? "replace").toLowerCase();
    const regex = anchored(config.regex);
    const sources = Array.isArray(config.source_labels) ? config.source_labels.map(String) : [];
    const separator = typeof config.separator === "string" ? config.separator : ";";
    const value = sources.map((s) => current[s] ?? "").join(separator);
    if (action === "keep" && !regex.test(value)) return undefined;
    if (action === "drop" && regex.test(value)) return undefined;
    if (action === "replace" && typeof config.target_label === "string") {
      const match = regex.exec(value);
      if (!match) continue;
      const replacement = String(config.replacement ?? "$1");
      const result = expand(replacement, match);
      if (result === "") delete current[config.target_label];
      else current[config.target_label] = result;
    }
    if (action === "lowercase" || action === "uppercase") {
      if (typeof config.target_label === "string")
        current[config.target_label] =
          action === "lowercase" ? value.toLowerCase() : value.toUpperCase();
    }
    const target =
      typeof config.target_label === "string" ? (current[config.target_label] ?? "") : "";
    if (action === "keepequal" && value !== target) return undefined;
    if (action === "dropequal" && value === target) return undefined;
    if (action === "labeldrop") current = filterNames(current, (n) => !regex.test(n));
    if (action === "labelkeep") current = filterNames(current, (n) => regex.test(n));
    if (action === "labelmap") {
      const replacement = String(config.replacement ?? "$1");
      for (const [name, v] of Object.entries(current)) {
        const match = regex.exec(name);
        if (match) current[expand(replacement, match)] = v;
      }
    }
  }
  return current;
}

/** A relabel rule's regex as Prometheus compiles it (relabel.NewRegexp: Go's syntax, `^(?s:...)$`). */
function anchored(regex: unknown): RegExp {
  const source = typeof regex === "string" ? regex : regex === undefined ? "(.*)" : String(regex);
  try {
    return compile(source);
  } catch {
    return /^(?!)$/;
  }
}

function expand(replacement: string, match: RegExpExecArray): string {
  return replacement.replace(/\$\{?(\w+)\}?/g, (_, group: string) => match[Number(group)] ?? "");
}

function filterNames(labels: Labels, keep: (name: string) => boolean): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([name]) => keep(name)));
}

/** The port a target's `__address__` ends in. */
export function addressPort(address: string | undefined): number | undefined {
  const match = /:(\d+)$/.exec(address ?? "");
  return match ? Number(match[1]) : undefined;
}

/**
 * True when one of the jobs scrapes a target that reaches `port` of the discovered pod: a
 * kubernetes_sd role that finds it (in the namespaces it watches) and survives relabelling with an
 * address on `port`, or a static target `accepts` says is the backend.
 */
export function jobsScrape(
  jobs: readonly Job[],
  discovered: Discovered,
  port: number,
  accepts: (address: string, jobNamespace: string | undefined) => boolean,
  path = "/metrics",
): boolean {
  return jobs.some((job) => {
    if (job.opaque) return true;
    // Prometheus sets __metrics_path__ from metrics_path before relabelling.
    const relabelled = (target: Labels) =>
      relabel({ __metrics_path__: job.metricsPath, ...target }, job.relabel);
    const onPath = (kept: Labels) => (kept.__metrics_path__ ?? "") === path;
    const fromStatic = job.staticTargets.some((target) => {
      const kept = relabelled(target);
      return kept !== undefined && onPath(kept) && accepts(kept.__address__ ?? "", job.namespace);
    });
    if (fromStatic) return true;
    return job.kubernetes.some((sd) => {
      if (sd.namespaces && discovered.namespace && !sd.namespaces.includes(discovered.namespace))
        return false;
      const candidates =
        sd.role === "pod"
          ? discovered.pod
          : sd.role === "endpoints" || sd.role === "endpointslice"
            ? discovered.endpoints
            : sd.role === "service"
              ? discovered.service
              : [];
      return candidates.some((target) => {
        const kept = relabelled(target);
        return kept !== undefined && onPath(kept) && reaches(kept, target, port);
      });
    });
  });
}

/** A relabelled target reaches the pod's `port`; a service-role target carries the pod port it maps to. */
function reaches(kept: Labels, original: Labels, port: number): boolean {
  const scraped = addressPort(kept.__address__);
  if (original.__scout_service_target__ !== undefined) {
    // Service role: the address is the Service's; it reaches the pod only through its own port.
    return (
      scraped === Number(original.__scout_service_port__) &&
      Number(original.__scout_service_target__) === port
    );
  }
  return scraped === port;
}
