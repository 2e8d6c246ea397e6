import { defineRule, instanceOf } from "@scout-deploy/core";
import { analyze } from "@scout-deploy/netpol";

type Direction = "ingress" | "egress";

/** What an unisolated direction lets through, in words. */
const OPEN: Record<"both" | Direction, string> = {
  both: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
  ingress: "any pod of the cluster and any outside address may connect to it on every port",
  egress: "it may connect to any pod of the cluster and any outside address on every port",
};

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
        '{{kind}} "{{name}}" ({{instance}}) is not isolated for {{directions}}: no NetworkPolicy with policyType {{types}} selects its pods, so {{open}}',
    },
  },
  check(context) {
    const connectivity = analyze(context.bundle);
    for (const workload of connectivity.model.workloads) {
      const open = (["ingress", "egress"] as const).filter(
        (direction) => connectivity.isolatedFor(workload, direction).length === 0,
      );
      if (open.length === 0) continue;
      const [only] = open;
      context.report({
        messageId: "notIsolated",
        data: {
          kind: workload.kind,
          name: workload.name,
          instance: `instance ${instanceOf(workload.object).name}`,
          directions: open.join(" and "),
          types: open.map((d) => (d === "ingress" ? "Ingress" : "Egress")).join(" or "),
          open: OPEN[open.length === 2 || !only ? "both" : only],
        },
        object: workload.object,
        pointer: workload.template.metadataPointer,
      });
    }
  },
});
