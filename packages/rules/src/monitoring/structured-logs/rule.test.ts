import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { structuredLogs } from "./rule.js";

const NGINX_CONFIG = (logging: string) => `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: nginx-config}
        data:
          nginx.conf: |
            http {
${logging}
            }
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: nginx}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: nginx}}
            spec:
              containers:
                - name: nginx
                  volumeMounts: [{name: config, mountPath: /etc/nginx}]
              volumes: [{name: config, configMap: {name: nginx-config}}]
`;

new RuleTester({ describe, it }).run(structuredLogs, {
  valid: [
    {
      name: "the backend logs JSON, Prometheus too, and a workload that is no Scout component is not judged",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              containers:
                - name: api
                  env: [{name: SCOUT_LOG_FORMAT, value: JSON}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: prometheus}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: prometheus}}
            spec:
              containers:
                - name: prometheus
                  args: [--config.file=/etc/prometheus/prometheus.yml, --log.format, json]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: other}
        spec:
          template:
            metadata: {labels: {app: other}}
            spec:
              containers:
                - name: other
                  env: [{name: SCOUT_LOG_FORMAT, value: text}]
      `,
    },
    {
      name: "nginx writes with a log_format declared escape=json (its string holds braces and semicolons); access_log off",
      yaml: NGINX_CONFIG(`              log_format main escape=json '{"time":"$time_iso8601";"status":$status}';
              access_log /dev/stdout main buffer=32k;
              server { location /healthz { access_log off; } }`),
    },
    {
      name: "no setting at all: the app's own default is not judged",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              containers: [{name: api}]
      `,
    },
  ],
  invalid: [
    {
      name: "one ConfigMap that two nginx workloads mount: one finding on it",
      yaml: `${NGINX_CONFIG("              access_log /dev/stdout combined;")}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: nginx-canary}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: nginx}}
            spec:
              containers:
                - name: nginx
                  volumeMounts: [{name: config, mountPath: /etc/nginx}]
              volumes: [{name: config, projected: {sources: [{configMap: {name: nginx-config}}]}}]
`,
      errors: [
        {
          messageId: "nginxText",
          line: 5,
          column: 3,
          data: { format: "combined", configMap: "nginx-config", key: "nginx.conf" },
        },
      ],
    },
    {
      name: "SCOUT_LOG_FORMAT=text on the backend; the last entry of a name is the one the container gets",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              containers:
                - name: api
                  env:
                    - {name: SCOUT_LOG_FORMAT, value: json}
                    - {name: SCOUT_LOG_FORMAT, value: text}
      `,
      errors: [
        {
          messageId: "appText",
          line: 12,
          column: 40,
          data: { container: "api", format: "text" },
        },
      ],
    },
    {
      name: "Prometheus --log.format=logfmt (also its default, when the flag is absent, is not judged)",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: prometheus}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: prometheus}}
            spec:
              containers:
                - name: prometheus
                  args:
                    - --config.file=/etc/prometheus/prometheus.yml
                    - --log.format=logfmt
      `,
      errors: [
        {
          messageId: "prometheusText",
          line: 12,
          column: 15,
          data: { container: "prometheus", format: "logfmt" },
        },
      ],
    },
    {
      name: "nginx access_log without a format writes combined; a commented-out JSON format does not count",
      yaml: NGINX_CONFIG(`              # log_format combined escape=json '{}';
              access_log /dev/stdout;`),
      errors: [
        {
          messageId: "nginxText",
          line: 5,
          column: 3,
          data: { format: "combined", configMap: "nginx-config", key: "nginx.conf" },
        },
      ],
    },
  ],
});
