import { z } from "@scout-deploy/core";
import { type Connectivity, portsConns } from "./analyze.js";
import {
  type ConnSet,
  connsOf,
  contains,
  intersect,
  isEmpty,
  NO_CONNS,
  subtract,
  union,
} from "./conns.js";
import { type IpInterval, type IpSet, parseCidr, subtractSet } from "./ip.js";
import {
  NAMESPACE_NAME_LABEL,
  type Peer,
  type PolicyRule,
  portEntryPointer,
  type Workload,
} from "./model.js";
import type { Labels } from "./selector.js";

/** Where the cluster's DNS answers: its pods, and node-local DNS addresses when the cluster has them. */
export const dnsOptionsSchema = z
  .object({
    /** Namespaces the cluster DNS pods run in. @default ["kube-system"] */
    namespaces: z.array(z.string().min(1)).min(1).default(["kube-system"]),
    /** Labels of the cluster DNS pods. @default {"k8s-app": "kube-dns"} */
    podLabels: z.record(z.string(), z.string()).default({ "k8s-app": "kube-dns" }),
    /** Node-local DNS addresses, as CIDRs (e.g. 169.254.20.10/32). @default [] */
    nodeLocalCidrs: z
      .array(z.string().refine((c) => parseCidr(c) !== undefined, "not a CIDR"))
      .default([]),
  })
  .strict();

export type DnsOptions = z.output<typeof dnsOptionsSchema>;
export const DEFAULT_DNS_OPTIONS: DnsOptions = dnsOptionsSchema.parse({});

/** "kube-system/k8s-app=kube-dns", how findings name the cluster's DNS. */
export function describeDns(dns: DnsOptions): string {
  const labels = Object.entries(dns.podLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const local = dns.nodeLocalCidrs.length ? ` or ${dns.nodeLocalCidrs.join(", ")}` : "";
  return `${dns.namespaces.join("|")}/${labels}${local}`;
}

/** A namespace no selector written for DNS would pick, to tell "kube-system" from "every namespace". */
const ANY_NAMESPACE: Labels = { [NAMESPACE_NAME_LABEL]: "scout-deploy-any-namespace" };
const ANY_POD: Labels = {};

/**
 * True when the peer stands for the cluster's DNS only: DNS pods (by their labels, not every pod)
 * in a DNS namespace (not every namespace), or addresses inside the node-local DNS CIDRs.
 */
export function isClusterDnsPeer(
  peer: Peer,
  policyNamespace: string,
  namespaceLabels: ReadonlyMap<string, Labels>,
  dns: DnsOptions,
): boolean {
  if (peer.kind === "ip") return peer.set.length > 0 && insideNodeLocal(peer.set, dns);
  const selects = peer.namespaces;
  const inDnsNamespace =
    selects === "own"
      ? dns.namespaces.includes(policyNamespace)
      : !selects(ANY_NAMESPACE) &&
        dns.namespaces.some((ns) => selects(labelsOf(ns, namespaceLabels)));
  return inDnsNamespace && peer.pods(dns.podLabels) && !peer.pods(ANY_POD);
}

function labelsOf(namespace: string, namespaceLabels: ReadonlyMap<string, Labels>): Labels {
  return namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
}

function insideNodeLocal(set: IpSet, dns: DnsOptions): boolean {
  const local = dns.nodeLocalCidrs.flatMap((c): IpInterval[] => {
    const interval = parseCidr(c);
    return interval ? [interval] : [];
  });
  return local.length > 0 && subtractSet(set, local).length === 0;
}

/** The ports cluster DNS answers on (rules.md): 53/UDP, and 53/TCP for answers too long for UDP. */
export const DNS_CONNS: ConnSet = union(connsOf("UDP", 53), connsOf("TCP", 53));

/**
 * Which of 53/UDP and 53/TCP the workload may reach the cluster's DNS on: both when it is not
 * isolated for egress, else what its egress rules open of them to a peer that can be the
 * cluster's DNS (every peer, DNS pods, any address block: address blocks are left to the network
 * plugin, so they get the benefit of the doubt).
 */
export function dnsConnsReached(
  connectivity: Connectivity,
  workload: Workload,
  dns: DnsOptions = DEFAULT_DNS_OPTIONS,
): ConnSet {
  const policies = connectivity.isolatedFor(workload, "egress");
  if (policies.length === 0) return DNS_CONNS;
  const { namespaceLabels } = connectivity.model;
  let reached = NO_CONNS;
  for (const policy of policies) {
    for (const rule of policy.egress) {
      const opened = intersect(portsConns(rule.ports, undefined), DNS_CONNS);
      if (isEmpty(opened) || !mayBeDns(rule.peers, policy.namespace, namespaceLabels, dns))
        continue;
      reached = union(reached, opened);
    }
  }
  return reached;
}

/** Whether a rule's peers may include the cluster's DNS (any address block among them does). */
export function mayBeDns(
  peers: PolicyRule["peers"],
  policyNamespace: string,
  namespaceLabels: ReadonlyMap<string, Labels>,
  dns: DnsOptions,
): boolean {
  if (peers === "all") return true;
  return peers.some((peer) => {
    if (peer.kind === "ip") return true;
    const selects = peer.namespaces;
    const inDnsNamespace = dns.namespaces.some((ns) =>
      selects === "own" ? ns === policyNamespace : selects(labelsOf(ns, namespaceLabels)),
    );
    return inDnsNamespace && peer.pods(dns.podLabels);
  });
}

/**
 * The field of a DNS rule that lost `lost` (53/UDP or 53/TCP): the one port entry that opens
 * nothing of DNS (53 changed to 54: its `port`; UDP changed to SCTP: its `protocol`), else the
 * entry that repeats another (UDP changed to TCP: its `protocol`; `protocol: UDP` deleted: its
 * `port`), else the rule's `ports` (an entry deleted).
 */
export function lostDnsPortPointer(rule: PolicyRule, lost: ConnSet): string | undefined {
  if (rule.ports === "all") return undefined;
  const ports = rule.ports;
  // Its ports open both: the peers are what misses the DNS.
  if (isEmpty(subtract(DNS_CONNS, portsConns(ports, undefined)))) return undefined;
  const connsAt = (i: number) => portsConns([ports[i]!], undefined);
  const indexes = [...ports.keys()];
  const wrong = indexes.filter((i) => isEmpty(intersect(connsAt(i), DNS_CONNS)));
  if (wrong.length === 1) return fieldOf(rule, wrong[0]!);
  if (wrong.length > 1) return undefined;
  const repeats = indexes.filter((i) => {
    const others = indexes
      .filter((j) => j !== i)
      .reduce((all, j) => union(all, connsAt(j)), NO_CONNS);
    return isEmpty(subtract(connsAt(i), others));
  });
  // Two equal entries: Scout, like the Kubernetes documentation, lists UDP first, so the UDP
  // entry lost is the first of them and the TCP one the last.
  const edited = contains(lost, "UDP", 53) ? repeats[0] : repeats.at(-1);
  if (edited !== undefined) return fieldOf(rule, edited);
  return `${rule.pointer}/ports`;
}

/**
 * An entry's `protocol` when its port is DNS's (the entry itself when the protocol is left to its
 * TCP default), else its `port`.
 */
function fieldOf(rule: PolicyRule, index: number): string {
  const spec = rule.ports === "all" ? undefined : rule.ports[index];
  return spec?.port === 53
    ? `${rule.pointer}/ports/${index}/protocol`
    : portEntryPointer(rule, index);
}
