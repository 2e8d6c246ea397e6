import { describe, expect, it } from "vitest";
import { DEFAULT_DNS_OPTIONS, isClusterDnsPeer } from "./dns.js";
import { ipBlockSet, PUBLIC_ADDRESSES, publicFamiliesCovered, subtractSet } from "./ip.js";
import { peerOf } from "./model.js";

const blocks = (...specs: Array<[string, string[]?]>) =>
  specs.flatMap(([cidr, except]) => ipBlockSet(cidr, except ?? []) ?? []);

describe("public address coverage", () => {
  it("is reached by a union, not by one block", () => {
    expect(publicFamiliesCovered(blocks(["0.0.0.0/1"], ["128.0.0.0/1"]))).toEqual(["IPv4"]);
    expect(publicFamiliesCovered(blocks(["0.0.0.0/1"], ["128.0.0.0/2"]))).toEqual([]);
    expect(
      publicFamiliesCovered(
        blocks(["0.0.0.0/0", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]]),
      ),
    ).toEqual(["IPv4"]);
    // Leaving out one public /32 is enough not to be everything.
    expect(publicFamiliesCovered(blocks(["0.0.0.0/0", ["8.8.8.8/32"]]))).toEqual([]);
  });

  it("counts IPv6 on its own: global unicast, halves included", () => {
    expect(publicFamiliesCovered(blocks(["2000::/4"], ["3000::/4"]))).toEqual(["IPv6"]);
    expect(publicFamiliesCovered(blocks(["::/0"], ["0.0.0.0/0"]))).toEqual(["IPv4", "IPv6"]);
    expect(publicFamiliesCovered(blocks(["fc00::/7"]))).toEqual([]);
  });

  it("leaves private and special ranges out of the public internet", () => {
    expect(subtractSet(blocks(["10.1.2.3/32"]), PUBLIC_ADDRESSES.IPv4)).toHaveLength(1);
    expect(subtractSet(blocks(["8.8.8.8/32"]), PUBLIC_ADDRESSES.IPv4)).toHaveLength(0);
  });
});

describe("cluster DNS peers", () => {
  const peer = (value: unknown) => peerOf(value)[0]!;
  const isDns = (value: unknown) =>
    isClusterDnsPeer(peer(value), "scout", new Map(), DEFAULT_DNS_OPTIONS);

  it("are the DNS pods of kube-system, not every pod of it nor every namespace's DNS", () => {
    const kubeSystem = { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } };
    const dnsPods = { matchLabels: { "k8s-app": "kube-dns" } };
    expect(isDns({ namespaceSelector: kubeSystem, podSelector: dnsPods })).toBe(true);
    expect(isDns({ namespaceSelector: kubeSystem })).toBe(false);
    expect(isDns({ namespaceSelector: {}, podSelector: dnsPods })).toBe(false);
    expect(isDns({ podSelector: dnsPods })).toBe(false);
    expect(isDns({ ipBlock: { cidr: "10.96.0.10/32" } })).toBe(false);
  });

  it("include node-local DNS addresses when configured", () => {
    const dns = { ...DEFAULT_DNS_OPTIONS, nodeLocalCidrs: ["169.254.20.10/32"] };
    const at = (cidr: string) =>
      isClusterDnsPeer(peer({ ipBlock: { cidr } }), "scout", new Map(), dns);
    expect(at("169.254.20.10/32")).toBe(true);
    expect(at("169.254.0.0/16")).toBe(false);
  });
});
