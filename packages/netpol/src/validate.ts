import {
  annotationKeyProblem,
  cidrProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  escapeSegment,
  isRecord,
  labelPairProblems,
  labelSelectorProblems,
  portNameProblem,
  strictIpValidationFor,
} from "@scout-deploy/core";
import { type IpInterval, parseCidr } from "./ip.js";

/**
 * One reason the API server refuses a NetworkPolicy (ValidateNetworkPolicyPeer, ValidateIPBlock,
 * ValidateNetworkPolicyPort). A refused policy is never created: it neither isolates nor admits.
 */
export type PolicyRefusal = PeerRefusal | PortRefusal | SpecRefusal;

/** A refusal of the policy as a whole: its metadata, its policyTypes or its own podSelector. */
export interface SpecRefusal {
  kind: "spec";
  /** JSON Pointer of the offending field inside the policy. */
  pointer: string;
  reason: string;
}

interface RuleAt {
  direction: "ingress" | "egress";
  /** The rule's index in spec.ingress or spec.egress. */
  rule: number;
  /** JSON Pointer of the offending field inside the policy. */
  pointer: string;
  reason: string;
}

export interface PeerRefusal extends RuleAt {
  kind: "peer";
}

export interface PortRefusal extends RuleAt {
  kind: "port";
  /** JSON Pointer of the ports entry, e.g. /spec/ingress/0/ports/1. */
  entry: string;
  /** The entry's port, as written. */
  port: unknown;
  /** True when the port is a string that is no port name: the reason is that, alone. */
  badName: boolean;
}

const DIRECTIONS = [
  ["ingress", "from"],
  ["egress", "to"],
] as const;

/** Every reason the API server would refuse the NetworkPolicy `object` value; empty when it is accepted. */
export function policyRefusals(policy: unknown, options: RefusalOptions = {}): PolicyRefusal[] {
  const spec = isRecord(policy) && isRecord(policy.spec) ? policy.spec : {};
  const metadata = isRecord(policy) && isRecord(policy.metadata) ? policy.metadata : {};
  const strictIp = options.strictIp ?? true;
  return [...metadataRefusals(metadata), ...specRefusals(spec), ...ruleRefusals(spec, strictIp)];
}

/** The refusal options of a `--kubernetes-version` as given (none: the default target). */
export function refusalOptionsFor(kubernetesVersion: string | undefined): RefusalOptions {
  return { strictIp: strictIpValidationFor(kubernetesVersion) };
}

export interface RefusalOptions {
  /**
   * The target version validates CIDRs strictly (`strictIpValidation(minor)` of core: 1.36 and
   * later): 10.0.0.1/8 is refused there and read as 10.0.0.0/8 before. Default true, as the
   * default target (the newest bundled version) does.
   */
  strictIp?: boolean;
}

/**
 * ValidateObjectMeta with ValidateNetworkPolicyName: the name a DNS-1123 subdomain, the
 * namespace a DNS-1123 label, label keys and values, annotation keys (lower-cased first).
 */
function metadataRefusals(metadata: Record<string, unknown>): SpecRefusal[] {
  const problems: [string, string][] = [];
  const { name, namespace } = metadata;
  const nameProblem = typeof name === "string" && name !== "" && dns1123SubdomainProblem(name);
  if (nameProblem) problems.push(["/metadata/name", `its name ${nameProblem}`]);
  const namespaceProblem =
    typeof namespace === "string" && namespace !== "" && dns1123LabelProblem(namespace);
  if (namespaceProblem) problems.push(["/metadata/namespace", `its namespace ${namespaceProblem}`]);
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  for (const [key, value] of Object.entries(labels)) {
    problems.push(...labelPairProblems(key, value, `/metadata/labels/${escapeSegment(key)}`));
  }
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  for (const key of Object.keys(annotations)) {
    const problem = annotationKeyProblem(key);
    if (problem)
      problems.push([
        `/metadata/annotations/${escapeSegment(key)}`,
        `the annotation key ${JSON.stringify(key)} ${problem}`,
      ]);
  }
  return problems.map(([pointer, reason]) => ({ kind: "spec", pointer, reason }));
}

const POLICY_TYPES = new Set(["Ingress", "Egress"]);

/** policyTypes other than Ingress and Egress (case matters), and a podSelector the API refuses. */
function specRefusals(spec: Record<string, unknown>): SpecRefusal[] {
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  const badTypes = types.flatMap((type, index): SpecRefusal[] =>
    typeof type === "string" && POLICY_TYPES.has(type)
      ? []
      : [
          {
            kind: "spec",
            pointer: `/spec/policyTypes/${index}`,
            reason: `policyTypes holds ${JSON.stringify(type)}: only "Ingress" and "Egress" exist, spelt so`,
          },
        ],
  );
  const selector = labelSelectorProblems(spec.podSelector, "/spec/podSelector").map(
    ([pointer, reason]): SpecRefusal => ({ kind: "spec", pointer, reason }),
  );
  return [...badTypes, ...selector];
}

function ruleRefusals(spec: Record<string, unknown>, strictIp: boolean): PolicyRefusal[] {
  return DIRECTIONS.flatMap(([direction, peerKey]) => {
    const rules = Array.isArray(spec[direction]) ? spec[direction] : [];
    return rules.flatMap((body: unknown, rule: number): PolicyRefusal[] => {
      if (!isRecord(body)) return [];
      const at = { direction, rule, pointer: `/spec/${direction}/${rule}` };
      return [
        ...peerRefusals(body[peerKey], at, peerKey, strictIp),
        ...portRefusals(body.ports, at),
      ];
    });
  });
}

interface At {
  direction: "ingress" | "egress";
  rule: number;
  pointer: string;
}

function peerRefusals(peers: unknown, rule: At, peerKey: string, strictIp: boolean): PeerRefusal[] {
  if (!Array.isArray(peers)) return [];
  return peers.flatMap((peer, index) => {
    const at = `${rule.pointer}/${peerKey}/${index}`;
    return peerProblems(peer, at, strictIp).map(([pointer, reason]) => ({
      kind: "peer" as const,
      direction: rule.direction,
      rule: rule.rule,
      pointer,
      reason,
    }));
  });
}

/** A peer with no selector and no ipBlock, an ipBlock beside a selector, a bad cidr or except. */
function peerProblems(peer: unknown, at: string, strictIp: boolean): [string, string][] {
  if (!isRecord(peer)) return [];
  const selectors = peer.podSelector != null || peer.namespaceSelector != null;
  const selectorErrors = [
    ...labelSelectorProblems(peer.podSelector, `${at}/podSelector`),
    ...labelSelectorProblems(peer.namespaceSelector, `${at}/namespaceSelector`),
  ];
  if (selectorErrors.length > 0) return selectorErrors;
  if (peer.ipBlock == null) {
    return selectors ? [] : [[at, "a peer names no podSelector, namespaceSelector or ipBlock"]];
  }
  if (selectors) return [[`${at}/ipBlock`, "a peer sets an ipBlock beside a selector"]];
  const block = isRecord(peer.ipBlock) ? peer.ipBlock : {};
  const blockProblem = cidrProblem(block.cidr, strictIp);
  if (blockProblem) {
    return [
      [`${at}/ipBlock`, `the ipBlock's cidr ${String(block.cidr ?? "(none)")} ${blockProblem}`],
    ];
  }
  const whole = parseCidr(block.cidr as string) as IpInterval;
  const except = Array.isArray(block.except) ? block.except : [];
  return except.flatMap((hole, e): [string, string][] => {
    const holeProblem = cidrProblem(hole, strictIp);
    if (holeProblem)
      return [[`${at}/ipBlock/except/${e}`, `the except entry ${String(hole)} ${holeProblem}`]];
    const inner = parseCidr(hole as string);
    const strictSubset =
      inner !== undefined &&
      inner[0] >= whole[0] &&
      inner[1] <= whole[1] &&
      (inner[0] !== whole[0] || inner[1] !== whole[1]);
    if (strictSubset) return [];
    return [
      [
        `${at}/ipBlock/except/${e}`,
        `the except entry ${String(hole)} is not a strict subset of the cidr ${String(block.cidr)}`,
      ],
    ];
  });
}

function portRefusals(ports: unknown, rule: At): PortRefusal[] {
  if (!Array.isArray(ports)) return [];
  return ports.flatMap((entry, index): PortRefusal[] => {
    if (!isRecord(entry)) return [];
    const problem = protocolProblem(entry.protocol) ?? portProblem(entry.port, entry.endPort);
    if (!problem) return [];
    const at = `${rule.pointer}/ports/${index}`;
    const badName = problem === "name";
    return [
      {
        kind: "port",
        direction: rule.direction,
        rule: rule.rule,
        pointer: `${at}/${badName ? "port" : problem.field}`,
        reason: badName ? "the port is a string that is no port name" : problem.reason,
        entry: at,
        port: entry.port,
        badName,
      },
    ];
  });
}

/**
 * A string port must be a port name (IANA_SVC_NAME, as the API server validates it): 1 to 15
 * characters of [a-z0-9-], at least one letter, no leading, trailing or doubled hyphen. "8000"
 * in quotes is a string, not a number, and the whole object is refused.
 */
export function isBadPortName(port: unknown): boolean {
  return typeof port === "string" && portNameProblem(port) !== undefined;
}

const PROTOCOLS = new Set(["TCP", "UDP", "SCTP"]);

/** ValidateNetworkPolicyPort: the protocol is TCP, UDP or SCTP, upper case ("tcp" is refused). */
function protocolProblem(protocol: unknown): { field: "protocol"; reason: string } | undefined {
  if (protocol === undefined || protocol === null) return undefined;
  if (typeof protocol === "string" && PROTOCOLS.has(protocol)) return undefined;
  return { field: "protocol", reason: "the protocol is none of TCP, UDP, SCTP (upper case)" };
}

const isPortNumber = (n: unknown) =>
  typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535;

function portProblem(
  port: unknown,
  endPort: unknown,
): "name" | { field: "port" | "endPort"; reason: string } | undefined {
  if (isBadPortName(port)) return "name";
  if (typeof port === "number" && !isPortNumber(port))
    return { field: "port", reason: "a port number is 1 to 65535" };
  if (endPort === undefined || endPort === null) return undefined;
  if (port === undefined || port === null)
    return { field: "endPort", reason: "an endPort needs a port to start the range" };
  if (typeof port === "string")
    return { field: "endPort", reason: "an endPort needs a numeric port, not a name" };
  if (!isPortNumber(endPort)) return { field: "endPort", reason: "a port number is 1 to 65535" };
  if ((endPort as number) < (port as number))
    return { field: "endPort", reason: "the endPort is below the port" };
  return undefined;
}
