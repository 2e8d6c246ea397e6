import type { Bundle, Settings } from "@scout-deploy/core";

export { effectiveNamespace, isClusterScoped } from "@scout-deploy/core";

/**
 * The Scout namespace: the config's, else the one Namespace object of the bundle when there is
 * exactly one (rules.md, Scope). Undefined when neither says.
 */
export function scoutNamespace(bundle: Bundle, settings: Settings): string | undefined {
  if (settings.namespace) return settings.namespace;
  // Rules ask once per object: the bundle's Namespace objects are counted once.
  if (!soleNamespaces.has(bundle)) {
    const namespaces = bundle.objects.filter((o) => o.value.kind === "Namespace" && o.ref.name);
    soleNamespaces.set(bundle, namespaces.length === 1 ? namespaces[0]!.ref.name : undefined);
  }
  return soleNamespaces.get(bundle);
}

const soleNamespaces = new WeakMap<Bundle, string | undefined>();
