import { createHash } from "node:crypto";
import {
  type Bundle,
  type BundleObject,
  type ContainerRef,
  containersOf,
  describeRef,
  effectiveNamespace,
  isRecord,
  joinPointer,
  type Position,
  podTemplateOf,
} from "@scout-deploy/core";
import { isSecret } from "./secret-values.js";

/**
 * How a container reads a Secret, which decides what a changed Secret does to it: `env` and
 * `envFrom` are read once when the container starts, a `subPath` mount is a copy made then and
 * never refreshed; a whole `volume` is refreshed by the kubelet (sync period + cache TTL).
 */
export type SecretReadVia = "env" | "envFrom" | "subPath" | "volume";

/** One place where a container reads a Secret. */
export interface SecretRead {
  container: ContainerRef;
  secret: string;
  via: SecretReadVia;
  /** The keys read; "all" for envFrom and volumes that list no `items`; none for a subPath no key lies under. */
  keys: readonly string[] | "all";
  /** Pointer, inside the workload, of the entry that reads it (env entry, envFrom entry, mount). */
  pointer: string;
}

/** Every Secret a container reads, through its environment or its volume mounts. */
export function secretReadsOf(container: ContainerRef): SecretRead[] {
  return [...envReads(container), ...envFromReads(container), ...mountReads(container)];
}

function envReads(container: ContainerRef): SecretRead[] {
  const env = Array.isArray(container.container.env) ? container.container.env : [];
  // Every entry counts, even one a later entry of the same name overrides: a `$(VAR)` between
  // them has already copied its value.
  return env.flatMap((entry, index): SecretRead[] => {
    const from = isRecord(entry) && isRecord(entry.valueFrom) ? entry.valueFrom : undefined;
    const ref = from && isRecord(from.secretKeyRef) ? from.secretKeyRef : undefined;
    if (!ref || typeof ref.name !== "string" || typeof ref.key !== "string") return [];
    const pointer = joinPointer(container.pointer, "env", index);
    return [{ container, secret: ref.name, via: "env", keys: [ref.key], pointer }];
  });
}

function envFromReads(container: ContainerRef): SecretRead[] {
  const envFrom = Array.isArray(container.container.envFrom) ? container.container.envFrom : [];
  return envFrom.flatMap((entry, index): SecretRead[] => {
    const ref = isRecord(entry) && isRecord(entry.secretRef) ? entry.secretRef : undefined;
    if (!ref || typeof ref.name !== "string") return [];
    const pointer = joinPointer(container.pointer, "envFrom", index);
    return [{ container, secret: ref.name, via: "envFrom", keys: "all", pointer }];
  });
}

/** A Secret a volume projects: its name and the file path of each key (undefined: every key, as its own name). */
interface VolumeSecret {
  secret: string;
  paths?: ReadonlyMap<string, string>;
}

function mountReads(container: ContainerRef): SecretRead[] {
  const volumes = secretVolumes(container);
  const mounts = Array.isArray(container.container.volumeMounts)
    ? container.container.volumeMounts
    : [];
  return mounts.flatMap((mount, index): SecretRead[] => {
    if (!isRecord(mount) || typeof mount.name !== "string") return [];
    const pointer = joinPointer(container.pointer, "volumeMounts", index);
    const subPath = typeof mount.subPath === "string" && mount.subPath !== "" ? mount.subPath : "";
    const copied = subPath !== "" || typeof mount.subPathExpr === "string";
    return (volumes.get(mount.name) ?? []).flatMap(({ secret, paths }): SecretRead[] => {
      if (!copied)
        return [
          { container, secret, via: "volume", keys: paths ? [...paths.keys()] : "all", pointer },
        ];
      const keys = subPath ? keysUnder(subPath, paths) : "all";
      return [{ container, secret, via: "subPath", keys, pointer }];
    });
  });
}

/** The keys whose files lie at or under `subPath`; a path we cannot list falls back to its first segment. */
function keysUnder(subPath: string, paths: ReadonlyMap<string, string> | undefined) {
  const path = subPath.replace(/^\.\//, "").replace(/\/+$/, "");
  if (!paths) return [path.split("/")[0]!];
  return [...paths].filter(([, p]) => p === path || p.startsWith(`${path}/`)).map(([key]) => key);
}

/** The Secrets each volume of the pod projects, by volume name: secret and projected volumes. */
function secretVolumes(container: ContainerRef): Map<string, VolumeSecret[]> {
  const volumes = Array.isArray(container.template.spec.volumes)
    ? container.template.spec.volumes
    : [];
  const found = new Map<string, VolumeSecret[]>();
  for (const volume of volumes) {
    if (!isRecord(volume) || typeof volume.name !== "string") continue;
    const secrets: VolumeSecret[] = [];
    if (isRecord(volume.secret) && typeof volume.secret.secretName === "string")
      secrets.push({ secret: volume.secret.secretName, ...itemPaths(volume.secret.items) });
    const sources =
      isRecord(volume.projected) && Array.isArray(volume.projected.sources)
        ? volume.projected.sources
        : [];
    for (const source of sources) {
      if (isRecord(source) && isRecord(source.secret) && typeof source.secret.name === "string")
        secrets.push({ secret: source.secret.name, ...itemPaths(source.secret.items) });
    }
    if (secrets.length > 0) found.set(volume.name, secrets);
  }
  return found;
}

function itemPaths(items: unknown): { paths?: Map<string, string> } {
  if (!Array.isArray(items) || items.length === 0) return {};
  const paths = new Map<string, string>();
  for (const item of items)
    if (isRecord(item) && typeof item.key === "string" && typeof item.path === "string")
      paths.set(item.key, item.path);
  return { paths };
}

// ---------------------------------------------------------------------------------------------
// Who consumes a Secret, and what a changed Secret does to them

/** The annotation whose change rolls a workload's pods when one of the Secrets it reads at start changes. */
export const SECRETS_DIGEST_ANNOTATION = "scout-deploy.io/secrets-digest";

/**
 * What happens to a consumer's pods when the Secret changes and nothing else does:
 * - `roll`: a Deployment, StatefulSet or DaemonSet reading at start; a changed template rolls it;
 * - `held`: one of those whose changed template waits (updateStrategy OnDelete, a paused rollout);
 * - `refreshed`: it reads only through whole volumes, which the kubelet refreshes in place;
 * - `stale`: its running pods keep the old values and no template change replaces them.
 */
export type ConsumerFate = "roll" | "held" | "refreshed" | "stale";

export interface SecretConsumer {
  workload: BundleObject;
  /** Its reads of the Secret that take at least one of the keys asked about. */
  reads: SecretRead[];
  fate: ConsumerFate;
  /** Why its fate is what it is, for the note; the command to run when one is needed. */
  why: string;
}

/** Kinds whose controller replaces the pods when the pod template changes. */
const ROLLED_ON_TEMPLATE_CHANGE = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
const READ_AT_START: ReadonlySet<SecretReadVia> = new Set(["env", "envFrom", "subPath"]);

/**
 * The workloads of the bundle that read `keys` of `secret` (in the Secret's namespace, as the
 * kubelet resolves references), each with what a change of those keys does to its pods.
 */
export function secretConsumers(
  bundle: Bundle,
  secret: BundleObject,
  keys: readonly string[],
): SecretConsumer[] {
  const namespace = effectiveNamespace(bundle, secret);
  const name = secret.ref.name;
  return bundle.objects.flatMap((workload): SecretConsumer[] => {
    const template = podTemplateOf(workload);
    if (!template || workload.value.kind === "PodTemplate") return [];
    if (effectiveNamespace(bundle, workload) !== namespace) return [];
    const reads = containersOf(template)
      .flatMap(secretReadsOf)
      .filter((read) => read.secret === name && readsAny(read, keys));
    if (reads.length === 0) return [];
    return [{ workload, reads, ...fateOf(workload, reads) }];
  });
}

function readsAny(read: SecretRead, keys: readonly string[]): boolean {
  return read.keys === "all" || read.keys.some((key) => keys.includes(key));
}

function fateOf(
  workload: BundleObject,
  reads: readonly SecretRead[],
): Omit<SecretConsumer, "workload" | "reads"> {
  if (!reads.some((read) => READ_AT_START.has(read.via)))
    return {
      fate: "refreshed",
      why: "mounted as a volume: the kubelet updates the files in place within about a minute (sync period + cache TTL); the application must re-read them",
    };
  const { kind } = workload.value;
  const spec = isRecord(workload.value.spec) ? workload.value.spec : {};
  const target = `${kind.toLowerCase()}/${workload.ref.name ?? ""}${nsFlag(workload)}`;
  if (ROLLED_ON_TEMPLATE_CHANGE.has(kind) && isAppsGroup(workload)) {
    const strategy = isRecord(spec.updateStrategy) ? spec.updateStrategy.type : undefined;
    if (strategy === "OnDelete")
      return {
        fate: "held",
        why: `updateStrategy OnDelete: its template changes but its pods are replaced only when deleted (kubectl delete pod of ${target})`,
      };
    if (spec.paused === true)
      return {
        fate: "held",
        why: `paused: it rolls when resumed (kubectl rollout resume ${target})`,
      };
    return { fate: "roll", why: "its pod template changes, so applying the output rolls its pods" };
  }
  return { fate: "stale", why: staleReason(workload, target) };
}

function staleReason(workload: BundleObject, target: string): string {
  const name = workload.ref.name ?? "";
  switch (workload.value.kind) {
    case "Pod":
      return `a bare Pod keeps the old values until it is recreated (kubectl delete pod ${name}${nsFlag(workload)}, then apply it again)`;
    case "Job":
      return `a Job's pods keep the old values, and its template cannot change: if it still runs, delete and recreate it (kubectl delete ${target})`;
    case "CronJob":
      return "Jobs it starts from now on read the new values; Jobs it already started keep the old ones until they end (kubectl get jobs to find them)";
    case "ReplicaSet":
    case "ReplicationController":
      return `a template change reaches only pods created later: delete its pods (they are recreated with the new values)`;
    default:
      return `a ${workload.value.kind} is not known to replace its pods on a template change: restart them yourself`;
  }
}

function isAppsGroup(workload: BundleObject): boolean {
  return workload.value.apiVersion.startsWith("apps/");
}

function nsFlag(workload: BundleObject): string {
  return workload.ref.namespace ? ` -n ${workload.ref.namespace}` : "";
}

/** `file:line` of the first read, the place a user opens to see why the workload is named. */
export function consumerPosition(consumer: SecretConsumer): Position {
  const read = consumer.reads[0]!;
  // Both are pointers: the read's is inside the workload, the workload's inside its document.
  return consumer.workload.document.locate(`${consumer.workload.pointer}${read.pointer}`);
}

/** One line of a note about a consumer: where, who, how it reads, what becomes of its pods. */
export function consumerNote(consumer: SecretConsumer, secret: string, why = consumer.why): string {
  const { file, line } = consumerPosition(consumer);
  const vias = [...new Set(consumer.reads.map((read) => read.via))].join(", ");
  return `  ${file}:${line}: ${describeRef(consumer.workload.ref)} reads ${secret} through ${vias}: ${why}`;
}

/**
 * The digest of the Secret data a workload reads at start (env, envFrom, subPath), over every
 * Secret of `dataOf` it reads: a function of the data alone, so applying the same output twice,
 * or a rotation that leaves its keys alone, changes nothing. Only key names and data go in;
 * the digest is written only where a fresh 32-byte value is among them, so it reveals nothing
 * a guess could confirm.
 */
export function secretsDigest(
  workload: BundleObject,
  dataOf: (secret: string) => Readonly<Record<string, string>> | undefined,
): string {
  const template = podTemplateOf(workload);
  const lines = new Set<string>();
  for (const read of template ? containersOf(template).flatMap(secretReadsOf) : []) {
    if (!READ_AT_START.has(read.via)) continue;
    const data = dataOf(read.secret);
    if (!data) continue;
    const keys = read.keys === "all" ? Object.keys(data) : read.keys;
    for (const key of keys)
      if (key in data) lines.add(`${read.secret}\u0000${key}\u0000${data[key]}`);
  }
  const hash = createHash("sha256");
  for (const line of [...lines].sort()) hash.update(`${line}\n`);
  return `sha256:${hash.digest("hex")}`;
}

/** The Secrets of the bundle in the namespace of `object`, by name: what its references resolve to. */
export function secretsBeside(bundle: Bundle, object: BundleObject): Map<string, BundleObject> {
  const namespace = effectiveNamespace(bundle, object);
  const found = new Map<string, BundleObject>();
  for (const candidate of bundle.objects)
    if (
      isSecret(candidate) &&
      candidate.ref.name &&
      effectiveNamespace(bundle, candidate) === namespace
    )
      found.set(candidate.ref.name, candidate);
  return found;
}
