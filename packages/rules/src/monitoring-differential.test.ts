import { readFileSync } from "node:fs";
import { buildBundle, evaluate, type Finding, parsePolicy, parseSource } from "@scout-deploy/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metricsScraped } from "./monitoring/metrics-scraped/rule.js";
import { parsePromQL, selectsMetric } from "./monitoring/security-alerts/promql.js";
import { securityAlerts } from "./monitoring/security-alerts/rule.js";
import { securityGuidePack } from "./registry.js";
import {
  type Answer,
  ask,
  findPromOracle,
  INSTALL_HINT,
  type Question,
} from "./test-support/prom-oracle.js";

/**
 * The monitoring rules must say what Prometheus itself would do with the setup. A seeded generator
 * changes the monitoring part of the compliant fixture (alert expressions, rule files in
 * ConfigMaps or PrometheusRules, where they are mounted and what rule_files reaches, the
 * Prometheus container's --config.file; scrape jobs with relabel_configs, scrape annotations on
 * the pod and the Service); scripts/prom-oracle (Prometheus v0.316.0's parser, rulefmt,
 * config.Load, kubernetes_sd discovery and relabelling) says whether an alert on
 * scout_auth_failures_total is evaluated and whether the backend's :8000/metrics is scraped,
 * and our findings must agree. MONITORING_DIFF_SEED and MONITORING_DIFF_CASES rerun one corpus or
 * make it larger.
 */
const SEED = Number(process.env.MONITORING_DIFF_SEED ?? 20_261_207);
const CASES = Number(process.env.MONITORING_DIFF_CASES ?? 600);
const oracle = findPromOracle();
const NO_ORACLE = `prom-oracle is not installed (${INSTALL_HINT} builds it)`;
const METRIC = "scout_auth_failures_total";
const FIXTURE = new URL("./fixtures/compliant/scout.yaml", import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: the test edits fixture objects of every shape
type Json = Record<string, any>;

function fixtureObjects(): Json[] {
  const parsed = parseSource("scout.yaml", readFileSync(FIXTURE, "utf8"));
  return parsed.documents.map((d) => structuredClone(d.value) as Json);
}

const find = (objects: Json[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name)!;

function findingsOf(objects: readonly Json[], rule: typeof securityAlerts | typeof metricsScraped) {
  const text = `# generated setup\n${objects.map((o) => JSON.stringify(o)).join("\n---\n")}`;
  const bundle = buildBundle([parseSource("setup.yaml", text)]);
  const policy = parsePolicy({}, undefined, { packs: [securityGuidePack] });
  const result = evaluate([rule], bundle, policy);
  if (process.env.DEBUG_DIFF) console.log(result.findings.map((f) => f.message));
  return result.findings.filter((f: Finding) => f.ruleId === rule.id);
}

// ---------------------------------------------------------------------------------------------
// Alerts

const M = METRIC;
const WATCHING = [
  `rate(${M}[5m]) > 1`,
  `increase(${M}[10m]) > 20`,
  `sum by (pod) (rate(${M}[5m])) > 0.5`,
  `sum(rate(${M}{job="scout"}[5m] offset 1h)) > 1`,
  `max_over_time(rate(${M}[5m])[30m:1m]) > 1`,
  `rate({__name__="${M}"}[5m]) > 1`,
  `rate({__name__=~"scout_auth.*"}[5m]) > 1`,
  `rate({"${M}"}[5m]) > 1`,
  `sum without (instance) (increase(${M}[1h])) > 100 # burst`,
  `rate(${M}[5m]) > 1 and on (job) up == 1`,
  `SUM BY (pod) (RATE_PLACEHOLDER) > 1`.replace("RATE_PLACEHOLDER", `rate(${M}[5m])`),
  `sum(rate(${M}[5m])) by (pod) > 1`,
  `rate({__name__=~"${M}|scout_api_requests_total"}[5m]) > 1`,
  `rate({__name__!~"scout_api.*", job="scout"}[5m]) > 1`,
  `rate({job="scout"}[5m]) > 1`,
  `increase(${M}[1h] @ end()) > 10`,
  `-rate(${M}[5m]) < -1`,
  `topk(3, rate(${M}[5m])) > bool 1`,
  `count_values("value", ${M}) > 0`,
  `rate(${M}{reason=~"bad.*|expired"}[5m]) > 1`,
  `rate(${M}{reason="it's \\"quoted\\""}[5m]) > 1`,
  `rate(${M}[5m:]) > 1`,
  `rate({__name__="${M}",}[5m]) > 1`,
  `rate({__name__=~"(?i)SCOUT_AUTH_FAILURES_TOTAL"}[5m]) > 1`,
  `sum by ("pod") (rate(${M}[5m])) > 1 unless on () vector(0) > bool 1`,
];
/** Expressions Prometheus loads but fails at every evaluation: their result is no instant vector. */
const FAILING = [`rate(${M}[5m])[10m:1m]`, `${M}[5m]`, `"${M}"`];
/** Alerts only a Prometheus with --enable-feature=promql-experimental-functions (and fill modifiers) reads. */
const EXPERIMENTAL = [
  `mad_over_time(${M}[5m]) > 1`,
  `limitk(3, rate(${M}[5m])) > 1`,
  `rate(${M}[5m]) + on (job) fill (0) up > 1`,
];
const NOT_WATCHING = [
  `absent(${M})`,
  `absent_over_time(${M}[10m])`,
  `rate(${M}_bucket[5m]) > 1`,
  `rate(scout_api_requests_total{reason="${M}"}[5m]) > 1`,
  `label_replace(up, "metric", "${M}", "", "") == 0`,
  `up == 0 # ${M}`,
  `rate({__name__=~"scout_api.*"}[5m]) > 1`,
  `rate(scout_auth_failures[5m]) > 1`,
  `sum by (${M}) (up) == 0`,
  `up{job=\`${M}\`} == 0`,
  `rate({__name__=~"scout_auth"}[5m]) > 1`,
  `vector(1) > 0`,
  `histogram_quantile(0.9, rate(${M}_bucket[5m])) > 1`,
  `absent(${M}{job="scout"}) or vector(0) > 1`,
];
const INVALID = [
  `rate(${M}[5m] > 1`,
  `rates(${M}[5m]) > 1`,
  `rate(${M}) > 1`,
  `rate(${M}[5m]) >`,
  `rate({__name__=~"scout_auth(.*"}[5m]) > 1`,
  `limitk(1, rate(${M}[5m])) > 1`,
  `rate(${M}[5m]) > > 1`,
  `sum by (pod) rate(${M}[5m]) > 1`,
  `Rate(${M}[5m]) > 1`,
  `rate({}[5m]) > 1`,
  `rate({job=""}[5m]) > 1`,
  `scalar(${M}, up) > 1`,
  `sum(rate(${M}[5m])) offset 1h > 1`,
  `rate(${M}[5m]) + bool 1`,
  `rate(${M}[5m]) > 1 and 1`,
  `topk("3", rate(${M}[5m])) > 1`,
  `mad_over_time(${M}[5m]) > 1`,
  `rate(${M}{job=~"a(?=b)"}[5m]) > 1`,
];
const RECORD = "scout:auth_failures:rate5m";
/** Prometheus' --enable-feature values that change what its PromQL parser accepts. */
const FEATURES = [
  "promql-experimental-functions",
  "promql-binop-fill-modifiers",
  "promql-unquoted-utf8-names",
];
const ENABLED = { experimentalFunctions: true, fillModifiers: true, utf8Names: true };

const exprArb = fc.oneof(
  fc.constantFrom(...WATCHING),
  fc.constantFrom(...NOT_WATCHING),
  fc.constantFrom(...INVALID),
  fc.constantFrom(...EXPERIMENTAL),
  fc.constantFrom(...FAILING),
  fc.constant(`${RECORD} > 1`),
);
const ruleArb = fc.record({
  kind: fc.constantFrom("alert", "alert", "record"),
  expr: fc.oneof(
    { arbitrary: fc.constantFrom(...WATCHING), weight: 3 },
    { arbitrary: exprArb, weight: 2 },
  ),
  extra: fc.oneof(
    { arbitrary: fc.constant("none"), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        "keep_firing_for: 10m",
        "for: 1h30m",
        "labels: {severity: page}",
        "for: 5m",
        "for: 5",
        "expression: x",
        "annotations: {summary: '{{ $value'}",
        "for: 1m1h",
        "for: 0h0m",
        "keep_firing_for: 0s",
        "labels: {__name__: x}",
        "annotations: {summary: '{{ humanise $value }}'}",
        "annotations: {summary: '{{ $value | humanize }} on {{ $labels.pod }}'}",
        "annotations: {summary: '{{ if gt $value 1.0 }}high'}",
        "labels: {severity: '{{ $label.job }}'}",
        "annotations: {'': x}",
      ),
      weight: 1,
    },
  ),
});
const layoutArb = fc.record({
  source: fc.constantFrom("configmap", "configmap", "configmap", "prometheusrule"),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 3 }),
  duplicateGroup: fc.constantFrom(false, false, false, false, false, false, false, false, true),
  groupExtra: fc.oneof(
    { arbitrary: fc.constant("none"), weight: 6 },
    {
      arbitrary: fc.constantFrom(
        "interval: 1m",
        "interval: 1m1h",
        "limit: 5",
        "query_offset: 1m",
        "labels: {team: security}",
        "labels: {__name__: x}",
      ),
      weight: 1,
    },
  ),
  key: fc.constantFrom("security.rules.yml", "security.yaml"),
  ruleFiles: fc.constantFrom(
    ["/etc/prometheus/security.rules.yml"],
    ["security.rules.yml"],
    ["/etc/prometheus/*.rules.yml"],
    ["/etc/prometheus/*.yml"],
    ["/etc/prometheus/*"],
    ["/etc/prometheus/rules/*"],
    ["/etc/prometheus/rules/*.yml"],
    ["rules/*.y*ml"],
    ["/etc/prometheus/rules/*/*.yml"],
    ["/etc/prometheus/rules/alerts/*.yml", "/etc/prometheus/security.rules.yml"],
    [],
  ),
  mount: fc.constantFrom("projected", "separate", "subPath", "none", "items"),
  configMistake: fc.constantFrom(
    "none",
    "none",
    "none",
    "none",
    "none",
    "none",
    "typo",
    "duplicateJob",
  ),
  args: fc.constantFrom(
    "equals",
    "spaced",
    "absent",
    "otherFlags",
    "command",
    "relativeInWorkingDir",
    "relative",
  ),
  /** --enable-feature flags of the Prometheus container that change its PromQL parser. */
  features: fc.constantFrom<string[]>([], [], [], FEATURES, ["promql-experimental-functions"]),
});
/** Setups whose files Prometheus does load, so that the expressions and rule files decide. */
const loadingLayoutArb = layoutArb.chain((layout) =>
  fc
    .constantFrom([`/etc/prometheus/${layout.key}`], [layout.key], ["/etc/prometheus/security.*"])
    .map((ruleFiles) => ({ ...layout, ruleFiles, mount: "projected", args: "equals" })),
);
const setupArb = fc.oneof(layoutArb, loadingLayoutArb);
type Layout = typeof layoutArb extends fc.Arbitrary<infer T> ? T : never;

function ruleText(rule: Layout["rules"][number], i: number) {
  const head = rule.kind === "alert" ? `alert: A${i}` : `record: ${RECORD}`;
  const extra = rule.extra === "none" ? "" : `\n  ${rule.extra}`;
  return `- ${head}\n  expr: ${JSON.stringify(rule.expr)}${extra}`;
}

function groupsText(layout: Layout): string {
  const rules = layout.rules.map(ruleText).join("\n").replace(/\n/g, "\n      ");
  const second = layout.duplicateGroup ? "\n  - name: scout\n    rules: []" : "";
  const extra = layout.groupExtra === "none" ? "" : `\n    ${layout.groupExtra}`;
  return `groups:\n  - name: scout${extra}\n    rules:\n      ${rules}${second}\n`;
}

/** The fixture with the layout applied, and the files the kubelet puts in the Prometheus container. */
function alertSetup(layout: Layout) {
  const objects = fixtureObjects();
  const config = find(objects, "ConfigMap", "prometheus-config");
  const rulesMap = find(objects, "ConfigMap", "prometheus-rules");
  const prometheus = find(objects, "Deployment", "prometheus");
  const container = prometheus.spec.template.spec.containers[0];
  const job = `  - job_name: scout-backend\n    static_configs:\n      - targets: ["backend.scout.svc:8000"]\n`;
  const key = layout.configMistake === "typo" ? "scrape_config" : "scrape_configs";
  const again = layout.configMistake === "duplicateJob" ? job : "";
  const configText = `rule_files: ${JSON.stringify(layout.ruleFiles)}\n${key}:\n${job}${again}`;
  config.data = { "prometheus.yml": configText };
  const groups = groupsText(layout);
  if (layout.source === "configmap") rulesMap.data = { [layout.key]: groups };
  else {
    rulesMap.data = {};
    objects.push({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "scout-security", namespace: "scout" },
      spec: parseSource("g.yaml", groups).documents[0]!.value,
    });
  }
  const configPath = {
    equals: "/etc/prometheus/prometheus.yml",
    spaced: "/etc/prometheus/prometheus.yml",
    absent: "/etc/prometheus/prometheus.yml",
    otherFlags: "/prometheus/prometheus.yml",
    command: "/etc/prometheus/prometheus.yml",
    relativeInWorkingDir: "/etc/prometheus/prometheus.yml",
    relative: "/prometheus/prometheus.yml",
  }[layout.args];
  if (layout.args === "equals") container.args = ["--config.file=/etc/prometheus/prometheus.yml"];
  if (layout.args === "spaced")
    container.args = ["--config.file", "/etc/prometheus/prometheus.yml"];
  if (layout.args === "absent") delete container.args;
  if (layout.args === "otherFlags") container.args = ["--storage.tsdb.path=/tmp/prometheus"];
  if (layout.args === "command") {
    delete container.args;
    container.command = ["/bin/prometheus", "--config.file=/etc/prometheus/prometheus.yml"];
  }
  if (layout.args === "relativeInWorkingDir" || layout.args === "relative")
    container.args = ["--config.file=prometheus.yml"];
  if (layout.args === "relativeInWorkingDir") container.workingDir = "/etc/prometheus";
  // Flags only where the container has some already (adding args would change the configuration's path).
  const flagged = container.args || container.command ? layout.features : [];
  for (const feature of flagged) {
    if (container.args) container.args.push(`--enable-feature=${feature}`);
    else container.command.push("--enable-feature", feature);
  }
  const files: Record<string, string> = {};
  const volume = (dir: string, data: Record<string, string>) => {
    for (const [k, v] of Object.entries(data)) {
      files[`${dir}/${k}`] = v;
      files[`${dir}/..data/${k}`] = v;
    }
  };
  const spec = prometheus.spec.template.spec;
  const mounts = container.volumeMounts as Json[];
  const configMount = mounts.find((m) => m.name === "config")!;
  if (layout.mount === "projected") volume("/etc/prometheus", { ...config.data, ...rulesMap.data });
  else {
    spec.volumes.find((v: Json) => v.name === "config").projected.sources = [
      { configMap: { name: "prometheus-config" } },
    ];
    volume("/etc/prometheus", config.data);
  }
  if (layout.mount === "separate") {
    spec.volumes.push({ name: "rules", configMap: { name: "prometheus-rules" } });
    mounts.push({ name: "rules", mountPath: "/etc/prometheus/rules", readOnly: true });
    volume("/etc/prometheus/rules", rulesMap.data);
  }
  if (layout.mount === "subPath") {
    spec.volumes.push({ name: "rules", configMap: { name: "prometheus-rules" } });
    const key = Object.keys(rulesMap.data)[0];
    if (key) {
      mounts.push({ name: "rules", mountPath: `/etc/prometheus/rules/${key}`, subPath: key });
      files[`/etc/prometheus/rules/${key}`] = rulesMap.data[key];
    }
  }
  if (layout.mount === "items") {
    const key = Object.keys(rulesMap.data)[0];
    spec.volumes.push({
      name: "rules",
      configMap: { name: "prometheus-rules", items: key ? [{ key, path: `alerts/${key}` }] : [] },
    });
    mounts.push({ name: "rules", mountPath: "/etc/prometheus/rules" });
    if (key) volume("/etc/prometheus/rules", { [`alerts/${key}`]: rulesMap.data[key] });
  }
  void configMount;
  // Without a configuration of ours at configPath Prometheus reads the image's own (no rule_files) or fails.
  // A Prometheus without our configuration never reads the flags' rule files; a PrometheusRule is read without them.
  const features = layout.source === "prometheusrule" ? [] : flagged;
  return { objects, configPath, files, groups, features };
}

/** What Prometheus evaluates: the rules it loads, then which of them alert on the metric. */
async function alertVerdicts(binary: string, layouts: readonly Layout[]) {
  const setups = layouts.map(alertSetup);
  const loadQuestions: Question[] = setups.map((s, i) =>
    layouts[i]!.source === "prometheusrule"
      ? {
          id: `l${i}`,
          q: "load",
          config: "/p.yml",
          files: { "/p.yml": "rule_files: [r.yml]", "/r.yml": s.groups },
        }
      : {
          id: `l${i}`,
          q: "load",
          config: s.configPath,
          files: s.files,
          features: s.features,
        },
  );
  const loaded = await ask(binary, loadQuestions);
  const exprQuestions: Question[] = [];
  loaded.forEach((answer, i) => {
    for (const [j, rule] of (answer.rules ?? []).entries()) {
      exprQuestions.push({
        id: `${i}/${j}`,
        q: "promql",
        expr: rule.expr,
        metrics: [M, RECORD],
        features: setups[i]!.features,
      });
    }
  });
  const exprs = new Map((await ask(binary, exprQuestions)).map((a) => [a.id, a]));
  return loaded.map((answer, i) => {
    const rules = (answer.rules ?? []).map((rule, j) => {
      const expr = exprs.get(`${i}/${j}`)!;
      // rules.EngineQueryFunc fails a rule whose result is a range vector or a string, every time.
      const evaluates = expr.type === "vector" || expr.type === "scalar";
      return { ...rule, sel: evaluates ? outsideAbsent(expr) : [] };
    });
    const watched = new Set([M]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of rules)
        if (r.record && !watched.has(r.record) && r.sel.some((n) => watched.has(n))) {
          watched.add(r.record);
          grew = true;
        }
    }
    const alerting = rules.some((r) => r.alert && r.sel.some((n) => watched.has(n)));
    return { setup: setups[i]!, load: answer, alerting };
  });
}

const outsideAbsent = (a: Answer) =>
  (a.selects ?? []).filter((n) => !(a.onlyAbsent ?? []).includes(n));

// ---------------------------------------------------------------------------------------------
// Scraping

/**
 * Scrape jobs around the backend. No `hashmod`: it hashes the pod's address, which only the
 * cluster knows (the rule keeps such a target; the oracle would judge a stand-in address).
 */
const JOBS: Record<string, string> = {
  podAnnotations: `
  - job_name: pods
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], action: keep, regex: "true"}
      - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path], action: replace, target_label: __metrics_path__, regex: (.+)}
      - {source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port], action: replace, regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: $1:$2, target_label: __address__}`,
  podPortName: `
  - job_name: pod-ports
    kubernetes_sd_configs: [{role: pod, namespaces: {names: [scout]}}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_component, __meta_kubernetes_pod_container_port_name], action: keep, regex: backend;http}`,
  podOtherNamespace: `
  - job_name: pods-elsewhere
    kubernetes_sd_configs: [{role: pod, namespaces: {names: [monitoring]}}]`,
  podDropHttp: `
  - job_name: pods-not-http
    kubernetes_sd_configs: [{role: pod, namespaces: {own_namespace: true}}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_container_port_name], action: drop, regex: http}`,
  endpointsAnnotations: `
  - job_name: service-endpoints
    kubernetes_sd_configs: [{role: endpoints}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape], action: keep, regex: "true"}
      - {source_labels: [__address__, __meta_kubernetes_service_annotation_prometheus_io_port], action: replace, regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: $1:$2, target_label: __address__}`,
  endpointsByName: `
  - job_name: backend-endpoints
    kubernetes_sd_configs: [{role: endpoints, namespaces: {names: [scout]}}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_service_name, __meta_kubernetes_endpoint_port_name], action: keep, regex: backend;http}`,
  serviceRole: `
  - job_name: services
    kubernetes_sd_configs: [{role: service}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_service_name], action: keep, regex: backend}`,
  staticService: `
  - job_name: static
    static_configs: [{targets: ["backend.scout.svc:8000"]}]`,
  staticShort: `
  - job_name: static-short
    static_configs: [{targets: ["backend:8000"]}]`,
  staticOtherNamespace: `
  - job_name: static-other
    static_configs: [{targets: ["backend.other.svc:8000"]}]`,
  staticNoService: `
  - job_name: static-unknown
    static_configs: [{targets: ["backend-metrics.scout.svc:8000"]}]`,
  staticWrongPort: `
  - job_name: static-port
    static_configs: [{targets: ["backend.scout.svc:9000"]}]`,
  podPortNumber: `
  - job_name: pod-port-number
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_container_port_number], action: keep, regex: "8000"}`,
  podAnnotationPresent: `
  - job_name: pods-present
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape], action: keep, regex: "true"}
      - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], action: drop, regex: "false|no"}`,
  podLabelmap: `
  - job_name: pods-labelmap
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {action: labelmap, regex: __meta_kubernetes_pod_label_app_kubernetes_io_(.+), replacement: k8s_$1}
      - {source_labels: [k8s_component], action: keep, regex: backend}
      - {source_labels: [__meta_kubernetes_pod_container_port_name], action: keep, regex: http|metrics}`,
  podLowercase: `
  - job_name: pods-lowercase
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], action: lowercase, target_label: __tmp_scrape}
      - {source_labels: [__tmp_scrape], action: keep, regex: "true"}`,
  podKeepequal: `
  - job_name: pods-keepequal
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_container_port_number], action: keepequal, target_label: __meta_kubernetes_pod_annotation_prometheus_io_port}`,
  podDropNamespace: `
  - job_name: pods-not-scout
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_namespace], action: drop, regex: scout}`,
  endpointsAnyPort: `
  - job_name: endpoints-admin
    kubernetes_sd_configs: [{role: endpoints}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_service_name], action: keep, regex: backend}
      - {source_labels: [__meta_kubernetes_pod_container_port_name], action: keep, regex: admin}
      - {source_labels: [__address__], regex: '(.+):\\d+', replacement: $1:8000, target_label: __address__}`,
  staticRewritten: `
  - job_name: static-rewritten
    static_configs: [{targets: ["placeholder:1"]}]
    relabel_configs:
      - {target_label: __address__, replacement: backend.scout.svc:8000}`,
  servicePortName: `
  - job_name: services-http
    kubernetes_sd_configs: [{role: service, namespaces: {names: [scout]}}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_service_port_name], action: keep, regex: http}
      - {source_labels: [__meta_kubernetes_service_name], action: keep, regex: backend}`,
  podNamePrefix: `
  - job_name: pods-named-backend
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_name], action: keep, regex: "backend-[a-z0-9]+-[a-z0-9]{5}"}
      - {source_labels: [__meta_kubernetes_pod_container_port_number], action: keep, regex: "8000"}`,
  podNameObject: `
  - job_name: pods-named-as-the-deployment
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_name], action: keep, regex: backend}
      - {source_labels: [__meta_kubernetes_pod_container_port_number], action: keep, regex: "8000"}`,
  podNameDropped: `
  - job_name: pods-but-backend
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_name], action: drop, regex: "backend-.*"}
      - {source_labels: [__meta_kubernetes_pod_container_port_number], action: keep, regex: "8000"}`,
  staticStatsPath: `
  - job_name: static-stats
    metrics_path: /stats
    static_configs: [{targets: ["backend.scout.svc:8000"]}]`,
};

const annotationArb = (values: string[]) =>
  fc.constantFrom<string | undefined>(undefined, ...values);
const scrapeArb = fc.record({
  podScrape: annotationArb(["true", "false", "TRUE"]),
  podPort: annotationArb(["8000", "9000"]),
  podPath: annotationArb(["/metrics", "/stats"]),
  serviceScrape: annotationArb(["true"]),
  servicePort: annotationArb(["8000", "9000"]),
  extraPort: fc.boolean(),
  jobs: fc.uniqueArray(fc.constantFrom(...Object.keys(JOBS)), { maxLength: 3 }),
  loaded: fc.constantFrom(true, true, true, false),
});
type Scrape = typeof scrapeArb extends fc.Arbitrary<infer T> ? T : never;

function annotate(metadata: Json, values: Record<string, string | undefined>) {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(values))
    if (v !== undefined) annotations[`prometheus.io/${k}`] = v;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
}

/** A name of the shape the Deployment controller gives the backend's pods. */
const BACKEND_POD = "backend-5d8f7c9b64-x7k2p";

function scrapeSetup(setup: Scrape) {
  const objects = fixtureObjects();
  const backend = find(objects, "Deployment", "backend");
  const template = backend.spec.template;
  annotate(template.metadata, {
    scrape: setup.podScrape,
    port: setup.podPort,
    path: setup.podPath,
  });
  if (setup.extraPort)
    template.spec.containers[0].ports.push({ name: "admin", containerPort: 9000, protocol: "TCP" });
  const service = find(objects, "Service", "backend");
  annotate(service.metadata, { scrape: setup.serviceScrape, port: setup.servicePort });
  const config = `scrape_configs:${setup.jobs.map((j) => JOBS[j]).join("")}\n`;
  const loadedConfig = find(objects, "ConfigMap", "prometheus-config");
  if (setup.loaded) loadedConfig.data["prometheus.yml"] = config;
  else {
    loadedConfig.data["prometheus.yml"] = "scrape_configs: []\n";
    objects.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "prometheus-extra", namespace: "scout" },
      data: { "prometheus.yml": config },
    });
  }
  const pod = {
    metadata: {
      ...template.metadata,
      // Named and labelled as the Deployment controller makes its pods.
      name: BACKEND_POD,
      namespace: "scout",
      labels: { ...template.metadata.labels, "pod-template-hash": "5d8f7c9b64" },
    },
    spec: template.spec,
  };
  const services = objects.filter((o) => o.kind === "Service");
  return { objects, config: setup.loaded ? config : "scrape_configs: []\n", pod, services };
}

/** A static or service-role address that reaches the backend's :8000: the Service backend of scout, port 8000 (→ http). */
function reachesBackend(target: { address: string; pod?: string }): boolean {
  if (target.pod) return target.pod === BACKEND_POD && target.address.endsWith(":8000");
  const [host = "", port] = target.address.split(":");
  const [name, namespace = "scout"] = host.split(".");
  return name === "backend" && namespace === "scout" && port === "8000";
}

/**
 * Random expressions over a few pieces: most are nonsense, which is the point. They reach what
 * Prometheus refuses after parsing (checkAST: a range vector where an instant one is needed, the
 * arity of a call, `bool` off a comparison, set operators and vector matching between scalars,
 * an aggregation over a scalar or a string, `offset`/`@` after what is not a selector, a range
 * on what is not one, a subquery over a range, a selector that matches the empty series, an
 * experimental function) and what it accepts that looks odd (`on()` between scalars, a string
 * or a range vector as the whole expression, `{"name"}`, `(?i)` in a regular expression).
 */
const LEAVES = [
  M,
  `${M}{job="a"}`,
  `{__name__=~"scout_auth.*"}`,
  `{__name__=~"(?i)SCOUT_AUTH.*"}`,
  `{"${M}"}`,
  `${M}{"job"="a"}`,
  `{job=""}`,
  `{job=~".*", instance!=""}`,
  `${M}{__name__="x"}`,
  `${M}{job=~"a(?=b)"}`,
  `${M}{job=~"\\d+"}`,
  "up",
  "1",
  "0x1F",
  "5m",
  `"str"`,
  `${M}[5m]`,
  `${M}[5m:1m]`,
  `${M}[0s]`,
  `${M}[5m:]`,
  "time()",
  "http.requests",
  `up{http.method="GET"}`,
  "café",
];
const FUNCTIONS = [
  "rate",
  "increase",
  "abs",
  "absent",
  "absent_over_time",
  "histogram_quantile",
  "quantile_over_time",
  "vector",
  "scalar",
  "round",
  "clamp",
  "label_replace",
  "label_join",
  "timestamp",
  "time",
  "predict_linear",
  "sort_by_label",
  "mad_over_time",
  "holt_winters",
  "Rate",
  "info",
];
const AGGREGATIONS = ["sum", "topk", "count_values", "quantile", "limitk", "bottomk", "group"];
const OPERATORS = [
  "+ on (job) fill (0)",
  "* fill_left (1) fill_right (2)",
  ">",
  "+",
  "and",
  "or",
  "unless",
  "> bool",
  "+ bool",
  "== bool",
  "* on (job)",
  "/ ignoring(x) group_left",
  "* on (job) group_left (job)",
  "and on (job) group_left",
  "+ on ()",
  "atan2",
  "^",
];
const POSTFIX = [
  "offset 5m",
  "offset -1m",
  "@ 100",
  "@ start()",
  "[5m]",
  "[5m:1m]",
  "offset 1m offset 2m",
];
const randomExpr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof(
    { arbitrary: fc.constantFrom(...LEAVES), weight: 6 },
    fc
      .tuple(fc.constantFrom(...FUNCTIONS), fc.array(tie("e"), { maxLength: 3 }))
      .map(([f, args]) => `${f}(${args.join(", ")})`),
    fc
      .tuple(fc.constantFrom(...AGGREGATIONS), fc.array(tie("e"), { minLength: 1, maxLength: 2 }))
      .map(([a, args]) => `${a}(${args.join(", ")})`),
    fc
      .tuple(tie("e"), fc.constantFrom(...OPERATORS), tie("e"))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc
      .tuple(
        fc.constantFrom(
          "sum by (pod)",
          "max without (x)",
          'count by ("")',
          "sum by (a, a)",
          "sum by (a.b)",
          "sum by (a:b)",
        ),
        tie("e"),
      )
      .map(([a, b]) => `${a} (${b})`),
    tie("e").map((e) => `(${e})`),
    tie("e").map((e) => `-${e}`),
    fc.tuple(tie("e"), fc.constantFrom(...POSTFIX)).map(([e, p]) => `${e} ${p}`),
  ),
})).e;

describe.skipIf(!oracle && !process.env.CI)("monitoring rules against Prometheus' own code", () => {
  it("we accept exactly the expressions Prometheus accepts, refuse the others with its error, and see the selectors it sees", async () => {
    if (!oracle) throw new Error(NO_ORACLE);
    const exprs = fc.sample(randomExpr, { seed: SEED, numRuns: CASES * 3 });
    // Every third expression for a Prometheus run with the parser's experimental features on.
    const featured = (i: number) => i % 3 === 2;
    const answers = await ask(
      oracle,
      exprs.map((expr, i) => ({
        id: `${i}`,
        q: "promql" as const,
        expr,
        metrics: [M],
        ...(featured(i) ? { features: FEATURES } : {}),
      })),
    );
    const refused = answers.filter((a) => !a.ok).length;
    // Both answers common, or agreeing would say little about one of them.
    expect(refused).toBeGreaterThan(exprs.length / 10);
    expect(exprs.length - refused).toBeGreaterThan(exprs.length / 10);
    const divergences = answers.flatMap((answer, i) => {
      const ours = parsePromQL(exprs[i]!, featured(i) ? ENABLED : {});
      if ("error" in ours) {
        if (answer.ok) return [`we refuse ${exprs[i]} (${ours.error}); Prometheus accepts it`];
        // The same first error, worded and placed as Prometheus words and places it.
        return ours.error === answer.error
          ? []
          : [`we refuse ${exprs[i]} with ${ours.error}; Prometheus with ${answer.error}`];
      }
      if (!answer.ok) return [`we accept ${exprs[i]}; Prometheus refuses it: ${answer.error}`];
      const watched = ours.selectors.some((s) => !s.inAbsent && selectsMetric(s, M));
      return watched === outsideAbsent(answer).includes(M)
        ? []
        : [`we ${watched ? "see" : "see no"} selector of ${M} outside absent() in ${exprs[i]}`];
    });
    expect(divergences.slice(0, 8).join("\n"), `${divergences.length} of ${exprs.length}`).toBe("");
  }, 60_000);

  it(`security-alerts reports exactly when Prometheus evaluates no alert on ${METRIC}`, async () => {
    if (!oracle) throw new Error(NO_ORACLE);
    const layouts = fc.sample(setupArb, { seed: SEED, numRuns: CASES }) as Layout[];
    const verdicts = await alertVerdicts(oracle, layouts);
    // The corpus holds both answers, or agreeing would say little.
    const alerting = verdicts.filter((v) => v.alerting).length;
    expect(alerting).toBeGreaterThan(layouts.length / 10);
    expect(layouts.length - alerting).toBeGreaterThan(layouts.length / 10);
    const divergences: string[] = [];
    verdicts.forEach(({ setup, load, alerting }, i) => {
      const ours = findingsOf(setup.objects, securityAlerts);
      if ((ours.length === 0) === alerting) return;
      divergences.push(
        `${i}: Prometheus ${alerting ? "evaluates an alert" : `evaluates none (${load.error ?? `loads ${load.ruleFiles?.join(", ") || "no rule file"}`})`}; we report ${ours.length} (${ours.map((f) => f.message).join(" | ")})\n${JSON.stringify(layouts[i])}`,
      );
    });
    expect(divergences.slice(0, 8).join("\n\n"), `${divergences.length} of ${layouts.length}`).toBe(
      "",
    );
  }, 60_000);

  it("metrics-scraped reports exactly when Prometheus scrapes no target on the backend's :8000/metrics", async () => {
    if (!oracle) throw new Error(NO_ORACLE);
    const setups = fc.sample(scrapeArb, { seed: SEED, numRuns: CASES });
    const built = setups.map(scrapeSetup);
    const answers = await ask(
      oracle,
      built.map((b, i) => ({
        id: `s${i}`,
        q: "scrape" as const,
        config: b.config,
        namespace: "scout",
        pods: [b.pod],
        services: b.services,
      })),
    );
    const divergences: string[] = [];
    let scraped = 0;
    answers.forEach((answer, i) => {
      if (!answer.ok) throw new Error(`prom-oracle: ${answer.error}`);
      const scraping = (answer.targets ?? []).filter(
        (t) => reachesBackend(t) && t.metricsPath === "/metrics",
      );
      const ours = findingsOf(built[i]!.objects, metricsScraped);
      if (scraping.length > 0) scraped++;
      if ((ours.length === 0) === scraping.length > 0) return;
      divergences.push(
        `${i}: Prometheus ${scraping.length > 0 ? `scrapes ${scraping.map((t) => `${t.job}: ${t.address}${t.metricsPath}`).join(", ")}` : `scrapes no :8000/metrics of the backend (targets: ${(answer.targets ?? []).map((t) => `${t.job}: ${t.address}${t.metricsPath}`).join(", ") || "none"})`}; we report ${ours.length} (${ours.map((f) => f.message).join(" | ")})\n${JSON.stringify(setups[i])}`,
      );
    });
    expect(divergences.slice(0, 8).join("\n\n"), `${divergences.length} of ${setups.length}`).toBe(
      "",
    );
    // Both answers common, or the comparison says little about one of them.
    expect(scraped).toBeGreaterThan(setups.length / 10);
    expect(setups.length - scraped).toBeGreaterThan(setups.length / 10);
  }, 60_000);
});

if (!oracle && !process.env.CI) console.warn(`monitoring differential test skipped: ${NO_ORACLE}`);
