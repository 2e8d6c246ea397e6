import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { stringData } from "./rule.js";

new RuleTester({ describe, it }).run(stringData, {
  valid: [
    {
      name: "values in data only",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data: {api-token: YQ==}
      `,
    },
  ],
  invalid: [
    {
      name: "one finding per plain-text key",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        stringData:
          api-token: hello
          redis-password: world
      `,
      errors: [
        { messageId: "plainText", line: 5, column: 3, data: { key: "api-token" } },
        { messageId: "plainText", line: 6, column: 3, data: { key: "redis-password" } },
      ],
    },
  ],
});
