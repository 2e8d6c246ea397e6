import { randomBytes } from "node:crypto";
import { RuleTester } from "@scout-deploy/core/testing";
import { fingerprint } from "@scout-deploy/secrets";
import { describe, it } from "vitest";
import { noSecretInConfigmap } from "./rule.js";

// Built from pieces so the repository holds no string a secret scanner would flag.
const githubToken = `ghp_${"A1b2C3d4E5".repeat(4)}`;
const awsKey = `AKIA${"IOSFODNN7EXAMPLE"}`;
const random = randomBytes(32).toString("base64url");
// 0xff never occurs in UTF-8: these bytes are no text.
const rawKey = Buffer.concat([Buffer.from([0xff]), randomBytes(31)]);

new RuleTester({ describe, it }).run(noSecretInConfigmap, {
  valid: [
    {
      name: "ordinary settings, look-alike names, references and digests",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: scout-config}
        data:
          LOG_LEVEL: info
          KEYBOARD_LAYOUT: us
          author: Scout team
          AUTH_ENABLED: "true"
          REDIS_PASSWORD_FILE: /run/secrets/redis-password
          API_TOKEN: ""
          TOKEN_URL: https://auth.example.com/token
          IMAGE_DIGEST: sha256:${randomBytes(32).toString("hex")}
          REQUEST_ID: 3f2504e0-4f89-11d3-9a0c-0305e82c3301
          app.conf: |
            redis_host = redis
            password = \${REDIS_PASSWORD}
            log_level = debug
          collector.yaml: |
            processors:
              attributes:
                actions:
                  - action: insert
                    key: loki.attribute.labels
            custom_secrets: []
            auth:
              username: scout
      `,
    },
    {
      name: "numbers and durations under token-ish names, URLs without a password or with a reference",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data:
          TOKEN_TTL_SECONDS: "3600"
          SESSION_TOKEN_LIFETIME: 1h30m
          REDIS_URL: redis://redis:6379/0
          DATABASE_URL: postgres://scout:\${DB_PASSWORD}@db/scout
          redis.conf: |
            requirepass \${REDIS_PASSWORD}
            maxmemory 64mb
            token_ttl_seconds 3600
      `,
    },
  ],
  invalid: [
    {
      name: "32 raw random bytes (no text) in binaryData under a credential name: the pod reads a raw key",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        binaryData:
          api-token: ${rawKey.toString("base64")}
          logo.png: ${rawKey.toString("base64")}
      `,
      errors: [
        {
          messageId: "credentialKey",
          line: 5,
          column: 3,
          data: { key: "api-token", fingerprint: fingerprint(rawKey) },
        },
      ],
    },
    {
      name: "a credential-named key, a GitHub token, an AWS key, a random value, a credential inside a file",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: scout-config}
        data:
          API_TOKEN: hunter2
          webhook: ${githubToken}
          aws: ${awsKey}
          session: ${random}
          settings.ini: |
            [redis]
            host = redis
            password = s3cr3t
        binaryData:
          client-secret: ${Buffer.from("abc").toString("base64")}
      `,
      errors: [
        {
          messageId: "credentialKey",
          line: 5,
          column: 3,
          data: { key: "API_TOKEN", fingerprint: "sha256:f52fbd32b2b3" },
        },
        { messageId: "tokenFormat", line: 6, column: 3 },
        { messageId: "tokenFormat", line: 7, column: 3 },
        { messageId: "highEntropy", line: 8, column: 3 },
        {
          messageId: "embeddedCredential",
          line: 9,
          column: 3,
          data: { key: "settings.ini", name: "password", line: 3 },
        },
        { messageId: "credentialKey", line: 14, column: 3 },
      ],
    },
    {
      name: "URLs with a password, a requirepass line, a number under a password name",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data:
          REDIS_URL: "redis://:hunter2-pw@redis:6379/0"
          settings.ini: |
            [db]
            url = postgres://scout:hunter2@db/scout
          redis.conf: |
            maxmemory 64mb
            requirepass hunter2
          REDIS_PASSWORD: "123456"
      `,
      errors: [
        { messageId: "connectionString", line: 5, column: 3, data: { key: "REDIS_URL", line: 1 } },
        {
          messageId: "connectionString",
          line: 6,
          column: 3,
          data: { key: "settings.ini", line: 2 },
        },
        {
          messageId: "embeddedCredential",
          line: 9,
          column: 3,
          data: { key: "redis.conf", name: "requirepass", line: 2 },
        },
        { messageId: "credentialKey", line: 12, column: 3 },
      ],
    },
    {
      name: "a password in a one-line JSON config, a token after an Authorization scheme",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data:
          config.json: '{"redis": {"host": "redis", "password": "hunter2-pw"}, "log": "json"}'
          AUTHORIZATION: "Bearer ${random}"
          valid.json: '{"redis": {"password": "\${REDIS_PASSWORD}", "passwordFile": "/run/secrets/pw"}}'
      `,
      errors: [
        {
          messageId: "embeddedCredential",
          line: 5,
          column: 3,
          data: { key: "config.json", name: "password", line: 1 },
        },
        { messageId: "highEntropy", line: 6, column: 3 },
      ],
    },
  ],
});
