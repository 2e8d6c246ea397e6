import { defineRule, isRecord, joinPointer, podTemplates, specPointerOf } from "@scout-deploy/core";
import { isWindowsPod, placeOf, securityContextsOf } from "../../support/index.js";

export const nonRootGroups = defineRule({
  id: "pod/non-root-groups",
  meta: {
    severity: "warning",
    description:
      "No container runs with the root group: runAsGroup, fsGroup and supplementalGroups, where set, are never 0.",
    remediation:
      "Set runAsGroup and fsGroup to Scout's group (1000) and leave 0 out of supplementalGroups.",
    guide: "Pod Security Standards: Non-root execution",
    messages: {
      runAsGroup:
        "{{place}} sets runAsGroup: 0: its processes run with the root group and may write every file and device the root group may",
      fsGroup:
        "the pod sets fsGroup: 0: every container runs with the root group as a supplementary group, and the kubelet gives the pod's volumes to it",
      supplementalGroups:
        "the pod lists group 0 in supplementalGroups: every container runs with the root group as a supplementary group",
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      // The API server forbids these fields on a Windows pod (validateWindows).
      if (isWindowsPod(template)) continue;
      for (const at of securityContextsOf(template)) {
        // Root's group is part of being root: pod/run-as-non-root's finding on that place says it
        // (a rendered config's one runAsUser sets the group too).
        if (at.context.runAsGroup !== 0 || at.context.runAsUser === 0) continue;
        context.report({
          messageId: "runAsGroup",
          data: { place: placeOf(at) },
          object: template.object,
          pointer: joinPointer(at.pointer, "runAsGroup"),
        });
      }
      const pod = template.spec.securityContext;
      if (!isRecord(pod) || pod.runAsUser === 0) continue;
      const at = specPointerOf(template, "securityContext");
      if (pod.fsGroup === 0)
        context.report({
          messageId: "fsGroup",
          object: template.object,
          pointer: joinPointer(at, "fsGroup"),
        });
      const groups = Array.isArray(pod.supplementalGroups) ? pod.supplementalGroups : [];
      const root = groups.indexOf(0);
      if (root !== -1)
        context.report({
          messageId: "supplementalGroups",
          object: template.object,
          pointer: joinPointer(at, "supplementalGroups", root),
        });
    }
  },
});
