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

new RuleTester({ describe, it }).run(securityAlerts, {
  valid: [
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
