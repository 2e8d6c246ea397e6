import fc from "fast-check";

/** Random but valid Kubernetes manifests: namespaces, Deployments and NetworkPolicies, as plain objects. */

const LABEL_VALUES = { app: ["a", "b", "c"], tier: ["web", "db"] } as const;
const NS_LABELS = { team: ["x", "y"], env: ["prod", "dev"] } as const;
const NAMESPACES = ["ns-a", "ns-b", "ns-c"];
/** Where workloads and policies live; ns-c exists only to be (not) selected by namespaceSelectors. */
const HOMES = ["ns-a", "ns-b"];
const CONTAINER_PORTS = [
  { name: "http", containerPort: 80, protocol: "TCP" },
  { name: "dns", containerPort: 53, protocol: "UDP" },
  { name: "metrics", containerPort: 9090, protocol: "TCP" },
  { name: "web", containerPort: 8080, protocol: "TCP" },
  { name: "assoc", containerPort: 8081, protocol: "SCTP" },
];
const CIDRS = [
  { cidr: "0.0.0.0/0" },
  { cidr: "10.0.0.0/8" },
  { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] },
  { cidr: "10.1.0.0/16" },
  { cidr: "192.168.0.0/24" },
  { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "192.168.0.0/16"] },
  { cidr: "172.16.0.0/12", except: ["172.16.5.0/24"] },
];
const NUMBERED_PORTS = [53, 80, 443, 8080, 9090];

export type Json = Record<string, unknown>;

function labelsArb<K extends string>(
  pool: Readonly<Record<K, readonly string[]>>,
): fc.Arbitrary<Record<string, string>> {
  const keys = Object.keys(pool) as K[];
  return fc
    .tuple(...keys.map((k) => fc.option(fc.constantFrom(...pool[k]), { nil: undefined })))
    .map((values) =>
      Object.fromEntries(keys.flatMap((k, i) => (values[i] ? [[k, values[i]!]] : []))),
    );
}

function selectorArb<K extends string>(
  pool: Readonly<Record<K, readonly string[]>>,
): fc.Arbitrary<Json> {
  const keys = Object.keys(pool) as K[];
  const key = fc.constantFrom(...keys);
  const expression = key.chain((k) =>
    fc.oneof(
      fc.record({
        key: fc.constant(k),
        operator: fc.constantFrom("In", "NotIn"),
        values: fc.subarray([...pool[k]], { minLength: 1 }),
      }),
      fc.record({ key: fc.constant(k), operator: fc.constantFrom("Exists", "DoesNotExist") }),
    ),
  );
  return fc.oneof(
    fc.constant({}),
    labelsArb(pool).map((matchLabels) => ({ matchLabels })),
    fc
      .array(expression, { minLength: 1, maxLength: 2 })
      .map((matchExpressions) => ({ matchExpressions })),
    fc
      .tuple(labelsArb(pool), expression)
      .map(([matchLabels, e]) => ({ matchLabels, matchExpressions: [e] })),
  );
}

const podSelector = selectorArb(LABEL_VALUES);
const namespaceSelector = fc.oneof(
  selectorArb(NS_LABELS),
  fc
    .constantFrom(...NAMESPACES)
    .map((n) => ({ matchLabels: { "kubernetes.io/metadata.name": n } })),
);

function podPeerOf(pods: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc.oneof(
    pods.map((s) => ({ podSelector: s })),
    namespaceSelector.map((s) => ({ namespaceSelector: s })),
    fc.tuple(pods, namespaceSelector).map(([p, n]) => ({ podSelector: p, namespaceSelector: n })),
  );
}
const podPeer = podPeerOf(podSelector);

/**
 * The labels controllers add to pods (dataplane scenarios only: netpol-analyzer gives a
 * workload's pods its template's labels). Values a selector can name: a StatefulSet's pod names
 * and indexes, a Job's name, an Indexed Job's completion indexes; keys whose values only the
 * cluster knows are asked for presence only, where the answer is certain.
 */
const CONTROLLER_LABELS: Record<string, readonly string[]> = {
  "statefulset.kubernetes.io/pod-name": ["w0-0", "w0-1", "w1-0", "w1-2", "w2-1", "w3-0"],
  "apps.kubernetes.io/pod-index": ["0", "1", "2"],
  "job-name": ["w0", "w1", "w2", "w3"],
  "batch.kubernetes.io/job-name": ["w0", "w1", "w2", "w3"],
  "batch.kubernetes.io/job-completion-index": ["0", "1", "2"],
};
const UNKNOWN_KEYS = [
  "pod-template-hash",
  "controller-revision-hash",
  "pod-template-generation",
  "controller-uid",
  "batch.kubernetes.io/controller-uid",
];
const controllerRequirement: fc.Arbitrary<{ matchLabels?: Json; expression?: Json }> = fc
  .constantFrom(...Object.keys(CONTROLLER_LABELS))
  .chain((key) =>
    fc.oneof(
      fc.constantFrom(...CONTROLLER_LABELS[key]!).map((v) => ({ matchLabels: { [key]: v } })),
      fc
        .tuple(
          fc.constantFrom("In", "NotIn"),
          fc.subarray([...CONTROLLER_LABELS[key]!], { minLength: 1, maxLength: 2 }),
        )
        .map(([operator, values]) => ({ expression: { key, operator, values } })),
      fc
        .tuple(fc.constantFrom(key, ...UNKNOWN_KEYS), fc.constantFrom("Exists", "DoesNotExist"))
        .map(([k, operator]) => ({ expression: { key: k, operator } })),
    ),
  );
/** A template-label selector, sometimes with a requirement on a label a controller adds. */
const dataplanePodSelector: fc.Arbitrary<Json> = fc
  .tuple(podSelector, fc.option(controllerRequirement, { nil: undefined, freq: 2 }))
  .map(([selector, extra]) => {
    if (!extra) return selector;
    const result: Json = { ...selector };
    if (extra.matchLabels)
      result.matchLabels = { ...((selector.matchLabels as Json) ?? {}), ...extra.matchLabels };
    if (extra.expression)
      result.matchExpressions = [
        ...((selector.matchExpressions as Json[]) ?? []),
        extra.expression,
      ];
    return result;
  });
const ipPeer = fc.constantFrom(...CIDRS).map((b) => ({ ipBlock: { ...b } }));
/** IPv6 blocks, for dual-stack pods (the dataplane oracle's scenarios only). */
const CIDRS_V6 = [
  { cidr: "::/0" },
  { cidr: "::/0", except: ["fd00::/8"] },
  { cidr: "2001:db8::/32", except: ["2001:db8:1::/48"] },
  { cidr: "fd00::/8" },
];
const ipPeerDual = fc.constantFrom(...CIDRS, ...CIDRS_V6).map((b) => ({ ipBlock: { ...b } }));
/** Peers with a null selector: the API server decodes it as an unset one. */
const nullPeer = fc.oneof(
  namespaceSelector.map((s) => ({ podSelector: null, namespaceSelector: s })),
  dataplanePodSelector.map((s) => ({ podSelector: s, namespaceSelector: null })),
);

const protocol = fc.option(fc.constantFrom("TCP", "UDP", "SCTP"), { nil: undefined });
const numberedPort = fc
  .record({
    protocol,
    port: fc.option(fc.constantFrom(...NUMBERED_PORTS), { nil: undefined }),
    endPort: fc.option(fc.constantFrom(0, 100, 9000), { nil: undefined }),
  })
  .map(({ protocol: p, port, endPort }) => {
    const spec: Json = {};
    if (p) spec.protocol = p;
    if (port !== undefined) spec.port = port;
    if (port !== undefined && endPort !== undefined) spec.endPort = Math.max(port, port + endPort);
    return spec;
  });
const namedPort = fc
  .record({ protocol, name: fc.constantFrom("http", "dns", "metrics", "web", "assoc", "none") })
  .map(({ protocol: p, name }) => (p ? { protocol: p, port: name } : { port: name }));

/**
 * Egress to addresses cannot use named ports for netpol-analyzer (it rejects them), so by default
 * they go only with pod peers; `dataplane` lifts that for the dataplane oracle, and adds peers
 * with a null selector and IPv6 blocks.
 */
function ruleArb(direction: "ingress" | "egress", dataplane = false): fc.Arbitrary<Json> {
  const peerKey = direction === "ingress" ? "from" : "to";
  const peer = dataplane ? fc.oneof(podPeerOf(dataplanePodSelector), nullPeer) : podPeer;
  const podOnly = fc.array(peer, { minLength: 1, maxLength: 2 });
  const mixed = fc.array(fc.oneof(peer, dataplane ? ipPeerDual : ipPeer), {
    minLength: 1,
    maxLength: 2,
  });
  const anyPorts = fc.array(fc.oneof(numberedPort, namedPort), { minLength: 1, maxLength: 2 });
  const numbered = dataplane ? anyPorts : fc.array(numberedPort, { minLength: 1, maxLength: 2 });
  const withPorts = (peers: fc.Arbitrary<unknown[] | undefined>, ports: fc.Arbitrary<Json[]>) =>
    fc
      .record({ peers, ports: fc.option(ports, { nil: undefined }) })
      .map(({ peers: p, ports: q }) => {
        const rule: Json = {};
        if (p !== undefined) rule[peerKey] = p;
        if (q !== undefined) rule.ports = q;
        return rule;
      });
  return fc.oneof(
    withPorts(podOnly, anyPorts),
    withPorts(mixed, direction === "ingress" ? anyPorts : numbered),
    withPorts(fc.constantFrom(undefined, []), direction === "ingress" ? anyPorts : numbered),
  );
}

const policyTypes = fc.constantFrom(undefined, ["Ingress"], ["Egress"], ["Ingress", "Egress"]);

const policyArb = fc
  .record({
    namespace: fc.constantFrom(...HOMES),
    podSelector,
    policyTypes,
    ingress: fc.option(fc.array(ruleArb("ingress"), { maxLength: 2 }), { nil: undefined }),
    egress: fc.option(fc.array(ruleArb("egress"), { maxLength: 2 }), { nil: undefined }),
  })
  .map((p) => {
    const spec: Json = { podSelector: p.podSelector };
    if (p.policyTypes) spec.policyTypes = p.policyTypes;
    if (p.ingress) spec.ingress = p.ingress;
    if (p.egress) spec.egress = p.egress;
    return { namespace: p.namespace, spec };
  });

const workloadArb = fc.record({
  namespace: fc.constantFrom(...HOMES),
  labels: labelsArb(LABEL_VALUES),
  ports: fc.subarray(CONTAINER_PORTS, { maxLength: 2 }),
});

const namespaceArb = fc.record({ labels: labelsArb(NS_LABELS), declared: fc.boolean() });

export const scenarioArb = fc.record({
  namespaces: fc.tuple(...NAMESPACES.map(() => namespaceArb)),
  workloads: fc.array(workloadArb, { minLength: 2, maxLength: 6 }),
  policies: fc.array(policyArb, { minLength: 1, maxLength: 5 }),
});

/** Ports of a second container: names the first container's pool also uses, other numbers. */
const SIDECAR_PORTS = [
  { name: "http", containerPort: 8000, protocol: "TCP" },
  { name: "dns", containerPort: 5353, protocol: "UDP" },
  { name: "metrics", containerPort: 9091, protocol: "UDP" },
  { name: "assoc", containerPort: 8082, protocol: "SCTP" },
];

/**
 * What a dataplane gets wrong beyond the analyzer's scenarios: hostNetwork pods, a port name
 * declared by two containers of a pod, named ports in egress rules that reach addresses,
 * `policyTypes: []`, explicit `from: []`/`to: []`.
 */
const dataplaneWorkloadArb = fc.record({
  namespace: fc.constantFrom(...HOMES),
  labels: labelsArb(LABEL_VALUES),
  ports: fc.subarray(CONTAINER_PORTS, { maxLength: 2 }),
  sidecarPorts: fc.subarray(SIDECAR_PORTS, { maxLength: 2 }),
  hostNetwork: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  /** How its pods are made: by a controller, which adds labels of its own, or bare. */
  kind: fc.constantFrom("Deployment", "StatefulSet", "Job", "IndexedJob", "Pod"),
  /** A StatefulSet's replicas, an Indexed Job's completions. */
  replicas: fc.integer({ min: 1, max: 2 }),
  /** A Job that selects its pods itself: the API server adds no job-name labels. */
  manualSelector: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});

export type WorkloadKind = "Deployment" | "StatefulSet" | "Job" | "IndexedJob" | "Pod";

const dataplanePolicyArb = fc
  .record({
    namespace: fc.constantFrom(...HOMES),
    podSelector: fc.option(dataplanePodSelector, { nil: undefined, freq: 6 }),
    policyTypes: fc.constantFrom(undefined, [], ["Ingress"], ["Egress"], ["Ingress", "Egress"]),
    ingress: fc.option(fc.array(ruleArb("ingress", true), { maxLength: 2 }), { nil: undefined }),
    egress: fc.option(fc.array(ruleArb("egress", true), { maxLength: 2 }), { nil: undefined }),
  })
  .map((p) => {
    // An absent podSelector is an empty one: the field is a struct, not a pointer.
    const spec: Json = p.podSelector ? { podSelector: p.podSelector } : {};
    if (p.policyTypes) spec.policyTypes = p.policyTypes;
    if (p.ingress) spec.ingress = p.ingress;
    if (p.egress) spec.egress = p.egress;
    return { namespace: p.namespace, spec };
  });

/** A Namespace may claim another's name label; the API server sets it to its own name. */
const dataplaneNamespaceArb = fc.record({
  labels: fc
    .tuple(labelsArb(NS_LABELS), fc.boolean())
    .map(([labels, spoof]) =>
      spoof ? { ...labels, "kubernetes.io/metadata.name": "ns-c" } : labels,
    ),
  declared: fc.boolean(),
});

/**
 * Labels a cluster may give the namespaces a scenario leaves undeclared (no Namespace object):
 * what the input does not show, one labelling per namespace of `NAMESPACES`.
 */
export const namespaceLabellingArb: fc.Arbitrary<Record<string, string>[]> = fc.tuple(
  ...NAMESPACES.map(() => labelsArb(NS_LABELS)),
);

/** The scenario's namespaces without a Namespace object, by name. */
export function undeclaredNamespaces(scenario: Scenario | DataplaneScenario): string[] {
  return NAMESPACES.filter((_, i) => !scenario.namespaces[i]!.declared);
}

/** Namespace objects for the undeclared namespaces, with the labels of a labelling. */
export function labelledNamespaces(
  scenario: Scenario | DataplaneScenario,
  labelling: readonly Record<string, string>[],
): Json[] {
  return NAMESPACES.flatMap((name, i) =>
    scenario.namespaces[i]!.declared
      ? []
      : [{ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: labelling[i] } }],
  );
}

export const dataplaneScenarioArb = fc.record({
  namespaces: fc.tuple(...NAMESPACES.map(() => dataplaneNamespaceArb)),
  workloads: fc.array(dataplaneWorkloadArb, { minLength: 2, maxLength: 6 }),
  policies: fc.array(dataplanePolicyArb, { minLength: 1, maxLength: 5 }),
});

export type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;
export type DataplaneScenario =
  typeof dataplaneScenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** The scenario as a stream of JSON documents (valid YAML), the same text for both analyzers. */
export function scenarioYaml(scenario: Scenario | DataplaneScenario): string {
  return scenarioDocuments(scenario)
    .map((d) => `---\n${JSON.stringify(d, null, 1)}\n`)
    .join("");
}

/** The scenario's Namespace, Deployment and NetworkPolicy objects. */
export function scenarioDocuments(scenario: Scenario | DataplaneScenario): Json[] {
  const documents: Json[] = [];
  scenario.namespaces.forEach((ns, i) => {
    if (!ns.declared) return;
    documents.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: NAMESPACES[i], labels: ns.labels },
    });
  });
  const workloads: Array<
    Scenario["workloads"][number] & Partial<DataplaneScenario["workloads"][number]>
  > = scenario.workloads;
  workloads.forEach((w, i) => {
    const labels = { ...w.labels, "workload-id": `w${i}` };
    const container: Json = { name: "main", image: "example/app:1.0" };
    if (w.ports.length) container.ports = w.ports;
    const containers = [container];
    if (w.sidecarPorts?.length)
      containers.push({ name: "sidecar", image: "example/sidecar:1.0", ports: w.sidecarPorts });
    const podSpec: Json = { containers };
    if (w.hostNetwork) podSpec.hostNetwork = true;
    documents.push(workloadDocument(`w${i}`, w, labels, podSpec));
  });
  scenario.policies.forEach((p, i) => {
    documents.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: `p${i}`, namespace: p.namespace },
      spec: p.spec,
    });
  });
  return documents;
}

/** The object that makes a workload's pods: a controller of its kind (Deployment by default), or a bare Pod. */
function workloadDocument(
  name: string,
  w: Partial<DataplaneScenario["workloads"][number]> & { namespace: string },
  labels: Record<string, string>,
  podSpec: Json,
): Json {
  const metadata = { name, namespace: w.namespace };
  const selector = { matchLabels: { "workload-id": name } };
  const template = { metadata: { labels }, spec: podSpec };
  const jobTemplate = { metadata: { labels }, spec: { ...podSpec, restartPolicy: "Never" } };
  switch (w.kind ?? "Deployment") {
    case "Pod":
      return { apiVersion: "v1", kind: "Pod", metadata: { ...metadata, labels }, spec: podSpec };
    case "StatefulSet":
      return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata,
        spec: { serviceName: name, replicas: w.replicas ?? 1, selector, template },
      };
    case "Job":
    case "IndexedJob": {
      const spec: Json = { template: jobTemplate };
      if (w.manualSelector) Object.assign(spec, { manualSelector: true, selector });
      if (w.kind === "IndexedJob")
        Object.assign(spec, { completionMode: "Indexed", completions: w.replicas ?? 1 });
      return { apiVersion: "batch/v1", kind: "Job", metadata, spec };
    }
    default:
      return { apiVersion: "apps/v1", kind: "Deployment", metadata, spec: { selector, template } };
  }
}
