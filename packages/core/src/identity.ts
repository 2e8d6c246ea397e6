import type { ObjectRef } from "./model.js";

/**
 * Resources Kubernetes moved to another group while keeping their storage: the API server
 * serves one object under both (an `extensions/v1beta1` Deployment is read back as `apps/v1`).
 */
const MOVED_TO: Readonly<Record<string, string>> = {
  "extensions/Deployment": "apps",
  "extensions/DaemonSet": "apps",
  "extensions/ReplicaSet": "apps",
  "extensions/Ingress": "networking.k8s.io",
  "extensions/NetworkPolicy": "networking.k8s.io",
  "extensions/PodSecurityPolicy": "policy",
  "events.k8s.io/Event": "",
};

/**
 * The version the API server prefers today in the groups of Kubernetes itself. The identity
 * names an object by it, so the fingerprints of objects already written in it stay what they
 * were before versions stopped counting.
 */
const PREFERRED_VERSION: Readonly<Record<string, string>> = {
  "": "v1",
  "admissionregistration.k8s.io": "v1",
  "apiextensions.k8s.io": "v1",
  "apiregistration.k8s.io": "v1",
  apps: "v1",
  autoscaling: "v2",
  batch: "v1",
  "certificates.k8s.io": "v1",
  "coordination.k8s.io": "v1",
  "discovery.k8s.io": "v1",
  "flowcontrol.apiserver.k8s.io": "v1",
  "networking.k8s.io": "v1",
  "node.k8s.io": "v1",
  policy: "v1",
  "rbac.authorization.k8s.io": "v1",
  "scheduling.k8s.io": "v1",
  "storage.k8s.io": "v1",
};

/**
 * The apiVersion that names an object for the cluster: versions of one group are views of one
 * stored object (`batch/v1beta1` and `batch/v1` CronJob), and a resource that moved group
 * (`extensions` -> `apps`) is the same object too. A group of Kubernetes is named by its preferred
 * version; any other group (a CRD's) by `group/*`, since every version it serves is one object.
 * Two objects of different groups (a CRD's `Deployment` beside `apps`') never share a name.
 */
export function clusterApiVersion(apiVersion: string | undefined, kind: string | undefined) {
  if (!apiVersion) return apiVersion;
  const written = apiGroupOf(apiVersion);
  const group = MOVED_TO[`${written}/${kind ?? ""}`] ?? written;
  const version = PREFERRED_VERSION[group] ?? "*";
  return group ? `${group}/${version}` : version;
}

/** The API group of an apiVersion: "apps" of "apps/v1", "" (the core group) of "v1". */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

/**
 * A field as the preferred version names it, where an older version named it otherwise: the API
 * server converts one into the other, so a finding on it is the same finding (an Ingress's
 * `backend.serviceName` of `v1beta1` is `backend.service.name` of `v1`).
 */
export function clusterPath(
  apiVersion: string | undefined,
  kind: string | undefined,
  path: string,
): string {
  const older = ["extensions/v1beta1", "networking.k8s.io/v1beta1"];
  if (kind !== "Ingress" || !older.includes(apiVersion ?? "")) return path;
  return path
    .replace(/\/backend\/serviceName(?=\/|$)/, "/backend/service/name")
    .replace(/^\/spec\/backend(?=\/|$)/, "/spec/defaultBackend");
}

/** The object as the API server tells objects apart: its group (not version), kind, namespace, name. */
export function clusterIdentity(ref: ObjectRef): string {
  return [clusterApiVersion(ref.apiVersion, ref.kind), ref.kind, ref.namespace, ref.name].join(
    "\u0000",
  );
}
