import { type BundleObject, defineRule, isRecord, z } from "@scout-deploy/core";
import { componentWorkloads } from "../../support/index.js";

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
      noAlert: "no alerting rule watches {{metric}}: authentication failures go unnoticed",
    },
  },
  check(context) {
    const { metric } = context.options;
    if (context.bundle.objects.some((o) => alertsOn(o, metric))) return;
    // The finding sits on Prometheus (where rules are loaded), else on the backend that exports the metric.
    const target =
      componentWorkloads(context.bundle, context.settings, "prometheus")[0] ??
      componentWorkloads(context.bundle, context.settings, "backend")[0];
    if (!target) return;
    context.report({
      messageId: "noAlert",
      data: { metric },
      object: target.object,
      pointer: "/metadata/name",
    });
  },
});

function alertsOn(object: BundleObject, metric: string): boolean {
  if (object.value.kind === "PrometheusRule") {
    const spec = isRecord(object.value.spec) ? object.value.spec : {};
    const groups = Array.isArray(spec.groups) ? spec.groups : [];
    return groups.some(
      (group) =>
        isRecord(group) &&
        Array.isArray(group.rules) &&
        group.rules.some(
          (rule) =>
            isRecord(rule) && typeof rule.alert === "string" && String(rule.expr).includes(metric),
        ),
    );
  }
  if (object.value.kind === "ConfigMap" && isRecord(object.value.data)) {
    return Object.values(object.value.data).some(
      (text) => typeof text === "string" && /\balert:/.test(text) && text.includes(metric),
    );
  }
  return false;
}
