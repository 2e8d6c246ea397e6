import { stringify } from "yaml";
import { encodeBase64 } from "./base64.js";
import { fingerprint } from "./fingerprint.js";
import { ANNOTATIONS, LABELS, SCOUT_SECRET_NAME } from "./layout.js";

export type SecretMode = "secret" | "sealed" | "external";

export const SECRET_MODES: readonly SecretMode[] = ["secret", "sealed", "external"];

export interface SecretSpec {
  /** @default "scout-secrets" */
  name?: string;
  namespace?: string;
  environment?: string;
  /** key -> value (plain text; base64-encoded into `data`). Order is kept. */
  values: ReadonlyArray<readonly [string, string]>;
  createdAt: Date;
  rotatedAt?: Date;
  /** When `-previous` values may be dropped. */
  previousExpiresAt?: Date;
}

export type Manifest = Record<string, unknown>;

export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Key -> fingerprint, as a compact JSON object with sorted keys (the value of an annotation). */
export function fingerprintsAnnotation(values: ReadonlyArray<readonly [string, string]>): string {
  const sorted = [...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(
    Object.fromEntries(sorted.map(([key, value]) => [key, fingerprint(value)])),
  );
}

function metadata(spec: SecretSpec, annotations: Record<string, string>): Manifest {
  const labels: Record<string, string> = {
    [LABELS.partOf]: "scout",
    [LABELS.managedBy]: "scout-deploy",
  };
  if (spec.environment) labels[LABELS.environment] = spec.environment;
  return {
    name: spec.name ?? SCOUT_SECRET_NAME,
    ...(spec.namespace ? { namespace: spec.namespace } : {}),
    labels,
    annotations,
  };
}

function recordAnnotations(spec: SecretSpec): Record<string, string> {
  const annotations: Record<string, string> = {
    [ANNOTATIONS.createdAt]: rfc3339(spec.createdAt),
    [ANNOTATIONS.rotatedAt]: rfc3339(spec.rotatedAt ?? spec.createdAt),
    [ANNOTATIONS.fingerprints]: fingerprintsAnnotation(spec.values),
  };
  if (spec.previousExpiresAt)
    annotations[ANNOTATIONS.previousExpiresAt] = rfc3339(spec.previousExpiresAt);
  return annotations;
}

/** A plain `v1` Secret: values in `data`, base64 of the text (so base64 twice for generated tokens). */
export function secretManifest(spec: SecretSpec): Manifest {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: metadata(spec, recordAnnotations(spec)),
    type: "Opaque",
    data: Object.fromEntries(spec.values.map(([key, value]) => [key, encodeBase64(value)])),
  };
}

/**
 * A Secret ready for `kubeseal`: the namespace is required (kubeseal's default strict scope
 * binds the sealed value to name and namespace) and nothing is in `stringData`.
 */
export function sealedReadyManifest(spec: SecretSpec): Manifest {
  if (!spec.namespace)
    throw new Error("a SealedSecret-ready Secret needs a namespace (kubeseal's strict scope)");
  return secretManifest(spec);
}

export interface ExternalSecretSpec {
  /** The ExternalSecret and the Secret it creates. @default "scout-secrets" */
  name?: string;
  namespace?: string;
  environment?: string;
  keys: readonly string[];
  store: { name: string; kind: "SecretStore" | "ClusterSecretStore" };
  /** Where the values live in the store: `<remotePrefix>/<key>`. @default "scout/<environment>" */
  remotePrefix?: string;
  /** @default "1h" */
  refreshInterval?: string;
}

/** An External Secrets Operator `ExternalSecret` (external-secrets.io/v1) that fills Scout's Secret from a store. */
export function externalSecretManifest(spec: ExternalSecretSpec): Manifest {
  const prefix = spec.remotePrefix ?? `scout/${spec.environment ?? "default"}`;
  const name = spec.name ?? SCOUT_SECRET_NAME;
  const labels: Record<string, string> = {
    [LABELS.partOf]: "scout",
    [LABELS.managedBy]: "scout-deploy",
  };
  if (spec.environment) labels[LABELS.environment] = spec.environment;
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name, ...(spec.namespace ? { namespace: spec.namespace } : {}), labels },
    spec: {
      refreshInterval: spec.refreshInterval ?? "1h",
      secretStoreRef: { name: spec.store.name, kind: spec.store.kind },
      // The ExternalSecret's labels are copied to the Secret it creates.
      target: { name, creationPolicy: "Owner" },
      data: spec.keys.map((key) => ({ secretKey: key, remoteRef: { key: `${prefix}/${key}` } })),
    },
  };
}

/** Deterministic YAML: keys in the order built, no line folding, documents separated by `---`. */
export function toYaml(manifests: readonly Manifest[]): string {
  return manifests.map((m) => stringify(m, { lineWidth: 0, minContentWidth: 0 })).join("---\n");
}
