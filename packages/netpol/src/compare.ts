import { type BundleObject, componentOf, type Settings } from "@scout-deploy/core";
import type { Connectivity, Endpoint, Flow } from "./analyze.js";
import {
  type ConnSet,
  connsOf,
  contains,
  formatConns,
  isEmpty,
  NO_CONNS,
  subtract,
  union,
} from "./conns.js";
import {
  DEFAULT_NETWORK_OPTIONS,
  EXTERNAL,
  type IntendedFlow,
  intendedFlows,
  type NetworkOptions,
} from "./intended.js";
import type { Workload } from "./model.js";

/** Cluster DNS (53/UDP and 53/TCP) is open to every pod (rules.md), so it is never an extra flow. */
export const DNS_CONNS: ConnSet = union(connsOf("UDP", 53), connsOf("TCP", 53));

/** Where a finding about a flow belongs: the policy (rule) to change, or the workload that no policy covers. */
export interface FlowTarget {
  object: BundleObject;
  pointer: string;
  /** "NetworkPolicy scout/backend-ingress", or "a new NetworkPolicy for <workload>" when none isolates it. */
  label: string;
}

export interface FlowDifference {
  kind: "extra" | "missing";
  from: string;
  to: string;
  /** The workload (or "external") ends. */
  source: string;
  destination: string;
  conns: ConnSet;
  target: FlowTarget;
}

/** The connectivity between components (and external), flow by flow. */
export interface ComponentFlow {
  from: string;
  to: string;
  allowed: ConnSet;
  intended: ConnSet;
  status: "intended" | "extra" | "missing" | "partial";
}

export interface FlowComparison {
  components: string[];
  flows: ComponentFlow[];
  differences: FlowDifference[];
}

interface Identified {
  endpoint: Endpoint;
  component: string;
}

/**
 * Compares the allowed flows between identified components (and external) with the intended
 * table: each extra flow between two workloads, each intended flow that is not allowed.
 */
export function compareWithIntended(
  connectivity: Connectivity,
  settings: Settings,
  options: NetworkOptions = DEFAULT_NETWORK_OPTIONS,
): FlowComparison {
  const intended = intendedFlows(options);
  const componentByWorkload = new Map<Workload, string>();
  for (const w of connectivity.model.workloads) {
    const component = componentOf(w.object, settings);
    if (component) componentByWorkload.set(w, component);
  }
  const identify = (endpoint: Endpoint): Identified | undefined => {
    if (endpoint.kind === "external") return { endpoint, component: EXTERNAL };
    const component = componentByWorkload.get(endpoint.workload);
    return component ? { endpoint, component } : undefined;
  };
  const intendedConns = intendedIndex(intended);
  const allowed = new Map<string, ConnSet>();
  const extraByPair = new Map<
    string,
    { from: Identified; to: Identified; conns: ConnSet; flow: Flow }
  >();
  const extrasPerComponents = new Map<string, number>();
  const overflow = new Map<
    string,
    { from: Identified; to: Identified; conns: ConnSet; flow: Flow; count: number }
  >();
  for (const flow of connectivity.eachFlow()) {
    const from = identify(flow.from);
    const to = identify(flow.to);
    if (!from || !to) continue;
    const pair = `${from.component}\u0000${to.component}`;
    allowed.set(pair, union(allowed.get(pair) ?? NO_CONNS, flow.conns));
    const extra = extraConns(flow, to.component, intendedConns.get(pair) ?? NO_CONNS);
    if (isEmpty(extra)) continue;
    const key = `${endpointKey(flow.from)}\u0000${endpointKey(flow.to)}`;
    const seen = extraByPair.get(key);
    if (!seen && (extrasPerComponents.get(pair) ?? 0) >= MAX_EXTRA_PAIRS_PER_COMPONENTS) {
      const more = overflow.get(pair);
      overflow.set(pair, {
        from,
        to,
        conns: more ? union(more.conns, extra) : extra,
        flow: more?.flow ?? flow,
        count: (more?.count ?? 0) + 1,
      });
      continue;
    }
    if (!seen) extrasPerComponents.set(pair, (extrasPerComponents.get(pair) ?? 0) + 1);
    extraByPair.set(key, {
      from,
      to,
      conns: seen ? union(seen.conns, extra) : extra,
      flow: seen?.flow ?? flow,
    });
  }

  const differences: FlowDifference[] = [];
  for (const { from, to, conns, flow } of extraByPair.values()) {
    differences.push({
      kind: "extra",
      from: from.component,
      to: to.component,
      source: endpointName(from.endpoint),
      destination: endpointName(to.endpoint),
      conns,
      target: extraTarget(connectivity, flow),
    });
  }
  for (const { from, to, conns, flow, count } of overflow.values()) {
    differences.push({
      kind: "extra",
      from: from.component,
      to: to.component,
      source: `${count} more ${from.component} workload(s), like ${endpointName(flow.from)}`,
      destination: `${to.component}, like ${endpointName(flow.to)}`,
      conns,
      target: extraTarget(connectivity, flow),
    });
  }
  for (const missing of missingFlows(connectivity, intended, componentByWorkload))
    differences.push(missing);

  const present = new Set(componentByWorkload.values());
  const components = [...settings.components.filter((c) => present.has(c)), EXTERNAL];
  return { components, flows: componentFlows(allowed, intendedConns, present), differences };
}

/**
 * Extra flows are reported per pair of workloads, up to this many for one pair of components;
 * the rest of that pair is one difference that counts them. Without a bound, n workloads of one
 * component and no policy are n² findings.
 */
export const MAX_EXTRA_PAIRS_PER_COMPONENTS = 100;

function intendedIndex(intended: readonly IntendedFlow[]): Map<string, ConnSet> {
  const index = new Map<string, ConnSet>();
  for (const f of intended) {
    const pair = `${f.from}\u0000${f.to}`;
    index.set(pair, union(index.get(pair) ?? NO_CONNS, connsOf(f.protocol, f.port)));
  }
  return index;
}

function extraConns(flow: Flow, toComponent: string, intended: ConnSet): ConnSet {
  const extra = subtract(flow.conns, intended);
  return toComponent === EXTERNAL ? subtract(extra, DNS_CONNS) : extra;
}

function endpointKey(endpoint: Endpoint): string {
  return endpoint.kind === "workload" ? endpoint.workload.id : EXTERNAL;
}

export function endpointName(endpoint: Endpoint): string {
  return endpoint.kind === "workload"
    ? `${endpoint.workload.namespace}/${endpoint.workload.name}`
    : EXTERNAL;
}

function extraTarget(connectivity: Connectivity, flow: Flow): FlowTarget {
  const { ingress, egress } = connectivity.admittingRules(flow.from, flow.to);
  const rule = ingress[0] ?? egress[0];
  if (rule) return policyTarget(rule.policy.object, rule.rule.pointer);
  // Neither side is isolated: the policy to add selects the destination (or the source, for external).
  const workload =
    flow.to.kind === "workload" ? flow.to.workload : (flow.from as { workload: Workload }).workload;
  return workloadTarget(workload);
}

function policyTarget(object: BundleObject, pointer: string): FlowTarget {
  return {
    object,
    pointer,
    label: `NetworkPolicy ${object.ref.namespace ?? "default"}/${object.ref.name}`,
  };
}

function workloadTarget(workload: Workload): FlowTarget {
  return {
    object: workload.object,
    pointer: workload.template.metadataPointer,
    label: `a new NetworkPolicy for ${workload.kind} ${workload.namespace}/${workload.name} (none isolates it)`,
  };
}

function missingFlows(
  connectivity: Connectivity,
  intended: readonly IntendedFlow[],
  components: ReadonlyMap<Workload, string>,
): FlowDifference[] {
  const workloadsOf = (component: string): Endpoint[] =>
    component === EXTERNAL
      ? []
      : [...components]
          .filter(([, c]) => c === component)
          .map(([workload]) => ({ kind: "workload", workload }));
  const differences: FlowDifference[] = [];
  for (const flow of intended) {
    const port = connsOf(flow.protocol, flow.port);
    // External access to nginx is allowed, not required: the guide makes it configurable, and
    // traffic may come in through an in-cluster ingress controller instead.
    if (flow.from === EXTERNAL) continue;
    for (const from of workloadsOf(flow.from)) {
      for (const to of workloadsOf(flow.to)) {
        if (
          from === to ||
          (from.kind === "workload" && to.kind === "workload" && from.workload === to.workload)
        )
          continue;
        const sides = connectivity.sides(from, to);
        const blocked = (
          [
            ["egress", sides.egress, from],
            ["ingress", sides.ingress, to],
          ] as const
        ).filter(([, conns]) => !contains(conns, flow.protocol, flow.port));
        for (const [direction, , end] of blocked) {
          differences.push({
            kind: "missing",
            from: flow.from,
            to: flow.to,
            source: endpointName(from),
            destination: endpointName(to),
            conns: port,
            target: blockingTarget(connectivity, end, direction),
          });
        }
      }
    }
  }
  return differences;
}

function blockingTarget(
  connectivity: Connectivity,
  end: Endpoint,
  direction: "ingress" | "egress",
): FlowTarget {
  const workload = (end as { workload: Workload }).workload;
  const policies = connectivity.isolatedFor(workload, direction);
  // The policy written for this workload is the one to extend, rather than a namespace-wide one.
  const withRules =
    policies.find((p) => !p.selectsAll && p[direction].length > 0) ??
    policies.find((p) => p[direction].length > 0) ??
    policies[0];
  if (!withRules) return workloadTarget(workload);
  const pointer = withRules[direction].length > 0 ? `/spec/${direction}` : "/spec";
  return policyTarget(withRules.object, pointer);
}

function componentFlows(
  allowed: ReadonlyMap<string, ConnSet>,
  intended: ReadonlyMap<string, ConnSet>,
  present: ReadonlySet<string>,
): ComponentFlow[] {
  const pairs = new Set([...allowed.keys(), ...intended.keys()]);
  const isPresent = (c: string) => c === EXTERNAL || present.has(c);
  const flows: ComponentFlow[] = [];
  for (const pair of [...pairs].sort()) {
    const [from = "", to = ""] = pair.split("\u0000");
    if (!isPresent(from) || !isPresent(to)) continue;
    const allowedConns = allowed.get(pair) ?? NO_CONNS;
    const intendedConns = intended.get(pair) ?? NO_CONNS;
    const extra = subtract(
      to === EXTERNAL ? subtract(allowedConns, DNS_CONNS) : allowedConns,
      intendedConns,
    );
    const missing = subtract(intendedConns, allowedConns);
    if (isEmpty(extra) && isEmpty(missing) && isEmpty(intendedConns)) continue;
    const status = !isEmpty(extra)
      ? "extra"
      : isEmpty(missing)
        ? "intended"
        : isEmpty(subtract(intendedConns, missing))
          ? "missing"
          : "partial";
    flows.push({ from, to, allowed: allowedConns, intended: intendedConns, status });
  }
  return flows;
}

export function describeDifference(d: FlowDifference): string {
  const verb = d.kind === "extra" ? "is allowed but not intended" : "is intended but not allowed";
  return `${d.source} -> ${d.destination} on ${formatConns(d.conns)} ${verb}; change: ${d.target.label}`;
}
