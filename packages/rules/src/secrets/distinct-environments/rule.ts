import { createHash } from "node:crypto";
import { type BundleObject, defineRule, isRecord } from "@scout-deploy/core";
import { type CredentialValue, credentialValues, LABELS } from "@scout-deploy/secrets";

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

interface Placement {
  object: BundleObject;
  value: CredentialValue;
  environment: string;
}

export const distinctEnvironments = defineRule({
  id: "secrets/distinct-environments",
  meta: {
    severity: "error",
    description:
      "No credential value is shared by two environments (environment label, overlay folder or namespace): each has its own tokens.",
    remediation:
      "Generate a separate value per environment (`scout-deploy secrets generate --env <name>`) and rotate the one that was shared.",
    guide: "Use Strong Authentication: Use different tokens for different environments",
    messages: {
      shared:
        'key "{{key}}" ({{fingerprint}}) of environment {{environment}} holds the same value as key "{{otherKey}}" of {{other}} in environment {{otherEnvironment}}',
    },
  },
  check(context) {
    const byDigest = new Map<string, Placement[]>();
    for (const object of context.bundle.objects) {
      const environment = environmentOf(object);
      if (environment === undefined) continue;
      for (const value of credentialValues(object)) {
        // Too short to be a shared token by accident of design; secrets/strong-token reports it.
        if (value.text.length < 8) continue;
        const digest = createHash("sha256").update(value.text).digest("hex");
        const placements = byDigest.get(digest) ?? [];
        placements.push({ object, value, environment });
        byDigest.set(digest, placements);
      }
    }
    for (const placements of byDigest.values()) {
      const first = placements[0]!;
      for (const placement of placements.slice(1)) {
        if (placement.environment === first.environment) continue;
        context.report({
          messageId: "shared",
          data: {
            key: placement.value.key,
            fingerprint: placement.value.fingerprint,
            environment: placement.environment,
            otherKey: first.value.key,
            other: `Secret ${first.object.ref.name ?? "(unnamed)"}`,
            otherEnvironment: first.environment,
          },
          object: placement.object,
          pointer: placement.value.pointer,
        });
      }
    }
  },
});
