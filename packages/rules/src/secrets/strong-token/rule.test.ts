import { randomBytes } from "node:crypto";
import { RuleTester } from "@scout-deploy/core/testing";
import { fingerprint } from "@scout-deploy/secrets";
import { describe, it } from "vitest";
import { strongToken } from "./rule.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const token = randomBytes(32).toString("base64");
const hexToken = randomBytes(32).toString("hex");
const short = randomBytes(16).toString("base64");

new RuleTester({ describe, it }).run(strongToken, {
  valid: [
    {
      name: "generated tokens, base64 or hex, in data and stringData",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: ${b64(token)}
          api-token-previous: ${b64(hexToken)}
        stringData:
          redis-password: "${token}"
      `,
    },
    {
      name: "keys that are not credentials, TLS Secrets and PEM keys are not judged",
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
        data: {tls.key: ${b64("k")}, tls.crt: ${b64("c")}}
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
          data: { key: "redis-password", fingerprint: fingerprint(short), bits: 132, minBits: 256 },
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
  ],
});
