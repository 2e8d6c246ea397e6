import { defineRule, isRecord, podTemplates, specPointerOf, z } from "@scout-deploy/core";

/**
 * The volume types of the Pod Security Standards' restricted profile; Pod Security admission
 * admits `image` volumes since Kubernetes 1.33 (kubernetes/kubernetes#130394).
 */
export const RESTRICTED_VOLUME_TYPES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
] as const;

const options = z
  .object({
    /** Volume types allowed besides the restricted profile's. @default [] */
    allow: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const restrictedVolumeTypes = defineRule({
  id: "pod/restricted-volume-types",
  meta: {
    severity: "warning",
    description:
      "Volumes are only of the types the restricted Pod Security Standard allows (configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret).",
    remediation:
      "Use a PersistentVolumeClaim, emptyDir, ConfigMap, Secret or projected volume instead.",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    options,
    messages: {
      notAllowed:
        'volume "{{volume}}" is of type {{type}}, which the restricted profile does not allow',
    },
  },
  check(context) {
    const allowed = new Set<string>([...RESTRICTED_VOLUME_TYPES, ...context.options.allow]);
    for (const template of podTemplates(context.bundle)) {
      const volumes = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
      volumes.forEach((volume, index) => {
        if (!isRecord(volume)) return;
        for (const type of Object.keys(volume)) {
          if (type === "name" || allowed.has(type)) continue;
          context.report({
            messageId: "notAllowed",
            data: { volume: String(volume.name ?? `#${index}`), type },
            object: template.object,
            pointer: specPointerOf(template, "volumes", index, type),
            // A hostPath is pod/no-host-path's error on this same key: one cause, one finding.
            ...(type === "hostPath" ? { yieldsTo: ["pod/no-host-path"] } : {}),
          });
        }
      });
    }
  },
});
