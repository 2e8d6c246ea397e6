import { buildBundle, parseSource } from "@scout-deploy/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze, type Connectivity } from "./analyze.js";
import {
  type ConnSet,
  contains,
  equals,
  formatConns,
  intersect,
  NO_CONNS,
  PROTOCOLS,
} from "./conns.js";
import { formatIp, IPV4_SPACE, IPV6_SPACE, type IpInterval, parseCidr } from "./ip.js";
import type { Workload } from "./model.js";
import {
  askDataplane,
  type DataplaneCase,
  dataplanePath,
  type Json,
  type Query,
} from "./test-support/dataplane.js";
import {
  type DataplaneScenario,
  dataplaneScenarioArb,
  labelledNamespaces,
  namespaceLabellingArb,
  scenarioDocuments,
  scenarioYaml,
  undeclaredNamespaces,
} from "./test-support/scenarios.js";

/**
 * Differential test against a NetworkPolicy dataplane: sigs.k8s.io/kube-network-policies, the
 * implementation of kindnet (scripts/netpol-oracle). For generated scenarios, every workload pair
 * and every workload with the outside, on every protocol and at every port where either side's
 * answer may change, our flows must allow exactly what the dataplane lets through.
 *
 * The deliberate differences are in packages/netpol/README.md; the one the generator meets
 * ("ipBlock and the cluster's own addresses"): the dataplane applies an ipBlock to pod and node
 * addresses too, our model to addresses outside the cluster only. The cases make our reading
 * explicit in the dataplane's terms: the pod and node ranges are excepted from every ipBlock
 * that covers them, and no external address is taken inside them.
 */

const SCENARIOS = Number(process.env.NETPOL_DATAPLANE_SCENARIOS ?? 600);
const SEED = Number(process.env.NETPOL_DATAPLANE_SEED ?? 20261207);
/**
 * Labellings the cluster may give a scenario's namespaces without a Namespace object: the first
 * leaves them only their name label, the others are random.
 */
const LABELLINGS = Number(process.env.NETPOL_DATAPLANE_LABELLINGS ?? 4);
const binary = dataplanePath();
const inCi = Boolean(process.env.CI);

if (!binary && !inCi) {
  console.warn(
    "NetworkPolicy dataplane differential test skipped: netpol-oracle not found (run scripts/install-netpol-oracle.sh or set NETPOL_ORACLE_PATH)",
  );
}

/**
 * Where the cases' dual-stack cluster puts pods and (hostNetwork pods') nodes: of the generated
 * ipBlocks, only 0.0.0.0/0, ::/0 and fd00::/8 cover them.
 */
const CLUSTER_RANGES = ["100.64.0.0/10", "198.18.0.0/15", "fd10:244::/64", "fd18::/64"];
const clusterRanges = CLUSTER_RANGES.map((r) => parseCidr(r)!);
/** Outside addresses asked besides the ipBlocks' edges. */
const FIXED_EXTERNAL = ["8.8.8.8", "203.0.113.7", "2001:4860:4860::8888", "2001:db8:1::7"];

interface Pod {
  /** Its name, after the workload it belongs to: "ns-a/w1[StatefulSet] w1-0". */
  label: string;
  ipv4: string;
  ipv6: string;
  /** The id of our workload that stands for it. */
  workload: string;
}

const isIpv6 = (address: string) => address.includes(":");

/** Stand-ins for the values only the cluster knows: no selector of the scenarios names them. */
const TEMPLATE_HASH = "5d8c7b9f6";
const UID = "0b6f3c7e-1a2b-4c5d-8e9f-000000000001";

/**
 * The pods a workload's controller makes, as the API server holds them: the template's labels
 * plus the controller's (a StatefulSet's pod name, index and revision, a Job's job-name and
 * controller uid unless it selects its pods itself, an Indexed Job's completion index, a
 * Deployment's pod-template-hash), and `ours`, what our model calls the pod when it tells it from the others.
 */
function controllerPods(document: Json): { name: string; labels: Json; ours?: string }[] {
  const metadata = document.metadata as Json;
  const name = metadata.name as string;
  const spec = document.spec as Json;
  if (document.kind === "Pod") return [{ name, labels: metadata.labels as Json }];
  const labels = ((spec.template as Json).metadata as Json).labels as Json;
  switch (document.kind) {
    case "StatefulSet":
      return Array.from({ length: spec.replicas as number }, (_, i) => ({
        name: `${name}-${i}`,
        labels: {
          ...labels,
          "statefulset.kubernetes.io/pod-name": `${name}-${i}`,
          "apps.kubernetes.io/pod-index": String(i),
          "controller-revision-hash": `${name}-${TEMPLATE_HASH}`,
        },
        ours: `${name}-${i}`,
      }));
    case "Job": {
      const added = spec.manualSelector
        ? {}
        : {
            "job-name": name,
            "batch.kubernetes.io/job-name": name,
            "controller-uid": UID,
            "batch.kubernetes.io/controller-uid": UID,
          };
      if (spec.completionMode !== "Indexed")
        return [{ name: `${name}-x7k2p`, labels: { ...labels, ...added } }];
      return Array.from({ length: spec.completions as number }, (_, i) => ({
        name: `${name}-${i}-x7k2p`,
        labels: { ...labels, ...added, "batch.kubernetes.io/job-completion-index": String(i) },
        ours: `index ${i}`,
      }));
    }
    default:
      return [
        {
          name: `${name}-${TEMPLATE_HASH}-q4m2z`,
          labels: { ...labels, "pod-template-hash": TEMPLATE_HASH },
        },
      ];
  }
}

/** A workload's pods: their addresses, the Pods the API server would hold, and our workload for each. */
function podsOf(
  document: Json,
  workloads: readonly Workload[],
  next: () => number,
): { pod: Pod; object: Json }[] {
  const spec = document.spec as Json;
  const podSpec = (document.kind === "Pod" ? spec : (spec.template as Json).spec) as Json;
  const metadata = document.metadata as Json;
  const namespace = metadata.namespace as string;
  const candidates = workloads.filter((w) => w.namespace === namespace && w.name === metadata.name);
  return controllerPods(document).map(({ name, labels, ours }) => {
    const index = next();
    const [ipv4, ipv6] = podSpec.hostNetwork
      ? [`198.18.${index >> 8}.${(index & 255) + 1}`, `fd18::${index + 1}`]
      : [`100.64.${index >> 8}.${(index & 255) + 1}`, `fd10:244::${index + 1}`];
    const workload = candidates.find((w) => !w.pods || (ours && w.pods.includes(ours)));
    if (!workload) throw new Error(`no workload of ours stands for pod ${namespace}/${name}`);
    return {
      pod: { label: `${workload.id} ${name}`, ipv4, ipv6, workload: workload.id },
      object: {
        metadata: { name, namespace, labels },
        spec: podSpec,
        status: { podIPs: [{ ip: ipv4 }, { ip: ipv6 }] },
      },
    };
  });
}

/** Each ipBlock that covers a cluster range, with that range excepted (see the file's comment). */
function externalOnly(policy: Json): Json {
  const copy = structuredClone(policy);
  const spec = copy.spec as Json;
  for (const [rules, key] of [
    [spec.ingress, "from"],
    [spec.egress, "to"],
  ] as const) {
    if (!Array.isArray(rules)) continue;
    for (const rule of rules as Json[]) {
      for (const peer of (rule[key] as Json[] | undefined) ?? []) {
        const block = peer.ipBlock as { cidr: string; except?: string[] } | undefined;
        const range = block && parseCidr(block.cidr);
        if (!block || !range) continue;
        const covered = CLUSTER_RANGES.filter((r) => within(parseCidr(r)!, range));
        if (covered.length) block.except = [...(block.except ?? []), ...covered];
      }
    }
  }
  return copy;
}

function within(inner: IpInterval, outer: IpInterval): boolean {
  return outer[0] <= inner[0] && inner[1] <= outer[1];
}

/** Every value a policy or container port of the scenario names: ports are asked around them. */
function portsToAsk(documents: readonly Json[]): number[] {
  const edges = new Set<number>([1, 65535]);
  const add = (n: unknown) => {
    if (typeof n !== "number") return;
    for (const p of [n - 1, n, n + 1]) if (p >= 1 && p <= 65535) edges.add(p);
  };
  JSON.stringify(documents, (key, value) => {
    if (key === "port" || key === "endPort" || key === "containerPort") add(value);
    return value;
  });
  return [...edges].sort((a, b) => a - b);
}

/** The edges of every CIDR the scenario names (and one address either side), outside the cluster's ranges. */
function externalAddresses(documents: readonly Json[]): string[] {
  const points = new Set<bigint>();
  JSON.stringify(documents, (key, value) => {
    const cidrs = key === "cidr" ? [value] : key === "except" ? (value as string[]) : [];
    for (const cidr of cidrs) {
      const range = parseCidr(cidr as string);
      if (!range) continue;
      const [lo, hi] = range[0] < IPV6_SPACE[0] ? IPV4_SPACE : IPV6_SPACE;
      for (const p of [range[0] - 1n, range[0], range[1], range[1] + 1n])
        if (lo <= p && p <= hi) points.add(p);
    }
    return value;
  });
  const outside = [...points].filter((p) => !clusterRanges.some(([lo, hi]) => lo <= p && p <= hi));
  return [...new Set([...outside.map(formatIp), ...FIXED_EXTERNAL])];
}

interface Comparison {
  dataplaneCase: DataplaneCase;
  /** What our flows allow for each query (surely or perhaps), in the dataplane's answer format. */
  ours: string[];
  /** What we say is allowed whatever the labels the input leaves open (`sureSides`). */
  sure: string[];
  labels: string[];
  /** Pairs where our own two readings (flows, sides) disagree. */
  inconsistent: string[];
}

function compareCase(id: string, scenario: DataplaneScenario): Comparison {
  const documents = scenarioDocuments(scenario);
  const connectivity = analyze(buildBundle([parseSource("scenario.yaml", scenarioYaml(scenario))]));
  let count = 0;
  const pods = documents
    .filter((d) => d.kind !== "Namespace" && d.kind !== "NetworkPolicy")
    .flatMap((d) => podsOf(d, connectivity.model.workloads, () => count++));
  const ports = portsToAsk(documents);
  const external = externalAddresses(documents);
  const ourConns = flowIndex(connectivity);
  const queries: Query[] = [];
  const ours: string[] = [];
  const sure: string[] = [];
  const labels: string[] = [];
  const verdicts = (conns: ConnSet, protocol: (typeof PROTOCOLS)[number]) =>
    ports.map((port) => (contains(conns, protocol, port) ? "1" : "0")).join("");
  // Addresses are matched by ipBlocks alone: no label decides them, so what is allowed is sure.
  const ask = (src: string, dst: string, conns: ConnSet, label: string, sureConns = conns) => {
    for (const protocol of PROTOCOLS) {
      queries.push({ src, dst, protocol, ports });
      ours.push(verdicts(conns, protocol));
      sure.push(verdicts(sureConns, protocol));
      labels.push(`${label} ${protocol}`);
    }
  };
  // Our flows cut IPv6 into ranges only when a policy of that direction names it (README).
  const namesIpv6 = {
    ingress: connectivity.ingressRanges.some((r) => r[1] >= IPV6_SPACE[0]),
    egress: connectivity.egressRanges.some((r) => r[1] >= IPV6_SPACE[0]),
  };
  // What port-coherence reads (sides) must be what flows and allowed-flows read.
  const inconsistent: string[] = [];
  const endpoints = new Map(
    connectivity.model.workloads.map((w) => [w.id, { kind: "workload" as const, workload: w }]),
  );
  for (const { pod: a } of pods) {
    for (const { pod: b } of pods) {
      // Our flows leave out a workload's traffic to itself: pods it does not tell apart.
      if (a.workload === b.workload) continue;
      const conns = ourConns.pair(a.workload, b.workload);
      const [from, to] = [endpoints.get(a.workload)!, endpoints.get(b.workload)!];
      const sides = connectivity.sides(from, to);
      const bySides = intersect(sides.egress, sides.ingress);
      if (!equals(conns, bySides))
        inconsistent.push(
          `${a.label} => ${b.label}: flows ${formatConns(conns)}, sides ${formatConns(bySides)}`,
        );
      const sureSides = connectivity.sureSides(from, to);
      const sureConns = intersect(sureSides.egress, sureSides.ingress);
      ask(a.ipv4, b.ipv4, conns, `${a.label} => ${b.label}`, sureConns);
      ask(a.ipv6, b.ipv6, conns, `${a.label} => ${b.label} (IPv6)`, sureConns);
    }
    for (const address of external) {
      const own = isIpv6(address) ? a.ipv6 : a.ipv4;
      if (!isIpv6(address) || namesIpv6.ingress)
        ask(address, own, ourConns.external(a.workload, address, true), `${address} => ${a.label}`);
      if (!isIpv6(address) || namesIpv6.egress)
        ask(
          own,
          address,
          ourConns.external(a.workload, address, false),
          `${a.label} => ${address}`,
        );
    }
  }
  return {
    dataplaneCase: {
      id,
      namespaces: documents.filter((d) => d.kind === "Namespace"),
      pods: pods.map((p) => p.object),
      policies: documents.filter((d) => d.kind === "NetworkPolicy").map(externalOnly),
      queries,
    },
    ours,
    sure,
    labels,
    inconsistent,
  };
}

/**
 * The case once per labelling of the scenario's namespaces without a Namespace object (once
 * when it declares them all): the cluster holds them with labels the input does not show.
 */
function labelledCases(
  comparison: Comparison,
  scenario: DataplaneScenario,
  labellings: readonly Record<string, string>[][],
): DataplaneCase[] {
  if (undeclaredNamespaces(scenario).length === 0) return [comparison.dataplaneCase];
  const bare = labellings[0]!.map(() => ({}));
  return [bare, ...labellings.slice(1)].map((labelling, k) => ({
    ...comparison.dataplaneCase,
    id: `${comparison.dataplaneCase.id}-l${k}`,
    namespaces: [
      ...comparison.dataplaneCase.namespaces,
      ...labelledNamespaces(scenario, labelling),
    ],
  }));
}

/** Our allowed connections per workload pair and per workload and outside address. */
function flowIndex(connectivity: Connectivity) {
  const pairs = new Map<string, ConnSet>();
  const external = new Map<string, { range: IpInterval; conns: ConnSet }[]>();
  for (const flow of connectivity.flows) {
    const { from, to } = flow;
    if (from.kind === "workload" && to.kind === "workload")
      pairs.set(`${from.workload.id} => ${to.workload.id}`, flow.conns);
    else if (from.kind === "external" && to.kind === "workload")
      push(external, `${to.workload.id} in`, { range: from.range, conns: flow.conns });
    else if (from.kind === "workload" && to.kind === "external")
      push(external, `${from.workload.id} out`, { range: to.range, conns: flow.conns });
  }
  return {
    pair: (a: string, b: string) => pairs.get(`${a} => ${b}`) ?? NO_CONNS,
    external(workload: string, address: string, inbound: boolean): ConnSet {
      const point = parseCidr(`${address}/${isIpv6(address) ? 128 : 32}`)![0];
      const ranges = external.get(`${workload} ${inbound ? "in" : "out"}`) ?? [];
      return ranges.find((r) => r.range[0] <= point && point <= r.range[1])?.conns ?? NO_CONNS;
    },
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Readable differences under one labelling: each query where the dataplane lets through what we
 * do not allow even perhaps, or drops what we call sure, with the ports where it does. Without
 * open labels sure and perhaps are one, and this is equality.
 */
function differences(comparison: Comparison, theirs: readonly string[]): string[] {
  const ports = comparison.dataplaneCase.queries[0]?.ports ?? [];
  return comparison.ours.flatMap((ours, i) => {
    const sure = comparison.sure[i]!;
    const at = ports.flatMap((port, j) => {
      const dataplane = theirs[i]![j];
      if (dataplane === "1" ? ours[j] === "1" : sure[j] === "0") return [];
      return [
        `${port} (ours ${sure[j] === "1" ? "sure" : ours[j] === "1" ? "maybe" : "0"}, dataplane ${dataplane})`,
      ];
    });
    return at.length ? [`${comparison.labels[i]}: ${at.join(", ")}`] : [];
  });
}

describe.skipIf(!binary && !inCi)(
  "differential test against a NetworkPolicy dataplane (kube-network-policies)",
  () => {
    it("finds netpol-oracle (in CI a missing binary is a failure)", () => {
      expect(
        binary,
        "netpol-oracle is not installed: run scripts/install-netpol-oracle.sh",
      ).toBeDefined();
    });

    it(`agrees with it on ${SCENARIOS} generated policy sets`, { timeout: 300_000 }, async () => {
      const scenarios = fc.sample(dataplaneScenarioArb, { numRuns: SCENARIOS, seed: SEED });
      const labellings = fc.sample(
        fc.array(namespaceLabellingArb, { minLength: LABELLINGS, maxLength: LABELLINGS }),
        { numRuns: SCENARIOS, seed: SEED + 1 },
      );
      const comparisons = scenarios.map((s, i) => compareCase(`s${i}`, s));
      const cases = comparisons.map((c, i) => labelledCases(c, scenarios[i]!, labellings[i]!));
      const answers = await askDataplane(binary!, cases.flat());
      let restricted = 0;
      let verdicts = 0;
      let labelled = 0;
      let next = 0;
      const failures: string[] = [];
      comparisons.forEach((comparison, i) => {
        const diff = comparison.inconsistent.slice();
        if (cases[i]!.length > 1) labelled++;
        for (const dataplaneCase of cases[i]!) {
          const theirs = answers[next++]!;
          verdicts += theirs.join("").length;
          if (theirs.some((t) => t.includes("0"))) restricted++;
          const namespaces = dataplaneCase.namespaces
            .map((n) => JSON.stringify((n as Json).metadata))
            .join(" ");
          diff.push(
            ...differences(comparison, theirs).map((d) => `${d} [namespaces ${namespaces}]`),
          );
        }
        if (diff.length)
          failures.push(`scenario ${i}:\n  ${diff.join("\n  ")}\n${scenarioYaml(scenarios[i]!)}`);
      });
      // Scenarios with namespaces the input does not describe must be met, or the labellings prove nothing.
      expect(labelled, "scenarios with a namespace without a Namespace object").toBeGreaterThan(
        SCENARIOS / 4,
      );
      // Agreement on "everything is open" would prove little.
      expect(restricted, "cases where the dataplane drops something").toBeGreaterThan(
        SCENARIOS / 2,
      );
      expect(
        failures.slice(0, 2).join("\n"),
        `${failures.length} of ${SCENARIOS} scenarios differ (${verdicts} verdicts)`,
      ).toBe("");
    });

    // The documented difference, kept in sight: should the dataplane stop applying ipBlocks to
    // pods, the README's section and the cases' excepts are to go.
    it("applies an ipBlock to pod addresses, where our model admits only outside addresses", async () => {
      const yaml = `apiVersion: v1
kind: Pod
metadata: {name: client, namespace: scout, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: scout, labels: {app: server}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: internet-only, namespace: scout}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]
`;
      const connectivity = analyze(buildBundle([parseSource("scout.yaml", yaml)]));
      const ours = flowIndex(connectivity);
      expect(formatConns(ours.pair("scout/client[Pod]", "scout/server[Pod]"))).toBe(
        "No Connections",
      );
      expect(formatConns(ours.external("scout/client[Pod]", "8.8.8.8", false))).toBe("TCP 443");
      const objects = parseSource("scout.yaml", yaml).documents.map((d) => d.value as Json);
      const pod = (o: Json, ip: string) => ({ ...o, status: { podIPs: [{ ip }] } });
      const [answer] = await askDataplane(binary!, [
        {
          id: "ip-block-on-pods",
          namespaces: [],
          pods: [pod(objects[0]!, "100.64.0.1"), pod(objects[1]!, "100.64.0.2")],
          policies: [objects[2]!],
          queries: [
            { src: "100.64.0.1", dst: "100.64.0.2", protocol: "TCP", ports: [443, 80] },
            { src: "100.64.0.1", dst: "8.8.8.8", protocol: "TCP", ports: [443, 80] },
          ],
        },
      ]);
      expect(answer).toEqual(["10", "10"]);
    });
  },
);
