import { randomBytes } from "node:crypto";
import { RuleTester } from "@scout-deploy/core/testing";
import { fingerprint } from "@scout-deploy/secrets";
import { describe, it } from "vitest";
import { reuse } from "./rule.js";

const token = () => randomBytes(32).toString("base64");
const b64 = (text: string) => Buffer.from(text).toString("base64");
const shared = token();

new RuleTester({ describe, it }).run(reuse, {
  valid: [
    {
      name: "each environment has its own tokens",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets, namespace: staging}
        data: {api-token: ${b64(token())}, redis-password: ${b64(token())}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets, namespace: prod}
        data: {api-token: ${b64(token())}, redis-password: ${b64(token())}}
      `,
    },
    {
      name: "keys that are not credentials may repeat",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: a}
        data: {region: ${b64("eu-west-1")}, bucket-region: ${b64("eu-west-1")}}
      `,
    },
  ],
  invalid: [
    {
      name: "the same token in two environments",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata:
          name: scout-secrets
          namespace: scout-staging
          labels: {scout-deploy.io/environment: staging}
        data: {api-token: ${b64(shared)}}
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: scout-secrets
          namespace: scout
          labels: {scout-deploy.io/environment: prod}
        data: {api-token: ${b64(shared)}}
      `,
      errors: [
        {
          messageId: "acrossEnvironments",
          line: 15,
          column: 8,
          data: {
            key: "api-token",
            fingerprint: fingerprint(shared),
            original: "Secret scout-staging/scout-secrets",
            originalKey: "api-token",
            environment: "staging",
          },
        },
      ],
    },
    {
      name: "one value for the API token and the Redis password",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets, namespace: scout}
        stringData: {api-token: "${shared}", redis-password: "${shared}"}
      `,
      errors: [{ messageId: "duplicate", line: 4, column: 29 + shared.length }],
    },
  ],
});
