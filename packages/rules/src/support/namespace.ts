import { type Bundle, type BundleObject, isRecord, type Settings } from "@scout-deploy/core";

/**
 * Kinds that live outside any namespace (the built-in ones of Kubernetes 1.33, and common
 * cluster-wide add-on kinds); every other kind is judged as namespaced.
 */
const CLUSTER_SCOPED = new Set([
  "APIService",
  "CSIDriver",
  "CSINode",
  "CertificateSigningRequest",
  "ClusterExternalSecret",
  "ClusterIssuer",
  "ClusterRole",
  "ClusterRoleBinding",
  "ClusterSecretStore",
  "ClusterTrustBundle",
  "ComponentStatus",
  "CustomResourceDefinition",
  "DeviceClass",
  "FlowSchema",
  "GatewayClass",
  "IPAddress",
  "IngressClass",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
  "MutatingWebhookConfiguration",
  "Namespace",
  "Node",
  "PersistentVolume",
  "PodSecurityPolicy",
  "PriorityClass",
  "PriorityLevelConfiguration",
  "ResourceSlice",
  "RuntimeClass",
  "SelfSubjectAccessReview",
  "SelfSubjectReview",
  "SelfSubjectRulesReview",
  "ServiceCIDR",
  "StorageClass",
  "StorageVersion",
  "StorageVersionMigration",
  "SubjectAccessReview",
  "TokenReview",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "VolumeAttachment",
  "VolumeAttributesClass",
]);

/**
 * Whether an object lives outside any namespace. A kind that a CustomResourceDefinition of the
 * bundle defines has the scope that CRD gives it (the API server serves it so); any other kind is
 * judged by the built-in table.
 */
export function isClusterScoped(bundle: Bundle, object: BundleObject): boolean {
  const scope = customScopes(bundle).get(groupKindOf(object.value));
  return scope !== undefined ? scope === "Cluster" : CLUSTER_SCOPED.has(object.value.kind);
}

function groupKindOf(value: { apiVersion: string; kind: string }): string {
  const slash = value.apiVersion.indexOf("/");
  return `${slash > 0 ? value.apiVersion.slice(0, slash) : ""}/${value.kind}`;
}

/** The scope of each kind the bundle's CustomResourceDefinitions define, by "group/Kind". */
function customScopes(bundle: Bundle): Map<string, string> {
  let scopes = crdScopes.get(bundle);
  if (scopes && scopes.objects === bundle.objects) return scopes.byKind;
  const byKind = new Map<string, string>();
  for (const object of bundle.objects) {
    if (object.value.kind !== "CustomResourceDefinition") continue;
    const spec = isRecord(object.value.spec) ? object.value.spec : {};
    const names = isRecord(spec.names) ? spec.names : {};
    if (typeof spec.group !== "string" || typeof names.kind !== "string") continue;
    if (typeof spec.scope === "string") byKind.set(`${spec.group}/${names.kind}`, spec.scope);
  }
  scopes = { objects: bundle.objects, byKind };
  crdScopes.set(bundle, scopes);
  return byKind;
}

const crdScopes = new WeakMap<Bundle, { objects: unknown; byKind: Map<string, string> }>();

/** Two namespaces agree unless both are set and differ (an unset one is applied with `-n`). */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/**
 * The Scout namespace: the config's, else the one Namespace object of the bundle when there is
 * exactly one (rules.md, Scope). Undefined when neither says.
 */
export function scoutNamespace(bundle: Bundle, settings: Settings): string | undefined {
  if (settings.namespace) return settings.namespace;
  // Rules ask once per object: the bundle's Namespace objects are counted once.
  if (!soleNamespaces.has(bundle)) {
    const namespaces = bundle.objects.filter((o) => o.value.kind === "Namespace" && o.ref.name);
    soleNamespaces.set(bundle, namespaces.length === 1 ? namespaces[0]!.ref.name : undefined);
  }
  return soleNamespaces.get(bundle);
}

const soleNamespaces = new WeakMap<Bundle, string | undefined>();

/**
 * The namespace an object lands in: its own, else `fallback` (the Scout namespace, which the
 * bundle is applied to with `-n`), else unknown. Identity is namespace + name: two objects of the
 * same name in different namespaces are different objects.
 */
export function namespaceIn(
  object: { ref: { namespace?: string } },
  fallback: string | undefined,
): string | undefined {
  return object.ref.namespace ?? fallback;
}
