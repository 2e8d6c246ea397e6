import { createHash } from "node:crypto";
import type { BundleObject } from "@scout-deploy/core";
import { isRecord } from "@scout-deploy/core";
import { type CredentialValue, credentialValues } from "./judge.js";
import { LABELS } from "./layout.js";

export interface Placement {
  object: BundleObject;
  value: CredentialValue;
  /** Undefined when no label, environment folder or namespace says. */
  environment: string | undefined;
}

export interface Reuse {
  fingerprint: string;
  /** Every place the value appears, in bundle order; the first is the original. */
  placements: Placement[];
}

/** Folder names that say "the environments live below me". */
const ENVIRONMENT_PARENTS = new Set([
  "overlays",
  "environments",
  "envs",
  "env",
  "clusters",
  "stages",
]);
/** Folder names that are environments by themselves. */
const ENVIRONMENT_NAMES = new Set([
  "dev",
  "development",
  "test",
  "testing",
  "qa",
  "uat",
  "stage",
  "staging",
  "preprod",
  "preview",
  "sandbox",
  "prod",
  "production",
  "live",
]);

/**
 * The environment an object belongs to: its `scout-deploy.io/environment` label, else a folder of
 * its file that names an environment (`overlays/<env>/…`, `…/staging/…`), else its namespace.
 * Undefined when none says: such objects are not compared. A plain folder (`k8s/redis/`) is not an
 * environment: the Redis password rightly sits in the Redis and the backend Secrets alike.
 */
export function environmentOf(object: BundleObject): string | undefined {
  const metadata = isRecord(object.value.metadata) ? object.value.metadata : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  const label = labels[LABELS.environment];
  if (typeof label === "string" && label) return label;
  const folders = object.document.file.path.split(/[\\/]/).slice(0, -1);
  for (const [index, folder] of folders.entries()) {
    const lower = folder.toLowerCase();
    if (ENVIRONMENT_PARENTS.has(lower) && folders[index + 1]) return folders[index + 1];
    if (ENVIRONMENT_NAMES.has(lower)) return folder;
  }
  return object.ref.namespace;
}

/**
 * Credential values that appear in more than one Secret key, grouped by value; `readAsCredential`
 * gives an object's keys that containers read as credentials whatever their names.
 */
export function findReuse(
  objects: readonly BundleObject[],
  readAsCredential: (object: BundleObject) => ReadonlySet<string> | undefined = () => undefined,
): Reuse[] {
  const groups = new Map<string, Placement[]>();
  for (const object of objects) {
    for (const value of credentialValues(object, readAsCredential(object))) {
      if (value.text.length < 8) continue; // too short to be reused meaningfully; strong-token reports it
      const digest = createHash("sha256").update(value.text).digest("hex");
      const placements = groups.get(digest) ?? [];
      placements.push({ object, value, environment: environmentOf(object) });
      groups.set(digest, placements);
    }
  }
  return [...groups.values()]
    .filter((placements) => placements.length > 1)
    .map((placements) => ({
      fingerprint: placements[0]!.value.fingerprint,
      placements,
    }));
}
