import {
  type BundleObject,
  type ComponentSettings,
  componentOf,
  getAtPointer,
  INSTANCE_LABEL,
  type Instance,
  InstanceIndex,
  instanceOf,
  isRecord,
  sameInstance,
  specPointerOf,
} from "@scout-deploy/core";
import {
  type Connectivity,
  type Endpoint,
  externalFlowsOfConnectivity,
  type Flow,
  type PodFlows,
  podFlowsOfConnectivity,
  portsConns,
  type RuleRef,
} from "./analyze.js";
import {
  ALL_CONNS,
  type ConnSet,
  connsOf,
  contains,
  describePorts,
  formatConns,
  intersect,
  isEmpty,
  NO_CONNS,
  subtract,
  union,
} from "./conns.js";
import {
  DNS_CONNS,
  type DnsOptions,
  describeDns,
  dnsConnsReached,
  isClusterDnsPeer,
  lostDnsPortPointer,
  mayBeDns,
} from "./dns.js";
import {
  DEFAULT_NETWORK_OPTIONS,
  EXTERNAL,
  type IntendedFlow,
  intendedFlows,
  type NetworkOptions,
  reachedComponents,
} from "./intended.js";
import {
  appliedRules,
  NAMESPACE_NAME_LABEL,
  namespaceMatch,
  type Policy,
  type PolicyRule,
  peerSelects,
  policySelects,
  portEntryPointer,
  selectable,
  type Workload,
  workloadName,
} from "./model.js";
import { UNKNOWN_LABEL_REASONS } from "./pods.js";
import { failedRequirements, type Uncertain } from "./selector.js";

/** Where a finding about a flow belongs: the policy (rule) to change, or the workload that no policy covers. */
export interface FlowTarget {
  object: BundleObject;
  pointer: string;
  /** "NetworkPolicy scout/backend-ingress", or "a new NetworkPolicy for <workload>" when none isolates it. */
  label: string;
  /**
   * The policy rule admits the flow only if a label the input leaves open allows: the selector
   * requirement (the target's pointer) compares `key`, whose value no manifest can know, or a
   * label of `namespace`, which has no Namespace object in the input.
   */
  uncertain?: { key: string; reason: string; namespace?: string };
  /**
   * The policy written for the blocking workload is one the API server refuses (a quoted port
   * number, a bad peer): its refusal, at the pointer, is the cause of the blocked flows.
   */
  refused?: boolean;
}

export interface FlowDifference {
  /** "dns": a workload that talks to Services by name may not reach the cluster's DNS. */
  kind: "extra" | "missing" | "dns";
  from: string;
  to: string;
  /** The workload (or "external") ends. */
  source: string;
  destination: string;
  conns: ConnSet;
  target: FlowTarget;
  /** For "dns": the target is the namespace-wide DNS rule every client of the namespace shares. */
  sharedRule?: boolean;
  /** The Scout instance(s) of the flow's workloads: "instance staging", "between instances a and b". */
  instance?: string;
  /** For a missing flow: the rule to add to the target, e.g. "egress rule {to: [...], ports: [...]}". */
  fix?: string;
  /**
   * For a missing flow: the blocked side's peer runs on the node's network, whose address no
   * podSelector matches; the target is its `hostNetwork` field and no rule would help.
   */
  onHostNetwork?: boolean;
}

/** The connectivity between components (and external), flow by flow. */
export interface ComponentFlow {
  from: string;
  to: string;
  allowed: ConnSet;
  /**
   * What of `allowed` holds only for some values of labels the input leaves open (a namespace
   * without a Namespace object, a label only the cluster sets): may flow, may not.
   */
  maybe: ConnSet;
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
  /** The Scout deployment of a workload; none for the outside. */
  instance?: Instance;
  /** A client shared by every instance (a Prometheus in a monitoring namespace of its own). */
  shared?: boolean;
}

/**
 * Compares the allowed flows between identified components (and external) with the intended
 * table: each extra flow between two workloads, each intended flow that is not allowed. The
 * table holds within one Scout instance: a flow between two instances is intended by nothing.
 */
export function compareWithIntended(
  connectivity: Connectivity,
  settings: ComponentSettings,
  options: NetworkOptions = DEFAULT_NETWORK_OPTIONS,
): FlowComparison {
  const intended = intendedFlows(options);
  const identified = new Map<Workload, Identified>();
  for (const workload of connectivity.model.workloads) {
    const component = componentOf(workload.object, settings);
    if (!component) continue;
    const endpoint: Endpoint = { kind: "workload", workload };
    identified.set(workload, { endpoint, component, instance: instanceOf(workload.object) });
  }
  markSharedClients(identified.values(), intended);
  const identify = (endpoint: Endpoint): Identified | undefined =>
    endpoint.kind === "external"
      ? { endpoint, component: EXTERNAL }
      : identified.get(endpoint.workload);
  const intendedConns = intendedIndex(intended);
  const allowed = new Map<string, ConnSet>();
  const acrossInstances = new Map<string, ConnSet>();
  // What flows whatever the labels the input leaves open; asked only when it names such a label.
  const sure = new Map<string, ConnSet>();
  const { model } = connectivity;
  const labelsOpen = model.namesOpenNamespaceLabels || model.namesUnknownLabels;
  const addSure = (pair: string, conns: ConnSet) =>
    sure.set(pair, union(sure.get(pair) ?? NO_CONNS, conns));
  const extras = new ExtraFlows();
  const totalsFor = (within: boolean) => (within ? allowed : acrossInstances);
  const consider = (flow: Flow, order: number) => {
    const from = identify(flow.from);
    const to = identify(flow.to);
    if (!from || !to) return;
    const pair = `${from.component}\u0000${to.component}`;
    const within = withinOneInstance(from, to);
    const totals = totalsFor(within);
    totals.set(pair, union(totals.get(pair) ?? NO_CONNS, flow.conns));
    addSure(pair, labelsOpen ? sureConns(connectivity, flow) : flow.conns);
    const extra = extraConns(
      flow,
      to.component,
      within ? (intendedConns.get(pair) ?? NO_CONNS) : NO_CONNS,
    );
    if (!isEmpty(extra)) extras.add(from, to, extra, flow, within, order);
  };
  const pods = podFlowsOfConnectivity(connectivity);
  if (pods) {
    const workloads = connectivity.model.workloads;
    const stride = workloads.length + 1;
    const destinations = new Destinations(workloads, identified, pods);
    for (let a = 0; a < workloads.length; a++) {
      const from = identified.get(workloads[a]!);
      if (!from) continue;
      if (!pods.egressOpen(a)) {
        let position = 0;
        for (const flow of pods.from(a)) consider(flow, a * stride + position++);
        continue;
      }
      for (const component of destinations.components()) {
        const pair = `${from.component}\u0000${component}`;
        for (const within of [true, false]) {
          const members = destinations.members(from.instance!, component, within, from.shared);
          const extra = subtract(
            ALL_CONNS,
            within ? (intendedConns.get(pair) ?? NO_CONNS) : NO_CONNS,
          );
          const group = groupOf(from, component, within);
          // Once a group lists its pairs in full, an open destination only adds to its count.
          if (isEmpty(extra) || extras.saturated(group)) {
            const open =
              members.open() -
              (component === from.component && within && pods.ingressOpen(a) ? 1 : 0);
            if (open > 0) {
              const totals = totalsFor(within);
              totals.set(pair, union(totals.get(pair) ?? NO_CONNS, ALL_CONNS));
              addSure(pair, ALL_CONNS);
              if (!isEmpty(extra)) extras.count(group, extra, open);
            }
            for (const b of members.isolated()) {
              const flow = b === a ? undefined : pods.openFlow(a, b);
              if (flow) consider(flow, a * stride + b);
            }
            continue;
          }
          const all = members.all();
          for (let k = 0; k < all.length; k++) {
            const b = all[k]!;
            const flow = b === a ? undefined : pods.openFlow(a, b);
            if (flow) consider(flow, a * stride + b);
            if (isEmpty(extra) || !extras.saturated(group)) continue;
            // Full now: the open destinations left only add to its count, as above.
            const rest = all.slice(k + 1).filter((i) => i !== a);
            const open = rest.filter((i) => pods.ingressOpen(i)).length;
            if (open > 0) {
              const totals = totalsFor(within);
              totals.set(pair, union(totals.get(pair) ?? NO_CONNS, ALL_CONNS));
              addSure(pair, ALL_CONNS);
              extras.count(group, extra, open);
            }
            for (const i of rest) {
              const restFlow = pods.ingressOpen(i) ? undefined : pods.openFlow(a, i);
              if (restFlow) consider(restFlow, a * stride + i);
            }
            break;
          }
        }
      }
    }
    let position = workloads.length * stride;
    for (const flow of externalFlowsOfConnectivity(connectivity)) consider(flow, position++);
  } else {
    let position = 0;
    for (const flow of connectivity.eachFlow()) consider(flow, position++);
  }

  // Concatenated, not spread into push: a thousand workloads miss more flows than a call's arguments may hold.
  const differences = extras
    .differences(connectivity)
    .concat(missingFlows(connectivity, intended, [...identified.values()], settings, options.dns));

  const present = new Set([...identified.values()].map((i) => i.component));
  const components = [...settings.components.filter((c) => present.has(c)), EXTERNAL];
  return {
    components,
    flows: componentFlows(allowed, acrossInstances, sure, intendedConns, present),
    differences,
  };
}

/**
 * A namespace whose only components are ones that no other component is meant to reach
 * (Prometheus; nginx, reached from outside only) is a shared service such as a `monitoring` or
 * an ingress namespace: it serves every instance, so its intended flows into any instance are
 * intended (the guide's Prometheus -> Backend across namespaces, through a namespaceSelector and
 * a podSelector).
 */
function markSharedClients(ends: Iterable<Identified>, intended: readonly IntendedFlow[]): void {
  const reached = reachedComponents(intended);
  const byNamespace = new Map<string, Identified[]>();
  for (const end of ends) {
    const namespace = end.instance!.namespace;
    const members = byNamespace.get(namespace);
    if (members) members.push(end);
    else byNamespace.set(namespace, [end]);
  }
  for (const members of byNamespace.values()) {
    if (members.every((end) => !reached.has(end.component)))
      for (const end of members) end.shared = true;
  }
}

/** Two ends of one deployment: the outside and a shared client belong to every instance. */
function withinOneInstance(a: Identified, b: Identified): boolean {
  return !a.instance || !b.instance || a.shared || b.shared || sameInstance(a.instance, b.instance);
}

function instanceNote(a: Identified, b: Identified): string | undefined {
  if (!withinOneInstance(a, b))
    return `between instances ${a.instance!.name} and ${b.instance!.name}`;
  // Within one instance, the labelled end names it more precisely than an unlabelled one, and
  // a deployment's own end more than a shared client.
  const ends = [a, b].filter((end) => end.instance && !end.shared);
  const own = ends.length > 0 ? ends : [a, b];
  const named =
    own.find((end) => end.instance?.label)?.instance ?? own.find((end) => end.instance)?.instance;
  return named ? `instance ${named.name}` : undefined;
}

interface ExtraEntry {
  from: Identified;
  to: Identified;
  conns: ConnSet;
  flow: Flow;
  count: number;
  /** Where `eachFlow` yields the flow: differences keep that order. */
  order: number;
}

/** The group of a flow's extra pairs: its components, within one instance or across instances. */
function groupOf(from: Identified, toComponent: string, within: boolean, to?: Identified): string {
  const components = `${from.component}\u0000${toComponent}`;
  return within
    ? `${(from.instance ?? to?.instance)?.name ?? ""}\u0000${components}`
    : `\u0001${components}`;
}

const byOrder = (a: ExtraEntry, b: ExtraEntry) => a.order - b.order;

/**
 * Extra flows, one per pair of workloads, up to MAX_EXTRA_PAIRS_PER_COMPONENTS for one pair of
 * components within one instance (or across instances, all together); the rest of that pair is
 * one difference that counts them.
 */
class ExtraFlows {
  private readonly byPair = new Map<string, ExtraEntry>();
  private readonly perGroup = new Map<string, number>();
  private readonly overflow = new Map<string, ExtraEntry>();

  add(
    from: Identified,
    to: Identified,
    extra: ConnSet,
    flow: Flow,
    within: boolean,
    order: number,
  ): void {
    const group = groupOf(from, to.component, within, to);
    const key = `${endpointKey(flow.from)}\u0000${endpointKey(flow.to)}`;
    const seen = this.byPair.get(key);
    if (seen) {
      seen.conns = union(seen.conns, extra);
      return;
    }
    if ((this.perGroup.get(group) ?? 0) < MAX_EXTRA_PAIRS_PER_COMPONENTS) {
      this.perGroup.set(group, (this.perGroup.get(group) ?? 0) + 1);
      this.byPair.set(key, { from, to, conns: extra, flow, count: 1, order });
      return;
    }
    const more = this.overflow.get(group);
    if (more) {
      more.conns = union(more.conns, extra);
      more.count++;
    } else this.overflow.set(group, { from, to, conns: extra, flow, count: 1, order });
  }

  /** True when the group's further pairs are only counted. */
  saturated(group: string): boolean {
    return this.overflow.has(group);
  }

  /** Counts `count` more pairs of a saturated group. */
  count(group: string, extra: ConnSet, count: number): void {
    const more = this.overflow.get(group)!;
    more.conns = union(more.conns, extra);
    more.count += count;
  }

  differences(connectivity: Connectivity): FlowDifference[] {
    const result: FlowDifference[] = [];
    for (const { from, to, conns, flow } of [...this.byPair.values()].sort(byOrder)) {
      result.push({
        kind: "extra",
        from: from.component,
        to: to.component,
        source: endpointName(from.endpoint),
        destination: endpointName(to.endpoint),
        conns,
        target: extraTarget(connectivity, flow, conns),
        ...noteOf(from, to),
      });
    }
    for (const { from, to, conns, flow, count } of [...this.overflow.values()].sort(byOrder)) {
      result.push({
        kind: "extra",
        from: from.component,
        to: to.component,
        source: `${count} more ${from.component} workload(s), like ${endpointName(flow.from)}`,
        destination: `${to.component}, like ${endpointName(flow.to)}`,
        conns,
        target: extraTarget(connectivity, flow, conns),
        ...noteOf(from, to),
      });
    }
    return result;
  }
}

function noteOf(a: Identified, b: Identified): Pick<FlowDifference, "instance"> {
  const note = instanceNote(a, b);
  return note ? { instance: note } : {};
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
    ? `${endpoint.workload.namespace}/${workloadName(endpoint.workload)}`
    : EXTERNAL;
}

/**
 * The policy rule that opens the extra connections: a rule that admits the pair only on intended
 * ports is not their cause (allow-frontend's TCP 3000 from nginx is not what opens every other
 * port when an allow-all rule sits beside it).
 */
function extraTarget(connectivity: Connectivity, flow: Flow, extra: ConnSet): FlowTarget {
  const { ingress, egress } = connectivity.admittingRules(flow.from, flow.to);
  const destination = flow.to.kind === "workload" ? flow.to.workload : undefined;
  const opens = (ref: RuleRef) =>
    !isEmpty(intersect(portsConns(ref.rule.ports, destination), extra));
  const doubt = (ref: RuleRef) => admissionDoubt(connectivity, ref, flow);
  // A side whose every rule that opens the extra ports is in doubt makes the whole flow one we
  // cannot rule out.
  for (const side of [ingress, egress]) {
    const opening = side.filter(opens);
    if (opening.length === 0 || opening.some((ref) => !doubt(ref))) continue;
    return doubtfulTarget(opening[0]!, doubt(opening[0]!)!);
  }
  const certain = (ref: RuleRef) => opens(ref) && !doubt(ref);
  const rule =
    ingress.find(certain) ??
    egress.find(certain) ??
    ingress.find(opens) ??
    egress.find(opens) ??
    ingress[0] ??
    egress[0];
  if (rule) return policyTarget(rule.policy, rule.rule.pointer);
  // Neither side is isolated: the policy to add selects the destination (or the source, for external).
  const workload =
    flow.to.kind === "workload" ? flow.to.workload : (flow.from as { workload: Workload }).workload;
  return workloadTarget(workload);
}

/**
 * Why a rule admits a flow only perhaps: its policy's podSelector, or every peer of it that
 * names the other end, compares a label whose value only the cluster sets (the first such
 * requirement, as a pointer into the policy).
 */
function admissionDoubt(
  connectivity: Connectivity,
  ref: RuleRef,
  flow: Flow,
): Uncertain | undefined {
  const ingress = ref.rule.direction === "ingress";
  const [own, other] = ingress ? [flow.to, flow.from] : [flow.from, flow.to];
  if (own.kind === "workload") {
    const selection = policySelects(ref.policy, own.workload);
    if (typeof selection === "object")
      return { pointer: `/spec/podSelector${selection.pointer}`, key: selection.key };
  }
  if (other.kind !== "workload" || ref.rule.peers === "all") return undefined;
  let doubt: Uncertain | undefined;
  for (const peer of ref.rule.peers) {
    if (peer.kind !== "pods") continue;
    const match = peerSelects(peer, ref.policy, other.workload, connectivity.model);
    if (match === true) return undefined;
    if (typeof match === "object")
      doubt ??= { ...match, pointer: `${peer.pointer}${match.pointer}` };
  }
  return doubt;
}

function doubtfulTarget(ref: RuleRef, doubt: Uncertain): FlowTarget {
  return {
    ...policyTarget(ref.policy, doubt.pointer),
    uncertain: {
      key: doubt.key,
      reason:
        doubt.namespace !== undefined
          ? `no Namespace object for ${doubt.namespace} in the input, so its label ${doubt.key} is unknown`
          : (UNKNOWN_LABEL_REASONS[doubt.key] ?? "only the cluster sets its value"),
      ...(doubt.namespace !== undefined ? { namespace: doubt.namespace } : {}),
    },
  };
}

function policyTarget(policy: Policy, pointer: string): FlowTarget {
  return {
    object: policy.object,
    pointer,
    label: `NetworkPolicy ${policy.namespace}/${policy.object.ref.name}`,
  };
}

function workloadTarget(workload: Workload, why = "none isolates it"): FlowTarget {
  return {
    object: workload.object,
    pointer: workload.template.metadataPointer,
    label: `a new NetworkPolicy for ${workload.kind} ${workload.namespace}/${workloadName(workload)} (${why})`,
  };
}

function hostNetworkTarget(workload: Workload): FlowTarget {
  return {
    object: workload.object,
    pointer: specPointerOf(workload.template, "hostNetwork"),
    label: `${workload.kind} ${workload.namespace}/${workload.name} (hostNetwork: true)`,
  };
}

/** Each intended flow between the workloads of one instance that a policy blocks, per side. */
function missingFlows(
  connectivity: Connectivity,
  intended: readonly IntendedFlow[],
  identified: readonly Identified[],
  settings: ComponentSettings,
  dns: DnsOptions,
): FlowDifference[] {
  const byComponent = new Map<string, InstanceIndex<Identified>>();
  const everyOne = (component: string) => byComponent.get(component)?.all() ?? [];
  for (const end of identified) {
    let index = byComponent.get(end.component);
    if (!index) {
      index = new InstanceIndex();
      byComponent.set(end.component, index);
    }
    index.add(end.instance!, end);
  }
  const differences: FlowDifference[] = [];
  // No policy isolates the end in that direction: every connection is allowed there.
  const open = (end: Identified, direction: "ingress" | "egress") =>
    connectivity.isolatedFor(workloadOf(end.endpoint), direction).length === 0;
  // Each workload that connects to a Service by name, and one Service it connects to.
  const resolving = new Map<Identified, Identified>();
  for (const flow of intended) {
    // External access to nginx is allowed, not required: the guide makes it configurable, and
    // traffic may come in through an in-cluster ingress controller instead.
    if (flow.from === EXTERNAL) continue;
    const destinations = byComponent.get(flow.to);
    if (!destinations) continue;
    // A shared client meets every instance's destinations: where its egress is open, only
    // those that some policy isolates can block it (one list, not one pass per client).
    let isolatedEverywhere: Identified[] | undefined;
    for (const from of identified) {
      if (from.component !== flow.from) continue;
      const egressOpen = open(from, "egress");
      let reachable = from.shared ? everyOne(flow.to) : destinations.with(from.instance!);
      if (from.shared && egressOpen) {
        const first = reachable.find((to) => to !== from);
        if (first && !resolving.has(from)) resolving.set(from, first);
        isolatedEverywhere ??= reachable.filter((to) => !open(to, "ingress"));
        reachable = isolatedEverywhere;
      }
      for (const to of reachable) {
        if (to === from) continue;
        if (!resolving.has(from)) resolving.set(from, to);
        // No policy isolates either side: nothing blocks the flow (a shared Prometheus meets
        // every backend, so this pair test runs for every pair of them).
        if (egressOpen && open(to, "ingress")) continue;
        differences.push(...blockedSides(connectivity, flow, from, to, settings));
      }
    }
  }
  for (const [from, to] of resolving) {
    // Cluster DNS is open to every pod (rules.md), so it is never an extra flow.
    const lost = subtract(DNS_CONNS, dnsConnsReached(connectivity, workloadOf(from.endpoint), dns));
    if (!isEmpty(lost)) differences.push(noDns(connectivity, from, to, dns, lost));
  }
  return differences;
}

/**
 * A client of a Service that may not resolve its name on `lost` (53/UDP, 53/TCP or both): without
 * UDP every connection it makes fails, without TCP those whose answer does not fit a UDP packet.
 */
function noDns(
  connectivity: Connectivity,
  from: Identified,
  to: Identified,
  dns: DnsOptions,
  lost: ConnSet,
): FlowDifference {
  const workload = workloadOf(from.endpoint);
  const shared = namespaceDnsRule(connectivity, workload, dns, lost);
  const labels = Object.entries(dns.podLabels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
  const peers = dns.namespaces.map(
    (ns) =>
      `{namespaceSelector: {matchLabels: {${NAMESPACE_NAME_LABEL}: ${ns}}}, podSelector: {matchLabels: {${labels}}}}`,
  );
  return {
    kind: "dns",
    from: from.component,
    to: to.component,
    source: endpointName(from.endpoint),
    destination: `cluster DNS (${describeDns(dns)})`,
    conns: lost,
    target:
      shared ??
      partialDnsRule(connectivity, workload, dns, lost) ??
      blockingTarget(connectivity, workload, "egress"),
    ...(shared ? { sharedRule: true } : {}),
    fix: `egress rule {to: [${peers.join(", ")}], ports: [${portsYaml(DNS_CONNS)}]}`,
    ...noteOf(from, to),
  };
}

/**
 * The egress rule meant for DNS of a policy that selects every pod of the workload's namespace
 * (only port 53 in it, or only the cluster's DNS pods as its peers): when it misses the cluster's
 * DNS, that one rule is what to fix for every client of the namespace, not each client's own
 * policy; on the field of its ports that lost `lost` (`lostDnsPortPointer`).
 */
function namespaceDnsRule(
  connectivity: Connectivity,
  workload: Workload,
  dns: DnsOptions,
  lost: ConnSet,
): FlowTarget | undefined {
  const { namespaceLabels } = connectivity.model;
  for (const policy of connectivity.model.policies) {
    if (!policy.selectsAll || policy.namespace !== workload.namespace) continue;
    const toDns = (r: PolicyRule) =>
      r.peers !== "all" &&
      r.peers.length > 0 &&
      r.peers.every((peer) => isClusterDnsPeer(peer, policy.namespace, namespaceLabels, dns));
    const rule = appliedRules(policy, "egress").find(
      (r) =>
        r.ports !== "all" &&
        r.ports.length > 0 &&
        (r.ports.every((p) => p.port === 53) || toDns(r)),
    );
    if (rule) return policyTarget(policy, lostDnsPortPointer(rule, lost) ?? rule.pointer);
  }
  return undefined;
}

/**
 * The workload's own egress rule to the cluster's DNS that opens one of 53/UDP and 53/TCP but
 * not the other: its field that lost the other.
 */
function partialDnsRule(
  connectivity: Connectivity,
  workload: Workload,
  dns: DnsOptions,
  lost: ConnSet,
): FlowTarget | undefined {
  const { namespaceLabels } = connectivity.model;
  for (const policy of connectivity.isolatedFor(workload, "egress")) {
    const rule = policy.egress.find(
      (r) =>
        !isEmpty(intersect(portsConns(r.ports, undefined), DNS_CONNS)) &&
        mayBeDns(r.peers, policy.namespace, namespaceLabels, dns),
    );
    const pointer = rule && lostDnsPortPointer(rule, lost);
    if (rule && pointer) return policyTarget(policy, pointer);
  }
  return undefined;
}

function blockedSides(
  connectivity: Connectivity,
  flow: IntendedFlow,
  from: Identified,
  to: Identified,
  settings: ComponentSettings,
): FlowDifference[] {
  const sides = connectivity.sides(from.endpoint, to.endpoint);
  const ends = [
    ["egress", sides.egress, from],
    ["ingress", sides.ingress, to],
  ] as const;
  return [
    ...ends
      .filter(([, conns]) => !contains(conns, flow.protocol, flow.port))
      .map(([direction, , end]) =>
        blockedSide(connectivity, flow, from, to, settings, direction, end),
      ),
    ...doubtfulSides(connectivity, flow, from, to),
  ];
}

/**
 * The sides that admit an intended flow only through a selector that compares a label the input
 * leaves open (one only the cluster knows, or a label of a namespace without a Namespace object):
 * Scout works only if the value happens to match (and may stop at the next rollout), so the
 * flow is as good as missing, reported on that requirement of the selector.
 */
function doubtfulSides(
  connectivity: Connectivity,
  flow: IntendedFlow,
  from: Identified,
  to: Identified,
): FlowDifference[] {
  const { model } = connectivity;
  if (!model.namesUnknownLabels && !model.namesOpenNamespaceLabels) return [];
  const conns = connsOf(flow.protocol, flow.port);
  const pair: Flow = { from: from.endpoint, to: to.endpoint, conns };
  const admitting = connectivity.admittingRules(from.endpoint, to.endpoint);
  const destination = workloadOf(to.endpoint);
  return (["egress", "ingress"] as const).flatMap((direction): FlowDifference[] => {
    const refs = admitting[direction].filter((ref) =>
      contains(portsConns(ref.rule.ports, destination), flow.protocol, flow.port),
    );
    const doubts = refs.map((ref) => admissionDoubt(connectivity, ref, pair));
    if (refs.length === 0 || doubts.some((doubt) => doubt === undefined)) return [];
    return [
      {
        kind: "missing",
        from: flow.from,
        to: flow.to,
        source: endpointName(from.endpoint),
        destination: endpointName(to.endpoint),
        conns,
        target: doubtfulTarget(refs[0]!, doubts[0]!),
        ...noteOf(from, to),
      },
    ];
  });
}

function blockedSide(
  connectivity: Connectivity,
  flow: IntendedFlow,
  from: Identified,
  to: Identified,
  settings: ComponentSettings,
  direction: "egress" | "ingress",
  end: Identified,
): FlowDifference {
  const workload = workloadOf(end.endpoint);
  const peer = workloadOf(direction === "egress" ? to.endpoint : from.endpoint);
  const missing = {
    kind: "missing" as const,
    from: flow.from,
    to: flow.to,
    source: endpointName(from.endpoint),
    destination: endpointName(to.endpoint),
    conns: connsOf(flow.protocol, flow.port),
  };
  // The peer's address is its node's: a podSelector rule, present or added, never admits it.
  if (peer.hostNetwork) {
    return {
      ...missing,
      target: hostNetworkTarget(peer),
      onHostNetwork: true,
      ...noteOf(from, to),
    };
  }
  const target = nearMiss(
    connectivity,
    flow,
    from,
    to,
    direction,
    blockingTarget(connectivity, workload, direction),
  );
  const isolates =
    target.object === workload.object ||
    connectivity.isolatedFor(workload, direction).some((p) => p.object === target.object);
  const type = direction === "egress" ? "Egress" : "Ingress";
  // A refused policy has the rule already: what to change is the field the API server refuses.
  if (target.refused) return { ...missing, target, ...noteOf(from, to) };
  return {
    ...missing,
    target,
    fix: `${ruleToAdd(direction, peer, workload.namespace, missing.conns, settings)}${isolates ? "" : ` and ${type} in its policyTypes`}`,
    ...noteOf(from, to),
  };
}

function workloadOf(endpoint: Endpoint): Workload {
  return (endpoint as { workload: Workload }).workload;
}

/**
 * The policy to extend for a blocked direction: one written for this workload (a non-empty
 * podSelector) that isolates it in that direction, else one written for it that does not yet
 * (the rule and the policy type go there), else a new policy. Never the namespace-wide default
 * deny or DNS policy: a rule added there would open the flow to every pod of the namespace.
 */
function blockingTarget(
  connectivity: Connectivity,
  workload: Workload,
  direction: "ingress" | "egress",
): FlowTarget {
  const isolating = connectivity.isolatedFor(workload, direction).filter((p) => !p.selectsAll);
  const own =
    isolating.find((p) => p[direction].length > 0) ??
    isolating[0] ??
    connectivity.model.policies.find((p) => !p.selectsAll && policySelects(p, workload) === true);
  if (!own)
    return (
      refusedTarget(connectivity, workload, direction) ??
      workloadTarget(workload, "only namespace-wide policies isolate it")
    );
  const isolates = direction === "egress" ? own.isolatesEgress : own.isolatesIngress;
  const spec = own.object.value.spec;
  // Rules of a direction its policyTypes leave out are ignored: policyTypes is what to change.
  const pointer =
    !isolates && isRecord(spec) && Array.isArray(spec.policyTypes)
      ? "/spec/policyTypes"
      : own[direction].length > 0
        ? `/spec/${direction}`
        : "/spec";
  return policyTarget(own, pointer);
}

/**
 * A policy written for the workload (a non-empty podSelector that surely selects it) for that
 * direction that the API server refuses: never created, it is why the flows it was written for
 * are blocked, at its first refused field.
 */
function refusedTarget(
  connectivity: Connectivity,
  workload: Workload,
  direction: "ingress" | "egress",
): FlowTarget | undefined {
  const refused = connectivity.model.refused.find(
    (p) =>
      !p.selectsAll &&
      (direction === "egress" ? p.isolatesEgress : p.isolatesIngress) &&
      policySelects(p, workload) === true,
  );
  const [first] = refused?.refusals ?? [];
  if (!refused || !first) return undefined;
  const target = policyTarget(refused, first.pointer);
  return { ...target, label: `${target.label} (refused by the API server)`, refused: true };
}

/**
 * The one rule of the target policy that names the blocked peer, only on other ports that open
 * nothing between the two: the flow's port is what it lacks, so the finding goes to its port
 * entry (the protocol, when the entry has the flow's port for another one), the line a user who
 * changed it edited.
 */
function nearMiss(
  connectivity: Connectivity,
  flow: IntendedFlow,
  from: Identified,
  to: Identified,
  direction: "egress" | "ingress",
  target: FlowTarget,
): FlowTarget {
  if (target.pointer !== `/spec/${direction}`) return target;
  const refs = connectivity
    .admittingRules(from.endpoint, to.endpoint)
    [direction].filter((ref) => ref.policy.object === target.object);
  if (refs.length === 0) return nearPeer(connectivity, flow, from, to, direction, target);
  const rule = refs.length === 1 ? refs[0]!.rule : undefined;
  // A rule for every peer (DNS to anyone) is not this flow's; a port that lets the pair connect
  // elsewhere is an extra flow of that rule too, which stays on the rule.
  if (!rule || rule.ports === "all" || rule.peers === "all") return target;
  const { egress, ingress } = connectivity.sides(from.endpoint, to.endpoint);
  if (!isEmpty(intersect(egress, ingress))) return target;
  const otherProtocol = rule.ports.findIndex(
    (spec) => spec.port === flow.port && spec.protocol !== flow.protocol,
  );
  if (otherProtocol >= 0) {
    return { ...target, pointer: `${rule.pointer}/ports/${otherProtocol}/protocol` };
  }
  if (rule.ports.length !== 1) return { ...target, pointer: `${rule.pointer}/ports` };
  return { ...target, pointer: portEntryPointer(rule, 0) };
}

/**
 * The one requirement of a peer's podSelector that keeps the blocked end out, when the target
 * policy has exactly one such peer in a rule on the flow's port (its namespace sure, every other
 * requirement met, no pod of the input admitted): the label a user renamed there, the line to
 * change.
 */
function nearPeer(
  connectivity: Connectivity,
  flow: IntendedFlow,
  from: Identified,
  to: Identified,
  direction: "egress" | "ingress",
  target: FlowTarget,
): FlowTarget {
  const policy = connectivity.model.policies.find((p) => p.object === target.object);
  const other = workloadOf(direction === "egress" ? to.endpoint : from.endpoint);
  const destination = workloadOf(to.endpoint);
  if (!policy) return target;
  const near: string[] = [];
  for (const rule of appliedRules(policy, direction)) {
    if (rule.peers === "all") continue;
    if (!contains(portsConns(rule.ports, destination), flow.protocol, flow.port)) continue;
    for (const peer of rule.peers) {
      if (peer.kind !== "pods" || !selectable(other)) continue;
      if (namespaceMatch(peer, policy.namespace, other.namespace, connectivity.model) !== true)
        continue;
      // A peer that admits pods of the input is someone else's (nginx's beside the frontend's).
      const admitsSome = connectivity.model.workloads.some(
        (w) => peerSelects(peer, policy, w, connectivity.model) !== false,
      );
      if (admitsSome) continue;
      const selector = getAtPointer(policy.object.value, `${peer.pointer}/podSelector`);
      const failed = failedRequirements(selector, other.labels);
      if (failed.length === 1) near.push(`${peer.pointer}/podSelector${failed[0]}`);
    }
  }
  return near.length === 1 ? { ...target, pointer: near[0]! } : target;
}

/**
 * The rule that admits the flow, in flow-style YAML: the peer by its component label (and its
 * instance label, so that the rule stays within the deployment), in its namespace when that is
 * another one.
 */
function ruleToAdd(
  direction: "ingress" | "egress",
  peer: Workload,
  namespace: string,
  conns: ConnSet,
  settings: ComponentSettings,
): string {
  const key = settings.componentLabels.find((k) => peer.labels[k] !== undefined);
  const labels: Record<string, string> = key ? { [key]: peer.labels[key]! } : { ...peer.labels };
  const instance = peer.labels[INSTANCE_LABEL];
  if (instance) labels[INSTANCE_LABEL] = instance;
  const pods = `podSelector: {matchLabels: {${Object.entries(labels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")}}}`;
  const selector =
    peer.namespace === namespace
      ? `{${pods}}`
      : `{namespaceSelector: {matchLabels: {${NAMESPACE_NAME_LABEL}: ${peer.namespace}}}, ${pods}}`;
  return `${direction === "egress" ? "egress" : "ingress"} rule {${direction === "egress" ? "to" : "from"}: [${selector}], ports: [${portsYaml(conns)}]}`;
}

function portsYaml(conns: ConnSet): string {
  return formatConns(conns)
    .split(",")
    .map((part) => {
      const [protocol, port] = part.trim().split(" ");
      return `{protocol: ${protocol}, port: ${port}}`;
    })
    .join(", ");
}

/**
 * One row per pair of components, over all instances: what one instance allows is compared with
 * the table, and whatever one instance allows to another is extra.
 */
function componentFlows(
  within: ReadonlyMap<string, ConnSet>,
  across: ReadonlyMap<string, ConnSet>,
  sure: ReadonlyMap<string, ConnSet>,
  intended: ReadonlyMap<string, ConnSet>,
  present: ReadonlySet<string>,
): ComponentFlow[] {
  const pairs = new Set([...within.keys(), ...across.keys(), ...intended.keys()]);
  const isPresent = (c: string) => c === EXTERNAL || present.has(c);
  const flows: ComponentFlow[] = [];
  for (const pair of [...pairs].sort()) {
    const [from = "", to = ""] = pair.split("\u0000");
    if (!isPresent(from) || !isPresent(to)) continue;
    const withinConns = within.get(pair) ?? NO_CONNS;
    const acrossConns = across.get(pair) ?? NO_CONNS;
    const allowedConns = union(withinConns, acrossConns);
    const intendedConns = intended.get(pair) ?? NO_CONNS;
    const extra = union(
      subtract(to === EXTERNAL ? subtract(withinConns, DNS_CONNS) : withinConns, intendedConns),
      acrossConns,
    );
    const missing = subtract(intendedConns, withinConns);
    if (isEmpty(extra) && isEmpty(missing) && isEmpty(intendedConns)) continue;
    const status = !isEmpty(extra)
      ? "extra"
      : isEmpty(missing)
        ? "intended"
        : isEmpty(subtract(intendedConns, missing))
          ? "missing"
          : "partial";
    const maybe = subtract(allowedConns, sure.get(pair) ?? NO_CONNS);
    flows.push({ from, to, allowed: allowedConns, maybe, intended: intendedConns, status });
  }
  return flows;
}

/** What of a flow its two sides allow whatever the labels the input leaves open. */
export function sureConns(connectivity: Connectivity, flow: Flow): ConnSet {
  const sides = connectivity.sureSides(flow.from, flow.to);
  return intersect(flow.conns, intersect(sides.egress, sides.ingress));
}

export function describeDifference(d: FlowDifference): string {
  const doubt = d.target.uncertain;
  const verb =
    d.kind === "extra"
      ? doubt
        ? `may be allowed but is not intended (${doubt.reason})`
        : "is allowed but not intended"
      : d.kind === "dns"
        ? "is needed to resolve Service names but not allowed"
        : doubt
          ? `is intended but allowed only perhaps (${doubt.reason})`
          : "is intended but not allowed";
  const instance = d.instance ? ` (${d.instance})` : "";
  const change = d.onHostNetwork
    ? `run ${d.target.label} on the pod network: no podSelector matches the node's address`
    : d.fix
      ? `add to ${d.target.label}: ${d.fix}`
      : `change: ${d.target.label}`;
  return `${d.source} -> ${d.destination} on ${describePorts(d.conns)} ${verb}${instance}; ${change}`;
}

/**
 * The identified workloads as destinations, by component and instance, in workload order: an
 * egress-open source reaches a group of them at once.
 */
class Destinations {
  private readonly byComponent = new Map<string, Members>();
  private readonly byNamespace = new Map<string, NamespaceMembers>();
  private readonly joined = new Map<string, Members>();
  private readonly across = new Map<string, Members>();
  /** Shared ends (a monitoring namespace's Prometheus) by component: within every instance. */
  private readonly sharedByComponent = new Map<string, Members>();
  private readonly withShared = new Map<string, Members>();

  constructor(
    workloads: readonly Workload[],
    identified: ReadonlyMap<Workload, Identified>,
    private readonly pods: PodFlows,
  ) {
    workloads.forEach((workload, b) => {
      const end = identified.get(workload);
      if (!end) return;
      const { namespace, label } = end.instance!;
      this.componentMembers(end.component).add(b);
      if (end.shared) this.sharedMembers(end.component).add(b);
      const key = `${namespace}\u0000${end.component}`;
      let group = this.byNamespace.get(key);
      if (!group) {
        group = { all: new Members(pods), unlabelled: new Members(pods), byLabel: new Map() };
        this.byNamespace.set(key, group);
      }
      group.all.add(b);
      if (!label) group.unlabelled.add(b);
      else {
        let members = group.byLabel.get(label);
        if (!members) {
          members = new Members(pods);
          group.byLabel.set(label, members);
        }
        members.add(b);
      }
    });
  }

  components(): Iterable<string> {
    return this.byComponent.keys();
  }

  /**
   * The destinations of `component` in the source's instance (within) or in every other one; a
   * shared source is within every instance, and so is a shared destination (as
   * `withinOneInstance` judges a pair: the two must agree, or a shared destination's pairs are
   * listed one by one as across and counted as within, never saturating a group).
   */
  members(instance: Instance, component: string, within: boolean, shared = false): Members {
    if (shared) return within ? this.componentMembers(component) : new Members(this.pods);
    const key = `${instance.namespace}\u0000${component}`;
    const joinedKey = `${key}\u0000${instance.label ?? ""}`;
    let inInstance = this.withShared.get(joinedKey);
    if (!inInstance) {
      const own = this.ownMembers(instance, key);
      const sharedEnds = this.sharedByComponent.get(component);
      // A namespace is shared as a whole: the source's own never holds a shared end.
      inInstance = sharedEnds ? own.with(sharedEnds) : own;
      this.withShared.set(joinedKey, inInstance);
    }
    if (within) return inInstance;
    let members = this.across.get(joinedKey);
    if (!members) {
      members = this.byComponent.get(component)!.without(inInstance);
      this.across.set(joinedKey, members);
    }
    return members;
  }

  private sharedMembers(component: string): Members {
    let members = this.sharedByComponent.get(component);
    if (!members) {
      members = new Members(this.pods);
      this.sharedByComponent.set(component, members);
    }
    return members;
  }

  private ownMembers(instance: Instance, key: string): Members {
    const group = this.byNamespace.get(key);
    if (!group) return new Members(this.pods);
    if (!instance.label) return group.all;
    const joinedKey = `${key}\u0000${instance.label}`;
    let members = this.joined.get(joinedKey);
    if (!members) {
      const labelled = group.byLabel.get(instance.label);
      members = labelled ? labelled.with(group.unlabelled) : group.unlabelled;
      this.joined.set(joinedKey, members);
    }
    return members;
  }

  private componentMembers(component: string): Members {
    let members = this.byComponent.get(component);
    if (!members) {
      members = new Members(this.pods);
      this.byComponent.set(component, members);
    }
    return members;
  }
}

interface NamespaceMembers {
  all: Members;
  unlabelled: Members;
  byLabel: Map<string, Members>;
}

/** Workload indexes in ascending order, with how many are open for ingress and which are not. */
class Members {
  private readonly list: number[] = [];
  private openCount: number | undefined;
  private isolatedList: number[] | undefined;

  constructor(private readonly pods: PodFlows) {}

  add(index: number): void {
    this.list.push(index);
  }

  all(): readonly number[] {
    return this.list;
  }

  open(): number {
    this.openCount ??= this.list.length - this.isolated().length;
    return this.openCount;
  }

  isolated(): readonly number[] {
    this.isolatedList ??= this.list.filter((i) => !this.pods.ingressOpen(i));
    return this.isolatedList;
  }

  /** These and `other`'s members, in order. */
  with(other: Members): Members {
    const merged = new Members(this.pods);
    const a = this.list;
    const b = other.list;
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i]! < b[j]!)) merged.add(a[i++]!);
      else merged.add(b[j++]!);
    }
    return merged;
  }

  /** These members but `other`'s (a subset of these), in order. */
  without(other: Members): Members {
    const excluded = new Set(other.list);
    const rest = new Members(this.pods);
    for (const i of this.list) if (!excluded.has(i)) rest.add(i);
    return rest;
  }
}
