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
  ],
});
