import fc from "fast-check";
import type { Request } from "./rbac-oracle.js";

/**
 * A seeded generator of RBAC objects that vary what the RBAC authorizer looks at, and the
 * dangerous permissions the rbac/* rules care about, as authorizer requests.
 */
export const RBAC_GROUP = "rbac.authorization.k8s.io";
export const SCOUT = "scout";

export interface Danger {
  verb: string;
  /** What the finding names: the verb for the escalating ones, else the resource. */
  names: string;
  /** The requests any one of which the danger is. */
  targets: Array<Omit<Request, "verb">>;
  /** Reading every object: a request without a name (list, watch). */
  unnamed?: boolean;
  /** Reading any object by a name the rule does not list (get). */
  anyName?: boolean;
  /** The names the danger is asked for, whatever the rule lists (signers). */
  requestNames?: readonly string[];
  /** A cluster-scoped resource: a Role's binding never grants it. */
  clusterScoped?: boolean;
}

const onRoles = [
  { apiGroup: RBAC_GROUP, resource: "roles" },
  { apiGroup: RBAC_GROUP, resource: "clusterroles" },
];

const core = (resource: string) => ({ apiGroup: "", resource });
const AUTHN = "authentication.k8s.io";
const CONTROLLERS = [
  ...["deployments", "replicasets", "statefulsets", "daemonsets"].map((resource) => ({
    apiGroup: "apps",
    resource,
  })),
  ...["jobs", "cronjobs"].map((resource) => ({ apiGroup: "batch", resource })),
];
const ADMISSION = [
  "validatingwebhookconfigurations",
  "mutatingwebhookconfigurations",
  "validatingadmissionpolicies",
  "validatingadmissionpolicybindings",
  "mutatingadmissionpolicies",
  "mutatingadmissionpolicybindings",
].map((resource) => ({ apiGroup: "admissionregistration.k8s.io", resource }));

export const DANGERS: readonly Danger[] = [
  // Escalating a ClusterRole and impersonating a user, group, uid or extra are asked with no
  // namespace; binding is asked in the RoleBinding's namespace, a service account in its own.
  { verb: "escalate", names: "escalate", targets: [onRoles[0]!] },
  { verb: "escalate", names: "escalate", targets: [onRoles[1]!], clusterScoped: true },
  { verb: "bind", names: "bind", targets: onRoles },
  {
    verb: "impersonate",
    names: "impersonate",
    targets: [
      { apiGroup: "", resource: "users" },
      { apiGroup: "", resource: "groups" },
      { apiGroup: "authentication.k8s.io", resource: "uids" },
      { apiGroup: "authentication.k8s.io", resource: "userextras", subresource: "scopes" },
    ],
    clusterScoped: true,
  },
  {
    verb: "impersonate",
    names: "impersonate",
    targets: [{ apiGroup: "", resource: "serviceaccounts" }],
  },
  // Constrained impersonation (on by default since 1.36): impersonate:<mode> on the identity.
  {
    verb: "impersonate:user-info",
    names: "impersonate:user-info",
    targets: [
      ...["users", "groups", "uids"].map((resource) => ({ apiGroup: AUTHN, resource })),
      { apiGroup: AUTHN, resource: "userextras", subresource: "scopes" },
    ],
    clusterScoped: true,
  },
  {
    verb: "impersonate:serviceaccount",
    names: "impersonate:serviceaccount",
    targets: [{ apiGroup: AUTHN, resource: "serviceaccounts" }],
  },
  {
    verb: "impersonate:arbitrary-node",
    names: "impersonate:arbitrary-node",
    targets: [{ apiGroup: AUTHN, resource: "nodes" }],
    clusterScoped: true,
  },
  {
    verb: "impersonate:associated-node",
    names: "impersonate:associated-node",
    targets: [{ apiGroup: AUTHN, resource: "nodes" }],
    // Whichever node the account's Pod runs on: the API server asks for the name "*".
    requestNames: ["*"],
    clusterScoped: true,
  },
  // Since 1.35 (AuthorizePodWebsocketUpgradeCreatePermission, on by default at 1.37) the API server
  // asks create on exec, attach and port-forward whatever the transport: get alone opens none.
  ...["exec", "attach"].map((sub) => ({
    verb: "create",
    names: `pods/${sub}`,
    targets: [{ apiGroup: "", resource: "pods", subresource: sub }],
  })),
  {
    verb: "create",
    names: "serviceaccounts/token",
    targets: [{ apiGroup: "", resource: "serviceaccounts", subresource: "token" }],
  },
  ...["list", "watch"].map((verb) => ({
    verb,
    names: "secrets",
    targets: [{ apiGroup: "", resource: "secrets" }],
    unnamed: true,
  })),
  // Beyond rules.md: warnings, named by the escalation path (ESCALATION_PATHS of the rule).
  // A patch's response is the whole object, an orphaning delete's too: both read the Secret.
  ...["get", "patch", "delete"].map((verb) => ({
    verb,
    names: "secrets",
    targets: [core("secrets")],
    anyName: true,
  })),
  { verb: "update", names: "secretWrites", targets: [core("secrets")] },
  // The token controller fills a service-account-token Secret created for any account.
  { verb: "create", names: "tokenSecrets", targets: [core("secrets")], unnamed: true },
  // The API server returns what a deletecollection deleted (nothing, with dryRun=All).
  { verb: "deletecollection", names: "deleteSecrets", targets: [core("secrets")], unnamed: true },
  ...["update", "patch"].map((verb) => ({ verb, names: "podImage", targets: [core("pods")] })),
  // A proxied request is authorized by its HTTP method: GET get, POST create, PUT update…
  ...["get", "create", "update", "patch", "delete"].map((verb) => ({
    verb,
    names: "proxy",
    targets: [
      { ...core("pods"), subresource: "proxy" },
      { ...core("services"), subresource: "proxy" },
    ],
  })),
  // Endpoints it writes route a Service's traffic (CVE-2021-25740).
  ...["create", "update", "patch"].map((verb) => ({
    verb,
    names: "endpoints",
    targets: [core("endpoints"), { apiGroup: "discovery.k8s.io", resource: "endpointslices" }],
    unnamed: verb === "create",
  })),
  ...["update", "patch"].map((verb) => ({
    verb,
    names: "nodes",
    targets: [core("nodes")],
    clusterScoped: true,
  })),
  {
    verb: "create",
    names: "createPods",
    targets: [core("pods"), core("replicationcontrollers"), ...CONTROLLERS],
    unnamed: true,
  },
  ...["update", "patch"].map((verb) => ({
    verb,
    names: "podTemplates",
    targets: [core("replicationcontrollers"), ...CONTROLLERS],
  })),
  ...["get", "create"].map((verb) => ({
    verb,
    names: "nodeProxy",
    targets: [{ ...core("nodes"), subresource: "proxy" }],
    clusterScoped: true,
  })),
  {
    verb: "create",
    names: "portForward",
    targets: [{ ...core("pods"), subresource: "portforward" }],
  },
  ...["update", "patch"].map((verb) => ({
    verb,
    names: "ephemeral",
    targets: [{ ...core("pods"), subresource: "ephemeralcontainers" }],
  })),
  {
    verb: "approve",
    names: "signers",
    targets: [{ apiGroup: "certificates.k8s.io", resource: "signers" }],
    // The API server asks for the signer's name, then for its domain with "/*".
    requestNames: [
      "kubernetes.io/kube-apiserver-client",
      "kubernetes.io/kube-apiserver-client-kubelet",
      "kubernetes.io/kubelet-serving",
      "kubernetes.io/*",
    ],
    clusterScoped: true,
  },
  {
    verb: "create",
    names: "nodeClient",
    targets: [
      {
        apiGroup: "certificates.k8s.io",
        resource: "certificatesigningrequests",
        subresource: "nodeclient",
      },
    ],
    unnamed: true,
    clusterScoped: true,
  },
  ...["create", "update", "patch", "delete"].map((verb) => ({
    verb,
    names: "admission",
    targets: ADMISSION,
    unnamed: verb === "create",
    clusterScoped: true,
  })),
  ...["update", "patch"].map((verb) => ({
    verb,
    names: "namespaces",
    targets: [core("namespaces")],
  })),
  {
    verb: "create",
    names: "persistentVolumes",
    targets: [core("persistentvolumes")],
    unnamed: true,
    clusterScoped: true,
  },
];

const VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "*",
  "GET",
  "escalate",
  "bind",
  "impersonate",
  "approve",
  "impersonate:user-info",
  "impersonate:serviceaccount",
  "impersonate:associated-node",
  "impersonate-on:user-info:list",
  "deletecollection",
];
const API_GROUPS = [
  "",
  "*",
  "apps",
  RBAC_GROUP,
  "authentication.k8s.io",
  "batch",
  "certificates.k8s.io",
  "admissionregistration.k8s.io",
  "discovery.k8s.io",
];
const RESOURCES = [
  "*",
  "secrets",
  "pods",
  "pods/exec",
  "pods/attach",
  "pods/*",
  "*/exec",
  "*/scale",
  "serviceaccounts",
  "serviceaccounts/token",
  "SECRETS",
  "roles",
  "clusterroles",
  "rolebindings",
  "users",
  "groups",
  "configmaps",
  "deployments",
  "jobs",
  "replicationcontrollers",
  "nodes/proxy",
  "*/proxy",
  "pods/portforward",
  "pods/ephemeralcontainers",
  "signers",
  "certificatesigningrequests/approval",
  "certificatesigningrequests/nodeclient",
  "*/nodeclient",
  "validatingwebhookconfigurations",
  "mutatingadmissionpolicies",
  "namespaces",
  "namespaces/status",
  "persistentvolumes",
  "nodes",
  "pods/proxy",
  "services/proxy",
  "services",
  "nodes/status",
  "endpoints",
  "endpointslices",
];
const URLS = ["/healthz", "/metrics", "/api/*", "/*", "*", "/logs"];
const NAMES = ["scout-secrets", "backend-0", "", SCOUT, "kubernetes.io/kube-apiserver-client", "*"];

const unique = <T>(arb: fc.Arbitrary<T>, max: number) =>
  fc.uniqueArray(arb, { minLength: 1, maxLength: max });

const resourceRule = fc.record(
  {
    apiGroups: unique(fc.constantFrom(...API_GROUPS), 2),
    resources: unique(fc.constantFrom(...RESOURCES), 3),
    verbs: unique(fc.constantFrom(...VERBS), 3),
    resourceNames: unique(fc.constantFrom(...NAMES), 2),
  },
  { requiredKeys: ["apiGroups", "resources", "verbs"] },
);

const urlRule = fc.record({
  nonResourceURLs: unique(fc.constantFrom(...URLS), 2),
  verbs: unique(fc.constantFrom("get", "post", "*", "GET"), 2),
});

const LABELS: ReadonlyArray<[string, string]> = [
  ["rbac.authorization.k8s.io/aggregate-to-admin", "true"],
  ["rbac.authorization.k8s.io/aggregate-to-edit", "true"],
  ["rbac.authorization.k8s.io/aggregate-to-view", "true"],
  ["kubernetes.io/bootstrapping", "rbac-defaults"],
  ["scout.example/aggregate", "true"],
];

const selector = fc.oneof(
  fc.constantFrom(...LABELS).map(([k, v]) => ({ matchLabels: { [k]: v } })),
  fc.constant({}),
  fc.constantFrom(...LABELS).map(([k]) => ({
    matchExpressions: [{ key: k, operator: "DoesNotExist" }],
  })),
);

export const ROLE_NAMES = ["scout-reader", "scout-ops", "scout-agg"];
/** Built-in names the input's ClusterRoles take: the API server reconciles them at start. */
export const OVERRIDDEN_BUILT_INS = ["edit", "view", "cluster-admin"];
export const BUILT_IN_REFS = ["cluster-admin", "admin", "edit", "view", "system:node", "missing"];

const role = fc
  .record({
    kind: fc.constantFrom("Role", "ClusterRole"),
    // A ClusterRole named like a built-in is reconciled with it unless autoupdate is "false".
    name: fc.constantFrom(...ROLE_NAMES, ...OVERRIDDEN_BUILT_INS),
    autoupdateOff: fc.boolean(),
    namespace: fc.constantFrom(SCOUT, SCOUT, "other"),
    resourceRules: fc.array(resourceRule, { maxLength: 3 }),
    urlRules: fc.array(urlRule, { maxLength: 1 }),
    labels: fc.subarray([...LABELS], { maxLength: 1 }),
    aggregation: fc.option(fc.array(selector, { minLength: 1, maxLength: 2 }), { freq: 4 }),
  })
  .map((r) => {
    const cluster = r.kind === "ClusterRole";
    return {
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: r.kind,
      metadata: {
        name: r.name,
        ...(cluster ? {} : { namespace: r.namespace }),
        ...(cluster && r.labels.length > 0 ? { labels: Object.fromEntries(r.labels) } : {}),
        ...(cluster && r.autoupdateOff
          ? { annotations: { "rbac.authorization.kubernetes.io/autoupdate": "false" } }
          : {}),
      },
      ...(cluster && r.aggregation
        ? { aggregationRule: { clusterRoleSelectors: r.aggregation } }
        : {}),
      rules: [...r.resourceRules, ...(cluster ? r.urlRules : [])],
    };
  });

const subject = fc.oneof(
  // Refused by the API server: a ServiceAccount has no API group, and kinds are case-sensitive.
  fc.constantFrom(
    { kind: "ServiceAccount", apiGroup: RBAC_GROUP, name: "scout-backend", namespace: SCOUT },
    { kind: "user", apiGroup: RBAC_GROUP, name: "alice" },
  ),
  fc.record(
    {
      kind: fc.constant("ServiceAccount"),
      name: fc.constantFrom("scout-backend", "scout-worker", "default"),
      namespace: fc.constantFrom(SCOUT, "other", ""),
    },
    { requiredKeys: ["kind", "name"] },
  ),
  fc.record({
    kind: fc.constant("User"),
    apiGroup: fc.constant(RBAC_GROUP),
    name: fc.constantFrom(
      "alice",
      "system:serviceaccount:scout:scout-backend",
      "system:serviceaccount:other:scout-backend",
      "system:anonymous",
    ),
  }),
  fc.record({
    kind: fc.constant("Group"),
    apiGroup: fc.constant(RBAC_GROUP),
    name: fc.constantFrom(
      "system:serviceaccounts",
      "system:serviceaccounts:scout",
      "system:serviceaccounts:other",
      "system:authenticated",
      "system:unauthenticated",
      "scout-admins",
    ),
  }),
);

const binding = fc
  .record({
    kind: fc.constantFrom("RoleBinding", "ClusterRoleBinding"),
    name: fc.constantFrom("scout-a", "scout-b"),
    namespace: fc.constantFrom(SCOUT, SCOUT, "other"),
    roleKind: fc.constantFrom("Role", "ClusterRole"),
    roleName: fc.constantFrom(...ROLE_NAMES, ...BUILT_IN_REFS),
    subjects: fc.array(subject, { minLength: 1, maxLength: 3 }),
  })
  .map((b) => {
    const cluster = b.kind === "ClusterRoleBinding";
    return {
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: b.kind,
      metadata: { name: b.name, ...(cluster ? {} : { namespace: b.namespace }) },
      roleRef: {
        apiGroup: RBAC_GROUP,
        kind: cluster ? "ClusterRole" : b.roleKind,
        name: b.roleName,
      },
      subjects: b.subjects,
    };
  });

/** One generated bundle of RBAC objects (the Scout namespace and account come with it). */
export const rbacCase = fc.record({
  roles: fc.array(role, { minLength: 1, maxLength: 3 }),
  bindings: fc.array(binding, { maxLength: 2 }),
});

type Generated<A> = A extends fc.Arbitrary<infer T> ? T : never;
export type RbacCase = Generated<typeof rbacCase>;
export type RbacObject = RbacCase["roles"][number] | RbacCase["bindings"][number];
