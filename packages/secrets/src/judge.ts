import type { BundleObject } from "@scout-deploy/core";
import { configCredentials } from "./config-credentials.js";
import { detectTokenFormat, isCredentialName } from "./credentials.js";
import { fingerprint } from "./fingerprint.js";
import { PREVIOUS_SUFFIX } from "./layout.js";
import { effectiveSecretEntries, isSecret, type SecretEntry, secretType } from "./secret-values.js";
import { assessBytes, assessStrength, type Strength, type StrengthOptions } from "./strength.js";
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
export function credentialValues(
  object: BundleObject,
  readAsCredential?: ReadonlySet<string>,
): CredentialValue[] {
  return credentialEntries(object, readAsCredential).flatMap((entry) => {
    if (entry.text === undefined) return [];
    if (detectTokenFormat(entry.text) === "PEM private key") return [];
    return [{ ...entry, text: entry.text, fingerprint: fingerprint(entry.text) }];
  });
}

/**
 * The credential-named entries of a Secret (see `credentialValues`), text or not, and the keys
 * in `readAsCredential`: a container reads them into a credential-named variable
 * (`API_TOKEN` from key `value`), whatever the key's own name.
 */
function credentialEntries(
  object: BundleObject,
  readAsCredential: ReadonlySet<string> = new Set(),
): SecretEntry[] {
  if (!isSecret(object)) return [];
  const type = secretType(object);
  return effectiveSecretEntries(object).filter((entry) => {
    if (isTypeOwnKey(type, entry.key)) return false;
    if (readAsCredential.has(entry.key)) return true;
    const name = entry.key.endsWith(PREVIOUS_SUFFIX)
      ? entry.key.slice(0, -PREVIOUS_SUFFIX.length)
      : entry.key;
    return isCredentialName(name);
  });
}

export interface WeakValue {
  /** The entry, with its fingerprint (`text` is absent for a value that is not UTF-8). */
  value: SecretEntry & { fingerprint: string };
  strength: Strength;
  /** A password a config file of the entry sets (`requirepass`): the directive and where. */
  setting?: { directive: string; line: number; column: number };
}

/**
 * The credential values of a Secret that are not 32 random bytes' worth (`readAsCredential`: keys
 * that containers read as credentials, see `credentialEntries`). A value that is not UTF-8 text is
 * judged by its bytes: the kubelet hands the app those bytes as they are.
 */
export function weakValues(
  object: BundleObject,
  options: StrengthOptions & { readAsCredential?: ReadonlySet<string> } = {},
): WeakValue[] {
  // A credential-named key that holds a config file (AWS `credentials`, `.git-credentials`) is
  // judged by the credentials the file sets, as any other key's file is.
  const credentials = credentialEntries(object, options.readAsCredential).filter(
    (entry) => !holdsConfigFile(entry),
  );
  const judged = new Set(credentials.map((entry) => entry.key));
  return [
    ...credentials.flatMap(weakEntry(options)),
    ...weakConfigPasswords(object, options).filter((weak) => !judged.has(weak.value.key)),
  ];
}

/** Lines of a file that set credentials, or one URL that carries one: not a token itself. */
function holdsConfigFile(entry: SecretEntry): boolean {
  if (entry.text === undefined) return false;
  const found = configCredentials(entry.text);
  return found.length > 0 && (entry.text.trim().includes("\n") || found[0]!.name === "URL");
}

/**
 * The credentials the config files of a Secret set (a redis.conf's `requirepass`, a properties
 * file's `password=`, a URL's password, `.netrc`, `.pgpass`, `.npmrc`, docker `auths`), judged as
 * tokens: the program checks exactly that text, whatever the key holding the file is called.
 */
function weakConfigPasswords(object: BundleObject, options: StrengthOptions): WeakValue[] {
  if (!isSecret(object)) return [];
  const type = secretType(object);
  return effectiveSecretEntries(object).flatMap((entry) => {
    if (entry.text === undefined || isTypeOwnKey(type, entry.key)) return [];
    return configCredentials(entry.text).flatMap(({ value, digest, name, ...at }): WeakValue[] => {
      const setting = { directive: name, ...at };
      const strength = assessStrength(digest ? value : digestOrText(value), options);
      return strength.strong
        ? []
        : [{ value: { ...entry, fingerprint: fingerprint(value) }, strength, setting }];
    });
  });
}

/**
 * `requirepass #<sha256>` is the 65-character password Redis takes as written (only an ACL `user`
 * rule reads `#` as a digest); the digest of a common word stays one behind the `#`, and a
 * random one is as strong as its hex.
 */
function digestOrText(value: string): string {
  return /^#[0-9a-f]{64}$/.test(value) ? value.slice(1) : value;
}

function weakEntry(options: StrengthOptions) {
  return (entry: SecretEntry): WeakValue[] => {
    if (entry.text !== undefined) {
      if (detectTokenFormat(entry.text) === "PEM private key") return [];
      const strength = assessStrength(entry.text, options);
      return strength.strong
        ? []
        : [{ value: { ...entry, fingerprint: fingerprint(entry.text) }, strength }];
    }
    if (entry.bytes === undefined) return [];
    const strength = assessBytes(entry.bytes, options);
    return strength.strong
      ? []
      : [{ value: { ...entry, fingerprint: fingerprint(entry.bytes) }, strength }];
  };
}
