import {
  type Bundle,
  type BundleObject,
  componentOf,
  isRecord,
  joinPointer,
  type Settings,
} from "@scout-deploy/core";
import { compileSelector } from "@scout-deploy/netpol";
import { guideSettings } from "../settings.js";
import { NON_AGGREGATED_BUILT_INS } from "./built-in-roles.js";
import { effectiveNamespace, scoutNamespace } from "./namespace.js";
import { componentWorkloads, serviceAccountNameOf } from "./workloads.js";

export interface RoleRule {
  /** Pointer of the rule inside its Role or ClusterRole. */
  pointer: string;
  verbs: readonly Entry[];
  resources: readonly Entry[];
  apiGroups: readonly Entry[];
  nonResourceURLs: readonly Entry[];
  resourceNames: readonly Entry[];
}

/** One string of a rule's list, with its pointer. */
export interface Entry {
  value: string;
  pointer: string;
}

export interface Subject {
  kind: string;
  /** The kind as written: a User named `system:serviceaccount:...` is judged as a ServiceAccount. */
  declaredKind: string;
  /** The apiGroup as written. */
  apiGroup?: string;
  name: string;
  /** The subject's namespace; for a RoleBinding's service account it defaults to the binding's. */
  namespace?: string;
  pointer: string;
}

export interface Binding {
  object: BundleObject;
  roleRef: { kind: string; name: string; pointer: string };
  subjects: Subject[];
}

const ROLE_KINDS = new Set(["Role", "ClusterRole"]);
const BINDING_KINDS = new Set(["RoleBinding", "ClusterRoleBinding"]);

export function roleRulesOf(object: BundleObject): RoleRule[] {
  if (!ROLE_KINDS.has(object.value.kind) || !Array.isArray(object.value.rules)) return [];
  return object.value.rules.flatMap((rule, index) => {
    if (!isRecord(rule)) return [];
    const pointer = joinPointer("", "rules", index);
    const list = (key: string): Entry[] => {
      const values = rule[key];
      if (!Array.isArray(values)) return [];
      return values.flatMap((value, i) =>
        typeof value === "string" ? [{ value, pointer: joinPointer(pointer, key, i) }] : [],
      );
    };
    return [
      {
        pointer,
        verbs: list("verbs"),
        resources: list("resources"),
        apiGroups: list("apiGroups"),
        nonResourceURLs: list("nonResourceURLs"),
        resourceNames: list("resourceNames"),
      },
    ];
  });
}

export function bindingsOf(bundle: Bundle): Binding[] {
  return bundle.objects.flatMap((object) => {
    if (!BINDING_KINDS.has(object.value.kind)) return [];
    const roleRef = isRecord(object.value.roleRef) ? object.value.roleRef : {};
    const ref = {
      kind: typeof roleRef.kind === "string" ? roleRef.kind : "",
      name: typeof roleRef.name === "string" ? roleRef.name : "",
      pointer: "/roleRef",
    };
    return [{ object, roleRef: ref, subjects: subjectsOf(bundle, object) }];
  });
}

function subjectsOf(bundle: Bundle, object: BundleObject): Subject[] {
  const subjects = Array.isArray(object.value.subjects) ? object.value.subjects : [];
  // The authorizer gives a RoleBinding's service account without a namespace the binding's own
  // (appliesToUser); a ClusterRoleBinding has none to give, whatever its metadata says.
  const bindingNamespace =
    object.value.kind === "RoleBinding" ? effectiveNamespace(bundle, object) : undefined;
  return subjects.flatMap((subject, index) => {
    if (
      !isRecord(subject) ||
      typeof subject.kind !== "string" ||
      typeof subject.name !== "string"
    ) {
      return [];
    }
    const pointer = `/subjects/${index}`;
    const written = {
      declaredKind: subject.kind,
      ...(typeof subject.apiGroup === "string" ? { apiGroup: subject.apiGroup } : {}),
    };
    const account = serviceAccountOfUser(subject.kind, subject.name);
    if (account) return [{ kind: "ServiceAccount", ...written, ...account, pointer }];
    const result: Subject = { kind: subject.kind, ...written, name: subject.name, pointer };
    // An empty namespace is an unset one: the authorizer falls back when len(namespace) == 0.
    const namedOne = typeof subject.namespace === "string" && subject.namespace !== "";
    const namespace = namedOne ? (subject.namespace as string) : bindingNamespace;
    if (namespace) result.namespace = namespace;
    return [result];
  });
}

/**
 * A service account authenticates as the user `system:serviceaccount:<namespace>:<name>`: the RBAC
 * authorizer matches a User subject of that name to it exactly as a ServiceAccount subject.
 */
function serviceAccountOfUser(
  kind: string,
  name: string,
): { name: string; namespace: string } | undefined {
  if (kind !== "User") return undefined;
  const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  return match ? { namespace: match[1]!, name: match[2]! } : undefined;
}

/** Every service account is in these groups, whatever its namespace. */
const ALL_ACCOUNTS_GROUPS = new Set(["system:authenticated", "system:serviceaccounts"]);
const NAMESPACE_ACCOUNTS_GROUP = "system:serviceaccounts:";

/**
 * The groups every service account is a member of: `system:authenticated`,
 * `system:serviceaccounts`, and `system:serviceaccounts:<its namespace>`.
 */
function groupHoldsAccountsOf(group: string, namespace: string | undefined): boolean {
  if (ALL_ACCOUNTS_GROUPS.has(group)) return true;
  return (
    group.startsWith(NAMESPACE_ACCOUNTS_GROUP) &&
    namespace !== undefined &&
    group.slice(NAMESPACE_ACCOUNTS_GROUP.length) === namespace
  );
}

/**
 * Decides whether a subject holds one of Scout's service accounts: the account sits in the Scout
 * namespace, or a Scout component runs under it, or the ServiceAccount object carries a Scout
 * component label; or the subject is a group every such account is a member of.
 */
export function scoutServiceAccounts(bundle: Bundle, settings: Settings) {
  const namespace = scoutNamespace(bundle, settings);
  const used = componentWorkloads(bundle, settings).flatMap((w) => {
    const name = serviceAccountNameOf(w.template) ?? "default";
    return [{ name, namespace: effectiveNamespace(bundle, w.object) }];
  });
  const labelled = bundle.objects
    .filter((o) => o.value.kind === "ServiceAccount" && componentOf(o, guideSettings(settings)))
    .map((o) => ({ name: o.ref.name ?? "", namespace: effectiveNamespace(bundle, o) }));
  // By name, so that a bundle of many deployments is not every subject against every account.
  const known = new Map<string, Array<string | undefined>>();
  for (const k of [...used, ...labelled]) {
    const namespaces = known.get(k.name);
    if (namespaces) namespaces.push(k.namespace);
    else known.set(k.name, [k.namespace]);
  }
  const accountNamespaces = [namespace, ...[...known.values()].flat()];
  const hasAccounts = namespace !== undefined || known.size > 0;
  return (subject: Subject): boolean => {
    if (subject.kind === "Group") {
      return hasAccounts && accountNamespaces.some((ns) => groupHoldsAccountsOf(subject.name, ns));
    }
    if (subject.kind !== "ServiceAccount") return false;
    if (namespace && subject.namespace === namespace) return true;
    return (known.get(subject.name) ?? []).some((ns) => ns === subject.namespace);
  };
}

const BOOTSTRAP = { "kubernetes.io/bootstrapping": "rbac-defaults" };
/**
 * Built-in ClusterRoles (the API server's bootstrap policy) that grant exec into pods, read every
 * Secret, mint tokens or escalate, with the labels the API server gives them: an aggregated ClusterRole whose selector matches them
 * receives their rules from the cluster, though its own `rules` in the manifest are empty.
 */
const RISKY_BUILT_INS: ReadonlyArray<{
  name: string;
  labels: Record<string, string>;
  grants: string;
  /**
   * The built-ins whose rules reach this one by aggregation (admin gets edit's, edit gets
   * system:aggregate-to-edit's): one of them opted out of reconciliation keeps only the rules
   * the input writes for it, judged where they are written, and the risk no longer flows here.
   */
  through?: readonly string[];
  /** Its risk is beyond rules.md (rbac/no-dangerous-verbs' warnings). */
  warning?: boolean;
  /** Its risk is on cluster-scoped resources only, which a RoleBinding never grants. */
  clusterScoped?: boolean;
}> = [
  { name: "cluster-admin", labels: BOOTSTRAP, grants: "every verb on every resource" },
  {
    name: "admin",
    labels: BOOTSTRAP,
    grants: "create on pods/exec and list on secrets",
    through: ["edit", "system:aggregate-to-edit"],
  },
  {
    name: "edit",
    labels: { ...BOOTSTRAP, "rbac.authorization.k8s.io/aggregate-to-admin": "true" },
    grants: "create on pods/exec and list on secrets",
    through: ["system:aggregate-to-edit"],
  },
  {
    name: "system:aggregate-to-edit",
    labels: { ...BOOTSTRAP, "rbac.authorization.k8s.io/aggregate-to-edit": "true" },
    grants: "create on pods/exec and list on secrets",
  },
  // Roles of the control plane's own components: bound to anyone else, RBAC grants them the same.
  {
    name: "system:kube-controller-manager",
    labels: BOOTSTRAP,
    grants:
      "list and watch on every resource, secrets included, and create on serviceaccounts/token",
  },
  {
    name: "system:node",
    labels: BOOTSTRAP,
    grants: "list and watch on secrets and create on serviceaccounts/token",
  },
  ...[
    "system:controller:generic-garbage-collector",
    "system:controller:namespace-controller",
    "system:controller:resourcequota-controller",
  ].map((name) => ({
    name,
    labels: BOOTSTRAP,
    grants: "list and watch on every resource, secrets included",
  })),
  {
    // Present where the StorageVersionMigrator feature is on (the default at 1.37).
    name: "system:controller:storage-version-migrator-controller",
    labels: BOOTSTRAP,
    grants: "list and patch on every resource, secrets included",
  },
  {
    name: "system:controller:clusterrole-aggregation-controller",
    labels: BOOTSTRAP,
    grants: "escalate on clusterroles",
    // Escalating a ClusterRole is asked with no namespace: a RoleBinding grants nothing of it.
    clusterScoped: true,
  },
  {
    // A patch's response is the whole Secret: patching every Secret reads them all, as listing does.
    name: "system:controller:legacy-service-account-token-cleaner",
    labels: BOOTSTRAP,
    grants: "patch on every Secret",
  },
  {
    // The kubelet API behind nodes/proxy runs commands in every Pod of the node, as exec does.
    name: "system:kubelet-api-admin",
    labels: BOOTSTRAP,
    grants: "get and create on nodes/proxy",
    clusterScoped: true,
  }, // Beyond rules.md (warnings): a Pod created in the namespace runs as any of its accounts…
  ...[
    ["system:controller:daemon-set-controller", "create on pods"],
    ["system:controller:job-controller", "create on pods"],
    ["system:controller:replicaset-controller", "create on pods"],
    ["system:controller:replication-controller", "create on pods"],
    ["system:controller:statefulset-controller", "create on pods"],
    ["system:controller:persistent-volume-binder", "create on pods and persistentvolumes"],
    ["system:controller:cronjob-controller", "create on jobs"],
    ["system:controller:deployment-controller", "create on replicasets"],
    ["system:controller:endpoint-controller", "create and update on endpoints"],
    ["system:controller:endpointslice-controller", "create and update on endpointslices"],
    ["system:controller:endpointslicemirroring-controller", "create and update on endpointslices"],
  ].map(([name, grants]) => ({ name: name!, labels: BOOTSTRAP, grants: grants!, warning: true })),
  // …and these act on cluster-scoped resources alone: bound by a RoleBinding they grant nothing.
  ...[
    ["system:persistent-volume-provisioner", "create on persistentvolumes"],
    ["system:controller:node-controller", "update and patch on nodes"],
    ["system:controller:ttl-controller", "update and patch on nodes"],
    ["system:controller:certificate-controller", "approve on signers"],
    [
      "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
      "create on certificatesigningrequests/nodeclient",
    ],
    ...["kube-apiserver-client", "kube-apiserver-client-kubelet", "kubelet-serving"].map(
      (signer) => [
        `system:certificates.k8s.io:${signer}-approver`,
        `approve on signers kubernetes.io/${signer}`,
      ],
    ),
  ].map(([name, grants]) => ({
    name: name!,
    labels: BOOTSTRAP,
    grants: grants!,
    warning: true,
    clusterScoped: true,
  })),
];

export interface AggregatedBuiltIn {
  /** Pointer of the selector that matches. */
  pointer: string;
  role: string;
  grants: string;
  /** Beyond rules.md: reported as a warning. */
  warning?: boolean;
}

/** Errors first: a selector or role that brings several risks is reported at the worst. */
const worstFirst = (a: { warning?: boolean }, b: { warning?: boolean }) =>
  Number(a.warning ?? false) - Number(b.warning ?? false);

type RiskyBuiltIn = (typeof RISKY_BUILT_INS)[number];

const AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-";
/** The built-in roles the aggregation controller fills: each takes the roles labelled for it. */
const AGGREGATING_BUILT_INS = [
  { name: "admin", labels: BOOTSTRAP, selects: `${AGGREGATE}admin` },
  {
    name: "edit",
    labels: { ...BOOTSTRAP, [`${AGGREGATE}admin`]: "true" },
    selects: `${AGGREGATE}edit`,
  },
  {
    name: "view",
    labels: { ...BOOTSTRAP, [`${AGGREGATE}edit`]: "true" },
    selects: `${AGGREGATE}view`,
  },
];

const riskyByBundle = new WeakMap<Bundle, RiskyBuiltIn[]>();

/**
 * The risky built-ins as this input leaves them. A built-in opted out of reconciliation keeps
 * only what the input writes (judged where it is written), and the risk no longer flows through
 * it. Otherwise reconciliation keeps the input's labels beside the built-in ones, so a relabelled
 * `edit` can land in `view`: the aggregating built-ins are followed until nothing changes.
 */
function riskyBuiltInsOf(bundle: Bundle): RiskyBuiltIn[] {
  const known = riskyByBundle.get(bundle);
  if (known) return known;
  const optedOut = new Set<string | undefined>();
  const inputLabels = new Map<string | undefined, Record<string, string>>();
  for (const o of bundle.objects) {
    if (o.value.kind !== "ClusterRole") continue;
    if (optsOutOfReconcile(o)) optedOut.add(o.ref.name);
    const metadata = isRecord(o.value.metadata) ? o.value.metadata : {};
    if (isRecord(metadata.labels)) {
      const labels = Object.entries(metadata.labels).filter(([, v]) => typeof v === "string");
      inputLabels.set(o.ref.name, Object.fromEntries(labels) as Record<string, string>);
    }
  }
  const labelsOf = (name: string, builtIn: Record<string, string>) => ({
    ...builtIn,
    ...inputLabels.get(name),
  });
  const risky: RiskyBuiltIn[] = RISKY_BUILT_INS.filter(
    (b) => !optedOut.has(b.name) && !(b.through ?? []).some((n) => optedOut.has(n)),
  ).map((b) => ({ ...b, labels: labelsOf(b.name, b.labels) }));
  for (let grown = true; grown; ) {
    grown = false;
    for (const role of AGGREGATING_BUILT_INS) {
      if (optedOut.has(role.name) || risky.some((r) => r.name === role.name)) continue;
      const source = risky.filter((r) => r.labels[role.selects] === "true").sort(worstFirst)[0];
      if (!source) continue;
      risky.push({
        name: role.name,
        labels: labelsOf(role.name, role.labels),
        grants: source.grants,
        ...(source.warning ? { warning: true } : {}),
        ...(source.clusterScoped ? { clusterScoped: true } : {}),
        through: [source.name, ...(source.through ?? [])],
      });
      grown = true;
    }
  }
  riskyByBundle.set(bundle, risky);
  return risky;
}

/** For each selector of a ClusterRole's aggregationRule, the first risky built-in role it matches. */
export function aggregatedBuiltIns(bundle: Bundle, object: BundleObject): AggregatedBuiltIn[] {
  if (object.value.kind !== "ClusterRole" || !isRecord(object.value.aggregationRule)) return [];
  // The API server's reconciliation removes it at start: the built-in aggregates nothing.
  if (NON_AGGREGATED_BUILT_INS.has(object.ref.name ?? "") && !optsOutOfReconcile(object)) {
    return [];
  }
  const selectors = object.value.aggregationRule.clusterRoleSelectors;
  if (!Array.isArray(selectors)) return [];
  // The controller never aggregates a role into itself, and a reconciled built-in already has
  // what it aggregates by default (its own selector is added back): only what a selector adds
  // counts, not a role whose risk comes from this one.
  const name = object.ref.name ?? "";
  const all = riskyBuiltInsOf(bundle);
  const owner = all.find((b) => b.name === name);
  const own = optsOutOfReconcile(object)
    ? undefined
    : AGGREGATING_BUILT_INS.find((a) => a.name === name);
  const pulled = own ? all.filter((b) => b.labels[own.selects] === "true") : [];
  // What those bring through their own aggregation counts too: an edit pulls view, and a view
  // that pulls cluster-admin brings it into edit already.
  const brought = new Set(pulled.flatMap((b) => [b.name, ...(b.through ?? [])]));
  // Already every verb on every resource: no selector can add to that.
  if (brought.has("cluster-admin")) return [];
  const risky = all.filter(
    (b) =>
      b.name !== name &&
      !b.through?.includes(name) &&
      !owner?.through?.includes(b.name) &&
      !brought.has(b.name),
  );
  return selectors.flatMap((selector, index) => {
    if (!isRecord(selector)) return [];
    const matches = compileSelector(selector);
    const role = risky.filter((builtIn) => matches(builtIn.labels)).sort(worstFirst)[0];
    if (!role) return [];
    const pointer = joinPointer("", "aggregationRule", "clusterRoleSelectors", index);
    const warning = role.warning ? { warning: true } : {};
    return [{ pointer, role: role.name, grants: role.grants, ...warning }];
  });
}

/**
 * The risky built-in ClusterRole a binding's roleRef names, unless the input defines a
 * ClusterRole of that name that opts out of the API server's reconciliation (its rules are then
 * judged as written).
 */
export function boundRiskyBuiltIn(
  bundle: Bundle,
  binding: Binding,
): { role: string; grants: string; warning?: boolean } | undefined {
  if (binding.roleRef.kind !== "ClusterRole") return undefined;
  const builtIn = riskyBuiltInsOf(bundle)
    .filter((b) => b.name === binding.roleRef.name)
    .sort(worstFirst)[0];
  // A RoleBinding grants in its namespace only: nothing on a cluster-scoped resource.
  if (!builtIn || (builtIn.clusterScoped && binding.object.value.kind === "RoleBinding")) {
    return undefined;
  }
  const warning = builtIn.warning ? { warning: true } : {};
  return { role: builtIn.name, grants: builtIn.grants, ...warning };
}

const AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";

/**
 * At each start the API server adds back to a default ClusterRole every permission it lacks,
 * unless the role's autoupdate annotation is "false": only then do the input's rules stay.
 */
function optsOutOfReconcile(object: BundleObject): boolean {
  const metadata = isRecord(object.value.metadata) ? object.value.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  return annotations[AUTOUPDATE] === "false";
}
