import { apiGroupOf } from "./identity.js";
import type { ObjectRef } from "./model.js";
import { isRecord } from "./pointer.js";

/** Where an object lands when nothing names a namespace: kubectl's context default. */
export const DEFAULT_NAMESPACE = "default";

/**
 * Kinds that live outside any namespace (the built-in ones of Kubernetes 1.33, and common
 * cluster-wide add-on kinds: Kyverno, Gatekeeper, Argo Workflows, Calico, Cilium, CSI snapshots,
 * cert-manager, External Secrets); every other kind is judged as namespaced.
 */
const CLUSTER_SCOPED = new Set([
  "APIService",
  "AdminNetworkPolicy",
  "BaselineAdminNetworkPolicy",
  "ClusterNetworkPolicy",
  "SidecarSet",
  "CiliumClusterwideNetworkPolicy",
  "ClusterAdmissionReport",
  "ClusterBackgroundScanReport",
  "ClusterCleanupPolicy",
  "ClusterEphemeralReport",
  "ClusterPolicy",
  "ClusterPolicyReport",
  "ClusterWorkflowTemplate",
  "ConstraintTemplate",
  "GlobalNetworkPolicy",
  "GlobalNetworkSet",
  "VolumeSnapshotClass",
  "VolumeSnapshotContent",
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
 * What placing an object reads of a bundle's object: its reference and kind (a CRD's spec too).
 * Structural, so that the bundle can place its objects without a circle of imports.
 */
export interface PlacedObject {
  value: { apiVersion: string; kind: string; spec?: unknown };
  ref: ObjectRef;
}

/** The objects applied together: a bundle, or the objects a bundle is being built from. */
export interface AppliedObjects {
  readonly objects: readonly PlacedObject[];
}

/**
 * Whether an object lives outside any namespace. A kind that a CustomResourceDefinition among
 * the objects defines has the scope that CRD gives it (the API server serves it so); any other
 * kind is judged by the built-in table.
 */
export function isClusterScoped(applied: AppliedObjects, object: PlacedObject): boolean {
  const custom = customScopes(applied.objects);
  const scope = custom.size > 0 ? custom.get(groupKindOf(object.value)) : undefined;
  if (scope !== undefined) return scope === "Cluster";
  return (
    CLUSTER_SCOPED.has(object.value.kind) ||
    CLUSTER_SCOPED_GROUPS.has(apiGroupOf(object.value.apiVersion))
  );
}

/** Groups whose every kind is cluster-scoped: Gatekeeper's constraints (one kind per template) and mutators. */
const CLUSTER_SCOPED_GROUPS = new Set(["constraints.gatekeeper.sh", "mutations.gatekeeper.sh"]);

/**
 * The namespace an object is created in, as the API server decides it: none for a cluster-scoped
 * kind (it clears a `metadata.namespace` sent with one), else its own `metadata.namespace`, else
 * the namespace of the request (`kubectl apply -n`, `helm install --namespace`), else `default`
 * (the namespace of a kubeconfig context that sets none). Every rule, the network analysis and
 * the report read an object's namespace through here, so one object is never in two places.
 */
export function effectiveNamespace(
  applied: AppliedObjects,
  object: PlacedObject,
  requestNamespace?: string,
): string | undefined {
  if (isClusterScoped(applied, object)) return undefined;
  return object.ref.namespace ?? (requestNamespace || DEFAULT_NAMESPACE);
}

/**
 * How a report names an object: its reference with the namespace it lands in (`default` for an
 * unset one, none for a cluster-scoped kind), so that an object is told the same whether its
 * namespace is spelt out or left to kubectl.
 */
export function placedRef(applied: AppliedObjects, object: PlacedObject): ObjectRef {
  // Every finding names its object: one (frozen) reference per object and set of objects.
  let placed = placedRefs.get(applied.objects);
  if (!placed) {
    placed = new WeakMap();
    placedRefs.set(applied.objects, placed);
  }
  let ref = placed.get(object);
  if (!ref) {
    const { apiVersion, kind, name } = object.ref;
    const namespace = effectiveNamespace(applied, object);
    ref = Object.freeze({
      ...(apiVersion !== undefined ? { apiVersion } : {}),
      ...(kind !== undefined ? { kind } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
    });
    placed.set(object, ref);
  }
  return ref;
}

const placedRefs = new WeakMap<readonly PlacedObject[], WeakMap<PlacedObject, ObjectRef>>();

function groupKindOf(value: { apiVersion: string; kind: string }): string {
  return `${apiGroupOf(value.apiVersion)}/${value.kind}`;
}

const crdScopes = new WeakMap<readonly PlacedObject[], Map<string, string>>();

/** The scope of each kind the objects' CustomResourceDefinitions define, by "group/Kind". */
function customScopes(objects: readonly PlacedObject[]): Map<string, string> {
  let byKind = crdScopes.get(objects);
  if (byKind) return byKind;
  byKind = new Map<string, string>();
  for (const object of objects) {
    if (object.value.kind !== "CustomResourceDefinition") continue;
    const spec = isRecord(object.value.spec) ? object.value.spec : {};
    const names = isRecord(spec.names) ? spec.names : {};
    if (typeof spec.group !== "string" || typeof names.kind !== "string") continue;
    if (typeof spec.scope === "string") byKind.set(`${spec.group}/${names.kind}`, spec.scope);
  }
  crdScopes.set(objects, byKind);
  return byKind;
}
