import type { Bundle } from "@scout-deploy/core";
import { findReuse, isSecret, type Reuse } from "@scout-deploy/secrets";

const reuses = new WeakMap<Bundle, Reuse[]>();

/**
 * The credential values found in more than one Secret key, grouped once per bundle:
 * secrets/reuse judges them within an environment, secrets/distinct-environments across.
 */
export function reuseIn(bundle: Bundle): Reuse[] {
  let found = reuses.get(bundle);
  if (!found) {
    found = findReuse(bundle.objects.filter(isSecret));
    reuses.set(bundle, found);
  }
  return found;
}
