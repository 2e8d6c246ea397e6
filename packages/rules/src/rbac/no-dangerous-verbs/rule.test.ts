import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { ESCALATION_PATHS, noDangerousVerbs } from "./rule.js";

/** A warning of an escalation path beyond rules.md, at "line:column" of the verb. */
const warned = (
  [kind, name]: [string, string],
  verb: string,
  resources: string,
  path: keyof typeof ESCALATION_PATHS,
  at: string,
) => ({
  messageId: "escalationPath",
  line: Number(at.split(":")[0]),
  column: Number(at.split(":")[1]),
  severity: "warning" as const,
  data: { kind, name, verb, resources, path: ESCALATION_PATHS[path] },
});
/**
 * An error: a path that gives alone what a catalogue grant gives (code in a running Pod is exec,
 * reading any Secret by its name is listing them), at "line:column" of the verb.
 */
const asMuchAs = (
  [kind, name]: [string, string],
  verb: string,
  resources: string,
  path: keyof typeof ESCALATION_PATHS,
  sameAs: "create on pods/exec" | "list on secrets",
  at: string,
) => ({
  messageId: "anotherRoad",
  line: Number(at.split(":")[0]),
  column: Number(at.split(":")[1]),
  data: { kind, name, verb, resources, sameAs, path: ESCALATION_PATHS[path] },
});
const deployer: [string, string] = ["ClusterRole", "deployer"];
const ops: [string, string] = ["Role", "ops"];

new RuleTester({ describe, it }).run(noDangerousVerbs, {
  valid: [
    {
      name: "from 1.35 the API server asks create on exec, attach and port-forward: get alone opens none",
      kubernetesVersion: "1.37.0",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: shell, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [pods/exec, pods/attach, pods/portforward]
            verbs: [get]
      `,
    },
    {
      name: "the 1.35 gate is on by default at 1.35 itself",
      kubernetesVersion: "1.35.0",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: shell, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [pods/exec, pods/portforward]
            verbs: [get]
      `,
    },
    {
      name: "names narrow a Secret's patch as get's; a Role never reaches nodes; create on secrets named carries no name",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: backend, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [secrets]
            resourceNames: [scout-secrets]
            verbs: [get, patch, create, deletecollection]
          - apiGroups: [""]
            resources: [nodes, pods/status, services, events]
            verbs: [update, patch, delete, deletecollection]
          - apiGroups: [""]
            resources: [serviceaccounts, configmaps]
            verbs: [create, list, watch]
          - apiGroups: [authentication.k8s.io, authorization.k8s.io]
            resources: [tokenreviews, subjectaccessreviews]
            verbs: [create]
      `,
    },
    {
      name: "get on one named secret, list on pods/exec, secrets of another API group",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: backend}
        rules:
          - apiGroups: [""]
            resources: [secrets]
            resourceNames: [scout-secrets]
            verbs: [get]
          - apiGroups: [""]
            resources: [pods/exec, "*/scale"]
            verbs: [list, patch]
          - apiGroups: [external-secrets.io]
            resources: [secrets]
            verbs: [list]
      `,
    },
    {
      name: "escalate, bind and impersonate where the authorizer never checks them grant nothing",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: inert, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [configmaps, roles]
            verbs: [escalate, bind]
          - apiGroups: [apps]
            resources: [deployments, users]
            verbs: [impersonate]
          - apiGroups: [authentication.k8s.io]
            resources: [userextras]
            verbs: [impersonate]
      `,
    },
    {
      name: 'resourceNames [""] matches no exec, token or impersonation request: they always carry a name',
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: unnamed, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [pods/exec, serviceaccounts/token, users]
            resourceNames: [""]
            verbs: [create, impersonate]
      `,
    },
    {
      name: "admin gets exec and secrets only through edit: an edit opted out of reconciliation takes them away",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: edit
          annotations: {rbac.authorization.kubernetes.io/autoupdate: "false"}
        rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: ops-admin, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
    },
    {
      name: "reconciliation removes the aggregationRule of a built-in that has none, and edit already aggregates its own",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: cluster-admin}
        aggregationRule:
          clusterRoleSelectors: [{matchLabels: {kubernetes.io/bootstrapping: rbac-defaults}}]
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: edit}
        aggregationRule:
          clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}]
        rules: []
      `,
    },
    {
      name: "a grant only through a wildcard is rbac/no-wildcards' finding",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: all}
        rules:
          - apiGroups: ["*"]
            resources: ["*"]
            verbs: ["*"]
      `,
    },
    {
      name: "an aggregated ClusterRole of view-level labels gets no dangerous rule",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: scout-view}
        aggregationRule:
          clusterRoleSelectors:
            - matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
            - matchLabels: {scout.example/aggregate: "true"}
        rules: []
      `,
    },
    {
      name: "a binding to view, or to a built-in's name the input redefines with autoupdate false",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: read, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: edit
          annotations: {rbac.authorization.kubernetes.io/autoupdate: "false"}
        rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: edit-own, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
    },
    {
      name: "list and watch narrowed by resourceNames read the named Secret alone (kubectl get secret NAME -w)",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: backend, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [secrets]
            resourceNames: [scout-secrets]
            verbs: [get, list, watch]
      `,
    },
    {
      name: "names narrow get to one Secret and leave create nothing; a Role never reaches cluster-scoped resources",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: backend, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [secrets]
            resourceNames: [scout-secrets]
            verbs: [get]
          - apiGroups: ["", apps]
            resources: [pods, deployments]
            resourceNames: [scout-backend]
            verbs: [create]
          - apiGroups: ["", certificates.k8s.io, admissionregistration.k8s.io]
            resources:
              - nodes/proxy
              - persistentvolumes
              - signers
              - validatingwebhookconfigurations
              - certificatesigningrequests/nodeclient
            verbs: [get, create, approve, update]
          - apiGroups: [""]
            resources: [namespaces]
            resourceNames: [other]
            verbs: [patch]
      `,
    },
    {
      name: "another domain's signer, a Namespace's status, reading workloads, secrets of another group; RoleBindings of built-ins that act on cluster-scoped resources alone",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader}
        rules:
          - apiGroups: [certificates.k8s.io]
            resources: [signers]
            resourceNames: [example.com/scout]
            verbs: [approve]
          - apiGroups: ["", apps, batch]
            resources: [deployments, jobs, pods/log]
            verbs: [get, list, watch]
          - apiGroups: [""]
            resources: [namespaces/status, pods/status]
            verbs: [patch]
          - apiGroups: [external-secrets.io]
            resources: [secrets]
            verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: kubelet, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:kubelet-api-admin}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: aggregator, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:clusterrole-aggregation-controller}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
    },
    {
      name: "edit pulls view, which pulls a cluster-admin labelled for it: edit's own selector for view adds nothing",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: cluster-admin
          labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: edit}
        aggregationRule:
          clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}]
        rules: []
      `,
    },
    {
      name: "a Role never grants impersonating users, groups, uids or extras, nor escalating ClusterRoles: asked with no namespace",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: inert-here, namespace: scout}
        rules:
          - apiGroups: ["", authentication.k8s.io]
            resources: [users, groups, uids, userextras/scopes]
            verbs: [impersonate]
          - apiGroups: [rbac.authorization.k8s.io]
            resources: [clusterroles]
            verbs: [escalate]
      `,
    },
    {
      name: "constrained impersonation grants nothing where the API server does not ask it",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: narrow, namespace: scout}
        rules:
          - apiGroups: [authentication.k8s.io]
            resources: [users, groups, nodes]
            verbs: [impersonate:user-info, impersonate:arbitrary-node]
          - apiGroups: [""]
            resources: [serviceaccounts]
            verbs: [impersonate:serviceaccount]
          - apiGroups: [""]
            resources: [secrets]
            resourceNames: [scout-secrets]
            verbs: [impersonate-on:user-info:get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: one-node}
        rules:
          - apiGroups: [authentication.k8s.io]
            resources: [nodes]
            resourceNames: [node-1]
            verbs: [impersonate:associated-node]
      `,
    },
  ],
  invalid: [
    {
      name: "an empty resourceName matches the unnamed list request: every Secret",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: backend, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [secrets]
            resourceNames: [scout-secrets, ""]
            verbs: [list]
          - apiGroups: [""]
            resources: [pods/exec]
            resourceNames: [scout-backend-0]
            verbs: [create]
      `,
      errors: [
        {
          messageId: "onResource",
          line: 8,
          column: 13,
          data: { kind: "Role", name: "backend", verb: "list", resource: "secrets" },
        },
        {
          messageId: "onResource",
          line: 12,
          column: 13,
          data: { kind: "Role", name: "backend", verb: "create", resource: "pods/exec" },
        },
      ],
    },
    {
      name: "escalate, create on pods/exec and serviceaccounts/token, list and watch on secrets",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: risky}
        rules:
          - apiGroups: [rbac.authorization.k8s.io]
            resources: [clusterroles]
            verbs: [escalate]
          - apiGroups: [""]
            resources: [pods/exec, serviceaccounts/token]
            verbs: [create]
          - apiGroups: [""]
            resources: [secrets]
            verbs: [get, list, watch]
      `,
      errors: [
        {
          messageId: "escalating",
          line: 7,
          column: 13,
          data: { kind: "ClusterRole", name: "risky", verb: "escalate" },
        },
        {
          messageId: "onResource",
          line: 10,
          column: 13,
          data: { kind: "ClusterRole", name: "risky", verb: "create", resource: "pods/exec" },
        },
        {
          messageId: "onResource",
          line: 10,
          column: 13,
          data: {
            kind: "ClusterRole",
            name: "risky",
            verb: "create",
            resource: "serviceaccounts/token",
          },
        },
        asMuchAs(["ClusterRole", "risky"], "get", "secrets", "secrets", "list on secrets", "13:13"),
        {
          messageId: "onResource",
          line: 13,
          column: 18,
          data: { kind: "ClusterRole", name: "risky", verb: "list", resource: "secrets" },
        },
        {
          messageId: "onResource",
          line: 13,
          column: 24,
          data: { kind: "ClusterRole", name: "risky", verb: "watch", resource: "secrets" },
        },
      ],
    },
    {
      name: "before 1.35 get on pods/exec and pods/attach opens a shell over WebSocket; */exec matches pods/exec",
      kubernetesVersion: "1.34.3",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: shell}
        rules:
          - apiGroups: [""]
            resources: [pods/attach]
            verbs: [get]
          - apiGroups: ["", apps]
            resources: ["*/exec"]
            verbs: [create]
      `,
      errors: [
        {
          messageId: "onResource",
          line: 7,
          column: 13,
          data: { kind: "Role", name: "shell", verb: "get", resource: "pods/attach" },
        },
        {
          messageId: "onResource",
          line: 10,
          column: 13,
          data: { kind: "Role", name: "shell", verb: "create", resource: "pods/exec" },
        },
      ],
    },
    {
      name: "an aggregated ClusterRole receives the rules of the built-in roles its selectors match",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: scout-agg}
        aggregationRule:
          clusterRoleSelectors:
            - matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}
            - matchExpressions: [{key: rbac.authorization.k8s.io/aggregate-to-edit, operator: Exists}]
            - {}
        rules: []
      `,
      errors: [
        {
          messageId: "aggregated",
          line: 6,
          column: 7,
          data: {
            name: "scout-agg",
            role: "edit",
            grants: "create on pods/exec and list on secrets",
          },
        },
        {
          messageId: "aggregated",
          line: 7,
          column: 7,
          data: {
            name: "scout-agg",
            role: "system:aggregate-to-edit",
            grants: "create on pods/exec and list on secrets",
          },
        },
        {
          messageId: "aggregated",
          line: 8,
          column: 7,
          data: {
            name: "scout-agg",
            role: "cluster-admin",
            grants: "every verb on every resource",
          },
        },
      ],
    },
    {
      name: "binding a built-in ClusterRole grants its rules though the input shows none",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: ci-admin}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects: [{kind: ServiceAccount, name: ci, namespace: ci}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: dev-edit, namespace: scout}
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: edit
        subjects: [{kind: ServiceAccount, name: dev}]
      `,
      errors: [
        {
          messageId: "boundBuiltIn",
          line: 4,
          column: 67,
          data: {
            kind: "ClusterRoleBinding",
            name: "ci-admin",
            role: "cluster-admin",
            grants: "every verb on every resource",
          },
        },
        {
          messageId: "boundBuiltIn",
          line: 13,
          column: 3,
          data: {
            kind: "RoleBinding",
            name: "dev-edit",
            role: "edit",
            grants: "create on pods/exec and list on secrets",
          },
        },
      ],
    },
    {
      name: "the control plane's built-in roles read every Secret or escalate for whoever they are bound to",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: cleanup, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:namespace-controller}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: node-like}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:node}
        subjects: [{kind: ServiceAccount, name: agent, namespace: ops}]
      `,
      errors: [
        {
          messageId: "boundBuiltIn",
          line: 4,
          column: 67,
          data: {
            kind: "RoleBinding",
            name: "cleanup",
            role: "system:controller:namespace-controller",
            grants: "list and watch on every resource, secrets included",
          },
        },
        {
          messageId: "boundBuiltIn",
          line: 10,
          column: 67,
          data: {
            kind: "ClusterRoleBinding",
            name: "node-like",
            role: "system:node",
            grants: "list and watch on secrets and create on serviceaccounts/token",
          },
        },
      ],
    },
    {
      name: "the API server adds a default role's permissions back at start: redefining edit does not narrow it",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: edit}
        rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: edit-own, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
      errors: [
        {
          messageId: "boundBuiltIn",
          line: 9,
          column: 67,
          data: {
            kind: "RoleBinding",
            name: "edit-own",
            role: "edit",
            grants: "create on pods/exec and list on secrets",
          },
        },
      ],
    },
    {
      name: "impersonate reaches every key of user extras, escalate the roles of a star group",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: sudo}
        rules:
          - apiGroups: [authentication.k8s.io]
            resources: ["*/scopes"]
            verbs: [impersonate]
          - apiGroups: ["*"]
            resources: [clusterroles]
            verbs: [escalate]
      `,
      errors: [
        {
          messageId: "escalating",
          line: 7,
          column: 13,
          data: { kind: "ClusterRole", name: "sudo", verb: "impersonate" },
        },
        {
          messageId: "escalating",
          line: 10,
          column: 13,
          data: { kind: "ClusterRole", name: "sudo", verb: "escalate" },
        },
      ],
    },
    {
      name: "the storage version migrator's built-in role lists and patches every resource",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: migrate, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:storage-version-migrator-controller}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
      errors: [
        {
          messageId: "boundBuiltIn",
          line: 4,
          column: 67,
          data: {
            kind: "RoleBinding",
            name: "migrate",
            role: "system:controller:storage-version-migrator-controller",
            grants: "list and patch on every resource, secrets included",
          },
        },
      ],
    },
    {
      name: "reconciliation keeps the input's labels: an edit labelled aggregate-to-view lands in view",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: edit
          labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: read, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
      errors: [
        {
          messageId: "boundBuiltIn",
          line: 11,
          column: 67,
          data: {
            kind: "RoleBinding",
            name: "read",
            role: "view",
            grants: "create on pods/exec and list on secrets",
          },
        },
      ],
    },
    {
      name: "the escalation paths Kubernetes documents beyond the catalogue, one per verb: warnings, errors where one alone is exec or reads every Secret",
      kubernetesVersion: "1.37.0",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: deployer}
        rules:
          - apiGroups: ["", apps, batch]
            resources: [secrets, pods, deployments, jobs]
            verbs: [get, create, patch]
          - apiGroups: [""]
            resources: [nodes/proxy, pods/portforward, pods/ephemeralcontainers]
            verbs: [get, patch]
          - apiGroups: [certificates.k8s.io]
            resources: [signers]
            resourceNames: [example.com/scout, kubernetes.io/kube-apiserver-client]
            verbs: [approve]
          - apiGroups: [admissionregistration.k8s.io]
            resources: [mutatingwebhookconfigurations]
            verbs: [delete]
          - apiGroups: [""]
            resources: [namespaces, persistentvolumes]
            verbs: [update, create]
      `,
      errors: [
        asMuchAs(deployer, "get", "secrets", "secrets", "list on secrets", "7:13"),
        warned(deployer, "create", "secrets", "tokenSecrets", "7:18"),
        warned(deployer, "create", "pods, deployments and jobs", "createPods", "7:18"),
        asMuchAs(deployer, "patch", "secrets", "secrets", "list on secrets", "7:26"),
        asMuchAs(deployer, "patch", "pods", "podImage", "create on pods/exec", "7:26"),
        warned(deployer, "patch", "deployments and jobs", "podTemplates", "7:26"),
        asMuchAs(deployer, "get", "nodes/proxy", "nodeProxy", "create on pods/exec", "10:13"),
        asMuchAs(
          deployer,
          "patch",
          "pods/ephemeralcontainers",
          "ephemeral",
          "create on pods/exec",
          "10:18",
        ),
        warned(deployer, "approve", "signers", "signers", "14:13"),
        warned(deployer, "delete", "mutatingwebhookconfigurations", "admission", "17:13"),
        warned(deployer, "update", "namespaces", "namespaces", "20:13"),
        warned(deployer, "create", "persistentvolumes", "persistentVolumes", "20:21"),
      ],
    },
    {
      name: "a Role relabels its own Namespace; an empty name matches the unnamed create",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: ops, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [namespaces]
            resourceNames: [scout]
            verbs: [patch]
          - apiGroups: [batch]
            resources: [cronjobs]
            resourceNames: [""]
            verbs: [create]
      `,
      errors: [
        warned(ops, "patch", "namespaces", "namespaces", "8:13"),
        warned(ops, "create", "cronjobs", "createPods", "12:13"),
      ],
    },
    {
      name: "built-in roles that create Pods or reach the kubelet; a selector pulling a relabelled one",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: kubelet}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:kubelet-api-admin}
        subjects: [{kind: ServiceAccount, name: ops, namespace: ops}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: jobs, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:job-controller}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: system:controller:replicaset-controller
          labels: {scout.example/aggregate: "true"}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: scout-agg}
        aggregationRule:
          clusterRoleSelectors: [{matchLabels: {scout.example/aggregate: "true"}}]
        rules: []
      `,
      errors: [
        {
          messageId: "boundBuiltIn",
          line: 4,
          column: 67,
          data: {
            kind: "ClusterRoleBinding",
            name: "kubelet",
            role: "system:kubelet-api-admin",
            grants: "get and create on nodes/proxy",
          },
        },
        {
          messageId: "boundBuiltIn",
          line: 10,
          column: 67,
          severity: "warning",
          data: {
            kind: "RoleBinding",
            name: "jobs",
            role: "system:controller:job-controller",
            grants: "create on pods",
          },
        },
        {
          messageId: "aggregated",
          line: 24,
          column: 26,
          severity: "warning",
          data: {
            name: "scout-agg",
            role: "system:controller:replicaset-controller",
            grants: "create on pods",
          },
        },
      ],
    },
    {
      name: "a Role impersonates the accounts of its namespace and binds any ClusterRole there",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: sudo, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [users, serviceaccounts]
            verbs: [impersonate]
          - apiGroups: [rbac.authorization.k8s.io]
            resources: [clusterroles]
            verbs: [bind, escalate]
      `,
      errors: [
        {
          messageId: "escalating",
          line: 7,
          column: 13,
          data: { kind: "Role", name: "sudo", verb: "impersonate" },
        },
        {
          messageId: "escalating",
          line: 10,
          column: 13,
          data: { kind: "Role", name: "sudo", verb: "bind" },
        },
      ],
    },
    {
      name: "the controller manager approves a node client certificate for whoever may create nodeclient requests",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: deployer}
        rules:
          - apiGroups: [certificates.k8s.io]
            resources: [certificatesigningrequests, "*/nodeclient"]
            verbs: [create]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: bootstrap}
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: system:certificates.k8s.io:certificatesigningrequests:nodeclient
        subjects: [{kind: ServiceAccount, name: ops, namespace: ops}]
      `,
      errors: [
        warned(deployer, "create", "certificatesigningrequests/nodeclient", "nodeClient", "7:13"),
        {
          messageId: "boundBuiltIn",
          line: 15,
          column: 3,
          severity: "warning",
          data: {
            kind: "ClusterRoleBinding",
            name: "bootstrap",
            role: "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
            grants: "create on certificatesigningrequests/nodeclient",
          },
        },
      ],
    },
    {
      name: "constrained impersonation (on by default since 1.36) is impersonation",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: sudo}
        rules:
          - apiGroups: [authentication.k8s.io]
            resources: [users, nodes]
            resourceNames: [alice, "*"]
            verbs: [impersonate:user-info, impersonate:associated-node]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: as-account, namespace: scout}
        rules:
          - apiGroups: [authentication.k8s.io]
            resources: [serviceaccounts]
            verbs: [impersonate:serviceaccount]
      `,
      errors: [
        {
          messageId: "escalating",
          line: 8,
          column: 13,
          data: { kind: "ClusterRole", name: "sudo", verb: "impersonate:user-info" },
        },
        {
          messageId: "escalating",
          line: 8,
          column: 36,
          data: { kind: "ClusterRole", name: "sudo", verb: "impersonate:associated-node" },
        },
        {
          messageId: "escalating",
          line: 16,
          column: 13,
          data: { kind: "Role", name: "as-account", verb: "impersonate:serviceaccount" },
        },
      ],
    },
    {
      name: "rewriting Pods and Secrets, reading them all through deletecollection, the API server proxy, node taints",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: deployer}
        rules:
          - apiGroups: [""]
            resources: [pods, secrets]
            resourceNames: [backend-0, scout-secrets]
            verbs: [update, deletecollection]
          - apiGroups: [""]
            resources: [secrets]
            resourceNames: [""]
            verbs: [deletecollection]
          - apiGroups: [""]
            resources: [pods/proxy, services/proxy, nodes]
            verbs: [get, create, delete, patch]
          - apiGroups: [""]
            resources: [pods/portforward]
            verbs: [create]
      `,
      errors: [
        asMuchAs(deployer, "update", "pods", "podImage", "create on pods/exec", "8:13"),
        warned(deployer, "update", "secrets", "secretWrites", "8:13"),
        asMuchAs(
          deployer,
          "deletecollection",
          "secrets",
          "deleteSecrets",
          "list on secrets",
          "12:13",
        ),
        warned(deployer, "get", "pods/proxy and services/proxy", "proxy", "15:13"),
        warned(deployer, "create", "pods/proxy and services/proxy", "proxy", "15:18"),
        warned(deployer, "delete", "pods/proxy and services/proxy", "proxy", "15:26"),
        warned(deployer, "patch", "pods/proxy and services/proxy", "proxy", "15:34"),
        warned(deployer, "patch", "nodes", "nodes", "15:34"),
        warned(deployer, "create", "pods/portforward", "portForward", "18:13"),
      ],
    },
    {
      name: "writing Endpoints or EndpointSlices routes a Service's traffic; names narrow create alone",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: ops, namespace: scout}
        rules:
          - apiGroups: ["", discovery.k8s.io]
            resources: [endpoints, endpointslices]
            resourceNames: [redis]
            verbs: [create, patch]
          - apiGroups: [discovery.k8s.io]
            resources: [endpointslices]
            verbs: [create, get, list]
          - apiGroups: [""]
            resources: [endpointslices]
            verbs: [update]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: slices, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:endpointslice-controller}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
      errors: [
        warned(ops, "patch", "endpoints and endpointslices", "endpoints", "8:21"),
        warned(ops, "create", "endpointslices", "endpoints", "11:13"),
        {
          messageId: "boundBuiltIn",
          line: 19,
          column: 67,
          severity: "warning",
          data: {
            kind: "RoleBinding",
            name: "slices",
            role: "system:controller:endpointslice-controller",
            grants: "create and update on endpointslices",
          },
        },
      ],
    },
    {
      name: "delete on secrets reads them: an orphaning delete, dry run or not, returns the whole Secret",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: ops, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [secrets, events]
            verbs: [delete]
          - apiGroups: [""]
            resources: [secrets]
            resourceNames: [scout-secrets]
            verbs: [delete]
      `,
      errors: [asMuchAs(ops, "delete", "secrets", "secrets", "list on secrets", "7:13")],
    },
    {
      name: "before 1.35 get on pods/portforward reaches the Pod's ports over WebSocket",
      kubernetesVersion: "1.34.0",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: ops, namespace: scout}
        rules:
          - apiGroups: [""]
            resources: [pods/portforward]
            verbs: [get]
      `,
      errors: [warned(ops, "get", "pods/portforward", "portForward", "7:13")],
    },
    {
      name: "built-in roles that patch Secrets or nodes: the token cleaner in a namespace, the TTL controller cluster-wide",
      yaml: `
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: cleaner, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:legacy-service-account-token-cleaner}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: ttl}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:ttl-controller}
        subjects: [{kind: ServiceAccount, name: ops, namespace: ops}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: ttl-here, namespace: scout}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:ttl-controller}
        subjects: [{kind: ServiceAccount, name: scout-backend}]
      `,
      errors: [
        {
          messageId: "boundBuiltIn",
          line: 4,
          column: 67,
          data: {
            kind: "RoleBinding",
            name: "cleaner",
            role: "system:controller:legacy-service-account-token-cleaner",
            grants: "patch on every Secret",
          },
        },
        {
          messageId: "boundBuiltIn",
          line: 10,
          column: 67,
          severity: "warning",
          data: {
            kind: "ClusterRoleBinding",
            name: "ttl",
            role: "system:controller:ttl-controller",
            grants: "update and patch on nodes",
          },
        },
      ],
    },
  ],
});
