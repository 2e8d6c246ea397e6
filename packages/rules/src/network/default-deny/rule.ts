import { defineRule, instanceOf } from "@scout-deploy/core";
import {
  analyze,
  type Policy,
  policyRefusals,
  refusalOptionsFor,
  type SpecRefusal,
  type Workload,
} from "@scout-deploy/netpol";
import { HOST_NETWORK_OWNERS } from "../scope.js";

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
      refusedPolicy:
        "NetworkPolicy {{policy}}: {{reason}}, so the API server refuses the whole policy: it isolates nothing and allows nothing",
      notIsolated:
        '{{kind}} "{{name}}" ({{instance}}) is not isolated for {{directions}}: no NetworkPolicy with policyType {{types}} selects its pods, so {{open}}',
      onHostNetwork:
        '{{kind}} "{{name}}" ({{instance}}) is not isolated for {{directions}}: NetworkPolicy {{policies}} selects its pods, but they run on the node\'s network (hostNetwork: true), where policies do not apply, so {{open}}',
    },
  },
  check(context) {
    const connectivity = analyze(context.bundle, refusalOptionsFor(context.kubernetesVersion));
    // A refused policy never exists: the pods it was written for are reported below as open.
    for (const policy of connectivity.model.refused) {
      for (const refused of specRefusals(policy.object.value)) {
        context.report({
          messageId: "refusedPolicy",
          data: { policy: `${policy.namespace}/${policy.name}`, reason: refused.reason },
          object: policy.object,
          pointer: refused.pointer,
        });
      }
    }
    for (const workload of connectivity.model.workloads) {
      const open = (["ingress", "egress"] as const).filter(
        (direction) => connectivity.isolatedFor(workload, direction).length === 0,
      );
      if (open.length === 0) continue;
      const [only] = open;
      const data = {
        kind: workload.kind,
        name: workload.name,
        instance: `instance ${instanceOf(workload.object).name}`,
        directions: open.join(" and "),
        types: open.map((d) => (d === "ingress" ? "Ingress" : "Egress")).join(" or "),
        open: OPEN[open.length === 2 || !only ? "both" : only],
      };
      const selecting = policiesIgnoring(connectivity.model.policies, workload, open);
      // On the node's network the cause is `hostNetwork: true`, the line the user changes;
      // otherwise the pod labels no policy selects.
      context.report({
        ...(selecting.length
          ? {
              messageId: "onHostNetwork",
              data: { ...data, policies: selecting.join(", ") },
              pointer: `${workload.template.specPointer}/hostNetwork`,
              yieldsTo: HOST_NETWORK_OWNERS,
            }
          : { messageId: "notIsolated", data, pointer: workload.template.metadataPointer }),
        object: workload.object,
      });
    }
  },
});

/**
 * The policies that select a hostNetwork workload's pods for an open direction: they would
 * isolate it, but Kubernetes does not apply them to the node's network (netpol's model).
 */
function policiesIgnoring(
  policies: readonly Policy[],
  workload: Workload,
  open: readonly Direction[],
): string[] {
  if (!workload.hostNetwork) return [];
  return policies
    .filter((p) => p.namespace === workload.namespace && p.selects(workload.labels))
    .filter((p) => open.some((d) => (d === "ingress" ? p.isolatesIngress : p.isolatesEgress)))
    .map((p) => `${p.namespace}/${p.name}`);
}

/** The refusals of the policy as a whole (netpol's shared validation); peers and ports are other rules'. */
function specRefusals(policy: unknown): SpecRefusal[] {
  return policyRefusals(policy).filter(
    (refusal): refusal is SpecRefusal => refusal.kind === "spec",
  );
}
