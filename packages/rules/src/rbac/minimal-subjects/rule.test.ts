import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { minimalSubjects } from "./rule.js";

new RuleTester({ describe, it }).run(minimalSubjects, {
  valid: [
    {
      name: "an empty subject namespace is an unset one: the account is the binding's own",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: scout-backend, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: scout-backend}
        subjects: [{kind: ServiceAccount, name: scout-backend, namespace: ""}]
      `,
    },
    {
      name: "a RoleBinding of another namespace for its own account, and one in Scout's whose subject takes the binding's namespace",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: exporter, namespace: monitoring}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: exporter}
        subjects: [{kind: ServiceAccount, name: exporter, namespace: monitoring}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: scout-backend, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: scout-backend}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
    },
    {
      name: "a RoleBinding's account takes the binding's namespace; an omitted apiGroup is defaulted",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: fine, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: scout-backend}
        subjects:
          - {kind: ServiceAccount, name: scout-backend}
          - {kind: User, name: "system:serviceaccount:scout:scout-worker"}
      `,
    },
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
      name: "a subject without a name, or a ServiceAccount whose name is no DNS subdomain, makes the API server refuse the binding",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: rb, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
        subjects:
          - {kind: ServiceAccount, name: ""}
          - {kind: ServiceAccount, name: Scout_Backend}
          - {kind: User, name: "", apiGroup: rbac.authorization.k8s.io}
          - {kind: User, name: "Alice Smith", apiGroup: rbac.authorization.k8s.io}
      `,
      errors: [
        {
          messageId: "refusedSubject",
          line: 6,
          column: 28,
          data: { kind: "RoleBinding", binding: "rb", role: "r", reason: "a subject needs a name" },
        },
        { messageId: "refusedSubject", line: 7, column: 28 },
        { messageId: "notServiceAccount", line: 8, column: 6 },
        { messageId: "refusedSubject", line: 8, column: 18 },
        // A user's name may be anything: reported as no service account (on its kind), not as refused.
        { messageId: "notServiceAccount", line: 9, column: 6 },
      ],
    },
    {
      name: "a ServiceAccount of a ClusterRoleBinding with an empty namespace is refused like one with none",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: reader}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: ServiceAccount, name: scout-backend, namespace: ""}]
      `,
      errors: [
        {
          messageId: "refusedSubject",
          line: 5,
          column: 12,
          data: {
            kind: "ClusterRoleBinding",
            binding: "reader",
            role: "view",
            reason: "a ServiceAccount of a ClusterRoleBinding needs its namespace",
          },
        },
      ],
    },
    {
      name: "a RoleBinding in the Scout namespace that names a service account of another namespace",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: scout-backend, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: scout-backend}
        subjects:
          - {kind: ServiceAccount, name: scout-backend, namespace: scout}
          - {kind: ServiceAccount, name: scout-backend, namespace: other}
      `,
      errors: [
        {
          messageId: "foreignAccount",
          line: 7,
          column: 49,
          data: {
            kind: "RoleBinding",
            binding: "scout-backend",
            role: "scout-backend",
            subject: "scout-backend",
            namespace: "other",
            scout: "scout",
          },
        },
      ],
    },
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
          line: 7,
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
          line: 11,
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
          line: 7,
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
          line: 9,
          column: 5,
          data: { kind: "RoleBinding", binding: "all-of-scout", role: "backend" },
        },
      ],
    },
    {
      name: "subjects the API server refuses: an unknown kind, a wrong apiGroup, a ClusterRoleBinding's account without namespace",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: broken}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects:
          - {kind: serviceaccount, name: scout-backend, namespace: scout}
          - {kind: ServiceAccount, name: scout-backend, namespace: scout, apiGroup: rbac.authorization.k8s.io}
          - {kind: ServiceAccount, name: scout-worker}
          - {kind: User, name: "system:serviceaccount:scout:scout-backend", apiGroup: v1}
      `,
      errors: [
        {
          messageId: "refusedSubject",
          line: 6,
          column: 6,
          data: {
            kind: "ClusterRoleBinding",
            binding: "broken",
            reason: 'kind "serviceaccount" is none of ServiceAccount, User, Group',
          },
        },
        {
          messageId: "refusedSubject",
          line: 7,
          column: 67,
          data: {
            kind: "ClusterRoleBinding",
            binding: "broken",
            reason: 'a ServiceAccount\'s apiGroup is "", not "rbac.authorization.k8s.io"',
          },
        },
        {
          messageId: "refusedSubject",
          line: 8,
          column: 5,
          data: {
            kind: "ClusterRoleBinding",
            binding: "broken",
            reason: "a ServiceAccount of a ClusterRoleBinding needs its namespace",
          },
        },
        {
          messageId: "refusedSubject",
          line: 9,
          column: 69,
          data: {
            kind: "ClusterRoleBinding",
            binding: "broken",
            reason: 'a User\'s apiGroup is rbac.authorization.k8s.io, not "v1"',
          },
        },
      ],
    },
  ],
});
