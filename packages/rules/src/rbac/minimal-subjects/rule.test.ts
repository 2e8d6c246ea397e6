import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { minimalSubjects } from "./rule.js";

new RuleTester({ describe, it }).run(minimalSubjects, {
  valid: [
    {
      name: "a dedicated service account",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: backend, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: backend}
        subjects: [{kind: ServiceAccount, name: scout-backend, namespace: scout}]
      `,
    },
    {
      name: "the dedicated account named by its user name is that account",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: backend, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: backend}
        subjects: [{kind: User, name: "system:serviceaccount:scout:scout-backend"}]
      `,
    },
  ],
  invalid: [
    {
      name: "a broad group, a user and the default account",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: wide}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects:
          - kind: Group
            name: system:authenticated
          - kind: User
            name: alice
          - kind: ServiceAccount
            name: default
            namespace: scout
      `,
      errors: [
        {
          messageId: "broadGroup",
          line: 6,
          column: 5,
          data: {
            kind: "ClusterRoleBinding",
            binding: "wide",
            role: "view",
            subject: "system:authenticated",
          },
        },
        {
          messageId: "notServiceAccount",
          line: 8,
          column: 5,
          data: {
            kind: "ClusterRoleBinding",
            binding: "wide",
            role: "view",
            subject: "alice",
            subjectKind: "User",
          },
        },
        {
          messageId: "defaultAccount",
          line: 10,
          column: 5,
          data: { kind: "ClusterRoleBinding", binding: "wide", role: "view" },
        },
      ],
    },
    {
      name: "a namespace's service-account group holds its default account; so does the user name",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: all-of-scout, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: backend}
        subjects:
          - kind: Group
            name: system:serviceaccounts:scout
          - kind: User
            name: system:serviceaccount:scout:default
      `,
      errors: [
        {
          messageId: "broadGroup",
          line: 6,
          column: 5,
          data: {
            kind: "RoleBinding",
            binding: "all-of-scout",
            role: "backend",
            subject: "system:serviceaccounts:scout",
          },
        },
        {
          messageId: "defaultAccount",
          line: 8,
          column: 5,
          data: { kind: "RoleBinding", binding: "all-of-scout", role: "backend" },
        },
      ],
    },
  ],
});
