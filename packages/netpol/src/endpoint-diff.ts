import {
  type Connectivity,
  type Endpoint,
  type PodFlows,
  podFlowsOfConnectivity,
} from "./analyze.js";
import { type ConnSet, equals, intersect, isEmpty, NO_CONNS, subtract } from "./conns.js";
import { atoms, IPV6_SPACE, type IpInterval } from "./ip.js";
import type { Workload } from "./model.js";

/** Connections between two ends that one side of a change allows and the other does not. */
export interface EndpointChange {
  from: Endpoint;
  to: Endpoint;
  conns: ConnSet;
}

/**
 * Connections one side of a pair newly allows while the other side still stops them: the
 * destination's ingress now admits the source, or the source's egress now reaches the
 * destination, and no flow opens only because the other end's policies hold.
 */
export interface SideChange extends EndpointChange {
  side: "ingress" | "egress";
}

export interface EndpointDiff {
  opened: EndpointChange[];
  closed: EndpointChange[];
  /** Between workloads of both sides only: a new workload's policies are new, not widened. */
  widened: SideChange[];
}

/**
 * What a change does to each pair of ends: workload to workload (matched by namespace, name and
 * kind) and workload to or from each range of outside addresses. A flow opened for one new
 * workload, or for one more address range, is a change even when its component already had
 * the same flow elsewhere.
 */
export function diffEndpoints(base: Connectivity, head: Connectivity): EndpointDiff {
  const diff: EndpointDiff = { opened: [], closed: [], widened: [] };
  // What is opened is told with the head's ends, what is closed with the base's: a workload
  // relabelled into another component closed the flows of the component it was.
  const record: Recorder = (ends, before, after) => {
    const opened = subtract(after, before);
    if (!isEmpty(opened)) diff.opened.push({ ...(ends.head ?? ends.base!), conns: opened });
    const closed = subtract(before, after);
    if (!isEmpty(closed)) diff.closed.push({ ...(ends.base ?? ends.head!), conns: closed });
  };
  podChanges(base, head, record, (change) => diff.widened.push(change));
  externalChanges(base, head, record);
  return diff;
}

interface Ends {
  from: Endpoint;
  to: Endpoint;
}

type Recorder = (ends: { base?: Ends; head?: Ends }, before: ConnSet, after: ConnSet) => void;

/** One side's pod-to-pod connections, pair by pair, without listing every pair of open pods. */
class PodSide {
  readonly workloads: readonly Workload[];
  private readonly pods: PodFlows | undefined;
  /** By the workload itself: one name may be written twice (variants kept in two folders). */
  private readonly index = new Map<Workload, number>();
  /** The reach of the last egress-isolated source asked: pairs are asked source by source. */
  private reach: { source: number; conns: Map<number, ConnSet> } | undefined;

  constructor(private readonly connectivity: Connectivity) {
    this.workloads = connectivity.model.workloads;
    this.pods = podFlowsOfConnectivity(connectivity);
    for (const [i, w] of this.workloads.entries()) this.index.set(w, i);
  }

  /** Both ends unisolated: every connection, whatever the rest of the bundle says. */
  open(a: number, b: number): boolean {
    return this.egressOpen(a) && this.ingressOpen(b);
  }

  conns(a: number, b: number): ConnSet {
    if (!this.pods) return this.bothSides(a, b);
    if (this.pods.egressOpen(a)) return this.pods.openFlow(a, b)?.conns ?? NO_CONNS;
    if (this.reach?.source !== a) {
      const conns = new Map([...this.pods.from(a)].map((f) => [this.endIndex(f.to), f.conns]));
      this.reach = { source: a, conns };
    }
    return this.reach.conns.get(b) ?? NO_CONNS;
  }

  private egressOpen(i: number): boolean {
    return this.pods
      ? this.pods.egressOpen(i)
      : this.connectivity.isolatedFor(this.workloads[i]!, "egress").length === 0;
  }

  private ingressOpen(i: number): boolean {
    return this.pods
      ? this.pods.ingressOpen(i)
      : this.connectivity.isolatedFor(this.workloads[i]!, "ingress").length === 0;
  }

  private endIndex(end: Endpoint): number {
    return end.kind === "workload" ? (this.index.get(end.workload) ?? -1) : -1;
  }

  /** Every `b` that `a`'s egress or `b`'s ingress lets `a` reach, or undefined for all. */
  targets(a: number): ReadonlySet<number> | undefined {
    return this.pods?.sideTargets(a);
  }

  /** What `a`'s egress and `b`'s ingress each allow on their own. */
  sides(a: number, b: number): { egress: ConnSet; ingress: ConnSet } {
    if (this.pods) return this.pods.sides(a, b);
    return this.connectivity.sides(
      { kind: "workload", workload: this.workloads[a]! },
      { kind: "workload", workload: this.workloads[b]! },
    );
  }

  private bothSides(a: number, b: number): ConnSet {
    const { egress, ingress } = this.sides(a, b);
    return intersect(egress, ingress);
  }
}

function podChanges(
  baseConnectivity: Connectivity,
  headConnectivity: Connectivity,
  record: Recorder,
  widened: (change: SideChange) => void,
) {
  const base = new PodSide(baseConnectivity);
  const head = new PodSide(headConnectivity);
  const inBase = matched(head.workloads, base.workloads);
  const inHead = matched(base.workloads, head.workloads);
  const workload = (w: Workload): Endpoint => ({ kind: "workload", workload: w });
  for (let a = 0; a < head.workloads.length; a++) {
    const ba = inBase[a];
    for (const b of pairTargets(head, base, a, ba, inHead)) {
      if (a === b) continue;
      const bb = inBase[b];
      const both = ba !== undefined && bb !== undefined;
      if (both && head.open(a, b) && base.open(ba, bb)) continue;
      const ends = {
        head: { from: workload(head.workloads[a]!), to: workload(head.workloads[b]!) },
        ...(both
          ? { base: { from: workload(base.workloads[ba]!), to: workload(base.workloads[bb]!) } }
          : {}),
      };
      const after = head.conns(a, b);
      record(ends, both ? base.conns(ba, bb) : NO_CONNS, after);
      if (both && !head.open(a, b)) {
        const [before, now] = [base.sides(ba, bb), head.sides(a, b)];
        for (const side of ["egress", "ingress"] as const) {
          // What the side newly allows, less what now flows (that is an opened flow).
          const conns = subtract(subtract(now[side], before[side]), after);
          if (!isEmpty(conns)) widened({ ...ends.head, conns, side });
        }
      }
    }
  }
  // A workload the head removes closes what it had.
  const removed = base.workloads.flatMap((_, i) => (inHead[i] === undefined ? [i] : []));
  const everyBase = base.workloads.map((_, i) => i);
  for (let a = 0; a < base.workloads.length; a++) {
    for (const b of inHead[a] === undefined ? everyBase : removed) {
      if (a === b) continue;
      const ends = { from: workload(base.workloads[a]!), to: workload(base.workloads[b]!) };
      record({ base: ends }, base.conns(a, b), NO_CONNS);
    }
  }
}

/**
 * The head's destinations worth comparing for source `a` (`ba` in the base), in order: those
 * that either side's policies let `a` reach or be admitted by. Any other pair allows nothing
 * on either side, before or after, so it has nothing to tell.
 */
function pairTargets(
  head: PodSide,
  base: PodSide,
  a: number,
  ba: number | undefined,
  inHead: readonly (number | undefined)[],
): Iterable<number> {
  const now = head.targets(a);
  const before = ba === undefined ? new Set<number>() : base.targets(ba);
  if (!now || !before) return head.workloads.keys();
  const targets = new Set(now);
  for (const bb of before) {
    const b = inHead[bb];
    if (b !== undefined) targets.add(b);
  }
  return [...targets].sort((x, y) => x - y);
}

/**
 * Flows to and from outside addresses, cut on the ranges of both sides, so that an ipBlock
 * widened or an `except` removed shows as the addresses it opens.
 */
function externalChanges(base: Connectivity, head: Connectivity, record: Recorder) {
  const inbound = atoms([base.ingressRanges, head.ingressRanges]);
  const outbound = atoms([base.egressRanges, head.egressRanges]);
  const [baseWorkloads, headWorkloads] = [base.model.workloads, head.model.workloads];
  const inBase = matched(headWorkloads, baseWorkloads);
  const inHead = matched(baseWorkloads, headWorkloads);
  const ends: { head?: Workload; base?: Workload }[] = [
    ...headWorkloads.map((w, i) => {
      const b = inBase[i];
      return b === undefined ? { head: w } : { head: w, base: baseWorkloads[b]! };
    }),
    ...baseWorkloads.filter((_, i) => inHead[i] === undefined).map((w) => ({ base: w })),
  ];
  for (const end of ends) {
    const into = (c: Connectivity, w: Workload | undefined, range: IpInterval) =>
      w
        ? c.sides({ kind: "external", range }, { kind: "workload", workload: w }).ingress
        : NO_CONNS;
    const outOf = (c: Connectivity, w: Workload | undefined, range: IpInterval) =>
      w ? c.sides({ kind: "workload", workload: w }, { kind: "external", range }).egress : NO_CONNS;
    const sides = (ends: (w: Endpoint) => Ends) => ({
      ...(end.base ? { base: ends({ kind: "workload", workload: end.base }) } : {}),
      ...(end.head ? { head: ends({ kind: "workload", workload: end.head }) } : {}),
    });
    forEachRun(
      inbound,
      (range) => [into(base, end.base, range), into(head, end.head, range)],
      (range, before, after) =>
        record(
          sides((w) => ({ from: { kind: "external", range }, to: w })),
          before,
          after,
        ),
    );
    forEachRun(
      outbound,
      (range) => [outOf(base, end.base, range), outOf(head, end.head, range)],
      (range, before, after) =>
        record(
          sides((w) => ({ from: w, to: { kind: "external", range } })),
          before,
          after,
        ),
    );
  }
}

/**
 * For each workload of one side, the index of the same workload on the other: the same
 * namespace, name and kind, and, for a name written more than once, the same occurrence of it.
 */
function matched(side: readonly Workload[], other: readonly Workload[]): (number | undefined)[] {
  const occurrences = (workloads: readonly Workload[]) => {
    const seen = new Map<string, number>();
    return workloads.map((w) => {
      const n = seen.get(w.id) ?? 0;
      seen.set(w.id, n + 1);
      return `${w.id}\u0000${n}`;
    });
  };
  const otherIndex = new Map(occurrences(other).map((key, i) => [key, i]));
  return occurrences(side).map((key) => otherIndex.get(key));
}

/** Adjacent ranges with the same connections on both sides are one change, not many. */
function forEachRun(
  ranges: readonly IpInterval[],
  connsOf: (range: IpInterval) => [ConnSet, ConnSet],
  each: (range: IpInterval, before: ConnSet, after: ConnSet) => void,
) {
  let run: { range: IpInterval; before: ConnSet; after: ConnSet } | undefined;
  for (const range of ranges) {
    const [before, after] = connsOf(range);
    if (
      run &&
      run.range[1] + 1n === range[0] &&
      range[0] !== IPV6_SPACE[0] &&
      equals(run.before, before) &&
      equals(run.after, after)
    ) {
      run.range = [run.range[0], range[1]];
      continue;
    }
    if (run) each(run.range, run.before, run.after);
    run = { range, before, after };
  }
  if (run) each(run.range, run.before, run.after);
}
