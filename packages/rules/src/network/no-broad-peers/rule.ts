import {
  type ComponentSettings,
  componentOf,
  defineRule,
  escapeSegment,
  isRecord,
} from "@scout-deploy/core";
import {
  analyze,
  appliedRules,
  compilePodSelector,
  compileSelector,
  contains,
  DNS_CONNS,
  type DnsOptions,
  describeDns,
  describePorts,
  type IntendedFlow,
  type IpSet,
  intendedConns,
  intendedFlows,
  ipBlockSet,
  isClusterDnsPeer,
  isEmpty,
  isEmptySelector,
  type Model,
  NAMESPACE_NAME_LABEL,
  networkSettingsSchema,
  type PeerRefusal,
  type Policy,
  type PolicyRule,
  parseCidr,
  peerOf,
  policyRefusals,
  portsConns,
  publicFamiliesCovered,
  type RefusalOptions,
  reachedComponents,
  refusalOptionsFor,
  subtract,
  unseenNamespaces,
  type Workload,
} from "@scout-deploy/netpol";
import { guideSettings } from "../../settings.js";
import { networkOptions } from "../options.js";

const ALLOWED_FLOWS = "network/allowed-flows";

import { portEntryPointer, selectedBy, selectsOnlyNginx } from "../scope.js";

/** Deprecated: policy.settings.network holds them for every network rule. */
const options = networkSettingsSchema.pick({ externalAccess: true, externalPort: true, dns: true });

export const noBroadPeers = defineRule({
  id: "network/no-broad-peers",
  meta: {
    severity: "error",
    description:
      "No NetworkPolicy rule admits all namespaces, all pods of another namespace, or every address (0.0.0.0/0, ::/0), except the external access to nginx.",
    remediation:
      "Name the peers: a podSelector for the component, with a namespaceSelector on kubernetes.io/metadata.name when it lives elsewhere; a narrow ipBlock for outside addresses.",
    guide: "Enable Network Policies: Restrict pod-to-pod communication; Only allow necessary ports",
    options,
    messages: {
      anyPeer:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} has no {{peerKey}}: it admits every pod of every namespace and every address",
      allNamespaces:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} admits pods of all namespaces (empty namespaceSelector)",
      anyNewNamespace:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} admits pods of all namespaces: its namespaceSelector matches any new namespace, which carries only its kubernetes.io/metadata.name label",
      allPodsOfNamespace:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} admits every pod of the namespaces its namespaceSelector picks",
      anyAddress:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} admits every address ({{cidr}})",
      publicAddresses:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} admits every public {{family}} address: its ipBlocks together ({{cidr}}) cover the internet",
      publicAddressesAcross:
        "the {{direction}} rules of NetworkPolicy {{policy}} together admit every public {{family}} address ({{cidr}})",
      refusedPeer:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}}: {{reason}}, so the API server refuses the whole policy and what it allows or isolates never exists",
      dnsOutside:
        "egress rule {{index}} of NetworkPolicy {{policy}} sends DNS to {{cidr}}, outside the cluster: Scout's pods should ask the cluster's DNS ({{dns}}) only",
      unseenNamespaces:
        "{{direction}} rule {{index}} of NetworkPolicy {{policy}} admits {{pods}} of {{namespaces}} into {{components}}: the input does not describe those namespaces, so it cannot show the pods, and the intended table has no such flow; select the namespace by kubernetes.io/metadata.name, one the input holds",
      beyondExternalPort:
        "ingress rule {{index}} of NetworkPolicy {{policy}}, nginx's external access, admits its peers on {{ports}} beside the external port {{externalPort}}: every address it admits reaches those ports too",
    },
  },
  check(context) {
    const connectivity = analyze(context.bundle, refusalOptionsFor(context.kubernetesVersion));
    const network = networkOptions(context);
    const { dns } = network;
    const namespaceLabels = connectivity.model.namespaceLabels;
    // One intended table for every network rule: policy.settings.network.
    const intended = intendedFlows(network);
    // A refused policy admits nothing: how broad its peers would be is beside the point.
    for (const policy of connectivity.model.refused) {
      for (const refused of refusedPeers(policy, refusalOptionsFor(context.kubernetesVersion))) {
        context.report({
          messageId: "refusedPeer",
          data: {
            direction: refused.direction,
            index: refused.rule,
            policy: `${policy.namespace}/${policy.name}`,
            peerKey: refused.direction === "ingress" ? "from" : "to",
            cidr: "",
            dns: describeDns(dns),
            family: "",
            reason: refused.reason,
          },
          object: policy.object,
          pointer: refused.pointer,
        });
      }
    }
    for (const policy of connectivity.model.policies) {
      const nginxOnly =
        network.externalAccess && selectsOnlyNginx(connectivity.model, policy, context.settings);
      const data = (rule: PolicyRule | undefined, extra: Record<string, string> = {}) => ({
        direction: (rule?.direction ?? "egress") === "ingress" ? "ingress" : "egress",
        index: rule?.index ?? 0,
        policy: `${policy.namespace}/${policy.name}`,
        peerKey: rule?.direction === "ingress" ? "from" : "to",
        cidr: "",
        dns: describeDns(dns),
        family: "",
        ...extra,
      });
      const judged: PolicyRule[] = [];
      const nginx = nginxOnly ? selectedBy(connectivity.model, policy)[0] : undefined;
      for (const rule of appliedRules(policy)) {
        const external =
          nginxOnly && rule.direction === "ingress"
            ? externalPortUse(rule, network.externalPort, nginx)
            : undefined;
        const nginxAccess = external === "only";
        const beyond = external === "only" ? undefined : external;
        if (beyond) {
          // nginx's external access, its peers intended: the ports beside the external one are
          // flows the table lacks, network/allowed-flows' finding on the same port line.
          context.report({
            messageId: "beyondExternalPort",
            data: data(rule, {
              ports: beyond.ports,
              externalPort: String(network.externalPort),
            }),
            object: policy.object,
            pointer: beyond.pointer,
            yieldsTo: ["network/allowed-flows"],
          });
          continue;
        }
        const clusterDns =
          isDnsOnly(rule) &&
          rule.peers !== "all" &&
          rule.peers.every((peer) =>
            isClusterDnsPeer(peer, policy.namespace, namespaceLabels, dns),
          );
        if (nginxAccess || clusterDns) continue;
        judged.push(rule);
        const broad = broadPeers(policy, rule, isDnsOnly(rule) ? dns : undefined);
        for (const finding of broad) {
          context.report({
            messageId: finding.messageId,
            data: data(rule, {
              cidr: finding.cidr ?? "",
              family: finding.family ?? "",
            }),
            object: policy.object,
            pointer: finding.pointer,
            // An address block added beside a rule's pod peers that lets the outside into a Scout
            // component is allowed-flows' extra flow on the same cidr, naming the flow it opens.
            ...(finding.messageId === "anyAddress" ? { yieldsTo: [ALLOWED_FLOWS] } : {}),
          });
        }
        const unseen = unseenPeers(connectivity.model, policy, rule, broad, {
          dns,
          settings: guideSettings(context.settings),
          intended,
        });
        for (const finding of unseen) {
          context.report({
            messageId: "unseenNamespaces",
            data: data(rule, finding.data),
            object: policy.object,
            pointer: finding.pointer,
          });
        }
      }
      for (const direction of ["ingress", "egress"] as const) {
        const rules = judged.filter((r) => r.direction === direction);
        if (rules.some((r) => coveredFamilies(policy, r).length > 0)) continue;
        const blocks = rules.flatMap((r) => ipBlocksOf(policy, r));
        const families = publicFamiliesCovered(blocks.flatMap((b) => b.set));
        if (families.length === 0) continue;
        context.report({
          messageId: "publicAddressesAcross",
          data: data(rules[0], {
            direction,
            family: families.join(" and "),
            cidr: blocks.map((b) => b.text).join(", "),
          }),
          object: policy.object,
          pointer: `/spec/${direction}`,
        });
      }
    }
  },
});

interface Broad {
  messageId:
    | "anyPeer"
    | "allNamespaces"
    | "anyNewNamespace"
    | "allPodsOfNamespace"
    | "anyAddress"
    | "publicAddresses"
    | "dnsOutside";
  pointer: string;
  cidr?: string;
  family?: string;
}

function rawPeers(policy: Policy, rule: PolicyRule): unknown[] | undefined {
  const key = rule.direction === "ingress" ? "from" : "to";
  const spec = isRecord(policy.object.value.spec) ? policy.object.value.spec : {};
  const rules = spec[rule.direction];
  const body = Array.isArray(rules) && isRecord(rules[rule.index]) ? rules[rule.index] : {};
  const peers = body[key];
  return Array.isArray(peers) && peers.length > 0 ? peers : undefined;
}

interface IpBlock {
  /** "0.0.0.0/1" or "0.0.0.0/0 except 10.0.0.0/8". */
  text: string;
  set: IpSet;
  pointer: string;
}

function ipBlocksOf(policy: Policy, rule: PolicyRule): IpBlock[] {
  const key = rule.direction === "ingress" ? "from" : "to";
  return (rawPeers(policy, rule) ?? []).flatMap((peer, index): IpBlock[] => {
    if (!isRecord(peer) || !isRecord(peer.ipBlock)) return [];
    const cidr = String(peer.ipBlock.cidr ?? "");
    const except = Array.isArray(peer.ipBlock.except) ? peer.ipBlock.except.map(String) : [];
    const set = ipBlockSet(cidr, except);
    if (!set) return [];
    const text = except.length ? `${cidr} except ${except.join(" ")}` : cidr;
    return [{ text, set, pointer: `${rule.pointer}/${key}/${index}/ipBlock/cidr` }];
  });
}

/** The families whose public internet the rule's ipBlocks cover together (none with a /0). */
function coveredFamilies(policy: Policy, rule: PolicyRule): Array<"IPv4" | "IPv6"> {
  const blocks = ipBlocksOf(policy, rule);
  return publicFamiliesCovered(blocks.flatMap((b) => b.set));
}

/**
 * The broad peers of one rule. For a DNS-only rule (`dns` given) that is not towards the
 * cluster's DNS alone, an address block outside the node-local DNS CIDRs is broad too.
 */
function broadPeers(policy: Policy, rule: PolicyRule, dns?: DnsOptions): Broad[] {
  const key = rule.direction === "ingress" ? "from" : "to";
  const peers = rawPeers(policy, rule);
  if (!peers) return [{ messageId: "anyPeer", pointer: rule.pointer }];
  const blocks = ipBlocksOf(policy, rule);
  const anyAddress = blocks.some((b) => Number(b.text.split(/[/ ]/)[1]) === 0);
  const families = anyAddress ? [] : publicFamiliesCovered(blocks.flatMap((b) => b.set));
  const coverage: Broad[] = families.length
    ? [
        {
          messageId: "publicAddresses",
          pointer: `${rule.pointer}/${key}`,
          cidr: blocks.map((b) => b.text).join(", "),
          family: families.join(" and "),
        },
      ]
    : [];
  return coverage.concat(
    peers.flatMap((peer, index): Broad[] => {
      if (!isRecord(peer)) return [];
      const at = `${rule.pointer}/${key}/${index}`;
      if (isRecord(peer.ipBlock)) {
        const cidr = String(peer.ipBlock.cidr ?? "");
        const interval = parseCidr(cidr);
        const prefix = Number(cidr.split("/")[1]);
        if (interval && prefix === 0)
          return [{ messageId: "anyAddress", pointer: `${at}/ipBlock/cidr`, cidr }];
        if (!dns || !interval || families.length > 0) return [];
        const [parsed] = peerOf(peer);
        const local = parsed && isClusterDnsPeer(parsed, policy.namespace, new Map(), dns);
        return local ? [] : [{ messageId: "dnsOutside", pointer: `${at}/ipBlock/cidr`, cidr }];
      }
      // A null selector is an unset one: the API server decodes it as a nil pointer.
      if (peer.namespaceSelector == null) return [];
      if (isEmptySelector(peer.namespaceSelector)) {
        return [{ messageId: "allNamespaces", pointer: `${at}/namespaceSelector` }];
      }
      if (matchesAnyNewNamespace(peer.namespaceSelector)) {
        return [{ messageId: "anyNewNamespace", pointer: `${at}/namespaceSelector` }];
      }
      // A selector that an unlabelled pod matches (only NotIn or DoesNotExist) picks nearly every pod.
      const everyPod = peer.podSelector == null || compileSelector(peer.podSelector)({});
      if (everyPod && !namesOnly(peer.namespaceSelector, policy.namespace)) {
        return [{ messageId: "allPodsOfNamespace", pointer: `${at}/namespaceSelector` }];
      }
      return [];
    }),
  );
}

/**
 * The peers of a rule that admit pods of namespaces the input does not hold into a Scout
 * component (or from one, in an egress rule): a namespaceSelector on a label any namespace may
 * be given, or on the name of a namespace the input lacks. Those pods and their flows are
 * invisible to the analysis. Silent for a peer already reported as broad, for DNS to the DNS
 * namespaces (named), and for a shared client the table intends across namespaces (the guide's Prometheus -> backend
 * on 8000 from a namespace named by kubernetes.io/metadata.name).
 */
function unseenPeers(
  model: Model,
  policy: Policy,
  rule: PolicyRule,
  broad: readonly Broad[],
  {
    dns,
    settings,
    intended,
  }: { dns: DnsOptions; settings: ComponentSettings; intended: readonly IntendedFlow[] },
): { pointer: string; data: Record<string, string> }[] {
  if (rule.peers === "all") return [];
  const key = rule.direction === "ingress" ? "from" : "to";
  let components: Map<string, Workload> | undefined;
  return (rawPeers(policy, rule) ?? []).flatMap((peer, index) => {
    if (!isRecord(peer) || peer.namespaceSelector == null || isRecord(peer.ipBlock)) return [];
    const at = `${rule.pointer}/${key}/${index}`;
    if (broad.some((b) => b.pointer.startsWith(`${at}/`))) return [];
    const [parsed] = peerOf(peer);
    if (parsed && isClusterDnsPeer(parsed, policy.namespace, model.namespaceLabels, dns)) return [];
    const { named, others } = unseenNamespaces(peer.namespaceSelector, model);
    if (named.length === 0 && others === false) return [];
    // DNS to the DNS namespaces by name: whether it reaches the DNS pods is allowed-flows' (noDns).
    if (others === false && isDnsOnly(rule) && named.every((n) => dns.namespaces.includes(n)))
      return [];
    const unseenPod = { labels: {}, unknownLabels: [], openLabels: true as const };
    if (compilePodSelector(peer.podSelector)(unseenPod) === false) return [];
    components ??= selectedComponents(model, policy, settings);
    if (components.size === 0) return [];
    const client = selectorComponent(peer.podSelector, settings);
    if (others === false && client && sharedAcross(intended, rule, client, components)) return [];
    const pointer =
      typeof others === "object"
        ? `${at}/namespaceSelector${others.pointer}`
        : `${at}/namespaceSelector${nameRequirement(peer.namespaceSelector)}`;
    return [
      {
        pointer,
        data: {
          pods: describePods(peer.podSelector),
          namespaces:
            others === false
              ? `${named.length === 1 ? "namespace" : "namespaces"} ${named.join(", ")}`
              : `any namespace ${describeNamespaces(peer.namespaceSelector)}`,
          components: [...components.keys()].join(", "),
        },
      },
    ];
  });
}

/** The Scout components among the workloads the policy surely selects, with one of each. */
function selectedComponents(
  model: Model,
  policy: Policy,
  settings: ComponentSettings,
): Map<string, Workload> {
  const components = new Map<string, Workload>();
  for (const workload of selectedBy(model, policy)) {
    const component = componentOf(workload.object, settings);
    if (component && !components.has(component)) components.set(component, workload);
  }
  return components;
}

/**
 * The component a pod selector names by a component label: `app.kubernetes.io/name: prometheus`,
 * or the same as `In [prometheus]`.
 */
function selectorComponent(selector: unknown, settings: ComponentSettings): string | undefined {
  if (!isRecord(selector)) return undefined;
  const labels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const key of settings.componentLabels) {
    const values = expressions.flatMap((e) =>
      isRecord(e) && e.key === key && e.operator === "In" && Array.isArray(e.values)
        ? [e.values.length === 1 ? e.values[0] : undefined]
        : [],
    );
    if (labels[key] !== undefined) values.push(labels[key]);
    const [value] = values;
    // One value, however often written: pods of one component.
    if (
      typeof value === "string" &&
      values.every((v) => v === value) &&
      settings.components.includes(value)
    )
      return value;
  }
  return undefined;
}

/**
 * A flow the table intends across namespaces: from a shared client (a component no other one is
 * meant to reach, Prometheus or nginx, which serves every instance from a namespace of its own)
 * on the table's ports only, between the peer's component and each component the policy selects.
 */
function sharedAcross(
  table: readonly IntendedFlow[],
  rule: PolicyRule,
  peerComponent: string,
  selected: ReadonlyMap<string, Workload>,
): boolean {
  const reached = reachedComponents(table);
  return [...selected].every(([component, workload]) => {
    const [from, to] =
      rule.direction === "ingress" ? [peerComponent, component] : [component, peerComponent];
    if (reached.has(from)) return false;
    const dst = rule.direction === "ingress" ? workload : undefined;
    const conns = portsConns(rule.ports, dst);
    return !isEmpty(conns) && isEmpty(subtract(conns, intendedConns(table, from, to)));
  });
}

/** The requirement of a selector on the namespace name: its matchLabels entry or expression. */
function nameRequirement(selector: unknown): string {
  if (!isRecord(selector)) return "";
  if (isRecord(selector.matchLabels) && NAMESPACE_NAME_LABEL in selector.matchLabels)
    return `/matchLabels/${escapeSegment(NAMESPACE_NAME_LABEL)}`;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  const index = expressions.findIndex((e) => isRecord(e) && e.key === NAMESPACE_NAME_LABEL);
  return index >= 0 ? `/matchExpressions/${index}` : "";
}

/** "pods labelled app.kubernetes.io/component=backend", in the selector's words. */
function describePods(selector: unknown): string {
  const requirements = describeRequirements(selector);
  return requirements ? `pods ${requirements}` : "every pod";
}

function describeNamespaces(selector: unknown): string {
  return describeRequirements(selector) || "at all";
}

/** "labelled a=b and c In (x, y)": a selector's requirements in words. */
function describeRequirements(selector: unknown): string {
  if (!isRecord(selector)) return "";
  const parts = Object.entries(isRecord(selector.matchLabels) ? selector.matchLabels : {}).map(
    ([k, v]) => `${k}=${String(v)}`,
  );
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (!isRecord(e)) continue;
    const values = Array.isArray(e.values) ? ` (${e.values.map(String).join(", ")})` : "";
    parts.push(`${String(e.key)} ${String(e.operator)}${values}`);
  }
  return parts.length ? `labelled ${parts.join(" and ")}` : "";
}

/** The peers of a refused policy that the API server refuses (netpol's shared validation). */
function refusedPeers(policy: Policy, options: RefusalOptions): PeerRefusal[] {
  return policyRefusals(policy.object.value, options).filter(
    (refusal): refusal is PeerRefusal => refusal.kind === "peer",
  );
}

/**
 * True when the selector matches a namespace created tomorrow: it carries only the name label
 * the API server sets, so `Exists` on that label, `NotIn` a few names or `DoesNotExist` on any
 * label pick it, like an empty selector does.
 */
function matchesAnyNewNamespace(selector: unknown): boolean {
  return compileSelector(selector)({
    [NAMESPACE_NAME_LABEL]: "\u0000a-namespace-created-tomorrow",
  });
}

/** True when a namespaceSelector picks exactly the policy's own namespace by name. */
function namesOnly(selector: unknown, namespace: string): boolean {
  if (!isRecord(selector) || !isRecord(selector.matchLabels)) return false;
  const labels = selector.matchLabels;
  return (
    Object.keys(labels).length === 1 &&
    labels[NAMESPACE_NAME_LABEL] === namespace &&
    !selector.matchExpressions
  );
}

function isDnsOnly(rule: PolicyRule): boolean {
  if (rule.direction !== "egress" || rule.ports === "all") return false;
  if (!rule.ports.every((p) => typeof p.port === "number")) return false;
  return isEmpty(subtract(portsConns(rule.ports, undefined), DNS_CONNS));
}

/**
 * How a rule of nginx's own policy opens the external port: only it (`"only"`, the external
 * access), it and more (the other ports, and where they are written: the one port entry that
 * holds them all, else the rule's ports), or not at all (undefined).
 */
function externalPortUse(
  rule: PolicyRule,
  port: number,
  nginx: Workload | undefined,
): "only" | { ports: string; pointer: string } | undefined {
  const external = { TCP: [port, port], UDP: [], SCTP: [] };
  const conns = portsConns(rule.ports, nginx);
  if (!contains(conns, "TCP", port)) return undefined;
  const beyond = subtract(conns, external);
  if (isEmpty(beyond)) return "only";
  if (rule.ports === "all") return { ports: describePorts(beyond), pointer: rule.pointer };
  const entries = [...rule.ports.entries()].filter(
    ([, spec]) => !isEmpty(subtract(portsConns([spec], nginx), external)),
  );
  const [only] = entries;
  const pointer =
    entries.length === 1 && only ? portEntryPointer(rule, only[0]) : `${rule.pointer}/ports`;
  return { ports: describePorts(beyond), pointer };
}
