import { buildBundle, parseSource } from "@scout-deploy/core";
import { askJsonLines, findTool } from "@scout-deploy/core/testing";
import { modelOf } from "@scout-deploy/netpol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { servicePortEndpoints } from "./network/scope.js";

/**
 * Which pods, at which port, a Service really sends to: our resolution (network/scope.ts, used by
 * external-exposure, port-coherence and, through the same rules, metrics-scraped) against the
 * EndpointSlice controller of k8s.io/kubernetes v1.37.2 (scripts/netpol-oracle's "endpoints"
 * request: the controller's syncService after the API server's defaulting and protobuf round
 * trip). Seeded scenarios of workloads (Deployment, StatefulSet, Job, Indexed Job, DaemonSet, bare Pod) in
 * two namespaces, with app containers, native sidecars and plain init containers declaring named
 * ports over TCP and UDP, and Services of every type with selectors (absent, empty, template
 * labels, the labels controllers add) and ports (targetPort absent, 0, "", a number, a name,
 * either protocol). Pods are made from each template the way its controller makes them. Per
 * Service port, the (workload, pod port) pairs we say surely are the controller's, and each of
 * the controller's we say at least may be: a selector on a hash the controller chose
 * (`pod-template-hash`, `controller-revision-hash`) is uncertain for us, never "selects nothing". SERVICE_ENDPOINTS_SEED and
 * SERVICE_ENDPOINTS_SCENARIOS rerun one corpus or make it larger.
 */

const SCENARIOS = Number(process.env.SERVICE_ENDPOINTS_SCENARIOS ?? 400);
const SEED = Number(process.env.SERVICE_ENDPOINTS_SEED ?? 20261207);
const binary = findTool("netpol-oracle", "NETPOL_ORACLE_PATH");
const inCi = Boolean(process.env.CI);

if (!binary && !inCi) {
  console.warn(
    "Service endpoints differential test skipped: netpol-oracle not found (run scripts/install-netpol-oracle.sh or set NETPOL_ORACLE_PATH)",
  );
}

type Json = Record<string, unknown>;

const NAMESPACES = ["scout", "other"];
const KINDS = ["Deployment", "StatefulSet", "Job", "DaemonSet", "Pod"] as const;
type Kind = (typeof KINDS)[number];
const LABEL_KEYS = ["app", "tier"];
const LABEL_VALUES = ["web", "api"];
const PORT_NAMES = ["http", "metrics"];
const PORT_NUMBERS = [80, 8000, 9090];

interface PortDecl {
  name?: string;
  containerPort: number;
  protocol?: "TCP" | "UDP";
}

interface WorkloadSpec {
  kind: Kind;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  replicas: number;
  ordinalStart?: number;
  hostNetwork: boolean;
  containers: PortDecl[][];
  initContainers: { sidecar: boolean; ports: PortDecl[] }[];
}

interface ServiceSpec {
  name: string;
  namespace: string;
  type?: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";
  headless: boolean;
  selector?: Record<string, string>;
  ports: { name: string; port: number; protocol?: "TCP" | "UDP"; targetPort?: number | string }[];
}

interface Scenario {
  workloads: WorkloadSpec[];
  services: ServiceSpec[];
}

/** Mostly one namespace: selectors never look across, so that most Services have candidates. */
const namespaceArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant(NAMESPACES[0]!) },
  { weight: 1, arbitrary: fc.constant(NAMESPACES[1]!) },
);

const protocolArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant("TCP" as const) },
  { weight: 1, arbitrary: fc.constant("UDP" as const) },
);

const portDeclArb = fc.record(
  {
    name: fc.constantFrom(...PORT_NAMES),
    containerPort: fc.constantFrom(...PORT_NUMBERS),
    protocol: protocolArb,
  },
  { requiredKeys: ["containerPort"] },
);

/** A container's ports: names unique within it, as validation requires. */
const portsArb = fc
  .array(portDeclArb, { maxLength: 2 })
  .map((ports) =>
    ports.filter((p, i) => p.name === undefined || ports.findIndex((q) => q.name === p.name) === i),
  )
  .map((ports) => ports.map((p) => JSON.parse(JSON.stringify(p)) as PortDecl));

/** An app label always, a tier sometimes: selectors on either pick some workloads, not all. */
const labelsArb = fc
  .tuple(
    fc.constantFrom(...LABEL_VALUES),
    fc.option(fc.constantFrom(...LABEL_VALUES), { nil: undefined }),
  )
  .map(([app, tier]): Record<string, string> => (tier ? { app, tier } : { app }));

const workloadArb = (index: number) =>
  fc.record({
    kind: fc.constantFrom(...KINDS),
    name: fc.constant(`w${index}`),
    namespace: namespaceArb,
    labels: labelsArb,
    replicas: fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) },
    ),
    ordinalStart: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    hostNetwork: fc.constant(false),
    containers: fc.array(portsArb, { minLength: 1, maxLength: 2 }),
    initContainers: fc.array(fc.record({ sidecar: fc.boolean(), ports: portsArb }), {
      maxLength: 1,
    }),
  });

/** Selector values: the template labels, and the labels controllers add. */
const selectorEntryArb = (workloads: WorkloadSpec[]) =>
  fc.oneof(
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...LABEL_KEYS), fc.constantFrom(...LABEL_VALUES)),
    },
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(...workloads)
        .chain((w) => fc.constantFrom(...Object.entries(w.labels))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...workloads), fc.integer({ min: 0, max: 3 }))
        .map(([w, k]) => ["statefulset.kubernetes.io/pod-name", `${w.name}-${k}`] as const),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom("job-name", "batch.kubernetes.io/job-name"),
          fc.constantFrom(...workloads),
        )
        .map(([key, w]) => [key, w.name] as const),
    },
    {
      // The hashes controllers set, at the values the pods below carry or not: a selector on
      // them may select (we cannot know the value), never surely.
      weight: 1,
      arbitrary: fc
        .constantFrom(...workloads)
        .chain((w) =>
          fc.constantFrom(
            ["pod-template-hash", "5d8c7b9f6"] as const,
            ["pod-template-hash", "6f7d8c9b5"] as const,
            ["controller-revision-hash", `${w.name}-6d4f8c9b7`] as const,
            ["controller-revision-hash", "7b9d5c6f8"] as const,
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            "apps.kubernetes.io/pod-index",
            "batch.kubernetes.io/job-completion-index",
          ),
          fc.integer({ min: 0, max: 2 }),
        )
        .map(([key, k]) => [key, String(k)] as const),
    },
  );

const servicePortArb = fc.record(
  {
    port: fc.constantFrom(...PORT_NUMBERS, 443),
    protocol: protocolArb,
    targetPort: fc.oneof(
      fc.constantFrom(...PORT_NUMBERS),
      fc.constantFrom(...PORT_NAMES),
      fc.constantFrom<(number | string)[]>(0, ""),
    ),
  },
  { requiredKeys: ["port"] },
);

const serviceArb = (workloads: WorkloadSpec[], index: number) =>
  fc.record({
    name: fc.constant(`s${index}`),
    namespace: namespaceArb,
    type: fc.constantFrom<ServiceSpec["type"][]>(
      undefined,
      undefined,
      "ClusterIP",
      "NodePort",
      "LoadBalancer",
      "ExternalName",
    ),
    headless: fc.boolean(),
    selector: fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant({}) },
      {
        weight: 6,
        arbitrary: fc
          .array(selectorEntryArb(workloads), { minLength: 1, maxLength: 2 })
          .map((entries) => Object.fromEntries(entries)),
      },
    ),
    ports: fc.array(servicePortArb, { minLength: 1, maxLength: 2 }).map((ports) =>
      ports.map((p, i) => ({
        ...JSON.parse(JSON.stringify(p)),
        name: ports.length > 1 ? `p${i}` : "",
      })),
    ),
  });

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .integer({ min: 1, max: 4 })
  .chain((n) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: n }, (_, i) => workloadArb(i))),
      fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    ),
  )
  .map(([workloads, hostNetwork]) =>
    // Some workloads on the host network: still endpoints, at their node's address.
    workloads.map((w, i) => ({ ...w, hostNetwork: hostNetwork[i]! && i % 4 === 3 })),
  )
  .chain((workloads) =>
    fc
      .integer({ min: 1, max: 3 })
      .chain((m) =>
        fc
          .tuple(...Array.from({ length: m }, (_, i) => serviceArb(workloads, i)))
          .map((services) => ({ workloads, services })),
      ),
  );

function containersJson(w: WorkloadSpec): Json {
  const container = (name: string, ports: PortDecl[], extra: Json = {}) => ({
    name,
    image: "registry.example/app:1",
    ...extra,
    ...(ports.length ? { ports } : {}),
  });
  return {
    ...(w.hostNetwork ? { hostNetwork: true } : {}),
    containers: w.containers.map((ports, i) => container(`c${i}`, ports)),
    ...(w.initContainers.length
      ? {
          initContainers: w.initContainers.map((c, i) =>
            container(`i${i}`, c.ports, c.sidecar ? { restartPolicy: "Always" } : {}),
          ),
        }
      : {}),
  };
}

function workloadJson(w: WorkloadSpec): Json {
  const metadata = { name: w.name, namespace: w.namespace };
  const template = { metadata: { labels: w.labels }, spec: containersJson(w) };
  const selector = { matchLabels: w.labels };
  switch (w.kind) {
    case "Pod":
      return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { ...metadata, labels: w.labels },
        spec: template.spec,
      };
    case "Job":
      return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata,
        spec: {
          ...(indexed(w) ? { completionMode: "Indexed", completions: w.replicas } : {}),
          template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } },
        },
      };
    case "StatefulSet":
      return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata,
        spec: {
          replicas: w.replicas,
          ...(w.ordinalStart !== undefined ? { ordinals: { start: w.ordinalStart } } : {}),
          serviceName: w.name,
          selector,
          template,
        },
      };
    case "Deployment":
      return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata,
        spec: { replicas: w.replicas, selector, template },
      };
    case "DaemonSet":
      return { apiVersion: "apps/v1", kind: "DaemonSet", metadata, spec: { selector, template } };
  }
}

function serviceJson(s: ServiceSpec): Json {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: s.name, namespace: s.namespace },
    spec: {
      ...(s.type ? { type: s.type } : {}),
      ...(s.type === "ExternalName" ? { externalName: "elsewhere.example.com" } : {}),
      ...(s.headless &&
      s.type !== "ExternalName" &&
      s.type !== "NodePort" &&
      s.type !== "LoadBalancer"
        ? { clusterIP: "None" }
        : {}),
      ...(s.selector !== undefined ? { selector: s.selector } : {}),
      ports: s.ports,
    },
  };
}

/**
 * The pods a workload's controller makes: the template's labels plus the controller's own (a
 * StatefulSet's pod name and index, a Job's job-name, the hashes and uids of the others, which
 * no manifest can name), the workload's namespace. A StatefulSet or Deployment scaled to 0 has
 * no pods; our model still counts the workload (it is scaled up later): those are not compared.
 */
function podsOf(w: WorkloadSpec): Json[] {
  const spec = containersJson(w);
  const pod = (name: string, extra: Record<string, string>) => ({
    metadata: { name, namespace: w.namespace, labels: { ...w.labels, ...extra } },
    spec,
  });
  switch (w.kind) {
    case "Pod":
      return [pod(w.name, {})];
    case "Job": {
      const labels = {
        "job-name": w.name,
        "batch.kubernetes.io/job-name": w.name,
        "controller-uid": "0b6f3c7e-1a2b-4c5d-8e9f-000000000001",
        "batch.kubernetes.io/controller-uid": "0b6f3c7e-1a2b-4c5d-8e9f-000000000001",
      };
      if (!indexed(w)) return [pod(`${w.name}-x7k2p`, labels)];
      return Array.from({ length: w.replicas }, (_, i) =>
        pod(`${w.name}-${i}-x7k2p`, {
          ...labels,
          "batch.kubernetes.io/job-completion-index": String(i),
        }),
      );
    }
    case "StatefulSet": {
      const start = w.ordinalStart ?? 0;
      return Array.from({ length: w.replicas }, (_, i) => {
        const name = `${w.name}-${start + i}`;
        return pod(name, {
          "statefulset.kubernetes.io/pod-name": name,
          "apps.kubernetes.io/pod-index": String(start + i),
          "controller-revision-hash": `${w.name}-6d4f8c9b7`,
        });
      });
    }
    case "Deployment":
      return Array.from({ length: w.replicas }, (_, i) =>
        pod(`${w.name}-5d8c7b9f6-${i}`, { "pod-template-hash": "5d8c7b9f6" }),
      );
    case "DaemonSet":
      return [
        pod(`${w.name}-q4m2z`, {
          "controller-revision-hash": "7b9d5c6f8",
          "pod-template-generation": "1",
        }),
      ];
  }
}

/** A Job with replicas > 0 is an Indexed Job of that many completions (one pod per index). */
function indexed(w: WorkloadSpec): boolean {
  return w.kind === "Job" && w.replicas > 0 && w.replicas % 2 === 1;
}

/** Workloads with no pod now (scaled to 0): our model counts them, the controller cannot. */
function scaledToZero(w: WorkloadSpec): boolean {
  return (w.kind === "StatefulSet" || w.kind === "Deployment") && w.replicas === 0;
}

interface OracleAnswer {
  id: string;
  error?: string;
  services: {
    service: string;
    ports: { port: number; protocol: string; endpoints: { pod: string; port: number }[] }[];
  }[];
}

/** Per Service, per port: the sorted "namespace/workload:port" it sends to. */
type Endpoints = string[][][];

function ours(scenario: Scenario, which: "sure" | "uncertain" = "sure"): Endpoints {
  const documents = [
    ...scenario.workloads.map(workloadJson),
    ...scenario.services.map(serviceJson),
  ];
  // A comment first: a file that starts with "{" is read as one JSON document, as kubectl does.
  const text = `# generated scenario\n${documents.map((d) => JSON.stringify(d)).join("\n---\n")}`;
  const bundle = buildBundle([parseSource("scenario.yaml", text)]);
  const model = modelOf(bundle);
  const absent = new Set(
    scenario.workloads.filter(scaledToZero).map((w) => `${w.namespace}/${w.name}`),
  );
  const services = bundle.objects.filter((o) => o.value.kind === "Service");
  if (services.length !== scenario.services.length)
    throw new Error(
      `the bundle lost a Service: ${bundle.problems?.map((p) => p.message).join("; ")}\n${text}`,
    );
  return scenario.services.map((_, s) => {
    const service = services[s]!;
    return servicePortEndpoints(model, service, which).map((port) =>
      [
        ...new Set(
          port.endpoints
            .filter((e) => !absent.has(`${e.workload.namespace}/${e.workload.name}`))
            .map((e) => `${e.workload.namespace}/${e.workload.name}:${e.port}`),
        ),
      ].sort(),
    );
  });
}

function theirs(scenario: Scenario, answer: OracleAnswer): Endpoints {
  const owner = new Map<string, string>();
  for (const w of scenario.workloads)
    for (const pod of podsOf(w)) {
      const meta = pod.metadata as { name: string; namespace: string };
      owner.set(`${meta.namespace}/${meta.name}`, `${w.namespace}/${w.name}`);
    }
  return answer.services.map((s) =>
    s.ports.map((p) =>
      [...new Set(p.endpoints.map((e) => `${owner.get(e.pod)}:${e.port}`))].sort(),
    ),
  );
}

/** Services that appear twice in a scenario (same namespace and name) are merged: keep the first. */
function distinct(scenario: Scenario): Scenario {
  const seen = new Set<string>();
  return {
    ...scenario,
    services: scenario.services.filter((s) => {
      const key = `${s.namespace}/${s.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
}

function describeScenario(scenario: Scenario): string {
  return [...scenario.workloads.map(workloadJson), ...scenario.services.map(serviceJson)]
    .map((d) => JSON.stringify(d))
    .join("\n---\n");
}

describe.skipIf(!binary && !inCi)(
  "differential test of Service endpoints against the EndpointSlice controller",
  () => {
    it("finds netpol-oracle (in CI a missing binary is a failure)", () => {
      expect(
        binary,
        "netpol-oracle is not installed: run scripts/install-netpol-oracle.sh",
      ).toBeDefined();
    });

    it(`agrees with it on ${SCENARIOS} generated scenarios`, { timeout: 300_000 }, async () => {
      const scenarios = fc.sample(scenarioArb, { numRuns: SCENARIOS, seed: SEED }).map(distinct);
      const requests = scenarios.map((s, i) => ({
        id: `e${i}`,
        endpoints: { services: s.services.map(serviceJson), pods: s.workloads.flatMap(podsOf) },
      }));
      const answers = await askJsonLines<OracleAnswer>(binary!, requests);
      const failures: string[] = [];
      let ports = 0;
      let reaching = 0;
      let narrowed = 0;
      let uncertainNeeded = 0;
      scenarios.forEach((scenario, i) => {
        const answer = answers[i]!;
        if (answer.error || answer.id !== `e${i}`)
          throw new Error(
            `netpol-oracle on case e${i}: ${answer.error ?? "answered out of order"}`,
          );
        const want = theirs(scenario, answer);
        const got = ours(scenario);
        const open = ours(scenario, "uncertain");
        scenario.services.forEach((service, s) => {
          want[s]!.forEach((endpoints, p) => {
            ports++;
            if (endpoints.length) reaching++;
            const selected = scenario.workloads.length;
            if (endpoints.length && endpoints.length < selected) narrowed++;
            const mine = got[s]?.[p] ?? [];
            const maybe = open[s]?.[p] ?? [];
            // What we say surely is theirs, and all of theirs we say at least may be: the pods'
            // hashes are the controller's, so a selector on one decides nothing for us.
            const sound =
              mine.every((e) => endpoints.includes(e)) &&
              endpoints.every((e) => mine.includes(e) || maybe.includes(e));
            if (endpoints.some((e) => maybe.includes(e))) uncertainNeeded++;
            if (!sound)
              failures.push(
                `scenario ${i}, Service ${service.namespace}/${service.name} port ${p}: ours [${mine.join(", ")}] (maybe [${maybe.join(", ")}]), controller [${endpoints.join(", ")}]\n${describeScenario(scenario)}`,
              );
          });
        });
      });
      expect(
        failures.slice(0, 2).join("\n"),
        `${failures.length} of ${ports} Service ports differ (${reaching} with endpoints, ${narrowed} narrowed)`,
      ).toBe("");
      if (process.env.DEBUG_DIFF) console.log({ ports, reaching, narrowed, uncertainNeeded });
      // Selectors on the controllers' hashes are in the corpus, and some do select pods.
      expect(
        uncertainNeeded,
        "ports whose endpoints only an uncertain match covers",
      ).toBeGreaterThan(0);
      // Agreement on "no endpoints anywhere" would prove little.
      expect(reaching, "Service ports with endpoints").toBeGreaterThan(ports / 6);
      expect(narrowed, "Service ports reaching some workloads only").toBeGreaterThan(ports / 20);
    });
  },
);
