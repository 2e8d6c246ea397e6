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
      name: "config files whose credentials are references, files, empty, templates or explained in a comment",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: files}
        data:
          application.properties: |
            # password: changeme (set SPRING_DATASOURCE_PASSWORD instead)
            spring.datasource.url=jdbc:postgresql://db:5432/scout?user=app&password=\${DB_PASSWORD}
            spring.datasource.password=\${DB_PASSWORD}
            api.token=
          app.toml: |
            token = "{{ .Values.api.token }}"
            secret = "<secret>"
            password_file = "/run/secrets/db-password"
          credentials: |
            [default]
            aws_secret_access_key = $(AWS_SECRET)
          .npmrc: |
            //registry.npmjs.org/:_authToken=\${NPM_TOKEN}
          .git-credentials: |
            https://bot:\${GIT_TOKEN}@github.com
          prometheus.yml: |
            basic_auth:
              username: prom
              password_file: /etc/prometheus/password
            authorization:
              credentials_file: /run/secrets/token
          tokenizer.ini: |
            tokenizer = bert
            token_ttl = 3600
            auth = true
      `,
    },
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
    {
      name: "config files that point to their credentials: references, file paths, prose and placeholders in comments",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: files}
        data:
          nginx.conf: |
            server {
              # Authorization: Token required for /api
              # password: set it in the Secret scout-secrets
              location / {
                auth_basic "Scout";
                auth_basic_user_file /etc/nginx/htpasswd/users;
                proxy_set_header Authorization $http_authorization;
                proxy_set_header X-Api-Key $api_key;
              }
            }
          redis.conf: |
            # requirepass comes from the Secret
            user scout on >\${REDIS_PASSWORD} ~* +@all
          app.env: |
            # API_TOKEN=<your-token>
            # password: changeme
            export API_TOKEN_FILE=/run/secrets/api-token
            REDIS_PASSWORD=\${REDIS_PASSWORD}
          prometheus.yml: |
            scrape_configs:
              - job_name: backend
                bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
                basic_auth:
                  username: prometheus
                  password_file: /etc/prometheus/password
                authorization:
                  type: Bearer
                  credentials_file: /run/secrets/token
      `,
    },
  ],
  invalid: [
    {
      name: "every credential of a config file, one finding each on its value: properties, JDBC, AWS, TOML, .netrc, .pgpass, .npmrc, docker auths, git-credentials, amqp, Prometheus basic_auth, a Redis ACL digest",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: files}
        data:
          application.properties: |
            spring.datasource.url=jdbc:postgresql://db:5432/scout?user=app&password=Pg-pass-1
            spring.datasource.password=hunter2-db
          credentials: |
            [default]
            aws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCY1234
          config.toml: |
            [api]
            token = "t0ken-value-1"
          .netrc: |
            machine github.com login bot password n3trc-pass
          .pgpass: |
            db.example.com:5432:scout:app:Pgpass-2
          .npmrc: |
            //registry.npmjs.org/:_authToken=npm_t0kenvalue
          config.json: |
            {"auths": {"ghcr.io": {"auth": "${Buffer.from("ci:d0cker-pass").toString("base64")}"}}}
          .git-credentials: |
            https://bot:g1t-token@github.com
          rabbit.conf: |
            url = amqp://scout:amqp-pass-1@rabbit:5672/
          prometheus.yml: |
            basic_auth:
              username: prom
              password: pr0m-pass
          users.acl: |
            user app on #${"ab".repeat(32)} ~* +@all
      `,
      errors: [
        {
          messageId: "connectionString",
          line: 6,
          column: 77,
          data: { key: "application.properties", line: 1 },
        },
        {
          messageId: "embeddedCredential",
          line: 7,
          column: 32,
          data: { key: "application.properties", name: "spring.datasource.password", line: 2 },
        },
        {
          messageId: "embeddedCredential",
          line: 10,
          column: 29,
          data: { key: "credentials", name: "aws_secret_access_key", line: 2 },
        },
        {
          messageId: "embeddedCredential",
          line: 13,
          column: 14,
          data: { key: "config.toml", name: "token", line: 2 },
        },
        {
          messageId: "embeddedCredential",
          line: 15,
          column: 43,
          data: { key: ".netrc", name: ".netrc", line: 1 },
        },
        {
          messageId: "embeddedCredential",
          line: 17,
          column: 35,
          data: { key: ".pgpass", name: ".pgpass", line: 1 },
        },
        {
          messageId: "embeddedCredential",
          line: 19,
          column: 38,
          data: { key: ".npmrc", name: "_authToken", line: 1 },
        },
        {
          messageId: "embeddedCredential",
          line: 21,
          column: 37,
          data: { key: "config.json", name: "auth", line: 1 },
        },
        {
          messageId: "connectionString",
          line: 23,
          column: 17,
          data: { key: ".git-credentials", line: 1 },
        },
        {
          messageId: "connectionString",
          line: 25,
          column: 24,
          data: { key: "rabbit.conf", line: 1 },
        },
        {
          messageId: "embeddedCredential",
          line: 29,
          column: 17,
          data: { key: "prometheus.yml", name: "password", line: 3 },
        },
        {
          messageId: "passwordHash",
          line: 31,
          column: 18,
          data: {
            key: "users.acl",
            user: "app",
            scheme: "unsalted SHA-256",
            source: "a Redis ACL rule",
            line: 1,
          },
        },
      ],
    },
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
          line: 12,
          column: 16,
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
        { messageId: "connectionString", line: 5, column: 24, data: { key: "REDIS_URL", line: 1 } },
        {
          messageId: "connectionString",
          line: 8,
          column: 28,
          data: { key: "settings.ini", line: 2 },
        },
        {
          messageId: "embeddedCredential",
          line: 11,
          column: 17,
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
    {
      name: "credentials where real config files keep them: nginx comments, headers and htpasswd, Redis ACLs, .env exports, Prometheus",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: files}
        data:
          nginx.conf: |
            server {
              listen 80;
              # password: hunter2-prod-2024
            }
          proxy.conf: |
            location /api/ {
              proxy_set_header Authorization "Bearer 8f2d9c1a7b3e4f5a6b7c8d9e0f1a2b3c";
              proxy_pass http://backend:8000;
            }
          keys.conf: |
            location /api/ {
              proxy_set_header X-Api-Key "d41d8cd98f00b204e9800998ecf8427e";
            }
          htpasswd: |
            scout:$apr1$ZjTqBB3f$IF9gdYAGlMrs2fuINjHsz.
          users.acl: |
            user default off
            user scout on >s3cr3tRedisPass ~* +@all
          app.env: |
            LOG_LEVEL=info
            export API_TOKEN=9f8e7d6c5b4a3f2e
          AUTH_HEADER: Bearer 8f2d9c1a7b3e4f5a6b7c8d9e0f1a2b3c
          probe.sh: |
            #!/bin/sh
            curl -fsS -H "Authorization: Basic c2NvdXQ6aHVudGVyMg==" http://backend:8000/docs
          prometheus.yml: |
            scrape_configs:
              - job_name: backend
                authorization:
                  type: Bearer
                  credentials: 8f2d9c1a7b3e4f5a6b7c8d9e0f1a2b3c
      `,
      errors: [
        {
          messageId: "embeddedCredential",
          line: 8,
          column: 19,
          data: { key: "nginx.conf", name: "password", line: 3 },
        },
        {
          messageId: "embeddedCredential",
          line: 12,
          column: 46,
          data: { key: "proxy.conf", name: "Authorization", line: 2 },
        },
        {
          messageId: "embeddedCredential",
          line: 17,
          column: 35,
          data: { key: "keys.conf", name: "X-Api-Key", line: 2 },
        },
        {
          messageId: "passwordHash",
          line: 20,
          column: 11,
          data: {
            key: "htpasswd",
            user: "scout",
            scheme: "APR1-MD5",
            line: 1,
            source: "an htpasswd file",
          },
        },
        {
          messageId: "embeddedCredential",
          line: 23,
          column: 20,
          data: { key: "users.acl", name: "user scout", line: 2 },
        },
        {
          messageId: "embeddedCredential",
          line: 26,
          column: 22,
          data: { key: "app.env", name: "API_TOKEN", line: 2 },
        },
        {
          messageId: "embeddedCredential",
          line: 27,
          column: 3,
          data: { key: "AUTH_HEADER", name: "Authorization", line: 1 },
        },
        {
          messageId: "embeddedCredential",
          line: 30,
          column: 40,
          data: { key: "probe.sh", name: "Authorization", line: 2 },
        },
        {
          messageId: "embeddedCredential",
          line: 36,
          column: 24,
          data: { key: "prometheus.yml", name: "credentials", line: 5 },
        },
      ],
    },
  ],
});
