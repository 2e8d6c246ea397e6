/**
 * A small NetworkPolicy evaluator for the renderer's own output (matchLabels selectors, numeric
 * ports, ipBlock as "outside"): enough to prove the rendered policies allow exactly the guide's
 * table. The full semantics live in @scout-deploy/netpol.
 */
type Labels = Record<string, string>;
type Json = Record<string, unknown>;

export interface Endpoint {
  name: string;
  namespace?: string;
  namespaceLabels?: Labels;
  labels?: Labels;
  /** Outside the cluster: reached through ipBlock peers only. */
  external?: boolean;
}

export interface Port {
  port: number;
  protocol: "TCP" | "UDP";
}

interface Policy {
  namespace: string;
  podSelector: Json;
  policyTypes: string[];
  ingress: Json[];
  egress: Json[];
}

export function policiesOf(objects: Json[]): Policy[] {
  return objects
    .filter((o) => o.kind === "NetworkPolicy")
    .map((o) => {
      const spec = o.spec as Json;
      return {
        namespace: (o.metadata as Json).namespace as string,
        podSelector: spec.podSelector as Json,
        policyTypes: spec.policyTypes as string[],
        ingress: (spec.ingress as Json[]) ?? [],
        egress: (spec.egress as Json[]) ?? [],
      };
    });
}

function matches(selector: Json | undefined, labels: Labels = {}): boolean {
  const wanted = (selector?.matchLabels as Labels) ?? {};
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

function selects(policy: Policy, pod: Endpoint): boolean {
  return (
    !pod.external && pod.namespace === policy.namespace && matches(policy.podSelector, pod.labels)
  );
}

function peerMatches(peer: Json, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) return other.external === true;
  if (other.external) return false;
  const inNamespace = peer.namespaceSelector
    ? matches(peer.namespaceSelector as Json, other.namespaceLabels)
    : other.namespace === policyNamespace;
  return inNamespace && matches(peer.podSelector as Json | undefined, other.labels);
}

function portMatches(ports: Json[] | undefined, port: Port): boolean {
  if (!ports) return true;
  return ports.some((p) => p.port === port.port && (p.protocol ?? "TCP") === port.protocol);
}

function allows(
  policies: Policy[],
  pod: Endpoint,
  other: Endpoint,
  port: Port,
  direction: "Ingress" | "Egress",
) {
  const relevant = policies.filter((p) => p.policyTypes.includes(direction) && selects(p, pod));
  if (relevant.length === 0) return true;
  const key = direction === "Ingress" ? "from" : "to";
  return relevant.some((policy) =>
    (direction === "Ingress" ? policy.ingress : policy.egress).some((rule) => {
      const peers = rule[key] as Json[] | undefined;
      const peerOk =
        !peers ||
        peers.length === 0 ||
        peers.some((peer) => peerMatches(peer, policy.namespace, other));
      return peerOk && portMatches(rule.ports as Json[] | undefined, port);
    }),
  );
}

/** Every "from -> to port/proto" that both sides' policies allow. */
export function allowedFlows(policies: Policy[], endpoints: Endpoint[], ports: Port[]): string[] {
  const flows: string[] = [];
  for (const from of endpoints) {
    for (const to of endpoints) {
      if (from === to || to.external) continue;
      for (const port of ports) {
        const egress = from.external || allows(policies, from, to, port, "Egress");
        if (egress && allows(policies, to, from, port, "Ingress")) {
          flows.push(`${from.name} -> ${to.name} ${port.port}/${port.protocol}`);
        }
      }
    }
  }
  return flows.sort();
}
