import {
  type BundleObject,
  defineRule,
  isRecord,
  joinPointer,
  podTemplates,
} from "@scout-deploy/core";

/** An allowing rule of a policy kind the flow analysis does not model, and why it matters. */
interface Allow {
  pointer: string;
  rule: string;
  why: string;
}

const DIRECTIONS = ["ingress", "egress"] as const;
const FINAL =
  "an Allow of an AdminNetworkPolicy is final: it is decided before any NetworkPolicy is looked at";
const ADDED = "the CNI adds what it allows to what the NetworkPolicies allow";

/** The first rule of `spec.ingress`/`spec.egress` whose action is one of `actions`. */
function firstAction(spec: unknown, at: string, actions: ReadonlySet<unknown>, why: string) {
  if (!isRecord(spec)) return undefined;
  for (const direction of DIRECTIONS) {
    const rules = Array.isArray(spec[direction]) ? spec[direction] : [];
    const index = rules.findIndex((rule) => isRecord(rule) && actions.has(rule.action));
    if (index >= 0) {
      return {
        pointer: joinPointer(at, direction, index, "action"),
        rule: `${direction} rule ${index}`,
        why,
      };
    }
  }
  return undefined;
}

/** Cilium allows by listing: any ingress or egress rule of a spec (ingressDeny and egressDeny deny). */
function ciliumAllow(object: BundleObject): Allow | undefined {
  const { value } = object;
  const specs = [
    ...(isRecord(value.spec) ? [{ spec: value.spec, at: "/spec" }] : []),
    ...(Array.isArray(value.specs) ? value.specs : []).map((spec, i) => ({
      spec,
      at: joinPointer("/specs", i),
    })),
  ];
  for (const { spec, at } of specs) {
    for (const direction of DIRECTIONS) {
      if (isRecord(spec) && Array.isArray(spec[direction]) && spec[direction].length > 0) {
        return { pointer: joinPointer(at, direction), rule: `its ${direction} rules`, why: ADDED };
      }
    }
  }
  return undefined;
}

const ALLOW = new Set(["Allow"]);
const ACCEPT = new Set(["Accept"]);

/**
 * The first rule of a policy the analysis does not model that can let traffic through:
 * AdminNetworkPolicy (and the Admin tier of its successor ClusterNetworkPolicy), whose Allow
 * overrides every NetworkPolicy, and the policies of Cilium, Calico and Antrea, which allow
 * beside them. A BaselineAdminNetworkPolicy is left out: it decides only for pods no
 * NetworkPolicy selects, which network/default-deny rules out.
 */
function unmodeledAllow(object: BundleObject): Allow | undefined {
  const { value } = object;
  const group = value.apiVersion.split("/")[0];
  const spec = value.spec;
  switch (group) {
    case "policy.networking.k8s.io":
      if (value.kind === "AdminNetworkPolicy") return firstAction(spec, "/spec", ALLOW, FINAL);
      if (value.kind === "ClusterNetworkPolicy" && isRecord(spec) && spec.tier === "Admin")
        return firstAction(spec, "/spec", ACCEPT, FINAL);
      return undefined;
    case "cilium.io":
      return value.kind === "CiliumNetworkPolicy" || value.kind === "CiliumClusterwideNetworkPolicy"
        ? ciliumAllow(object)
        : undefined;
    case "crd.projectcalico.org":
    case "projectcalico.org":
    case "crd.antrea.io":
      return /NetworkPolicy$/.test(value.kind)
        ? firstAction(spec, "/spec", ALLOW, ADDED)
        : undefined;
    default:
      return undefined;
  }
}

export const unmodeledPolicies = defineRule({
  id: "network/unmodeled-policies",
  meta: {
    severity: "error",
    description:
      "No network policy of a kind the flow analysis does not model (AdminNetworkPolicy, Cilium, Calico, Antrea) allows traffic: the connectivity computed from the NetworkPolicies is what the cluster enforces.",
    remediation:
      "Express the flow as a Kubernetes NetworkPolicy in the Scout namespace, or remove the policy; if it must stay, review what it opens and suppress this finding with the reason.",
    guide: "Network Policies: Scout uses network policies to restrict pod-to-pod communication",
    messages: {
      allows:
        "{{kind}} {{name}} allows traffic ({{rule}}) that the flow analysis does not model ({{why}}): the flows the gate computed from the NetworkPolicies may not be the ones the cluster lets through",
    },
  },
  check(context) {
    if (podTemplates(context.bundle).length === 0) return;
    for (const object of context.bundle.objects) {
      const allow = unmodeledAllow(object);
      if (!allow) continue;
      context.report({
        messageId: "allows",
        data: {
          kind: object.value.kind,
          name: object.ref.name ?? "",
          rule: allow.rule,
          why: allow.why,
        },
        object,
        pointer: allow.pointer,
      });
    }
  },
});
