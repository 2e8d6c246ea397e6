import type { BundleObject } from "@scout-deploy/core";
import { detectTokenFormat, isCredentialName } from "./credentials.js";
import { fingerprint } from "./fingerprint.js";
import { PREVIOUS_SUFFIX } from "./layout.js";
import { effectiveSecretEntries, isSecret, type SecretEntry, secretType } from "./secret-values.js";
import { assessStrength, type Strength, type StrengthOptions } from "./strength.js";
import { isTypeOwnKey } from "./typed-keys.js";

/** A credential value of a Secret, decoded, with what a message may show of it. */
export interface CredentialValue extends SecretEntry {
  text: string;
  fingerprint: string;
}

/**
 * The values of a Secret that are tokens or passwords: credential-named keys (`-previous`
 * included), decoded to text, whatever the Secret's `type`: only the keys the type defines for
 * itself (`tls.key`, `.dockerconfigjson`, …) are left out, `typedKeyProblems` judges those.
 * PEM keys are left out: their strength is the key's, not the text's. A `data` value that
 * `stringData` overrides is left out too: the cluster never holds it.
 */
export function credentialValues(object: BundleObject): CredentialValue[] {
  if (!isSecret(object)) return [];
  const type = secretType(object);
  return effectiveSecretEntries(object).flatMap((entry) => {
    if (isTypeOwnKey(type, entry.key)) return [];
    const name = entry.key.endsWith(PREVIOUS_SUFFIX)
      ? entry.key.slice(0, -PREVIOUS_SUFFIX.length)
      : entry.key;
    if (entry.text === undefined || !isCredentialName(name)) return [];
    if (detectTokenFormat(entry.text) === "PEM private key") return [];
    return [{ ...entry, text: entry.text, fingerprint: fingerprint(entry.text) }];
  });
}

export interface WeakValue {
  value: CredentialValue;
  strength: Strength;
}

/** The credential values of a Secret that are not 32 random bytes' worth. */
export function weakValues(object: BundleObject, options: StrengthOptions = {}): WeakValue[] {
  return credentialValues(object).flatMap((value) => {
    const strength = assessStrength(value.text, options);
    return strength.strong ? [] : [{ value, strength }];
  });
}
