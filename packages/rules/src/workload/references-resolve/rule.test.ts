import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { referencesResolve } from "./rule.js";

const secret = `
apiVersion: v1
kind: Secret
metadata: {name: scout-secrets, namespace: scout}
data: {api-token: YWJj}
`;

new RuleTester({ describe, it }).run(referencesResolve, {
  valid: [
    {
      name: "the keys the token controller fills into a service-account-token Secret",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata:
          name: backend-token
          namespace: scout
          annotations: {kubernetes.io/service-account.name: scout-backend}
        type: kubernetes.io/service-account-token
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers:
            - name: a
              env:
                - name: TOKEN
                  valueFrom: {secretKeyRef: {name: backend-token, key: token}}
                - name: CA
                  valueFrom: {secretKeyRef: {name: backend-token, key: ca.crt}}
      `,
    },
    {
      name: "references to defined objects and keys; optional ones; a SealedSecret and an ExternalSecret count",
      yaml: `
        ${secret.trim().replaceAll("\n", "\n        ")}
        ---
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata: {name: sealed, namespace: scout}
        spec: {encryptedData: {redis-password: AgB...}}
        ---
        apiVersion: external-secrets.io/v1beta1
        kind: ExternalSecret
        metadata: {name: ext, namespace: scout}
        spec: {target: {name: from-vault}, dataFrom: [{extract: {key: scout}}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers:
            - name: api
              env:
                - name: API_TOKEN
                  valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}
                - name: REDIS_PASSWORD
                  valueFrom: {secretKeyRef: {name: sealed, key: redis-password}}
                - name: EXTRA
                  valueFrom: {secretKeyRef: {name: absent, key: x, optional: true}}
                - name: LEVEL
                  valueFrom: {configMapKeyRef: {name: not-in-input, key: level}}
              envFrom: [{secretRef: {name: from-vault}}]
      `,
    },
    {
      name: "no Secret in the namespace: they are managed outside the input",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers:
            - name: api
              envFrom: [{secretRef: {name: scout-secrets}}]
      `,
    },
    {
      name: "a pod and a Secret both without a namespace land in the same one (default, or -n)",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: scout-secrets}
        data: {api-token: YWJj}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              envFrom: [{secretRef: {name: scout-secrets}}]
      `,
    },
  ],
  invalid: [
    {
      name: "no Scout namespace known: a pod without a namespace lands in default, beside no Secret of scout",
      yaml: `
        ${secret.trim().replaceAll("\n", "\n        ")}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              envFrom: [{secretRef: {name: scout-secrets}}]
      `,
      errors: [
        {
          messageId: "elsewhere",
          line: 12,
          column: 30,
          data: { kind: "Secret", name: "scout-secrets", namespace: "default", other: "scout" },
        },
      ],
    },
    {
      name: "a missing Secret, a missing key, a missing volume item",
      yaml: `
        ${secret.trim().replaceAll("\n", "\n        ")}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            spec:
              containers:
                - name: api
                  env:
                    - name: API_TOKEN
                      valueFrom: {secretKeyRef: {name: scout-secrets, key: api_token}}
                  envFrom:
                    - secretRef: {name: scout-secret}
              volumes:
                - name: tls
                  secret:
                    secretName: scout-secrets
                    items: [{key: tls.crt, path: tls.crt}]
      `,
      errors: [
        {
          messageId: "missingKey",
          line: 16,
          column: 63,
          data: { kind: "Secret", name: "scout-secrets", namespace: "scout", key: "api_token" },
        },
        {
          messageId: "missing",
          line: 18,
          column: 27,
          data: { kind: "Secret", name: "scout-secret", namespace: "scout" },
        },
        { messageId: "missingKey", line: 23, column: 22 },
      ],
    },
    {
      name: "a pod without a namespace lands in default, not the Scout namespace: the Scout namespace's Secret does not resolve",
      settings: { namespace: "scout" },
      yaml: `
        ${secret.trim().replaceAll("\n", "\n        ")}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              env:
                - name: API_TOKEN
                  valueFrom:
                    secretKeyRef:
                      name: scout-secrets
                      key: api-token
      `,
      errors: [
        {
          messageId: "elsewhere",
          line: 16,
          column: 15,
          data: { kind: "Secret", name: "scout-secrets", namespace: "default", other: "scout" },
        },
      ],
    },
  ],
});
