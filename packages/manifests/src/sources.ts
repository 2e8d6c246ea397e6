import type { Json, Rendered } from "./objects/meta.js";
import type { ComponentName, ScoutConfig } from "./schema.js";

/** A key of the `scout:` section, as its path below `scout`: ["security", "runAsUser"]. */
export type ConfigKey = readonly string[];

/** Where one rendered object came from: the config keys that decided its fields. */
export interface RenderedSource {
  /** The rendered file, e.g. "20-backend.yaml". */
  file: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The object's section of the config (the component's), for fields no single key decides. */
  section: ConfigKey;
  /** JSON Pointer of a rendered field -> the key that decided it; a field's children inherit it. */
  fields: Record<string, ConfigKey>;
  /** Rule id -> the key of its control, where this config's choice differs from `RULE_KEYS`. */
  controls?: Record<string, ConfigKey>;
}

const COMPONENTS: readonly string[] = ["frontend", "backend", "redis", "nginx", "prometheus"];

type FieldRule = readonly [pattern: RegExp, key: (component: string) => ConfigKey];

const TEMPLATE = "/spec/template/spec";
const CONTAINER = `${TEMPLATE}/containers/\\d+`;
const fixed =
  (...key: string[]) =>
  () =>
    key;

/** Which key decides which rendered field (patterns over JSON Pointers, `\d+` for list indexes). */
function fieldRules(config: ScoutConfig): FieldRule[] {
  const rules: [string, (component: string) => ConfigKey][] = [
    ["/metadata/namespace", fixed("namespace")],
    ["/spec/replicas", (c) => ["components", c, "replicas"]],
    [
      `${CONTAINER}/image`,
      (c) =>
        config.components[c as ComponentName]?.digest
          ? ["components", c, "digest"]
          : ["components", c, "image"],
    ],
    [`${CONTAINER}/resources`, (c) => ["components", c, "resources"]],
    [`${TEMPLATE}/automountServiceAccountToken`, fixed("security", "automountServiceAccountToken")],
    ["/automountServiceAccountToken", fixed("security", "automountServiceAccountToken")],
    [`${TEMPLATE}/securityContext/runAsNonRoot`, fixed("security", "runAsNonRoot")],
    [`${TEMPLATE}/securityContext/(runAsUser|runAsGroup|fsGroup)`, fixed("security", "runAsUser")],
    [`${TEMPLATE}/securityContext/seccompProfile`, fixed("security", "seccompProfile")],
    [
      `${CONTAINER}/securityContext/allowPrivilegeEscalation`,
      fixed("security", "allowPrivilegeEscalation"),
    ],
    [
      `${CONTAINER}/securityContext/readOnlyRootFilesystem`,
      fixed("security", "readOnlyRootFilesystem"),
    ],
    [`${CONTAINER}/securityContext/capabilities`, fixed("security", "dropAllCapabilities")],
    [
      "/metadata/labels/pod-security\\.kubernetes\\.io~1[a-z-]+",
      fixed("security", "podSecurityLevel"),
    ],
  ];
  return rules.map(([pattern, key]) => [new RegExp(`^${pattern}$`), key]);
}

/**
 * The key a rule's finding turns on when its field is not one the table names (a container, a
 * pod template): the control of the config that switches that check's subject on or off.
 */
const RULE_KEYS: readonly (readonly [prefix: string, key: ConfigKey])[] = [
  ["network/", ["security", "networkPolicies"]],
  ["namespace/pod-security-labels", ["security", "podSecurityLevel"]],
  ["pod/drop-all-capabilities", ["security", "dropAllCapabilities"]],
  ["pod/run-as-non-root", ["security", "runAsNonRoot"]],
  ["pod/run-as-user", ["security", "runAsUser"]],
  ["pod/seccomp-profile", ["security", "seccompProfile"]],
  ["pod/no-privilege-escalation", ["security", "allowPrivilegeEscalation"]],
  ["pod/read-only-root-filesystem", ["security", "readOnlyRootFilesystem"]],
  ["pod/service-account-token", ["security", "automountServiceAccountToken"]],
  ["secrets/api-auth", ["auth", "apiToken"]],
  ["secrets/redis-auth", ["auth", "redis"]],
  ["monitoring/structured-logs", ["logging", "format"]],
  ["monitoring/", ["monitoring", "mode"]],
];

/** The source of each rendered object, file by file (what `render` returns as `sources`). */
export function renderedSources(
  config: ScoutConfig,
  rendered: readonly Rendered[],
  fileOf: (group: Rendered["group"]) => string,
): RenderedSource[] {
  const rules = fieldRules(config);
  return rendered.map(({ group, object }) => {
    const meta = (object.metadata ?? {}) as Json;
    const kind = String(object.kind);
    const fields: Record<string, ConfigKey> = {};
    for (const pointer of pointersOf(object)) {
      const rule = rules.find(([pattern]) => pattern.test(pointer));
      if (rule) fields[pointer] = rule[1](group);
    }
    const controls = controlsOf(config);
    return {
      file: fileOf(group),
      kind,
      name: String(meta.name),
      ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
      section: sectionOf(kind, group),
      fields,
      ...(controls ? { controls } : {}),
    };
  });
}

/**
 * With monitoring on, a missing auth-failure alert is `monitoring.alerts.enabled: false`'s doing,
 * not `monitoring.mode`'s: the finding belongs on the key the user turned off.
 */
function controlsOf(config: ScoutConfig): Record<string, ConfigKey> | undefined {
  if (config.monitoring.mode === "off" || config.monitoring.alerts.enabled) return undefined;
  return { "monitoring/security-alerts": ["monitoring", "alerts", "enabled"] };
}

function sectionOf(kind: string, group: string): ConfigKey {
  if (kind === "NetworkPolicy") return ["security", "networkPolicies"];
  if (kind === "Ingress") return ["externalAccess"];
  if (COMPONENTS.includes(group)) return ["components", group];
  return group === "secrets" ? ["secrets"] : ["namespace"];
}

/** Every node's JSON Pointer, parents before children. */
function pointersOf(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value as Json);
  return entries.flatMap(([key, child]) => {
    const pointer = `${prefix}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    return [pointer, ...pointersOf(child, pointer)];
  });
}

/**
 * The config key that decided a rendered field: the field's own (or its nearest decided
 * parent's), else the key of the rule's control, else the object's section.
 */
export function decidingKey(source: RenderedSource, pointer: string, ruleId: string): ConfigKey {
  for (let p = pointer; p !== ""; p = p.slice(0, p.lastIndexOf("/"))) {
    const key = source.fields[p];
    if (key) return key;
  }
  const control = source.controls?.[ruleId];
  if (control) return control;
  return RULE_KEYS.find(([prefix]) => ruleId.startsWith(prefix))?.[1] ?? source.section;
}
