import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  ipProblem,
  isRecord,
  joinPointer,
  portNameProblem,
} from "@scout-deploy/core";

/** [pointer, reason]: what the API server refuses, never quoting the value. */
export type KindProblem = [pointer: string, reason: string];
type Json = Record<string, unknown>;

const INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES = ["/..", "/."];

/**
 * ValidateIngressSpec (networking.k8s.io/v1): a defaultBackend or rules; hosts DNS names (a
 * leading "*." allowed), not IPs; Exact and Prefix paths absolute and
 * free of "//", "/./", "/../", "%2f" and a "/." or "/.." ending, ImplementationSpecific ones
 * absolute when set; each backend a Service with a port name or number, not both, or a resource.
 */
export function ingressProblems(spec: Json): KindProblem[] {
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  const problems: KindProblem[] = [];
  if (typeof spec.ingressClassName === "string") {
    const problem = dns1123SubdomainProblem(spec.ingressClassName);
    if (problem) problems.push(["/spec/ingressClassName", `the ingressClassName ${problem}`]);
  }
  if (rules.length === 0 && spec.defaultBackend == null)
    problems.push(["/spec", "an Ingress needs a defaultBackend or rules"]);
  if (isRecord(spec.defaultBackend))
    problems.push(...backendProblems(spec.defaultBackend, "/spec/defaultBackend"));
  rules.forEach((rule, index) => {
    if (!isRecord(rule)) return;
    const at = `/spec/rules/${index}`;
    if (typeof rule.host === "string" && rule.host !== "") {
      const problem = hostProblem(rule.host);
      if (problem) problems.push([`${at}/host`, `the host ${problem}`]);
    }
    const http = isRecord(rule.http) ? rule.http : {};
    const paths = Array.isArray(http.paths) ? http.paths : [];
    paths.forEach((path, p) => {
      if (isRecord(path)) problems.push(...pathProblems(path, `${at}/http/paths/${p}`));
    });
  });
  const tls = Array.isArray(spec.tls) ? spec.tls : [];
  tls.forEach((entry, index) => {
    const hosts = isRecord(entry) && Array.isArray(entry.hosts) ? entry.hosts : [];
    hosts.forEach((host, h) => {
      const problem = typeof host === "string" ? hostProblem(host, false) : undefined;
      if (problem) problems.push([`/spec/tls/${index}/hosts/${h}`, `the TLS host ${problem}`]);
    });
    const secret = isRecord(entry) ? entry.secretName : undefined;
    const secretProblem =
      typeof secret === "string" && secret !== "" ? dns1123SubdomainProblem(secret) : undefined;
    if (secretProblem)
      problems.push([`/spec/tls/${index}/secretName`, `the secretName ${secretProblem}`]);
  });
  return problems;
}

/** A rule's host (or a TLS host): a DNS-1123 subdomain, "*." before it allowed; a rule's host is no IP. */
function hostProblem(host: string, ruleHost = true): string | undefined {
  if (ruleHost && ipProblem(host, false) === undefined)
    return "is an IP address: an Ingress host is a DNS name";
  const name = host.startsWith("*.") ? host.slice(2) : host;
  return dns1123SubdomainProblem(name);
}

function pathProblems(path: Json, at: string): KindProblem[] {
  const type = path.pathType;
  const problems: KindProblem[] = [];
  const text = typeof path.path === "string" ? path.path : "";
  const pathAt = joinPointer(at, "path");
  // A missing pathType is the schema's: the OpenAPI requires it.
  if (type === "Exact" || type === "Prefix") {
    if (!text.startsWith("/"))
      problems.push([
        path.path === undefined ? at : pathAt,
        `${article(type)} ${type} path must be absolute (start with '/')`,
      ]);
    const sequence = INVALID_PATH_SEQUENCES.find((s) => text.includes(s));
    const suffix = INVALID_PATH_SUFFIXES.find((s) => text.endsWith(s));
    if (sequence)
      problems.push([pathAt, `${article(type)} ${type} path may not contain '${sequence}'`]);
    else if (suffix)
      problems.push([pathAt, `${article(type)} ${type} path may not end with '${suffix}'`]);
  } else if (type === "ImplementationSpecific" && text !== "" && !text.startsWith("/"))
    problems.push([pathAt, "a path must be absolute (start with '/')"]);
  if (isRecord(path.backend))
    problems.push(...backendProblems(path.backend, joinPointer(at, "backend")));
  return problems;
}

/** validateIngressBackend: a service or a resource, not both; a service port by name or number. */
function backendProblems(backend: Json, at: string): KindProblem[] {
  const service = backend.service;
  if (service != null && backend.resource != null)
    return [[at, "a backend names a service or a resource, not both"]];
  if (service == null && backend.resource == null)
    return [[at, "a backend needs a service or a resource"]];
  if (!isRecord(service)) return [];
  const serviceAt = joinPointer(at, "service");
  const nameProblem =
    typeof service.name === "string" && service.name !== ""
      ? dns1035LabelProblem(service.name)
      : undefined;
  if (nameProblem) return [[joinPointer(serviceAt, "name"), `the Service name ${nameProblem}`]];
  const port = isRecord(service.port) ? service.port : {};
  const portAt = joinPointer(serviceAt, "port");
  const hasName = typeof port.name === "string" && port.name !== "";
  const hasNumber = typeof port.number === "number" && port.number !== 0;
  if (hasName && hasNumber) return [[portAt, "a backend port has a name or a number, not both"]];
  if (!hasName && !hasNumber)
    return [
      [service.port === undefined ? serviceAt : portAt, "a backend port needs a name or a number"],
    ];
  if (hasName) {
    const problem = portNameProblem(port.name as string);
    if (problem) return [[joinPointer(portAt, "name"), `the port name ${problem}`]];
  }
  const number = port.number as number;
  if (hasNumber && !(Number.isInteger(number) && number >= 1 && number <= 65535))
    return [[joinPointer(portAt, "number"), "a port number is 1 to 65535"]];
  return [];
}

/**
 * ValidateHorizontalPodAutoscalerSpec: minReplicas at least 1 (scaling to zero is an alpha
 * feature, off by default), maxReplicas at least 1 and not below minReplicas.
 */
export function autoscalerProblems(spec: Json): KindProblem[] {
  const problems: KindProblem[] = [];
  const { minReplicas: min, maxReplicas: max } = spec;
  if (typeof min === "number" && min < 1)
    problems.push(["/spec/minReplicas", "minReplicas must be at least 1"]);
  if (typeof max === "number" && max < 1)
    problems.push(["/spec/maxReplicas", "maxReplicas must be at least 1"]);
  else if (typeof max === "number" && max < (typeof min === "number" ? min : 1))
    problems.push(["/spec/maxReplicas", "maxReplicas may not be below minReplicas"]);
  return problems;
}

/**
 * ValidatePodDisruptionBudgetSpec: minAvailable or maxUnavailable, not both; each a count not
 * below zero or a percentage up to 100%.
 */
export function disruptionBudgetProblems(spec: Json): KindProblem[] {
  if (spec.minAvailable != null && spec.maxUnavailable != null)
    return [["/spec/maxUnavailable", "minAvailable and maxUnavailable may not both be set"]];
  return (["minAvailable", "maxUnavailable"] as const).flatMap((field): KindProblem[] => {
    const value = spec[field];
    const at = `/spec/${field}`;
    if (typeof value === "number" && value < 0) return [[at, `${field} may not be negative`]];
    if (typeof value !== "string") return [];
    const percent = /^(\d+)%$/.exec(value);
    if (!percent) return [[at, `${field} is a count or a percentage like 50%`]];
    return Number(percent[1]) > 100 ? [[at, `${field} may not be above 100%`]] : [];
  });
}

const article = (word: string) => (/^[AEIOU]/.test(word) ? "an" : "a");

/** IsDNS1035Label: a DNS-1123 label that starts with a letter (Service names). */
export function dns1035LabelProblem(value: string): string | undefined {
  const problem = dns1123LabelProblem(value);
  if (problem) return problem;
  return /^[a-z]/.test(value) ? undefined : "does not start with a letter (a DNS-1035 label)";
}

/** Enumerations the API server's validation checks although the OpenAPI schema does not. */
const SPEC_ENUMS: Record<string, [field: string, allowed: string[]][]> = {
  "apps/StatefulSet": [["podManagementPolicy", ["OrderedReady", "Parallel"]]],
  "batch/Job": [["completionMode", ["NonIndexed", "Indexed"]]],
  "batch/CronJob": [["concurrencyPolicy", ["Allow", "Forbid", "Replace"]]],
};

const RETENTION = ["Retain", "Delete"];

/**
 * The workload specs' own rules (apps and batch validation): enumerations, a rollingUpdate
 * only beside the RollingUpdate strategy, a StatefulSet's serviceName a DNS-1123 label and its
 * claim retention Retain or Delete, a DaemonSet that may neither surge nor drop a pod.
 */
export function workloadSpecProblems(kind: string, spec: Json): KindProblem[] {
  const problems: KindProblem[] = [];
  for (const [field, allowed] of SPEC_ENUMS[kind] ?? []) {
    const value = spec[field];
    if (typeof value === "string" && !allowed.includes(value))
      problems.push([`/spec/${field}`, `${field} is one of ${allowed.join(", ")}`]);
  }
  if (kind === "apps/Deployment")
    problems.push(
      ...strategyProblems(spec.strategy, "/spec/strategy", "RollingUpdate"),
      ...rollingUpdateDeploymentProblems(spec.strategy),
    );
  if (kind === "batch/CronJob") {
    const schedule =
      typeof spec.schedule === "string" ? cronScheduleProblem(spec.schedule) : undefined;
    if (schedule) problems.push(["/spec/schedule", schedule]);
    const zone = typeof spec.timeZone === "string" ? timeZoneProblem(spec.timeZone) : undefined;
    if (zone) problems.push(["/spec/timeZone", zone]);
  }
  if (kind === "apps/StatefulSet") {
    problems.push(
      ...strategyProblems(spec.updateStrategy, "/spec/updateStrategy", "RollingUpdate"),
      ...statefulSetUpdateProblems(spec.updateStrategy),
    );
    if (typeof spec.serviceName === "string" && spec.serviceName !== "") {
      const problem = dns1123LabelProblem(spec.serviceName);
      if (problem) problems.push(["/spec/serviceName", `the serviceName ${problem}`]);
    }
    const retention = isRecord(spec.persistentVolumeClaimRetentionPolicy)
      ? spec.persistentVolumeClaimRetentionPolicy
      : {};
    for (const field of ["whenDeleted", "whenScaled"]) {
      const value = retention[field];
      if (typeof value === "string" && !RETENTION.includes(value))
        problems.push([
          `/spec/persistentVolumeClaimRetentionPolicy/${field}`,
          `${field} is Retain or Delete`,
        ]);
    }
  }
  // validateJobSpec: each index of an Indexed Job is one completion, so their count is needed
  // (defaulting sets completions and parallelism to 1 only when both are unset).
  const completionsUnset = spec.completions == null && spec.parallelism != null;
  if (kind === "batch/Job" && spec.completionMode === "Indexed" && completionsUnset)
    problems.push(["/spec/completionMode", "an Indexed Job needs completions (how many indexes)"]);
  if (kind === "apps/DaemonSet") problems.push(...daemonSetUpdateProblems(spec.updateStrategy));
  return problems;
}

/** A rollingUpdate is refused beside any strategy type but RollingUpdate (the default). */
function strategyProblems(strategy: unknown, at: string, rolling: string): KindProblem[] {
  if (!isRecord(strategy) || strategy.rollingUpdate == null) return [];
  const type = strategy.type ?? rolling;
  if (type === rolling) return [];
  return [
    [
      joinPointer(at, "rollingUpdate"),
      `a rollingUpdate may be set only when the type is ${rolling}`,
    ],
  ];
}

const isZero = (value: unknown) => value === 0 || value === "0%" || value === "0";

/** ValidateRollingUpdateDaemonSet: maxUnavailable 0 needs a maxSurge above 0 (it defaults to 0). */
function daemonSetUpdateProblems(strategy: unknown): KindProblem[] {
  if (!isRecord(strategy) || !isRecord(strategy.rollingUpdate)) return [];
  if (strategy.type !== undefined && strategy.type !== "RollingUpdate") return [];
  const update = strategy.rollingUpdate;
  const surge = update.maxSurge ?? 0;
  if (!isZero(update.maxUnavailable) || !isZero(surge)) return [];
  return [
    [
      "/spec/updateStrategy/rollingUpdate/maxUnavailable",
      "maxUnavailable cannot be 0 when maxSurge is 0: the update could never replace a pod",
    ],
  ];
}

const PERCENT = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent: a count not negative, or a percentage like 25%. */
function intOrPercentProblem(value: unknown, field: string): string | undefined {
  if (value == null) return undefined;
  if (typeof value === "number") return value < 0 ? `${field} may not be negative` : undefined;
  if (typeof value === "string" && !PERCENT.test(value))
    return `${field} is a count or a percentage like 25%`;
  return undefined;
}

const countOrPercent = (value: unknown) =>
  typeof value === "string" && PERCENT.test(value) ? Number(value.slice(0, -1)) : value;

/**
 * ValidateRollingUpdateDeployment: maxSurge and maxUnavailable counts or percentages, not both
 * 0 (the rollout could never replace a pod), maxUnavailable at most 100%.
 */
export function rollingUpdateDeploymentProblems(strategy: unknown): KindProblem[] {
  if (!isRecord(strategy) || !isRecord(strategy.rollingUpdate)) return [];
  if (strategy.type !== undefined && strategy.type !== "RollingUpdate") return [];
  const update = strategy.rollingUpdate;
  const at = "/spec/strategy/rollingUpdate";
  const problems: KindProblem[] = [];
  for (const field of ["maxUnavailable", "maxSurge"]) {
    const problem = intOrPercentProblem(update[field], field);
    if (problem) problems.push([`${at}/${field}`, problem]);
  }
  // Defaulting gives 25% to an unset one.
  const unavailable = countOrPercent(update.maxUnavailable ?? "25%");
  const surge = countOrPercent(update.maxSurge ?? "25%");
  if (unavailable === 0 && surge === 0)
    problems.push([`${at}/maxUnavailable`, "maxUnavailable may not be 0 when maxSurge is 0"]);
  else if (
    typeof unavailable === "number" &&
    typeof update.maxUnavailable === "string" &&
    unavailable > 100
  )
    problems.push([`${at}/maxUnavailable`, "maxUnavailable may not be above 100%"]);
  return problems;
}

const CRON_DESCRIPTORS = new Set([
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
]);
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
/** The five fields of the standard cron parser (robfig/cron v3 ParseStandard): range and names. */
const CRON_FIELDS: [string, number, number, string[]][] = [
  ["minute", 0, 59, []],
  ["hour", 0, 23, []],
  ["day of month", 1, 31, []],
  ["month", 1, 12, MONTHS],
  ["day of week", 0, 6, DAYS],
];

function cronNumber(text: string, names: string[], offset: number): number | undefined {
  const named = names.indexOf(text.toLowerCase());
  if (named >= 0) return named + offset;
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

/** One field of a schedule: a list of `*`, `?`, `a`, `a-b`, each with an optional `/step`. */
function cronFieldProblem(
  text: string,
  [name, low, high, names]: (typeof CRON_FIELDS)[number],
): string | undefined {
  const offset = name === "month" ? 1 : 0;
  for (const part of text.split(",")) {
    const [range = "", step, extra] = part.split("/");
    if (extra !== undefined) return `the ${name} field has two steps`;
    if (step !== undefined && !(/^[0-9]+$/.test(step) && Number(step) > 0))
      return `the ${name} field's step is no positive number`;
    if (range === "*" || range === "?") continue;
    const [from = "", to, more] = range.split("-");
    if (more !== undefined) return `the ${name} field has a range of three parts`;
    const start = cronNumber(from, names, offset);
    const end = to === undefined ? start : cronNumber(to, names, offset);
    if (start === undefined || end === undefined) return `the ${name} field is no number or name`;
    if (start < low || end > high) return `the ${name} field is outside ${low} to ${high}`;
    if (start > end) return `the ${name} field's range begins after it ends`;
  }
  return undefined;
}

/**
 * validateScheduleFormat: the standard cron parser's five fields or a descriptor, and no
 * TZ= or CRON_TZ= in the schedule (the timeZone field says it).
 */
export function cronScheduleProblem(schedule: string): string | undefined {
  if (schedule.includes("TZ"))
    return "a schedule may not hold TZ or CRON_TZ: use the timeZone field";
  const text = schedule.trim();
  if (text.startsWith("@")) {
    if (CRON_DESCRIPTORS.has(text)) return undefined;
    if (/^@every\s+\S+$/.test(text)) return undefined;
    return "the schedule is no known @ descriptor";
  }
  const fields = text.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5)
    return "a schedule has exactly 5 fields (minute hour day-of-month month day-of-week)";
  for (const [index, field] of fields.entries()) {
    const problem = cronFieldProblem(field, CRON_FIELDS[index]!);
    if (problem) return problem;
  }
  return undefined;
}

/** validTimeZoneCharacters: digits and + kept for legacy names (Etc/GMT+5), 14 at most. */
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone, its name rules (whether the zone exists needs the cluster's tz database). */
export function timeZoneProblem(zone: string): string | undefined {
  if (zone === "") return "timeZone is unset or a zone name";
  const bad = zone
    .split("/")
    .some(
      (part) => part === "." || part === ".." || part.startsWith("-") || !TIME_ZONE_PART.test(part),
    );
  if (bad)
    return "timeZone is no time zone name (1 to 14 letters, digits, '.', '-', '_', '+' between slashes)";
  if (zone.toLowerCase() === "local") return "timeZone must name an explicit zone, not Local";
  return undefined;
}

/** ValidateStatefulSetUpdateStrategy: a maxUnavailable, when set, a count or percentage above 0. */
function statefulSetUpdateProblems(strategy: unknown): KindProblem[] {
  if (!isRecord(strategy) || !isRecord(strategy.rollingUpdate)) return [];
  const value = strategy.rollingUpdate.maxUnavailable;
  const at = "/spec/updateStrategy/rollingUpdate/maxUnavailable";
  const problem = intOrPercentProblem(value, "maxUnavailable");
  if (problem) return [[at, problem]];
  if (value != null && countOrPercent(value) === 0) return [[at, "maxUnavailable cannot be 0"]];
  return [];
}
