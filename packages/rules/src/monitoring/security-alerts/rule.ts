import {
  type BundleObject,
  defineRule,
  type Instance,
  InstanceIndex,
  instanceOf,
  isRecord,
  z,
} from "@scout-deploy/core";
import {
  type ComponentWorkload,
  componentWorkloads,
  effectiveNamespace,
} from "../../support/index.js";
import { parseEmbedded } from "../metrics-scraped/prometheus-config.js";

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
      noAlert:
        "no alerting rule watches {{metric}} for instance {{instance}}: authentication failures go unnoticed",
      noAlertShared:
        "no alerting rule watches {{metric}} for the {{count}} instances this shared Prometheus scrapes ({{instances}}): authentication failures go unnoticed",
    },
  },
  check(context) {
    const { metric } = context.options;
    const { bundle, settings } = context;
    const rules = new Map(bundle.objects.map((o) => [o, rulesOf(o)]));
    const watched = watchedNames([...rules.values()].flat(), metric);
    const alerts = bundle.objects.filter((o) =>
      rules.get(o)!.some((r) => r.alert && watched.some((n) => n.test(r.expr))),
    );
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
    const onShared = uncovered.filter(([, target]) => target === sharedPrometheus);
    // One rule file on the shared Prometheus covers them all: one finding there, naming them.
    if (onShared.length > 0 && sharedPrometheus) {
      context.report({
        messageId: onShared.length === 1 ? "noAlert" : "noAlertShared",
        data: { metric, instance: onShared[0]![0].name, ...instanceList(onShared) },
        object: sharedPrometheus.object,
        pointer: "/metadata/name",
      });
    }
    for (const [instance, target] of uncovered) {
      if (target === sharedPrometheus) continue;
      context.report({
        messageId: "noAlert",
        data: { metric, instance: instance.name },
        object: target.object,
        pointer: "/metadata/name",
      });
    }
  },
});

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

interface PromRule {
  alert: boolean;
  record?: string;
  expr: string;
}

/** The rules of a PrometheusRule, or of a rule file held in a ConfigMap (parsed: comments do not count). */
function rulesOf(object: BundleObject): PromRule[] {
  if (object.value.kind === "PrometheusRule") {
    const spec = isRecord(object.value.spec) ? object.value.spec : {};
    return groupRules(spec.groups);
  }
  if (object.value.kind === "ConfigMap" && isRecord(object.value.data)) {
    return Object.entries(object.value.data).flatMap(([key, text]) =>
      typeof text === "string" && text.includes("expr")
        ? groupRules(ruleFileGroups(`${object.ref.name ?? "configmap"}/${key}`, text))
        : [],
    );
  }
  return [];
}

/** The `groups` of a Prometheus rule file held in a ConfigMap. */
function ruleFileGroups(path: string, text: string): unknown {
  const file = parseEmbedded(path, text);
  return isRecord(file) ? file.groups : undefined;
}

function groupRules(groups: unknown): PromRule[] {
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((group) =>
    isRecord(group) && Array.isArray(group.rules)
      ? group.rules.flatMap((rule): PromRule[] =>
          isRecord(rule) && typeof rule.expr === "string"
            ? [
                {
                  alert: typeof rule.alert === "string",
                  ...(typeof rule.record === "string" ? { record: rule.record } : {}),
                  expr: rule.expr,
                },
              ]
            : [],
        )
      : [],
  );
}

/** A metric name in an expression, as a whole name (not `<metric>_bucket`). */
function nameIn(metric: string): RegExp {
  return new RegExp(`(?<![\\w:])${metric.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w:])`);
}

/**
 * The metric and every series recorded from it, directly or through other recording rules:
 * Prometheus writes a recorded series for every rule file it loads, so an alert on
 * `scout:auth_failures:rate5m` watches the failures too.
 */
function watchedNames(rules: readonly PromRule[], metric: string): RegExp[] {
  const names = new Set([metric]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const rule of rules) {
      if (!rule.record || names.has(rule.record)) continue;
      if ([...names].some((n) => nameIn(n).test(rule.expr))) {
        names.add(rule.record);
        grew = true;
      }
    }
  }
  return [...names].map(nameIn);
}
