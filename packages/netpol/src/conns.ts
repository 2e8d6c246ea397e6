/** Sets of (protocol, port) as sorted, disjoint, inclusive port intervals per protocol. */

export const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Flat list of inclusive intervals: [lo0, hi0, lo1, hi1, ...], sorted and disjoint. */
export type Intervals = readonly number[];

export type ConnSet = Readonly<Record<Protocol, Intervals>>;

const FULL: Intervals = Object.freeze([MIN_PORT, MAX_PORT]);
const NONE: Intervals = Object.freeze([]);

export const ALL_CONNS: ConnSet = Object.freeze({ TCP: FULL, UDP: FULL, SCTP: FULL });
export const NO_CONNS: ConnSet = Object.freeze({ TCP: NONE, UDP: NONE, SCTP: NONE });

export function connsOf(protocol: Protocol, lo: number, hi = lo): ConnSet {
  return { ...NO_CONNS, [protocol]: [lo, hi] };
}

export function isEmpty(set: ConnSet): boolean {
  return set.TCP.length === 0 && set.UDP.length === 0 && set.SCTP.length === 0;
}

export function isAll(set: ConnSet): boolean {
  return PROTOCOLS.every((p) => isFull(set[p]));
}

function isFull(list: Intervals): boolean {
  return list.length === 2 && list[0] === MIN_PORT && list[1] === MAX_PORT;
}

export function union(a: ConnSet, b: ConnSet): ConnSet {
  if (a === b || isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  if (a === ALL_CONNS || b === ALL_CONNS) return ALL_CONNS;
  if (equals(a, b)) return a;
  return {
    TCP: unionIntervals(a.TCP, b.TCP),
    UDP: unionIntervals(a.UDP, b.UDP),
    SCTP: unionIntervals(a.SCTP, b.SCTP),
  };
}

export function intersect(a: ConnSet, b: ConnSet): ConnSet {
  if (a === ALL_CONNS || a === b) return b;
  if (b === ALL_CONNS) return a;
  return {
    TCP: intersectIntervals(a.TCP, b.TCP),
    UDP: intersectIntervals(a.UDP, b.UDP),
    SCTP: intersectIntervals(a.SCTP, b.SCTP),
  };
}

export function subtract(a: ConnSet, b: ConnSet): ConnSet {
  return {
    TCP: subtractIntervals(a.TCP, b.TCP),
    UDP: subtractIntervals(a.UDP, b.UDP),
    SCTP: subtractIntervals(a.SCTP, b.SCTP),
  };
}

export function equals(a: ConnSet, b: ConnSet): boolean {
  return PROTOCOLS.every((p) => a[p].length === b[p].length && a[p].every((v, i) => v === b[p][i]));
}

export function contains(set: ConnSet, protocol: Protocol, port: number): boolean {
  const list = set[protocol];
  for (let i = 0; i < list.length; i += 2) {
    if (port >= list[i]! && port <= list[i + 1]!) return true;
  }
  return false;
}

export function unionIntervals(a: Intervals, b: Intervals): Intervals {
  if (a.length === 0 || a === b) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let lo: number;
    let hi: number;
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      lo = a[i]!;
      hi = a[i + 1]!;
      i += 2;
    } else {
      lo = b[j]!;
      hi = b[j + 1]!;
      j += 2;
    }
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) {
      if (hi > out[last]!) out[last] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

function intersectIntervals(a: Intervals, b: Intervals): Intervals {
  if (a.length === 0 || b.length === 0) return NONE;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

function subtractIntervals(a: Intervals, b: Intervals): Intervals {
  if (a.length === 0 || b.length === 0) return a;
  const out: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i]!;
    const hi = a[i + 1]!;
    for (let j = 0; j < b.length && lo <= hi; j += 2) {
      const blo = b[j]!;
      const bhi = b[j + 1]!;
      if (bhi < lo || blo > hi) continue;
      if (blo > lo) out.push(lo, blo - 1);
      lo = bhi + 1;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

/** "TCP 80,443,UDP 53" or "All Connections" or "No Connections", as netpol-analyzer prints them. */
export function formatConns(set: ConnSet): string {
  if (isAll(set)) return "All Connections";
  if (isEmpty(set)) return "No Connections";
  return PROTOCOLS.filter((p) => set[p].length > 0)
    .map((p) => `${p} ${formatIntervals(set[p])}`)
    .join(",");
}

export function formatIntervals(list: Intervals): string {
  const parts: string[] = [];
  for (let i = 0; i < list.length; i += 2) {
    parts.push(list[i] === list[i + 1] ? `${list[i]}` : `${list[i]}-${list[i + 1]}`);
  }
  return parts.join(",");
}

/** The inverse of formatConns; throws on text it does not understand. */
export function parseConns(text: string): ConnSet {
  const trimmed = text.trim();
  if (trimmed === "All Connections") return ALL_CONNS;
  if (trimmed === "No Connections" || trimmed === "") return NO_CONNS;
  const result: Record<Protocol, Intervals> = { TCP: NONE, UDP: NONE, SCTP: NONE };
  let current: Protocol | undefined;
  for (const token of trimmed.split(",")) {
    const match = /^\s*(?:(TCP|UDP|SCTP)\s+)?(\d+)(?:-(\d+))?\s*$/.exec(token);
    if (!match) throw new Error(`cannot read connections "${text}"`);
    current = (match[1] as Protocol | undefined) ?? current;
    if (!current) throw new Error(`cannot read connections "${text}": no protocol`);
    const lo = Number(match[2]);
    result[current] = unionIntervals(result[current], [lo, match[3] ? Number(match[3]) : lo]);
  }
  return result;
}

/**
 * Ports as people say them: "every port", "every port but TCP 8000", "TCP 80 and 443, UDP 53",
 * "no port". The shorter of the set and its complement is named.
 */
export function describePorts(set: ConnSet): string {
  if (isAll(set)) return "every port";
  if (isEmpty(set)) return "no port";
  const missing = subtract(ALL_CONNS, set);
  return intervalCount(missing) < intervalCount(set)
    ? `every port but ${listPorts(missing)}`
    : listPorts(set);
}

function intervalCount(set: ConnSet): number {
  return PROTOCOLS.reduce((n, p) => n + set[p].length / 2, 0);
}

function listPorts(set: ConnSet): string {
  return PROTOCOLS.filter((p) => set[p].length > 0)
    .map((p) =>
      isFull(set[p]) ? `every ${p} port` : `${p} ${joinWords(formatIntervals(set[p]).split(","))}`,
    )
    .join(", ");
}

function joinWords(words: readonly string[]): string {
  return words.length < 2
    ? (words[0] ?? "")
    : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}
