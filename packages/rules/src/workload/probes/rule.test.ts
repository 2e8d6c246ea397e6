import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { probes } from "./rule.js";

new RuleTester({ describe, it }).run(probes, {
  valid: [
    containersThatSayNothing,
    {
      name: "the backend probes /docs on 8000 (by name), an init container needs none",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata:
              labels: {app.kubernetes.io/component: backend}
            spec:
              initContainers: [{name: migrate}]
              containers:
                - name: api
                  ports: [{name: http, containerPort: 8000}]
                  livenessProbe: {httpGet: {path: /docs, port: http}}
                  readinessProbe: {httpGet: {path: /docs, port: 8000}}
      `,
    },
    {
      name: "Jobs, CronJobs and bare Pods that do not restart are not long-running",
      yaml: `
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec: {template: {spec: {containers: [{name: a}]}}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: once}
        spec:
          restartPolicy: Never
          containers: [{name: a}]
        ---
        apiVersion: keda.sh/v1alpha1
        kind: ScaledJob
        metadata: {name: worker}
        spec:
          jobTargetRef:
            template:
              spec:
                restartPolicy: OnFailure
                containers: [{name: a}]
      `,
    },
    {
      name: "other components may probe anything",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis, labels: {app: redis}}
        spec:
          template:
            spec:
              containers:
                - name: redis
                  livenessProbe: {exec: {command: [redis-cli, ping]}}
                  readinessProbe: {tcpSocket: {port: 6379}}
      `,
    },
    {
      name: "a query string is sent along to the same /docs endpoint",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata:
              labels: {app.kubernetes.io/component: backend}
            spec:
              containers:
                - name: api
                  ports: [{name: http, containerPort: 8000}]
                  livenessProbe: {httpGet: {path: "/docs?probe=live", port: http}}
                  readinessProbe: {httpGet: {path: /docs, port: 8000}}
      `,
    },
  ],
  invalid: [
    {
      name: "no probes on a Deployment's container and on a sidecar init container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              initContainers:
                - name: proxy
                  restartPolicy: Always
              containers:
                - name: web
                  readinessProbe: {httpGet: {path: /, port: 3000}}
      `,
      errors: [
        { messageId: "noLiveness", line: 8, column: 11, data: { container: "proxy" } },
        { messageId: "noReadiness", line: 8, column: 11, data: { container: "proxy" } },
        { messageId: "noLiveness", line: 11, column: 11, data: { container: "web" } },
      ],
    },
    {
      name: "the backend probes the wrong path, and a tcpSocket that only shows the port is open",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata:
              labels: {app.kubernetes.io/component: backend}
            spec:
              containers:
                - name: api
                  ports: [{containerPort: 8000}]
                  livenessProbe:
                    httpGet:
                      path: /healthz
                      port: 8000
                  readinessProbe:
                    tcpSocket: {port: 8000}
      `,
      errors: [
        {
          messageId: "backendPath",
          line: 14,
          column: 15,
          data: { probe: "livenessProbe", actual: "/healthz", expected: "/docs" },
        },
        {
          messageId: "notHttpGet",
          line: 17,
          column: 13,
          data: { probe: "readinessProbe", kind: "tcpSocket", expected: "/docs" },
        },
      ],
    },
    {
      name: "the backend's port resolves to the wrong number; options change the expected path",
      options: { backendPath: "/health" },
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata:
              labels: {app: backend}
            spec:
              containers:
                - name: api
                  ports: [{name: admin, containerPort: 9000}]
                  livenessProbe: {httpGet: {path: /health, port: 8000}}
                  readinessProbe: {httpGet: {path: /health, port: admin}}
      `,
      errors: [
        {
          messageId: "backendPort",
          line: 13,
          column: 53,
          data: { probe: "readinessProbe", actual: "admin", expected: 8000 },
        },
      ],
    },
    {
      name: "an exec probe, and an httpGet that asks another host on a named port of another container",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: backend}
        spec:
          template:
            metadata:
              labels: {app: backend}
            spec:
              containers:
                - name: api
                  ports: [{name: http, containerPort: 8000}]
                  livenessProbe:
                    exec: {command: [cat, /tmp/healthy]}
                  readinessProbe:
                    httpGet: {path: /docs, port: metrics, host: status.example.com}
                - name: exporter
                  ports: [{name: metrics, containerPort: 9100}]
                  livenessProbe: {tcpSocket: {port: 9100}}
                  readinessProbe: {tcpSocket: {port: 9100}}
      `,
      errors: [
        {
          messageId: "notHttpGet",
          line: 13,
          column: 13,
          data: { probe: "livenessProbe", kind: "exec", expected: "/docs" },
        },
        {
          messageId: "backendPort",
          line: 15,
          column: 36,
          data: { probe: "readinessProbe", actual: "metrics", expected: 8000 },
        },
      ],
    },
    {
      name: 'port "8000" quoted is a port name to the API server, which refuses it (a name needs a letter)',
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata:
              labels: {app.kubernetes.io/component: backend}
            spec:
              containers:
                - name: api
                  ports: [{name: http, containerPort: 8000}]
                  startupProbe: {tcpSocket: {port: "8000"}}
                  livenessProbe: {httpGet: {path: /docs, port: "8000"}}
                  readinessProbe: {httpGet: {path: /docs, port: http}}
      `,
      errors: [
        {
          messageId: "portNameOfDigits",
          line: 12,
          column: 38,
          data: { container: "api", probe: "startupProbe", port: "8000" },
        },
        {
          messageId: "portNameOfDigits",
          line: 13,
          column: 50,
          data: { container: "api", probe: "livenessProbe", port: "8000" },
        },
      ],
    },
    {
      name: "a probe needs exactly one handler: none, or two, and the API server refuses the pod",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis}
        spec:
          template:
            spec:
              containers:
                - name: redis
                  livenessProbe: {periodSeconds: 10}
                  readinessProbe: {tcpSocket: {port: 6379}, exec: {command: [redis-cli, ping]}}
      `,
      errors: [
        {
          messageId: "noHandler",
          line: 9,
          column: 11,
          data: { container: "redis", probe: "livenessProbe", handlers: "" },
        },
        {
          messageId: "manyHandlers",
          line: 10,
          column: 11,
          data: { container: "redis", probe: "readinessProbe", handlers: "exec, tcpSocket" },
        },
      ],
    },
    {
      name: "restartPolicy: Never on a Deployment's template is refused, not a way out of the probes",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: web, readinessProbe: {tcpSocket: {port: 80}}}]
      `,
      errors: [{ messageId: "noLiveness", line: 8, column: 20, data: { container: "web" } }],
    },
  ],
});
