import { createHash, randomBytes } from "node:crypto";
import { RuleTester } from "@scout-deploy/core/testing";
import { fingerprint } from "@scout-deploy/secrets";
import { capitalized, DICEWARE_WORDS } from "@scout-deploy/secrets/testing";
import { describe, it } from "vitest";
import { strongToken } from "./rule.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const digest = (algorithm: string, text: string, encoding: "hex" | "base64") =>
  createHash(algorithm).update(text).digest(encoding);
const token = randomBytes(32).toString("base64");
const hexToken = randomBytes(32).toString("hex");
const short = randomBytes(16).toString("base64");
const pem = (label: string) =>
  `-----BEGIN ${label}-----\n${randomBytes(48).toString("base64")}\n-----END ${label}-----\n`;
// Raw bytes that are no UTF-8 text (0xff never occurs in UTF-8): \`head -c N /dev/urandom\`.
const rawBytes = (n: number) => Buffer.concat([Buffer.from([0xff]), randomBytes(n - 1)]);
const raw32 = rawBytes(32);
const raw16 = rawBytes(16);
const rawPattern = Buffer.from(Array.from({ length: 32 }, (_, i) => (i % 2 ? 0xfe : 0xff)));
const diceware = DICEWARE_WORDS;
const capital = capitalized;
const dockerConfig = (password: string) =>
  JSON.stringify({ auths: { "ghcr.io": { auth: b64(`ci:${password}`) } } });

new RuleTester({ describe, it }).run(strongToken, {
  valid: [
    {
      name: "config files in a Secret whose credentials are generated tokens or references",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: app-files}
        stringData:
          application.properties: |
            spring.datasource.url=jdbc:postgresql://db:5432/scout?user=app&password=${hexToken}
            spring.datasource.password=${token}
            api.token=\${API_TOKEN}
          .pgpass: |
            db:5432:scout:app:${hexToken}
          .git-credentials: https://bot:${hexToken}@github.com
          config.json: '{"auths": {"ghcr.io": {"auth": "${b64(`ci:${token}`)}"}}}'
      `,
    },
    {
      name: "passphrases of twenty random words, with dashes, spaces, or capitals, dots and a digit (Bitwarden)",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        stringData:
          api-token: ${diceware.join("-")}
          redis-password: "${diceware.join(" ")}"
          session-secret: ${diceware.map(capital).join(".")}7
      `,
    },
    {
      name: "a redis.conf in a Secret whose requirepass and masterauth are generated tokens, quoted or not",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: redis-conf}
        stringData:
          redis.conf: |
            requirepass ${token}
            masterauth "${hexToken}"
            dir /tmp
        data:
          sentinel.conf: ${b64(`sentinel auth-pass mymaster ${token}\n`)}
      `,
    },
    {
      name: "generated tokens, base64 or hex, in data and stringData",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: ${b64(token)}
          api-token-previous: ${b64(hexToken)}
          api-token-encoded: ${b64(b64(hexToken))}
        stringData:
          redis-password: "${token}"
      `,
    },
    {
      name: "32 random bytes that are no text carry 256 bits",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: ${raw32.toString("base64")}
      `,
    },
    {
      name: "a data placeholder that stringData overrides: the API server stores stringData's value",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: ${b64("changeme")}
        stringData:
          api-token: "${token}"
      `,
    },
    {
      name: "keys that are not credentials, PEM keys, and the keys of typed Secrets holding what their type says",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: misc}
        data:
          region: ${b64("eu")}
          author: ${b64("me")}
          ssh-key: ${b64("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----")}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: tls}
        type: kubernetes.io/tls
        data: {tls.key: ${b64(pem("EC PRIVATE KEY"))}, tls.crt: ${b64(pem("CERTIFICATE"))}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: pull}
        type: kubernetes.io/dockerconfigjson
        data: {.dockerconfigjson: ${b64(dockerConfig(token))}}
      `,
    },
    {
      name: "a random token that holds a word and a year by chance",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        stringData:
          api-token: "${token.slice(0, 20)}password2024${token.slice(20)}"
      `,
    },
    {
      name: "minBits can be lowered",
      options: { minBits: 128 },
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
        data: {api-token: ${b64(short)}}
      `,
    },
  ],
  invalid: [
    {
      name: "each weak credential of a config file in a Secret, on its line: properties, JDBC, .pgpass, a URL, docker auths; the strong one passes",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: app-files}
        stringData:
          application.properties: |
            spring.datasource.url=jdbc:postgresql://db:5432/scout?user=app&password=letmein
            spring.datasource.password=${token}
            api.token=changeme
          .pgpass: |
            db:5432:scout:app:dragon2024
          .git-credentials: https://bot:hunter2@github.com
        data:
          config.json: ${b64(JSON.stringify({ auths: { "ghcr.io": { auth: b64("ci:password1") } } }))}
      `,
      errors: [
        {
          messageId: "commonPassword",
          line: 6,
          column: 77,
          data: {
            key: "application.properties: URL",
            fingerprint: fingerprint("letmein"),
            preimage: "a common password",
          },
        },
        {
          messageId: "placeholder",
          line: 8,
          column: 15,
        },
        { messageId: "guessable", line: 10, column: 23 },
        {
          messageId: "commonPassword",
          line: 11,
          column: 33,
        },
        { messageId: "commonPassword", line: 13, column: 3 },
      ],
    },
    {
      name: "a Redis ACL digest of a common word (#<sha256>), and a requirepass written as one, are the digests they are",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: redis-acl}
        stringData:
          users.acl: |
            user default off
            user app on #${digest("sha256", "letmein", "hex")} ~* +@all
            user ops on #${digest("sha256", randomBytes(32).toString("hex"), "hex")} ~* +@all
          redis.conf: |
            requirepass #${digest("sha256", "dragon", "hex")}
      `,
      errors: [
        {
          messageId: "hashedWord",
          line: 7,
          column: 18,
          data: {
            key: "users.acl: user",
            fingerprint: fingerprint(digest("sha256", "letmein", "hex")),
            algorithm: "SHA-256",
            preimage: 'the common password "letmein"',
          },
        },
        {
          messageId: "hashedWord",
          line: 10,
          column: 17,
          data: {
            key: "redis.conf: requirepass",
            fingerprint: fingerprint(`#${digest("sha256", "dragon", "hex")}`),
            algorithm: "SHA-256",
            preimage: 'the common password "dragon"',
          },
        },
      ],
    },
    {
      name: "a passphrase of ten words is too short in words, not low in entropy; twenty times one word and a sentence are weak",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        stringData:
          api-token: ${diceware.slice(0, 10).join("-")}
          redis-password: ${Array(20).fill("velvet").join("-")}
          session-secret: "Use Kubernetes secrets, not ConfigMaps. Rotate secrets regularly. Use different tokens for different environments."
      `,
      errors: [
        {
          messageId: "short",
          line: 5,
          column: 3,
          data: {
            key: "api-token",
            fingerprint: fingerprint(diceware.slice(0, 10).join("-")),
            minBits: 256,
            measure: "10 words give about 135 bits; 20 words of a 7,776-word list are needed",
          },
        },
        {
          messageId: "guessable",
          line: 6,
          column: 3,
          data: {
            key: "redis-password",
            fingerprint: fingerprint(Array(20).fill("velvet").join("-")),
            minBits: 256,
            found:
              "a common password and one other character, repeated 19 times, and a common password",
            guessBits: 57,
          },
        },
        { messageId: "lowEntropy", line: 7, column: 3 },
      ],
    },
    {
      name: "a redis.conf in a Secret whose requirepass is Redis' example password, on that line of the block; a sentinel.conf in data, on its key; an ACL user's >password",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: redis-conf}
        stringData:
          redis.conf: |
            dir /tmp
            requirepass foobared
        data:
          sentinel.conf: ${b64("sentinel auth-pass mymaster changeme\n")}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: redis-acl}
        stringData:
          users.acl: |
            user default off
            user backend on >letmein ~cache:* +@read
      `,
      errors: [
        {
          messageId: "short",
          line: 7,
          column: 17,
          data: {
            key: "redis.conf: requirepass",
            fingerprint: fingerprint("foobared"),
            bits: 37,
            minBits: 256,
            measure: "8 characters of a-z give about 37 bits; 55 are needed",
          },
        },
        {
          messageId: "placeholder",
          line: 9,
          column: 3,
          data: { key: "sentinel.conf: sentinel auth-pass", fingerprint: fingerprint("changeme") },
        },
        {
          messageId: "commonPassword",
          line: 17,
          column: 22,
          data: {
            key: "users.acl: user",
            fingerprint: fingerprint("letmein"),
            preimage: "a common password",
          },
        },
      ],
    },
    {
      name: "the digest of a common password, in hex or base64: it looks random, a guesser hashes the common ones",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: ${b64(digest("sha256", "password", "hex"))}
        stringData:
          redis-password: "${digest("md5", "scout", "base64")}"
      `,
      errors: [
        {
          messageId: "hashedWord",
          line: 5,
          column: 3,
          data: {
            key: "api-token",
            fingerprint: fingerprint(digest("sha256", "password", "hex")),
            algorithm: "SHA-256",
            preimage: 'the common password "password"',
          },
        },
        {
          messageId: "hashedWord",
          line: 7,
          column: 3,
          data: {
            key: "redis-password",
            fingerprint: fingerprint(digest("md5", "scout", "base64")),
            algorithm: "MD5",
            preimage: 'the common password "scout"',
          },
        },
      ],
    },
    {
      name: "keyboard walks, sentences and l33t long enough to pass the length",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        stringData:
          api-token: "qwertyuiopasdfghjklzxcvbnm1234567890!@#$%^&*()"
          redis-password: "CorrectHorseBatteryStapleIsMyPassword2024!"
          backup-password: "P@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rd!!"
      `,
      errors: [
        {
          messageId: "guessable",
          line: 5,
          column: 3,
          data: {
            key: "api-token",
            fingerprint: fingerprint("qwertyuiopasdfghjklzxcvbnm1234567890!@#$%^&*()"),
            found: "five keyboard walks",
            guessBits: 78,
            minBits: 256,
          },
        },
        {
          messageId: "guessable",
          line: 6,
          column: 3,
          data: {
            key: "redis-password",
            fingerprint: fingerprint("CorrectHorseBatteryStapleIsMyPassword2024!"),
            found: "five common passwords, a year and five other characters",
            guessBits: 144,
            minBits: 256,
          },
        },
        {
          messageId: "guessable",
          line: 7,
          column: 3,
          data: {
            key: "backup-password",
            fingerprint: fingerprint("P@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rd!!"),
            found: "a common password in l33t, repeated 5 times, and two other characters",
            guessBits: 33,
            minBits: 256,
          },
        },
      ],
    },
    {
      name: "a readable text encoded once more as base64 or hex is as weak as the text",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: ${b64(b64("scout-api-token-production-2026-12-07-do-not-share"))}
        stringData:
          redis-password: ${Buffer.from("scout-redis-production-2026-12-07-do").toString("hex")}
      `,
      errors: [
        {
          messageId: "encodedText",
          line: 5,
          column: 3,
          data: {
            key: "api-token",
            encoding: "base64",
            why: "three common passwords, three dictionary words, a year and 15 other characters (about 194 bits to guess)",
            fingerprint: fingerprint(b64("scout-api-token-production-2026-12-07-do-not-share")),
          },
        },
        {
          messageId: "encodedText",
          line: 7,
          column: 3,
          data: {
            key: "redis-password",
            encoding: "hex",
            why: "two common passwords, a dictionary word, a year and 12 other characters (about 129 bits to guess)",
            fingerprint: fingerprint(
              Buffer.from("scout-redis-production-2026-12-07-do").toString("hex"),
            ),
          },
        },
      ],
    },
    {
      name: "a key of any name that a container reads as its API token or Redis password is a credential",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets, namespace: scout}
        data:
          value: ${b64("changeme")}
          greeting: ${b64("hello")}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: redis-auth, namespace: scout}
        data:
          v2: ${b64("admin")}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            spec:
              containers:
                - name: backend
                  image: ghcr.io/scout/backend:1.4.2
                  env:
                    - name: API_TOKEN
                      valueFrom: {secretKeyRef: {name: scout-secrets, key: value}}
                    - name: GREETING
                      valueFrom: {secretKeyRef: {name: scout-secrets, key: greeting}}
                  envFrom:
                    - secretRef: {name: redis-auth}
                      prefix: REDIS_PASSWORD_
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: elsewhere, namespace: other}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: ghcr.io/scout/backend:1.4.2
                  env:
                    - name: API_TOKEN
                      valueFrom: {secretKeyRef: {name: scout-secrets, key: greeting}}
      `,
      errors: [
        {
          messageId: "placeholder",
          line: 5,
          column: 3,
          data: { key: "value", fingerprint: fingerprint("changeme") },
        },
        {
          messageId: "placeholder",
          line: 12,
          column: 3,
          data: { key: "v2", fingerprint: fingerprint("admin") },
        },
      ],
    },
    {
      name: "a key written with no value: the API server stores an empty token (null in data and in stringData)",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token:
          redis-password: ${b64(token)}
        stringData:
          redis-password: null
      `,
      errors: [
        {
          messageId: "placeholder",
          line: 5,
          column: 3,
          data: { key: "api-token", fingerprint: fingerprint("") },
        },
        {
          messageId: "placeholder",
          line: 8,
          column: 3,
          data: { key: "redis-password", fingerprint: fingerprint("") },
        },
      ],
    },
    {
      name: "random bytes that are no text are judged by their bytes: 16 are too few, a repeated pair has no entropy",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: ${raw16.toString("base64")}
          redis-password: ${rawPattern.toString("base64")}
      `,
      errors: [
        {
          messageId: "short",
          line: 5,
          column: 3,
          data: {
            key: "api-token",
            fingerprint: fingerprint(raw16),
            bits: 128,
            minBits: 256,
            measure: "16 bytes give 128 bits; 32 are needed",
          },
        },
        {
          messageId: "lowEntropy",
          line: 6,
          column: 3,
          data: {
            key: "redis-password",
            fingerprint: fingerprint(rawPattern),
            entropy: "1.00",
            alphabet: "bytes",
            floor: "3.75",
          },
        },
      ],
    },
    {
      name: "a short common password is named as the password, a short text by its words, a short random value by its length",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          redis-password: ${b64("letmein")}
          api-token: ${b64("admin123")}
        stringData:
          backup-password: "P@ssw0rd"
          webhook-token: "dragon2024"
          session-secret: "${short}"
          admin-password: password1
      `,
      errors: [
        {
          messageId: "commonPassword",
          line: 5,
          column: 3,
          data: {
            key: "redis-password",
            fingerprint: fingerprint("letmein"),
            preimage: "a common password",
          },
        },
        {
          messageId: "commonPassword",
          line: 6,
          column: 3,
          data: {
            key: "api-token",
            fingerprint: fingerprint("admin123"),
            preimage: "a common password",
          },
        },
        {
          messageId: "commonPassword",
          line: 8,
          column: 3,
          data: {
            key: "backup-password",
            fingerprint: fingerprint("P@ssw0rd"),
            preimage: "a common password in l33t",
          },
        },
        {
          messageId: "guessable",
          line: 9,
          column: 3,
          data: {
            key: "webhook-token",
            fingerprint: fingerprint("dragon2024"),
            found: "a common password and a year",
            guessBits: 23,
            minBits: 256,
          },
        },
        {
          messageId: "short",
          line: 10,
          column: 3,
          data: {
            key: "session-secret",
            fingerprint: fingerprint(short),
            bits: 132,
            minBits: 256,
            measure: "22 characters of base64 give about 132 bits; 43 are needed",
          },
        },
        {
          messageId: "commonPassword",
          line: 11,
          column: 3,
          data: {
            key: "admin-password",
            fingerprint: fingerprint("password1"),
            preimage: "a common password",
          },
        },
      ],
    },
    {
      name: "a short readable text encoded once more is named by the password or words it is",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: ${b64(Buffer.from("iloveyou").toString("hex"))}
          redis-password: ${b64(b64("correcthorsebatterystaple"))}
      `,
      errors: [
        {
          messageId: "encodedText",
          line: 5,
          column: 3,
          data: {
            key: "api-token",
            encoding: "hex",
            why: "a common password",
            fingerprint: fingerprint(Buffer.from("iloveyou").toString("hex")),
          },
        },
        {
          messageId: "encodedText",
          line: 6,
          column: 3,
          data: {
            key: "redis-password",
            encoding: "base64",
            why: "four common passwords (about 79 bits to guess)",
            fingerprint: fingerprint(b64("correcthorsebatterystaple")),
          },
        },
      ],
    },
    {
      name: "changeme, a short token, a low-entropy and a sequential value",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: ${b64("changeme")}
          redis-password: ${b64(short)}
          webhook-secret: ${b64("aabbaabbabababbbaaababbabbbaaabbababababbbaaab1A")}
        stringData:
          auth: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ
      `,
      errors: [
        {
          messageId: "placeholder",
          line: 5,
          column: 3,
          data: { key: "api-token", fingerprint: fingerprint("changeme") },
        },
        {
          messageId: "short",
          line: 6,
          column: 3,
          data: {
            key: "redis-password",
            fingerprint: fingerprint(short),
            bits: 132,
            minBits: 256,
            measure: "22 characters of base64 give about 132 bits; 43 are needed",
          },
        },
        { messageId: "lowEntropy", line: 7, column: 3 },
        {
          messageId: "pattern",
          line: 9,
          column: 3,
          data: {
            key: "auth",
            fingerprint: fingerprint(
              "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            ),
          },
        },
      ],
    },
    {
      name: "an old value kept under -previous is judged too",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data: {api-token: ${b64(token)}, api-token-previous: ${b64("secret")}}
      `,
      errors: [{ messageId: "placeholder", line: 4, column: 21 + b64(token).length }],
    },
    {
      name: "a credential key of a TLS Secret is judged like any other; tls.key must be a private key",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: tls}
        type: kubernetes.io/tls
        data:
          tls.crt: ${b64(pem("CERTIFICATE"))}
          tls.key: ${b64("changeme")}
          api-token: ${b64("changeme")}
      `,
      errors: [
        {
          messageId: "typedMalformed",
          line: 7,
          column: 3,
          data: { key: "tls.key", type: "kubernetes.io/tls", expected: "a PEM private key" },
        },
        {
          messageId: "placeholder",
          line: 8,
          column: 3,
          data: { key: "api-token", fingerprint: fingerprint("changeme") },
        },
      ],
    },
    {
      name: "a Docker config with a placeholder password, an SSH key that is none",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: pull}
        type: kubernetes.io/dockerconfigjson
        data: {.dockerconfigjson: ${b64(dockerConfig("changeme"))}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: ssh}
        type: kubernetes.io/ssh-auth
        stringData: {ssh-privatekey: "TODO"}
      `,
      errors: [
        { messageId: "typedPlaceholder", line: 5, column: 8 },
        { messageId: "typedMalformed", line: 11, column: 14 },
      ],
    },
  ],
});
