import { randomBytes } from "node:crypto";
import { RuleTester } from "@scout-deploy/core/testing";
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
    {
      name: "the same token in two environments is secrets/distinct-environments' finding, not this one's",
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
    },
  ],
  invalid: [
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
