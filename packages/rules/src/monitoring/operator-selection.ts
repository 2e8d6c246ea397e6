import {
  type Bundle,
  type BundleObject,
  compileSelector,
  effectiveNamespace,
  isRecord,
  stringLabels,
} from "@scout-deploy/core";

/** What the Prometheus Operator selects for its servers: the resources and the spec fields. */
export interface OperatorSelected {
  /** The operator's kinds that select them. */
  kinds: readonly string[];
  selector: string;
  namespaceSelector: string;
  /** Their kind, plural: "PrometheusRules". */
  what: string;
}

/** A ThanosRuler selects PrometheusRules the same way, and evaluates their alerts too. */
export const PROMETHEUS_RULES: OperatorSelected = {
  kinds: ["Prometheus", "ThanosRuler"],
  selector: "ruleSelector",
  namespaceSelector: "ruleNamespaceSelector",
  what: "PrometheusRules",
};

/** A PrometheusAgent scrapes the monitors it selects as a Prometheus does. */
export const SERVICE_MONITORS: OperatorSelected = {
  kinds: ["Prometheus", "PrometheusAgent"],
  selector: "serviceMonitorSelector",
  namespaceSelector: "serviceMonitorNamespaceSelector",
  what: "ServiceMonitors",
};

export const POD_MONITORS: OperatorSelected = {
  kinds: ["Prometheus", "PrometheusAgent"],
  selector: "podMonitorSelector",
  namespaceSelector: "podMonitorNamespaceSelector",
  what: "PodMonitors",
};

/**
 * Which resources (PrometheusRules, ServiceMonitors, PodMonitors) the Prometheus Operator hands
 * to a server (a monitoring.coreos.com Prometheus of the input): those its selector field
 * selects (unset selects none, `{}` all), in the namespaces its namespace selector selects
 * (unset: its own namespace only; `{}`: all). One no server selects is never read. Undefined
 * when the input holds no such server: then it cannot tell, and every one counts.
 */
export function operatorSelection(
  bundle: Bundle,
  selected: OperatorSelected = PROMETHEUS_RULES,
): ((resource: BundleObject) => string | undefined) | undefined {
  const prometheuses = bundle.objects.filter(
    (o) =>
      selected.kinds.includes(o.value.kind) &&
      String(o.value.apiVersion ?? "").startsWith("monitoring.coreos.com/"),
  );
  if (prometheuses.length === 0) return undefined;
  return (resource) => {
    const reasons = prometheuses.map((p) => whyNotSelected(bundle, p, resource, selected));
    if (reasons.some((r) => r === undefined)) return undefined;
    return reasons.join("; ");
  };
}

function whyNotSelected(
  bundle: Bundle,
  prometheus: BundleObject,
  resource: BundleObject,
  { selector: field, namespaceSelector: namespaceField, what }: OperatorSelected,
): string | undefined {
  const spec = isRecord(prometheus.value.spec) ? prometheus.value.spec : {};
  const name = `the ${prometheus.value.kind} ${prometheus.ref.name}`;
  const metadata = isRecord(resource.value.metadata) ? resource.value.metadata : {};
  const selector = spec[field];
  if (!isRecord(selector)) return `${name} has no spec.${field}, so it selects no ${what}`;
  if (!compileSelector(selector)(stringLabels(metadata.labels)))
    return `${name} selects ${what} labelled ${describe(selector)} (spec.${field})`;
  const home = effectiveNamespace(bundle, prometheus);
  const namespace = effectiveNamespace(bundle, resource);
  const namespaceSelector = spec[namespaceField];
  if (!isRecord(namespaceSelector))
    return namespace === home
      ? undefined
      : `${name} selects ${what} of its own namespace ${home} only (no spec.${namespaceField})`;
  const labels = namespaceLabels(bundle, namespace);
  // A namespace the input does not hold has labels only the cluster knows.
  if (labels === undefined || compileSelector(namespaceSelector)(labels)) return undefined;
  return `${name} selects ${what} of namespaces labelled ${describe(namespaceSelector)} (spec.${namespaceField})`;
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
