import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { dedicatedServiceAccount } from "./rule.js";

new RuleTester({ describe, it }).run(dedicatedServiceAccount, {
  valid: [
    {
      name: "the backend runs under its own ServiceAccount, defined beside it",
      yaml: `
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: scout-backend, namespace: scout}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              serviceAccountName: scout-backend
              containers: [{name: api}]
      `,
    },
    {
      name: "no identified backend: nothing to judge",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec: {template: {spec: {containers: [{name: api}]}}}
      `,
    },
  ],
  invalid: [
    {
      name: "the backend under the default account (unset)",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers: [{name: api}]
      `,
      errors: [{ messageId: "defaultAccount", line: 7, column: 5, data: { component: "backend" } }],
    },
    {
      name: "an account that the input does not define (one in another namespace does not count)",
      yaml: `
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: scout-backend, namespace: elsewhere}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              serviceAccountName: scout-backend
              containers: [{name: api}]
      `,
      errors: [
        {
          messageId: "undefinedAccount",
          line: 12,
          column: 7,
          data: { component: "backend", account: "scout-backend", namespace: "scout" },
        },
      ],
    },
    {
      name: "a backend without a namespace lands in default, not the Scout namespace: the Scout namespace's account is not its own",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: scout-backend, namespace: scout}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              serviceAccountName: scout-backend
              containers: [{name: api}]
      `,
      errors: [
        {
          messageId: "undefinedAccount",
          line: 12,
          column: 7,
          data: { component: "backend", account: "scout-backend", namespace: "default" },
        },
      ],
    },
    {
      name: "another workload under the backend's account shares its permissions",
      yaml: `
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: scout-backend, namespace: scout}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              serviceAccountName: scout-backend
              containers: [{name: api}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend-canary, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              serviceAccountName: scout-backend
              containers: [{name: api}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: frontend}}
            spec:
              serviceAccountName: scout-backend
              containers: [{name: web}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: other-team, namespace: team-a}
        spec:
          template:
            spec:
              serviceAccountName: scout-backend
              containers: [{name: job}]
      `,
      errors: [
        {
          messageId: "sharedAccount",
          line: 32,
          column: 7,
          data: {
            kind: "Deployment",
            name: "frontend",
            component: "backend",
            account: "scout-backend",
          },
        },
      ],
    },
    {
      name: "an Argo Workflow labelled as the backend is no Scout component: under the backend's service account it shares the backend's token",
      yaml: `
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: scout-backend, namespace: scout}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              serviceAccountName: scout-backend
              containers: [{name: api, image: ghcr.io/scout/backend:1.0}]
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: migrate, namespace: scout, labels: {app.kubernetes.io/component: backend}}
        spec:
          serviceAccountName: scout-backend
          podMetadata: {labels: {app.kubernetes.io/component: backend}}
          templates:
            - name: run
              container: {image: ghcr.io/scout/backend:1.0}
      `,
      errors: [{ messageId: "sharedAccount", line: 19, column: 3 }],
    },
  ],
});
