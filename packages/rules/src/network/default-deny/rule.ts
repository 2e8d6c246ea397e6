import { defineRule } from "@scout-deploy/core";
import { analyze } from "@scout-deploy/netpol";

export const defaultDeny = defineRule({
  id: "network/default-deny",
  meta: {
    severity: "error",
    description:
      "Every pod is selected by some NetworkPolicy for ingress and for egress, so that nothing is allowed by default.",
    remediation:
      "Add a default-deny NetworkPolicy in the namespace (podSelector: {}, policyTypes: [Ingress, Egress]) and allow the intended flows explicitly.",
    guide: "Network Policies: Scout uses network policies to restrict pod-to-pod communication",
    messages: {
      notIsolated:
        '{{kind}} "{{name}}" is not isolated for {{direction}}: no NetworkPolicy with policyType {{type}} selects its pods, so all {{direction}} traffic is allowed',
    },
  },
  check(context) {
    const connectivity = analyze(context.bundle);
    for (const workload of connectivity.model.workloads) {
      for (const direction of ["ingress", "egress"] as const) {
        if (connectivity.isolatedFor(workload, direction).length > 0) continue;
        context.report({
          messageId: "notIsolated",
          data: {
            kind: workload.kind,
            name: workload.name,
            direction,
            type: direction === "ingress" ? "Ingress" : "Egress",
          },
          object: workload.object,
          pointer: workload.template.metadataPointer,
        });
      }
    }
  },
});
