import { gunzipSync } from "node:zlib";
import { ConfigurationError } from "@scout-deploy/core";
import { KUBERNETES_SCHEMAS } from "./generated/kubernetes-schemas.js";

/** The subset of JSON Schema (draft 2020-12) that Kubernetes' strict schemas use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  oneOf?: JsonSchema[];
  /** A definition name, resolved in the version's `defs` (a "#/..." pointer in a user's file). */
  $ref?: string;
  /** In users' schemas (CRDs) only; the bundled ones do not use these. */
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  "x-kubernetes-int-or-string"?: boolean;
}

export interface VersionSchemas {
  /** "apps/v1/Deployment" -> definition name. */
  kinds: Record<string, string>;
  /** Definition name -> index into `schemas`. */
  defs: Record<string, number>;
}

export interface SchemaData {
  source: string;
  kubeVersions: string[];
  schemas: JsonSchema[];
  versions: Record<string, VersionSchemas>;
}

let cached: SchemaData | undefined;

/** The bundled schemas, decoded once (about 400 kB of JSON from 57 kB of text). */
export function schemaData(): SchemaData {
  cached ??= JSON.parse(gunzipSync(Buffer.from(KUBERNETES_SCHEMAS, "base64")).toString("utf8"));
  return cached as SchemaData;
}

/** The Kubernetes versions with bundled schemas, oldest first ("1.35.0", ...). */
export function bundledKubernetesVersions(): string[] {
  return [...schemaData().kubeVersions];
}

export function defaultKubernetesVersion(): string {
  return bundledKubernetesVersions().at(-1) as string;
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

/** Parses "1.36", "1.36.2" or "v1.36.2" into "1.36.2"-style text; throws on anything else. */
export function parseKubernetesVersion(text: string): {
  major: number;
  minor: number;
  patch: number;
} {
  const match = VERSION.exec(text.trim());
  if (!match) {
    throw new ConfigurationError(
      `--kubernetes-version: "${text}" is not a Kubernetes version such as 1.34.1`,
    );
  }
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/** The bundled schema version for a user's version: the same minor (any patch). */
export function resolveBundledVersion(requested: string | undefined): string {
  if (requested === undefined || requested === "") return defaultKubernetesVersion();
  const { major, minor } = parseKubernetesVersion(requested);
  const found = bundledKubernetesVersions().find((v) => v.startsWith(`${major}.${minor}.`));
  if (!found) {
    const bundled = bundledKubernetesVersions()
      .map((v) => v.split(".").slice(0, 2).join("."))
      .join(", ");
    throw new ConfigurationError(
      `--kubernetes-version ${requested}: the embedded validator bundles schemas for ${bundled}; use one of those or --schema kubeconform`,
    );
  }
  return found;
}
