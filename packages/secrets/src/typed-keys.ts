import type { BundleObject } from "@scout-deploy/core";
import { isRecord } from "@scout-deploy/core";
import { bytesAsText, decodeBase64 } from "./base64.js";
import { isSecret, type SecretEntry, secretEntries, secretType } from "./secret-values.js";
import { isPlaceholder } from "./strength.js";

/** What a key a Secret type defines for itself must hold. */
export type TypedKeyExpectation =
  | "a PEM private key"
  | "a PEM certificate"
  | "a Docker config JSON with auths"
  | "a bootstrap token secret (16 characters a-z0-9)"
  | "a bootstrap token id (6 characters a-z0-9)";

const PRIVATE_KEY =
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]+-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;

/** The keys each Secret type defines for itself, and what each must hold (undefined: free form). */
const TYPE_KEYS: Readonly<
  Record<string, Readonly<Record<string, TypedKeyExpectation | undefined>>>
> = {
  "kubernetes.io/tls": {
    "tls.key": "a PEM private key",
    "tls.crt": "a PEM certificate",
    "ca.crt": "a PEM certificate",
  },
  "kubernetes.io/ssh-auth": { "ssh-privatekey": "a PEM private key" },
  "kubernetes.io/dockerconfigjson": { ".dockerconfigjson": "a Docker config JSON with auths" },
  "kubernetes.io/dockercfg": { ".dockercfg": "a Docker config JSON with auths" },
  "kubernetes.io/service-account-token": {
    token: undefined,
    "ca.crt": undefined,
    namespace: undefined,
  },
  "bootstrap.kubernetes.io/token": {
    "token-id": "a bootstrap token id (6 characters a-z0-9)",
    "token-secret": "a bootstrap token secret (16 characters a-z0-9)",
    description: undefined,
    expiration: undefined,
    "auth-extra-groups": undefined,
  },
};

/** True when `key` is one a Secret of `type` defines for itself (`usage-bootstrap-*` included). */
export function isTypeOwnKey(type: string, key: string): boolean {
  if (type === "bootstrap.kubernetes.io/token" && key.startsWith("usage-bootstrap-")) return true;
  return TYPE_KEYS[type] !== undefined && key in TYPE_KEYS[type]!;
}

/** A Docker config holds `auths` (dockerconfigjson) or registries at the top (dockercfg). */
function dockerConfigProblem(text: string, type: string): "malformed" | "placeholder" | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "malformed";
  }
  const auths =
    type === "kubernetes.io/dockercfg" ? parsed : isRecord(parsed) ? parsed.auths : undefined;
  if (!isRecord(auths)) return "malformed";
  for (const registry of Object.values(auths)) {
    if (!isRecord(registry)) return "malformed";
    if (registryPasswords(registry).some(isPlaceholder)) return "placeholder";
  }
  return undefined;
}

/** The password of one registry entry: `password`, else the part of `auth` (base64 user:pass) after the colon. */
function registryPasswords(registry: Record<string, unknown>): string[] {
  const passwords = typeof registry.password === "string" ? [registry.password] : [];
  if (typeof registry.auth === "string") {
    const decoded = decodeBase64(registry.auth);
    const text = decoded ? bytesAsText(decoded) : undefined;
    const colon = text?.indexOf(":") ?? -1;
    if (text !== undefined && colon >= 0) passwords.push(text.slice(colon + 1));
  }
  return passwords;
}

function holds(expectation: TypedKeyExpectation, text: string): boolean {
  switch (expectation) {
    case "a PEM private key":
      return PRIVATE_KEY.test(text);
    case "a PEM certificate":
      return CERTIFICATE.test(text);
    case "a bootstrap token id (6 characters a-z0-9)":
      return /^[a-z0-9]{6}$/.test(text);
    case "a bootstrap token secret (16 characters a-z0-9)":
      return /^[a-z0-9]{16}$/.test(text);
    case "a Docker config JSON with auths":
      return true;
  }
}

export interface TypedKeyProblem {
  entry: SecretEntry;
  type: string;
  expected: TypedKeyExpectation;
  /** `placeholder`: a Docker registry password is a placeholder; otherwise the format is wrong. */
  problem: "malformed" | "placeholder";
}

/**
 * The keys a Secret's type defines for itself that do not hold what the type says (a `tls.key`
 * that is no private key, a `.dockerconfigjson` that is no config or carries a placeholder
 * password). Values that are not valid base64 are `secrets/valid-base64`'s.
 */
export function typedKeyProblems(object: BundleObject): TypedKeyProblem[] {
  if (!isSecret(object)) return [];
  const type = secretType(object);
  const keys = TYPE_KEYS[type];
  if (!keys) return [];
  return secretEntries(object).flatMap((entry): TypedKeyProblem[] => {
    const expected = keys[entry.key];
    if (!expected || entry.bytes === undefined) return [];
    const text = entry.text ?? "";
    if (expected === "a Docker config JSON with auths") {
      const problem = dockerConfigProblem(text, type);
      return problem ? [{ entry, type, expected, problem }] : [];
    }
    return holds(expected, text) ? [] : [{ entry, type, expected, problem: "malformed" }];
  });
}
