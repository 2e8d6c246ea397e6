/**
 * Peer conformance cases (../shared/conformance/peers/manifest.json) where our rule deliberately
 * differs from the case's `expect`. Each id is `<file>#<Kind>/<name>` and is named, with the
 * reason, in the rule's README; the conformance test fails when an entry is stale.
 */
export interface ConformanceException {
  rule: string;
  case: string;
  reason: string;
}

export const conformanceExceptions: readonly ConformanceException[] = [
  {
    rule: "workload/namespace",
    case: "kyverno/disallow-default-namespace/resource.yaml#Deployment/baddeployment01",
    reason:
      "rules.md Scope: with no configured namespace and no single Namespace object, only an explicit namespace: default is reported",
  },
  {
    rule: "rbac/no-dangerous-verbs",
    case: "kyverno/restrict-secret-role-verbs/role-good.yaml#Role/goodcr03",
    reason:
      "create, update and patch on secrets: patch reads any Secret (its response is the object), update rewrites one the Pods load, create gets a never-expiring token of any ServiceAccount from the token controller (a kubernetes.io/service-account-token Secret): warnings beyond rules.md, where this peer checks get, list and watch only",
  },
  {
    rule: "rbac/no-dangerous-verbs",
    case: "kyverno/restrict-secret-role-verbs/cr-good.yaml#ClusterRole/goodcr03",
    reason:
      "create, update and patch on secrets: patch reads any Secret (its response is the object), update rewrites one the Pods load, create gets a never-expiring token of any ServiceAccount from the token controller (a kubernetes.io/service-account-token Secret): warnings beyond rules.md, where this peer checks get, list and watch only",
  },
  {
    rule: "rbac/no-dangerous-verbs",
    case: "kyverno/restrict-escalation-verbs-roles/resource.yaml#Role/badrole01",
    reason:
      "impersonate on roles of rbac.authorization.k8s.io: the authorizer asks for impersonate only on users, groups, serviceaccounts, uids and userextras, so this rule grants nothing (rbac-oracle, Kubernetes v1.37.2)",
  },
  {
    rule: "rbac/no-dangerous-verbs",
    case: "polaris/rolePodExecAttach/success.allow_unrelated_perms.yaml#Role/test",
    reason:
      "create on pods: a Pod created in the namespace runs as any of its ServiceAccounts and mounts any of its Secrets (Kubernetes RBAC good practices, workload creation; kube-linter access-to-create-pods): a warning beyond rules.md, where this peer checks exec and attach only",
  },
  {
    rule: "rbac/no-dangerous-verbs",
    case: "polaris/clusterrolePodExecAttach/success.allow_unrelated_perms.yaml#ClusterRole/test",
    reason:
      "create on pods: a Pod created in the namespace runs as any of its ServiceAccounts and mounts any of its Secrets (Kubernetes RBAC good practices, workload creation; kube-linter access-to-create-pods): a warning beyond rules.md, where this peer checks exec and attach only",
  },
  {
    rule: "rbac/no-dangerous-verbs",
    case: "kube-linter/access-to-secrets/access-to-secrets.yml#Role/role1",
    reason:
      "get on secrets without resourceNames reads every Secret whose name is known, and Pod specs tell the names: a warning beyond rules.md, as the peer fires",
  },
  {
    rule: "rbac/no-dangerous-verbs",
    case: "kyverno/restrict-secret-role-verbs/cr-bad.yaml#ClusterRole/badcr01",
    reason:
      "get on secrets without resourceNames reads every Secret whose name is known, and Pod specs tell the names: a warning beyond rules.md, as the peer fires",
  },
  {
    rule: "rbac/no-dangerous-verbs",
    case: "kyverno/restrict-secret-role-verbs/role-bad.yaml#Role/badcr01",
    reason:
      "get on secrets without resourceNames reads every Secret whose name is known, and Pod specs tell the names: a warning beyond rules.md, as the peer fires",
  },
  {
    rule: "workload/resources",
    case: "polaris/cpuLimitsMissing/success.yaml#Pod/nginx",
    reason:
      "CPU and memory limits without requests: the API server defaults each request to its limit, so all four are set on the running pod",
  },
];
