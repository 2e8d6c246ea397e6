import {
  type BundleObject,
  defineRule,
  isRecord,
  joinPointer,
  podTemplates,
} from "@scout-deploy/core";
import { type Model, modelOf, refusalOptionsFor } from "@scout-deploy/netpol";
import { or, type Tri } from "./calico-selector.js";
import {
  anpSelects,
  antreaSelects,
  calicoSelects,
  ciliumSelects,
  MAYBE,
  NONE,
  type Selects,
  selectsAny,
} from "./subjects.js";

/** An allowing rule of a policy kind the flow analysis does not model, and whom it concerns. */
interface Allow {
  pointer: string;
  rule: string;
  why: string;
  /** The pods the policy applies to. */
  subject: Selects;
  /** The pods its rule admits traffic to (egress); ingress peers are sources, which it opens nothing to. */
  peers: Selects;
}

const DIRECTIONS = ["ingress", "egress"] as const;
const FINAL =
  "an Allow of an AdminNetworkPolicy is final: it is decided before any NetworkPolicy is looked at";
const ADDED = "the CNI adds what it allows to what the NetworkPolicies allow";
const EVERY: Selects = () => true;

/** The peers of a rule, each read by `peer`; they add up. No peer list at all is `none`. */
function peersOf(list: unknown, peer: (entry: unknown) => Selects, none: Selects): Selects {
  if (list === undefined || list === null) return none;
  if (!Array.isArray(list)) return MAYBE;
  if (list.length === 0) return none;
  const each = list.map(peer);
  return (workload) => each.reduce<Tri>((answer, one) => or(answer, one(workload)), false);
}

/** The rules of `spec.ingress`/`spec.egress` whose action is one of `actions`, with their peers. */
function actionRules(
  spec: unknown,
  at: string,
  actions: ReadonlySet<unknown>,
  why: string,
  subject: (rule: Record<string, unknown>) => Selects,
  peers: (rule: Record<string, unknown>, direction: "ingress" | "egress") => Selects,
): Allow[] {
  if (!isRecord(spec)) return [];
  return DIRECTIONS.flatMap((direction) => {
    const rules = Array.isArray(spec[direction]) ? spec[direction] : [];
    return rules.flatMap((rule, index): Allow[] =>
      isRecord(rule) && actions.has(rule.action)
        ? [
            {
              pointer: joinPointer(at, direction, index, "action"),
              rule: `${direction} rule ${index}`,
              why,
              subject: subject(rule),
              peers: direction === "egress" ? peers(rule, direction) : NONE,
            },
          ]
        : [],
    );
  });
}

/** An AdminNetworkPolicy peer: namespaces or pods as its subject reads them; networks and nodes are no pods. */
function anpPeer(model: Model) {
  return (entry: unknown): Selects => {
    if (!isRecord(entry)) return MAYBE;
    if (isRecord(entry.namespaces) || isRecord(entry.pods)) return anpSelects(model, entry);
    return entry.networks !== undefined || entry.nodes !== undefined ? NONE : MAYBE;
  };
}

const CILIUM_ENDPOINTS = ["fromEndpoints", "toEndpoints"];
const CILIUM_ENTITIES = ["fromEntities", "toEntities"];
/** Peers that are no pod of the cluster (Cilium's CIDR rules skip the endpoints it manages). */
const CILIUM_OUTSIDE = [
  "fromCIDR",
  "fromCIDRSet",
  "toCIDR",
  "toCIDRSet",
  "toFQDNs",
  "fromNodes",
  "toNodes",
];

/** A Cilium rule's peers: its endpoint selectors, the entities `all` and `cluster`; no L3 peer at all may be anyone. */
function ciliumPeers(model: Model, rule: unknown, namespace: string | undefined): Selects {
  if (!isRecord(rule)) return MAYBE;
  const parts: Selects[] = [];
  let outside = false;
  for (const [key, value] of Object.entries(rule)) {
    if (CILIUM_ENDPOINTS.includes(key))
      parts.push(peersOf(value, (e) => ciliumSelects(model, e, namespace), NONE));
    else if (CILIUM_ENTITIES.includes(key)) {
      const entities = Array.isArray(value) ? value : [];
      const pods = entities.some((e) => e === "all" || e === "cluster" || e === "unmanaged");
      parts.push(pods ? EVERY : NONE);
    } else if (CILIUM_OUTSIDE.includes(key)) outside = true;
    else if (key === "toServices" || key === "fromRequires" || key === "toRequires")
      parts.push(MAYBE);
  }
  if (parts.length === 0) return outside ? NONE : MAYBE;
  return (workload) => parts.reduce<Tri>((answer, one) => or(answer, one(workload)), false);
}

/** Cilium allows by listing: every ingress or egress rule of each spec (ingressDeny and egressDeny deny). */
function ciliumAllows(model: Model, object: BundleObject, namespace: string | undefined): Allow[] {
  const { value } = object;
  const specs = [
    ...(isRecord(value.spec) ? [{ spec: value.spec, at: "/spec" }] : []),
    ...(Array.isArray(value.specs) ? value.specs : []).map((spec, i) => ({
      spec,
      at: joinPointer("/specs", i),
    })),
  ];
  return specs.flatMap(({ spec, at }) => {
    if (!isRecord(spec)) return [];
    // A nodeSelector applies the spec to nodes (host firewall), not to pods.
    const subject =
      spec.nodeSelector !== undefined
        ? NONE
        : ciliumSelects(model, spec.endpointSelector, namespace);
    return DIRECTIONS.flatMap((direction): Allow[] => {
      const rules = Array.isArray(spec[direction]) ? spec[direction] : [];
      if (rules.length === 0) return [];
      const peers =
        direction === "egress"
          ? peersOf(rules, (rule) => ciliumPeers(model, rule, namespace), NONE)
          : NONE;
      return [
        {
          pointer: joinPointer(at, direction),
          rule: `its ${direction} rules`,
          why: ADDED,
          subject,
          peers,
        },
      ];
    });
  });
}

/** A Calico rule's peer (`source` for ingress, `destination` for egress); none is every endpoint. */
function calicoPeer(
  model: Model,
  rule: Record<string, unknown>,
  direction: string,
  namespace: string | undefined,
): Selects {
  const peer = rule[direction === "ingress" ? "source" : "destination"];
  if (peer === undefined) return EVERY;
  if (!isRecord(peer)) return MAYBE;
  const keys = Object.keys(peer);
  if (keys.length === 0) return EVERY;
  if (keys.every((k) => k === "nets" || k === "notNets" || k === "ports" || k === "notPorts"))
    return keys.includes("nets") ? NONE : EVERY;
  if (keys.every((k) => ["selector", "namespaceSelector", "ports", "notPorts"].includes(k)))
    return calicoSelects(
      model,
      peer.selector,
      peer.namespaceSelector,
      peer.namespaceSelector === undefined ? namespace : undefined,
    );
  return MAYBE;
}

/** An Antrea rule's peers (`from`/`to`): pods and namespaces read as appliedTo; addresses are no pods. */
function antreaPeer(model: Model, namespace: string | undefined) {
  return (entry: unknown): Selects => {
    if (!isRecord(entry)) return MAYBE;
    const keys = Object.keys(entry);
    if (
      keys.length > 0 &&
      keys.every((k) => k === "ipBlock" || k === "fqdn" || k === "nodeSelector")
    )
      return NONE;
    return antreaSelects(model, [entry], namespace);
  };
}

/** The API groups of the policies this rule reads. */
const UNMODELED_GROUPS = new Set([
  "policy.networking.k8s.io",
  "cilium.io",
  "crd.projectcalico.org",
  "projectcalico.org",
  "crd.antrea.io",
]);

const ALLOW = new Set(["Allow"]);
const ACCEPT = new Set(["Accept"]);

/**
 * The rules of a policy the analysis does not model that can let traffic through, with whom
 * they concern: AdminNetworkPolicy (and the Admin tier of its successor ClusterNetworkPolicy),
 * whose Allow overrides every NetworkPolicy, and the policies of Cilium, Calico and Antrea,
 * which allow beside them. A BaselineAdminNetworkPolicy is left out: it decides only for pods no
 * NetworkPolicy selects, which network/default-deny rules out; so are Calico's staged policies,
 * which only report what they would do.
 */
function unmodeledAllows(model: Model, object: BundleObject): Allow[] {
  const { value } = object;
  const group = value.apiVersion.split("/")[0];
  const spec = value.spec;
  const namespace = isRecord(spec) ? model.namespaceOf(object) : undefined;
  const subjectOf = (s: unknown) => anpSelects(model, isRecord(s) ? s.subject : undefined);
  switch (group) {
    case "policy.networking.k8s.io": {
      const admin =
        value.kind === "AdminNetworkPolicy"
          ? ALLOW
          : value.kind === "ClusterNetworkPolicy" && isRecord(spec) && spec.tier === "Admin"
            ? ACCEPT
            : undefined;
      if (!admin) return [];
      const subject = subjectOf(spec);
      return actionRules(
        spec,
        "/spec",
        admin,
        FINAL,
        () => subject,
        (rule, direction) =>
          peersOf(rule[direction === "ingress" ? "from" : "to"], anpPeer(model), NONE),
      );
    }
    case "cilium.io":
      if (value.kind === "CiliumNetworkPolicy") return ciliumAllows(model, object, namespace);
      if (value.kind === "CiliumClusterwideNetworkPolicy")
        return ciliumAllows(model, object, undefined);
      return [];
    case "crd.projectcalico.org":
    case "projectcalico.org": {
      if (!/NetworkPolicy$/.test(value.kind) || value.kind.startsWith("Staged")) return [];
      const scoped = value.kind === "NetworkPolicy" ? namespace : undefined;
      const body = isRecord(spec) ? spec : {};
      const subject =
        value.kind === "NetworkPolicy" || value.kind === "GlobalNetworkPolicy"
          ? calicoSelects(model, body.selector, scoped ? undefined : body.namespaceSelector, scoped)
          : MAYBE;
      return actionRules(
        spec,
        "/spec",
        ALLOW,
        ADDED,
        () => subject,
        (rule, direction) => calicoPeer(model, rule, direction, scoped),
      );
    }
    case "crd.antrea.io": {
      if (!/NetworkPolicy$/.test(value.kind)) return [];
      const scoped = value.kind === "NetworkPolicy" ? namespace : undefined;
      const body = isRecord(spec) ? spec : {};
      const known = value.kind === "NetworkPolicy" || value.kind === "ClusterNetworkPolicy";
      return actionRules(
        spec,
        "/spec",
        ALLOW,
        ADDED,
        (rule) =>
          !known
            ? MAYBE
            : antreaSelects(
                model,
                body.appliedTo !== undefined ? body.appliedTo : rule.appliedTo,
                scoped,
              ),
        (rule, direction) =>
          peersOf(rule[direction === "ingress" ? "from" : "to"], antreaPeer(model, scoped), EVERY),
      );
    }
    default:
      return [];
  }
}

/**
 * Whether an allow concerns the input's pods: its subject may select one (what it lets in or
 * out of them), or an egress rule's peers may (traffic it lets through to them).
 */
function concerns(model: Model, allow: Allow): Tri {
  return or(selectsAny(model, allow.subject), selectsAny(model, allow.peers));
}

export const unmodeledPolicies = defineRule({
  id: "network/unmodeled-policies",
  meta: {
    severity: "error",
    description:
      "No network policy of a kind the flow analysis does not model (AdminNetworkPolicy, Cilium, Calico, Antrea) allows traffic: the connectivity computed from the NetworkPolicies is what the cluster enforces.",
    remediation:
      "Express the flow as a Kubernetes NetworkPolicy in the Scout namespace, or remove the policy; if it must stay, review what it opens and suppress this finding with the reason.",
    guide: "Network Policies: Scout uses network policies to restrict pod-to-pod communication",
    messages: {
      allows:
        "{{kind}} {{name}} allows traffic ({{rule}}) that the flow analysis does not model ({{why}}): the flows the gate computed from the NetworkPolicies may not be the ones the cluster lets through",
      mayAllow:
        "{{kind}} {{name}} allows traffic ({{rule}}) that the flow analysis does not model ({{why}}), and its selectors may select pods of the input (a selector this rule does not read, a label only the cluster knows, or a label of a namespace the input has no Namespace object for): the flows the gate computed from the NetworkPolicies may not be the ones the cluster lets through",
    },
  },
  check(context) {
    if (podTemplates(context.bundle).length === 0) return;
    let built: Model | undefined;
    for (const object of context.bundle.objects) {
      if (!UNMODELED_GROUPS.has(object.value.apiVersion.split("/")[0]!)) continue;
      built ??= modelOf(context.bundle, refusalOptionsFor(context.kubernetesVersion));
      const model = built;
      const allows = unmodeledAllows(model, object);
      if (allows.length === 0) continue;
      const verdicts = allows.map((allow) => concerns(model, allow));
      const at = verdicts.includes(true) ? verdicts.indexOf(true) : verdicts.indexOf("maybe");
      if (at < 0) continue;
      const allow = allows[at]!;
      const data = {
        kind: object.value.kind,
        name: object.ref.name ?? "",
        rule: allow.rule,
        why: allow.why,
      };
      context.report({
        messageId: verdicts[at] === true ? "allows" : "mayAllow",
        data,
        object,
        pointer: allow.pointer,
      });
    }
  },
});
