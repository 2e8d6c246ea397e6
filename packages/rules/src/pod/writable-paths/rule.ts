import {
  allContainers,
  type ContainerRef,
  defineRule,
  effectiveSecurityContext,
  isRecord,
  joinPointer,
  type PodTemplate,
  specPointerOf,
  z,
} from "@scout-deploy/core";
import { guideSettings } from "../../settings.js";
import { containerPath } from "../../support/index.js";

/** Volume types the kubelet always mounts read-only. */
const READ_ONLY_TYPES = ["configMap", "secret", "downwardAPI", "projected", "image"];
/**
 * A /tmp of a forbidden type (hostPath, nfs) is those rules' finding on the same volume key: the
 * one edit, making it an emptyDir, fixes both, so this rule's finding there yields to theirs.
 */
const VOLUME_TYPE_OWNERS = ["pod/no-host-path", "pod/restricted-volume-types"];
/** The guide's one writable path: a mount under it stays inside it. */
const TMP = "/tmp";

const options = z
  .object({
    /**
     * Paths (and what lies under them) this rule also allows. The pack's list is
     * policy.settings.writablePaths; these add to it, for this rule's run only. @default []
     */
    paths: z.array(z.string().startsWith("/")).default([]),
  })
  .strict();

export const writablePaths = defineRule({
  id: "pod/writable-paths",
  meta: {
    severity: "warning",
    description:
      "With a read-only root, /tmp is an emptyDir and no other path is writable unless the config allows it.",
    remediation:
      "Mount an emptyDir at /tmp, mount other volumes readOnly: true, or allow the path in policy.settings.writablePaths.",
    guide: "Pod Security Standards: Read-only filesystem",
    options,
    messages: {
      noTmp: 'container "{{container}}" has a read-only root but no emptyDir mounted at /tmp',
      tmpNotEmptyDir:
        'container "{{container}}" mounts /tmp from a {{type}} volume, not an emptyDir',
      tmpUndefined:
        'container "{{container}}" mounts /tmp from volume "{{volume}}", which the pod does not define: the API server rejects the pod',
      writableMount:
        'container "{{container}}" can write to {{path}} (volume "{{volume}}"), which the config does not allow',
      undefinedVolume:
        'container "{{container}}" mounts {{path}} from volume "{{volume}}", which the pod does not define: the API server rejects the pod',
    },
  },
  check(context) {
    const allowed = [...guideSettings(context.settings).writablePaths, ...context.options.paths];
    for (const container of allContainers(context.bundle)) {
      const effective = effectiveSecurityContext(container);
      if (effective.readOnlyRootFilesystem?.value !== true) continue;
      // Its volumes and mounts are merged with the operator's, which this check cannot see.
      if (container.template.partial) continue;
      const report = (
        messageId:
          | "noTmp"
          | "tmpNotEmptyDir"
          | "tmpUndefined"
          | "writableMount"
          | "undefinedVolume",
        pointer: string,
        data: Record<string, string> = {},
        yieldsTo?: readonly string[],
      ) =>
        context.report({
          messageId,
          data: { container: container.name, ...data },
          object: container.template.object,
          pointer,
          ...(yieldsTo ? { yieldsTo } : {}),
        });
      let tmpMounted = false;
      for (const mount of mountsOf(container)) {
        // A mount of a volume the pod lacks is refused, read-only or not: say that, not "writable".
        if (!mount.defined && mount.path !== TMP) {
          report("undefinedVolume", mount.pointer, { path: mount.shown, volume: mount.volume });
          continue;
        }
        if (mount.readOnly || READ_ONLY_TYPES.includes(mount.type)) continue;
        if (mount.path === TMP) {
          tmpMounted = true;
          if (!mount.defined) report("tmpUndefined", mount.pointer, { volume: mount.volume });
          else if (mount.type !== "emptyDir")
            report(
              "tmpNotEmptyDir",
              mount.sourcePointer ?? mount.pointer,
              { type: mount.type },
              VOLUME_TYPE_OWNERS,
            );
          continue;
        }
        if ([TMP, ...allowed].some((path) => isUnder(mount.path, containerPath(path)))) continue;
        report("writableMount", mount.pointer, { path: mount.shown, volume: mount.volume });
      }
      if (!tmpMounted) {
        const pointer = Array.isArray(container.container.volumeMounts)
          ? joinPointer(container.pointer, "volumeMounts")
          : container.pointer;
        report("noTmp", pointer);
      }
    }
  },
});

interface Mount {
  /** Where it lands in the container. */
  path: string;
  /** That, and the text written when it reads otherwise. */
  shown: string;
  volume: string;
  type: string;
  readOnly: boolean;
  /** Whether the pod defines the volume the mount names. */
  defined: boolean;
  pointer: string;
  /**
   * The pod volume's source (`hostPath`, `persistentVolumeClaim`…): where a /tmp of the wrong
   * type is fixed, once for every container that mounts it.
   */
  sourcePointer?: string;
}

/**
 * The StatefulSet controller gives each pod a persistentVolumeClaim volume per
 * volumeClaimTemplate, named after it (replacing a pod volume of that name).
 */
function claimTemplateVolumes(template: PodTemplate): Record<string, unknown>[] {
  const { value } = template.object;
  const spec = value.kind === "StatefulSet" && isRecord(value.spec) ? value.spec : {};
  const claims = Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
  return claims.flatMap((claim) => {
    const name = isRecord(claim) && isRecord(claim.metadata) ? claim.metadata.name : undefined;
    return typeof name === "string" ? [{ name, persistentVolumeClaim: { claimName: name } }] : [];
  });
}

function mountsOf(container: ContainerRef): Mount[] {
  const claims = claimTemplateVolumes(container.template);
  const podVolumes = Array.isArray(container.template.spec.volumes)
    ? container.template.spec.volumes
    : [];
  const volumes = [...claims, ...podVolumes];
  const mounts = Array.isArray(container.container.volumeMounts)
    ? container.container.volumeMounts
    : [];
  return mounts.flatMap((mount, index) => {
    if (!isRecord(mount) || typeof mount.mountPath !== "string") return [];
    const landed = containerPath(mount.mountPath);
    const volume = volumes.find((v) => isRecord(v) && v.name === mount.name);
    const podIndex = isRecord(volume) ? podVolumes.indexOf(volume) : -1;
    const type = isRecord(volume)
      ? (Object.keys(volume).find((k) => k !== "name") ?? "unknown")
      : "unknown";
    // A source's own readOnly (persistentVolumeClaim, csi, nfs…) forces every mount read-only.
    const source = isRecord(volume) ? volume[type] : undefined;
    return [
      {
        path: landed,
        shown: shownPath(mount.mountPath, landed),
        volume: String(mount.name),
        type,
        readOnly: mount.readOnly === true || (isRecord(source) && source.readOnly === true),
        defined: isRecord(volume),
        pointer: joinPointer(container.pointer, "volumeMounts", index, "mountPath"),
        ...(podIndex >= 0
          ? {
              sourcePointer: specPointerOf(container.template, "volumes", podIndex, type),
            }
          : {}),
      },
    ];
  });
}

/** The path the mount lands on, and the one written when it reads otherwise ("/tmp/../etc"). */
function shownPath(mountPath: string, landed: string): string {
  const written = mountPath.replace(/\/+$/, "") || "/";
  return written === landed ? landed : `${landed} (written ${mountPath})`;
}

function isUnder(path: string, allowed: string): boolean {
  const base = allowed.replace(/\/+$/, "");
  return path === base || path.startsWith(`${base}/`);
}
