import type { Bundle } from "@scout-deploy/core";
import {
  ALL_CONNS,
  type ConnSet,
  connsOf,
  intersect,
  isEmpty,
  MAX_PORT,
  MIN_PORT,
  NO_CONNS,
  union,
} from "./conns.js";
import { atoms, containsInterval, formatInterval, type IpInterval, type IpSet } from "./ip.js";
import {
  type Model,
  modelOf,
  namespaceMatch,
  type Policy,
  type PolicyRule,
  type PortSpec,
  policySelects,
  selectable,
  type Workload,
} from "./model.js";
import type { RefusalOptions } from "./validate.js";

/** One end of a flow: a workload of the bundle, or a range of addresses outside the cluster. */
export type Endpoint =
  | { kind: "workload"; workload: Workload }
  | { kind: "external"; range: IpInterval };

export interface Flow {
  from: Endpoint;
  to: Endpoint;
  conns: ConnSet;
}

/** A rule of a policy that lets a flow through, or the policies that isolate an endpoint. */
export interface RuleRef {
  policy: Policy;
  rule: PolicyRule;
}

export interface Connectivity {
  model: Model;
  /** The external source ranges on which every ingress rule is uniform (netpol-analyzer's split). */
  ingressRanges: IpInterval[];
  /** The external destination ranges on which every egress rule is uniform. */
  egressRanges: IpInterval[];
  /** Every allowed flow (non-empty connections), workloads to themselves excluded. */
  readonly flows: Flow[];
  /**
   * The same flows, one at a time: n workloads without policies allow n² flows, too many to
   * hold for a large repository, and the comparison needs only their sum per component.
   */
  eachFlow(): Iterable<Flow>;
  isolatedFor(workload: Workload, direction: "ingress" | "egress"): Policy[];
  /** What the source's egress and the destination's ingress each allow (ALL_CONNS when not isolated). */
  sides(from: Endpoint, to: Endpoint): { egress: ConnSet; ingress: ConnSet };
  /**
   * What each side allows whatever the labels the input leaves open (a pod label only the cluster
   * sets, a label of a namespace without a Namespace object): only sure matches admit, and a side
   * that a policy may isolate and none surely does allows nothing for sure. `sides` counts every
   * match that may hold; between the two lies what may or may not flow.
   */
  sureSides(from: Endpoint, to: Endpoint): { egress: ConnSet; ingress: ConnSet };
  /** The rules that admit traffic from `from` to `to` on the destination's ingress and the source's egress side. */
  admittingRules(from: Endpoint, to: Endpoint): { ingress: RuleRef[]; egress: RuleRef[] };
}

export function endpointId(endpoint: Endpoint): string {
  return endpoint.kind === "workload" ? endpoint.workload.id : formatInterval(endpoint.range);
}

/** A rule's peers admit a workload's pods surely, or only if labels the input leaves open allow. */
const SURE = 1;
const UNCERTAIN = 2;

interface CompiledRule {
  ref: RuleRef;
  everyone: boolean;
  /** Per workload: 0, SURE or UNCERTAIN (an uncertain match admits: it cannot be ruled out). */
  pods: Uint8Array;
  /** The indexes of `pods` that are set, for sparse iteration. */
  podList: number[];
  ips: IpSet;
  /** Connections when no named port needs the destination; undefined when it does. */
  fixedConns: ConnSet | undefined;
  /** Named ports resolved per destination. */
  resolved: Map<Workload | undefined, ConnSet>;
}

/** Computes who may talk to whom under Kubernetes NetworkPolicy semantics. */
const analyzed = new WeakMap<Bundle, Map<boolean, Connectivity>>();

/**
 * The connectivity of a bundle; the four network rules share one analysis per bundle and
 * target (which policies the API server refuses depends on the version).
 */
export function analyze(bundle: Bundle, options: RefusalOptions = {}): Connectivity {
  const strictIp = options.strictIp ?? true;
  let byTarget = analyzed.get(bundle);
  if (!byTarget) {
    byTarget = new Map();
    analyzed.set(bundle, byTarget);
  }
  let connectivity = byTarget.get(strictIp);
  if (!connectivity) {
    connectivity = analyzeModel(modelOf(bundle, { strictIp }));
    byTarget.set(strictIp, connectivity);
  }
  return connectivity;
}

export function analyzeModel(model: Model): Connectivity {
  const { workloads, policies } = model;
  const index = new Map(workloads.map((w, i) => [w, i]));
  const ingressOf: CompiledRule[][] = workloads.map(() => []);
  const egressOf: CompiledRule[][] = workloads.map(() => []);
  const ingressPolicies: Policy[][] = workloads.map(() => []);
  const egressPolicies: Policy[][] = workloads.map(() => []);
  const ingressIps: IpSet[] = [];
  const egressIps: IpSet[] = [];

  const byNamespace = new Map<string, number[]>();
  workloads.forEach((w, i) => {
    const members = byNamespace.get(w.namespace);
    if (members) members.push(i);
    else byNamespace.set(w.namespace, [i]);
  });
  const uncertain: { policy: Policy; members: number[]; rules: PolicyRules }[] = [];
  for (const policy of policies) {
    const selected: number[] = [];
    const maybe: number[] = [];
    for (const i of byNamespace.get(policy.namespace) ?? []) {
      const match = policySelects(policy, workloads[i]!);
      if (match === true) selected.push(i);
      else if (match !== false) maybe.push(i);
    }
    if (selected.length === 0 && maybe.length === 0) continue;
    const rules = policyRules(model, byNamespace, policy, ingressIps, egressIps);
    if (maybe.length) uncertain.push({ policy, members: maybe, rules });
    for (const i of selected) {
      if (policy.isolatesIngress) {
        ingressPolicies[i]!.push(policy);
        ingressOf[i]!.push(...rules.ingress());
      }
      if (policy.isolatesEgress) {
        egressPolicies[i]!.push(policy);
        egressOf[i]!.push(...rules.egress());
      }
    }
  }
  const copy = (lists: Policy[][]) => (uncertain.length ? lists.map((list) => [...list]) : lists);
  const ingressSources = copy(ingressPolicies);
  const egressSources = copy(egressPolicies);
  // A policy that may select a pod (its selector compares a label only the cluster sets) cannot
  // be counted on to isolate it, but what it allows may reach it: its rules count wherever
  // other policies isolate the pod.
  const mayIsolate = { ingress: new Set<number>(), egress: new Set<number>() };
  for (const { policy, members, rules } of uncertain) {
    for (const i of members) {
      if (policy.isolatesIngress && ingressPolicies[i]!.length) {
        ingressSources[i]!.push(policy);
        ingressOf[i]!.push(...rules.ingress());
      } else if (policy.isolatesIngress) mayIsolate.ingress.add(i);
      if (policy.isolatesEgress && egressPolicies[i]!.length) {
        egressSources[i]!.push(policy);
        egressOf[i]!.push(...rules.egress());
      } else if (policy.isolatesEgress) mayIsolate.egress.add(i);
    }
  }
  const ingressRanges = atoms(ingressIps);
  const egressRanges = atoms(egressIps);
  const endpoints = workloads.map((workload): Endpoint => ({ kind: "workload", workload }));
  const isolated = {
    ingressOf,
    egressOf,
    ingressPolicies,
    egressPolicies,
    ingressSources,
    egressSources,
  };
  let pods: PodFlows | undefined;
  const podFlows = () => {
    pods ??= podFlowsBy(workloads, endpoints, isolated);
    return pods;
  };
  function* eachFlow(): Generator<Flow> {
    const flows = podFlows();
    for (let a = 0; a < workloads.length; a++) yield* flows.from(a);
    yield* eachExternalFlow();
  }
  function eachExternalFlow(): Generator<Flow> {
    return externalFlows(workloads, endpoints, isolated, ingressRanges, egressRanges);
  }
  let flows: Flow[] | undefined;

  const admitting = (
    rules: CompiledRule[],
    matches: (r: CompiledRule) => boolean,
    dst: Workload | undefined,
  ) => rules.filter((r) => matches(r) && !isEmpty(connsFor(r, dst))).map((r) => r.ref);
  const matcher =
    (peer: Endpoint, sure = false) =>
    (r: CompiledRule) =>
      r.everyone ||
      (peer.kind === "workload"
        ? sure
          ? r.pods[index.get(peer.workload)!] === SURE
          : r.pods[index.get(peer.workload)!] !== 0
        : containsInterval(r.ips, peer.range));
  const sureSide = (
    workload: Workload,
    direction: "ingress" | "egress",
    peer: Endpoint,
    dst: Workload | undefined,
  ) => {
    const i = index.get(workload)!;
    const policies = (direction === "ingress" ? ingressPolicies : egressPolicies)[i]!;
    if (policies.length === 0) return mayIsolate[direction].has(i) ? NO_CONNS : ALL_CONNS;
    const rules = (direction === "ingress" ? ingressOf : egressOf)[i]!;
    return side(
      rules.filter((r) => policies.includes(r.ref.policy)),
      matcher(peer, true),
      dst,
    );
  };

  const connectivity: Connectivity = {
    model,
    ingressRanges,
    egressRanges,
    get flows() {
      flows ??= [...eachFlow()];
      return flows;
    },
    eachFlow,
    isolatedFor: (workload, direction) =>
      (direction === "ingress" ? ingressPolicies : egressPolicies)[index.get(workload) ?? -1] ?? [],
    sides(from, to) {
      const dst = to.kind === "workload" ? to.workload : undefined;
      const egress =
        from.kind === "workload" && egressPolicies[index.get(from.workload)!]!.length
          ? side(egressOf[index.get(from.workload)!]!, matcher(to), dst)
          : ALL_CONNS;
      const ingress =
        dst && ingressPolicies[index.get(dst)!]!.length
          ? side(ingressOf[index.get(dst)!]!, matcher(from), dst)
          : ALL_CONNS;
      return { egress, ingress };
    },
    sureSides(from, to) {
      const dst = to.kind === "workload" ? to.workload : undefined;
      return {
        egress: from.kind === "workload" ? sureSide(from.workload, "egress", to, dst) : ALL_CONNS,
        ingress: dst ? sureSide(dst, "ingress", from, dst) : ALL_CONNS,
      };
    },
    admittingRules(from, to) {
      const dst = to.kind === "workload" ? to.workload : undefined;
      const ingress = dst ? admitting(ingressOf[index.get(dst)!]!, matcher(from), dst) : [];
      const egress =
        from.kind === "workload"
          ? admitting(egressOf[index.get(from.workload)!]!, matcher(to), dst)
          : [];
      return { ingress, egress };
    },
  };
  podFlowsOf.set(connectivity, {
    from: (a) => podFlows().from(a),
    egressOpen: (i) => podFlows().egressOpen(i),
    ingressOpen: (i) => podFlows().ingressOpen(i),
    openFlow: (a, b) => podFlows().openFlow(a, b),
    sides: (a, b) => podFlows().sides(a, b),
    sideTargets: (a) => podFlows().sideTargets(a),
  });
  externalFlowsOf.set(connectivity, eachExternalFlow);
  return connectivity;
}

const externalFlowsOf = new WeakMap<Connectivity, () => Iterable<Flow>>();

/** The flows between workloads and external ranges, in the order `eachFlow` yields them. */
export function externalFlowsOfConnectivity(connectivity: Connectivity): Iterable<Flow> {
  return externalFlowsOf.get(connectivity)?.() ?? [];
}

function side(
  rules: readonly CompiledRule[],
  matches: (r: CompiledRule) => boolean,
  dst: Workload | undefined,
): ConnSet {
  let result = NO_CONNS;
  for (const rule of rules) {
    if (!matches(rule)) continue;
    result = union(result, connsFor(rule, dst));
    if (result === ALL_CONNS) break;
  }
  return result;
}

function intersectFast(a: ConnSet, b: ConnSet): ConnSet {
  if (a === ALL_CONNS) return b;
  if (b === ALL_CONNS || a === b) return a;
  return intersect(a, b);
}

function compileRule(
  model: Model,
  byNamespace: ReadonlyMap<string, number[]>,
  policy: Policy,
  rule: PolicyRule,
): CompiledRule {
  const { workloads } = model;
  const pods = new Uint8Array(workloads.length);
  const podList: number[] = [];
  const ips: IpInterval[] = [];
  const everyone = rule.peers === "all";
  if (rule.peers !== "all") {
    for (const peer of rule.peers) {
      if (peer.kind === "ip") {
        ips.push(...peer.set);
        continue;
      }
      // A peer without namespaceSelector looks in the policy's namespace only: no need to walk them all.
      const candidates: Iterable<[string, number[]]> =
        peer.namespaces === "own"
          ? [[policy.namespace, byNamespace.get(policy.namespace) ?? []]]
          : byNamespace;
      for (const [namespace, members] of candidates) {
        // A namespace whose labels the input does not show may or may not be picked.
        const inNamespace = namespaceMatch(peer, policy.namespace, namespace, model);
        if (inNamespace === false) continue;
        for (const i of members) {
          if (pods[i] === SURE || !selectable(workloads[i]!)) continue;
          const match = peer.podSelector(workloads[i]!);
          if (match === false) continue;
          if (pods[i] === 0) podList.push(i);
          pods[i] = match === true && inNamespace === true ? SURE : UNCERTAIN;
        }
      }
    }
  }
  const named = rule.ports !== "all" && rule.ports.some((p) => typeof p.port === "string");
  const compiled: CompiledRule = {
    ref: { policy, rule },
    everyone,
    pods,
    podList,
    ips,
    fixedConns: undefined,
    resolved: new Map(),
  };
  if (!named) compiled.fixedConns = portsConns(rule.ports, undefined);
  return compiled;
}

function connsFor(rule: CompiledRule, dst: Workload | undefined): ConnSet {
  if (rule.fixedConns) return rule.fixedConns;
  let conns = rule.resolved.get(dst);
  if (!conns) {
    conns = portsConns(rule.ref.rule.ports, dst);
    rule.resolved.set(dst, conns);
  }
  return conns;
}

/** The connections a rule's ports allow; named ports resolve against the destination pod's container ports. */
export function portsConns(ports: PortSpec[] | "all", dst: Workload | undefined): ConnSet {
  if (ports === "all") return ALL_CONNS;
  let result = NO_CONNS;
  for (const spec of ports) result = union(result, portConns(spec, dst));
  return result;
}

function portConns(spec: PortSpec, dst: Workload | undefined): ConnSet {
  if (spec.port === undefined) return connsOf(spec.protocol, MIN_PORT, MAX_PORT);
  if (typeof spec.port === "number") {
    const end = spec.endPort ?? spec.port;
    return end >= spec.port ? connsOf(spec.protocol, spec.port, end) : NO_CONNS;
  }
  // A hostNetwork pod's address is its node's: the dataplane finds no pod there to look the
  // name up in.
  if (!dst || dst.hostNetwork) return NO_CONNS;
  // Every container port of that name and protocol: the API server checks names unique per
  // container only, and the dataplane admits each container's port.
  let result = NO_CONNS;
  for (const p of dst.ports) {
    if (p.name === spec.port && p.protocol === spec.protocol)
      result = union(result, connsOf(spec.protocol, p.port));
  }
  return result;
}

interface Isolation {
  ingressOf: CompiledRule[][];
  egressOf: CompiledRule[][];
  /** The policies that isolate each workload. */
  ingressPolicies: Policy[][];
  egressPolicies: Policy[][];
  /** The policies whose rules are in `ingressOf`/`egressOf`: the isolating ones, then those that may select it. */
  ingressSources: Policy[][];
  egressSources: Policy[][];
}

/** A policy's compiled rules per direction, compiled once when first asked. */
interface PolicyRules {
  ingress(): CompiledRule[];
  egress(): CompiledRule[];
}

function policyRules(
  model: Model,
  byNamespace: ReadonlyMap<string, number[]>,
  policy: Policy,
  ingressIps: IpSet[],
  egressIps: IpSet[],
): PolicyRules {
  let ingress: CompiledRule[] | undefined;
  let egress: CompiledRule[] | undefined;
  const compile = (rules: PolicyRule[], ips: IpSet[]) => {
    const compiled = rules.map((rule) => compileRule(model, byNamespace, policy, rule));
    for (const rule of compiled) ips.push(rule.ips);
    return compiled;
  };
  return {
    ingress: () => {
      ingress ??= compile(policy.ingress, ingressIps);
      return ingress;
    },
    egress: () => {
      egress ??= compile(policy.egress, egressIps);
      return egress;
    },
  };
}

/**
 * What one workload's rules allow per peer, sparse: `everyone` for rules without peers, and
 * per peer index the union of the rules that name it.
 */
interface Reach {
  everyone: ConnSet;
  peers: Map<number, ConnSet>;
}

function reachOf(
  rules: readonly CompiledRule[],
  dstOf: (peer: number) => Workload | undefined,
  self: Workload | undefined,
): Reach {
  let everyone = NO_CONNS;
  const peers = new Map<number, ConnSet>();
  for (const rule of rules) {
    if (rule.everyone) {
      everyone = union(everyone, connsFor(rule, self));
      continue;
    }
    for (const peer of rule.podList) {
      const conns = connsFor(rule, dstOf(peer));
      if (!isEmpty(conns)) peers.set(peer, union(peers.get(peer) ?? NO_CONNS, conns));
    }
  }
  return { everyone, peers };
}

function reachTo(reach: Reach, peer: number): ConnSet {
  const named = reach.peers.get(peer);
  return named ? union(reach.everyone, named) : reach.everyone;
}

/**
 * Workloads selected by the same policies share their rules, so what those rules allow is
 * computed once per group (and per container-port signature where named ports resolve against
 * the workload itself).
 */
function groupKey(
  policies: readonly Policy[],
  ids: ReadonlyMap<Policy, number>,
  workload?: Workload,
): string {
  const key = policies.map((p) => ids.get(p)).join(",");
  return workload
    ? `${key}|${workload.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`).join(",")}`
    : key;
}

function cached<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    cache.set(key, value);
  }
  return value;
}

/**
 * The pod-to-pod flows, source by source. The comparison walks the sources itself so that it
 * can count, rather than list, what an unisolated source reaches (see compare.ts).
 */
export interface PodFlows {
  /** Every flow from workload `a`, in the order `eachFlow` yields them. */
  from(a: number): Generator<Flow>;
  /** True when no policy isolates workload `i` for egress: it reaches every pod its ingress admits. */
  egressOpen(i: number): boolean;
  /** True when no policy isolates workload `i` for ingress: every pod may reach it. */
  ingressOpen(i: number): boolean;
  /** The flow from an egress-open source `a` to `b` (a ≠ b), or undefined when none is allowed. */
  openFlow(a: number, b: number): Flow | undefined;
  /**
   * What each side alone allows from `a` to `b`: `a`'s egress rules and `b`'s ingress rules
   * (every connection on a side nothing isolates). A flow is both; a side that allows more than
   * the flow is held back only by the other.
   */
  sides(a: number, b: number): { egress: ConnSet; ingress: ConnSet };
  /**
   * Every `b` for which `sides(a, b)` may allow something, or undefined when that is every
   * workload (`a`'s egress is open or has a rule without peers). A pair outside it allows
   * nothing either way, so a walk over pairs can skip it.
   */
  sideTargets(a: number): ReadonlySet<number> | undefined;
}

const podFlowsOf = new WeakMap<Connectivity, PodFlows>();

/** The pod flows of a connectivity computed by `analyzeModel`, source by source. */
export function podFlowsOfConnectivity(connectivity: Connectivity): PodFlows | undefined {
  return podFlowsOf.get(connectivity);
}

function podFlowsBy(
  workloads: readonly Workload[],
  endpoints: readonly Endpoint[],
  iso: Isolation,
): PodFlows {
  const n = workloads.length;
  const ids = policyIds(iso);
  const ingressCache = new Map<string, Reach>();
  const egressCache = new Map<string, Reach>();
  // Ingress rules resolve named ports against the destination itself; egress rules against each peer.
  const ingress = workloads.map((w, b) =>
    iso.ingressPolicies[b]!.length
      ? cached(ingressCache, groupKey(iso.ingressSources[b]!, ids, w), () =>
          reachOf(iso.ingressOf[b]!, () => w, w),
        )
      : undefined,
  );
  const egressOf = (a: number) =>
    iso.egressPolicies[a]!.length
      ? cached(egressCache, groupKey(iso.egressSources[a]!, ids), () =>
          reachOf(iso.egressOf[a]!, (b) => workloads[b], undefined),
        )
      : undefined;
  let lastSource: { a: number; egress: Reach | undefined } | undefined;
  let admitters: Admitters | undefined;
  function* from(a: number): Generator<Flow> {
    const egress = egressOf(a);
    const toEveryone = iso.egressOf[a]!.some((r) => r.everyone);
    const candidates = egress && !toEveryone ? egress.peers.keys() : range(n);
    for (const b of candidates) {
      if (a === b) continue;
      const out = egress ? egressTo(egress, iso.egressOf[a]!, b, workloads[b]!) : ALL_CONNS;
      if (isEmpty(out)) continue;
      const into = ingress[b] ? reachTo(ingress[b]!, a) : ALL_CONNS;
      const conns = intersectFast(out, into);
      if (!isEmpty(conns)) yield { from: endpoints[a]!, to: endpoints[b]!, conns };
    }
  }
  return {
    from,
    egressOpen: (i) => iso.egressPolicies[i]!.length === 0,
    ingressOpen: (i) => ingress[i] === undefined,
    openFlow(a, b) {
      const conns = ingress[b] ? reachTo(ingress[b]!, a) : ALL_CONNS;
      return isEmpty(conns) ? undefined : { from: endpoints[a]!, to: endpoints[b]!, conns };
    },
    sides(a, b) {
      // Asked pair by pair, source by source: the source's reach is looked up once.
      if (lastSource?.a !== a) lastSource = { a, egress: egressOf(a) };
      const { egress } = lastSource;
      return {
        egress: egress ? egressTo(egress, iso.egressOf[a]!, b, workloads[b]!) : ALL_CONNS,
        ingress: ingress[b] ? reachTo(ingress[b]!, a) : ALL_CONNS,
      };
    },
    sideTargets(a) {
      const egress = egressOf(a);
      if (!egress || iso.egressOf[a]!.some((r) => r.everyone)) return undefined;
      admitters ??= admittersOf(ingress);
      return new Set([
        ...egress.peers.keys(),
        ...(admitters.bySource.get(a) ?? []),
        ...admitters.ofEveryone,
      ]);
    },
  };
}

/** Destinations by the sources their ingress names, and those that admit every source. */
interface Admitters {
  bySource: Map<number, number[]>;
  ofEveryone: number[];
}

function admittersOf(ingress: readonly (Reach | undefined)[]): Admitters {
  const bySource = new Map<number, number[]>();
  const ofEveryone: number[] = [];
  for (const [b, reach] of ingress.entries()) {
    if (!reach || !isEmpty(reach.everyone)) {
      ofEveryone.push(b);
      continue;
    }
    for (const source of reach.peers.keys()) {
      const destinations = bySource.get(source);
      if (destinations) destinations.push(b);
      else bySource.set(source, [b]);
    }
  }
  return { bySource, ofEveryone };
}

/** Egress to one pod: rules without peers resolve named ports against that pod. */
function egressTo(reach: Reach, rules: readonly CompiledRule[], b: number, dst: Workload): ConnSet {
  let conns = reach.peers.get(b) ?? NO_CONNS;
  for (const rule of rules) if (rule.everyone) conns = union(conns, connsFor(rule, dst));
  return conns;
}

function policyIds(iso: Isolation): Map<Policy, number> {
  const ids = new Map<Policy, number>();
  for (const list of [...iso.ingressSources, ...iso.egressSources]) {
    for (const policy of list) if (!ids.has(policy)) ids.set(policy, ids.size);
  }
  return ids;
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function* externalFlows(
  workloads: readonly Workload[],
  endpoints: readonly Endpoint[],
  iso: Isolation,
  ingressRanges: readonly IpInterval[],
  egressRanges: readonly IpInterval[],
): Generator<Flow> {
  const ids = policyIds(iso);
  const inCache = new Map<string, ConnSet[]>();
  const outCache = new Map<string, ConnSet[]>();
  const sources = ingressRanges.map((r): Endpoint => ({ kind: "external", range: r }));
  const destinations = egressRanges.map((r): Endpoint => ({ kind: "external", range: r }));
  for (const [i, w] of workloads.entries()) {
    const inbound = iso.ingressPolicies[i]!.length
      ? cached(inCache, groupKey(iso.ingressSources[i]!, ids, w), () =>
          perRange(iso.ingressOf[i]!, ingressRanges, w),
        )
      : undefined;
    for (const [k, source] of sources.entries()) {
      const conns = inbound ? inbound[k]! : ALL_CONNS;
      if (!isEmpty(conns)) yield { from: source, to: endpoints[i]!, conns };
    }
    const outbound = iso.egressPolicies[i]!.length
      ? cached(outCache, groupKey(iso.egressSources[i]!, ids), () =>
          perRange(iso.egressOf[i]!, egressRanges, undefined),
        )
      : undefined;
    for (const [k, destination] of destinations.entries()) {
      const conns = outbound ? outbound[k]! : ALL_CONNS;
      if (!isEmpty(conns)) yield { from: endpoints[i]!, to: destination, conns };
    }
  }
}

/** The connections each atom range gets from the rules: rules without peers reach all of them. */
function perRange(
  rules: readonly CompiledRule[],
  ranges: readonly IpInterval[],
  dst: Workload | undefined,
): ConnSet[] {
  const result: ConnSet[] = ranges.map(() => NO_CONNS);
  for (const rule of rules) {
    if (!rule.everyone && rule.ips.length === 0) continue;
    const conns = connsFor(rule, dst);
    if (isEmpty(conns)) continue;
    if (rule.everyone) {
      for (let k = 0; k < ranges.length; k++) result[k] = union(result[k]!, conns);
      continue;
    }
    for (const [lo, hi] of rule.ips) {
      for (let k = firstAtOrAfter(ranges, lo); k < ranges.length && ranges[k]![1] <= hi; k++) {
        result[k] = union(result[k]!, conns);
      }
    }
  }
  return result;
}

/** Index of the first range starting at or after `start` (ranges are sorted and contiguous). */
function firstAtOrAfter(ranges: readonly IpInterval[], start: bigint): number {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (ranges[mid]![0] < start) low = mid + 1;
    else high = mid;
  }
  return low;
}
