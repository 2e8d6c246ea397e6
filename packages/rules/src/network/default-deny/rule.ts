import { defineRule, instanceOf, specPointerOf } from "@scout-deploy/core";
import {
  analyze,
  type Connectivity,
  type Policy,
  policyRefusals,
  policySelects,
  refusalOptionsFor,
  type SpecRefusal,
  UNKNOWN_LABEL_REASONS,
  type Uncertain,
  type Workload,
  workloadName,
} from "@scout-deploy/netpol";
import { groupIdentity, HOST_NETWORK_OWNERS } from "../scope.js";

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
      uncertainSelector:
        '{{kind}} "{{name}}" ({{instance}}) may not be isolated for {{directions}}: no NetworkPolicy with policyType {{types}} surely selects its pods; NetworkPolicy {{policy}} may, but its podSelector compares the label {{key}}, whose value no manifest can know ({{reason}}), so it cannot be counted on and {{open}}; select the pods by labels of their template',
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
        name: workloadName(workload),
        instance: `instance ${instanceOf(workload.object).name}`,
        directions: open.join(" and "),
        types: open.map((d) => (d === "ingress" ? "Ingress" : "Egress")).join(" or "),
        open: OPEN[open.length === 2 || !only ? "both" : only],
      };
      const selecting = policiesIgnoring(connectivity.model.policies, workload, open);
      const doubtful =
        selecting.length || !connectivity.model.namesUnknownLabels
          ? undefined
          : uncertainSelection(connectivity.model.policies, workload, open);
      // A selector that may or may not select the pods is the line to change.
      if (doubtful) {
        const uncertain = {
          ...data,
          policy: `${doubtful.policy.namespace}/${doubtful.policy.name}`,
          key: doubtful.match.key,
          reason: UNKNOWN_LABEL_REASONS[doubtful.match.key] ?? "only the cluster sets it",
        };
        context.report({
          messageId: "uncertainSelector",
          data: uncertain,
          ...groupIdentity("uncertainSelector", uncertain, workload),
          object: doubtful.policy.object,
          pointer: `/spec/podSelector${doubtful.match.pointer}`,
        });
        continue;
      }
      // On the node's network the cause is `hostNetwork: true`, the line the user changes;
      // otherwise the selector of the namespace's one deny policy that leaves the pods out (a
      // default deny narrowed to some pods), else the pod labels no policy selects.
      const onNode = { ...data, policies: selecting.join(", ") };
      const deny = selecting.length ? undefined : narrowedDeny(connectivity, workload, open);
      if (deny) {
        context.report({
          messageId: "notIsolated",
          data,
          ...groupIdentity("notIsolated", data, workload),
          object: deny.object,
          pointer: "/spec/podSelector",
        });
        continue;
      }
      context.report({
        ...(selecting.length
          ? {
              messageId: "onHostNetwork",
              data: onNode,
              ...groupIdentity("onHostNetwork", onNode, workload),
              pointer: specPointerOf(workload.template, "hostNetwork"),
              yieldsTo: HOST_NETWORK_OWNERS,
            }
          : {
              messageId: "notIsolated",
              data,
              ...groupIdentity("notIsolated", data, workload),
              pointer: workload.template.metadataPointer,
            }),
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
    .filter((p) => p.namespace === workload.namespace && p.podSelector(workload) === true)
    .filter((p) => isolatesAny(p, open))
    .map((p) => `${p.namespace}/${p.name}`);
}

/**
 * The first policy that may select the workload's pods for an open direction, only if a label
 * the cluster sets allows (its podSelector compares pod-template-hash, say): the one that would
 * isolate them, if it can.
 */
function uncertainSelection(
  policies: readonly Policy[],
  workload: Workload,
  open: readonly Direction[],
): { policy: Policy; match: Uncertain } | undefined {
  for (const policy of policies) {
    if (!isolatesAny(policy, open)) continue;
    const match = policySelects(policy, workload);
    if (typeof match === "object") return { policy, match };
  }
  return undefined;
}

/**
 * The one policy of the workload's namespace that denies every open direction (it isolates it and
 * has no rule for it) but isolates no pod another policy does not already isolate there: a
 * default deny whose podSelector was narrowed to some pods, so that it does nothing and its
 * selector is the line to widen. A deny that is the only one isolating the pods it selects (a
 * StatefulSet's redis-0) is deliberate: the open pods are reported where they are.
 */
function narrowedDeny(
  connectivity: Connectivity,
  workload: Workload,
  open: readonly Direction[],
): Policy | undefined {
  const { model } = connectivity;
  const denies = model.policies.filter(
    (p) =>
      p.namespace === workload.namespace &&
      !p.selectsAll &&
      open.every((d) => isolatesAny(p, [d]) && p[d].length === 0),
  );
  const [deny] = denies;
  if (denies.length !== 1 || !deny) return undefined;
  const redundant = model.workloads.every(
    (w) =>
      policySelects(deny, w) !== true ||
      open.every((d) => connectivity.isolatedFor(w, d).some((p) => p !== deny)),
  );
  return redundant ? deny : undefined;
}

function isolatesAny(policy: Policy, directions: readonly Direction[]): boolean {
  return directions.some((d) => (d === "ingress" ? policy.isolatesIngress : policy.isolatesEgress));
}

/** The refusals of the policy as a whole (netpol's shared validation); peers and ports are other rules'. */
function specRefusals(policy: unknown): SpecRefusal[] {
  return policyRefusals(policy).filter(
    (refusal): refusal is SpecRefusal => refusal.kind === "spec",
  );
}
