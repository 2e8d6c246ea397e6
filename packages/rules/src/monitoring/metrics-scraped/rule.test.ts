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

/** A pod-role job keeping the targets whose pod name matches `regex` on port 8000. */
const podNameJob = (regex: string) => `
              - job_name: by-pod-name
                kubernetes_sd_configs: [{role: pod}]
                relabel_configs:
                  - {source_labels: [__meta_kubernetes_pod_name], action: keep, regex: "${regex}"}
                  - {source_labels: [__meta_kubernetes_pod_container_port_number], action: keep, regex: "8000"}`;

/** The backend as a StatefulSet of `replicas` pods. */
const backendStatefulSet = (replicas: number) =>
  backend()
    .replace("kind: Deployment", "kind: StatefulSet")
    .replace(
      "spec:\n          template:",
      `spec:\n          replicas: ${replicas}\n          template:`,
    );

/** A Prometheus of the official image that reads /etc/prometheus/prometheus.yml from the ConfigMap prometheus-config. */
const prometheusReading = (scrapeConfigs: string, configMap = "prometheus-config") => `
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
                  volumeMounts: [{name: config, mountPath: /etc/prometheus}]
              volumes: [{name: config, configMap: {name: prometheus-config}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: http, port: 8000, targetPort: http}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: ${configMap}, namespace: scout}
        data:
          prometheus.yml: |
            scrape_configs:${scrapeConfigs}
`;

/** The backend's Service, a ServiceMonitor on it, and a Prometheus of the operator selecting monitors by `selector`. */
const operatorSetup = (
  monitorLabels: string,
  selector = "{matchLabels: {release: kps}}",
) => `${backend()}
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
        metadata: {name: backend, namespace: scout${monitorLabels}}
        spec:
          selector: {matchLabels: {app.kubernetes.io/component: backend}}
          endpoints: [{port: http}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata: {name: kps, namespace: scout}
        spec:
          serviceMonitorSelector: ${selector}
`;

/** The backend, its Service (port 80 to 8000) and a ServiceMonitor with `selector` on port http. */
const serviceMonitorOnBackend = (selector: string) => `${backend()}
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
          selector: ${selector}
          endpoints: [{port: http}]
      `;

const ANNOTATED = `\n              annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8000"}`;
const ANNOTATIONS_JOB = `
              - job_name: pods
                kubernetes_sd_configs: [{role: pod}]
                relabel_configs:
                  - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], action: keep, regex: "true"}
                  - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path], target_label: __metrics_path__, regex: (.+)}
                  - {source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port], regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: $1:$2, target_label: __address__}`;
const headlessDnsJob = (port: number) => `
              - job_name: dns
                dns_sd_configs: [{names: [backend-metrics.scout.svc], type: A, port: ${port}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend-metrics, namespace: scout}
        spec:
          clusterIP: None
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: http, port: 80, targetPort: 8000}]`;
const staticJob = (target: string, path = "") => `
              - job_name: static${path ? `\n                metrics_path: ${path}` : ""}
                static_configs: [{targets: ["${target}"]}]`;

new RuleTester({ describe, it }).run(metricsScraped, {
  valid: [
    {
      name: "a dns_sd A query of a headless Service: its name resolves to the pods, asked on 8000",
      yaml: `${backend()}\n        ---\n${prometheusReading(headlessDnsJob(8000))}`,
    },
    {
      name: "a relabel rule keeping a StatefulSet's pods by name reads redis-0 style names, not the object's",
      yaml: `${backendStatefulSet(2)}\n        ---\n${prometheusReading(podNameJob("backend-0|backend-1"))}`,
    },
    {
      name: "a Deployment's pods are named backend-<hash>-<suffix>: backend-.* keeps every one of them",
      yaml: `${backend()}\n        ---\n${prometheusReading(podNameJob("backend-.+-[a-z0-9]{5}"))}`,
    },
    {
      name: "an endpoints job also finds the pod's container ports no Service port lands on",
      yaml: `${backend()}\n        ---\n${prometheusReading(`
              - job_name: endpoints
                kubernetes_sd_configs: [{role: endpoints}]
                relabel_configs:
                  - {source_labels: [__meta_kubernetes_service_name, __meta_kubernetes_endpoint_port_name], action: keep, regex: "backend-metrics;"}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend-metrics, namespace: scout}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: other, port: 80, targetPort: 9999}]`)}`,
    },
    {
      name: "a lowercase action before the keep: TRUE is true",
      yaml: `${backend(`\n              annotations: {prometheus.io/scrape: "TRUE"}`)}\n        ---\n${prometheusReading(`
              - job_name: pods
                kubernetes_sd_configs: [{role: pod}]
                relabel_configs:
                  - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], action: lowercase, target_label: __tmp_scrape}
                  - {source_labels: [__tmp_scrape], action: keep, regex: "true"}`)}`,
    },
    {
      name: "the Prometheus of the input loads a job that honours the pod's scrape annotations",
      yaml: `${backend(ANNOTATED)}\n        ---\n${prometheusReading(ANNOTATIONS_JOB)}`,
    },
    {
      name: "annotated for 9000, but the loaded configuration scrapes backend.scout.svc:8000 (nothing reads the annotations)",
      yaml: `${backend(`\n              annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9000"}`)}\n        ---\n${prometheusReading(staticJob("backend.scout.svc:8000"))}`,
    },
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
      name: "a ServiceMonitor the operator's Prometheus selects by its release label",
      yaml: operatorSetup(", labels: {release: kps}"),
    },
    {
      name: "a ServiceMonitor selecting the backend's Service on the port that reaches 8000",
      yaml: serviceMonitorOnBackend("{matchLabels: {app.kubernetes.io/component: backend}}"),
    },
    {
      name: "a ServiceMonitor selecting the backend's Service by matchExpressions (In)",
      yaml: serviceMonitorOnBackend(
        "{matchExpressions: [{key: app.kubernetes.io/component, operator: In, values: [api, backend]}]}",
      ),
    },
    {
      name: "a ServiceMonitor with an empty selector: the operator keeps every Service of its namespace",
      yaml: serviceMonitorOnBackend("{}"),
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
    {
      name: "a PodMonitor selecting the backend StatefulSet's one pod by the pod-name label its controller sets",
      yaml: `${backend().replace("kind: Deployment", "kind: StatefulSet")}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PodMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {statefulset.kubernetes.io/pod-name: backend-0}}
          podMetricsEndpoints: [{port: http}]
      `,
    },
  ],
  invalid: [
    {
      name: "a PodMonitor selecting the backend by its pod-template-hash may scrape it or not",
      yaml: `${backend()}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PodMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {app.kubernetes.io/component: backend, pod-template-hash: 5d8f7c9b64}}
          podMetricsEndpoints: [{port: http}]
      `,
      errors: [
        {
          messageId: "mayNotBeScraped",
          line: 6,
          column: 5,
          data: {
            name: "backend",
            instance: "scout",
            port: 8000,
            why: "whether PodMonitor backend selects its pods: its selector compares the label pod-template-hash, whose value no manifest can know (the Deployment controller sets it to a hash of the pod template, a new one at every rollout)",
          },
        },
      ],
    },
    {
      name: "a relabel rule keeping the pod named backend: no pod of the Deployment is called that",
      yaml: `${backend()}\n        ---\n${prometheusReading(podNameJob("backend"))}`,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a relabel rule keeping only backend-0 leaves the StatefulSet's second pod unscraped",
      yaml: `${backendStatefulSet(2)}\n        ---\n${prometheusReading(podNameJob("backend-0"))}`,
      errors: [{ messageId: "notScraped", line: 7, column: 5 }],
    },
    {
      name: "a relabel rule on one pod-template-hash: whether it keeps the pods depends on the name the cluster chooses",
      yaml: `${backend()}\n        ---\n${prometheusReading(podNameJob("backend-5d8f.*"))}`,
      errors: [
        {
          messageId: "mayNotBeScraped",
          line: 6,
          column: 5,
          data: {
            name: "backend",
            instance: "scout",
            port: 8000,
            why: "the pod's name, which the cluster chooses (backend-<pod-template-hash>-<5 random characters>), as a relabel rule on __meta_kubernetes_pod_name reads it",
          },
        },
      ],
    },
    {
      name: "a ServiceMonitor on a Service whose selector pins the pod-template-hash may scrape the backend or not",
      yaml: serviceMonitorOnBackend(
        "{matchLabels: {app.kubernetes.io/component: backend}}",
      ).replace(
        "          selector: {app.kubernetes.io/component: backend}\n          ports: [{name: http, port: 80",
        "          selector: {app.kubernetes.io/component: backend, pod-template-hash: 5d8f7c9b64}\n          ports: [{name: http, port: 80",
      ),
      errors: [
        {
          messageId: "mayNotBeScraped",
          line: 6,
          column: 5,
          data: {
            name: "backend",
            instance: "scout",
            port: 8000,
            why: 'whether Service "backend" selects its pods: its selector compares the label pod-template-hash, whose value no manifest can know (the Deployment controller sets it to a hash of the pod template, a new one at every rollout)',
          },
        },
      ],
    },
    {
      name: "a PodMonitor selecting one pod of a backend StatefulSet of two leaves the other unscraped",
      yaml: `${backend().replace("kind: Deployment", "kind: StatefulSet").replace("spec:\n", "spec:\n          replicas: 2\n")}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PodMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {statefulset.kubernetes.io/pod-name: backend-0}}
          podMetricsEndpoints: [{port: http}]
      `,
      errors: [{ messageId: "notScraped", line: 7, column: 5 }],
    },
    {
      name: "a ServiceMonitor without the label the operator's Prometheus selects: on its labels",
      yaml: operatorSetup(", labels: {app: scout}"),
      errors: [
        {
          messageId: "monitorNotSelected",
          line: 21,
          column: 45,
          data: {
            monitor: "ServiceMonitor backend",
            name: "backend",
            instance: "scout",
            port: 8000,
            why: "the Prometheus kps selects ServiceMonitors labelled release=kps (spec.serviceMonitorSelector)",
          },
        },
      ],
    },
    {
      name: "a Prometheus of the operator with no serviceMonitorSelector reads no ServiceMonitor",
      yaml: operatorSetup("", "null"),
      errors: [
        {
          messageId: "monitorNotSelected",
          line: 21,
          column: 1,
          data: {
            monitor: "ServiceMonitor backend",
            name: "backend",
            instance: "scout",
            port: 8000,
            why: "the Prometheus kps has no spec.serviceMonitorSelector, so it selects no ServiceMonitors",
          },
        },
      ],
    },
    {
      name: "a ServiceMonitor on a TCP Service port whose named targetPort the pod declares only for UDP: no endpoint on that port",
      yaml: `${backend().replace("{name: http, containerPort: 8000}", "{name: http, containerPort: 8000, protocol: UDP}")}
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
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a ServiceMonitor whose matchExpressions leave the backend's Service out (NotIn)",
      yaml: serviceMonitorOnBackend(
        "{matchExpressions: [{key: app.kubernetes.io/component, operator: NotIn, values: [backend]}]}",
      ),
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a ServiceMonitor on an ExternalName Service with the backend's selector: it has no endpoints",
      yaml: `${backend()}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout, labels: {app.kubernetes.io/component: backend}}
        spec:
          type: ExternalName
          externalName: backend.example.com
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: web, port: 80, targetPort: 8000}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {app.kubernetes.io/component: backend}}
          endpoints: [{port: web}]
      `,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "keepequal: the container port must equal the annotated one (9000)",
      yaml: `${backend(`\n              annotations: {prometheus.io/port: "9000"}`)}\n        ---\n${prometheusReading(`
              - job_name: pods
                kubernetes_sd_configs: [{role: pod}]
                relabel_configs:
                  - {source_labels: [__meta_kubernetes_pod_container_port_number], action: keepequal, target_label: __meta_kubernetes_pod_annotation_prometheus_io_port}`)}`,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a dns_sd A query of a headless Service on its Service port 80: the pods do not listen there, so the finding is on that port",
      yaml: `${backend()}\n        ---\n${prometheusReading(headlessDnsJob(80))}`,
      errors: [{ messageId: "targetMisses", line: 40, column: 72 }],
    },
    {
      name: "a target list written as a block, the Service asked on a port it does not have: the finding is on that target",
      yaml: `${backend()}\n        ---\n${prometheusReading(`
              - job_name: scout-backend
                static_configs:
                  - targets:
                      - prometheus.scout.svc:9090
                      - backend.scout.svc:8001`)}`,
      errors: [{ messageId: "targetMisses", line: 43, column: 17 }],
    },
    {
      name: "no port of the Service the target names reaches 8000: the target is not what to change, the finding stays on the backend",
      yaml: `${backend()}\n        ---\n${prometheusReading(staticJob("backend.scout.svc:8000")).replace("targetPort: http", "targetPort: 8080")}`,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a relabel rule that drops the backend's target is no near miss: the finding stays on the backend",
      yaml: `${backend()}\n        ---\n${prometheusReading(`
              - job_name: scout-backend
                static_configs: [{targets: [backend.scout.svc:8001]}]
                relabel_configs: [{source_labels: [__address__], regex: "backend.*", action: drop}]`)}`,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "annotated, but the Prometheus of the input loads no job that reads annotations",
      yaml: `${backend(ANNOTATED)}\n        ---\n${prometheusReading(staticJob("frontend.scout.svc:3000"))}`,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a scrape job in a ConfigMap that the Prometheus of the input does not mount",
      yaml: `${backend()}\n        ---\n${prometheusReading(" []")}\n        ---\n${prometheusReading(staticJob("backend.scout.svc:8000"), "prometheus-extra").split("---").pop()}`,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a static job on :8000 asks /stats (metrics_path), not /metrics: the finding is on metrics_path",
      yaml: `${backend()}\n        ---\n${prometheusReading(staticJob("backend.scout.svc:8000", "/stats"))}`,
      errors: [{ messageId: "targetMisses", line: 40, column: 9 }],
    },
    {
      name: "the annotations job takes __metrics_path__ from prometheus.io/path: /stats",
      yaml: `${backend(`\n              annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8000", prometheus.io/path: /stats}`)}\n        ---\n${prometheusReading(ANNOTATIONS_JOB)}`,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
    {
      name: "a host that only says backend is no Service of the input (which has one selecting the backend)",
      yaml: `${backend()}\n        ---\n${prometheusReading(staticJob("backend-metrics.scout.svc:8000"))}`,
      errors: [{ messageId: "notScraped", line: 6, column: 5 }],
    },
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
      name: "a static target on a Service port that does not reach 8000: the finding is on the target",
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
      errors: [{ messageId: "targetMisses", line: 26, column: 37 }],
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
