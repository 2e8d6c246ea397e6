import { parseCidr as parseCoreCidr, parseIp } from "@scout-deploy/core";

/**
 * Addresses outside the cluster as intervals of one number line: IPv4 addresses are 0..2^32-1,
 * IPv6 addresses are shifted above them (2^32 + address), so one interval type covers both.
 */

export type IpInterval = readonly [bigint, bigint];
export type IpSet = readonly IpInterval[];

const V6_BASE = 1n << 32n;
export const IPV4_SPACE: IpInterval = [0n, V6_BASE - 1n];
export const IPV6_SPACE: IpInterval = [V6_BASE, V6_BASE + (1n << 128n) - 1n];

/**
 * The interval of a CIDR such as 10.0.0.0/8 or fd00::/8; undefined when it does not parse. An
 * IPv4-mapped block (::ffff:10.0.0.0/104) holds IPv4 addresses, as Go's IPNet matches them.
 */
export function parseCidr(cidr: string): IpInterval | undefined {
  const parsed = parseCoreCidr(cidr.trim());
  if (!parsed) return undefined;
  if (parsed.mapped && parsed.prefix >= 96)
    return block(parsed.value & 0xffffffffn, 32, parsed.prefix - 96, 0n);
  return parsed.bits === 32
    ? block(parsed.value, 32, parsed.prefix, 0n)
    : block(parsed.value, 128, parsed.prefix, V6_BASE);
}

function block(address: bigint, bits: number, prefix: number, base: bigint): IpInterval {
  const hostBits = BigInt(bits - prefix);
  const start = (address >> hostBits) << hostBits;
  return [base + start, base + start + (1n << hostBits) - 1n];
}

function parseIpv4(text: string): bigint | undefined {
  const parsed = parseIp(text);
  return parsed?.bits === 32 ? parsed.value : undefined;
}

export function ipBlockSet(cidr: string, except: readonly string[]): IpSet | undefined {
  const whole = parseCidr(cidr);
  if (!whole) return undefined;
  let set: IpSet = [whole];
  for (const hole of except) {
    const interval = parseCidr(hole);
    if (interval) set = subtractInterval(set, interval);
  }
  return set;
}

function subtractInterval(set: IpSet, [lo, hi]: IpInterval): IpSet {
  return set.flatMap(([a, b]): IpInterval[] => {
    if (hi < a || lo > b) return [[a, b]];
    const out: IpInterval[] = [];
    if (lo > a) out.push([a, lo - 1n]);
    if (hi < b) out.push([hi + 1n, b]);
    return out;
  });
}

export function containsInterval(set: IpSet, [lo, hi]: IpInterval): boolean {
  return set.some(([a, b]) => a <= lo && hi <= b);
}

/**
 * Cuts the address space into the coarsest atoms on which every given set is uniform: each
 * atom lies wholly inside or wholly outside each set. IPv6 is cut only when a set mentions it.
 */
export function atoms(sets: readonly IpSet[]): IpInterval[] {
  const cuts = new Set<bigint>([IPV4_SPACE[0], IPV4_SPACE[1] + 1n]);
  let v6 = false;
  for (const set of sets) {
    for (const [lo, hi] of set) {
      cuts.add(lo);
      cuts.add(hi + 1n);
      if (hi >= IPV6_SPACE[0]) v6 = true;
    }
  }
  if (v6) cuts.add(IPV6_SPACE[1] + 1n);
  const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: IpInterval[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) out.push([sorted[i]!, sorted[i + 1]! - 1n]);
  return out;
}

export function formatIp(value: bigint): string {
  if (value < V6_BASE) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  }
  const v6 = value - V6_BASE;
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((v6 >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  );
  return groups.join(":");
}

/** "10.0.0.0-10.255.255.255", the way netpol-analyzer names an external range. */
export function formatInterval([lo, hi]: IpInterval): string {
  return `${formatIp(lo)}-${formatIp(hi)}`;
}

export function parseIpv4Range(text: string): IpInterval | undefined {
  const [a, b] = text.trim().split("-");
  const lo = a === undefined ? undefined : parseIpv4(a);
  const hi = b === undefined ? lo : parseIpv4(b);
  if (lo === undefined || hi === undefined) return parseCidr(text);
  return [lo, hi];
}

/** The addresses of `set` that are not in `holes`. */
export function subtractSet(set: IpSet, holes: IpSet): IpSet {
  let rest = set;
  for (const hole of holes) rest = subtractInterval(rest, hole);
  return rest;
}

function cidrs(...list: string[]): IpSet {
  return list.map((c) => parseCidr(c)!);
}

/**
 * The public internet: every address but the special-purpose ones (RFC 6890 and successors:
 * private, loopback, link-local, shared CGNAT, documentation, benchmarking, multicast, reserved).
 */
export const PUBLIC_ADDRESSES: Readonly<Record<"IPv4" | "IPv6", IpSet>> = {
  IPv4: subtractSet(
    [IPV4_SPACE],
    cidrs(
      "0.0.0.0/8",
      "10.0.0.0/8",
      "100.64.0.0/10",
      "127.0.0.0/8",
      "169.254.0.0/16",
      "172.16.0.0/12",
      "192.0.0.0/24",
      "192.0.2.0/24",
      "192.168.0.0/16",
      "198.18.0.0/15",
      "198.51.100.0/24",
      "203.0.113.0/24",
      "224.0.0.0/4",
      "240.0.0.0/4",
    ),
  ),
  // Global unicast, less documentation: the rest of IPv6 is local, multicast or unassigned.
  IPv6: subtractSet(cidrs("2000::/3"), cidrs("2001:db8::/32")),
};

/** The address families whose whole public internet the set covers: the union, not one block. */
export function publicFamiliesCovered(set: IpSet): Array<"IPv4" | "IPv6"> {
  return (["IPv4", "IPv6"] as const).filter(
    (family) => subtractSet(PUBLIC_ADDRESSES[family], set).length === 0,
  );
}
