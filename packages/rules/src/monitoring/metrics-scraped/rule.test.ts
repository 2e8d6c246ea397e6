import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { metricsScraped } from "./rule.js";

const backend = (annotations = "") => `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata:
              labels: {app.kubernetes.io/component: backend}${annotations}
            spec:
              containers: [{name: api, ports: [{name: http, containerPort: 8000}]}]
`;

new RuleTester({ describe, it }).run(metricsScraped, {
  valid: [
    {
      name: "a kubernetes_sd_config with an empty namespaces.names watches every namespace",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config, namespace: monitoring}
        data:
          prometheus.yml: |
            scrape_configs:
              - job_name: pods
                kubernetes_sd_configs: [{role: pod, namespaces: {names: []}}]
      `,
    },
    {
      name: "a ServiceMonitor whose namespaceSelector lists no name looks in its own namespace",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout, labels: {app: scout-backend}}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: http, port: 8000}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          namespaceSelector: {any: false, matchNames: []}
          selector: {matchLabels: {app: scout-backend}}
          endpoints: [{port: http}]
      `,
    },
    {
      name: "scrape annotations on the pod template",
      yaml: backend(
        `\n              annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8000"}`,
      ),
    },
    {
      name: "a ServiceMonitor selecting the backend's Service on the port that reaches 8000",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout, labels: {app.kubernetes.io/component: backend}}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: http, port: 80, targetPort: 8000}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {app.kubernetes.io/component: backend}}
          endpoints: [{port: http}]
      `,
    },
    {
      name: "a ServiceMonitor on a Service port whose named targetPort resolves to 8000 on the pod",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout, labels: {app.kubernetes.io/component: backend}}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: web, port: 80, targetPort: http}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {app.kubernetes.io/component: backend}}
          endpoints: [{port: web}]
      `,
    },
    {
      name: "a Prometheus scrape config naming backend:8000",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config, namespace: scout}
        data:
          prometheus.yml: |
            scrape_configs:
              - job_name: scout-backend
                static_configs:
                  - targets: ["backend.scout.svc:8000"]
      `,
    },
    {
      name: "a bare backend:8000 target resolves in the scrape config's own namespace",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config, namespace: scout}
        data:
          prometheus.yml: |
            scrape_configs:
              - job_name: scout-backend
                static_configs:
                  - targets: ["scout-backend:8000"]
      `,
    },
    {
      name: "no backend identified: nothing to judge",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec: {template: {spec: {containers: [{name: api}]}}}
      `,
    },
    {
      name: "a kubernetes_sd pod job whose relabel rules keep the backend's port 8000",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config, namespace: scout}
        data:
          prometheus.yml: |
            scrape_configs:
              - job_name: scout-pods
                kubernetes_sd_configs: [{role: pod, namespaces: {names: [scout]}}]
                relabel_configs:
                  - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_component]
                    regex: backend|frontend
                    action: keep
                  - source_labels: [__meta_kubernetes_pod_container_port_name]
                    regex: http
                    action: keep
      `,
    },
    {
      name: "a PodMonitor on the named port that resolves to 8000",
      yaml: `${backend()}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PodMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {app.kubernetes.io/component: backend}}
          podMetricsEndpoints: [{port: http}]
      `,
    },
    {
      name: "a ServiceMonitor in the monitoring namespace that selects the Scout namespace",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout, labels: {app.kubernetes.io/component: backend}}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: http, port: 80, targetPort: 8000}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: backend, namespace: monitoring}
        spec:
          namespaceSelector: {matchNames: [scout]}
          selector: {matchLabels: {app.kubernetes.io/component: backend}}
          endpoints: [{port: http}]
      `,
    },
  ],
  invalid: [
    {
      name: "own_namespace with no names watches only Prometheus' own namespace",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config, namespace: monitoring}
        data:
          prometheus.yml: |
            scrape_configs:
              - job_name: pods
                kubernetes_sd_configs: [{role: pod, namespaces: {own_namespace: true}}]
      `,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a scrape config and a ServiceMonitor without a namespace are in default: a bare host there is not the Scout backend",
      settings: { namespace: "scout" },
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout, labels: {app: scout-backend}}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: http, port: 8000}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config}
        data:
          prometheus.yml: |
            scrape_configs:
              - job_name: scout-backend
                static_configs:
                  - targets: ["backend:8000"]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: backend}
        spec:
          selector: {matchLabels: {app: scout-backend}}
          endpoints: [{port: http}]
      `,
      errors: [
        {
          messageId: "notScraped",
          line: 6,
          column: 5,
          data: { name: "backend", instance: "scout", port: 8000 },
        },
      ],
    },
    {
      name: "a central scrape config that names the staging backend only leaves production unscraped",
      yaml: `${backend().replace("namespace: scout", "namespace: staging")}
        ---
        ${backend().replace("namespace: scout", "namespace: production")}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config, namespace: monitoring}
        data:
          prometheus.yml: |
            scrape_configs:
              - job_name: scout-backend
                static_configs:
                  - targets: ["backend.staging.svc.cluster.local:8000", "backend:8000"]
      `,
      errors: [
        {
          messageId: "notScraped",
          line: 18,
          column: 5,
          data: { name: "backend", instance: "production", port: 8000 },
        },
      ],
    },
    {
      name: "nothing scrapes the backend; a ServiceMonitor on the wrong port does not count",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout, labels: {app: scout-backend}}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: http, port: 8000}, {name: debug, port: 9000}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {app: scout-backend}}
          endpoints: [{port: debug}]
      `,
      errors: [
        {
          messageId: "notScraped",
          line: 6,
          column: 5,
          data: { name: "backend", instance: "scout", port: 8000 },
        },
      ],
    },
    {
      name: "a Service annotated with its own port: the endpoints job puts the annotation on the pod's address",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: backend
          namespace: scout
          annotations: {prometheus.io/scrape: "true", prometheus.io/port: "80"}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{port: 80, targetPort: 8000}]
      `,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "annotated on the wrong port",
      yaml: backend(
        `\n              annotations:\n                prometheus.io/scrape: "true"\n                prometheus.io/port: "9090"`,
      ),
      errors: [
        {
          messageId: "wrongPort",
          line: 10,
          column: 9,
          data: { name: "backend", instance: "scout", actual: "9090", port: 8000 },
        },
      ],
    },
    {
      name: "a commented-out job, a job in another namespace, a job whose relabelling drops 8000, a PodMonitor on a missing port",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config, namespace: scout}
        data:
          prometheus.yml: |
            scrape_configs:
              # - job_name: scout-backend
              #   static_configs:
              #     - targets: ["backend.scout.svc:8000"]
              - job_name: elsewhere
                kubernetes_sd_configs: [{role: pod, namespaces: {names: [monitoring]}}]
              - job_name: scout-pods
                kubernetes_sd_configs: [{role: endpoints}]
                relabel_configs:
                  - source_labels: [__address__]
                    regex: ".*:8000"
                    action: drop
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PodMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {app.kubernetes.io/component: backend}}
          podMetricsEndpoints: [{port: metrics}]
      `,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a static target on a Service port that does not reach 8000",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: scout}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: http, port: 80, targetPort: 8000}, {name: admin, port: 8000, targetPort: 9000}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: prometheus-config, namespace: scout}
        data:
          prometheus.yml: |
            scrape_configs:
              - job_name: scout-backend
                static_configs: [{targets: ["api.scout.svc:8000"]}]
      `,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a ServiceMonitor in another namespace without a namespaceSelector for the backend's",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout, labels: {app.kubernetes.io/component: backend}}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: http, port: 80, targetPort: 8000}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: backend, namespace: monitoring}
        spec:
          namespaceSelector: {matchNames: [staging]}
          selector: {matchLabels: {app.kubernetes.io/component: backend}}
          endpoints: [{port: http}]
      `,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
  ],
});
