import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { apiAuth } from "./rule.js";

new RuleTester({ describe, it }).run(apiAuth, {
  valid: [
    {
      name: "SCOUT_PROTECTED_API true, an API password and the token from a Secret",
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
                    - {name: SCOUT_PROTECTED_API, value: "true"}
                    - {name: API_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: api-password}}}
      `,
    },
    {
      name: "the backend reads its token with secretKeyRef",
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
                    - name: API_TOKEN
                      valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}
      `,
    },
    {
      name: "the backend mounts the Secret, or takes it with envFrom",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, labels: {app: backend}}
        spec:
          template:
            spec:
              volumes: [{name: token, secret: {secretName: scout-secrets}}]
              containers:
                - name: api
                  volumeMounts: [{name: token, mountPath: /run/secrets/scout, readOnly: true}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: backend-2}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers: [{name: api, envFrom: [{secretRef: {name: scout-secrets}}]}]
      `,
    },
    {
      name: "workloads that are not the backend are not judged",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend}
        spec:
          template:
            metadata: {labels: {app: frontend}}
            spec: {containers: [{name: web}]}
      `,
    },
    {
      name: "envFrom a Secret of the input whose key makes an API token variable (with a prefix)",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data: {TOKEN: YQ==}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              containers: [{name: api, envFrom: [{prefix: API_, secretRef: {name: scout-secrets}}]}]
      `,
    },
    {
      name: "$(RAW) of an earlier secretKeyRef is the Secret's token, whatever RAW is called",
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
                    - {name: RAW, valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}}
                    - {name: API_TOKEN, value: $(RAW)}
      `,
    },
  ],
  invalid: [
    {
      name: "SCOUT_PROTECTED_API false and no token: one finding, the API has no token",
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
                  env: [{name: SCOUT_PROTECTED_API, value: "false"}]
      `,
      errors: [
        { messageId: "noToken", line: 9, column: 11, data: { workload: "Deployment backend" } },
      ],
    },
    {
      name: "another service's login password (SMTP_PASSWORD) is no API token",
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
                    - {name: SMTP_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: smtp-password}}}
                    - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: db-password}}}
      `,
      errors: [
        { messageId: "noToken", line: 9, column: 11, data: { workload: "Deployment backend" } },
      ],
    },
    {
      name: "SCOUT_PROTECTED_API false turns the token check off, whatever token the pod holds",
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
                    - {name: SCOUT_PROTECTED_API, value: "Off"}
                    - {name: SCOUT_AUTH_TOKEN, valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}}
      `,
      errors: [
        {
          messageId: "protectionOff",
          line: 11,
          column: 43,
          data: { container: "api", name: "SCOUT_PROTECTED_API", value: "Off" },
        },
      ],
    },
    {
      name: "an env entry after envFrom replaces the Secret's token: an empty API_TOKEN leaves the API open",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data: {API_TOKEN: YQ==}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              containers:
                - name: api
                  envFrom: [{secretRef: {name: scout-secrets}}]
                  env: [{name: API_TOKEN, value: ""}]
      `,
      errors: [
        {
          messageId: "emptyToken",
          line: 16,
          column: 35,
          data: { container: "api", name: "API_TOKEN" },
        },
      ],
    },
    {
      name: "$(VAR) of an earlier literal is that literal; of a variable defined after it, the text $(VAR)",
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
                    - {name: SEED, value: let-me-in}
                    - {name: API_TOKEN, value: $(SEED)}
                - name: sidecar
                  env:
                    - {name: API_TOKEN, value: $(RAW)}
                    - {name: RAW, valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}}
      `,
      errors: [
        {
          messageId: "plainToken",
          line: 12,
          column: 33,
          data: { container: "api", name: "API_TOKEN" },
        },
        {
          messageId: "plainToken",
          line: 15,
          column: 33,
          data: { container: "sidecar", name: "API_TOKEN" },
        },
      ],
    },
    {
      name: "envFrom a Secret whose keys are api-token and redis-password: the app gets no API_TOKEN",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data: {api-token: YQ==, redis-password: YQ==}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              containers: [{name: api, envFrom: [{secretRef: {name: scout-secrets}}]}]
      `,
      errors: [
        { messageId: "noToken", line: 13, column: 20, data: { workload: "Deployment backend" } },
      ],
    },
    {
      name: "a backend with no token at all",
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
                    - {name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}
      `,
      errors: [
        { messageId: "noToken", line: 9, column: 11, data: { workload: "Deployment backend" } },
      ],
    },
    {
      name: "a token written as a value, or read from a ConfigMap",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers:
                - name: api
                  env:
                    - {name: SCOUT_API_TOKEN, value: abc}
                    - {name: AUTH_TOKEN, valueFrom: {configMapKeyRef: {name: cfg, key: t}}}
      `,
      errors: [
        {
          messageId: "plainToken",
          line: 11,
          column: 39,
          data: { container: "api", name: "SCOUT_API_TOKEN" },
        },
        { messageId: "configMapToken", line: 12, column: 34 },
      ],
    },
    {
      name: "a later entry of the same name overrides the Secret's token: the kubelet keeps the last",
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
                    - {name: API_TOKEN, valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}}
                    - {name: API_TOKEN, value: ""}
      `,
      errors: [{ messageId: "emptyToken", line: 12, column: 33 }],
    },
    {
      name: "an entry with no value sets the token to the empty string, on that entry",
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
                    - name: API_TOKEN
                      valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}
                    - name: API_TOKEN
      `,
      errors: [{ messageId: "emptyToken", line: 13, column: 15 }],
    },
    {
      name: "with envNames, only those variables count",
      options: { envNames: ["SCOUT_API_TOKEN"] },
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers:
                - name: api
                  envFrom: [{secretRef: {name: other}}]
                  env:
                    - {name: OTHER_TOKEN, valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}}
      `,
      errors: [{ messageId: "noToken", line: 9, column: 11 }],
    },
    {
      name: "an optional API token: the API may start unprotected",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers:
                - name: api
                  env:
                    - name: SCOUT_API_TOKEN
                      valueFrom:
                        secretKeyRef: {name: scout-secrets, key: api-token, optional: true}
      `,
      errors: [
        {
          messageId: "optionalToken",
          line: 13,
          column: 69,
          data: { container: "api", name: "SCOUT_API_TOKEN" },
        },
      ],
    },
    {
      name: "the token from an optional envFrom: where the Secret is missing the API starts unprotected",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data: {API_TOKEN: bVJPTE5zRjJ1RllIV3R6UUVleFVjdkFWckV5MCtEeDR6NVRlNzFKTEtOWT0=}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers:
                - name: api
                  envFrom: [{secretRef: {name: scout-secrets, optional: true}}]
      `,
      errors: [
        {
          messageId: "optionalToken",
          line: 15,
          column: 55,
          data: { container: "api", name: "API_TOKEN" },
        },
      ],
    },
  ],
});
