import {
  type Bundle,
  type BundleObject,
  closestMatch,
  defineRule,
  type Instance,
  InstanceIndex,
  instanceOf,
  isRecord,
  joinPointer,
  type TextPosition,
  z,
} from "@scout-deploy/core";
import {
  type ComponentWorkload,
  componentWorkloads,
  effectiveNamespace,
} from "../../support/index.js";
import { parseEmbedded } from "../metrics-scraped/prometheus-config.js";
import { operatorSelection } from "../operator-selection.js";
import { type PrometheusLoad, type PrometheusLoads, prometheusLoads } from "../prometheus-load.js";
import { type PromQLOptions, type Selector, selectsMetric } from "./promql.js";
import {
  type LoadedRule,
  positionInRuleFile,
  type RuleGroups,
  ruleFileOf,
  ruleGroupsOf,
} from "./rule-file.js";

const options = z
  .object({
    /** The metric an alert must watch. @default "scout_auth_failures_total" */
    metric: z.string().min(1).default("scout_auth_failures_total"),
  })
  .strict();

export const securityAlerts = defineRule({
  id: "monitoring/security-alerts",
  meta: {
    severity: "info",
    description: "An alerting rule on authentication failures (scout_auth_failures_total) exists.",
    remediation:
      "Add a PrometheusRule (or a rule file in Prometheus' ConfigMap) alerting on rate(scout_auth_failures_total[5m]).",
    guide: "Monitor and Audit: Set up alerting for security events",
    options,
    messages: {
      refused:
        "Prometheus refuses to start: {{reason}}; no rule it holds is evaluated, so nothing alerts on {{metric}}",
      notLoaded: "the alert on {{metric}} in {{file}} is never evaluated: {{reason}}",
      neverFires: "the alert {{alert}} on {{metric}} in {{file}} never fires: {{reason}}",
      watchesOther:
        "the alert {{alert}} in {{file}} watches {{watched}}, not {{metric}}: authentication failures go unnoticed",
      invalidRuleFile:
        "Prometheus refuses the rule file {{file}} ({{reason}}), so its alert on {{metric}} does not exist",
      noAlert:
        "no alerting rule watches {{metric}} for instance {{instance}}: authentication failures go unnoticed",
      noAlertShared:
        "no alerting rule watches {{metric}} for the {{count}} instances this shared Prometheus scrapes ({{instances}}): authentication failures go unnoticed",
    },
  },
  check(context) {
    const { metric } = context.options;
    const { bundle, settings } = context;
    const sources = ruleSources(bundle);
    const loads = prometheusLoads(bundle, settings);
    const alerts = [...watchingAlerts(evaluated(sources, loads), metric)].map((s) => s.object);
    const byInstance = InstanceIndex.of(alerts, instanceOf);
    const components = componentWorkloads(bundle, settings).filter(
      (w) => w.component === "prometheus" || w.component === "backend",
    );
    // The backend exports the metric: when the input has one, a namespace without it (a
    // monitoring namespace whose Prometheus scrapes every instance) is shared, and so are the
    // rules loaded there.
    const backends = components.filter((w) => w.component === "backend");
    const scoutNamespaces = new Set(
      (backends.length > 0 ? backends : components).map((w) => instanceOf(w.object).namespace),
    );
    const shared = (namespace: string | undefined) =>
      namespace === undefined || !scoutNamespaces.has(namespace);
    // Rules loaded by a shared Prometheus (a namespace of its own) cover all.
    if (alerts.some((o) => shared(effectiveNamespace(bundle, o)))) return;
    const sharedPrometheus = components.find(
      (w) => w.component === "prometheus" && shared(instanceOf(w.object).namespace),
    );
    // Every Prometheus of a shared namespace serves the instances, none is an instance itself.
    const deployed = components.filter(
      (w) => w.component !== "prometheus" || !shared(instanceOf(w.object).namespace),
    );
    const uncovered = [...targetsByInstance(deployed, sharedPrometheus)].filter(
      ([instance]) => byInstance.with(instance).length === 0,
    );
    // An alert covers its own instance, and every instance from a shared namespace.
    const covering = (target: ComponentWorkload) => (o: BundleObject) =>
      shared(effectiveNamespace(bundle, o)) ||
      instanceOf(o).name === instanceOf(target.object).name;
    const why = (target: ComponentWorkload) =>
      whyMissing(target, sources, loads, metric, covering(target));
    const onShared = uncovered.filter(([, target]) => target === sharedPrometheus);
    // One rule file on the shared Prometheus covers them all: one finding there, naming them.
    if (onShared.length > 0 && sharedPrometheus) {
      const cause = why(sharedPrometheus);
      context.report({
        messageId: cause ? cause.messageId : onShared.length === 1 ? "noAlert" : "noAlertShared",
        ...(cause?.severity ? { severity: cause.severity } : {}),
        data: { metric, instance: onShared[0]![0].name, ...instanceList(onShared), ...cause?.data },
        object: cause?.object ?? sharedPrometheus.object,
        pointer: cause?.pointer ?? "/metadata/name",
        ...(cause?.within ? { within: cause.within } : {}),
      });
    }
    for (const [instance, target] of uncovered) {
      if (target === sharedPrometheus) continue;
      const cause = why(target);
      context.report({
        messageId: cause?.messageId ?? "noAlert",
        ...(cause?.severity ? { severity: cause.severity } : {}),
        data: { metric, instance: instance.name, ...cause?.data },
        object: cause?.object ?? target.object,
        pointer: cause?.pointer ?? "/metadata/name",
        ...(cause?.within ? { within: cause.within } : {}),
      });
    }
  },
});

interface Cause extends Site {
  messageId: "refused" | "notLoaded" | "invalidRuleFile" | "neverFires" | "watchesOther";
  /** A Prometheus that does not start watches nothing at all: more than a missing alert. */
  severity?: "warning";
  data: Record<string, string>;
}

/** Where a finding goes: a field, and a line and column inside its string (a rule file, an expression). */
interface Site {
  object: BundleObject;
  pointer: string;
  within?: { line: number; column: number };
}

/**
 * Why the alert the user wrote is not evaluated, at the line to edit: Prometheus refuses to start
 * (its configuration, a rule file); the rule file holding the alert is not mounted in the
 * Prometheus container, or mounted where no `rule_files` entry reaches; the file is invalid.
 */
function whyMissing(
  target: ComponentWorkload,
  allSources: readonly RuleSource[],
  loads: Loads,
  metric: string,
  covers: (object: BundleObject) => boolean,
): Cause | undefined {
  const load = loads.loads.find((l) => l.workload.object === target.object);
  // The files as this Prometheus reads them (its --enable-feature flags).
  const sources = load ? allSources.map((s) => readBy(s, load)) : allSources;
  const refusal = load && refusalOf(load, sources);
  if (refusal)
    return {
      messageId: "refused",
      severity: "warning",
      data: { reason: refusal.reason },
      ...refusal.site,
    };
  // The alert the user wrote, even where rulefmt refuses its file (or the alert itself).
  const invalid = writtenAlerts(sources, metric).find((s) => s.parsed.error);
  if (invalid)
    return {
      messageId: "invalidRuleFile",
      data: { file: fileName(invalid), reason: invalid.parsed.error! },
      ...siteOf(invalid),
    };
  const failing = failingAlert(evaluated(sources, loads), metric);
  if (failing)
    return {
      messageId: "neverFires",
      data: {
        alert: failing.rule.alert!,
        file: fileName(failing.source),
        reason: failing.rule.failure!,
      },
      ...siteOf({
        ...failing.source,
        parsed: { ...failing.source.parsed, errorAt: { pointer: `${failing.rule.at}/expr` } },
      }),
    };
  const watching = [...watchingAlerts(sources, metric)];
  const unselected = watching.find((s) => s.unselected);
  if (unselected)
    return {
      messageId: "notLoaded",
      data: { file: fileName(unselected), reason: unselected.unselected! },
      object: unselected.object,
      pointer: "/metadata/labels",
    };
  // Only an alert that would cover the instance: another instance's typo is that one's finding.
  const own = evaluated(sources, loads).filter((s) => covers(s.object));
  const near = watching.length === 0 && nearMiss(own, metric);
  if (near)
    return {
      messageId: "watchesOther",
      data: { alert: near.rule.alert!, file: fileName(near.source), watched: near.watched },
      ...siteOf({
        ...near.source,
        parsed: {
          ...near.source.parsed,
          errorAt: { pointer: `${near.rule.at}/expr`, ...near.within },
        },
      }),
    };
  const written = watching.filter((s) => s.key !== undefined);
  if (!load?.known || written.length === 0) return undefined;
  const source = written[0]!;
  const file = `${source.object.ref.name}/${source.key}`;
  const mounted = load.mounted.find((f) => sameFile(f, source));
  if (!load.config)
    return {
      messageId: "notLoaded",
      data: {
        file,
        reason: `Prometheus reads ${load.configPath}, which no ConfigMap of the input provides`,
      },
      object: target.object,
      pointer: load.container.pointer,
    };
  if (!mounted)
    return {
      messageId: "notLoaded",
      data: {
        file,
        reason: `ConfigMap ${source.object.ref.name} is not mounted in the Prometheus container`,
      },
      object: target.object,
      pointer: joinPointer(load.container.pointer, "volumeMounts"),
    };
  return {
    messageId: "notLoaded",
    data: { file, reason: `no rule_files entry of ${load.configPath} reaches ${mounted.path}` },
    object: load.config.configMap,
    pointer: joinPointer("/data", load.config.key),
  };
}

const LISTED_INSTANCES = 5;

function instanceList(entries: readonly (readonly [Instance, unknown])[]) {
  const names = entries.map(([instance]) => instance.name);
  const rest = names.length - LISTED_INSTANCES;
  return {
    count: names.length,
    instances: names.slice(0, LISTED_INSTANCES).join(", ") + (rest > 0 ? ` and ${rest} more` : ""),
  };
}

/**
 * One finding per instance, on its Prometheus (where rules are loaded), else on the backend that
 * exports the metric.
 */
function targetsByInstance(
  components: readonly ComponentWorkload[],
  sharedPrometheus: ComponentWorkload | undefined,
) {
  const targets = new Map<string, [Instance, ComponentWorkload]>();
  for (const workload of components) {
    const instance = instanceOf(workload.object);
    const current = targets.get(instance.name);
    if (!current || (current[1].component !== "prometheus" && workload.component === "prometheus"))
      targets.set(instance.name, [instance, workload]);
  }
  // An instance scraped by a shared Prometheus gets its alert there (one finding per instance).
  return [...targets.values()].map(([instance, target]): [Instance, ComponentWorkload] =>
    target.component === "prometheus" || !sharedPrometheus
      ? [instance, target]
      : [instance, sharedPrometheus],
  );
}

interface RuleSource {
  object: BundleObject;
  /** The data key of a rule file held in a ConfigMap; undefined for a PrometheusRule. */
  key?: string;
  /** The rule file's text, for a ConfigMap. */
  text?: string;
  /** Why no Prometheus resource of the input selects this PrometheusRule. */
  unselected?: string;
  parsed: RuleGroups;
}

function fileName(source: RuleSource): string {
  return source.key === undefined
    ? `PrometheusRule ${source.object.ref.name}`
    : `${source.object.ref.name}/${source.key}`;
}

/**
 * Where a source's first problem is: in a PrometheusRule, its field (and the token of an
 * expression); in a ConfigMap, its key, at the line and column inside the rule file.
 */
function siteOf(source: RuleSource): Site {
  const at = source.parsed.errorAt;
  if (source.key === undefined)
    return {
      object: source.object,
      pointer: at ? `/spec${at.pointer}` : "/spec",
      ...(at?.within ? { within: at.within } : {}),
    };
  const within =
    at && source.text !== undefined
      ? positionInRuleFile(fileName(source), source.text, at)
      : undefined;
  return {
    object: source.object,
    pointer: joinPointer("/data", source.key),
    ...(within ? { within } : {}),
  };
}

/** The rules of a PrometheusRule, and every rule file a ConfigMap holds (parsed: comments do not count). */
function ruleSources(bundle: Bundle): RuleSource[] {
  const unselected = operatorSelection(bundle);
  return bundle.objects.flatMap((object): RuleSource[] => {
    if (object.value.kind === "PrometheusRule") {
      const spec = isRecord(object.value.spec) ? object.value.spec : {};
      const parsed = ruleGroupsOf({ groups: spec.groups }, { operator: true });
      const why = unselected?.(object);
      return [{ object, parsed, ...(why ? { unselected: why } : {}) }];
    }
    if (object.value.kind !== "ConfigMap" || !isRecord(object.value.data)) return [];
    return Object.entries(object.value.data).flatMap(([key, text]): RuleSource[] => {
      if (typeof text !== "string" || !text.includes("groups")) return [];
      const path = `${object.ref.name ?? "configmap"}/${key}`;
      const file = parseEmbedded(path, text);
      if (!isRecord(file) || !("groups" in file)) return [];
      return [{ object, key, text, parsed: ruleFileOf(path, text) }];
    });
  });
}

const sameFile = (a: { configMap: BundleObject; key: string }, source: RuleSource) =>
  a.configMap === source.object && a.key === source.key;

/**
 * The rule sources Prometheus evaluates: every valid PrometheusRule; a valid rule file of a
 * ConfigMap when a Prometheus of the input loads it (and does not refuse to start), or when the
 * input does not tell what its Prometheus loads.
 */
function evaluated(sources: readonly RuleSource[], loads: Loads): RuleSource[] {
  return sources.flatMap((source) => {
    if (source.unselected) return [];
    if (source.key === undefined || !loads.complete) return source.parsed.error ? [] : [source];
    // As each Prometheus that loads the file reads it (its --enable-feature flags).
    const read = loads.loads
      .filter((l) => l.ruleFiles.some((f) => sameFile(f, source)) && !refusalOf(l, sources))
      .map((l) => readBy(source, l));
    return read.filter((s) => !s.parsed.error).slice(0, 1);
  });
}

/** A rule file as a Prometheus reads it: PromQL with the features its flags enable. */
function readBy(source: RuleSource, load: PrometheusLoad): RuleSource {
  const promql = promqlOptions(load.features);
  if (source.text === undefined || !Object.values(promql).some(Boolean)) return source;
  return { ...source, parsed: ruleFileOf(fileName(source), source.text, promql) };
}

function promqlOptions(features: readonly string[]): PromQLOptions {
  return {
    experimentalFunctions: features.includes("promql-experimental-functions"),
    fillModifiers: features.includes("promql-binop-fill-modifiers"),
    utf8Names: features.includes("promql-unquoted-utf8-names"),
  };
}

type Loads = PrometheusLoads;

/** Why Prometheus refuses to start: its configuration, or a rule file it loads that rulefmt refuses. */
function refusalOf(load: PrometheusLoad, sources: readonly RuleSource[]) {
  if (load.refusal) {
    const { reason, object, pointer } = load.refusal;
    return { reason, site: { object, pointer } };
  }
  for (const file of load.ruleFiles) {
    const found = sources.find((s) => sameFile(file, s));
    const source = found
      ? readBy(found, load)
      : {
          object: file.configMap,
          key: file.key,
          text: file.text,
          parsed: ruleFileOf(file.path, file.text, promqlOptions(load.features)),
        };
    if (source.parsed.error)
      return {
        reason: `the rule file ${file.path} is invalid (${source.parsed.error})`,
        site: siteOf(source),
      };
  }
  return undefined;
}

/** Sources with an alert on the metric: one that watches it, or one rulefmt refuses that names it. */
function writtenAlerts(sources: readonly RuleSource[], metric: string): RuleSource[] {
  const watching = watchingAlerts(sources, metric);
  return sources.filter(
    (s) => watching.has(s) || (s.parsed.refusedAlerts ?? []).some((expr) => expr.includes(metric)),
  );
}

/** Rules that alert on the metric, or on a series recorded from it (outside absent()). */
function watchingAlerts(sources: readonly RuleSource[], metric: string): Set<RuleSource> {
  const watches = watcher(sources, metric);
  return new Set(
    sources.filter((s) => s.parsed.rules.some((r) => r.alert && !r.failure && watches(r))),
  );
}

/** Whether a rule's expression selects the metric or a series recorded from it (outside absent()). */
function watcher(sources: readonly RuleSource[], metric: string) {
  const names = watchedNames(
    sources.flatMap((s) => s.parsed.rules),
    metric,
  );
  return (rule: LoadedRule) =>
    rule.selectors.some((sel) => !sel.inAbsent && names.some((n) => selectsMetric(sel, n)));
}

/**
 * An alert Prometheus evaluates on a metric named almost like the one to watch (a typo, a
 * renamed series): the expression is what the user edits, at the name.
 */
function nearMiss(sources: readonly RuleSource[], metric: string) {
  for (const source of sources)
    for (const rule of source.parsed.rules) {
      if (!rule.alert || rule.failure) continue;
      const names = rule.selectors.flatMap((sel) =>
        sel.inAbsent ? [] : sel.names.filter((m) => m.op === "=").map((m) => m.value),
      );
      const watched = closestMatch(metric, names);
      if (watched === undefined) continue;
      return { source, rule, watched, within: nameWithin(rule.expr, watched) };
    }
  return undefined;
}

/** Where a metric name stands in an expression (1-based), as a whole name. */
function nameWithin(expr: string, name: string): { within: TextPosition } | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?<![\\w:])${escaped}(?![\\w:])`).exec(expr);
  if (!match) return undefined;
  const before = expr.slice(0, match.index);
  const line = before.split("\n").length;
  return { within: { line, column: match.index - before.lastIndexOf("\n") } };
}

/** An alert on the metric in a file Prometheus loads, which fails at every evaluation. */
function failingAlert(sources: readonly RuleSource[], metric: string) {
  const watches = watcher(sources, metric);
  for (const source of sources)
    for (const rule of source.parsed.rules)
      if (rule.alert && rule.failure && watches(rule)) return { source, rule };
  return undefined;
}

/**
 * The metric and every series recorded from it, directly or through other recording rules:
 * Prometheus writes a recorded series for every rule it evaluates, so an alert on
 * `scout:auth_failures:rate5m` watches the failures too.
 */
function watchedNames(rules: readonly LoadedRule[], metric: string): string[] {
  const names = new Set([metric]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const rule of rules) {
      // A recording rule that fails at every evaluation writes no series.
      if (!rule.record || rule.failure || names.has(rule.record)) continue;
      const from = (sel: Selector) =>
        !sel.inAbsent && [...names].some((n) => selectsMetric(sel, n));
      if (rule.selectors.some(from)) {
        names.add(rule.record);
        grew = true;
      }
    }
  }
  return [...names];
}
