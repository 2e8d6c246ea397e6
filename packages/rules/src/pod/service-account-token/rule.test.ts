import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { serviceAccountToken } from "./rule.js";

new RuleTester({ describe, it }).run(serviceAccountToken, {
  valid: [
    containersThatSayNothing,
    {
      name: "a null automountServiceAccountToken is unset: the ServiceAccount's false holds",
      yaml: `
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: default, namespace: scout}
        automountServiceAccountToken: false
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          automountServiceAccountToken: null
          containers: [{name: a}]
      `,
    },
    {
      name: "a pod that turns the token off",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend}
        spec:
          template:
            spec:
              automountServiceAccountToken: false
              containers: [{name: web}]
      `,
    },
    {
      name: "the backend under its dedicated service account may mount its token",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              serviceAccountName: scout-backend
              containers: [{name: api}]
      `,
    },
    {
      name: "the default ServiceAccount of the bundle turns the token off",
      yaml: `
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: default, namespace: scout}
        automountServiceAccountToken: false
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers: [{name: a}]
      `,
    },
    {
      name: "the token Secret of the pod's own dedicated account is its own token",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata:
          name: backend-token
          annotations: {kubernetes.io/service-account.name: scout-backend}
        type: kubernetes.io/service-account-token
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          serviceAccountName: scout-backend
          containers: [{name: a}]
          volumes: [{name: t, secret: {secretName: backend-token}}]
      `,
    },
  ],
  invalid: [
    {
      name: "a ServiceAccount without a namespace is created in default: it does not turn off the Scout namespace's default token",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: default}
        automountServiceAccountToken: false
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers: [{name: a}]
      `,
      errors: [{ messageId: "tokenMounted", line: 9, column: 1, data: { account: "default" } }],
    },
    {
      name: "no setting under the default account",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: a}]
      `,
      errors: [{ messageId: "tokenMounted", line: 4, column: 1, data: { account: "default" } }],
    },
    {
      name: "an explicit true under an explicit default account",
      yaml: `
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          template:
            spec:
              serviceAccountName: default
              automountServiceAccountToken: true
              containers: [{name: a}]
      `,
      errors: [{ messageId: "tokenMounted", line: 8, column: 7 }],
    },
    {
      name: "automount off, but a projected volume mounts the default account's token",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          automountServiceAccountToken: false
          containers: [{name: a}]
          volumes:
            - name: token
              projected:
                sources:
                  - configMap: {name: ca}
                  - serviceAccountToken: {path: token, audience: vault}
      `,
      errors: [
        {
          messageId: "projectedToken",
          line: 12,
          column: 13,
          data: { account: "default", volume: "token" },
        },
      ],
    },
    {
      name: "a token Secret of another account, read as a volume or an env var, carries that account's token",
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata:
          name: admin-token
          namespace: scout
          annotations: {kubernetes.io/service-account.name: scout-admin}
        type: kubernetes.io/service-account-token
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            spec:
              serviceAccountName: scout-backend
              containers:
                - name: api
                  env:
                    - name: TOKEN
                      valueFrom: {secretKeyRef: {name: admin-token, key: token}}
              volumes:
                - name: t
                  secret: {secretName: admin-token}
      `,
      errors: [
        {
          messageId: "tokenSecret",
          line: 20,
          column: 42,
          data: { account: "scout-backend", secret: "admin-token", owner: "scout-admin" },
        },
        {
          messageId: "tokenSecret",
          line: 23,
          column: 20,
          data: { account: "scout-backend", secret: "admin-token", owner: "scout-admin" },
        },
      ],
    },
    {
      name: "Argo: the template's automountServiceAccountToken replaces the workflow's; a workflow's false covers a template that says nothing",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: wf}
        spec:
          automountServiceAccountToken: false
          templates:
            - name: quiet
              container: {image: alpine:3.19}
            - name: loud
              automountServiceAccountToken: true
              container: {image: alpine:3.19}
      `,
      errors: [{ messageId: "tokenMounted", line: 10, column: 7 }],
    },
  ],
});
