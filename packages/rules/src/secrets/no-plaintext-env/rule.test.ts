import { RuleTester } from "@scout-deploy/core/testing";
import { fingerprint } from "@scout-deploy/secrets";
import { describe, it } from "vitest";
import { noPlaintextEnv } from "./rule.js";

const slack = `xoxb-${"1234567890"}-${"abcdefABCDEF"}`;

new RuleTester({ describe, it }).run(noPlaintextEnv, {
  valid: [
    {
      name: "command-line flags: $(VAR) from a Secret, files, switches, settings and Redis' own flag",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: backend}
        spec:
          containers:
            - name: api
              command: [scout, --config.file=/etc/scout/scout.yml]
              args:
                - --api-token=$(API_TOKEN)
                - --tls-key
                - /etc/tls/tls.key
                - --auth-enabled=true
                - --token-ttl
                - 15m
                - --requirepass
                - $(REDIS_PASSWORD)
      `,
    },
    {
      name: "an empty credential, written or expanded from an empty literal, gives nothing away",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: backend}
        spec:
          containers:
            - name: api
              env:
                - {name: REDIS_PASSWORD, value: ""}
                - {name: DB_PASSWORD, value: "$(REDIS_PASSWORD)"}
      `,
    },
    {
      name: "credentials from secretKeyRef, other variables as values, $(VAR) references",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              containers:
                - name: api
                  env:
                    - name: API_TOKEN
                      valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}
                    - name: LOG_LEVEL
                      value: info
                    - name: AUTHOR
                      value: scout
                    - name: REDIS_PASSWORD
                      valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}
                    - name: REDIS_URL_PASSWORD
                      value: $(REDIS_PASSWORD)
                    - name: API_TOKEN_FILE
                      value: /run/secrets/api-token
      `,
    },
    {
      name: "a number under a token-ish name, a URL without a password",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              env:
                - {name: TOKEN_TTL_SECONDS, value: "3600"}
                - {name: AUTH_TOKEN_MAX_AGE, value: 15m}
                - {name: REDIS_URL, value: "redis://redis:6379/0"}
                - {name: DATABASE_URL, value: "postgres://scout:$(DB_PASSWORD)@db/scout"}
      `,
    },
    {
      name: "$(VAR) the kubelet fills from a Secret: an earlier secretKeyRef under any name, or envFrom",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              env:
                - name: RAW
                  valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}
                - {name: API_TOKEN, value: $(RAW)}
                - {name: AUTH_HEADER_TOKEN, value: "Bearer $(RAW)"}
            - name: worker
              envFrom: [{secretRef: {name: worker-secrets}}]
              env:
                - {name: API_TOKEN, value: $(WORKER_TOKEN)}
      `,
    },
    {
      name: "a credential read from a ConfigMap key that secrets/no-secret-in-configmap reports: one cause, one finding",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg}
        data: {API_TOKEN: hunter2-scout}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              env:
                - name: API_TOKEN
                  valueFrom: {configMapKeyRef: {name: cfg, key: API_TOKEN}}
                - name: SECRET_KEY
                  valueFrom: {configMapKeyRef: {name: cfg, key: API_TOKEN}}
                - {name: AUTH_TOKEN, value: $(SECRET_KEY)}
      `,
    },
  ],
  invalid: [
    {
      name: "a credential inside a shell line: an assignment, a flag, an Authorization header",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              command: [sh, -c, "API_TOKEN=hunter2-scout exec /app/serve --port 8000"]
              args: ["exec /app/serve --redis-password s3cret-pw --log-level info"]
              lifecycle:
                postStart:
                  exec:
                    command: [sh, -c, 'curl -H "Authorization: Bearer hunter2-scout" localhost:8000/warm']
                preStop:
                  exec:
                    command: [sh, -c, 'curl -H "Authorization: Bearer $TOKEN" localhost:8000/drain; TOKEN_TTL=3600 API_KEY_FILE=/etc/key ./stop']
      `,
      errors: [
        {
          messageId: "plainArg",
          line: 7,
          column: 25,
          data: {
            container: "api",
            name: "API_TOKEN",
            field: "command",
            fingerprint: fingerprint("hunter2-scout"),
          },
        },
        {
          messageId: "plainArg",
          line: 8,
          column: 14,
          data: {
            container: "api",
            name: "redis-password",
            field: "args",
            fingerprint: fingerprint("s3cret-pw"),
          },
        },
        {
          messageId: "plainArg",
          line: 12,
          column: 31,
          data: {
            container: "api",
            name: "Authorization",
            field: "postStart exec command",
            fingerprint: fingerprint("hunter2-scout"),
          },
        },
      ],
    },
    {
      name: "a credential in a probe's or hook's HTTP headers sits in the pod template as an env value does",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              livenessProbe:
                httpGet:
                  path: /docs
                  port: 8000
                  httpHeaders:
                    - {name: Accept, value: application/json}
                    - {name: Cookie, value: shop_session-id=x-readiness-probe}
                    - {name: Authorization, value: "Bearer hunter2-scout"}
              readinessProbe:
                httpGet:
                  path: /docs
                  port: 8000
                  httpHeaders: [{name: X-Trace, value: "mROLNsF2uFYHWtzQEexUcvAVrEy0Dx4z5Te71JLKNY"}]
              lifecycle:
                preStop:
                  httpGet:
                    path: /drain
                    port: 8000
                    httpHeaders: [{name: X-Api-Key, value: hunter2}, {name: X-Api-Key-Format, value: ""}]
      `,
      errors: [
        {
          messageId: "plainHeader",
          line: 14,
          column: 37,
          data: {
            container: "api",
            name: "Authorization",
            field: "livenessProbe",
            fingerprint: fingerprint("Bearer hunter2-scout"),
          },
        },
        {
          messageId: "plainHeader",
          line: 19,
          column: 41,
          data: {
            container: "api",
            name: "X-Trace",
            field: "readinessProbe",
            fingerprint: fingerprint("mROLNsF2uFYHWtzQEexUcvAVrEy0Dx4z5Te71JLKNY"),
          },
        },
        {
          messageId: "plainHeader",
          line: 25,
          column: 45,
          data: {
            container: "api",
            name: "X-Api-Key",
            field: "preStop hook",
            fingerprint: fingerprint("hunter2"),
          },
        },
      ],
    },
    {
      name: "a credential read from a ConfigMap key that holds no credential itself is still read from a ConfigMap",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg}
        data: {REDIS_HOST: redis}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              env:
                - name: API_TOKEN
                  valueFrom: {configMapKeyRef: {name: cfg, key: REDIS_HOST}}
                - {name: AUTH_TOKEN, value: $(API_TOKEN)}
      `,
      errors: [
        {
          messageId: "fromConfigMap",
          line: 14,
          column: 23,
          data: { container: "api", name: "API_TOKEN", configMap: "cfg" },
        },
      ],
    },
    {
      name: "$(SEED) of an earlier literal is that literal: the credential is a plain value of the pod template",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              env:
                - {name: SEED, value: hunter2-scout}
                - {name: API_TOKEN, value: $(SEED)}
                - {name: PW, value: hunter2}
                - {name: CACHE, value: "redis://:$(PW)@redis:6379/0"}
      `,
      errors: [
        {
          messageId: "plainThrough",
          line: 9,
          column: 29,
          data: {
            container: "api",
            name: "API_TOKEN",
            through: "SEED",
            fingerprint: fingerprint("hunter2-scout"),
          },
        },
        {
          messageId: "urlPassword",
          line: 11,
          column: 25,
          data: {
            container: "api",
            name: "CACHE",
            fingerprint: fingerprint("redis://:hunter2@redis:6379/0"),
          },
        },
      ],
    },
    {
      name: "the kubelet expands $(VAR) in args from the final env: a literal there is a literal on the command line",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              args: [--api-token=$(SEED), --notify, $(NOTIFY), --redis-password, $(RAW)]
              env:
                - {name: SEED, value: hunter2-scout}
                - {name: NOTIFY, value: ${slack}}
                - name: RAW
                  valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}
      `,
      errors: [
        {
          messageId: "plainArg",
          line: 7,
          column: 14,
          data: {
            container: "api",
            field: "args",
            name: "api-token",
            fingerprint: fingerprint("hunter2-scout"),
          },
        },
        { messageId: "tokenValue", line: 10, column: 26 },
      ],
    },
    {
      name: "probe and lifecycle exec commands sit in the pod template like args",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: redis
              env:
                - name: REDIS_PASSWORD
                  valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}
              livenessProbe:
                exec: {command: [redis-cli, --pass, hunter2-scout, ping]}
              readinessProbe:
                exec: {command: [redis-cli, --pass, $(REDIS_PASSWORD), ping]}
              lifecycle:
                preStop:
                  exec: {command: [notify, "${slack}"]}
      `,
      errors: [
        {
          messageId: "plainArg",
          line: 11,
          column: 45,
          data: {
            container: "redis",
            field: "livenessProbe exec command",
            name: "pass",
            fingerprint: fingerprint("hunter2-scout"),
          },
        },
        {
          messageId: "tokenArg",
          line: 16,
          column: 36,
          data: {
            container: "redis",
            field: "preStop exec command",
            name: "Slack token",
            format: "Slack token",
            fingerprint: fingerprint(slack),
          },
        },
      ],
    },
    {
      name: "redis-cli -a takes the password: a literal one in a probe, as argv or in a shell line",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: redis
              livenessProbe:
                exec: {command: [redis-cli, -a, hunter2-scout, ping]}
              readinessProbe:
                exec: {command: [sh, -c, "redis-cli -h localhost -a 'hunter2-scout' ping"]}
              startupProbe:
                exec: {command: [sh, -c, 'redis-cli -a "$REDIS_PASSWORD" ping']}
      `,
      errors: [
        {
          messageId: "plainArg",
          line: 8,
          column: 41,
          data: {
            container: "redis",
            field: "livenessProbe exec command",
            name: "redis-cli -a",
            fingerprint: fingerprint("hunter2-scout"),
          },
        },
        {
          messageId: "plainArg",
          line: 10,
          column: 34,
          data: {
            container: "redis",
            field: "readinessProbe exec command",
            name: "redis-cli -a",
            fingerprint: fingerprint("hunter2-scout"),
          },
        },
      ],
    },
    {
      name: "a reference to a variable defined after it (or nowhere) stays the text $(VAR) in the container",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              env:
                - {name: API_TOKEN, value: $(RAW_TOKEN)}
                - name: RAW_TOKEN
                  valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}
                - {name: DB_PASSWORD, value: $(DB_PASS)}
      `,
      errors: [
        {
          messageId: "unexpanded",
          line: 8,
          column: 29,
          data: {
            container: "api",
            name: "API_TOKEN",
            reference: "RAW_TOKEN",
            fingerprint: fingerprint("$(RAW_TOKEN)"),
          },
        },
        {
          messageId: "unexpanded",
          line: 11,
          column: 31,
          data: {
            container: "api",
            name: "DB_PASSWORD",
            reference: "DB_PASS",
            fingerprint: fingerprint("$(DB_PASS)"),
          },
        },
      ],
    },
    {
      name: "a token written once and referenced by a credential is one finding, at the literal",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              env:
                - {name: NOTIFY, value: ${slack}}
                - {name: SLACK_TOKEN, value: $(NOTIFY)}
      `,
      errors: [
        {
          messageId: "tokenValue",
          line: 8,
          column: 26,
          data: {
            container: "api",
            name: "NOTIFY",
            format: "Slack token",
            fingerprint: fingerprint(slack),
          },
        },
      ],
    },
    {
      name: "a token written on the command line sits in the pod template like an env value",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: backend}
        spec:
          containers:
            - name: api
              args: [--api-token, mROLNsF2uFYHWtzQEexUcvAVrEy0, "--redis-password=s3cr3t", "${slack}"]
      `,
      errors: [
        {
          messageId: "plainArg",
          line: 7,
          column: 27,
          data: {
            container: "api",
            name: "api-token",
            field: "args",
            fingerprint: fingerprint("mROLNsF2uFYHWtzQEexUcvAVrEy0"),
          },
        },
        {
          messageId: "plainArg",
          line: 7,
          column: 57,
          data: {
            container: "api",
            name: "redis-password",
            field: "args",
            fingerprint: fingerprint("s3cr3t"),
          },
        },
        {
          messageId: "tokenArg",
          line: 7,
          column: 84,
          data: {
            container: "api",
            name: "Slack token",
            field: "args",
            format: "Slack token",
            fingerprint: fingerprint(slack),
          },
        },
      ],
    },
    {
      name: "a literal password, a token-shaped value and a credential from a ConfigMap",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: init
              env:
                - {name: REDIS_PASSWORD, value: changeme}
          containers:
            - name: api
              env:
                - name: NOTIFY
                  value: ${slack}
                - name: SECRET_KEY
                  valueFrom: {configMapKeyRef: {name: cfg, key: k}}
      `,
      errors: [
        {
          messageId: "plainValue",
          line: 8,
          column: 34,
          data: { container: "init", name: "REDIS_PASSWORD", fingerprint: fingerprint("changeme") },
        },
        {
          messageId: "tokenValue",
          line: 13,
          column: 11,
          data: {
            container: "api",
            name: "NOTIFY",
            format: "Slack token",
            fingerprint: fingerprint(slack),
          },
        },
        {
          messageId: "fromConfigMap",
          line: 15,
          column: 23,
          data: { container: "api", name: "SECRET_KEY", configMap: "cfg" },
        },
      ],
    },
    {
      name: "credentials by value whatever the name: a URL with a password, a random-looking value",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              env:
                - name: REDIS_URL
                  value: "redis://:hunter2-pw@redis:6379/0"
                - name: UPSTREAM
                  value: Zq8rT2mK9vXw4LpN7bHs3JdF6gYc1QeA
      `,
      errors: [
        {
          messageId: "urlPassword",
          line: 9,
          column: 11,
          data: {
            container: "api",
            name: "REDIS_URL",
            fingerprint: fingerprint("redis://:hunter2-pw@redis:6379/0"),
          },
        },
        { messageId: "highEntropy", line: 11, column: 11 },
      ],
    },
  ],
});
