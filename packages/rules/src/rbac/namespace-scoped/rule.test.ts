import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { namespaceScoped } from "./rule.js";

const backend = `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              serviceAccountName: scout-backend
              containers: [{name: api}]
`;

new RuleTester({ describe, it }).run(namespaceScoped, {
  valid: [
    {
      name: "a Role and a RoleBinding in the Scout namespace",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: backend, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: backend}
        subjects: [{kind: ServiceAccount, name: scout-backend, namespace: scout}]
      `,
    },
    {
      name: "a ClusterRoleBinding for an account that is not Scout's",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: monitoring}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: ServiceAccount, name: agent, namespace: monitoring}]
      `,
    },
    {
      name: "a ClusterRoleBinding to scout-backend of another namespace is not the backend's account",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              serviceAccountName: scout-backend
              containers: [{name: api}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: staging-backend}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: ServiceAccount, name: scout-backend, namespace: staging}]
      `,
    },
  ],
  invalid: [
    {
      name: "with no one Scout namespace, a RoleBinding in another namespace than its Scout account's grants rights there",
      yaml: `${backend}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: scout}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: evil}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: there, namespace: evil}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
        subjects: [{kind: ServiceAccount, name: scout-backend, namespace: scout}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: here, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
      errors: [
        {
          messageId: "outsideNamespace",
          line: 22,
          column: 25,
          data: { binding: "there", actual: "evil", expected: "scout" },
        },
      ],
    },
    {
      name: "a RoleBinding without a namespace is created in default, outside the Scout namespace",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: stray}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: backend}
        subjects: [{kind: ServiceAccount, name: scout-backend, namespace: scout}]
      `,
      errors: [
        {
          messageId: "outsideNamespace",
          line: 3,
          column: 1,
          data: { binding: "stray", actual: "default", expected: "scout" },
        },
      ],
    },
    {
      name: "a ClusterRoleBinding that names a namespace still grants cluster-wide (the API server clears it)",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: reader, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: ServiceAccount, name: scout-backend, namespace: scout}]
      `,
      errors: [
        {
          messageId: "clusterBinding",
          line: 5,
          column: 12,
          data: { binding: "reader", role: "view", account: "scout-backend" },
        },
      ],
    },
    {
      name: "a ClusterRoleBinding naming the backend's account, found through the workload",
      yaml: `${backend}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: backend-read}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects:
          - kind: ServiceAccount
            name: scout-backend
            namespace: scout
      `,
      errors: [
        {
          messageId: "clusterBinding",
          line: 17,
          column: 5,
          data: { binding: "backend-read", role: "view", account: "scout-backend" },
        },
      ],
    },
    {
      name: "a RoleBinding to a ClusterRole counts; a RoleBinding outside the Scout namespace",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: backend, namespace: scout}
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: edit
        subjects: [{kind: ServiceAccount, name: scout-backend}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: stray
          namespace: kube-system
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
        subjects: [{kind: ServiceAccount, name: x}]
      `,
      errors: [
        {
          messageId: "clusterRole",
          line: 6,
          column: 3,
          data: { binding: "backend", role: "edit", account: "scout-backend" },
        },
        {
          messageId: "outsideNamespace",
          line: 14,
          column: 3,
          data: { binding: "stray", actual: "kube-system", expected: "scout" },
        },
      ],
    },
    {
      name: "the account's user name and the groups that hold Scout's accounts grant to them",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: as-user}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects:
          - kind: User
            name: system:serviceaccount:scout:scout-backend
          - kind: Group
            name: system:serviceaccounts:scout
          - kind: Group
            name: system:serviceaccounts:monitoring
          - kind: Group
            name: system:authenticated
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: ns-group, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: Group, name: system:serviceaccounts}]
      `,
      errors: [
        {
          messageId: "clusterBinding",
          line: 6,
          column: 5,
          data: { binding: "as-user", role: "view", account: "scout-backend" },
        },
        {
          messageId: "clusterBindingGroup",
          line: 8,
          column: 5,
          data: { binding: "as-user", role: "view", account: "system:serviceaccounts:scout" },
        },
        {
          messageId: "clusterBindingGroup",
          line: 12,
          column: 5,
          data: { binding: "as-user", role: "view", account: "system:authenticated" },
        },
        {
          messageId: "clusterRoleGroup",
          line: 18,
          column: 48,
          data: { binding: "ns-group", role: "view", account: "system:serviceaccounts" },
        },
      ],
    },
  ],
});
