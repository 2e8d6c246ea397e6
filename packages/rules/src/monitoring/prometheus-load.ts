import {
  type Bundle,
  type BundleObject,
  type ContainerRef,
  containersOf,
  effectiveNamespace,
  imageRepository,
  isRecord,
  joinPointer,
  type PodTemplate,
  type Settings,
} from "@scout-deploy/core";
import {
  type ComponentWorkload,
  componentWorkloads,
  configMapProjections,
  configMapsNamed,
  containerPath,
} from "../support/index.js";
import { parseEmbedded } from "./metrics-scraped/prometheus-config.js";

/**
 * What a Prometheus workload of the input loads, as Prometheus and the kubelet decide it: the
 * configuration file `--config.file` names (the official image's CMD says
 * /etc/prometheus/prometheus.yml; flags without it mean `prometheus.yml` in the working
 * directory, /prometheus), read from the ConfigMap volumes mounted in the Prometheus container,
 * and each file its `rule_files` globs reach (relative to the configuration's folder, `*` never
 * crossing a `/`, but matching a leading dot: a ConfigMap volume's `..data` folder too).
 */
export interface PrometheusLoad {
  workload: ComponentWorkload;
  container: ContainerRef;
  /** False when the input cannot tell (another image without --config.file, a ConfigMap not in the input). */
  known: boolean;
  configPath?: string;
  /** The configuration file, when a ConfigMap of the input is mounted there. */
  config?: MountedFile;
  /** Why Prometheus refuses to start with this configuration: no rule of it is loaded. */
  refusal?: { reason: string; object: BundleObject; pointer: string };
  /** The rule files loaded. */
  ruleFiles: MountedFile[];
  /** Every file ConfigMap volumes put in the container. */
  mounted: MountedFile[];
  /** The --enable-feature values the container passes (they change what PromQL accepts). */
  features: string[];
}

export interface MountedFile {
  path: string;
  configMap: BundleObject;
  key: string;
  text: string;
  /** The volumeMount that puts it there. */
  mountPointer: string;
}

/**
 * prom/prometheus and quay.io/prometheus/prometheus, with a tag or digest, by the name the
 * kubelet pulls: index.docker.io/prom/prometheus is docker.io/prom/prometheus too.
 */
const OFFICIAL_REPOSITORY = /^(?:docker\.io|quay\.io)\/prom(?:etheus)?\/prometheus$/;
const isOfficialImage = (image: unknown) =>
  OFFICIAL_REPOSITORY.test(imageRepository(String(image ?? "")) ?? "");

/** The container of a Prometheus workload that runs Prometheus. */
export function prometheusContainer(template: PodTemplate): ContainerRef | undefined {
  const apps = containersOf(template).filter((c) => c.list === "containers");
  const image = (c: ContainerRef) => String(c.container.image ?? "");
  return (
    apps.find((c) => isOfficialImage(c.container.image)) ??
    apps.find((c) => /prometheus(?![\w-]*(?:operator|reloader|exporter|adapter))/.test(image(c))) ??
    apps.find((c) => c.name === "prometheus") ??
    apps[0]
  );
}

/** The configuration path Prometheus reads, or undefined when the input cannot tell. */
export function configPathOf(container: Record<string, unknown>): string | undefined {
  const command = stringList(container.command);
  const args = stringList(container.args);
  const flags = [...command, ...args];
  const at = flags.findIndex((f) => /^--?config\.file(=|$)/.test(f));
  const workingDir =
    typeof container.workingDir === "string" ? container.workingDir : "/prometheus";
  const official = isOfficialImage(container.image);
  if (at >= 0) {
    const flag = flags[at]!;
    const value = flag.includes("=") ? flag.slice(flag.indexOf("=") + 1) : (flags[at + 1] ?? "");
    return value.startsWith("/") ? value : joinPath(workingDir, value);
  }
  if (!official) return undefined;
  // `command` replaces the image's entrypoint and drops its CMD; `args` replace the CMD.
  if (command.length === 0 && container.args === undefined) return "/etc/prometheus/prometheus.yml";
  return joinPath(workingDir, "prometheus.yml");
}

/** `--enable-feature=a,b`, `--enable-feature a`, as often as given (kingpin's repeated flag). */
export function enabledFeatures(container: Record<string, unknown>): string[] {
  const flags = [...stringList(container.command), ...stringList(container.args)];
  return flags.flatMap((flag, i) => {
    const match = /^--?enable-feature(?:=(.*))?$/.exec(flag);
    if (!match) return [];
    const value = match[1] ?? flags[i + 1] ?? "";
    return value
      .split(",")
      .map((f) => f.trim())
      .filter((f) => f !== "");
  });
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function joinPath(dir: string, file: string): string {
  return containerPath(`${dir}/${file}`);
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

/** The files ConfigMap volumes put in the container: path → file; folders map to "dir". */
interface Mounted {
  files: Map<string, MountedFile | "dir">;
  /** Mount paths of volumes whose content the input does not hold. */
  opaque: string[];
}

function mountedFiles(bundle: Bundle, ref: ContainerRef): Mounted {
  const template = ref.template;
  const namespace = effectiveNamespace(bundle, template.object);
  const volumes = Array.isArray(template.spec.volumes)
    ? template.spec.volumes.filter(isRecord)
    : [];
  const mounts = Array.isArray(ref.container.volumeMounts) ? ref.container.volumeMounts : [];
  const files = new Map<string, MountedFile | "dir">();
  const opaque: string[] = [];
  mounts.forEach((mount, index) => {
    if (!isRecord(mount) || typeof mount.mountPath !== "string") return;
    const mountPath = joinPath("/", mount.mountPath);
    const volume = volumes.find((v) => v.name === mount.name);
    if (!volume) return;
    const mountPointer = joinPointer(ref.pointer, "volumeMounts", index);
    const projections = configMapProjections(volume);
    // Any other volume (an emptyDir a sidecar or init container writes, a Secret, a claim) holds
    // what the input does not show.
    if (projections === undefined) {
      opaque.push(mountPath);
      return;
    }
    const entries: { path: string; configMap: BundleObject; key: string; text: string }[] = [];
    for (const projection of projections) {
      const configMap =
        typeof projection.name === "string"
          ? configMapsNamed(bundle, namespace, projection.name)[0]
          : undefined;
      if (!configMap) {
        opaque.push(mountPath);
        continue;
      }
      const data = isRecord(configMap.value.data) ? configMap.value.data : {};
      const items = Array.isArray(projection.items) ? projection.items.filter(isRecord) : undefined;
      const keys = items
        ? items.map((i) => [String(i.key), String(i.path ?? i.key)] as const)
        : Object.keys(data).map((k) => [k, k] as const);
      for (const [key, path] of keys) {
        const text = data[key];
        if (typeof text === "string") entries.push({ path, configMap, key, text });
      }
    }
    if (typeof mount.subPath === "string" && mount.subPath !== "") {
      const entry = entries.find((e) => e.path === mount.subPath);
      if (entry) files.set(mountPath, { ...entry, path: mountPath, mountPointer });
      return;
    }
    // The kubelet writes the keys into a timestamped folder that `..data` links to.
    addFolders(files, `${mountPath}/..data/x`);
    for (const entry of entries) {
      const path = joinPath(mountPath, entry.path);
      addFolders(files, path);
      files.set(path, { ...entry, path, mountPointer });
    }
  });
  return { files, opaque };
}

function addFolders(files: Map<string, MountedFile | "dir">, path: string) {
  for (let dir = dirname(path); dir !== "/"; dir = dirname(dir)) {
    if (!files.has(dir)) files.set(dir, "dir");
  }
}

/**
 * What the Prometheus workloads of the input load; `complete` when there is one and the input
 * tells what each loads (then nothing else of the input configures them).
 */
export function prometheusLoads(bundle: Bundle, settings: Settings): PrometheusLoads {
  // metrics-scraped and security-alerts both ask, with the run's one settings object.
  const known = loadsByBundle.get(bundle);
  if (known?.settings === settings) return known.loads;
  const loads = componentWorkloads(bundle, settings, "prometheus").flatMap(
    (w) => prometheusLoad(bundle, w) ?? [],
  );
  const result = { loads, complete: loads.length > 0 && loads.every((l) => l.known) };
  loadsByBundle.set(bundle, { settings, loads: result });
  return result;
}

export interface PrometheusLoads {
  loads: PrometheusLoad[];
  complete: boolean;
}

const loadsByBundle = new WeakMap<Bundle, { settings: Settings; loads: PrometheusLoads }>();

/** What one Prometheus workload loads. */
export function prometheusLoad(
  bundle: Bundle,
  workload: ComponentWorkload,
): PrometheusLoad | undefined {
  const container = prometheusContainer(workload.template);
  if (!container) return undefined;
  const configPath = configPathOf(container.container);
  const mounted = mountedFiles(bundle, container);
  const files = [...mounted.files.values()].filter((f): f is MountedFile => f !== "dir");
  const features = enabledFeatures(container.container);
  const unknown = { workload, container, known: false, ruleFiles: [], mounted: files, features };
  if (!configPath) return unknown;
  const config = mounted.files.get(configPath);
  if (config === undefined) {
    // An image's own configuration (no rule_files), unless a volume the input does not hold is there.
    const hidden = mounted.opaque.some((m) => configPath.startsWith(`${m}/`) || configPath === m);
    return hidden ? { ...unknown, configPath } : { ...unknown, known: true, configPath };
  }
  if (config === "dir") {
    return {
      ...unknown,
      known: true,
      configPath,
      refusal: {
        reason: `--config.file ${configPath} is a folder`,
        object: workload.object,
        pointer: container.pointer,
      },
    };
  }
  const parsed = parseEmbedded(`${config.configMap.ref.name}/${config.key}`, config.text);
  const at = { object: config.configMap, pointer: joinPointer("/data", config.key) };
  if (parsed !== undefined && parsed !== null && !isRecord(parsed))
    return {
      ...unknown,
      known: true,
      configPath,
      config,
      refusal: { reason: `${configPath} is not a mapping`, ...at },
    };
  const invalid = configProblem(parsed);
  if (invalid)
    return { ...unknown, known: true, configPath, config, refusal: { reason: invalid, ...at } };
  const patterns =
    isRecord(parsed) && Array.isArray(parsed.rule_files) ? parsed.rule_files.map(String) : [];
  const ruleFiles: MountedFile[] = [];
  for (const pattern of patterns) {
    // config.Load: a `*` only in the last path element (patRulePath), else the whole file is refused.
    if (!/^[^*]*(\*[^/]*)?$/.test(pattern)) {
      return {
        ...unknown,
        known: true,
        configPath,
        config,
        refusal: {
          reason: `invalid rule file path "${pattern}" (a * only in its last element)`,
          ...at,
        },
      };
    }
    const absolute = pattern.startsWith("/") ? pattern : joinPath(dirname(configPath), pattern);
    for (const [path, file] of [...mounted.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!globMatch(absolute, path)) continue;
      if (file === "dir") {
        return {
          ...unknown,
          known: true,
          configPath,
          config,
          refusal: { reason: `rule_files entry "${pattern}" reaches the folder ${path}`, ...at },
        };
      }
      ruleFiles.push(file);
    }
  }
  return { ...unknown, known: true, configPath, config, ruleFiles };
}

const CONFIG_FIELDS = new Set([
  "global",
  "runtime",
  "alerting",
  "rule_files",
  "scrape_config_files",
  "scrape_configs",
  "storage",
  "tracing",
  "remote_write",
  "remote_read",
  "otlp",
]);

/** What config.Load refuses at the top of a configuration: an unknown field (it reads strictly), a job without a name or named twice. */
function configProblem(config: unknown): string | undefined {
  if (!isRecord(config)) return undefined;
  const unknownField = Object.keys(config).find((k) => !CONFIG_FIELDS.has(k));
  if (unknownField) return `field ${unknownField} not found in type config.plain`;
  const jobs = Array.isArray(config.scrape_configs) ? config.scrape_configs : [];
  const names = new Set<string>();
  for (const job of jobs) {
    const name = isRecord(job) && typeof job.job_name === "string" ? job.job_name : "";
    if (name === "") return "job_name is empty";
    if (names.has(name)) return `found multiple scrape configs with job name "${name}"`;
    names.add(name);
  }
  return undefined;
}

/** Go's path.Match: `*` and `?` never match `/`, `[...]` classes, `\` escapes. */
export function globMatch(pattern: string, name: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "\\" && i + 1 < pattern.length) source += escapeChar(pattern[++i]!);
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) return false; // Go: ErrBadPattern, no match
      let body = pattern.slice(i + 1, end);
      if (body.startsWith("^")) body = `!${body.slice(1)}`;
      source += body.startsWith("!") ? `[^/${body.slice(1)}]` : `[${body}]`;
      i = end;
    } else source += escapeChar(c);
  }
  try {
    return new RegExp(`^${source}$`, "s").test(name);
  } catch {
    return false;
  }
}

function escapeChar(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
