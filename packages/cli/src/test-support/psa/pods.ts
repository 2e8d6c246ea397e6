import fc from "fast-check";

/**
 * Generated pods for the Pod Security admission differential test: a compliant pod (the
 * restricted profile's and the guide's settings) of which each field PSA looks at is, at the
 * case's mutation rate, replaced by another value or left out. Low rates give pods PSA admits
 * (where a finding of ours must be the guide's), high rates pods it rejects for several checks.
 */

type Json = Record<string, unknown>;

/** A field left out of the object; null, which the API server and PSA's Go types read as unset too, is an alternative of its own. */
export const ABSENT = Symbol("absent");
type Value = unknown | typeof ABSENT;

export interface PodCase {
  meta: Json;
  spec: Json;
}

const SECCOMP = {
  runtimeDefault: { type: "RuntimeDefault" },
  localhost: { type: "Localhost", localhostProfile: "profiles/scout.json" },
  unconfined: { type: "Unconfined" },
  /** Refused by the API server (no localhostProfile); PSA alone would admit it. */
  unnamed: { type: "Localhost" },
};
const APPARMOR = [
  { type: "RuntimeDefault" },
  { type: "Localhost", localhostProfile: "k8s-scout" },
  { type: "Unconfined" },
  { type: "Localhost" },
];
const SELINUX = [
  { type: "container_t" },
  { type: "container_init_t" },
  { type: "container_kvm_t" },
  { type: "container_engine_t" },
  { type: "spc_t" },
  { type: "" },
  { user: "system_u" },
  { role: "sysadm_r" },
  { level: "s0:c123,c456" },
];
const WINDOWS = [
  { hostProcess: true },
  { hostProcess: false },
  { runAsUserName: "ContainerAdministrator" },
  { runAsUserName: "ContainerUser" },
];
/** Safe at every version, safe only from a version on (1.27, 1.29, 1.32, 1.37), unsafe, and "/"-spelt. */
const SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_notsent_lowat",
  "net.ipv4.tcp_slow_start_after_idle",
  "kernel.msgmax",
  "net.core.somaxconn",
  "net/ipv4/tcp_syncookies",
];
const VOLUMES: Json[] = [
  { name: "v-hostpath", hostPath: { path: "/var/run", type: "Directory" } },
  { name: "v-configmap", configMap: { name: "scout-config" } },
  { name: "v-secret", secret: { secretName: "scout-secrets" } },
  { name: "v-pvc", persistentVolumeClaim: { claimName: "scout-data" } },
  { name: "v-projected", projected: { sources: [{ configMap: { name: "scout-config" } }] } },
  {
    name: "v-downward",
    downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] },
  },
  { name: "v-csi", csi: { driver: "secrets-store.csi.k8s.io", readOnly: true } },
  {
    name: "v-ephemeral",
    ephemeral: {
      volumeClaimTemplate: {
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    },
  },
  {
    name: "v-image",
    image: { reference: "registry.example/data:1.0", pullPolicy: "IfNotPresent" },
  },
  { name: "v-nfs", nfs: { server: "nfs.example", path: "/exports" } },
  {
    name: "v-iscsi",
    iscsi: { targetPortal: "10.0.0.1:3260", iqn: "iqn.2001-04.com.example:storage", lun: 0 },
  },
  { name: "v-gitrepo", gitRepo: { repository: "https://example.invalid/repo.git" } },
];
const CAPABILITIES: Json[] = [
  { drop: ["all"] },
  { drop: ["NET_RAW"] },
  { drop: [] },
  {},
  { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
  { drop: ["ALL"], add: ["SYS_ADMIN"] },
  { drop: ["ALL"], add: ["ALL"] },
  { drop: ["ALL"], add: ["CHOWN"] },
  { drop: ["all"], add: ["NET_BIND_SERVICE"] },
  { add: ["NET_RAW"] },
  { drop: ["ALL"], add: null },
  { drop: null },
];
const HANDLERS: Json[] = [
  { livenessProbe: { httpGet: { host: "10.0.0.1", path: "/docs", port: 8000 } } },
  { readinessProbe: { tcpSocket: { host: "169.254.169.254", port: 80 } } },
  { startupProbe: { httpGet: { host: "", path: "/docs", port: 8000 } } },
  { lifecycle: { postStart: { httpGet: { host: "metadata.internal", path: "/", port: 80 } } } },
  { lifecycle: { preStop: { tcpSocket: { host: "10.0.0.2", port: 9000 } } } },
];

/** The compliant value, or at `rate` one of the alternatives. */
function field(
  rate: number,
  compliant: Value,
  alternatives: readonly Value[],
): fc.Arbitrary<Value> {
  // Without noBias fast-check prefers small numbers, and nearly every field would change.
  return fc
    .noBias(fc.integer({ min: 0, max: 9999 }))
    .chain((roll) =>
      roll < rate * 10_000 ? fc.constantFrom(...alternatives) : fc.constant(compliant),
    );
}

/** A record without its ABSENT fields. */
function record(fields: Record<string, fc.Arbitrary<Value>>): fc.Arbitrary<Json> {
  return fc.record(fields).map((values) => {
    const out: Json = {};
    for (const [key, value] of Object.entries(values)) if (value !== ABSENT) out[key] = value;
    return out;
  });
}

function podSecurityContext(rate: number): fc.Arbitrary<Value> {
  const context = record({
    runAsNonRoot: field(rate, true, [false, ABSENT, null]),
    runAsUser: field(rate, 1000, [0, 1001, ABSENT, null]),
    runAsGroup: field(rate, 1000, [0, ABSENT]),
    seccompProfile: field(rate, SECCOMP.runtimeDefault, [
      SECCOMP.localhost,
      SECCOMP.unconfined,
      ABSENT,
      null,
    ]),
    seLinuxOptions: field(rate, ABSENT, SELINUX),
    appArmorProfile: field(rate, ABSENT, APPARMOR),
    windowsOptions: field(rate, ABSENT, WINDOWS),
    sysctls: field(rate, ABSENT, [
      ...SYSCTLS.map((name) => [{ name, value: "1" }]),
      [
        { name: "kernel.shm_rmid_forced", value: "1" },
        { name: "kernel.msgmax", value: "65536" },
      ],
    ]),
  });
  return fc
    .tuple(context, field(rate / 2, "set", ["absent", "empty"]))
    .map(([value, whole]) => (whole === "absent" ? ABSENT : whole === "empty" ? {} : value));
}

function containerSecurityContext(rate: number): fc.Arbitrary<Value> {
  const context = record({
    runAsNonRoot: field(rate, ABSENT, [true, false, null]),
    runAsUser: field(rate, ABSENT, [0, 1000, 1001, null]),
    seccompProfile: field(rate, ABSENT, [...Object.values(SECCOMP), null]),
    allowPrivilegeEscalation: field(rate, false, [true, ABSENT, null]),
    capabilities: field(rate, { drop: ["ALL"] }, [...CAPABILITIES, ABSENT, null]),
    privileged: field(rate, ABSENT, [true, false, null]),
    procMount: field(rate, ABSENT, ["Default", "Unmasked"]),
    readOnlyRootFilesystem: field(rate, true, [false, ABSENT]),
    seLinuxOptions: field(rate, ABSENT, SELINUX),
    appArmorProfile: field(rate, ABSENT, APPARMOR),
    windowsOptions: field(rate, ABSENT, WINDOWS),
  });
  return fc
    .tuple(context, field(rate / 2, "set", ["absent", "empty"]))
    .map(([value, whole]) => (whole === "absent" ? ABSENT : whole === "empty" ? {} : value));
}

type ContainerList = "containers" | "initContainers" | "ephemeralContainers";

function container(rate: number, name: string, list: ContainerList): fc.Arbitrary<Json> {
  return fc
    .record({
      securityContext: containerSecurityContext(rate),
      hostPort: field(rate, ABSENT, [8080, 0]),
      handler: field(rate, ABSENT, HANDLERS),
      // Beyond PSA, for the findings it does not explain: a writable path besides /tmp.
      cache: field(rate, ABSENT, [{ name: "tmp", mountPath: "/var/cache", subPath: "cache" }]),
    })
    .map(({ securityContext, hostPort, handler, cache }) => {
      const out: Json = {
        name,
        image: "registry.example/scout/app:1.0.0",
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...(cache === ABSENT ? [] : [cache])],
      };
      // The API server allows neither ports nor probes on an ephemeral container.
      if (list !== "ephemeralContainers") {
        out.ports = [{ containerPort: 8080, ...(hostPort === ABSENT ? {} : { hostPort }) }];
        if (handler !== ABSENT) Object.assign(out, handler);
      }
      if (securityContext !== ABSENT) out.securityContext = securityContext;
      return out;
    });
}

/** The annotations PSA reads: AppArmor's per container, and the seccomp ones Kubernetes 1.27 stopped honouring. */
function annotations(rate: number, names: readonly string[]): fc.Arbitrary<Json> {
  const entries = names.map((name) =>
    fc
      .tuple(
        field(rate / 2, ABSENT, ["runtime/default", "localhost/k8s-scout", "unconfined", ""]),
        field(rate / 2, ABSENT, ["runtime/default", "unconfined", "localhost/profile.json"]),
      )
      .map(([apparmor, seccomp]) => ({
        ...(apparmor === ABSENT
          ? {}
          : { [`container.apparmor.security.beta.kubernetes.io/${name}`]: apparmor }),
        ...(seccomp === ABSENT
          ? {}
          : { [`container.seccomp.security.alpha.kubernetes.io/${name}`]: seccomp }),
      })),
  );
  const pod = field(rate / 2, ABSENT, ["runtime/default", "unconfined"]).map((v) =>
    v === ABSENT ? {} : { "seccomp.security.alpha.kubernetes.io/pod": v },
  );
  return fc.tuple(pod, ...entries).map((parts) => Object.assign({}, ...parts));
}

const LISTS: readonly ContainerList[] = ["containers", "initContainers", "ephemeralContainers"];

/** 1-3 containers: the first an app container, the others of any list (ephemeral ones rarely). */
const shapes = fc.array(fc.constantFrom<ContainerList>(...LISTS, "containers", "initContainers"), {
  maxLength: 2,
});

export function podCaseArb(): fc.Arbitrary<PodCase> {
  return fc
    .tuple(fc.constantFrom(0.02, 0.05, 0.1, 0.25), shapes)
    .chain(([rate, extra]) => {
      const lists: ContainerList[] = ["containers", ...extra];
      const names = lists.map((_, i) => `c${i}`);
      return fc.record({
        annotations: annotations(rate, names),
        securityContext: podSecurityContext(rate),
        containers: fc.tuple(...lists.map((list, i) => container(rate, names[i]!, list))),
        lists: fc.constant(lists),
        hostNetwork: field(rate / 2, ABSENT, [true, false]),
        hostPID: field(rate / 2, ABSENT, [true, false]),
        hostIPC: field(rate / 2, ABSENT, [true, false]),
        hostUsers: field(rate, ABSENT, [false, true]),
        os: field(rate, ABSENT, [{ name: "windows" }, { name: "linux" }]),
        volume: field(rate * 2, ABSENT, VOLUMES),
        // Beyond PSA: the token and the shared process namespace (guide rules PSA lacks).
        automountServiceAccountToken: field(rate, false, [true, ABSENT]),
        shareProcessNamespace: field(rate, ABSENT, [true, false]),
      });
    })
    .map((g) => {
      const spec: Json = {
        volumes: [{ name: "tmp", emptyDir: {} }, ...(g.volume === ABSENT ? [] : [g.volume])],
      };
      const optional = [
        "automountServiceAccountToken",
        "shareProcessNamespace",
        "hostNetwork",
        "hostPID",
        "hostIPC",
        "hostUsers",
        "os",
      ] as const;
      for (const key of optional) {
        if (g[key] !== ABSENT) spec[key] = g[key];
      }
      if (g.securityContext !== ABSENT) spec.securityContext = g.securityContext;
      g.lists.forEach((list, i) => {
        spec[list] = [...((spec[list] as Json[] | undefined) ?? []), g.containers[i]];
      });
      return {
        meta: Object.keys(g.annotations).length ? { annotations: g.annotations } : {},
        spec,
      };
    });
}
