import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { securityAlerts } from "./rule.js";

const prometheus = `
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: prometheus
          namespace: scout
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: prometheus}}
            spec:
              containers: [{name: prometheus}]
`;

const inNamespace = (yaml: string, namespace: string) =>
  yaml.replace("namespace: scout", `namespace: ${namespace}`);

const backend = `
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: backend
          namespace: scout
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              containers: [{name: backend}]
`;

/** A Prometheus of the official image reading /etc/prometheus/prometheus.yml from ConfigMaps. */
const loading = (ruleFiles: string, rules: string, mounts = "projected") => `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: prometheus, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: prometheus}}
            spec:
              containers:
                - name: prometheus
                  image: prom/prometheus:v3.5.0
                  args: [--config.file=/etc/prometheus/prometheus.yml]
                  volumeMounts:
                    - {name: config, mountPath: /etc/prometheus}${mounts === "separate" ? "\n                    - {name: rules, mountPath: /etc/prometheus/rules}" : ""}
              volumes:
                - name: config
                  projected:
                    sources:
                      - configMap: {name: prometheus-config}${mounts === "projected" ? "\n                      - configMap: {name: prometheus-rules}" : ""}
                - {name: rules, configMap: {name: prometheus-rules}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config, namespace: scout}
        data:
          prometheus.yml: |
            rule_files: ${ruleFiles}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-rules, namespace: scout}
        data:
          security.rules.yml: |
            groups:
              - name: security
                rules:
                  - alert: AuthFailures
                    expr: ${rules}
`;

const ALERT = "rate(scout_auth_failures_total[5m]) > 1";

/** A Prometheus resource of the Prometheus Operator, and a PrometheusRule alerting on the metric. */
const operated = (prometheusSpec: string, ruleMetadata: string) => `${backend}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata: {name: k8s, namespace: monitoring}
        spec: ${prometheusSpec}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: ${ruleMetadata}
        spec:
          groups:
            - name: scout-security
              rules:
                - alert: ScoutAuthFailures
                  expr: rate(scout_auth_failures_total[5m]) > 1
`;

new RuleTester({ describe, it }).run(securityAlerts, {
  valid: [
    {
      name: "a PrometheusRule the Prometheus resource selects: its labels, any namespace ({})",
      yaml: operated(
        "{ruleSelector: {matchLabels: {release: monitoring}}, ruleNamespaceSelector: {}}",
        "{name: scout-security, namespace: scout, labels: {release: monitoring}}",
      ),
    },
    {
      name: "a PrometheusRule a ThanosRuler selects is evaluated there, though the Prometheus does not select it",
      yaml: `${operated("{ruleSelector: {matchLabels: {release: monitoring}}}", "{name: scout-security, namespace: monitoring}")}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ThanosRuler
        metadata: {name: thanos, namespace: monitoring}
        spec: {ruleSelector: {}}
      `,
    },
    {
      name: "a PrometheusRule in the Prometheus resource's own namespace, which an unset namespace selector takes",
      yaml: operated("{ruleSelector: {}}", "{name: scout-security, namespace: monitoring}"),
    },
    {
      name: "(?i) in a regex matcher is Go's RE2 syntax: it ignores case",
      yaml: loading(
        "[security.rules.yml]",
        `'rate({__name__=~"(?i)SCOUT_AUTH_FAILURES_TOTAL"}[5m]) > 1'`,
      ),
    },
    {
      name: "an experimental function, read by a Prometheus started with --enable-feature=promql-experimental-functions",
      yaml: loading(
        "[security.rules.yml]",
        "mad_over_time(scout_auth_failures_total[5m]) > 1",
      ).replace(
        "args: [--config.file=/etc/prometheus/prometheus.yml]",
        "args: [--config.file=/etc/prometheus/prometheus.yml, '--enable-feature=exemplar-storage,promql-experimental-functions']",
      ),
    },
    {
      name: "a template with pipes, conditions and declared variables parses",
      yaml: loading(
        "[security.rules.yml]",
        `${ALERT}\n                    annotations: {summary: '{{ if gt $value 1.0 }}{{ $value | humanize }} on {{ $labels.pod }}{{ end }}'}`,
      ),
    },
    {
      name: "a regex matcher on __name__ selects the metric, as Prometheus matches it (anchored)",
      yaml: loading("[security.rules.yml]", `'rate({__name__=~"scout_auth.*"}[5m]) > 1'`),
    },
    {
      name: "the configuration on an emptyDir a sidecar writes: the input does not tell what Prometheus loads",
      yaml: `${loading("[/etc/prometheus/rules/*.yml]", ALERT)
        .replace(
          "args: [--config.file=/etc/prometheus/prometheus.yml]",
          "args: [--config.file=/etc/config-out/prometheus.yml]",
        )
        .replace(
          "volumeMounts:",
          "volumeMounts:\n                    - {name: out, mountPath: /etc/config-out}",
        )
        .replace("volumes:", "volumes:\n                - {name: out, emptyDir: {}}")}`,
    },
    {
      name: "aggregations and keywords are case-insensitive in PromQL",
      yaml: loading(
        "[security.rules.yml]",
        "SUM BY (pod) (rate(scout_auth_failures_total[5m])) > 1",
      ),
    },
    {
      name: "bool before a parenthesised operand is a keyword, not a function",
      yaml: loading("[security.rules.yml]", "rate(scout_auth_failures_total[5m]) > bool (1)"),
    },
    {
      name: "a relative rule_files entry is read from the configuration's folder",
      yaml: loading("[security.rules.yml]", ALERT),
    },
    {
      name: "rule files in a volume of their own, reached by a glob",
      yaml: loading("[/etc/prometheus/rules/*.yml]", ALERT, "separate"),
    },
    {
      name: "a PrometheusRule alerting on authentication failures",
      yaml: `${prometheus}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: scout-security, namespace: scout}
        spec:
          groups:
            - name: scout-security
              rules:
                - alert: ScoutAuthFailures
                  expr: rate(scout_auth_failures_total[5m]) > 1
      `,
    },
    {
      name: "a rule file in a ConfigMap",
      yaml: `${prometheus}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-rules, namespace: scout}
        data:
          security.rules.yml: |
            groups:
              - name: security
                rules:
                  - alert: AuthFailures
                    expr: increase(scout_auth_failures_total[10m]) > 20
      `,
    },
    {
      name: "an alert on a series recorded from the metric, through two recording rules",
      yaml: `${prometheus}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-rules, namespace: scout}
        data:
          security.rules.yml: |
            groups:
              - name: recorded
                rules:
                  - record: scout:auth_failures:rate5m
                    expr: sum(rate(scout_auth_failures_total[5m]))
                  - record: scout:auth_failures:rate5m:max
                    expr: max_over_time(scout:auth_failures:rate5m[1h])
              - name: security
                rules:
                  - alert: AuthFailures
                    expr: scout:auth_failures:rate5m:max > 1
      `,
    },
    {
      name: "a rule in a shared monitoring namespace covers every instance",
      yaml: `${prometheus}
        ---
        ${inNamespace(prometheus, "production")}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: scout-security, namespace: monitoring}
        spec:
          groups:
            - name: scout-security
              rules:
                - alert: ScoutAuthFailures
                  expr: rate(scout_auth_failures_total[5m]) > 1
      `,
    },
    {
      name: "Prometheus and its rules in a monitoring namespace of their own cover the backend's instance",
      yaml: `${backend}
        ---
        ${inNamespace(prometheus, "monitoring")}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-rules, namespace: monitoring}
        data:
          security.rules.yml: |
            groups:
              - name: scout-security
                rules:
                  - alert: ScoutAuthFailures
                    expr: rate(scout_auth_failures_total[5m]) > 1
      `,
    },
    {
      name: "neither Prometheus nor the backend in the input: nothing to judge",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
      `,
    },
  ],
  invalid: [
    {
      name: "the metric's name only in a label value, a string or a comment of the expression",
      yaml: loading(
        "[security.rules.yml]",
        `'rate(scout_api_requests_total{reason="scout_auth_failures_total"}[5m]) > 1 # scout_auth_failures_total'`,
      ),
      errors: [{ messageId: "noAlert", line: 3, column: 12 }],
    },
    {
      name: "absent() fires when the series is missing, never on a burst of failures",
      yaml: loading("[security.rules.yml]", "absent(scout_auth_failures_total)"),
      errors: [{ messageId: "noAlert", line: 3, column: 12 }],
    },
    {
      name: "an expression Prometheus cannot parse: it refuses the rule file, and so to start",
      yaml: loading("[security.rules.yml]", "rate(scout_auth_failures_total[5m] > 1"),
      errors: [{ messageId: "refused", line: 38, column: 57 }],
    },
    {
      name: "a range function without a range does not parse either",
      yaml: loading("[security.rules.yml]", "rate(scout_auth_failures_total) > 1"),
      errors: [{ messageId: "refused", line: 38, column: 24 }],
    },
    {
      name: "an aggregation's argument after its by clause needs parentheses",
      yaml: loading("[security.rules.yml]", "sum by (pod) rate(scout_auth_failures_total[5m]) > 1"),
      errors: [{ messageId: "refused", line: 38, column: 32 }],
    },
    {
      name: "keep_firing_for on a recording rule: rulefmt refuses the group, so the alert on its series does not exist",
      yaml: `${prometheus}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: scout-security, namespace: scout}
        spec:
          groups:
            - name: scout-security
              rules:
                - record: scout:auth_failures:rate5m
                  expr: rate(scout_auth_failures_total[5m])
                  keep_firing_for: 10m
                - alert: ScoutAuthFailures
                  expr: scout:auth_failures:rate5m > 1
      `,
      errors: [{ messageId: "noAlert", line: 4, column: 3 }],
    },
    {
      name: "sum() over a range vector does not parse (only range functions take one)",
      yaml: loading("[security.rules.yml]", "sum(scout_auth_failures_total[5m]) > 1"),
      errors: [{ messageId: "refused", line: 38, column: 23 }],
    },
    {
      name: "two binary operators in a row do not parse",
      yaml: loading("[security.rules.yml]", "rate(scout_auth_failures_total[5m]) > > 1"),
      errors: [{ messageId: "refused", line: 38, column: 57 }],
    },
    {
      name: "scalar() of two arguments type-checks false: Prometheus refuses the file, the finding at the call",
      yaml: loading("[security.rules.yml]", "scalar(scout_auth_failures_total, up) > 1"),
      errors: [{ messageId: "refused", line: 38, column: 19 }],
    },
    {
      name: "a quoted expression: the finding at the offending token inside the quotes",
      yaml: loading("[security.rules.yml]", `"rate(scout_auth_failures_total) > 1"`),
      errors: [{ messageId: "refused", line: 38, column: 25 }],
    },
    {
      name: "offset after an aggregation: the finding at the aggregation",
      yaml: loading(
        "[security.rules.yml]",
        "sum(rate(scout_auth_failures_total[5m])) offset 1h > 1",
      ),
      errors: [{ messageId: "refused", line: 38, column: 19 }],
    },
    {
      name: "a template Go does not parse (an unknown function): rulefmt refuses the file",
      yaml: loading(
        "[security.rules.yml]",
        `${ALERT}\n                    annotations: {summary: '{{ humanise $value }}'}`,
      ),
      errors: [{ messageId: "refused", line: 39, column: 27 }],
    },
    {
      name: "a for duration with its units out of order does not parse",
      yaml: loading("[security.rules.yml]", `${ALERT}\n                    for: 1m1h`),
      errors: [{ messageId: "refused", line: 39, column: 13 }],
    },
    {
      name: "a PrometheusRule whose alert Prometheus refuses: the finding at the offending token of its expression",
      yaml: `${prometheus}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: scout-security, namespace: scout}
        spec:
          groups:
            - name: scout-security
              rules:
                - alert: ScoutAuthFailures
                  expr: |
                    sum(
                      rate(scout_auth_failures_total)
                    ) > 1
      `,
      errors: [{ messageId: "invalidRuleFile", line: 23, column: 20 }],
    },
    {
      name: "a key given twice in a rule: yaml.v3 refuses the rule file, so Prometheus does not start",
      yaml: loading("[security.rules.yml]", `${ALERT}\n                    expr: up`),
      errors: [{ messageId: "refused", line: 39, column: 13 }],
    },
    {
      name: "a rule file that is not YAML: Prometheus refuses it and does not start",
      yaml: loading("[security.rules.yml]", `"${ALERT}`),
      errors: [{ messageId: "refused", line: 33, column: 3 }],
    },
    {
      name: "an experimental function without the feature flag: Prometheus refuses the file",
      yaml: loading("[security.rules.yml]", "mad_over_time(scout_auth_failures_total[5m]) > 1"),
      errors: [{ messageId: "refused", line: 38, column: 19 }],
    },
    {
      name: "a PrometheusRule without the label the Prometheus resource's ruleSelector asks: the operator never loads it",
      yaml: operated(
        "{ruleSelector: {matchLabels: {release: monitoring}}, ruleNamespaceSelector: {}}",
        "{name: scout-security, namespace: scout, labels: {app: scout}}",
      ),
      errors: [{ messageId: "notLoaded", line: 20, column: 52 }],
    },
    {
      name: "a Prometheus resource without ruleSelector selects no PrometheusRule at all",
      yaml: operated("{ruleNamespaceSelector: {}}", "{name: scout-security, namespace: scout}"),
      errors: [{ messageId: "notLoaded", line: 20, column: 1 }],
    },
    {
      name: "a PrometheusRule outside the Prometheus resource's namespace, with no ruleNamespaceSelector",
      yaml: operated("{ruleSelector: {}}", "{name: scout-security, namespace: scout}"),
      errors: [{ messageId: "notLoaded", line: 20, column: 1 }],
    },
    {
      name: "an alert whose expression gives a range vector loads, but Prometheus fails it at every evaluation",
      yaml: loading("[security.rules.yml]", "rate(scout_auth_failures_total[5m])[10m:1m]"),
      errors: [{ messageId: "neverFires", line: 38, column: 13 }],
    },
    {
      name: "an alert on a misspelt metric: the finding is on the name in its expression",
      yaml: loading("[security.rules.yml]", "rate(scout_auth_fail_total[5m]) > 1"),
      errors: [{ messageId: "watchesOther", line: 38, column: 24 }],
    },
    {
      name: "a selected PrometheusRule on a renamed metric: the finding is on the name in its expression",
      yaml: operated(
        "{ruleSelector: {matchLabels: {release: monitoring}}, ruleNamespaceSelector: {}}",
        "{name: scout-security, namespace: scout, labels: {release: monitoring}}",
      ).replace(
        "rate(scout_auth_failures_total[5m]) > 1",
        "sum by (pod) (rate(scout_auth_failure_total[5m])) > 1",
      ),
      errors: [{ messageId: "watchesOther", line: 26, column: 36 }],
    },
    {
      name: "two instances without the alert: the typo is the finding of its own instance only (b's is on its Prometheus)",
      yaml: `${loading("[security.rules.yml]", "rate(scout_auth_fail_total[5m]) > 1").replaceAll("namespace: scout", "namespace: a")}
        ---
${loading("[security.rules.yml]", "rate(scout_api_requests_total[5m]) > 100").replaceAll("namespace: scout", "namespace: b")}`,
      errors: [
        { messageId: "watchesOther", line: 38, column: 24 },
        { messageId: "noAlert", line: 44, column: 12 },
      ],
    },
    {
      name: "an alert on an unrelated metric is no near miss: nothing alerts on the failures",
      yaml: loading("[security.rules.yml]", "rate(scout_api_requests_total[5m]) > 100"),
      errors: [{ messageId: "noAlert", line: 3, column: 12 }],
    },
    {
      name: "the rule file is mounted, but no rule_files entry reaches it",
      yaml: loading("[/etc/prometheus/rules/*.yml]", ALERT),
      errors: [{ messageId: "notLoaded", line: 26, column: 3 }],
    },
    {
      name: "the rule file's ConfigMap is not mounted in the Prometheus container",
      yaml: loading("[/etc/prometheus/security.rules.yml]", ALERT, "none"),
      errors: [{ messageId: "notLoaded", line: 12, column: 11 }],
    },
    {
      name: "*.yml reaches prometheus.yml itself, which rulefmt refuses: Prometheus does not start",
      yaml: loading("['/etc/prometheus/*.yml']", ALERT),
      errors: [{ messageId: "refused", line: 27, column: 5 }],
    },
    {
      name: "a misspelt top-level field (scrape_config): config.Load reads strictly and refuses the configuration",
      yaml: loading("[security.rules.yml]\n            scrape_config: []", ALERT),
      errors: [{ messageId: "refused", line: 26, column: 3 }],
    },
    {
      name: "a * in a folder of a rule_files entry: config.Load refuses the configuration",
      yaml: loading("['/etc/prometheus/*/security.rules.yml']", ALERT),
      errors: [{ messageId: "refused", line: 26, column: 3 }],
    },
    {
      name: "/etc/prometheus/* reaches the ConfigMap volume's ..data folder: Prometheus does not start",
      yaml: loading("['/etc/prometheus/*']", ALERT),
      errors: [{ messageId: "refused", line: 26, column: 3 }],
    },
    {
      name: "a shared Prometheus without the alert, two instances: one finding on it naming both",
      yaml: `${backend}
        ---
        ${inNamespace(backend, "staging")}
        ---
        ${inNamespace(prometheus, "monitoring")}
      `,
      errors: [
        {
          messageId: "noAlertShared",
          line: 30,
          column: 3,
          data: {
            metric: "scout_auth_failures_total",
            count: 2,
            instances: "scout, staging",
          },
        },
      ],
    },
    {
      name: "a shared Prometheus without the alert: one finding on it for the backend's instance",
      yaml: `${backend}
        ---
        ${inNamespace(prometheus, "monitoring")}
      `,
      errors: [
        {
          messageId: "noAlert",
          line: 17,
          column: 3,
          data: { metric: "scout_auth_failures_total", instance: "scout" },
        },
      ],
    },
    {
      name: "the alert of the staging instance does not watch production",
      yaml: `${inNamespace(prometheus, "staging")}
        ---
        ${inNamespace(prometheus, "production")}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: scout-security, namespace: staging}
        spec:
          groups:
            - name: scout-security
              rules:
                - alert: ScoutAuthFailures
                  expr: rate(scout_auth_failures_total[5m]) > 1
      `,
      errors: [
        {
          messageId: "noAlert",
          line: 17,
          column: 3,
          data: { metric: "scout_auth_failures_total", instance: "production" },
        },
      ],
    },
    {
      name: "index.docker.io/prom/prometheus is the official image (the kubelet pulls docker.io/prom/prometheus): it reads /etc/prometheus/prometheus.yml",
      yaml: loading("[/etc/prometheus/rules/*.yml]", ALERT).replace(
        "image: prom/prometheus:v3.5.0\n                  args: [--config.file=/etc/prometheus/prometheus.yml]",
        "image: index.docker.io/prom/prometheus:v3.5.0",
      ),
      errors: [{ messageId: "notLoaded", line: 25, column: 3 }],
    },
    {
      name: "Prometheus without the alert; a recording rule does not count",
      yaml: `${prometheus}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: recordings, namespace: scout}
        spec:
          groups:
            - name: rec
              rules:
                - record: scout:auth_failures:rate5m
                  expr: rate(scout_auth_failures_total[5m])
      `,
      errors: [
        {
          messageId: "noAlert",
          line: 4,
          column: 3,
          data: { metric: "scout_auth_failures_total", instance: "scout" },
        },
      ],
    },
    {
      name: "a commented-out alert, an alert on a metric that only starts alike, an alert without expr",
      yaml: `${prometheus}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-rules, namespace: scout}
        data:
          security.rules.yml: |
            groups:
              - name: security
                rules:
                  # - alert: ScoutAuthFailures
                  #   expr: rate(scout_auth_failures_total[5m]) > 1
                  - alert: Other
                    expr: rate(scout_auth_failures_total_bucket[5m]) > 1
                  - alert: Empty
                    annotations: {summary: scout_auth_failures_total}
      `,
      errors: [{ messageId: "noAlert", line: 4, column: 3 }],
    },
  ],
});
