import { describe, expect, it } from "vitest";
import { policyRefusals } from "./validate.js";

/** A policy whose egress rule has one peer and one ports entry, as a user writes them. */
const policy = (peer: unknown, port: unknown = { port: 443 }, podSelector: unknown = {}) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "p", namespace: "app" },
  spec: { podSelector, policyTypes: ["Egress"], egress: [{ to: [peer], ports: [port] }] },
});

const reasons = (value: unknown) => policyRefusals(value).map((r) => `${r.pointer}: ${r.reason}`);

describe("ipBlock CIDRs as the API server validates them (strict since 1.36)", () => {
  it("accepts network addresses, IPv4 and IPv6", () => {
    for (const cidr of ["10.0.0.0/8", "0.0.0.0/0", "192.168.1.7/32", "fd00::/8", "::/0"]) {
      expect(reasons(policy({ ipBlock: { cidr } })), cidr).toEqual([]);
    }
  });

  it("refuses an address with bits beyond the prefix, naming the network it meant", () => {
    expect(reasons(policy({ ipBlock: { cidr: "10.0.0.1/8" } }))).toEqual([
      "/spec/egress/0/to/0/ipBlock: the ipBlock's cidr 10.0.0.1/8 has bits set beyond the prefix length, which Kubernetes 1.36 and later refuse (write 10.0.0.0/8)",
    ]);
    expect(reasons(policy({ ipBlock: { cidr: "fd00::1/8" } }))[0]).toContain("(write fd00::/8)");
  });

  it("refuses leading zeros, a prefix beyond the address length and surrounding spaces", () => {
    for (const cidr of ["010.0.0.0/8", "10.0.0.0/08", "10.0.0.0/33", " 10.0.0.0/8", "10.0.0.0"]) {
      expect(reasons(policy({ ipBlock: { cidr } })), cidr).toHaveLength(1);
    }
  });

  it("refuses an except entry that is itself no strict CIDR, or lies outside the cidr", () => {
    const refused = (except: string) =>
      reasons(policy({ ipBlock: { cidr: "10.0.0.0/8", except: [except] } }));
    expect(refused("10.1.0.0/16")).toEqual([]);
    expect(refused("10.1.0.1/16")[0]).toMatch(/except\/0: .*bits set beyond the prefix/);
    expect(refused("11.0.0.0/16")[0]).toMatch(/not a strict subset/);
    expect(refused("10.0.0.0/8")[0]).toMatch(/not a strict subset/);
  });
});

describe("ipBlock CIDRs for a target before 1.36 (ParseCIDRSloppy)", () => {
  const lenient = (cidr: string) =>
    policyRefusals(policy({ ipBlock: { cidr } }), { strictIp: false }).map((r) => r.reason);

  it("accepts bits beyond the prefix, leading zeros and IPv4-mapped blocks, which 1.35 creates", () => {
    for (const cidr of ["10.0.0.1/8", "010.0.0.0/8", "10.0.0.0/08", "::ffff:10.0.0.0/104"])
      expect(lenient(cidr), cidr).toEqual([]);
  });

  it("still refuses what does not parse", () => {
    for (const cidr of ["10.0.0.0/33", " 10.0.0.0/8", "10.0.0.0", "::ffff:10.0.0/104"])
      expect(lenient(cidr), cidr).toHaveLength(1);
  });
});

describe("IPv6 CIDRs with an IPv4 tail", () => {
  it("accepts a NAT64 block, refuses an IPv4-mapped one from 1.36 as such, not as no CIDR", () => {
    expect(reasons(policy({ ipBlock: { cidr: "64:ff9b::a00:0/120" } }))).toEqual([]);
    expect(reasons(policy({ ipBlock: { cidr: "64:ff9b::10.0.0.0/120" } }))).toEqual([]);
    expect(reasons(policy({ ipBlock: { cidr: "::ffff:10.0.0.0/104" } }))).toEqual([
      "/spec/egress/0/to/0/ipBlock: the ipBlock's cidr ::ffff:10.0.0.0/104 has an IPv4-mapped IPv6 address, which Kubernetes 1.36 and later refuse",
    ]);
  });
});

describe("selectors as the API server validates them", () => {
  it("refuses a matchLabels key or value that is no label", () => {
    const bad = (matchLabels: Record<string, string>) =>
      reasons(policy({ podSelector: { matchLabels } }));
    expect(bad({ app: "web", "example.com/tier": "front_end.1" })).toEqual([]);
    expect(bad({ "bad key": "web" })[0]).toMatch(
      /matchLabels\/bad key: the label key "bad key" has a name that is not letters/,
    );
    expect(bad({ app: "x".repeat(64) })[0]).toMatch(/is longer than 63 characters/);
    expect(bad({ app: "-web" })).toHaveLength(1);
    expect(bad({ "Example.com/app": "web" })[0]).toMatch(/matchLabels\/Example.com~1app: .*prefix/);
  });

  it("refuses a matchExpressions key or value that is no label, also in the policy's podSelector", () => {
    const expression = (key: string, values: string[]) =>
      reasons(
        policy(
          { podSelector: {} },
          { port: 443 },
          {
            matchExpressions: [{ key, operator: "In", values }],
          },
        ),
      );
    expect(expression("app", ["web", "api"])).toEqual([]);
    expect(expression("app", ["web", "a b"])).toEqual([
      "/spec/podSelector/matchExpressions/0/values/1: a selector value is not letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    ]);
    expect(expression("a/b/c", ["web"])[0]).toMatch(/matchExpressions\/0\/key: .*at most one '\/'/);
  });
});

describe("ports as the API server validates them", () => {
  it("refuses a protocol that is not TCP, UDP or SCTP in upper case", () => {
    expect(reasons(policy({ podSelector: {} }, { protocol: "UDP", port: 53 }))).toEqual([]);
    expect(reasons(policy({ podSelector: {} }, { protocol: "tcp", port: 443 }))).toEqual([
      "/spec/egress/0/ports/0/protocol: the protocol is none of TCP, UDP, SCTP (upper case)",
    ]);
  });

  it("refuses port 0, 70000, a bad name and an endPort below its port", () => {
    for (const port of [
      { port: 0 },
      { port: 70000 },
      { port: "HTTPS" },
      { port: "https-for-the-web" },
      { port: 9200, endPort: 9100 },
    ]) {
      expect(reasons(policy({ podSelector: {} }, port)), JSON.stringify(port)).toHaveLength(1);
    }
  });
});

describe("a policy's metadata as the API server validates it", () => {
  it("refuses a name that is no DNS-1123 subdomain, and label keys or values that are no labels", () => {
    const withMetadata = (metadata: Record<string, unknown>) => ({
      ...policy({ podSelector: {} }),
      metadata: { namespace: "app", ...metadata },
    });
    expect(reasons(withMetadata({ name: "api.allow-web" }))).toEqual([]);
    expect(reasons(withMetadata({ name: "Allow_Web" }))).toEqual([
      expect.stringMatching(/^\/metadata\/name: its name is no DNS-1123 subdomain/),
    ]);
    expect(reasons(withMetadata({ name: "p", labels: { team: "web ops" } }))).toEqual([
      expect.stringMatching(/^\/metadata\/labels\/team: the value of label "team"/),
    ]);
    expect(reasons(withMetadata({ name: "p", annotations: { "Example.COM/owner": "x" } }))).toEqual(
      [],
    );
  });
});
