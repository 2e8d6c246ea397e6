import {
  allContainers,
  defineRule,
  isRecord,
  joinPointer,
  podTemplates,
  specPointerOf,
} from "@scout-deploy/core";
import { boundNodePath, nodePathVolumes, numberedPort, podClaims } from "../../support/index.js";

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
      localClaim:
        'volume "{{volume}}" mounts the node\'s path {{path}} through the local PersistentVolume {{pv}}',
      hostPort: 'container "{{container}}" binds the node\'s port {{port}}',
    },
  },
  check(context) {
    const nodePaths = nodePathVolumes(context.bundle);
    for (const template of podTemplates(context.bundle)) {
      for (const claim of nodePaths.length > 0 ? podClaims(context.bundle, template) : []) {
        const pv = boundNodePath(context.bundle, nodePaths, claim);
        if (!pv) continue;
        context.report({
          messageId: pv.source === "local" ? "localClaim" : "hostPathClaim",
          data: { volume: claim.volume, path: pv.path, pv: pv.name },
          object: template.object,
          pointer: claim.pointer,
        });
      }
      const volumes = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
      volumes.forEach((volume, index) => {
        if (!isRecord(volume) || volume.hostPath === undefined) return;
        const hostPath = isRecord(volume.hostPath) ? volume.hostPath.path : undefined;
        context.report({
          messageId: "hostPath",
          data: { volume: String(volume.name ?? `#${index}`), path: String(hostPath ?? "(unset)") },
          object: template.object,
          pointer: specPointerOf(template, "volumes", index, "hostPath"),
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
