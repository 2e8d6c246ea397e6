import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { validBase64 } from "./rule.js";

new RuleTester({ describe, it }).run(validBase64, {
  valid: [
    {
      name: "padded, unpadded-length and folded base64 values",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: c2VjcmV0LXRva2VuLXZhbHVl
          short: YQ==
          empty: ""
          folded: |
            c2VjcmV0LXRva2Vu
            LXZhbHVl
      `,
    },
    {
      name: "a key with no value: the API server stores it empty, in data and in stringData",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token:
        stringData:
          redis-password: null
      `,
    },
    {
      name: "a ConfigMap's data is not judged",
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        data: {a: "not base64!"}
      `,
    },
  ],
  invalid: [
    {
      name: "wrong alphabet, missing padding and a number",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data:
          api-token: "plain text!"
          redis-password: YQ
          port: 6379
      `,
      errors: [
        { messageId: "invalid", line: 5, column: 3, data: { key: "api-token" } },
        { messageId: "invalid", line: 6, column: 3, data: { key: "redis-password" } },
        { messageId: "notString", line: 7, column: 3, data: { key: "port" } },
      ],
    },
    {
      name: "a number in stringData is refused (a token of digits written without quotes)",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
        stringData:
          api-token: 12345
          enabled: true
          note: "12345"
      `,
      errors: [
        { messageId: "stringDataNotString", line: 5, column: 3, data: { key: "api-token" } },
        { messageId: "stringDataNotString", line: 6, column: 3, data: { key: "enabled" } },
      ],
    },
    {
      name: "base64url is not what Kubernetes reads",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
        data: {token: "ab-_"}
      `,
      errors: [{ messageId: "invalid", line: 4, column: 8 }],
    },
  ],
});
