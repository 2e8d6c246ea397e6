import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { externalManagement } from "./rule.js";

const literalSecret = `
  apiVersion: v1
  kind: Secret
  metadata: {name: scout-secrets}
  data: {api-token: YQ==, redis-password: Yg==}
`;

new RuleTester({ describe, it }).run(externalManagement, {
  valid: [
    { name: "outside the production profile literal Secrets are fine", yaml: literalSecret },
    {
      name: "production with an ExternalSecret, a SealedSecret and an empty Secret",
      settings: { profile: "production" },
      yaml: `
        apiVersion: external-secrets.io/v1
        kind: ExternalSecret
        metadata: {name: scout-secrets}
        spec: {secretStoreRef: {name: vault, kind: ClusterSecretStore}, target: {name: scout-secrets}}
        ---
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata: {name: other}
        spec: {encryptedData: {api-token: AgBy3i4OJSWK}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: sa-token, annotations: {kubernetes.io/service-account.name: backend}}
        type: kubernetes.io/service-account-token
      `,
    },
  ],
  invalid: [
    {
      name: "production with literal values",
      settings: { profile: "production" },
      yaml: literalSecret,
      errors: [
        {
          messageId: "literalValues",
          line: 4,
          column: 1,
          data: { name: "scout-secrets", count: 2 },
        },
      ],
    },
    {
      name: "production with stringData only",
      settings: { profile: "production" },
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
        stringData: {token: a}
      `,
      errors: [{ messageId: "literalValues", line: 4, column: 1, data: { name: "s", count: 1 } }],
    },
  ],
});
