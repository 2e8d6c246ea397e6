import { type BundleObject, defineRule, joinPointer, kubernetesMinor } from "@scout-deploy/core";
import {
  aggregatedBuiltIns,
  bindingsOf,
  boundRiskyBuiltIn,
  type RoleRule,
  roleRulesOf,
} from "../../support/index.js";

const RBAC_GROUP = "rbac.authorization.k8s.io";
const AUTHENTICATION_GROUP = "authentication.k8s.io";
interface Target {
  group: string;
  resource: string;
  clusterScoped?: boolean;
  /** The one name the API server asks for, whatever the request. */
  askedName?: string;
}

const authn = (resource: string, more: Partial<Target> = {}): Target => ({
  group: AUTHENTICATION_GROUP,
  resource,
  clusterScoped: true,
  ...more,
});
const USER_INFO = [authn("users"), authn("groups"), authn("uids"), authn("userextras/")];

/**
 * What each escalating verb acts on: the authorizer checks `escalate` and `bind` on roles and
 * clusterroles of the RBAC group, `impersonate` on users, groups, service accounts, uids and user
 * extras (`userextras/<key>`, any key). Elsewhere the verb is never requested and grants nothing.
 * `clusterScoped`: asked with no namespace (escalating a ClusterRole, impersonating a user, group,
 * uid or extra), which no Role's rules match; binding a ClusterRole is asked in the RoleBinding's
 * namespace and impersonating a service account in the account's.
 *
 * Constrained impersonation (beta, on by default since Kubernetes 1.36) asks `impersonate:<mode>`
 * on the identity, in `authentication.k8s.io`, beside `impersonate-on:<mode>:<verb>` on the
 * request itself (inert without the first): `user-info` on users, groups, uids and extras,
 * `serviceaccount` on serviceaccounts (in the account's namespace), `arbitrary-node` on nodes,
 * and `associated-node` on nodes with the name `*` (the node its Pod runs on, whichever).
 */
const ESCALATING = new Map<string, readonly Target[]>([
  [
    "escalate",
    [
      { group: RBAC_GROUP, resource: "roles" },
      { group: RBAC_GROUP, resource: "clusterroles", clusterScoped: true },
    ],
  ],
  [
    "bind",
    [
      { group: RBAC_GROUP, resource: "roles" },
      { group: RBAC_GROUP, resource: "clusterroles" },
    ],
  ],
  [
    "impersonate",
    [
      { group: "", resource: "users", clusterScoped: true },
      { group: "", resource: "groups", clusterScoped: true },
      { group: "", resource: "serviceaccounts" },
      { group: AUTHENTICATION_GROUP, resource: "uids", clusterScoped: true },
      { group: AUTHENTICATION_GROUP, resource: "userextras/", clusterScoped: true },
    ],
  ],
  ["impersonate:user-info", USER_INFO],
  ["impersonate:serviceaccount", [authn("serviceaccounts", { clusterScoped: false })]],
  ["impersonate:arbitrary-node", [authn("nodes")]],
  ["impersonate:associated-node", [authn("nodes", { askedName: "*" })]],
]);
/**
 * How a rule's `resourceNames` narrow a danger. The authorizer matches them against the request's
 * name: `unnamed` requests (list, watch, create) carry none, so any list of names without `""`
 * takes the danger away; `named` ones (exec, token, patch) always carry one, so names narrow them
 * to some objects, still the danger, and only `[""]` matches none; `anyName` is reading any
 * object by its name (get), which a list of names narrows to those; `namespace` is a request on a
 * Namespace, whose name is the request's namespace too (a Role reaches only its own).
 */
type Names = "unnamed" | "named" | "anyName" | "namespace" | { only: readonly string[] };

interface Danger {
  targets: ReadonlyArray<{ group: string; resource: string }>;
  verbs: readonly string[];
  names: Names;
  /** Cluster-scoped: the authorizer asks about it with no namespace, which no Role's rules match. */
  clusterScoped?: boolean;
  /** Beyond rules.md: reported as a warning that names the path to escalation. */
  path?: string;
  /**
   * The catalogue grant whose power this path gives by another road, alone: reported as an
   * error, as that grant is (running code inside existing Pods is exec; reading any Secret by
   * its name, or all at once, is listing them).
   */
  sameAs?: string;
  /** A danger only before this Kubernetes minor version (unset: the newest, which it is not). */
  before?: number;
}

const core = (...resources: string[]) => resources.map((resource) => ({ group: "", resource }));
const inGroup = (group: string, ...resources: string[]) =>
  resources.map((resource) => ({ group, resource }));
const CONTROLLERS = [
  ...core("replicationcontrollers"),
  ...inGroup("apps", "deployments", "replicasets", "statefulsets", "daemonsets"),
  ...inGroup("batch", "jobs", "cronjobs"),
];
const ADMISSION = inGroup(
  "admissionregistration.k8s.io",
  "validatingwebhookconfigurations",
  "mutatingwebhookconfigurations",
  "validatingadmissionpolicies",
  "validatingadmissionpolicybindings",
  "mutatingadmissionpolicies",
  "mutatingadmissionpolicybindings",
);
/** The signers whose certificates kube-controller-manager issues; `kubernetes.io/*` is asked too. */
const CLUSTER_SIGNERS = [
  "kubernetes.io/kube-apiserver-client",
  "kubernetes.io/kube-apiserver-client-kubelet",
  "kubernetes.io/kubelet-serving",
  "kubernetes.io/*",
];

/** The escalation paths beyond rules.md, each in one sentence (the differential keys on them). */
export const ESCALATION_PATHS = {
  secrets: "it reads any Secret whose name it knows, and Pod specs and events tell the names",
  createPods:
    "a Pod it creates, directly or through a controller, can run as any ServiceAccount of the namespace and mount any of its Secrets",
  podTemplates:
    "it can rewrite a controller's Pod template to run as any ServiceAccount of the namespace and mount any of its Secrets",
  nodeProxy: "the kubelet API behind it runs commands in every Pod of the node",
  portForward: "it reaches any port of the Pod from outside, past its NetworkPolicies",
  ephemeral:
    "it adds a container of any image to a running Pod, with the Pod's ServiceAccount and volumes",
  signers:
    "with update on certificatesigningrequests/approval it approves certificates the cluster issues for any user or node",
  nodeClient:
    "kube-controller-manager approves its requests for a client certificate of any node name, so it can act as a node",
  admission:
    "admission webhooks and policies see, rewrite or stop checking every object written to the cluster",
  namespaces:
    "namespace labels decide the Pod Security level enforced and which NetworkPolicy namespaceSelectors admit its Pods",
  persistentVolumes:
    "a hostPath PersistentVolume, bound by a claim, mounts any directory of a node into a Pod",
  podImage:
    "it can change a running Pod's image, and the new code runs with the Pod's ServiceAccount token and mounted Secrets",
  tokenSecrets:
    "a Secret of type kubernetes.io/service-account-token it creates, annotated with any ServiceAccount's name, gets from the token controller a token of that account that never expires",
  secretWrites:
    "it rewrites any Secret whose name it knows, so the Pods that load it take credentials it chose",
  deleteSecrets:
    "the API server returns every Secret it deletes, and with dryRun=All deletes none: it reads them all",
  proxy:
    "the API server relays its HTTP requests to any port of the namespace's Pods (services/proxy: a Service's Pods), from the control plane's address",
  endpoints:
    "the endpoints it writes send a Service's traffic to any address it chooses, another namespace's Pods included (CVE-2021-25740)",
  nodes:
    "a node's taints and labels decide which Pods run there: a NoExecute taint evicts them, a label draws those that select it",
} as const;

/**
 * Until Kubernetes 1.35 the API server authorizes exec, attach and port-forward over WebSocket
 * (what kubectl uses since 1.31) as `get` on the subresource alone, so `get` opens them as
 * `create` does; from 1.35 the AuthorizePodWebsocketUpgradeCreatePermission gate (beta, on by
 * default, still so at 1.37) asks `create` as well, and `create` alone opens them over SPDY.
 */
const WEBSOCKET_CREATE = 35;

/** The catalogue's grants whose power some paths give by another road. */
const EXEC = "create on pods/exec";
const LIST_SECRETS = "list on secrets";

/**
 * Resources on which a verb is dangerous, and the verbs. A `*` is rbac/no-wildcards' finding.
 * The kubelet authorizes a WebSocket exec through nodes/proxy as `get` in every version.
 */
const DANGERS: readonly Danger[] = [
  { targets: core("pods/exec", "pods/attach"), verbs: ["create"], names: "named" },
  {
    targets: core("pods/exec", "pods/attach"),
    verbs: ["get"],
    names: "named",
    before: WEBSOCKET_CREATE,
  },
  { targets: core("serviceaccounts/token"), verbs: ["create"], names: "named" },
  { targets: core("secrets"), verbs: ["list", "watch"], names: "unnamed" },
  // A patch's response is the whole object: an empty patch reads the Secret as get does; so is
  // a delete's when it orphans (the finalizer it adds defers the deletion), dryRun=All or not.
  {
    targets: core("secrets"),
    verbs: ["get", "patch", "delete"],
    names: "anyName",
    path: ESCALATION_PATHS.secrets,
    sameAs: LIST_SECRETS,
  },
  {
    targets: core("secrets"),
    verbs: ["update"],
    names: "named",
    path: ESCALATION_PATHS.secretWrites,
  },
  {
    targets: core("secrets"),
    verbs: ["create"],
    names: "unnamed",
    path: ESCALATION_PATHS.tokenSecrets,
  },
  {
    targets: core("secrets"),
    verbs: ["deletecollection"],
    names: "unnamed",
    path: ESCALATION_PATHS.deleteSecrets,
    sameAs: LIST_SECRETS,
  },
  {
    targets: core("pods"),
    verbs: ["update", "patch"],
    names: "named",
    path: ESCALATION_PATHS.podImage,
    sameAs: EXEC,
  },
  {
    // The API server authorizes a proxied request by its HTTP method, as for any other request.
    targets: core("pods/proxy", "services/proxy"),
    verbs: ["get", "create", "update", "patch", "delete"],
    names: "named",
    path: ESCALATION_PATHS.proxy,
  },
  {
    // kube-proxy routes a Service to every EndpointSlice labelled with its name, and the
    // mirroring controller copies a selectorless Service's Endpoints into one.
    targets: [...core("endpoints"), ...inGroup("discovery.k8s.io", "endpointslices")],
    verbs: ["create"],
    names: "unnamed",
    path: ESCALATION_PATHS.endpoints,
  },
  {
    targets: [...core("endpoints"), ...inGroup("discovery.k8s.io", "endpointslices")],
    verbs: ["update", "patch"],
    names: "named",
    path: ESCALATION_PATHS.endpoints,
  },
  {
    targets: core("nodes"),
    verbs: ["update", "patch"],
    names: "named",
    clusterScoped: true,
    path: ESCALATION_PATHS.nodes,
  },
  {
    targets: [...core("pods"), ...CONTROLLERS],
    verbs: ["create"],
    names: "unnamed",
    path: ESCALATION_PATHS.createPods,
  },
  {
    targets: CONTROLLERS,
    verbs: ["update", "patch"],
    names: "named",
    path: ESCALATION_PATHS.podTemplates,
  },
  {
    targets: core("nodes/proxy"),
    verbs: ["get", "create"],
    names: "named",
    clusterScoped: true,
    path: ESCALATION_PATHS.nodeProxy,
    sameAs: EXEC,
  },
  {
    targets: core("pods/portforward"),
    verbs: ["create"],
    names: "named",
    path: ESCALATION_PATHS.portForward,
  },
  {
    targets: core("pods/portforward"),
    verbs: ["get"],
    names: "named",
    path: ESCALATION_PATHS.portForward,
    before: WEBSOCKET_CREATE,
  },
  {
    targets: core("pods/ephemeralcontainers"),
    verbs: ["update", "patch"],
    names: "named",
    path: ESCALATION_PATHS.ephemeral,
    sameAs: EXEC,
  },
  {
    targets: inGroup("certificates.k8s.io", "signers"),
    verbs: ["approve"],
    names: { only: CLUSTER_SIGNERS },
    clusterScoped: true,
    path: ESCALATION_PATHS.signers,
  },
  {
    // The csrapproving controller asks it with no name and no namespace (a SubjectAccessReview).
    targets: inGroup("certificates.k8s.io", "certificatesigningrequests/nodeclient"),
    verbs: ["create"],
    names: "unnamed",
    clusterScoped: true,
    path: ESCALATION_PATHS.nodeClient,
  },
  {
    targets: ADMISSION,
    verbs: ["create"],
    names: "unnamed",
    clusterScoped: true,
    path: ESCALATION_PATHS.admission,
  },
  {
    targets: ADMISSION,
    verbs: ["update", "patch", "delete"],
    names: "named",
    clusterScoped: true,
    path: ESCALATION_PATHS.admission,
  },
  {
    targets: core("namespaces"),
    verbs: ["update", "patch"],
    names: "namespace",
    path: ESCALATION_PATHS.namespaces,
  },
  {
    targets: core("persistentvolumes"),
    verbs: ["create"],
    names: "unnamed",
    clusterScoped: true,
    path: ESCALATION_PATHS.persistentVolumes,
  },
];

/** Whether the rule's `resourceNames` leave the danger's requests matched (see `Names`). */
function namesReach(names: Names, rule: RoleRule, roleNamespace: string | undefined): boolean {
  const listed = rule.resourceNames.map((n) => n.value);
  if (listed.length === 0) return true;
  if (names === "unnamed") return listed.includes("");
  if (names === "anyName") return false;
  if (names === "named") return listed.some((n) => n !== "");
  if (names === "namespace") {
    // A Role reaches only the Namespace it sits in; one of unknown namespace may sit in any.
    return roleNamespace === undefined
      ? listed.some((n) => n !== "")
      : listed.includes(roleNamespace);
  }
  return listed.some((n) => names.only.includes(n));
}

/** The RBAC authorizer's match: the exact name, or a star before the subresource (every resource's one). */
function grants(ruleResource: string, resource: string): boolean {
  if (ruleResource === resource) return true;
  const slash = resource.indexOf("/");
  return slash > 0 && ruleResource === `*${resource.slice(slash)}`;
}

/**
 * Whether the rule's own entries reach `resource` of `group` (a trailing "/" stands for any
 * subresource): the escalating verb is the cause, so a `*` resource or group counts here.
 */
function reaches(rule: RoleRule, group: string, resource: string): boolean {
  if (!rule.apiGroups.some((g) => g.value === group || g.value === "*")) return false;
  if (!resource.endsWith("/")) {
    return rule.resources.some((r) => r.value === "*" || grants(r.value, resource));
  }
  return rule.resources.some((r) => {
    const slash = r.value.indexOf("/");
    if (r.value === "*" || slash < 0 || slash === r.value.length - 1) return r.value === "*";
    const owner = r.value.slice(0, slash);
    return owner === "*" || `${owner}/` === resource;
  });
}

/** A rule without apiGroups is refused by the API server; it is judged as if it named every group. */
function coversGroup(apiGroups: RoleRule["apiGroups"], group: string): boolean {
  return apiGroups.length === 0 || apiGroups.some((g) => g.value === group || g.value === "*");
}

interface RulesScope {
  /** A Role's rules apply in its namespace only: never to a cluster-scoped resource. */
  namespaced: boolean;
  /** The Role's namespace when the input names it. */
  namespace?: string;
  /** The targeted Kubernetes minor version; undefined is the newest. */
  minor: number | undefined;
}

function rulesScope(object: BundleObject, minor: number | undefined): RulesScope {
  if (object.value.kind !== "Role") return { namespaced: false, minor };
  const namespace = object.ref.namespace;
  return namespace ? { namespaced: true, namespace, minor } : { namespaced: true, minor };
}

/**
 * Whether the danger exists in the targeted version; with none given, the newest bundled one
 * (the peer conformance corpus expects get alone on pods/exec silent there).
 */
const inVersion = (danger: Danger, minor: number | undefined) =>
  danger.before === undefined || (minor !== undefined && minor < danger.before);

/** The dangers a rule grants through one explicit verb, with the resources that grant each. */
function dangersOf(rule: RoleRule, verb: string, scope: RulesScope) {
  return DANGERS.flatMap((danger) => {
    if (!danger.verbs.includes(verb) || (scope.namespaced && danger.clusterScoped)) return [];
    if (!inVersion(danger, scope.minor)) return [];
    if (!namesReach(danger.names, rule, scope.namespace)) return [];
    const resources = danger.targets
      .filter((t) => coversGroup(rule.apiGroups, t.group))
      .map((t) => t.resource)
      .filter((target) => rule.resources.some((r) => grants(r.value, target)));
    return resources.length > 0 ? [{ danger, resources: [...new Set(resources)] }] : [];
  });
}

/** "pods", "pods and jobs", "pods, jobs and cronjobs". */
function listed(items: readonly string[]): string {
  return items.length < 2
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

export const noDangerousVerbs = defineRule({
  id: "rbac/no-dangerous-verbs",
  meta: {
    severity: "error",
    description:
      "No role grants escalate, bind or impersonate, create on pods/exec or pods/attach (get too before Kubernetes 1.35), create on serviceaccounts/token, or list/watch on secrets, nor what one of these gives alone by another road (get or create on nodes/proxy, update or patch on pods or pods/ephemeralcontainers: code in a running Pod; get, patch, delete or deletecollection on every Secret: reading them all); warns of the other escalation paths Kubernetes documents or the API server opens (rewriting Secrets, service-account-token Secrets, creating Pods or rewriting Pod templates, the API server proxy, port-forward, node taints and labels, certificate approval and node client certificates, admission control, namespace labels, PersistentVolumes).",
    remediation:
      "Remove the verb; read one named Secret with get and resourceNames instead of listing them all.",
    guide: "RBAC: Minimal permissions: Only necessary permissions granted",
    messages: {
      escalating:
        '{{kind}} {{name}} grants "{{verb}}", which lets its holder gain permissions it lacks',
      onResource: '{{kind}} {{name}} grants "{{verb}}" on {{resource}}',
      aggregated:
        "ClusterRole {{name}} aggregates the built-in ClusterRole {{role}}, which grants {{grants}}",
      escalationPath: '{{kind}} {{name}} grants "{{verb}}" on {{resources}}: {{path}}',
      anotherRoad:
        '{{kind}} {{name}} grants "{{verb}}" on {{resources}}, as much as {{sameAs}}: {{path}}',
      boundBuiltIn:
        "{{kind}} {{name}} binds the built-in ClusterRole {{role}}, which grants {{grants}}",
    },
  },
  check(context) {
    for (const binding of bindingsOf(context.bundle)) {
      const builtIn = boundRiskyBuiltIn(context.bundle, binding);
      if (!builtIn) continue;
      const { object } = binding;
      const { role, grants, warning } = builtIn;
      context.report({
        messageId: "boundBuiltIn",
        data: { kind: object.value.kind, name: object.ref.name ?? "(unnamed)", role, grants },
        object,
        pointer: joinPointer(binding.roleRef.pointer, "name"),
        ...(warning ? { severity: "warning" as const } : {}),
      });
    }
    for (const object of context.bundle.objects) {
      const base = { kind: object.value.kind, name: object.ref.name ?? "(unnamed)" };
      for (const { pointer, role, grants, warning } of aggregatedBuiltIns(context.bundle, object)) {
        context.report({
          messageId: "aggregated",
          data: { ...base, role, grants },
          object,
          pointer,
          ...(warning ? { severity: "warning" as const } : {}),
        });
      }
      const role = rulesScope(object, kubernetesMinor(context.kubernetesVersion));
      for (const rule of roleRulesOf(object)) {
        for (const verb of rule.verbs) {
          const targets = ESCALATING.get(verb.value);
          if (targets) {
            if (
              !targets.some(
                (t) =>
                  !(role.namespaced && t.clusterScoped) &&
                  namesReach(t.askedName ? { only: [t.askedName] } : "named", rule, undefined) &&
                  reaches(rule, t.group, t.resource),
              )
            ) {
              continue;
            }
            context.report({
              messageId: "escalating",
              data: { ...base, verb: verb.value },
              object,
              pointer: verb.pointer,
            });
            continue;
          }
          for (const { danger, resources } of dangersOf(rule, verb.value, role)) {
            if (danger.path) {
              const data = { ...base, verb: verb.value, resources: listed(resources) };
              context.report(
                danger.sameAs
                  ? {
                      messageId: "anotherRoad",
                      data: { ...data, sameAs: danger.sameAs, path: danger.path },
                      object,
                      pointer: verb.pointer,
                    }
                  : {
                      messageId: "escalationPath",
                      data: { ...data, path: danger.path },
                      object,
                      pointer: verb.pointer,
                      severity: "warning",
                    },
              );
              continue;
            }
            for (const resource of resources) {
              context.report({
                messageId: "onResource",
                data: { ...base, verb: verb.value, resource },
                object,
                pointer: verb.pointer,
              });
            }
          }
        }
      }
    }
  },
});
