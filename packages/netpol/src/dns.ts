import { z } from "@scout-deploy/core";
import { type Connectivity, portsConns } from "./analyze.js";
import { contains } from "./conns.js";
import { type IpInterval, type IpSet, parseCidr, subtractSet } from "./ip.js";
import { NAMESPACE_NAME_LABEL, type Peer, type Workload } from "./model.js";
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

/**
 * Whether the workload may resolve names: not isolated for egress, or an egress rule lets
 * 53/UDP out to a peer that can be the cluster's DNS (every peer, DNS pods, any address block:
 * address blocks are left to the network plugin, so they get the benefit of the doubt).
 */
export function reachesDns(
  connectivity: Connectivity,
  workload: Workload,
  dns: DnsOptions = DEFAULT_DNS_OPTIONS,
): boolean {
  const policies = connectivity.isolatedFor(workload, "egress");
  if (policies.length === 0) return true;
  const { namespaceLabels } = connectivity.model;
  return policies.some((policy) =>
    policy.egress.some((rule) => {
      if (!contains(portsConns(rule.ports, undefined), "UDP", 53)) return false;
      if (rule.peers === "all") return true;
      return rule.peers.some((peer) => {
        if (peer.kind === "ip") return true;
        const selects = peer.namespaces;
        const inDnsNamespace = dns.namespaces.some((ns) =>
          selects === "own" ? ns === policy.namespace : selects(labelsOf(ns, namespaceLabels)),
        );
        return inDnsNamespace && peer.pods(dns.podLabels);
      });
    }),
  );
}
