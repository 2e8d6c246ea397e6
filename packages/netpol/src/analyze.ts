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
import { buildModel, type Model, type Policy, type PolicyRule, type PortSpec, type Workload } from "./model.js";

/** One end of a flow: a workload of the bundle, or a range of addresses outside the cluster. */
export type Endpoint = { kind: "workload"; workload: Workload } | { kind: "external"; range: IpInterval };

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
  /** The external address ranges on which every policy is uniform. */
  externalRanges: IpInterval[];
  /** Every allowed flow (non-empty connections), workloads to themselves excluded. */
  flows: Flow[];
  isolatedFor(workload: Workload, direction: "ingress" | "egress"): Policy[];
  /** What the source's egress and the destination's ingress each allow (ALL_CONNS when not isolated). */
  sides(from: Endpoint, to: Endpoint): { egress: ConnSet; ingress: ConnSet };
  /** The rules that admit traffic from `from` to `to` on the destination's ingress and the source's egress side. */
  admittingRules(from: Endpoint, to: Endpoint): { ingress: RuleRef[]; egress: RuleRef[] };
}

export function endpointId(endpoint: Endpoint): string {
  return endpoint.kind === "workload" ? endpoint.workload.id : formatInterval(endpoint.range);
}

interface CompiledRule {
  ref: RuleRef;
  everyone: boolean;
  pods: Uint8Array;
  ips: IpSet;
  /** Connections when no named port needs the destination; undefined when it does. */
  fixedConns: ConnSet | undefined;
}

/** Computes who may talk to whom under Kubernetes NetworkPolicy semantics. */
export function analyze(bundle: Bundle): Connectivity {
  return analyzeModel(buildModel(bundle));
}

export function analyzeModel(model: Model): Connectivity {
  const { workloads, policies } = model;
  const index = new Map(workloads.map((w, i) => [w, i]));
  const ingressOf: CompiledRule[][] = workloads.map(() => []);
  const egressOf: CompiledRule[][] = workloads.map(() => []);
  const ingressPolicies: Policy[][] = workloads.map(() => []);
  const egressPolicies: Policy[][] = workloads.map(() => []);
  const ipSets: IpSet[] = [];

  for (const policy of policies) {
    const selected = workloads
      .map((w, i) => (w.namespace === policy.namespace && policy.selects(w.labels) ? i : -1))
      .filter((i) => i >= 0);
    if (selected.length === 0) continue;
    const compile = (rule: PolicyRule) => compileRule(model, policy, rule);
    if (policy.isolatesIngress) {
      const rules = policy.ingress.map(compile);
      for (const rule of rules) ipSets.push(rule.ips);
      for (const i of selected) {
        ingressPolicies[i]!.push(policy);
        ingressOf[i]!.push(...rules);
      }
    }
    if (policy.isolatesEgress) {
      const rules = policy.egress.map(compile);
      for (const rule of rules) ipSets.push(rule.ips);
      for (const i of selected) {
        egressPolicies[i]!.push(policy);
        egressOf[i]!.push(...rules);
      }
    }
  }
  const externalRanges = atoms(ipSets);

  const allowedPodToPod = (a: number, b: number): ConnSet => {
    const egress = egressPolicies[a]!.length ? side(egressOf[a]!, (r) => r.everyone || r.pods[b] === 1, workloads[b]) : ALL_CONNS;
    if (isEmpty(egress)) return NO_CONNS;
    const ingress = ingressPolicies[b]!.length ? side(ingressOf[b]!, (r) => r.everyone || r.pods[a] === 1, workloads[b]) : ALL_CONNS;
    return intersectFast(egress, ingress);
  };
  const fromExternal = (range: IpInterval, b: number): ConnSet =>
    ingressPolicies[b]!.length ? side(ingressOf[b]!, (r) => r.everyone || containsInterval(r.ips, range), workloads[b]) : ALL_CONNS;
  const toExternal = (a: number, range: IpInterval): ConnSet =>
    egressPolicies[a]!.length ? side(egressOf[a]!, (r) => r.everyone || containsInterval(r.ips, range), undefined) : ALL_CONNS;

  const flows: Flow[] = [];
  const endpoints = workloads.map((workload): Endpoint => ({ kind: "workload", workload }));
  const externals = externalRanges.map((range): Endpoint => ({ kind: "external", range }));
  for (let a = 0; a < workloads.length; a++) {
    for (let b = 0; b < workloads.length; b++) {
      if (a === b) continue;
      const conns = allowedPodToPod(a, b);
      if (!isEmpty(conns)) flows.push({ from: endpoints[a]!, to: endpoints[b]!, conns });
    }
  }
  for (const external of externals) {
    if (external.kind !== "external") continue;
    for (let w = 0; w < workloads.length; w++) {
      const inbound = fromExternal(external.range, w);
      if (!isEmpty(inbound)) flows.push({ from: external, to: endpoints[w]!, conns: inbound });
      const outbound = toExternal(w, external.range);
      if (!isEmpty(outbound)) flows.push({ from: endpoints[w]!, to: external, conns: outbound });
    }
  }

  const admitting = (rules: CompiledRule[], matches: (r: CompiledRule) => boolean, dst: Workload | undefined) =>
    rules.filter((r) => matches(r) && !isEmpty(connsFor(r, dst))).map((r) => r.ref);
  const matcher = (peer: Endpoint) => (r: CompiledRule) =>
    r.everyone ||
    (peer.kind === "workload" ? r.pods[index.get(peer.workload)!] === 1 : containsInterval(r.ips, peer.range));

  return {
    model,
    externalRanges,
    flows,
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
    admittingRules(from, to) {
      const dst = to.kind === "workload" ? to.workload : undefined;
      const ingress = dst ? admitting(ingressOf[index.get(dst)!]!, matcher(from), dst) : [];
      const egress = from.kind === "workload" ? admitting(egressOf[index.get(from.workload)!]!, matcher(to), dst) : [];
      return { ingress, egress };
    },
  };
}

function side(rules: readonly CompiledRule[], matches: (r: CompiledRule) => boolean, dst: Workload | undefined): ConnSet {
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

function compileRule(model: Model, policy: Policy, rule: PolicyRule): CompiledRule {
  const { workloads, namespaceLabels } = model;
  const pods = new Uint8Array(workloads.length);
  const ips: IpInterval[] = [];
  const everyone = rule.peers === "all";
  if (rule.peers !== "all") {
    for (const peer of rule.peers) {
      if (peer.kind === "ip") {
        ips.push(...peer.set);
        continue;
      }
      workloads.forEach((w, i) => {
        const inNamespace =
          peer.namespaces === "own"
            ? w.namespace === policy.namespace
            : peer.namespaces(namespaceLabels.get(w.namespace) ?? {});
        if (inNamespace && peer.pods(w.labels)) pods[i] = 1;
      });
    }
  }
  const named = rule.ports !== "all" && rule.ports.some((p) => typeof p.port === "string");
  const compiled: CompiledRule = { ref: { policy, rule }, everyone, pods, ips, fixedConns: undefined };
  if (!named) compiled.fixedConns = portsConns(rule.ports, undefined);
  return compiled;
}

function connsFor(rule: CompiledRule, dst: Workload | undefined): ConnSet {
  return rule.fixedConns ?? portsConns(rule.ref.rule.ports, dst);
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
  const name = spec.port;
  const match = dst?.ports.find((p) => p.name === name && p.protocol === spec.protocol);
  return match ? connsOf(spec.protocol, match.port) : NO_CONNS;
}
