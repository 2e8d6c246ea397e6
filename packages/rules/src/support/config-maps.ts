import type { Bundle, BundleObject } from "@scout-deploy/core";
import { effectiveNamespace, isRecord } from "@scout-deploy/core";
import { groupBy } from "./group.js";

const byPlace = new WeakMap<Bundle, Map<string, BundleObject[]>>();

/**
 * The objects of `kind` a pod of `namespace` reaches by `name`, in the bundle's order (an object
 * written twice gives two). Indexed once per bundle: rules ask for every instance's Prometheus,
 * nginx and Redis.
 */
export function objectsNamed(
  bundle: Bundle,
  kind: string,
  namespace: string | undefined,
  name: string,
): readonly BundleObject[] {
  let index = byPlace.get(bundle);
  if (!index) {
    const named = bundle.objects.filter(
      (o) => typeof o.value.kind === "string" && o.ref.name !== undefined,
    );
    index = groupBy(named, (o) =>
      placeKey(o.value.kind as string, effectiveNamespace(bundle, o), o.ref.name!),
    );
    byPlace.set(bundle, index);
  }
  return index.get(placeKey(kind, namespace, name)) ?? [];
}

/** The ConfigMaps a pod of `namespace` reaches by `name` (see `objectsNamed`). */
export const configMapsNamed = (bundle: Bundle, namespace: string | undefined, name: string) =>
  objectsNamed(bundle, "ConfigMap", namespace, name);

const placeKey = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}\u0000${namespace ?? ""}\u0000${name}`;

/**
 * The ConfigMap sources of a volume (`configMap`, or the `configMap`s a `projected` volume
 * lists); undefined for a volume of any other kind.
 */
export function configMapProjections(
  volume: Record<string, unknown>,
): Record<string, unknown>[] | undefined {
  if (isRecord(volume.configMap)) return [volume.configMap];
  if (isRecord(volume.projected) && Array.isArray(volume.projected.sources)) {
    return volume.projected.sources.flatMap((s) =>
      isRecord(s) && isRecord(s.configMap) ? [s.configMap] : [],
    );
  }
  return undefined;
}
