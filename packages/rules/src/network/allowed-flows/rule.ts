import { type ComponentSettings, componentOf, defineRule } from "@scout-deploy/core";
import {
  analyze,
  appliedRules,
  type Connectivity,
  type ConnSet,
  compareWithIntended,
  connsOf,
  contains,
  DNS_CONNS,
  type DnsOptions,
  describeDns,
  describePorts,
  EXTERNAL,
  type FlowDifference,
  intendedFlows,
  intersect,
  isAll,
  isClusterDnsPeer,
  isEmpty,
  type NetworkOptions,
  NO_CONNS,
  networkSettingsSchema,
  type Policy,
  policySelects,
  portsConns,
  refusalOptionsFor,
  subtract,
  union,
} from "@scout-deploy/netpol";
import { guideSettings } from "../../settings.js";
import { networkOptions } from "../options.js";
import { HOST_NETWORK_OWNERS, portEntryPointer } from "../scope.js";

export const allowedFlows = defineRule({
  id: "network/allowed-flows",
  meta: {
    severity: "error",
    description:
      "The connectivity the NetworkPolicies allow between Scout's components is exactly the intended table: no extra flow, no missing one.",
    remediation:
      "Narrow the named policy rule so that it admits only the intended peers and ports, or add the rule the intended flow needs.",
    guide:
      "Network Policies: Frontend → Backend 8000, Nginx → Frontend 3000 / Backend 8000, Backend → Redis 6379, Prometheus → Backend 8000, external → Nginx 80",
    // Deprecated: policy.settings.network holds them for every network rule.
    options: networkSettingsSchema,
    messages: {
      extraFlows:
        "{{target}}, {{rule}}, admits {{count}} that the intended table does not have ({{instance}}): {{flows}}; narrow it to the intended peers and ports",
      mayAdmitFlows:
        "{{target}}, {{rule}}, may admit {{count}} that the intended table does not have ({{instance}}): {{flows}}; it compares the label {{key}}, whose value no manifest can know ({{reason}}), so the flows cannot be ruled out; select the pods by labels of their template",
      namespaceMayAdmitFlows:
        "{{target}}, {{rule}}, may admit {{count}} that the intended table does not have ({{instance}}): {{flows}}; its namespaceSelector compares the label {{key}}, and there is no Namespace object for {{namespace}} in the input, so that label is unknown and the flows cannot be ruled out; add the Namespace object to the input, or select the namespace by kubernetes.io/metadata.name alone",
      namespaceMayMissFlows:
        "{{target}}, {{rule}}, admits {{count}} that Scout needs ({{instance}}) only if the label {{key}} of namespace {{namespace}} matches, and there is no Namespace object for {{namespace}} in the input, so that label is unknown and Scout may break: {{flows}}; add the Namespace object to the input, or select the namespace by kubernetes.io/metadata.name alone",
      mayMissFlows:
        "{{target}}, {{rule}}, admits {{count}} that Scout needs ({{instance}}) only if the label {{key}} matches, whose value no manifest can know ({{reason}}), so Scout may break: {{flows}}; select the pods by labels of their template",
      noDns:
        "{{source}} connects to {{to}} by Service name but may not reach {{destination}} on {{ports}} ({{instance}}): {{failure}}; add to {{target}} this {{fix}}",
      dnsRuleElsewhere:
        "{{target}}, {{rule}}, meant for DNS, opens {{beyond}} towards {{destination}} instead of {{ports}} ({{instance}}): {{sources}} {{failure}}, and DNS needs only 53/UDP and 53/TCP; make it this {{fix}}",
      noDnsRule:
        "{{target}}, {{rule}}, meant for DNS, does not reach {{destination}} on {{ports}} ({{instance}}): {{sources}} {{failure}}; make it this {{fix}}",
      missingFlows:
        "{{target}} blocks {{count}} that Scout needs ({{instance}}), so Scout would break: {{flows}}",
      missingOnHostNetwork:
        "{{target}} runs on the node's network, whose address no podSelector matches, so the policies block {{count}} that Scout needs ({{instance}}) and Scout would break: {{flows}}; run it on the pod network (remove hostNetwork)",
      dnsBeyond53:
        "NetworkPolicy {{policy}}, {{rule}}, lets its pods reach the cluster's DNS ({{dns}}) on {{ports}}, where DNS needs only 53/UDP and 53/TCP; list only those ports",
    },
  },
  check(context) {
    const connectivity = analyze(context.bundle, refusalOptionsFor(context.kubernetesVersion));
    const settings = guideSettings(context.settings);
    const network = networkOptions(context);
    const comparison = compareWithIntended(connectivity, settings, network);
    const beyond53 = dnsRulesBeyond53(connectivity, network.dns, settings);
    // A namespace-wide DNS rule that misses the DNS (53 changed to 54) is one finding, its
    // noDnsRule on the port: the port it opens beyond 53 instead is the same cause.
    const beyondOf = (target: FlowDifference["target"]) =>
      beyond53.find((b) => b.object === target.object && b.rulePointer === ruleOf(target.pointer));
    const folded = new Set(
      comparison.differences.flatMap((d) =>
        d.kind === "dns" && d.sharedRule ? [beyondOf(d.target)] : [],
      ),
    );
    for (const beyond of beyond53) {
      if (folded.has(beyond)) continue;
      context.report({
        messageId: "dnsBeyond53",
        data: {
          policy: beyond.policy,
          rule: ruleName(beyond.rulePointer),
          dns: describeDns(network.dns),
          ports: beyond.ports,
        },
        object: beyond.object,
        pointer: beyond.pointer,
      });
    }
    for (const group of groupByCause(comparison.differences)) {
      const [first] = group;
      if (!first) continue;
      const target = { object: first.target.object, pointer: first.target.pointer };
      if (first.kind === "dns" && first.sharedRule) {
        const instead = beyondOf(first.target);
        context.report({
          messageId: instead ? "dnsRuleElsewhere" : "noDnsRule",
          data: {
            target: first.target.label,
            rule: ruleName(ruleOf(first.target.pointer)),
            beyond: instead?.ports ?? "",
            destination: first.destination,
            ports: describePorts(first.conns),
            sources: group.map((d) => d.source).join(", "),
            failure: dnsFailure(first.conns, "they"),
            instance: instancesOf(group),
            fix: first.fix ?? "",
          },
          ...(instead ? {} : { severity: "warning" as const }),
          ...target,
        });
        continue;
      }
      if (first.kind === "dns") {
        context.report({
          messageId: "noDns",
          data: {
            source: first.source,
            destination: first.destination,
            to: first.to,
            ports: describePorts(first.conns),
            failure: dnsFailure(first.conns, "it"),
            target: first.target.label,
            instance: first.instance ?? "no instance",
            fix: first.fix ?? "",
          },
          severity: "warning",
          ...target,
        });
        continue;
      }
      const data = {
        target: first.target.label,
        rule: ruleName(first.target.pointer),
        count: flowCount(group.length),
        instance: instancesOf(group),
        flows: group.map(first.kind === "extra" ? describeFlow : describeMissing).join("; "),
      };
      const { uncertain } = first.target;
      if (uncertain?.namespace !== undefined) {
        // A peer that may also admit pods of namespaces the input lacks is no-broad-peers' one
        // finding on the same selector line.
        const doubtful = {
          ...data,
          rule: ruleName(ruleOf(first.target.pointer)),
          key: uncertain.key,
          namespace: uncertain.namespace,
        };
        const extra = first.kind === "extra";
        context.report({
          messageId: extra ? "namespaceMayAdmitFlows" : "namespaceMayMissFlows",
          data: extra ? doubtful : { ...doubtful, flows: group.map(describeFlow).join("; ") },
          ...(extra ? {} : { severity: "warning" as const }),
          yieldsTo: ["network/no-broad-peers"],
          ...target,
        });
      } else if (uncertain) {
        const doubtful = { ...data, rule: ruleName(ruleOf(first.target.pointer)), ...uncertain };
        if (first.kind === "extra")
          context.report({ messageId: "mayAdmitFlows", data: doubtful, ...target });
        else
          context.report({
            messageId: "mayMissFlows",
            data: { ...doubtful, flows: group.map(describeFlow).join("; ") },
            severity: "warning",
            ...target,
          });
      } else if (first.kind === "extra") {
        const pointer =
          extraPortPointer(connectivity, group, network) ??
          extraPeerPointer(connectivity, group) ??
          target.pointer;
        context.report({ messageId: "extraFlows", data, object: target.object, pointer });
      } else if (first.onHostNetwork)
        context.report({
          messageId: "missingOnHostNetwork",
          data: { ...data, flows: group.map(describeFlow).join("; ") },
          severity: "warning",
          yieldsTo: HOST_NETWORK_OWNERS,
          ...target,
        });
      else
        context.report({
          messageId: "missingFlows",
          data,
          severity: "warning",
          // A refused policy's blocked flows are the refusal's finding on the same field.
          ...(first.target.refused ? { yieldsTo: REFUSAL_OWNERS } : {}),
          ...target,
        });
    }
  },
});

/**
 * The one port of an ingress rule that opens all of its extra flows, when one does: a port no
 * intended flow into the destination uses, listed beside the intended ones (443 beside nginx's
 * external 80). The finding lands on that port's line, the one the user added; when the peers are
 * the cause (an intended port admitting a wrong source), it stays on the rule.
 */
function extraPortPointer(
  connectivity: Connectivity,
  group: readonly FlowDifference[],
  options: NetworkOptions,
): string | undefined {
  const { target } = group[0]!;
  const rule = connectivity.model.policies
    .find((policy) => policy.object === target.object)
    ?.ingress.find((r) => r.pointer === target.pointer);
  const destinations = new Set(group.map((d) => d.to));
  if (!rule || rule.ports === "all" || destinations.size !== 1) return undefined;
  const [destination] = destinations;
  const intended = intendedFlows(options)
    .filter((flow) => flow.to === destination)
    .reduce((all, flow) => union(all, connsOf(flow.protocol, flow.port)), NO_CONNS);
  const extra = group.reduce((all, d) => union(all, d.conns), NO_CONNS);
  const causes: number[] = [];
  let besideIntended = false;
  for (const [index, spec] of rule.ports.entries()) {
    // A named port resolves per pod: which one opened what is not this rule's to tell.
    if (typeof spec.port === "string") return undefined;
    const conns = portsConns([spec], undefined);
    const intendedToo = !isEmpty(intersect(conns, intended));
    if (isEmpty(intersect(conns, extra))) {
      besideIntended ||= intendedToo;
      continue;
    }
    if (intendedToo) return undefined;
    causes.push(index);
  }
  const [cause] = causes;
  // Without an intended port beside it, the whole rule is the cause.
  if (!besideIntended || causes.length !== 1 || cause === undefined) return undefined;
  if (!isEmpty(subtract(extra, portsConns([rule.ports[cause]!], undefined)))) return undefined;
  return portEntryPointer(rule, cause);
}

/**
 * The one address block of a rule that opens all of its extra flows, when they all come from (or
 * go to) outside the cluster and the rule's other peers are pods: the ipBlock the user added
 * beside the intended peers (0.0.0.0/0, with or without an except). The finding lands on its
 * cidr, where no-broad-peers yields to it. A rule of address blocks alone stays the cause.
 */
function extraPeerPointer(
  connectivity: Connectivity,
  group: readonly FlowDifference[],
): string | undefined {
  const { target } = group[0]!;
  const policy = connectivity.model.policies.find((p) => p.object === target.object);
  const rule = [...(policy?.ingress ?? []), ...(policy?.egress ?? [])].find(
    (r) => r.pointer === target.pointer,
  );
  if (!rule || rule.peers === "all") return undefined;
  const outside = rule.direction === "ingress" ? "from" : "to";
  if (!group.every((d) => d[outside] === EXTERNAL)) return undefined;
  const blocks = rule.peers.filter((peer) => peer.kind === "ip");
  if (blocks.length !== 1 || rule.peers.length === 1) return undefined;
  return `${blocks[0]!.pointer}/ipBlock/cidr`;
}

/**
 * One finding per cause: the extra flows one policy rule admits, the intended flows one policy
 * blocks, each client that cannot resolve names. Flows that only a missing isolation opens are
 * network/default-deny's one finding on the workload, not repeated here.
 */
function groupByCause(differences: readonly FlowDifference[]): FlowDifference[][] {
  const groups = new Map<unknown, Map<string, FlowDifference[]>>();
  for (const difference of differences) {
    const { target } = difference;
    if (difference.kind === "extra" && target.object.ref.kind !== "NetworkPolicy") continue;
    // Clients whose DNS one namespace-wide rule fails are that rule's one finding.
    const [owner, key] =
      difference.kind === "dns" && !difference.sharedRule
        ? ["dns", difference.source]
        : [target.object, `${difference.kind}\u0000${target.pointer}`];
    const byKey = groups.get(owner) ?? new Map<string, FlowDifference[]>();
    groups.set(owner, byKey);
    const group = byKey.get(key);
    if (group) group.push(difference);
    else byKey.set(key, [difference]);
  }
  return [...groups.values()].flatMap((byKey) => [...byKey.values()]);
}

/**
 * Egress rules towards the cluster's DNS pods alone that open more than 53/UDP and 53/TCP:
 * rules.md lets every pod reach DNS on those "and nothing else". No broad peer and no Scout
 * component is involved, so neither the flow table nor no-broad-peers would see it. A named
 * port cannot be resolved against DNS pods the input does not hold: it is given the doubt.
 */
function dnsRulesBeyond53(
  connectivity: Connectivity,
  dns: DnsOptions,
  settings: ComponentSettings,
) {
  const { namespaceLabels, workloads } = connectivity.model;
  // rules.md: the rule judges flows of identified components only, and is silent without one.
  // Asked only of the rare policy with such a rule: every policy against every workload is n².
  const selectsComponent = (policy: Policy) =>
    workloads.some(
      (w) => policySelects(policy, w) !== false && componentOf(w.object, settings) !== undefined,
    );
  return connectivity.model.policies.flatMap((policy) =>
    appliedRules(policy, "egress").flatMap((rule) => {
      if (rule.peers === "all" || rule.peers.length === 0) return [];
      const toDnsOnly = rule.peers.every((peer) =>
        isClusterDnsPeer(peer, policy.namespace, namespaceLabels, dns),
      );
      const opened = portsConns(rule.ports, undefined);
      const conns = subtract(opened, DNS_CONNS);
      if (!toDnsOnly || isEmpty(conns) || !selectsComponent(policy)) return [];
      // "every port but TCP 53, UDP 53" beside "where DNS needs only 53" says it twice.
      const ports = isAll(opened) ? "every port" : describePorts(conns);
      return [
        {
          object: policy.object,
          policy: `${policy.namespace}/${policy.name}`,
          rulePointer: rule.pointer,
          pointer: rule.ports === "all" ? rule.pointer : `${rule.pointer}/ports`,
          ports,
        },
      ];
    }),
  );
}

/**
 * What a client loses with the DNS pairs it cannot reach: without 53/UDP every lookup, so every
 * connection by Service name; with 53/UDP but not 53/TCP only the answers too long for a UDP
 * packet, which resolvers retry over TCP.
 */
function dnsFailure(lost: ConnSet, who: "it" | "they"): string {
  if (contains(lost, "UDP", 53))
    return who === "it"
      ? "its connections will fail"
      : "cannot resolve the Services they connect to, so their connections will fail";
  const subject = who === "it" ? "it cannot resolve" : "cannot resolve";
  return `${subject} a name whose answer does not fit a UDP packet (resolvers retry those over TCP), so some lookups will fail`;
}

/** The rules that report why the API server refuses a NetworkPolicy, each on the refused field. */
const REFUSAL_OWNERS: readonly string[] = [
  "network/port-coherence",
  "network/no-broad-peers",
  "network/default-deny",
];

/** The policy rule (or the podSelector) a selector requirement belongs to: "/spec/ingress/0/from/1/..." -> "/spec/ingress/0". */
function ruleOf(pointer: string): string {
  return /^\/spec\/(?:ingress|egress)\/\d+/.exec(pointer)?.[0] ?? "/spec/podSelector";
}

/** "/spec/ingress/0" -> "spec.ingress[0]"; "/spec" -> "spec". */
function ruleName(pointer: string): string {
  return pointer
    .split("/")
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

function flowCount(n: number): string {
  return n === 1 ? "a flow" : `${n} flows`;
}

function instancesOf(group: readonly FlowDifference[]): string {
  return [...new Set(group.map((d) => d.instance ?? "no instance"))].join("; ");
}

function describeMissing(d: FlowDifference): string {
  // A refused policy holds the rule: its refused field is the change.
  return d.fix ? `${describeFlow(d)}: add this ${d.fix}` : describeFlow(d);
}

function describeFlow(d: FlowDifference): string {
  return `${d.source} -> ${d.destination} (${d.from} -> ${d.to}) on ${describePorts(d.conns)}`;
}
