import {
  type Bundle,
  compileSelector,
  effectiveNamespace,
  isRecord,
  joinPointer,
  type PodTemplate,
  quantityValue,
  specPointerOf,
  stringLabels,
} from "@scout-deploy/core";

type Json = Record<string, unknown>;

/** A PersistentVolume of the input that is a directory or device of the node. */
export interface NodePathVolume {
  name: string;
  /** The volume source: `hostPath`, or `local` (a node's disk or directory, by path). */
  source: "hostPath" | "local";
  path: string;
  spec: Json;
  labels: Readonly<Record<string, string>>;
  /** The class the binder reads (GetPersistentVolumeClass): the beta annotation, else the field. */
  storageClass: string;
}

/** A claim a pod template's pods use, and where the template asks for it. */
export interface PodClaim {
  /** The pod volume (or StatefulSet claim template) name. */
  volume: string;
  /** Pointer, inside the object, of the field that names or defines the claim. */
  pointer: string;
  namespace: string | undefined;
  /** Whether the name is that of the claim a PersistentVolume's claimRef names. */
  named: (name: string) => boolean;
  /** The claim's spec and annotations, when the input holds them (a claim object or a template). */
  spec?: Json;
  annotations?: Json;
}

const NODE_PATH_SOURCES = ["hostPath", "local"] as const;
const BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";
const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** The PersistentVolumes of the input whose source is a path of the node (hostPath, local). */
export function nodePathVolumes(bundle: Bundle): NodePathVolume[] {
  return bundle.objects.flatMap((o) => {
    const spec = o.value.spec;
    if (o.value.kind !== "PersistentVolume" || !isRecord(spec)) return [];
    const source = NODE_PATH_SOURCES.find((key) => isRecord(spec[key]));
    if (!source) return [];
    const metadata = isRecord(o.value.metadata) ? o.value.metadata : {};
    const path = (spec[source] as Json).path;
    return [
      {
        name: o.ref.name ?? "",
        source,
        path: String(path ?? "(unset)"),
        spec,
        labels: stringLabels(metadata.labels),
        storageClass: classOf(metadata.annotations, spec) ?? "",
      },
    ];
  });
}

/**
 * Every claim the template's pods mount: a `persistentVolumeClaim` volume (with the claim object
 * when the input holds it), an `ephemeral` volume (the claim its template makes, named
 * `<pod>-<volume>`), and a StatefulSet's volumeClaimTemplates (`<template>-<set>-<ordinal>`).
 */
export function podClaims(bundle: Bundle, template: PodTemplate): PodClaim[] {
  const namespace = effectiveNamespace(bundle, template.object);
  const claims: PodClaim[] = [];
  const volumes = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
  volumes.forEach((volume, index) => {
    if (!isRecord(volume)) return;
    const name = String(volume.name ?? `#${index}`);
    const at = specPointerOf(template, "volumes", index);
    const claimName = isRecord(volume.persistentVolumeClaim)
      ? volume.persistentVolumeClaim.claimName
      : undefined;
    if (typeof claimName === "string") {
      const object = bundle.objects.find(
        (o) =>
          o.value.kind === "PersistentVolumeClaim" &&
          o.ref.name === claimName &&
          effectiveNamespace(bundle, o) === namespace,
      );
      const metadata = isRecord(object?.value.metadata) ? object.value.metadata : {};
      claims.push({
        volume: name,
        pointer: joinPointer(at, "persistentVolumeClaim"),
        namespace,
        named: (n) => n === claimName,
        ...(object
          ? { spec: recordOr(object.value.spec), annotations: recordOr(metadata.annotations) }
          : {}),
      });
    }
    const claimTemplate = isRecord(volume.ephemeral)
      ? volume.ephemeral.volumeClaimTemplate
      : undefined;
    if (isRecord(claimTemplate)) {
      const pod = template.object.value.kind === "Pod" ? template.object.ref.name : undefined;
      claims.push({
        volume: name,
        pointer: joinPointer(at, "ephemeral"),
        namespace,
        // Only a bare Pod's name is known: a controller's pods get generated names.
        named: (n) => pod !== undefined && n === `${pod}-${name}`,
        spec: recordOr(claimTemplate.spec),
        annotations: recordOr(recordOr(claimTemplate.metadata).annotations),
      });
    }
  });
  claims.push(...statefulSetClaims(template, namespace));
  return claims;
}

function statefulSetClaims(template: PodTemplate, namespace: string | undefined): PodClaim[] {
  const { value, ref } = template.object;
  if (value.kind !== "StatefulSet" || !isRecord(value.spec)) return [];
  const templates = Array.isArray(value.spec.volumeClaimTemplates)
    ? value.spec.volumeClaimTemplates
    : [];
  return templates.flatMap((claim, index) => {
    if (!isRecord(claim)) return [];
    const metadata = recordOr(claim.metadata);
    const name = typeof metadata.name === "string" ? metadata.name : `#${index}`;
    const prefix = `${name}-${ref.name ?? ""}-`;
    return [
      {
        volume: name,
        pointer: joinPointer("/spec/volumeClaimTemplates", index),
        namespace,
        named: (n: string) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)),
        spec: recordOr(claim.spec),
        annotations: recordOr(metadata.annotations),
      },
    ];
  });
}

/**
 * The node-path PersistentVolume the claim binds to, as the binder chooses
 * (FindMatchingVolume): one its volumeName names, one whose claimRef names it, or else any
 * unreserved one it matches: the same class, access modes that include the claim's, the same
 * volume mode and attributes class, capacity enough for the request, labels its selector selects.
 */
export function boundNodePath(
  bundle: Bundle,
  volumes: readonly NodePathVolume[],
  claim: PodClaim,
): NodePathVolume | undefined {
  const reservedForClaim = (pv: NodePathVolume) => {
    const ref = pv.spec.claimRef;
    // The binder matches a claimRef by namespace and name, exactly (IsVolumeBoundToClaim).
    return isRecord(ref) && ref.namespace === claim.namespace && typeof ref.name === "string"
      ? claim.named(ref.name)
      : false;
  };
  const named = claim.spec?.volumeName;
  const chosen = volumes.find(
    (pv) =>
      (typeof named === "string" && named !== "" && pv.name === named) || reservedForClaim(pv),
  );
  if (chosen || !claim.spec || (typeof named === "string" && named !== "")) return chosen;
  const spec = claim.spec;
  const requestedClass = claimClass(bundle, claim);
  return volumes.find(
    (pv) =>
      pv.spec.claimRef == null &&
      pv.storageClass === requestedClass &&
      accessModesCover(pv.spec.accessModes, spec.accessModes) &&
      (pv.spec.volumeMode ?? "Filesystem") === (spec.volumeMode ?? "Filesystem") &&
      (pv.spec.volumeAttributesClassName ?? "") === (spec.volumeAttributesClassName ?? "") &&
      capacityCovers(pv.spec, spec) &&
      (spec.selector == null || compileSelector(spec.selector)(pv.labels)),
  );
}

/**
 * The class the binder asks for (GetPersistentVolumeClaimClass). A claim that names none gets
 * the cluster's default StorageClass from admission: the input's, when it marks one; else the
 * binder matches volumes of no class, which is what a cluster without a default does.
 */
function claimClass(bundle: Bundle, claim: PodClaim): string {
  const own = classOf(claim.annotations, claim.spec ?? {});
  if (own !== undefined) return own;
  const defaults = bundle.objects.filter((o) => {
    const annotations = isRecord(o.value.metadata) ? o.value.metadata.annotations : undefined;
    return (
      o.value.kind === "StorageClass" &&
      isRecord(annotations) &&
      annotations[DEFAULT_CLASS_ANNOTATION] === "true"
    );
  });
  return defaults.at(-1)?.ref.name ?? "";
}

function classOf(annotations: unknown, spec: Json): string | undefined {
  const beta = isRecord(annotations) ? annotations[BETA_CLASS_ANNOTATION] : undefined;
  if (typeof beta === "string") return beta;
  return typeof spec.storageClassName === "string" ? spec.storageClassName : undefined;
}

/** The binder lists volumes by access modes: a volume offers every mode the claim asks for. */
function accessModesCover(offered: unknown, asked: unknown): boolean {
  const modes = Array.isArray(offered) ? offered : [];
  return (Array.isArray(asked) ? asked : []).every((mode) => modes.includes(mode));
}

function capacityCovers(pv: Json, claim: Json): boolean {
  const capacity = storageOf(pv.capacity);
  const requested = storageOf(isRecord(claim.resources) ? claim.resources.requests : undefined);
  return capacity >= requested;
}

function storageOf(resources: unknown): number {
  const value = isRecord(resources) ? quantityValue(resources.storage) : undefined;
  return value ?? 0;
}

function recordOr(value: unknown): Json {
  return isRecord(value) ? value : {};
}
