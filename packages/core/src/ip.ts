/**
 * IP addresses and CIDRs as the API server reads them (netutils.ParseIPSloppy and
 * ParseCIDRSloppy, the Go 1.17 parsers) and, since Kubernetes 1.36, as it validates them
 * strictly (KEP-4858, StrictIPCIDRValidation: alpha in 1.33, beta and on by default in 1.36).
 */

/** Whether the target version validates IPs and CIDRs strictly: 1.36 and later. */
export function strictIpValidation(minor: number): boolean {
  return minor >= STRICT_SINCE;
}

const STRICT_SINCE = 36;

/**
 * The same for a `--kubernetes-version` as given ("1.35", "v1.36.2"); none means the default
 * target, the newest bundled version, which is strict.
 */
export function strictIpValidationFor(kubernetesVersion: string | undefined): boolean {
  const minor = kubernetesMinor(kubernetesVersion);
  return minor === undefined || strictIpValidation(minor);
}

/**
 * The minor of a `--kubernetes-version` as given ("1.35", "v1.36.2"); undefined for none, which
 * means the default target, the newest bundled version.
 */
export function kubernetesMinor(kubernetesVersion: string | undefined): number | undefined {
  const minor = /^v?1\.(\d+)/.exec(kubernetesVersion?.trim() ?? "");
  return minor ? Number(minor[1]) : undefined;
}

export interface ParsedIp {
  /** 32 or 128 bits. */
  bits: 32 | 128;
  value: bigint;
  /** An IPv4 part had a leading zero ("010.0.0.1"), which the strict rule refuses. */
  leadingZeros: boolean;
  /** ::ffff:a.b.c.d, an IPv4-mapped IPv6 address, which the strict rule refuses. */
  mapped: boolean;
}

/** An IPv4 or IPv6 address (with an embedded IPv4 tail), leniently, as ParseIPSloppy does. */
export function parseIp(text: string): ParsedIp | undefined {
  const v4 = parseIpv4(text);
  if (v4) return { bits: 32, value: v4.value, leadingZeros: v4.leadingZeros, mapped: false };
  return parseIpv6(text);
}

function parseIpv4(text: string): { value: bigint; leadingZeros: boolean } | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    return undefined;
  return {
    value: parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n),
    leadingZeros: parts.some((p) => /^0\d/.test(p)),
  };
}

function parseIpv6(text: string): ParsedIp | undefined {
  if (!text.includes(":") || (text.match(/::/g)?.length ?? 0) > 1) return undefined;
  // An IPv4 tail ("::ffff:10.0.0.1", "64:ff9b::1.2.3.4") stands for the last two groups.
  const tailStart = text.lastIndexOf(":") + 1;
  const tail = text.includes(".") ? parseIpv4(text.slice(tailStart)) : undefined;
  if (text.includes(".") && !tail) return undefined;
  const hex = tail
    ? `${text.slice(0, tailStart)}${(tail.value >> 16n).toString(16)}:${(tail.value & 0xffffn).toString(16)}`
    : text;
  if (!/^[0-9a-fA-F:]+$/.test(hex)) return undefined;
  const [head = "", rest] = hex.split("::");
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...right];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const value = all.reduce((acc, g) => (acc << 16n) + BigInt(Number.parseInt(g, 16)), 0n);
  return {
    bits: 128,
    value,
    leadingZeros: tail?.leadingZeros ?? false,
    mapped: value >> 32n === 0xffffn,
  };
}

export interface ParsedCidr extends ParsedIp {
  prefix: number;
  /** The prefix length was written with a leading zero ("10.0.0.0/08"). */
  prefixLeadingZeros: boolean;
  /** The first address of the block: the address with the bits beyond the prefix cleared. */
  network: bigint;
}

/** "10.0.0.0/8", "fd00::/8", leniently, as ParseCIDRSloppy does (10.0.0.1/8 included). */
export function parseCidr(text: string): ParsedCidr | undefined {
  const parts = text.split("/");
  if (parts.length !== 2) return undefined;
  const [address = "", prefixText = ""] = parts;
  const ip = parseIp(address);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > ip.bits) return undefined;
  const hostBits = BigInt(ip.bits - prefix);
  return {
    ...ip,
    prefix,
    prefixLeadingZeros: /^0\d/.test(prefixText),
    network: (ip.value >> hostBits) << hostBits,
  };
}

/**
 * Why the API server refuses an IP of a legacy field (IsValidIPForLegacyField: a Service's
 * clusterIP and externalIPs, a pod's hostAliases): not an address at all, or, when `strict`,
 * an IPv4 part with a leading zero or an IPv4-mapped IPv6 address.
 */
export function ipProblem(text: unknown, strict: boolean): string | undefined {
  const ip = typeof text === "string" ? parseIp(text) : undefined;
  if (!ip) return "is no IP address";
  if (!strict) return undefined;
  if (ip.leadingZeros)
    return `has leading zeros, which Kubernetes 1.${STRICT_SINCE} and later refuse`;
  if (ip.mapped)
    return `is an IPv4-mapped IPv6 address, which Kubernetes 1.${STRICT_SINCE} and later refuse (write the IPv4 address)`;
  return undefined;
}

/**
 * Why the API server refuses a CIDR of a legacy field (IsValidCIDRForLegacyField: a
 * NetworkPolicy's ipBlock, a Service's loadBalancerSourceRanges). Before 1.36 anything
 * ParseCIDRSloppy reads passes, 10.0.0.1/8 (read as 10.0.0.0/8) included; from 1.36 leading
 * zeros, IPv4-mapped IPv6 addresses and bits set beyond the prefix length are refused.
 */
export function cidrProblem(text: unknown, strict: boolean): string | undefined {
  const cidr = typeof text === "string" ? parseCidr(text) : undefined;
  if (!cidr) return "is no CIDR";
  if (!strict) return undefined;
  const since = `which Kubernetes 1.${STRICT_SINCE} and later refuse`;
  if (cidr.leadingZeros || cidr.prefixLeadingZeros) return `has leading zeros, ${since}`;
  if (cidr.mapped) return `has an IPv4-mapped IPv6 address, ${since}`;
  if (cidr.network !== cidr.value)
    return `has bits set beyond the prefix length, ${since} (write ${formatCidr(cidr)})`;
  return undefined;
}

function formatCidr({ bits, network, prefix }: ParsedCidr): string {
  if (bits === 32)
    return `${[24n, 16n, 8n, 0n].map((shift) => String((network >> shift) & 255n)).join(".")}/${prefix}`;
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((network >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  ).join(":");
  return `${groups.replace(/(^|:)0(:0)+(:|$)/, "::")}/${prefix}`;
}
