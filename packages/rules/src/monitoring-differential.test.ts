import { readFileSync } from "node:fs";
import { buildBundle, evaluate, type Finding, parsePolicy, parseSource } from "@scout-deploy/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { metricsScraped } from "./monitoring/metrics-scraped/rule.js";
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
const CASES = Number(process.env.MONITORING_DIFF_CASES ?? 300);
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
];
const INVALID = [
  `rate(${M}[5m] > 1`,
  `rates(${M}[5m]) > 1`,
  `rate(${M}) > 1`,
  `rate(${M}[5m]) >`,
  `rate({__name__=~"scout_auth(.*"}[5m]) > 1`,
  `limitk(1, rate(${M}[5m])) > 1`,
];
const RECORD = "scout:auth_failures:rate5m";

const exprArb = fc.oneof(
  fc.constantFrom(...WATCHING),
  fc.constantFrom(...NOT_WATCHING),
  fc.constantFrom(...INVALID),
  fc.constant(`${RECORD} > 1`),
);
const ruleArb = fc.record({
  kind: fc.constantFrom("alert", "alert", "record"),
  expr: exprArb,
  extra: fc.constantFrom(
    "none",
    "none",
    "none",
    "for: 5m",
    "for: 5",
    "expression: x",
    "annotations: {summary: '{{ $value'}",
  ),
});
const layoutArb = fc.record({
  source: fc.constantFrom("configmap", "configmap", "configmap", "prometheusrule"),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 3 }),
  duplicateGroup: fc.constantFrom(false, false, false, false, false, false, false, false, true),
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
    [],
  ),
  mount: fc.constantFrom("projected", "separate", "subPath", "none"),
  args: fc.constantFrom("equals", "spaced", "absent", "otherFlags"),
});
type Layout = typeof layoutArb extends fc.Arbitrary<infer T> ? T : never;

function ruleText(rule: Layout["rules"][number], i: number) {
  const head = rule.kind === "alert" ? `alert: A${i}` : `record: ${RECORD}`;
  const extra = rule.extra === "none" ? "" : `\n  ${rule.extra}`;
  return `- ${head}\n  expr: ${JSON.stringify(rule.expr)}${extra}`;
}

function groupsText(layout: Layout): string {
  const rules = layout.rules.map(ruleText).join("\n").replace(/\n/g, "\n      ");
  const second = layout.duplicateGroup ? "\n  - name: scout\n    rules: []" : "";
  return `groups:\n  - name: scout\n    rules:\n      ${rules}${second}\n`;
}

/** The fixture with the layout applied, and the files the kubelet puts in the Prometheus container. */
function alertSetup(layout: Layout) {
  const objects = fixtureObjects();
  const config = find(objects, "ConfigMap", "prometheus-config");
  const rulesMap = find(objects, "ConfigMap", "prometheus-rules");
  const prometheus = find(objects, "Deployment", "prometheus");
  const container = prometheus.spec.template.spec.containers[0];
  const configText = `rule_files: ${JSON.stringify(layout.ruleFiles)}\nscrape_configs:\n  - job_name: scout-backend\n    static_configs:\n      - targets: ["backend.scout.svc:8000"]\n`;
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
  }[layout.args];
  if (layout.args === "equals") container.args = ["--config.file=/etc/prometheus/prometheus.yml"];
  if (layout.args === "spaced")
    container.args = ["--config.file", "/etc/prometheus/prometheus.yml"];
  if (layout.args === "absent") delete container.args;
  if (layout.args === "otherFlags") container.args = ["--storage.tsdb.path=/tmp/prometheus"];
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
  void configMount;
  // Without a configuration of ours at configPath Prometheus reads the image's own (no rule_files) or fails.
  return { objects, configPath, files, groups };
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
      : { id: `l${i}`, q: "load", config: s.configPath, files: s.files },
  );
  const loaded = await ask(binary, loadQuestions);
  const exprQuestions: Question[] = [];
  loaded.forEach((answer, i) => {
    for (const [j, rule] of (answer.rules ?? []).entries()) {
      exprQuestions.push({ id: `${i}/${j}`, q: "promql", expr: rule.expr, metrics: [M, RECORD] });
    }
  });
  const exprs = new Map((await ask(binary, exprQuestions)).map((a) => [a.id, a]));
  return loaded.map((answer, i) => {
    const rules = (answer.rules ?? []).map((rule, j) => ({
      ...rule,
      sel: outsideAbsent(exprs.get(`${i}/${j}`)!),
    }));
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

describe.skipIf(!oracle && !process.env.CI)("monitoring rules against Prometheus' own code", () => {
  it(`security-alerts reports exactly when Prometheus evaluates no alert on ${METRIC}`, async () => {
    if (!oracle) throw new Error(NO_ORACLE);
    const layouts = fc.sample(layoutArb, { seed: SEED, numRuns: CASES });
    const verdicts = await alertVerdicts(oracle, layouts);
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
});

if (!oracle && !process.env.CI) console.warn(`monitoring differential test skipped: ${NO_ORACLE}`);
