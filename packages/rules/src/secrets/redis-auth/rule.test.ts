import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { guideSettingsSchema } from "../../settings.js";
import { redisAuth } from "./rule.js";

const redis = (container: string) => `
  apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: redis}
  spec:
    template:
      metadata: {labels: {app.kubernetes.io/component: redis}}
      spec:
        containers:
${container
  .split("\n")
  .map((line) => `          ${line}`)
  .join("\n")}
`;

const backend = (env: string) => `
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: backend}
  spec:
    template:
      metadata: {labels: {app.kubernetes.io/component: backend}}
      spec:
        containers:
          - name: api
            env: ${env}
`;

const redisWithSecret = redis(`- name: redis
  args: ["--requirepass", "$(REDIS_PASSWORD)"]
  env:
    - {name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}`);

/** A Redis and a backend that read the password from the same Secret. */
const redisAndBackend = (secret: string) =>
  `${redisWithSecret.replace("name: scout-secrets", `name: ${secret}`)}---${backend(
    `[{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: ${secret}, key: redis-password}}}]`,
  )}`;

const scoutSecret = `
  apiVersion: v1
  kind: Secret
  metadata: {name: scout-secrets}
  data: {redis-password: cnRkdjhQempTeFRrVnh4TVF3bzN1c2s5Y09penhyVFhHN2NmMzd2aktxQT0=}
`;

new RuleTester({ describe, it, settings: guideSettingsSchema }).run(redisAuth, {
  valid: [
    {
      name: "Redis reads a key its Secret lacks: that broken reference is workload/references-resolve's, and the backend's key is not compared with it",
      yaml: `${scoutSecret}---${redisWithSecret.replace("key: redis-password", "key: no-such-key")}---${backend(
        "[{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}]",
      )}`,
    },
    {
      name: "$(RAW) of an earlier secretKeyRef is that Secret's value, for Redis and for the backend",
      yaml: `${redis(`- name: redis
  args: ["--requirepass", "$(REDIS_PASSWORD)"]
  env:
    - {name: RAW, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}
    - {name: REDIS_PASSWORD, value: $(RAW)}`)}---${backend(
        `[{name: RAW, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}, {name: REDIS_PASSWORD, value: $(RAW)}]`,
      )}`,
    },
    {
      name: "envFrom of a Secret whose key is REDIS_PASSWORD gives the backend that variable",
      yaml: `${redisWithSecret}---${backend("[]").replace(
        "env: []",
        "envFrom: [{secretRef: {name: scout-secrets}}]",
      )}---
  apiVersion: v1
  kind: Secret
  metadata: {name: scout-secrets}
  data: {REDIS_PASSWORD: YQ==, redis-password: YQ==}
`,
    },
    {
      name: "Redis and the backend read the same Secret key",
      yaml: `${redisWithSecret}---${backend("[{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}]")}`,
    },
    {
      name: "two instances in one namespace: each backend reads its own Redis' Secret",
      yaml: ["a", "b"]
        .map((i) =>
          redisAndBackend(`${i}-secrets`)
            .replaceAll("{name: redis}", `{name: redis-${i}}`)
            .replaceAll("{name: backend}", `{name: backend-${i}}`)
            .replaceAll("labels: {", `labels: {app.kubernetes.io/instance: ${i}, `),
        )
        .join("---"),
    },
    {
      name: "two namespaces: each backend reads its own namespace's Redis Secret",
      yaml: ["staging", "production"]
        .map((ns) =>
          redisAndBackend(`${ns}-secrets`).replaceAll(
            /\{name: (redis|backend)\}/g,
            `{name: $1, namespace: ${ns}}`,
          ),
        )
        .join("---"),
    },
    {
      name: "no Redis in the bundle: nothing to judge",
      yaml: backend("[]"),
    },
    {
      name: "a Bitnami image reads REDIS_PASSWORD; a shell command line passes it; a redis.conf from a Secret",
      yaml: `${redis(`- name: bitnami
  image: docker.io/bitnami/redis:7.2
  env:
    - {name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}`)}---${redis(`- name: shell
  image: redis:7.2
  command: [sh, -c, 'exec redis-server --requirepass "$REDIS_PASSWORD" --dir /tmp']
  env:
    - {name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}`).replace(
        "name: redis}",
        "name: redis-2}",
      )}---${redis(`- name: conf
  image: redis:7.2
  args: [/etc/redis/redis.conf]
  volumeMounts: [{name: conf, mountPath: /etc/redis}]`)
        .replace("name: redis}", "name: redis-3}")
        .concat("        volumes: [{name: conf, secret: {secretName: redis-conf}}]\n")}---
  apiVersion: v1
  kind: Secret
  metadata: {name: redis-conf}
  stringData:
    redis.conf: |
      dir /tmp
      requirepass some-generated-value
`,
    },
  ],
  invalid: [
    {
      name: "optional: true on the password Redis requires: a missing key leaves --requirepass the text $(REDIS_PASSWORD)",
      yaml: `${redis(`- name: redis
  args: ["--requirepass", "$(REDIS_PASSWORD)"]
  env:
    - {name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password, optional: true}}}`)}---${backend(
        `[{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}]`,
      )}`,
      errors: [
        {
          messageId: "optionalPassword",
          line: 12,
          column: 109,
          data: { container: "redis", name: "REDIS_PASSWORD" },
        },
      ],
    },
    {
      name: "the redis.conf Secret of Redis' own namespace decides, not one of that name that lands in default",
      yaml: `
  apiVersion: v1
  kind: Secret
  metadata: {name: redis-conf}
  stringData: {redis.conf: "requirepass some-generated-value"}
  ---
  apiVersion: v1
  kind: Secret
  metadata: {name: redis-conf, namespace: scout}
  stringData: {redis.conf: "dir /tmp"}
  ---${redis(`- name: conf
  image: redis:7.2
  args: [/etc/redis/redis.conf]
  volumeMounts: [{name: conf, mountPath: /etc/redis}]`)
    .replace("name: redis}", "name: redis, namespace: scout}")
    .concat("        volumes: [{name: conf, secret: {secretName: redis-conf}}]\n")}`,
      errors: [{ messageId: "noPassword", line: 19, column: 11, data: { container: "conf" } }],
    },
    {
      name: "Redis with no password (a warning by default)",
      yaml: `${redis("- name: redis\n  image: redis:7.2")}---${backend("[]")}`,
      errors: [
        {
          messageId: "noPassword",
          line: 9,
          column: 13,
          data: { container: "redis" },
          severity: "warning",
        },
      ],
    },
    {
      name: "an error when policy.settings.redisAuth is on",
      settings: { redisAuth: true },
      yaml: redis("- name: redis\n  image: redis:7.2"),
      errors: [{ messageId: "noPassword", line: 9, column: 11, severity: "error" }],
    },
    {
      name: "a password in plain text in the arguments",
      yaml: redis('- name: redis\n  args: ["--requirepass", "hunter2"]'),
      errors: [
        {
          messageId: "literalPassword",
          line: 10,
          column: 35,
          data: { container: "redis", where: "args" },
        },
      ],
    },
    {
      name: "envFrom of a Secret whose key is redis-password gives the backend redis-password, not REDIS_PASSWORD",
      yaml: `${redisWithSecret}---${backend("[]").replace(
        "env: []",
        "envFrom: [{secretRef: {name: scout-secrets}}]",
      )}---
  apiVersion: v1
  kind: Secret
  metadata: {name: scout-secrets}
  data: {redis-password: YQ==}
`,
      errors: [{ messageId: "backendMissing", line: 22, column: 13 }],
    },
    {
      name: "an env entry replaces the password envFrom gave the backend",
      yaml: `${redisWithSecret}---${backend('[{name: REDIS_PASSWORD, value: ""}]').replace(
        "env: ",
        "envFrom: [{secretRef: {name: scout-secrets}}]\n            env: ",
      )}---
  apiVersion: v1
  kind: Secret
  metadata: {name: scout-secrets}
  data: {REDIS_PASSWORD: YQ==, redis-password: YQ==}
`,
      errors: [{ messageId: "backendMissing", line: 24, column: 13 }],
    },
    {
      name: "the backend's password from the Secret is overridden by a later entry of the same name",
      yaml: `${redisWithSecret}---${backend("[{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}, {name: REDIS_PASSWORD, value: nope}]")}`,
      errors: [{ messageId: "backendMissing", line: 23, column: 13 }],
    },
    {
      name: "a second --requirepass replaces the first: redis-server applies its options in order",
      yaml: redis(`- name: redis
  args: ["--requirepass", "$(REDIS_PASSWORD)", "--requirepass", "hunter2"]
  env:
    - {name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}`),
      errors: [{ messageId: "literalPassword", line: 10, column: 73 }],
    },
    {
      name: "a key the Secret has: the backend reading another one is still reported",
      yaml: `${scoutSecret}---${redisWithSecret}---${backend(
        "[{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}}]",
      )}`,
      errors: [{ messageId: "backendOtherSecret", line: 28, column: 13 }],
    },
    {
      name: "the backend is not given the password, or reads another Secret",
      yaml: `${redisWithSecret}---${backend("[]")}---${backend("[{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: other, key: pw}}}]").replace("name: backend}", "name: backend-2}")}`,
      errors: [
        {
          messageId: "backendMissing",
          line: 23,
          column: 13,
          data: { container: "api", secret: "scout-secrets", redis: "redis", instance: "default" },
        },
        {
          messageId: "backendOtherSecret",
          line: 34,
          column: 13,
          data: {
            container: "api",
            secret: "scout-secrets",
            found: "other/pw",
            redis: "redis",
            instance: "default",
          },
        },
      ],
    },
    {
      name: "a password variable that nothing uses: the official image ignores REDIS_PASSWORD",
      yaml: redis(`- name: redis
  image: redis:7.2
  env:
    - {name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: scout-secrets, key: redis-password}}}`),
      errors: [
        {
          messageId: "unusedPassword",
          line: 12,
          column: 15,
          data: { container: "redis", name: "REDIS_PASSWORD" },
        },
      ],
    },
    {
      name: "--requirepass with a variable that is a plain value; a literal inside a shell command line",
      yaml: `${redis(`- name: redis
  args: ["--requirepass", "$(REDIS_PASSWORD)"]
  env: [{name: REDIS_PASSWORD, value: hunter2}]`)}---${redis(`- name: redis
  command: [sh, -c, "redis-server --requirepass hunter2 --appendonly yes"]`).replace(
        "name: redis}",
        "name: redis-2}",
      )}`,
      errors: [
        {
          messageId: "notFromSecret",
          line: 10,
          column: 37,
          data: { container: "redis", name: "REDIS_PASSWORD" },
        },
        {
          messageId: "literalPassword",
          line: 22,
          column: 31,
          data: { container: "redis", where: "command" },
        },
      ],
    },
    {
      name: "a redis.conf from a Secret that sets no password",
      yaml: `${redis(`- name: redis
  args: [/etc/redis/redis.conf]
  volumeMounts: [{name: conf, mountPath: /etc/redis}]`).concat(
        "        volumes: [{name: conf, secret: {secretName: redis-conf}}]\n",
      )}---
  apiVersion: v1
  kind: Secret
  metadata: {name: redis-conf}
  stringData: {redis.conf: "dir /tmp"}
`,
      errors: [{ messageId: "noPassword", line: 9, column: 13 }],
    },
  ],
});
