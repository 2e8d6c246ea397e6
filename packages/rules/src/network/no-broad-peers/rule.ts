import { defineRule, isRecord, z } from "@scout-deploy/core";
import {
  analyze,
  contains,
  DNS_CONNS,
  isEmpty,
  isEmptySelector,
  NAMESPACE_NAME_LABEL,
  type Policy,
  type PolicyRule,
  parseCidr,
  portsConns,
  subtract,
  type Workload,
} from "@scout-deploy/netpol";
import { selectedBy, selectsOnlyNginx } from "../scope.js";

const options = z
  .object({
    /** Allow the external access to nginx (0.0.0.0/0 or any source, on externalPort only). @default true */
    externalAccess: z.boolean().default(true),
    /** @default 80 */
    externalPort: z.number().int().min(1).max(65535).default(80),
  })
  .strict();

export const noBroadPeers = defineRule({
  id: "network/no-broad-peers",
  meta: {
    severity: "error",
    description:
      "No NetworkPolicy rule admits all namespaces, all pods of another namespace, or every address (0.0.0.0/0, ::/0), except the external access to nginx.",
    remediation:
      "Name the peers: a podSelector for the component, with a namespaceSelector on kubernetes.io/metadata.name when it lives elsewhere; a narrow ipBlock for outside addresses.",
    guide: "Enable Network Policies: Restrict pod-to-pod communication; Only allow necessary ports",
    options,
    messages: {
      anyPeer:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} has no {{peerKey}}: it admits every pod of every namespace and every address",
      allNamespaces:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} admits pods of all namespaces (empty namespaceSelector)",
      allPodsOfNamespace:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} admits every pod of the namespaces its namespaceSelector picks",
      anyAddress:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} admits every address ({{cidr}})",
    },
  },
  check(context) {
    const connectivity = analyze(context.bundle);
    for (const policy of connectivity.model.policies) {
      const nginxOnly =
        context.options.externalAccess &&
        selectsOnlyNginx(connectivity.model, policy, context.settings);
      for (const rule of [...policy.ingress, ...policy.egress]) {
        const exempt =
          isDnsOnly(rule) ||
          (nginxOnly &&
            rule.direction === "ingress" &&
            isOnlyPort(
              rule,
              context.options.externalPort,
              selectedBy(connectivity.model, policy)[0],
            ));
        if (exempt) continue;
        for (const finding of broadPeers(policy, rule)) {
          context.report({
            messageId: finding.messageId,
            data: {
              direction: rule.direction === "ingress" ? "ingress" : "egress",
              index: rule.index,
              policy: `${policy.namespace}/${policy.name}`,
              peerKey: rule.direction === "ingress" ? "from" : "to",
              cidr: finding.cidr ?? "",
            },
            object: policy.object,
            pointer: finding.pointer,
          });
        }
      }
    }
  },
});

interface Broad {
  messageId: "anyPeer" | "allNamespaces" | "allPodsOfNamespace" | "anyAddress";
  pointer: string;
  cidr?: string;
}

function broadPeers(policy: Policy, rule: PolicyRule): Broad[] {
  const key = rule.direction === "ingress" ? "from" : "to";
  const spec = isRecord(policy.object.value.spec) ? policy.object.value.spec : {};
  const rules = spec[rule.direction];
  const body = Array.isArray(rules) && isRecord(rules[rule.index]) ? rules[rule.index] : {};
  const peers = body[key];
  if (!Array.isArray(peers) || peers.length === 0)
    return [{ messageId: "anyPeer", pointer: rule.pointer }];
  return peers.flatMap((peer, index): Broad[] => {
    if (!isRecord(peer)) return [];
    const at = `${rule.pointer}/${key}/${index}`;
    if (isRecord(peer.ipBlock)) {
      const cidr = String(peer.ipBlock.cidr ?? "");
      const interval = parseCidr(cidr);
      const prefix = Number(cidr.split("/")[1]);
      return interval && prefix === 0
        ? [{ messageId: "anyAddress", pointer: `${at}/ipBlock/cidr`, cidr }]
        : [];
    }
    if (peer.namespaceSelector === undefined) return [];
    if (isEmptySelector(peer.namespaceSelector)) {
      return [{ messageId: "allNamespaces", pointer: `${at}/namespaceSelector` }];
    }
    const everyPod = peer.podSelector === undefined || isEmptySelector(peer.podSelector);
    if (everyPod && !namesOnly(peer.namespaceSelector, policy.namespace)) {
      return [{ messageId: "allPodsOfNamespace", pointer: `${at}/namespaceSelector` }];
    }
    return [];
  });
}

/** True when a namespaceSelector picks exactly the policy's own namespace by name. */
function namesOnly(selector: unknown, namespace: string): boolean {
  if (!isRecord(selector) || !isRecord(selector.matchLabels)) return false;
  const labels = selector.matchLabels;
  return (
    Object.keys(labels).length === 1 &&
    labels[NAMESPACE_NAME_LABEL] === namespace &&
    !selector.matchExpressions
  );
}

function isDnsOnly(rule: PolicyRule): boolean {
  if (rule.direction !== "egress" || rule.ports === "all") return false;
  if (!rule.ports.every((p) => typeof p.port === "number")) return false;
  return isEmpty(subtract(portsConns(rule.ports, undefined), DNS_CONNS));
}

function isOnlyPort(rule: PolicyRule, port: number, nginx: Workload | undefined): boolean {
  if (rule.ports === "all") return false;
  const conns = portsConns(rule.ports, nginx);
  return (
    contains(conns, "TCP", port) &&
    isEmpty(subtract(conns, { TCP: [port, port], UDP: [], SCTP: [] }))
  );
}
