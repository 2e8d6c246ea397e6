import {
  type BundleObject,
  defineRule,
  type Instance,
  InstanceIndex,
  instanceOf,
  isRecord,
  z,
} from "@scout-deploy/core";
import { type ComponentWorkload, componentWorkloads } from "../../support/index.js";
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
    },
  },
  check(context) {
    const { metric } = context.options;
    const { bundle, settings } = context;
    const alerts = bundle.objects.filter((o) => alertsOn(o, metric));
    const byInstance = InstanceIndex.of(alerts, instanceOf);
    const components = componentWorkloads(bundle, settings).filter(
      (w) => w.component === "prometheus" || w.component === "backend",
    );
    const scoutNamespaces = new Set(components.map((w) => instanceOf(w.object).namespace));
    // Rules loaded by a shared Prometheus (a namespace of its own, or applied with -n) cover all.
    if (alerts.some((o) => !o.ref.namespace || !scoutNamespaces.has(o.ref.namespace))) return;
    for (const [instance, target] of targetsByInstance(components)) {
      if (byInstance.with(instance).length > 0) continue;
      context.report({
        messageId: "noAlert",
        data: { metric, instance: instance.name },
        object: target.object,
        pointer: "/metadata/name",
      });
    }
  },
});

/**
 * One finding per instance, on its Prometheus (where rules are loaded), else on the backend that
 * exports the metric.
 */
function targetsByInstance(components: readonly ComponentWorkload[]) {
  const targets = new Map<string, [Instance, ComponentWorkload]>();
  for (const workload of components) {
    const instance = instanceOf(workload.object);
    const current = targets.get(instance.name);
    if (!current || (current[1].component !== "prometheus" && workload.component === "prometheus"))
      targets.set(instance.name, [instance, workload]);
  }
  return targets.values();
}

function alertsOn(object: BundleObject, metric: string): boolean {
  if (object.value.kind === "PrometheusRule") {
    const spec = isRecord(object.value.spec) ? object.value.spec : {};
    return groupsAlertOn(spec.groups, metric);
  }
  if (object.value.kind === "ConfigMap" && isRecord(object.value.data)) {
    return Object.entries(object.value.data).some(
      ([key, text]) =>
        typeof text === "string" &&
        text.includes(metric) &&
        groupsAlertOn(ruleFileGroups(`${object.ref.name ?? "configmap"}/${key}`, text), metric),
    );
  }
  return false;
}

/** The `groups` of a Prometheus rule file held in a ConfigMap, parsed: comments do not count. */
function ruleFileGroups(path: string, text: string): unknown {
  const file = parseEmbedded(path, text);
  return isRecord(file) ? file.groups : undefined;
}

/** An alerting rule (not a recording rule) whose `expr` reads the metric as a whole name. */
function groupsAlertOn(groups: unknown, metric: string): boolean {
  const name = new RegExp(`(?<![\\w:])${metric.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w:])`);
  return (
    Array.isArray(groups) &&
    groups.some(
      (group) =>
        isRecord(group) &&
        Array.isArray(group.rules) &&
        group.rules.some(
          (rule) =>
            isRecord(rule) &&
            typeof rule.alert === "string" &&
            typeof rule.expr === "string" &&
            name.test(rule.expr),
        ),
    )
  );
}
