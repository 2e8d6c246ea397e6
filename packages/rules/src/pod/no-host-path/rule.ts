import {
  allContainers,
  type Bundle,
  defineRule,
  isRecord,
  joinPointer,
  podTemplates,
} from "@scout-deploy/core";
import { effectiveNamespace, numberedPort } from "../../support/index.js";

interface HostPathVolume {
  name: string;
  path: string;
  claim?: { namespace?: string; name?: string };
}

/** The PersistentVolumes of the input that are hostPath volumes (cluster-scoped: by name). */
function hostPathVolumes(bundle: Bundle): HostPathVolume[] {
  return bundle.objects.flatMap((o) => {
    const spec = o.value.spec;
    if (o.value.kind !== "PersistentVolume" || !isRecord(spec) || !isRecord(spec.hostPath)) {
      return [];
    }
    const claimRef = isRecord(spec.claimRef) ? spec.claimRef : {};
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    return [
      {
        name: o.ref.name ?? "",
        path: String(spec.hostPath.path ?? "(unset)"),
        claim: { namespace: text(claimRef.namespace), name: text(claimRef.name) },
      },
    ];
  });
}

/**
 * The hostPath PersistentVolume a claim binds to: the one its spec.volumeName names, or the one
 * whose claimRef names the claim (the binder honours both pre-bindings).
 */
function boundHostPath(
  bundle: Bundle,
  volumes: readonly HostPathVolume[],
  claim: string,
  namespace: string | undefined,
): HostPathVolume | undefined {
  const pvc = bundle.objects.find(
    (o) =>
      o.value.kind === "PersistentVolumeClaim" &&
      o.ref.name === claim &&
      effectiveNamespace(bundle, o) === namespace,
  );
  const spec = pvc && isRecord(pvc.value.spec) ? pvc.value.spec : {};
  return volumes.find(
    (v) =>
      (pvc !== undefined && v.name === spec.volumeName) ||
      // The binder matches a claimRef by namespace and name, exactly (IsVolumeBoundToClaim).
      (v.claim?.name === claim && v.claim.namespace === namespace),
  );
}

export const noHostPath = defineRule({
  id: "pod/no-host-path",
  meta: {
    severity: "error",
    description:
      "No hostPath volume and no hostPort: pods touch neither the node's files nor its ports.",
    remediation:
      "Replace hostPath volumes with emptyDir, a ConfigMap or a PVC; expose ports through a Service.",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      hostPath: 'volume "{{volume}}" mounts the node\'s path {{path}}',
      hostPathClaim:
        'volume "{{volume}}" mounts the node\'s path {{path}} through the hostPath PersistentVolume {{pv}}',
      hostPort: 'container "{{container}}" binds the node\'s port {{port}}',
    },
  },
  check(context) {
    const hostPathPVs = hostPathVolumes(context.bundle);
    for (const template of podTemplates(context.bundle)) {
      const volumes = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
      volumes.forEach((volume, index) => {
        const claim =
          isRecord(volume) && isRecord(volume.persistentVolumeClaim)
            ? volume.persistentVolumeClaim.claimName
            : undefined;
        if (typeof claim === "string" && hostPathPVs.length > 0) {
          const namespace = effectiveNamespace(context.bundle, template.object);
          const pv = boundHostPath(context.bundle, hostPathPVs, claim, namespace);
          if (pv) {
            context.report({
              messageId: "hostPathClaim",
              data: { volume: String(volume.name ?? `#${index}`), path: pv.path, pv: pv.name },
              object: template.object,
              pointer: joinPointer(template.specPointer, "volumes", index, "persistentVolumeClaim"),
            });
          }
        }
        if (!isRecord(volume) || volume.hostPath === undefined) return;
        const hostPath = isRecord(volume.hostPath) ? volume.hostPath.path : undefined;
        context.report({
          messageId: "hostPath",
          data: { volume: String(volume.name ?? `#${index}`), path: String(hostPath ?? "(unset)") },
          object: template.object,
          pointer: joinPointer(template.specPointer, "volumes", index, "hostPath"),
        });
      });
    }
    for (const container of allContainers(context.bundle)) {
      const ports = Array.isArray(container.container.ports) ? container.container.ports : [];
      ports.forEach((port, index) => {
        if (!isRecord(port) || port.hostPort === undefined) return;
        const number = numberedPort(port.hostPort);
        if (number === 0) return;
        context.report({
          messageId: "hostPort",
          data: { container: container.name, port: String(port.hostPort) },
          object: container.template.object,
          pointer: joinPointer(container.pointer, "ports", index, "hostPort"),
        });
      });
    }
  },
});
