import { type BundleObject, isRecord, joinPointer } from "@scout-deploy/core";
import { bytesAsText, decodeBase64 } from "./base64.js";

/** One value of a Secret, as a rule sees it: where it is and what it decodes to. */
export interface SecretEntry {
  key: string;
  /** `data` (base64) or `stringData` (plain text). */
  field: "data" | "stringData";
  /** Pointer of the value inside the object. */
  pointer: string;
  /** The value as written (base64 for `data`). */
  raw: unknown;
  /** The bytes stored (see `storedBytes`); undefined for a value the API server refuses. */
  bytes?: Buffer;
  /** The decoded value as text; undefined for binary data. */
  text?: string;
}

/** Secret types whose values are certificates, keys or tokens in formats of their own. */
export const STRUCTURED_SECRET_TYPES = new Set([
  "kubernetes.io/tls",
  "kubernetes.io/dockerconfigjson",
  "kubernetes.io/dockercfg",
  "kubernetes.io/service-account-token",
  "kubernetes.io/ssh-auth",
  "bootstrap.kubernetes.io/token",
]);

export function isSecret(object: BundleObject): boolean {
  return (
    object.value.kind === "Secret" &&
    (object.value.apiVersion === "v1" || object.value.apiVersion === undefined)
  );
}

export function secretType(object: BundleObject): string {
  return typeof object.value.type === "string" ? object.value.type : "Opaque";
}

export function secretEntries(object: BundleObject): SecretEntry[] {
  const entries: SecretEntry[] = [];
  for (const field of ["data", "stringData"] as const) {
    const values = object.value[field];
    if (!isRecord(values)) continue;
    for (const [key, raw] of Object.entries(values)) {
      const entry: SecretEntry = { key, field, pointer: joinPointer("", field, key), raw };
      const bytes = storedBytes(field, raw);
      if (bytes) {
        entry.bytes = bytes;
        const text = bytesAsText(bytes);
        if (text !== undefined) entry.text = text;
      }
      entries.push(entry);
    }
  }
  return entries;
}

/**
 * What the API server stores for one value: `data` decoded as encoding/json decodes a []byte
 * (standard base64), `stringData` as UTF-8, and `null` (a key written with no value) as an empty
 * value, which it accepts in both maps. Undefined for what it refuses.
 */
export function storedBytes(field: "data" | "stringData", raw: unknown): Buffer | undefined {
  if (raw === null) return Buffer.alloc(0);
  if (typeof raw !== "string") return undefined;
  return field === "data" ? decodeBase64(raw) : Buffer.from(raw, "utf8");
}

/**
 * The entries the stored Secret holds: the API server writes each `stringData` key over `data`,
 * so a `data` value whose key `stringData` also sets never reaches the cluster.
 */
export function effectiveSecretEntries(object: BundleObject): SecretEntry[] {
  const entries = secretEntries(object);
  const written = new Set(entries.filter((e) => e.field === "stringData").map((e) => e.key));
  return entries.filter((e) => e.field === "stringData" || !written.has(e.key));
}
