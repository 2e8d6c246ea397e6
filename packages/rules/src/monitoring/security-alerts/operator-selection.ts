import {
  type Bundle,
  type BundleObject,
  compileSelector,
  effectiveNamespace,
  isRecord,
  stringLabels,
} from "@scout-deploy/core";

/**
 * Which PrometheusRules the Prometheus Operator hands to a Prometheus (a monitoring.coreos.com
 * Prometheus of the input): those its `spec.ruleSelector` selects (unset selects none, `{}`
 * all), in the namespaces its `spec.ruleNamespaceSelector` selects (unset: its own namespace
 * only; `{}`: all). A rule no Prometheus selects is never evaluated. Undefined when the input
 * holds no Prometheus resource: then it cannot tell, and every PrometheusRule counts.
 */
export function operatorSelection(
  bundle: Bundle,
): ((rule: BundleObject) => string | undefined) | undefined {
  // A ThanosRuler selects PrometheusRules the same way, and evaluates their alerts too.
  const prometheuses = bundle.objects.filter(
    (o) =>
      (o.value.kind === "Prometheus" || o.value.kind === "ThanosRuler") &&
      String(o.value.apiVersion ?? "").startsWith("monitoring.coreos.com/"),
  );
  if (prometheuses.length === 0) return undefined;
  return (rule) => {
    const reasons = prometheuses.map((p) => whyNotSelected(bundle, p, rule));
    if (reasons.some((r) => r === undefined)) return undefined;
    return reasons.join("; ");
  };
}

function whyNotSelected(
  bundle: Bundle,
  prometheus: BundleObject,
  rule: BundleObject,
): string | undefined {
  const spec = isRecord(prometheus.value.spec) ? prometheus.value.spec : {};
  const name = `the ${prometheus.value.kind} ${prometheus.ref.name}`;
  const metadata = isRecord(rule.value.metadata) ? rule.value.metadata : {};
  if (!isRecord(spec.ruleSelector))
    return `${name} has no spec.ruleSelector, so it selects no PrometheusRule`;
  if (!compileSelector(spec.ruleSelector)(stringLabels(metadata.labels)))
    return `${name} selects PrometheusRules labelled ${describe(spec.ruleSelector)} (spec.ruleSelector)`;
  const home = effectiveNamespace(bundle, prometheus);
  const namespace = effectiveNamespace(bundle, rule);
  if (!isRecord(spec.ruleNamespaceSelector))
    return namespace === home
      ? undefined
      : `${name} selects PrometheusRules of its own namespace ${home} only (no spec.ruleNamespaceSelector)`;
  const labels = namespaceLabels(bundle, namespace);
  // A namespace the input does not hold has labels only the cluster knows.
  if (labels === undefined || compileSelector(spec.ruleNamespaceSelector)(labels)) return undefined;
  return `${name} selects PrometheusRules of namespaces labelled ${describe(spec.ruleNamespaceSelector)} (spec.ruleNamespaceSelector)`;
}

/** A Namespace's labels, with the name label the API server sets on every one. */
function namespaceLabels(bundle: Bundle, namespace: string | undefined) {
  const object = bundle.objects.find(
    (o) => o.value.kind === "Namespace" && o.ref.name === namespace && o.value.apiVersion === "v1",
  );
  if (!object || namespace === undefined) return undefined;
  const metadata = isRecord(object.value.metadata) ? object.value.metadata : {};
  return { ...stringLabels(metadata.labels), "kubernetes.io/metadata.name": namespace };
}

function describe(selector: Record<string, unknown>): string {
  const labels = isRecord(selector.matchLabels)
    ? Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${String(v)}`)
    : [];
  const expressions = Array.isArray(selector.matchExpressions)
    ? selector.matchExpressions
        .filter(isRecord)
        .map(
          (e) =>
            `${String(e.key)} ${String(e.operator)}${Array.isArray(e.values) ? ` (${e.values.join(", ")})` : ""}`,
        )
    : [];
  return [...labels, ...expressions].join(", ") || "{}";
}
