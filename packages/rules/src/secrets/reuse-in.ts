import { type Bundle, effectiveNamespace } from "@scout-deploy/core";
import { findReuse, isSecret, type Reuse } from "@scout-deploy/secrets";
import { secretKeysReadAsCredentials } from "./env.js";

const reuses = new WeakMap<Bundle, Reuse[]>();

/**
 * The credential values found in more than one Secret key (credential-named, or read by a
 * container as a credential), grouped once per bundle:
 * secrets/reuse judges them within an environment, secrets/distinct-environments across.
 */
export function reuseIn(bundle: Bundle): Reuse[] {
  let found = reuses.get(bundle);
  if (!found) {
    const readAs = secretKeysReadAsCredentials(bundle);
    found = findReuse(bundle.objects.filter(isSecret), (object) =>
      readAs.get(`${effectiveNamespace(bundle, object) ?? ""}/${object.ref.name ?? ""}`),
    );
    reuses.set(bundle, found);
  }
  return found;
}
