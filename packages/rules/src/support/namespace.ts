import type { Bundle, Settings } from "@scout-deploy/core";

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

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

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
