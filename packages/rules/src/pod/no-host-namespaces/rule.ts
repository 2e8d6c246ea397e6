import {
  defineRule,
  isRecord,
  joinPointer,
  podTemplates,
  reportKey,
  specPointerOf,
} from "@scout-deploy/core";
import { placeOf, securityContextsOf } from "../../support/index.js";

/** What sharing each of the node's namespaces gives the pod. */
const HOST_FIELDS = {
  hostNetwork:
    "shares the node's network namespace: it can bind the node's ports and sniff its traffic, and no NetworkPolicy applies to it",
  hostPID: "shares the node's process namespace: it sees and can signal every process of the node",
  hostIPC:
    "shares the node's IPC namespace: it can read and write the shared memory of the node's processes",
} as const;

export const noHostNamespaces = defineRule({
  id: "pod/no-host-namespaces",
  meta: {
    severity: "error",
    description:
      "No pod shares the node's network, process or IPC namespace, and no Windows container runs as a HostProcess.",
    remediation:
      "Remove hostNetwork, hostPID, hostIPC and windowsOptions.hostProcess from the pod spec (or set them to false).",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      hostNamespace: "the pod sets {{field}}: true and {{effect}}",
      hostProcess:
        "{{place}} sets windowsOptions.hostProcess: true and runs as a process of the Windows node",
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      for (const [field, effect] of Object.entries(HOST_FIELDS)) {
        if (template.spec[field] !== true) continue;
        context.report({
          messageId: "hostNamespace",
          data: { field, effect },
          // The identity it had before the message said what the field gives (baselines match it).
          key: reportKey("", { field }).slice(1),
          object: template.object,
          pointer: specPointerOf(template, field),
        });
      }
      for (const at of securityContextsOf(template)) {
        const windows = at.context.windowsOptions;
        if (!isRecord(windows) || windows.hostProcess !== true) continue;
        context.report({
          messageId: "hostProcess",
          data: { place: placeOf(at) },
          object: template.object,
          pointer: joinPointer(at.pointer, "windowsOptions", "hostProcess"),
        });
      }
    }
  },
});
