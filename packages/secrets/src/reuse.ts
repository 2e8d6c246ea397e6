import { createHash } from "node:crypto";
import type { BundleObject } from "@scout-deploy/core";
import { isRecord } from "@scout-deploy/core";
import { type CredentialValue, credentialValues } from "./judge.js";
import { LABELS } from "./layout.js";

export interface Placement {
  object: BundleObject;
  value: CredentialValue;
  environment: string;
}

export interface Reuse {
  fingerprint: string;
  /** Every place the value appears, in bundle order; the first is the original. */
  placements: Placement[];
  /** More than one environment holds it. */
  acrossEnvironments: boolean;
}

/**
 * The environment a Secret belongs to: its `scout-deploy.io/environment` label, else the folder
 * of its file (overlays/staging/...), else its namespace.
 */
export function environmentOf(object: BundleObject): string {
  const metadata = isRecord(object.value.metadata) ? object.value.metadata : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  const label = labels[LABELS.environment];
  if (typeof label === "string" && label) return label;
  const folder = object.document.file.path.split("/").slice(0, -1).join("/");
  if (folder) return folder;
  return typeof metadata.namespace === "string" ? metadata.namespace : "";
}

/** Credential values that appear in more than one Secret key, grouped by value. */
export function findReuse(objects: readonly BundleObject[]): Reuse[] {
  const groups = new Map<string, Placement[]>();
  for (const object of objects) {
    for (const value of credentialValues(object)) {
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
      acrossEnvironments: new Set(placements.map((p) => p.environment)).size > 1,
    }));
}
