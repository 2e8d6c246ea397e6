import fc from "fast-check";

type Json = Record<string, unknown>;

/** One generated object: its kind and its JSON, named by the test. */
export interface ObjectCase {
  kind: string;
  build: (name: string) => Json;
}

/**
 * Fields drawn one by one, each present one time in `oneIn`: most objects carry few edges, so
 * that both verdicts are common and a divergence names its cause.
 */
function someOf(fields: Record<string, fc.Arbitrary<unknown>>, oneIn = 6): fc.Arbitrary<Json> {
  const entries = Object.entries(fields).map(([key, arb]) =>
    fc
      .oneof(
        { weight: oneIn - 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: arb },
      )
      .map((value) => [key, value] as const),
  );
  return fc
    .tuple(...entries)
    .map((pairs) => Object.fromEntries(pairs.filter(([, value]) => value !== undefined)));
}

/** The value one time in `oneIn`, else undefined. */
function sometimes<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: oneIn - 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: arb },
  );
}

/** A valid value four times in five, else one just past the edge. */
function edge<T, U = T>(valid: readonly T[], invalid: readonly U[]): fc.Arbitrary<T | U> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<T | U>(...valid) },
    { weight: 1, arbitrary: fc.constantFrom<T | U>(...invalid) },
  );
}

const PROFILE = { type: "RuntimeDefault" };

/** Pod-level security fields, Linux-only ones (refused on a Windows pod) among them. */
const podSecurityArb = someOf({
  runAsUser: fc.constantFrom(1000, 0),
  runAsGroup: fc.constant(1000),
  runAsNonRoot: fc.boolean(),
  fsGroup: fc.constant(2000),
  fsGroupChangePolicy: fc.constant("OnRootMismatch"),
  supplementalGroups: fc.constantFrom([1000], []),
  seccompProfile: fc.constant(PROFILE),
  appArmorProfile: fc.constant(PROFILE),
  seLinuxOptions: fc.constant({ level: "s0:c123,c456" }),
  sysctls: fc.constantFrom([{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }], []),
  windowsOptions: fc.constant({ runAsUserName: "ContainerUser" }),
});

const containerSecurityArb = someOf({
  runAsUser: fc.constant(1000),
  runAsGroup: fc.constant(1000),
  runAsNonRoot: fc.boolean(),
  readOnlyRootFilesystem: fc.boolean(),
  allowPrivilegeEscalation: fc.boolean(),
  privileged: fc.constant(false),
  capabilities: fc.constant({ drop: ["ALL"] }),
  procMount: fc.constant("Default"),
  seccompProfile: fc.constant(PROFILE),
  appArmorProfile: fc.constant(PROFILE),
  seLinuxOptions: fc.constant({ level: "s0:c123,c456" }),
  windowsOptions: fc.constant({ runAsUserName: "ContainerUser" }),
});

const portArb = fc
  .tuple(
    fc.record({ containerPort: edge([8080, 9090, 1, 65535], [0, 65536]) }),
    someOf(
      {
        name: edge(["http", "metrics", "a"], ["HTTP", "port-name-too-long", "8080", "web-"]),
        protocol: edge(["TCP", "UDP", "SCTP"], ["tcp", "ICMP"]),
        hostPort: edge([8080, 0], [70000]),
      },
      2,
    ),
  )
  .map(([port, rest]) => ({ ...port, ...rest }));

const ENV_NAMES = ["API_URL", "api.url", "1ST", "with space"];
const envArb = fc.record({
  name: edge(ENV_NAMES, ["A=B", "", "ünï"]),
  value: fc.constant("v"),
});

/** The pod always has volumes data and cache (and the claim disk), and sometimes a third, maybe of a bad name. */
const EXTRA_VOLUMES = ["logs", "Data", "v".repeat(64), "data"];
const mountArb = fc
  .record({
    name: edge(["data", "cache"], ["missing"]),
    mountPath: edge(["/data", "/cache", "/var/cache"], ["relative/path"]),
    // A subPath below the volume, or one that leaves it; propagation that needs privileged.
    more: someOf({
      subPath: edge(["logs", "a/b", "x/..y"], ["../etc", "/abs", "a/../.."]),
      subPathExpr: edge(["$(POD_NAME)"], ["/$(POD_NAME)", "../$(POD_NAME)"]),
      mountPropagation: edge(["None", "HostToContainer"], ["Bidirectional"]),
    }),
  })
  .map(({ more, ...mount }) => ({ ...mount, ...more }));
/** A raw block device: of the pod's claim, else of an emptyDir or no volume; a path with "..". */
const deviceArb = fc.record({
  name: edge(["disk"], ["data", "missing"]),
  devicePath: edge(["/dev/xvdb", "/dev/block/a"], ["/dev/../sda", "/data"]),
});

const RESOURCES = [
  { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
  { limits: { memory: "1Gi" } },
  { requests: { cpu: "0.5" } },
  { requests: { memory: "1G" }, limits: { memory: "1Gi" } },
  { limits: { cpu: "2", memory: "1e9", "ephemeral-storage": "1Gi" } },
  { requests: { cpu: "1.5", memory: "128974848" } },
  { limits: { "hugepages-2Mi": "4Mi", memory: "1Gi" }, requests: { "hugepages-2Mi": "4Mi" } },
  { requests: { "hugepages-2Mi": "4Mi" } },
  { limits: { cpu: "0" } },
  { requests: { cpu: "500m" }, limits: { cpu: "100m" } },
  { requests: { memory: "1Gi" }, limits: { memory: "1G" } },
  { requests: { cpu: "-1" } },
  { requests: { memory: "1GB" } },
  { limits: { "example.com/gpu": "1" }, requests: { "example.com/gpu": "2" } },
];

const PROBES = [
  { httpGet: { path: "/healthz", port: 8080 } },
  { tcpSocket: { port: "http" } },
  { grpc: { port: 9000 } },
  { exec: { command: ["true"] }, failureThreshold: 0 },
  { exec: { command: ["true"] }, successThreshold: 2 },
  { exec: { command: ["true"] }, periodSeconds: 0 },
  {},
  { httpGet: { port: 8080 }, tcpSocket: { port: 8080 } },
  { httpGet: { port: 0 } },
  { tcpSocket: { port: "Port_Name" } },
];

const containerArb = (nameArb: fc.Arbitrary<string>) =>
  fc
    .record({
      name: nameArb,
      securityContext: containerSecurityArb,
      more: someOf(
        {
          ports: fc.array(portArb, { minLength: 1, maxLength: 3 }),
          env: fc.array(envArb, { minLength: 1, maxLength: 2 }),
          volumeMounts: fc.array(mountArb, { minLength: 1, maxLength: 2 }),
          volumeDevices: fc.array(deviceArb, { minLength: 1, maxLength: 2 }),
          resources: fc.constantFrom(...RESOURCES),
          livenessProbe: edge(PROBES.slice(0, 3), PROBES.slice(3)),
          readinessProbe: edge(PROBES.slice(0, 3), PROBES.slice(3)),
        },
        3,
      ),
      // What the embedded schema refuses: a bad enum, an unknown field, a number as a string.
      schema: someOf(
        {
          imagePullPolicy: edge(["Always", "IfNotPresent"], ["Sometimes"]),
          imagePullPolcy: fc.constant("Always"),
          stdin: fc.constant("true"),
        },
        12,
      ),
    })
    .map(({ name, securityContext, more, schema }) => ({
      ...schema,
      name,
      image: "registry.example.com/scout/api:1.0.0",
      ...(Object.keys(securityContext).length > 0 ? { securityContext } : {}),
      ...more,
    }));

/** A pod spec near the edge: each part valid or just past it. */
export const podSpecArb: fc.Arbitrary<Json> = fc
  .record({
    os: fc.oneof(
      { weight: 5, arbitrary: fc.constant({ name: "windows" }) },
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constant({ name: "linux" }) },
      { weight: 1, arbitrary: fc.constant({ name: "Windows" }) },
    ),
    securityContext: podSecurityArb,
    more: someOf({
      hostUsers: fc.constant(false),
      hostPID: fc.constant(true),
      shareProcessNamespace: fc.boolean(),
      restartPolicy: fc.constantFrom("Always", "OnFailure", "Never"),
    }),
    extraVolume: sometimes(fc.constantFrom(...EXTRA_VOLUMES), 5),
    // An image volume's pull policy has no enum in the schema; the API server checks it.
    imagePullPolicy: sometimes(
      edge(["Always", "IfNotPresent", "Never", ""], ["Sometimes", "always"]),
      4,
    ),
    containers: fc.tuple(
      containerArb(fc.constant("app")),
      sometimes(containerArb(edge(["sidecar"], ["app", "Side_Car"])), 4),
    ),
    // A native sidecar (restartPolicy Always) is an init container; no other policy is.
    init: sometimes(
      fc
        .tuple(containerArb(fc.constant("init")), edge([undefined, "Always"], ["OnFailure"]))
        .map(([c, restartPolicy]) => ({ ...c, ...(restartPolicy ? { restartPolicy } : {}) })),
      5,
    ),
  })
  .map(({ os, securityContext, more, containers, extraVolume, imagePullPolicy, init }) => ({
    ...(os ? { os } : {}),
    ...(Object.keys(securityContext).length > 0 ? { securityContext } : {}),
    ...more,
    volumes: [
      ...["data", "cache", ...(extraVolume ? [extraVolume] : [])].map((name) => ({
        name,
        emptyDir: {},
      })),
      { name: "disk", persistentVolumeClaim: { claimName: "disk" } },
      ...(imagePullPolicy === undefined
        ? []
        : [
            {
              name: "models",
              image: { reference: "ghcr.io/scout/models:1.0", pullPolicy: imagePullPolicy },
            },
          ]),
    ],
    ...(init ? { initContainers: [init] } : {}),
    containers: containers.filter((c) => c !== undefined),
  }));

const WORKLOADS: Record<string, string> = {
  Pod: "v1",
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Job: "batch/v1",
  CronJob: "batch/v1",
};

const RUN_TO_COMPLETION = new Set(["Job", "CronJob"]);

/** Each kind's own spec fields, near their edges. */
const KIND_FIELDS: Record<string, fc.Arbitrary<Json>> = {
  Deployment: someOf({
    strategy: edge(
      [
        { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        { type: "Recreate" },
        { rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      ],
      [
        { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } },
        { type: "Recreate", rollingUpdate: { maxSurge: 1 } },
        { rollingUpdate: { maxUnavailable: "110%" } },
        { rollingUpdate: { maxSurge: "x" } },
      ],
    ),
    progressDeadlineSeconds: edge([600, 30], [0]),
    minReadySeconds: edge([0, 10], [-1, 900]),
    replicas: edge([0, 3], [-1]),
  }),
  StatefulSet: someOf({
    podManagementPolicy: edge(["Parallel", "OrderedReady"], ["Random"]),
    updateStrategy: edge(
      [{ type: "RollingUpdate", rollingUpdate: { partition: 1 } }, { type: "OnDelete" }],
      [
        { type: "OnDelete", rollingUpdate: { partition: 1 } },
        { rollingUpdate: { maxUnavailable: 0 } },
      ],
    ),
    serviceName: edge(["web"], ["Web_Svc"]),
    persistentVolumeClaimRetentionPolicy: edge(
      [{ whenDeleted: "Delete" }],
      [{ whenDeleted: "Keep" }],
    ),
  }),
  DaemonSet: someOf({
    updateStrategy: edge(
      [{ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } }, { type: "OnDelete" }],
      [{ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }],
    ),
  }),
  Job: someOf({
    completions: edge([1, 5], [-1]),
    parallelism: edge([1, 2], [-1]),
    completionMode: edge(["NonIndexed", "Indexed"], ["Sometimes"]),
    backoffLimit: edge([6, 0], [-1]),
    activeDeadlineSeconds: edge([600], [0]),
    ttlSecondsAfterFinished: edge([100, 0], [-5]),
  }),
  CronJob: someOf({
    schedule: edge(
      ["0 * * * *", "@hourly", "*/5 * * * *"],
      ["61 * * * *", "every hour", "TZ=UTC 0 * * * *"],
    ),
    timeZone: edge(["Europe/Berlin", "UTC", "Etc/GMT+5"], ["Mars/Olympus", " UTC"]),
    concurrencyPolicy: edge(["Forbid", "Replace"], ["Sometimes"]),
    startingDeadlineSeconds: edge([100], [-1]),
    successfulJobsHistoryLimit: edge([3], [-1]),
  }),
  Pod: fc.constant({}),
};

interface Shape {
  kind: Json;
  spec: Json;
  /** A second template label, maybe no valid label value. */
  tier: string | undefined;
  selectorMatches: boolean;
}

function workload(
  kind: string,
  name: string,
  { kind: own, spec, tier, selectorMatches }: Shape,
): Json {
  const labels = { app: name, ...(tier !== undefined ? { tier } : {}) };
  const meta = { apiVersion: WORKLOADS[kind], kind, metadata: { name, namespace: "scout" } };
  if (kind === "Pod") return { ...meta, metadata: { ...meta.metadata, labels }, spec };
  // A Job's pods need restartPolicy OnFailure or Never: written unless the generator drew one.
  const podSpec = RUN_TO_COMPLETION.has(kind) ? { restartPolicy: "OnFailure", ...spec } : spec;
  const template = { metadata: { labels }, spec: podSpec };
  const selector = { matchLabels: selectorMatches ? { app: name } : { app: "other" } };
  switch (kind) {
    case "Job":
      return { ...meta, spec: { template, ...own } };
    case "CronJob":
      return {
        ...meta,
        spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template } }, ...own },
      };
    case "StatefulSet":
      return { ...meta, spec: { serviceName: name, selector, template, ...own } };
    default:
      return { ...meta, spec: { selector, template, ...own } };
  }
}

export const workloadCaseArb: fc.Arbitrary<ObjectCase> = fc
  .constantFrom(...Object.keys(WORKLOADS))
  .chain((kind) =>
    fc.tuple(
      fc.constant(kind),
      KIND_FIELDS[kind] ?? fc.constant({}),
      podSpecArb,
      sometimes(edge(["api", "", "a.b_c-9"], ["-api", "x".repeat(64), "a b"]), 4),
      // The selector matches the template's labels nine times in ten.
      fc.integer({ min: 0, max: 9 }),
    ),
  )
  .map(([kind, own, spec, tier, dice]) => ({
    kind,
    build: (name: string) =>
      workload(kind, name, { kind: own, spec, tier, selectorMatches: dice > 0 }),
  }));

const servicePortArb = fc
  .tuple(
    fc.record({ port: edge([80, 443, 8080], [0, 65536]) }),
    someOf(
      {
        targetPort: edge([8080, "http"], ["HTTP", 0, "port-name-too-long"]),
        name: edge(["http", "https"], ["HTTP"]),
        protocol: edge(["TCP", "UDP"], ["ICMP"]),
        nodePort: edge([30080, 32767], [80]),
      },
      3,
    ),
  )
  .map(([port, rest]) => ({ ...port, ...rest }));

export const serviceCaseArb: fc.Arbitrary<ObjectCase> = fc
  .record({
    type: fc.constantFrom(undefined, "ClusterIP", "NodePort", "LoadBalancer", "ExternalName"),
    ports: fc.array(servicePortArb, { maxLength: 2 }),
    more: someOf(
      {
        clusterIP: edge(["None", "10.96.0.10", ""], ["10.96.0.010", "bad"]),
        sessionAffinity: edge(["ClientIP", "None"], ["Sticky"]),
        externalTrafficPolicy: edge(["Local", "Cluster"], ["Nowhere"]),
        externalName: edge(["db.example.com"], ["Not_A_Name"]),
      },
      4,
    ),
  })
  .map(({ type, ports, more }) => ({
    kind: "Service",
    build: (name: string) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: "scout" },
      spec: {
        ...(type ? { type } : {}),
        selector: { app: name },
        ...(ports.length > 0 ? { ports: ports.map((p, i) => ({ name: `p${i}`, ...p })) } : {}),
        ...(type === "ExternalName" && !more.externalName
          ? { externalName: "db.example.com" }
          : {}),
        ...more,
      },
    }),
  }));

const policyPortArb = someOf(
  {
    port: edge([80, "http", 8080], [0, "HTTP", 65536]),
    endPort: edge([9090], [70]),
    protocol: edge(["TCP", "UDP", "SCTP"], ["ICMP"]),
  },
  2,
);

const ipBlockArb = fc
  .tuple(
    edge(["10.0.0.0/8", "::/0", "192.168.0.0/16"], ["10.0.0.1/8", "10.0.0.0/33", "not-a-cidr"]),
    fc.array(edge(["10.1.0.0/16"], ["192.168.0.0/16", "10.0.0.0/8"]), { maxLength: 1 }),
  )
  .map(([cidr, except]) => ({ cidr, ...(except.length > 0 ? { except } : {}) }));

export const networkPolicyCaseArb: fc.Arbitrary<ObjectCase> = fc
  .record({
    ports: fc.array(policyPortArb, { maxLength: 2 }),
    from: fc.array(
      ipBlockArb.map((ipBlock) => ({ ipBlock })),
      { maxLength: 2 },
    ),
  })
  .map(({ ports, from }) => ({
    kind: "NetworkPolicy",
    build: (name: string) => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace: "scout" },
      spec: {
        podSelector: { matchLabels: { app: "api" } },
        policyTypes: ["Ingress"],
        ingress: [{ ...(ports.length > 0 ? { ports } : {}), ...(from.length > 0 ? { from } : {}) }],
      },
    }),
  }));

/** Pods first (Windows ones above all), then Services and NetworkPolicies. */
export const objectCaseArb: fc.Arbitrary<ObjectCase> = fc.oneof(
  { weight: 6, arbitrary: workloadCaseArb },
  { weight: 2, arbitrary: serviceCaseArb },
  { weight: 1, arbitrary: networkPolicyCaseArb },
);
