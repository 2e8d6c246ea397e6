import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { noWildcards } from "./rule.js";

new RuleTester({ describe, it }).run(noWildcards, {
  valid: [
    {
      name: "explicit verbs, resources and groups",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: backend, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [configmaps]
            resourceNames: [scout-config]
            verbs: [get]
      `,
    },
  ],
  invalid: [
    {
      name: "one finding per wildcard, at the entry",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: admin-ish}
        rules:
          - apiGroups: ["*"]
            resources: [pods, "*"]
            verbs:
              - get
              - "*"
      `,
      errors: [
        {
          messageId: "wildcard",
          line: 5,
          column: 17,
          data: { kind: "ClusterRole", name: "admin-ish", field: "apiGroups", what: "API group" },
        },
        {
          messageId: "wildcard",
          line: 6,
          column: 23,
          data: { kind: "ClusterRole", name: "admin-ish", field: "resources", what: "resource" },
        },
        {
          messageId: "wildcard",
          line: 9,
          column: 9,
          data: { kind: "ClusterRole", name: "admin-ish", field: "verbs", what: "verb" },
        },
      ],
    },
    {
      name: "a * or /* in nonResourceURLs grants every URL of the API server",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: urls}
        rules:
          - nonResourceURLs: ["/healthz", "/api/*"]
            verbs: [get]
          - nonResourceURLs: ["*"]
            verbs: [get]
          - nonResourceURLs: ["/*"]
            verbs: [get]
      `,
      errors: [
        {
          messageId: "wildcard",
          line: 7,
          column: 23,
          data: {
            kind: "ClusterRole",
            name: "urls",
            field: "nonResourceURLs",
            what: "non-resource URL",
          },
        },
        {
          messageId: "wildcard",
          line: 9,
          column: 23,
          data: {
            kind: "ClusterRole",
            name: "urls",
            field: "nonResourceURLs",
            what: "non-resource URL",
          },
        },
      ],
    },
  ],
});
