import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { securityGuideRules, systemToolRunner } from "@scout-deploy/engine";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

/**
 * The mutation audit: break the compliant Scout bundle in one place (one line, or the one
 * object a control needs) and check, through the whole `check` pipeline, that exactly the
 * expected findings come out: at least one (else a false negative), each on the line the user
 * edits or on the field of the object they must change, and one cause giving one finding. The
 * same for one key of a `scout-deploy.yaml` (the typed config path) and one value of the Helm
 * example. A row whose finding set is knowingly more than one says why in `note`.
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const compliant = readFileSync(
  join(repo, "packages/rules/src/fixtures/compliant/scout.yaml"),
  "utf8",
);

/** `Kind/name` of a document of the fixture, or `appended` for a document the row adds. */
type Where = string;
/** [object to edit, text that occurs once in it, its replacement]; object `append`: add a document. */
type Edit = readonly [object: Where, find: string, replace: string];
/** [rule id, the object the finding is on, text of that document whose first line is the finding's]. */
type Expected = readonly [rule: string, object: Where, at: string];

interface Mutation {
  name: string;
  edits: readonly Edit[];
  expect: readonly Expected[];
  /** A `policy:` section for the check's config. */
  policy?: string;
  /** Why more than one finding (or none) is right for this one edit. */
  note?: string;
}

const D = (name: string) => `Deployment/${name}`;
const NP = (name: string) => `NetworkPolicy/${name}`;
const REDIS = "StatefulSet/redis";
const SECRET = "Secret/scout-secrets";
const APE = "allowPrivilegeEscalation: false";
const b64 = (text: string) => Buffer.from(text).toString("base64");
const API_TOKEN_B64 = "bVJPTE5zRjJ1RllIV3R6UUVleFVjdkFWckV5MCtEeDR6NVRlNzFKTEtOWT0=";
const REDIS_PASSWORD_B64 = "cnRkdjhQempTeFRrVnh4TVF3bzN1c2s5Y09penhyVFhHN2NmMzd2aktxQT0=";
const podField = (name: string, field: string) =>
  [
    D(name),
    "      automountServiceAccountToken: false\n",
    `      automountServiceAccountToken: false\n      ${field}\n`,
  ] as const;
/** The pod template's metadata line: where network/default-deny and metrics findings sit. */
const TEMPLATE_METADATA = "\n    metadata:";
/** A compliant init container for the backend: the rows about one pod field and several containers. */
const INIT_CONTAINER: Edit = [
  D("backend"),
  "      containers:\n",
  "      initContainers:\n        - name: migrate\n          image: ghcr.io/scout/backend:1.4.2\n          securityContext:\n            allowPrivilegeEscalation: false\n            privileged: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: [ALL]\n          resources:\n            requests: { cpu: 100m, memory: 128Mi }\n            limits: { cpu: 500m, memory: 256Mi }\n          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n      containers:\n",
];
const NO_DEFAULT_DENY: Edit = [
  NP("default-deny"),
  "  podSelector: {}\n",
  "  podSelector: { matchLabels: { nothing: selected } }\n",
];

const mutations: Mutation[] = [
  // Pod security: one container or one pod of the five.
  {
    name: "runAsUser: 0 on one container",
    edits: [[D("backend"), APE, `${APE}\n            runAsUser: 0`]],
    expect: [["pod/run-as-non-root", D("backend"), "runAsUser: 0"]],
    note: "two catalogue lines cover it (no runAsUser: 0; the expected UID 1000): one cause, root, owned by run-as-non-root; run-as-user yields to it on that field",
  },
  {
    name: "runAsUser: 0 on one container, with pod/run-as-non-root off",
    edits: [[D("backend"), APE, `${APE}\n            runAsUser: 0`]],
    policy: "policy:\n  rules:\n    pod/run-as-non-root: off\n",
    expect: [["pod/run-as-user", D("backend"), "runAsUser: 0"]],
    note: "the owner off, run-as-user still says that 0 is not the expected UID",
  },
  {
    name: "runAsUser: 0 on a pod",
    edits: [[D("frontend"), "runAsUser: 1000", "runAsUser: 0"]],
    expect: [["pod/run-as-non-root", D("frontend"), "runAsUser: 0"]],
  },
  {
    name: "runAsNonRoot: false on a pod",
    edits: [[D("frontend"), "runAsNonRoot: true", "runAsNonRoot: false"]],
    expect: [["pod/run-as-non-root", D("frontend"), "runAsNonRoot: false"]],
  },
  {
    name: "runAsNonRoot: false on one container overrides the pod's true",
    edits: [[REDIS, APE, `${APE}\n            runAsNonRoot: false`]],
    expect: [["pod/run-as-non-root", REDIS, "runAsNonRoot: false"]],
  },
  {
    name: "runAsNonRoot removed from a pod",
    edits: [[D("nginx"), "        runAsNonRoot: true\n", ""]],
    expect: [["pod/run-as-non-root", D("nginx"), "\n      securityContext:"]],
  },
  {
    name: "runAsUser: 1001 on a pod",
    edits: [[D("backend"), "runAsUser: 1000", "runAsUser: 1001"]],
    expect: [["pod/run-as-user", D("backend"), "runAsUser: 1001"]],
  },
  {
    name: "runAsUser: 2000 on one container",
    edits: [[REDIS, APE, `${APE}\n            runAsUser: 2000`]],
    expect: [["pod/run-as-user", REDIS, "runAsUser: 2000"]],
  },
  {
    name: "readOnlyRootFilesystem: false",
    edits: [[REDIS, "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"]],
    expect: [["pod/read-only-root-filesystem", REDIS, "readOnlyRootFilesystem: false"]],
  },
  {
    name: "readOnlyRootFilesystem removed",
    edits: [[D("nginx"), "            readOnlyRootFilesystem: true\n", ""]],
    expect: [["pod/read-only-root-filesystem", D("nginx"), "          securityContext:"]],
  },
  {
    name: "a second writable emptyDir mount",
    edits: [
      [
        D("frontend"),
        "              mountPath: /tmp\n",
        "              mountPath: /tmp\n            - name: cache\n              mountPath: /var/cache\n",
      ],
      [
        D("frontend"),
        "      volumes:\n",
        "      volumes:\n        - name: cache\n          emptyDir: {}\n",
      ],
    ],
    expect: [["pod/writable-paths", D("frontend"), "mountPath: /var/cache"]],
  },
  {
    name: "the /tmp emptyDir mounted at /data instead",
    edits: [[D("prometheus"), "mountPath: /tmp", "mountPath: /data"]],
    expect: [
      ["pod/writable-paths", D("prometheus"), "          volumeMounts:"],
      ["pod/writable-paths", D("prometheus"), "mountPath: /data"],
    ],
    note: "two effects a user must each undo or allow: /tmp is no longer writable (the app breaks) and /data is (a path the guide does not allow)",
  },
  {
    name: "/tmp from a hostPath volume",
    edits: [[D("nginx"), "emptyDir: {}", "hostPath: { path: /tmp }"]],
    expect: [["pod/no-host-path", D("nginx"), "hostPath"]],
    note: "three catalogue lines apply (no hostPath; only restricted volume types; /tmp is an emptyDir) to one key, which one edit fixes: one finding, no-host-path's error; the others yield to it",
  },
  {
    name: "/tmp from a hostPath volume that an init container mounts too",
    edits: [INIT_CONTAINER, [D("backend"), "emptyDir: {}", "hostPath: { path: /tmp }"]],
    expect: [["pod/no-host-path", D("backend"), "hostPath"]],
  },
  {
    name: "/tmp from an nfs volume",
    edits: [[D("prometheus"), "emptyDir: {}", "nfs: { server: nfs.local, path: /scratch }"]],
    expect: [["pod/restricted-volume-types", D("prometheus"), "nfs:"]],
  },
  {
    name: "drop: [NET_RAW] instead of ALL",
    edits: [[D("frontend"), "drop: [ALL]", "drop: [NET_RAW]"]],
    expect: [["pod/drop-all-capabilities", D("frontend"), "drop: [NET_RAW]"]],
  },
  {
    name: "drop: [all], which runtimes do not honour",
    edits: [[D("nginx"), "drop: [ALL]", "drop: [all]"]],
    expect: [["pod/drop-all-capabilities", D("nginx"), "drop: [all]"]],
  },
  {
    name: "add: [NET_ADMIN] beside drop ALL",
    edits: [[D("frontend"), "drop: [ALL]", "drop: [ALL]\n              add: [NET_ADMIN]"]],
    expect: [["pod/drop-all-capabilities", D("frontend"), "add: [NET_ADMIN]"]],
  },
  {
    name: "capabilities removed",
    edits: [[D("backend"), "            capabilities:\n              drop: [ALL]\n", ""]],
    expect: [["pod/drop-all-capabilities", D("backend"), "          securityContext:"]],
  },
  {
    name: "allowPrivilegeEscalation: true",
    edits: [[D("backend"), APE, "allowPrivilegeEscalation: true"]],
    expect: [["pod/no-privilege-escalation", D("backend"), "allowPrivilegeEscalation: true"]],
  },
  {
    name: "allowPrivilegeEscalation removed",
    edits: [[D("frontend"), `            ${APE}\n`, ""]],
    expect: [["pod/no-privilege-escalation", D("frontend"), "          securityContext:"]],
  },
  {
    name: "privileged: true",
    edits: [[D("frontend"), "privileged: false", "privileged: true"]],
    expect: [["pod/not-privileged", D("frontend"), "privileged: true"]],
  },
  {
    name: "seccomp Unconfined on a pod",
    edits: [[D("backend"), "type: RuntimeDefault", "type: Unconfined"]],
    expect: [["pod/seccomp-profile", D("backend"), "type: Unconfined"]],
  },
  {
    name: "seccomp Unconfined on one container",
    edits: [[D("nginx"), APE, `${APE}\n            seccompProfile: { type: Unconfined }`]],
    expect: [["pod/seccomp-profile", D("nginx"), "type: Unconfined"]],
  },
  {
    name: "seccompProfile removed from a pod",
    edits: [[D("backend"), "        seccompProfile:\n          type: RuntimeDefault\n", ""]],
    expect: [["pod/seccomp-profile", D("backend"), "\n      securityContext:"]],
  },
  {
    name: "runAsNonRoot removed from a pod with an init container",
    edits: [INIT_CONTAINER, [D("backend"), "        runAsNonRoot: true\n", ""]],
    expect: [["pod/run-as-non-root", D("backend"), "\n      securityContext:"]],
  },
  {
    name: "seccompProfile removed from a pod with an init container",
    edits: [
      INIT_CONTAINER,
      [D("backend"), "        seccompProfile:\n          type: RuntimeDefault\n", ""],
    ],
    expect: [["pod/seccomp-profile", D("backend"), "\n      securityContext:"]],
  },
  {
    name: "runAsUser: 1001 on a pod with an init container",
    edits: [INIT_CONTAINER, [D("backend"), "runAsUser: 1000", "runAsUser: 1001"]],
    expect: [["pod/run-as-user", D("backend"), "runAsUser: 1001"]],
  },
  {
    name: "hostNetwork: true",
    edits: [podField("frontend", "hostNetwork: true")],
    expect: [
      // One cause, one finding: network/default-deny (not isolated) and network/allowed-flows
      // (the flows to and from it blocked) yield to it on that line, and say it when it is off.
      ["pod/no-host-namespaces", D("frontend"), "hostNetwork"],
    ],
    note: "A pod on the node's network is out of the policies' reach both ways: nothing isolates it, and the podSelector peers that let frontend reach the backend and nginx reach frontend no longer match its traffic, which comes from the node's address. pod/no-host-namespaces owns the cause and its message says no NetworkPolicy applies; the network rules' findings on the same line yield to it.",
  },
  {
    name: "hostIPC: true",
    edits: [podField("nginx", "hostIPC: true")],
    expect: [["pod/no-host-namespaces", D("nginx"), "hostIPC"]],
  },
  {
    name: "a liveness probe with a host",
    edits: [
      [
        D("frontend"),
        "httpGet: { path: /, port: http }, periodSeconds: 20",
        "httpGet: { path: /, port: http, host: 169.254.169.254 }, periodSeconds: 20",
      ],
    ],
    expect: [["pod/no-handler-host", D("frontend"), "host: 169.254.169.254"]],
  },
  {
    name: "hostPort on the backend",
    edits: [
      [D("backend"), "containerPort: 8000", "containerPort: 8000\n              hostPort: 8000"],
    ],
    expect: [["pod/no-host-path", D("backend"), "hostPort"]],
  },
  {
    name: "an ephemeral volume of a class whose only volume is a local PersistentVolume of the node's /",
    edits: [
      [
        REDIS,
        "      volumes:\n",
        "      volumes:\n        - name: data\n          ephemeral:\n            volumeClaimTemplate:\n              spec: { storageClassName: node, accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }\n",
      ],
      [
        "append",
        "",
        "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: node-root\nspec:\n  storageClassName: node\n  capacity: { storage: 10Gi }\n  accessModes: [ReadWriteOnce]\n  local: { path: / }\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n        - matchExpressions: [{ key: kubernetes.io/hostname, operator: Exists }]\n",
      ],
    ],
    expect: [["pod/no-host-path", REDIS, "          ephemeral:"]],
  },
  {
    name: "a CiliumNetworkPolicy that lets the world reach Redis",
    edits: [
      [
        "append",
        "",
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: world-to-redis\n  namespace: scout\nspec:\n  endpointSelector:\n    matchLabels:\n      app.kubernetes.io/component: redis\n  ingress:\n    - fromEntities: [world]\n",
      ],
    ],
    expect: [
      ["network/unmodeled-policies", "appended", "  ingress:"],
      ["input/no-schema", "appended", "kind: CiliumNetworkPolicy"],
    ],
    note: "the policy's allow is unmodeled-policies' error; no-schema is the info that the kind is not schema-checked",
  },
  {
    name: "a MutatingAdmissionPolicy, bound, that patches every Deployment",
    edits: [
      [
        "append",
        "",
        "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicyBinding\nmetadata:\n  name: make-privileged\nspec:\n  policyName: make-privileged\n",
      ],
      [
        "append",
        "",
        'apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicy\nmetadata:\n  name: make-privileged\nspec:\n  matchConstraints:\n    resourceRules:\n      - apiGroups: [apps]\n        apiVersions: [v1]\n        operations: [CREATE, UPDATE]\n        resources: [deployments]\n  mutations:\n    - patchType: JSONPatch\n      jsonPatch:\n        expression: >\n          [JSONPatch{op: "add", path: "/spec/template/spec/containers/0/securityContext/privileged", value: true}]\n',
      ],
    ],
    expect: [["pod/no-mutating-admission", "appended", "      - apiGroups: [apps]"]],
  },
  {
    name: "automountServiceAccountToken: true under the default account",
    edits: [
      [D("frontend"), "automountServiceAccountToken: false", "automountServiceAccountToken: true"],
    ],
    expect: [["pod/service-account-token", D("frontend"), "automountServiceAccountToken: true"]],
  },
  {
    name: "automountServiceAccountToken removed under the default account",
    edits: [[D("nginx"), "      automountServiceAccountToken: false\n", ""]],
    expect: [["pod/service-account-token", D("nginx"), "\n    spec:"]],
  },
  {
    name: "AppArmor Unconfined",
    edits: [
      [
        D("frontend"),
        "fsGroup: 1000",
        "fsGroup: 1000\n        appArmorProfile: { type: Unconfined }",
      ],
    ],
    expect: [["pod/apparmor-profile", D("frontend"), "type: Unconfined"]],
  },
  {
    name: "the root group: runAsGroup: 0, fsGroup: 0",
    edits: [
      [D("frontend"), "runAsGroup: 1000", "runAsGroup: 0"],
      [D("backend"), "fsGroup: 1000", "fsGroup: 0"],
    ],
    expect: [
      ["pod/non-root-groups", D("frontend"), "runAsGroup"],
      ["pod/non-root-groups", D("backend"), "fsGroup"],
    ],
  },
  {
    name: "procMount: Unmasked",
    edits: [[D("frontend"), APE, `${APE}\n            procMount: Unmasked`]],
    expect: [["pod/proc-mount", D("frontend"), "procMount"]],
  },
  {
    name: "an unsafe sysctl",
    edits: [
      [
        D("frontend"),
        "fsGroup: 1000",
        "fsGroup: 1000\n        sysctls: [{ name: kernel.msgmax, value: '65536' }]",
      ],
    ],
    expect: [["pod/safe-sysctls", D("frontend"), "sysctls"]],
  },
  {
    name: "SELinux type spc_t",
    edits: [
      [D("frontend"), "fsGroup: 1000", "fsGroup: 1000\n        seLinuxOptions: { type: spc_t }"],
    ],
    expect: [["pod/selinux-options", D("frontend"), "type: spc_t"]],
  },
  {
    name: "shareProcessNamespace: true",
    edits: [podField("frontend", "shareProcessNamespace: true")],
    expect: [["pod/no-shared-process-namespace", D("frontend"), "shareProcessNamespace"]],
  },
  // Workload hygiene.
  {
    name: "a livenessProbe removed",
    edits: [
      [
        D("frontend"),
        "          livenessProbe: { httpGet: { path: /, port: http }, periodSeconds: 20 }\n",
        "",
      ],
    ],
    expect: [["workload/probes", D("frontend"), "- name: frontend"]],
  },
  {
    name: "the backend's readinessProbe removed",
    edits: [
      [
        D("backend"),
        "          readinessProbe: { httpGet: { path: /docs, port: http }, periodSeconds: 10 }\n",
        "",
      ],
    ],
    expect: [["workload/probes", D("backend"), "- name: backend"]],
  },
  {
    name: "the backend's readinessProbe on /healthz",
    edits: [
      [
        D("backend"),
        "readinessProbe: { httpGet: { path: /docs",
        "readinessProbe: { httpGet: { path: /healthz",
      ],
    ],
    expect: [["workload/probes", D("backend"), "readinessProbe: { httpGet: { path: /healthz"]],
  },
  {
    name: "the backend's livenessProbe on port 9000",
    edits: [
      [
        D("backend"),
        "livenessProbe: { httpGet: { path: /docs, port: http }",
        "livenessProbe: { httpGet: { path: /docs, port: 9000 }",
      ],
    ],
    expect: [
      ["workload/probes", D("backend"), "livenessProbe: { httpGet: { path: /docs, port: 9000"],
    ],
    note: "two catalogue lines cover it (the backend's probe asks 8000; probe ports are declared): workload/probes names the port to write, port-coherence yields to it on that field",
  },
  {
    name: "the backend's livenessProbe on port 9000, with workload/probes off",
    edits: [
      [
        D("backend"),
        "livenessProbe: { httpGet: { path: /docs, port: http }",
        "livenessProbe: { httpGet: { path: /docs, port: 9000 }",
      ],
    ],
    policy: "policy:\n  rules:\n    workload/probes: off\n",
    expect: [
      [
        "network/port-coherence",
        D("backend"),
        "livenessProbe: { httpGet: { path: /docs, port: 9000",
      ],
    ],
  },
  {
    name: 'a probe port written as "3000"',
    edits: [
      [
        D("frontend"),
        "livenessProbe: { httpGet: { path: /, port: http }",
        'livenessProbe: { httpGet: { path: /, port: "3000" }',
      ],
    ],
    expect: [
      ["workload/probes", D("frontend"), 'livenessProbe: { httpGet: { path: /, port: "3000"'],
    ],
    note: "a quoted number is a port name the API server refuses: workload/probes says so and how to write it; port-coherence's refusal yields to it on that field",
  },
  {
    name: "the backend's startupProbe removed",
    edits: [
      [
        D("backend"),
        "          startupProbe:\n            httpGet: { path: /docs, port: http }\n            failureThreshold: 30\n            periodSeconds: 2\n",
        "",
      ],
    ],
    expect: [["workload/startup-probe", D("backend"), "- name: backend"]],
  },
  {
    name: "an image on :latest",
    edits: [[D("frontend"), "frontend:1.4.2", "frontend:latest"]],
    expect: [["workload/image-pinned", D("frontend"), "image: ghcr.io"]],
  },
  {
    name: "an image without a tag",
    edits: [[D("nginx"), "nginx-unprivileged:1.27.1", "nginx-unprivileged"]],
    expect: [["workload/image-pinned", D("nginx"), "image: docker.io"]],
  },
  {
    name: "an image pinned by digest alone",
    edits: [[D("frontend"), "frontend:1.4.2", `frontend@sha256:${"0123456789abcdef".repeat(4)}`]],
    expect: [],
  },
  {
    name: "limits.memory removed",
    edits: [[REDIS, "limits: { cpu: 500m, memory: 256Mi }", "limits: { cpu: 500m }"]],
    expect: [["workload/resources", REDIS, "limits: { cpu: 500m }"]],
  },
  {
    name: "limits.cpu: 1 core, a quantity the API server cannot decode",
    edits: [
      [REDIS, "limits: { cpu: 500m, memory: 256Mi }", "limits: { cpu: 1 core, memory: 256Mi }"],
    ],
    expect: [["workload/resources", REDIS, "limits: { cpu: 1 core"]],
    note: "the API server refuses the object (input/schema) for the catalogue's resources line: workload/resources says it as an error, and the schema's refusal yields to it on that field",
  },
  {
    name: "limits.cpu: 1 core, with workload/resources off",
    edits: [
      [REDIS, "limits: { cpu: 500m, memory: 256Mi }", "limits: { cpu: 1 core, memory: 256Mi }"],
    ],
    policy: "policy:\n  rules:\n    workload/resources: off\n",
    expect: [["input/schema", REDIS, "limits: { cpu: 1 core"]],
  },
  {
    name: "limits.cpu: 1 core, with workload/resources a warning",
    edits: [
      [REDIS, "limits: { cpu: 500m, memory: 256Mi }", "limits: { cpu: 1 core, memory: 256Mi }"],
    ],
    policy: "policy:\n  rules:\n    workload/resources: warning\n",
    expect: [
      ["input/schema", REDIS, "limits: { cpu: 1 core"],
      ["workload/resources", REDIS, "limits: { cpu: 1 core"],
    ],
    note: "a user's warning never stands in for the API server's refusal: the gate still fails on input/schema",
  },
  {
    name: "a memory request above its limit",
    edits: [
      [REDIS, "requests: { cpu: 100m, memory: 128Mi }", "requests: { cpu: 100m, memory: 1Gi }"],
    ],
    expect: [["workload/resources", REDIS, "requests: { cpu: 100m, memory: 1Gi"]],
  },
  {
    name: "limits removed",
    edits: [[D("nginx"), "            limits: { cpu: 500m, memory: 256Mi }\n", ""]],
    expect: [["workload/resources", D("nginx"), "resources:"]],
  },
  {
    name: "requests removed, limits kept",
    edits: [[D("frontend"), "            requests: { cpu: 100m, memory: 128Mi }\n", ""]],
    expect: [],
    note: "the API server defaults each request to its limit: all four are set on the running pod",
  },
  {
    name: "resources removed",
    edits: [
      [
        D("prometheus"),
        "          resources:\n            requests: { cpu: 100m, memory: 128Mi }\n            limits: { cpu: 500m, memory: 256Mi }\n",
        "",
      ],
    ],
    expect: [["workload/resources", D("prometheus"), "- name: prometheus"]],
  },
  {
    name: "a ConfigMap in namespace default",
    edits: [["ConfigMap/scout-config", "namespace: scout", "namespace: default"]],
    expect: [["workload/namespace", "ConfigMap/scout-config", "namespace: default"]],
  },
  {
    name: "a secretKeyRef to a key the Secret lacks",
    edits: [[D("backend"), "key: api-token", "key: api_token"]],
    expect: [["workload/references-resolve", D("backend"), "key: api_token"]],
  },
  // RBAC.
  {
    name: "the backend under serviceAccountName: default",
    edits: [[D("backend"), "serviceAccountName: scout-backend", "serviceAccountName: default"]],
    expect: [
      ["rbac/dedicated-service-account", D("backend"), "serviceAccountName: default"],
      // The default account's token is mounted: the field to add is on the pod spec.
      ["pod/service-account-token", D("backend"), "\n    spec:"],
    ],
  },
  {
    name: "the backend's serviceAccountName removed",
    edits: [
      [
        D("backend"),
        "      serviceAccountName: scout-backend\n",
        "      automountServiceAccountToken: false\n",
      ],
    ],
    expect: [["rbac/dedicated-service-account", D("backend"), "\n    spec:"]],
  },
  {
    name: "the backend's ServiceAccount not defined",
    edits: [["ServiceAccount/scout-backend", "kind: ServiceAccount", "kind: ConfigMap"]],
    expect: [["rbac/dedicated-service-account", D("backend"), "serviceAccountName"]],
  },
  {
    name: "the RoleBinding binds a ClusterRole",
    edits: [["RoleBinding/scout-backend", "  kind: Role\n", "  kind: ClusterRole\n"]],
    expect: [["rbac/namespace-scoped", "RoleBinding/scout-backend", "kind: ClusterRole"]],
  },
  {
    name: "the RoleBinding in namespace default",
    edits: [
      ["RoleBinding/scout-backend", "  namespace: scout\nroleRef", "  namespace: default\nroleRef"],
    ],
    expect: [["rbac/namespace-scoped", "RoleBinding/scout-backend", "namespace: default"]],
    note: "two catalogue lines cover it (RoleBindings live in the Scout namespace; every object does): the RBAC rule owns it, workload/namespace yields to it on that field",
  },
  {
    name: "the RoleBinding in namespace default, with rbac/namespace-scoped off",
    edits: [
      ["RoleBinding/scout-backend", "  namespace: scout\nroleRef", "  namespace: default\nroleRef"],
    ],
    policy: "policy:\n  rules:\n    rbac/namespace-scoped: off\n",
    expect: [["workload/namespace", "RoleBinding/scout-backend", "namespace: default"]],
  },
  {
    name: "a ClusterRoleBinding to the backend's account",
    edits: [
      [
        "append",
        "",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: scout-view\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: scout-backend\n    namespace: scout\n",
      ],
    ],
    expect: [
      ["rbac/namespace-scoped", "ClusterRoleBinding/scout-view", "  - kind: ServiceAccount"],
    ],
  },
  {
    name: 'verbs: ["*"]',
    edits: [
      [
        "Role/scout-backend",
        "resourceNames: [scout-config]\n    verbs: [get]",
        'resourceNames: [scout-config]\n    verbs: ["*"]',
      ],
    ],
    expect: [["rbac/no-wildcards", "Role/scout-backend", '"*"']],
  },
  {
    name: 'apiGroups: ["*"]',
    edits: [
      [
        "Role/scout-backend",
        '  - apiGroups: [""]\n    resources: [configmaps]',
        '  - apiGroups: ["*"]\n    resources: [configmaps]',
      ],
    ],
    expect: [["rbac/no-wildcards", "Role/scout-backend", '"*"']],
  },
  {
    name: "list on every Secret",
    edits: [
      [
        "Role/scout-backend",
        "resourceNames: [scout-secrets]\n    verbs: [get]",
        "verbs: [get, list]",
      ],
    ],
    expect: [
      ["rbac/no-dangerous-verbs", "Role/scout-backend", "list"],
      // get without resourceNames: every Secret whose name is known (a warning beyond rules.md)
      ["rbac/no-dangerous-verbs", "Role/scout-backend", "verbs: [get, list]"],
    ],
  },
  {
    name: "list on the one Secret named in resourceNames",
    edits: [
      [
        "Role/scout-backend",
        "resourceNames: [scout-secrets]\n    verbs: [get]",
        "resourceNames: [scout-secrets]\n    verbs: [get, list]",
      ],
    ],
    expect: [],
    note: "the RBAC authorizer matches a list with resourceNames only for a list of that one name",
  },
  {
    name: "escalate on roles",
    edits: [
      [
        "Role/scout-backend",
        "resourceNames: [scout-config]\n    verbs: [get]",
        "resourceNames: [scout-config]\n    verbs: [get]\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [roles]\n    verbs: [escalate]",
      ],
    ],
    expect: [["rbac/no-dangerous-verbs", "Role/scout-backend", "escalate"]],
  },
  {
    name: "impersonate the service accounts of the namespace",
    edits: [
      [
        "Role/scout-backend",
        "resourceNames: [scout-config]\n    verbs: [get]",
        'resourceNames: [scout-config]\n    verbs: [get]\n  - apiGroups: [""]\n    resources: [serviceaccounts]\n    verbs: [impersonate]',
      ],
    ],
    expect: [["rbac/no-dangerous-verbs", "Role/scout-backend", "impersonate"]],
  },
  {
    name: "impersonate users in a Role",
    edits: [
      [
        "Role/scout-backend",
        "resourceNames: [scout-config]\n    verbs: [get]",
        'resourceNames: [scout-config]\n    verbs: [get]\n  - apiGroups: [""]\n    resources: [users]\n    verbs: [impersonate]',
      ],
    ],
    expect: [],
    note: "the API server asks to impersonate a user with no namespace, which no Role's rules match",
  },
  {
    name: "create on pods/exec",
    edits: [
      [
        "Role/scout-backend",
        "resourceNames: [scout-config]\n    verbs: [get]",
        'resourceNames: [scout-config]\n    verbs: [get]\n  - apiGroups: [""]\n    resources: [pods/exec]\n    verbs: [create]',
      ],
    ],
    expect: [["rbac/no-dangerous-verbs", "Role/scout-backend", "create"]],
  },
  {
    name: "create on serviceaccounts/token",
    edits: [
      [
        "Role/scout-backend",
        "resourceNames: [scout-config]\n    verbs: [get]",
        'resourceNames: [scout-config]\n    verbs: [get]\n  - apiGroups: [""]\n    resources: [serviceaccounts/token]\n    verbs: [create]',
      ],
    ],
    expect: [["rbac/no-dangerous-verbs", "Role/scout-backend", "create"]],
  },
  {
    name: "the RoleBinding's subject is system:authenticated",
    edits: [
      [
        "RoleBinding/scout-backend",
        "  - kind: ServiceAccount\n    name: scout-backend\n    namespace: scout",
        "  - kind: Group\n    apiGroup: rbac.authorization.k8s.io\n    name: system:authenticated",
      ],
    ],
    expect: [["rbac/minimal-subjects", "RoleBinding/scout-backend", "name: system:authenticated"]],
  },
  {
    name: "the RoleBinding's subject is the default account",
    edits: [
      [
        "RoleBinding/scout-backend",
        "    name: scout-backend\n    namespace: scout",
        "    name: default\n    namespace: scout",
      ],
    ],
    expect: [["rbac/minimal-subjects", "RoleBinding/scout-backend", "    name: default"]],
  },
  {
    name: "the RoleBinding's subject is an account of the same name in another namespace",
    edits: [
      [
        "RoleBinding/scout-backend",
        "    name: scout-backend\n    namespace: scout",
        "    name: scout-backend\n    namespace: other",
      ],
    ],
    expect: [["rbac/minimal-subjects", "RoleBinding/scout-backend", "namespace: other"]],
  },
  // Secrets.
  {
    name: "a password in a ConfigMap",
    edits: [
      [
        "ConfigMap/scout-config",
        'REDIS_PORT: "6379"',
        'REDIS_PORT: "6379"\n  REDIS_PASSWORD: hunter2hunter2',
      ],
    ],
    expect: [["secrets/no-secret-in-configmap", "ConfigMap/scout-config", "REDIS_PASSWORD"]],
  },
  {
    name: "a GitHub token in a ConfigMap under a plain name",
    edits: [
      [
        "ConfigMap/scout-config",
        "LOG_FORMAT: json",
        "LOG_FORMAT: json\n  UPSTREAM: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5",
      ],
    ],
    expect: [["secrets/no-secret-in-configmap", "ConfigMap/scout-config", "UPSTREAM"]],
  },
  {
    name: "requirepass inside a config file of a ConfigMap",
    edits: [
      [
        "ConfigMap/scout-config",
        'REDIS_PORT: "6379"',
        'REDIS_PORT: "6379"\n  redis.conf: |\n    maxmemory 100mb\n    requirepass Zk3pQ9xLm2Vt7Rb4',
      ],
    ],
    // On the password's own line inside the block, where the user edits it.
    expect: [
      ["secrets/no-secret-in-configmap", "ConfigMap/scout-config", "requirepass Zk3pQ9xLm2Vt7Rb4"],
    ],
  },
  {
    name: "a number under a credential-like name in a ConfigMap",
    edits: [
      [
        "ConfigMap/scout-config",
        'REDIS_PORT: "6379"',
        'REDIS_PORT: "6379"\n  TOKEN_TTL_SECONDS: "3600"',
      ],
    ],
    expect: [],
  },
  {
    name: "an API token as a plain env value (frontend)",
    edits: [
      [
        D("frontend"),
        "value: http://backend:8000",
        "value: http://backend:8000\n            - name: API_TOKEN\n              value: s3cr3t-t0ken-value",
      ],
    ],
    expect: [["secrets/no-plaintext-env", D("frontend"), "value: s3cr3t"]],
  },
  {
    name: "the backend's API token as a plain env value",
    edits: [
      [
        D("backend"),
        "              valueFrom:\n                secretKeyRef:\n                  name: scout-secrets\n                  key: api-token\n",
        "              value: mROLNsF2uFYHWtzQEexUcvAVrEy0+Dx4z5Te71JLKNY=\n",
      ],
    ],
    expect: [
      ["secrets/no-plaintext-env", D("backend"), "value: mROL"],
      ["secrets/api-auth", D("backend"), "value: mROL"],
    ],
  },
  {
    name: "an AWS key in env under a plain name",
    edits: [
      [
        D("frontend"),
        "value: http://backend:8000",
        "value: http://backend:8000\n            - name: UPSTREAM_ID\n              value: AKIAIOSFODNN7EXAMPLE",
      ],
    ],
    expect: [["secrets/no-plaintext-env", D("frontend"), "value: AKIA"]],
  },
  {
    name: "a URL with a password in env",
    edits: [
      [D("frontend"), "value: http://backend:8000", "value: http://admin:Zk3pQ9xLm2@backend:8000"],
    ],
    expect: [["secrets/no-plaintext-env", D("frontend"), "value: http://admin"]],
  },
  {
    name: "the backend's API token variable removed",
    edits: [
      [
        D("backend"),
        "            - name: API_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: scout-secrets\n                  key: api-token\n",
        "",
      ],
    ],
    expect: [["secrets/api-auth", D("backend"), "- name: backend"]],
  },
  {
    name: "a Secret value that is no base64",
    edits: [[SECRET, "api-token: bVJPTE5z", "api-token: bVJ%TE5z"]],
    expect: [["secrets/valid-base64", SECRET, "api-token"]],
  },
  {
    name: "the API token is changeme",
    edits: [[SECRET, API_TOKEN_B64, b64("changeme")]],
    expect: [["secrets/strong-token", SECRET, "api-token"]],
  },
  {
    name: "the Redis password is 7 characters",
    edits: [[SECRET, REDIS_PASSWORD_B64, b64("Xk3p9Qa")]],
    expect: [["secrets/strong-token", SECRET, "redis-password"]],
  },
  {
    name: "a strong token in stringData",
    edits: [
      [
        SECRET,
        `data:\n  api-token: ${API_TOKEN_B64}\n`,
        "stringData:\n  api-token: mROLNsF2uFYHWtzQEexUcvAVrEy0+Dx4z5Te71JLKNY=\ndata:\n",
      ],
    ],
    expect: [["secrets/string-data", SECRET, "  api-token: mROL"]],
  },
  {
    name: "the API token reused as the Redis password",
    edits: [[SECRET, REDIS_PASSWORD_B64, API_TOKEN_B64]],
    expect: [["secrets/reuse", SECRET, "redis-password"]],
  },
  {
    name: "a staging Secret with the production API token",
    edits: [
      [
        SECRET,
        "    app.kubernetes.io/part-of: scout\n",
        "    app.kubernetes.io/part-of: scout\n    scout-deploy.io/environment: prod\n",
      ],
      [
        "append",
        "",
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: scout-secrets-staging\n  namespace: scout\n  labels:\n    scout-deploy.io/environment: staging\ntype: Opaque\ndata:\n  api-token: ${API_TOKEN_B64}\n`,
      ],
    ],
    expect: [["secrets/distinct-environments", "Secret/scout-secrets-staging", "api-token"]],
  },
  {
    name: "a rotation recorded in 2020",
    edits: [
      [
        SECRET,
        "    app.kubernetes.io/part-of: scout\n",
        '    app.kubernetes.io/part-of: scout\n  annotations:\n    scout-deploy.io/rotated-at: "2020-01-01T00:00:00Z"\n',
      ],
    ],
    expect: [["secrets/rotation-age", SECRET, "scout-deploy.io/rotated-at"]],
  },
  {
    name: "the production profile with literal Secret values",
    policy: "policy:\n  settings: { profile: production }\n",
    edits: [],
    expect: [["secrets/external-management", SECRET, "\ndata:"]],
  },
  {
    name: "Redis started without --requirepass",
    edits: [[REDIS, '"--requirepass", "$(REDIS_PASSWORD)", ', ""]],
    expect: [["secrets/redis-auth", REDIS, "- name: REDIS_PASSWORD"]],
  },
  {
    name: "Redis given a literal password",
    edits: [[REDIS, '"$(REDIS_PASSWORD)"', '"hunter2hunter2hunter2"']],
    expect: [["secrets/redis-auth", REDIS, "hunter2"]],
  },
  {
    name: "the backend not given the Redis password",
    edits: [
      [
        D("backend"),
        "            - name: REDIS_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: scout-secrets\n                  key: redis-password\n",
        "",
      ],
    ],
    expect: [["secrets/redis-auth", D("backend"), "          env:"]],
  },
  // Monitoring and the namespace.
  {
    name: "the backend annotated for scraping on 9000",
    edits: [[D("backend"), 'prometheus.io/port: "8000"', 'prometheus.io/port: "9000"']],
    // The fixture's Prometheus loads only its static job (backend.scout.svc:8000): it never reads
    // the annotations, so the backend is still scraped; the annotation is still wrong.
    expect: [["network/port-coherence", D("backend"), "prometheus.io/port"]],
  },
  {
    name: "nothing scrapes the backend",
    edits: [
      [
        D("backend"),
        '        prometheus.io/scrape: "true"\n        prometheus.io/port: "8000"\n        prometheus.io/path: /metrics\n',
        "        scout.io/owner: platform\n",
      ],
      ["ConfigMap/prometheus-config", "backend.scout.svc:8000", "frontend.scout.svc:3000"],
    ],
    expect: [["monitoring/metrics-scraped", D("backend"), TEMPLATE_METADATA]],
  },
  {
    name: "the alert watches another metric",
    edits: [
      ["ConfigMap/prometheus-rules", "scout_auth_failures_total", "scout_api_requests_total"],
    ],
    expect: [["monitoring/security-alerts", D("prometheus"), "name: prometheus"]],
  },
  {
    name: "Prometheus logs logfmt",
    edits: [
      [
        D("prometheus"),
        '"--storage.tsdb.path=/tmp/prometheus"',
        '"--storage.tsdb.path=/tmp/prometheus", "--log.format=logfmt"',
      ],
    ],
    expect: [["monitoring/structured-logs", D("prometheus"), '"--log.format=logfmt"']],
  },
  {
    name: "enforce: baseline",
    edits: [["Namespace/scout", "enforce: restricted", "enforce: baseline"]],
    expect: [["namespace/pod-security-labels", "Namespace/scout", "enforce: baseline"]],
  },
  {
    name: "the enforce label removed",
    edits: [["Namespace/scout", "    pod-security.kubernetes.io/enforce: restricted\n", ""]],
    expect: [["namespace/pod-security-labels", "Namespace/scout", "labels:"]],
  },
  // Network policies.
  {
    name: "default-deny selects nothing (every component keeps its own policy)",
    edits: [NO_DEFAULT_DENY],
    expect: [],
    note: "each component's policy isolates it both ways: the cluster allows exactly what it did",
  },
  {
    name: "Prometheus open for ingress (no default-deny, its policy egress only)",
    edits: [
      NO_DEFAULT_DENY,
      [NP("allow-prometheus"), "policyTypes: [Ingress, Egress]", "policyTypes: [Egress]"],
    ],
    expect: [["network/default-deny", NP("default-deny"), "podSelector: { matchLabels: { nothing"]],
    note: "the default deny narrowed to select nothing is the one deny policy left, isolating nothing else: its selector is the line to widen",
  },
  {
    name: "the Redis policy selects nothing",
    edits: [
      [
        NP("allow-redis"),
        "      app.kubernetes.io/component: redis\n  policyTypes",
        "      app.kubernetes.io/component: nothing\n  policyTypes",
      ],
    ],
    expect: [["network/allowed-flows", REDIS, TEMPLATE_METADATA]],
    note: "backend -> redis is blocked; the finding is on Redis, naming the policy it needs",
  },
  {
    name: "the Redis policy selects its one pod by the pod-name label the StatefulSet controller sets",
    edits: [
      [
        NP("allow-redis"),
        "      app.kubernetes.io/component: redis\n  policyTypes",
        "      statefulset.kubernetes.io/pod-name: redis-0\n  policyTypes",
      ],
    ],
    expect: [],
    note: "the cluster gives redis-0 that label: the policy still admits the backend, nothing is missing",
  },
  {
    name: "Redis' policy also selects by controller-revision-hash, which only the cluster knows",
    edits: [
      [
        NP("allow-redis"),
        "      app.kubernetes.io/component: redis\n  policyTypes",
        "      app.kubernetes.io/component: redis\n      controller-revision-hash: redis-6d4f8c9b7\n  policyTypes",
      ],
    ],
    expect: [
      ["network/allowed-flows", NP("allow-redis"), "controller-revision-hash: redis-6d4f8c9b7"],
    ],
    note: "the policy may not select Redis, which the default deny isolates: backend -> redis cannot be counted on (mayMissFlows, on that label)",
  },
  {
    name: "frontend -> Redis opened by a Redis peer on the frontend's pod-template-hash",
    edits: [
      [
        NP("allow-redis"),
        "              app.kubernetes.io/component: backend",
        "              app.kubernetes.io/component: backend\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: frontend\n              pod-template-hash: 5d8f7c9b6",
      ],
      [
        NP("allow-frontend"),
        "  egress:\n",
        "  egress:\n    - to:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: redis\n",
      ],
    ],
    expect: [["network/allowed-flows", NP("allow-redis"), "pod-template-hash: 5d8f7c9b6"]],
    note: "a flow we cannot rule out is reported (mayAdmitFlows) on the label that makes it uncertain",
  },
  {
    name: "Redis' ingress peer widened to every pod of the namespace",
    edits: [
      [
        NP("allow-redis"),
        "        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: backend\n",
        "        - podSelector: {}\n",
      ],
    ],
    expect: [],
    note: "every other pod's egress stays closed to Redis (default-deny, their own policies): no new flow",
  },
  {
    name: "frontend egress to Redis instead of the backend",
    edits: [
      [
        NP("allow-frontend"),
        "              app.kubernetes.io/component: backend",
        "              app.kubernetes.io/component: redis",
      ],
    ],
    expect: [["network/allowed-flows", NP("allow-frontend"), "  egress:"]],
  },
  {
    name: "frontend -> Redis opened on both sides",
    edits: [
      [
        NP("allow-redis"),
        "              app.kubernetes.io/component: backend",
        "              app.kubernetes.io/component: backend\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: frontend",
      ],
      [
        NP("allow-frontend"),
        "  egress:\n",
        "  egress:\n    - to:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: redis\n",
      ],
    ],
    expect: [["network/allowed-flows", NP("allow-redis"), "    - from:"]],
  },
  {
    name: "the backend admits all namespaces",
    edits: [
      [
        NP("allow-backend"),
        "        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: frontend\n",
        "        - namespaceSelector: {}\n",
      ],
    ],
    expect: [["network/no-broad-peers", NP("allow-backend"), "namespaceSelector: {}"]],
  },
  {
    name: "the backend admits 0.0.0.0/0",
    edits: [
      [
        NP("allow-backend"),
        "              app.kubernetes.io/component: prometheus\n",
        "              app.kubernetes.io/component: prometheus\n        - ipBlock: { cidr: 0.0.0.0/0 }\n",
      ],
    ],
    expect: [["network/allowed-flows", NP("allow-backend"), "ipBlock"]],
    note: "one cause, one finding on the peer added: the flow external -> backend it opens (allowed-flows); no-broad-peers' every address yields to it on that cidr",
  },
  {
    name: "redis admits backend pods of any namespace labelled team=x (namespaces the input does not describe)",
    edits: [
      [
        NP("allow-redis"),
        "              app.kubernetes.io/component: backend\n      ports:",
        "              app.kubernetes.io/component: backend\n        - namespaceSelector: {matchLabels: {team: x}}\n          podSelector: {matchLabels: {app.kubernetes.io/component: backend}}\n      ports:",
      ],
    ],
    expect: [["network/no-broad-peers", NP("allow-redis"), "{matchLabels: {team: x}}"]],
  },
  {
    name: "DNS egress to every namespace",
    edits: [
      [
        NP("allow-dns"),
        "        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n",
        "        - namespaceSelector: {}\n",
      ],
    ],
    expect: [["network/no-broad-peers", NP("allow-dns"), "namespaceSelector: {}"]],
  },
  {
    name: "the DNS rule loses its namespaceSelector (kube-dns pods of scout: none)",
    edits: [
      [
        NP("allow-dns"),
        "        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:",
        "        - podSelector:",
      ],
    ],
    expect: [["network/allowed-flows", NP("allow-dns"), "    - to:"]],
  },
  {
    name: "the DNS rule loses its ports (kube-dns pods on every port)",
    edits: [
      [
        NP("allow-dns"),
        "\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53",
        "",
      ],
    ],
    expect: [["network/allowed-flows", NP("allow-dns"), "    - to:"]],
  },
  {
    name: "frontend egress on every port",
    edits: [
      [
        NP("allow-frontend"),
        "              app.kubernetes.io/component: backend\n      ports:\n        - protocol: TCP\n          port: 8000",
        "              app.kubernetes.io/component: backend",
      ],
    ],
    expect: [],
    note: "the backend's ingress admits 8000 only: no new flow reaches it",
  },
  {
    name: "Redis' policy port 6379 widened to a range",
    edits: [[NP("allow-redis"), "port: 6379", "port: 6379\n          endPort: 6400"]],
    expect: [["network/port-coherence", NP("allow-redis"), "endPort"]],
  },
  {
    name: "Redis' policy port 6380",
    edits: [[NP("allow-redis"), "port: 6379", "port: 6380"]],
    expect: [["network/allowed-flows", NP("allow-redis"), "port: 6380"]],
    note: "one cause: the needed flow backend -> redis 6379 is blocked (allowed-flows, Scout breaks) on the port entry of the rule that names the backend, the line edited; that 6380 is no port of Redis (port-coherence) yields to it there",
  },
  {
    name: "the backend's policy also admits port 22",
    edits: [
      [
        NP("allow-backend"),
        "          port: 8000\n  egress:",
        "          port: 8000\n        - protocol: TCP\n          port: 22\n  egress:",
      ],
    ],
    expect: [["network/port-coherence", NP("allow-backend"), "port: 22"]],
    note: "no new flow (every peer's egress allows 8000 only): the port only disagrees with the container",
  },
  {
    name: "the backend's Service is a NodePort",
    edits: [["Service/backend", "type: ClusterIP", "type: NodePort"]],
    expect: [["network/external-exposure", "Service/backend", "type: NodePort"]],
  },
  {
    name: "the frontend's Service is a LoadBalancer",
    edits: [["Service/frontend", "type: ClusterIP", "type: LoadBalancer"]],
    expect: [["network/external-exposure", "Service/frontend", "type: LoadBalancer"]],
  },
  {
    name: "an Ingress to the backend",
    edits: [
      [
        "append",
        "",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: backend\n  namespace: scout\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: { name: backend, port: { number: 8000 } }\n",
      ],
    ],
    expect: [["network/external-exposure", "Ingress/backend", "service: { name: backend"]],
  },
  {
    name: "the backend's Service targets 8080",
    edits: [["Service/backend", "targetPort: http", "targetPort: 8080"]],
    expect: [
      ["network/port-coherence", "Service/backend", "targetPort: 8080"],
      // Prometheus' static target backend.scout.svc:8000 now lands on 8080, not the metrics port.
      ["monitoring/metrics-scraped", D("backend"), "metadata:\n      labels:"],
    ],
  },
  {
    name: 'the backend\'s Service targets "8000" (a string)',
    edits: [["Service/backend", "targetPort: http", 'targetPort: "8000"']],
    expect: [["network/port-coherence", "Service/backend", "targetPort"]],
  },
  {
    name: "external access to nginx turned off",
    edits: [
      [
        NP("allow-nginx"),
        "  ingress:\n    - from:\n        - ipBlock:\n            cidr: 0.0.0.0/0\n      ports:\n        - protocol: TCP\n          port: 80\n",
        "",
      ],
    ],
    expect: [],
    note: "the guide makes external access configurable: its absence breaks nothing Scout needs",
  },
  {
    name: "a Deployment without metadata.namespace",
    edits: [[D("prometheus"), "  namespace: scout\n", ""]],
    expect: [
      ["workload/namespace", D("prometheus"), "metadata:"],
      ["network/default-deny", D("prometheus"), TEMPLATE_METADATA],
      ["network/allowed-flows", NP("allow-backend"), "  ingress:"],
      ["workload/references-resolve", D("prometheus"), "name: prometheus-config"],
      ["workload/references-resolve", D("prometheus"), "name: prometheus-rules"],
    ],
    note: "every rule puts an unset namespace in default (where kubectl without -n puts it): the pod is unisolated, its scrape flow blocked, and its ConfigMaps, all in scout, are out of its reach",
  },
  {
    name: "the backend's container port renamed from http to web",
    edits: [
      [
        D("backend"),
        "            - name: http\n              containerPort: 8000",
        "            - name: web\n              containerPort: 8000",
      ],
    ],
    expect: [
      // Every reference asks http, which the one port no longer is: one finding on its name.
      ["network/port-coherence", D("backend"), "- name: web"],
      // The backend's probes must ask 8000: workload/probes' own catalogue line.
      ["workload/probes", D("backend"), "livenessProbe:"],
      ["workload/probes", D("backend"), "readinessProbe:"],
      // The Service's targetPort http names no port now: its static target reaches nothing.
      ["monitoring/metrics-scraped", D("backend"), "metadata:\n      labels:"],
    ],
    note: "left: the four references that ask http (three probes and the Service) are one port-coherence finding on the renamed port; workload/probes still says the backend's probes miss 8000, and metrics-scraped that the scrape through the Service breaks",
  },
  {
    name: "readOnlyRootFilesystem: yes (YAML 1.1, as kubectl reads it: true)",
    edits: [[D("frontend"), "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: yes"]],
    expect: [],
  },
  {
    name: "privileged: on (YAML 1.1: true)",
    edits: [[D("frontend"), "privileged: false", "privileged: on"]],
    expect: [["pod/not-privileged", D("frontend"), "privileged: on"]],
  },
  {
    name: "privileged: true beside a merge key that holds the other controls",
    edits: [
      [
        D("nginx"),
        "          securityContext:\n            allowPrivilegeEscalation: false\n            privileged: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: [ALL]\n",
        "          securityContext:\n            <<: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }\n            privileged: true\n",
      ],
    ],
    expect: [["pod/not-privileged", D("nginx"), "privileged: true"]],
  },
  {
    name: "seccomp Localhost",
    edits: [
      [
        D("backend"),
        "type: RuntimeDefault",
        "type: Localhost\n          localhostProfile: profiles/scout.json",
      ],
    ],
    expect: [],
  },
  {
    name: "add: [ALL]",
    edits: [[D("frontend"), "drop: [ALL]", "drop: [ALL]\n              add: [ALL]"]],
    expect: [["pod/drop-all-capabilities", D("frontend"), "add: [ALL]"]],
  },
  {
    name: "a native sidecar (restartPolicy: Always) without probes",
    edits: [
      [
        D("frontend"),
        "      containers:\n",
        "      initContainers:\n        - name: proxy\n          image: ghcr.io/scout/proxy:1.0.0\n          restartPolicy: Always\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities: { drop: [ALL] }\n          resources:\n            requests: { cpu: 100m, memory: 128Mi }\n            limits: { cpu: 500m, memory: 256Mi }\n          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n      containers:\n",
      ],
    ],
    expect: [["workload/probes", D("frontend"), "- name: proxy"]],
  },
  {
    name: "externalIPs on the backend's ClusterIP Service",
    edits: [
      ["Service/backend", "type: ClusterIP", "type: ClusterIP\n  externalIPs: [203.0.113.10]"],
    ],
    expect: [["network/external-exposure", "Service/backend", "externalIPs"]],
  },
  {
    name: "the backend's ingress rule without from",
    edits: [
      [
        NP("allow-backend"),
        "    - from:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: frontend\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: nginx\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: prometheus\n      ports:",
        "    - ports:",
      ],
    ],
    expect: [
      ["network/allowed-flows", NP("allow-backend"), "    - ports:"],
      ["network/no-broad-peers", NP("allow-backend"), "    - ports:"],
    ],
    note: "both lines apply: the rule admits every address (no-broad-peers) and so the flow external -> backend (allowed-flows)",
  },
  {
    name: "a GitHub token in a ConfigMap's binaryData",
    edits: [
      [
        "ConfigMap/scout-config",
        "data:\n  LOG_FORMAT",
        `binaryData:\n  api-token: ${b64("ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5")}\ndata:\n  LOG_FORMAT`,
      ],
    ],
    expect: [["secrets/no-secret-in-configmap", "ConfigMap/scout-config", "api-token"]],
  },
  {
    name: "a NodePort Service for Redis",
    edits: [["Service/redis", "type: ClusterIP", "type: NodePort"]],
    expect: [["network/external-exposure", "Service/redis", "type: NodePort"]],
  },
  {
    name: "an API token of 44 characters and little entropy",
    edits: [[SECRET, API_TOKEN_B64, b64("abcd".repeat(11))]],
    expect: [["secrets/strong-token", SECRET, "api-token"]],
  },
  {
    name: "an API token of 32 hex digits (16 bytes' worth)",
    edits: [[SECRET, API_TOKEN_B64, b64("9f86d081884c7d659a2feaa0c55ad015")]],
    expect: [["secrets/strong-token", SECRET, "api-token"]],
  },
  {
    name: "an API token of 64 hex digits (32 bytes' worth)",
    edits: [
      [
        SECRET,
        API_TOKEN_B64,
        b64("b45b5abda1fe59b18e146d6fa13bce6a16fdf2db7f96a07fc19f4ab4f7a00593"),
      ],
    ],
    expect: [],
  },
  {
    name: "an API token of 64 hex digits that is the SHA-256 of test",
    edits: [
      [
        SECRET,
        API_TOKEN_B64,
        b64("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
      ],
    ],
    expect: [["secrets/strong-token", SECRET, "api-token"]],
  },
  {
    name: "an API token that is a keyboard walk long enough to pass the length",
    edits: [[SECRET, API_TOKEN_B64, b64("qwertyuiopasdfghjklzxcvbnm1234567890!@#$%^&*()")]],
    expect: [["secrets/strong-token", SECRET, "api-token"]],
  },
  {
    name: "a Secret value with a space in its base64",
    edits: [[SECRET, "api-token: bVJPTE5z", "api-token: bVJP TE5z"]],
    expect: [["secrets/valid-base64", SECRET, "api-token"]],
  },
  {
    name: "a Secret value without its base64 padding",
    edits: [[SECRET, API_TOKEN_B64, API_TOKEN_B64.replace(/=$/, "")]],
    expect: [["secrets/valid-base64", SECRET, "api-token"]],
  },
  {
    name: "a Secret value in URL-safe base64 (the API server decodes the standard alphabet)",
    edits: [[SECRET, "MCtEeDR6", "MC-EeDR6"]],
    expect: [["secrets/valid-base64", SECRET, "api-token"]],
  },
  {
    name: "a compliant init container added",
    edits: [INIT_CONTAINER],
    expect: [],
  },
  // Input.
  {
    name: "a duplicate key",
    edits: [["ConfigMap/scout-config", "LOG_FORMAT: json", "LOG_FORMAT: json\n  LOG_FORMAT: text"]],
    expect: [["input/duplicate-key", "ConfigMap/scout-config", "LOG_FORMAT: text"]],
  },
  {
    name: "replicas: one",
    edits: [[D("frontend"), "replicas: 1", "replicas: one"]],
    expect: [["input/schema", D("frontend"), "replicas: one"]],
  },
  {
    name: "the same ConfigMap twice",
    edits: [
      [
        "append",
        "",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scout-config\n  namespace: scout\ndata:\n  LOG_FORMAT: json\n",
      ],
    ],
    expect: [["input/duplicate-object", "appended", "  name: scout-config"]],
  },
  {
    name: "a document that is no Kubernetes object",
    edits: [["append", "", "foo: bar\n"]],
    expect: [["input/not-kubernetes", "appended", "foo: bar"]],
  },
];

/** The document of `Kind/name`, as a character range of `text`. */
function documentRange(text: string, where: Where): { start: number; end: number } {
  if (where === "appended") {
    const start = text.lastIndexOf("\n---\n") + 5;
    return { start, end: text.length };
  }
  const [kind, name] = where.split("/");
  const header = new RegExp(`^kind: ${kind}\\nmetadata:\\n  name: ${name}\\n`, "m");
  const match = header.exec(text);
  if (!match) throw new Error(`no document ${where}`);
  const start = text.lastIndexOf("---\n", match.index) + 1;
  const next = text.indexOf("\n---\n", match.index);
  return { start, end: next < 0 ? text.length : next };
}

function applyEdits(source: string, m: Mutation): string {
  let text = source;
  for (const [where, find, replace] of m.edits) {
    if (where === "append") {
      text = `${text.trimEnd()}\n---\n${replace}`;
      continue;
    }
    const { start, end } = documentRange(text, where);
    const document = text.slice(start, end);
    const first = document.indexOf(find);
    if (first < 0 || document.indexOf(find, first + 1) >= 0) {
      throw new Error(`${m.name}: "${find}" must occur exactly once in ${where}`);
    }
    text = text.slice(0, start + first) + replace + text.slice(start + first + find.length);
  }
  return text;
}

/** The 1-based line where `at` starts inside the document of `where` (a leading newline skipped). */
function lineIn(text: string, where: Where, at: string): number {
  const { start, end } = documentRange(text, where);
  const index = text.indexOf(at, start);
  if (index < 0 || index >= end) throw new Error(`"${at}" is not in ${where}`);
  const offset = at.startsWith("\n") ? 1 : 0;
  return text.slice(0, index + offset).split("\n").length;
}

/** Input findings name no object; every other finding names the one the user must change. */
function objectName(rule: string, object: JsonFinding["object"]): string {
  return rule.startsWith("input/") || !object ? "-" : `${object.kind}/${object.name}`;
}

/** `Kind/name` of the document `where` (an appended one is read from its text). */
function objectIn(text: string, where: Where): string {
  if (where !== "appended") return where;
  const { start, end } = documentRange(text, where);
  const document = text.slice(start, end);
  const kind = /^kind: (\S+)/m.exec(document)?.[1];
  const name = /^ {2}name: (\S+)/m.exec(document)?.[1];
  return `${kind}/${name}`;
}

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  object?: { kind: string; name: string };
  message: string;
}

async function check(cwd: string, args: readonly string[]): Promise<JsonFinding[]> {
  const run = await runCli(["check", ...args, "--format", "json", "--fail-on", "never"], {
    cwd,
    env: process.env,
  });
  if (run.code !== 0) throw new Error(`check exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout).findings as JsonFinding[];
}

const scratch = mkdtempSync(join(tmpdir(), "scout-mutation-audit-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let runs = 0;

/** A fresh folder holding `files`; returns its path. */
function folder(files: Record<string, string>): string {
  const dir = join(scratch, String(runs++));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const shown = (findings: readonly JsonFinding[]) =>
  findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column} ${f.message}`).join("\n");

describe("mutation audit of the compliant Scout bundle (raw manifests)", () => {
  it("the unmutated bundle gives no finding", async () => {
    const dir = folder({ "k8s/scout.yaml": compliant });
    expect(shown(await check(dir, ["k8s"]))).toBe("");
  });

  it("covers every rule of the pack and every input finding it can reach", () => {
    const covered = new Set(mutations.flatMap((m) => m.expect.map(([rule]) => rule)));
    const wanted = [
      ...securityGuideRules.map((r) => r.id),
      "input/duplicate-key",
      "input/schema",
      "input/duplicate-object",
      "input/not-kubernetes",
    ];
    expect(wanted.filter((id) => !covered.has(id))).toEqual([]);
    expect(mutations.length).toBeGreaterThanOrEqual(60);
  });

  for (const m of mutations) {
    it(`${m.name}: ${m.expect.map(([rule]) => rule).join(", ") || "no finding"}`, async () => {
      const text = applyEdits(compliant, m);
      const files: Record<string, string> = { "k8s/scout.yaml": text };
      if (m.policy) files["scout-deploy.yaml"] = m.policy;
      const dir = folder(files);
      const findings = await check(
        dir,
        m.policy ? ["k8s", "--config", "scout-deploy.yaml"] : ["k8s"],
      );
      // On the line the user edits, or on the field of the object they must change.
      const got = findings
        .map((f) => `${f.ruleId} ${f.file}:${f.line} ${objectName(f.ruleId, f.object)}`)
        .sort();
      const want = m.expect
        .map(([rule, where, at]) => {
          const object = rule.startsWith("input/") ? "-" : objectIn(text, where);
          return `${rule} k8s/scout.yaml:${lineIn(text, where, at)} ${object}`;
        })
        .sort();
      expect(got, shown(findings)).toEqual(want);
    });
  }
});

/** One key added to the minimal config: [its YAML under `scout:`, the rules whose findings sit on its line]. */
const configMutations: readonly [key: string, rules: readonly string[], note?: string][] = [
  ["security:\n    runAsNonRoot: false", ["pod/run-as-non-root"]],
  ["security:\n    runAsUser: 0", ["pod/run-as-non-root"]],
  ["security:\n    runAsUser: 1001", ["pod/run-as-user"]],
  ["security:\n    readOnlyRootFilesystem: false", ["pod/read-only-root-filesystem"]],
  ["security:\n    dropAllCapabilities: false", ["pod/drop-all-capabilities"]],
  ["security:\n    allowPrivilegeEscalation: true", ["pod/no-privilege-escalation"]],
  ["security:\n    seccompProfile: Unconfined", ["pod/seccomp-profile"]],
  ["security:\n    automountServiceAccountToken: true", ["pod/service-account-token"]],
  ["security:\n    podSecurityLevel: baseline", ["namespace/pod-security-labels"]],
  ["security:\n    networkPolicies: false", ["network/default-deny"]],
  ["auth:\n    apiToken: false", ["secrets/api-auth"]],
  ["auth:\n    redis: false", ["secrets/redis-auth"]],
  [
    'monitoring:\n    mode: "off"',
    ["monitoring/metrics-scraped", "monitoring/security-alerts"],
    "two controls of the guide (metrics scraped, an auth-failure alert) that one switch turns off",
  ],
  ["monitoring:\n    alerts: { enabled: false }", ["monitoring/security-alerts"]],
  ["logging:\n    format: text", ["monitoring/structured-logs"]],
  [
    "components:\n    frontend:\n      image: ghcr.io/scout-io/scout-frontend:latest",
    ["workload/image-pinned"],
  ],
];

describe("mutation audit of the typed config (scout-deploy.yaml rendered)", () => {
  const base = "scout:\n  namespace: scout\n  externalAccess:\n    type: LoadBalancer\n";

  it("the minimal config gives no finding", async () => {
    const dir = folder({ "scout-deploy.yaml": base });
    expect(shown(await check(dir, ["--config", "scout-deploy.yaml"]))).toBe("");
  });

  for (const [key, rules] of configMutations) {
    it(`${key.replaceAll("\n", " ").replace(/ +/g, " ")} -> ${rules.join(", ")} on its line`, async () => {
      const text = `${base}  ${key}\n`;
      const dir = folder({ "scout-deploy.yaml": text });
      const findings = await check(dir, ["--config", "scout-deploy.yaml"]);
      const line = text.trimEnd().split("\n").length;
      expect(
        findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`).sort(),
        shown(findings),
      ).toEqual(rules.map((rule) => `${rule} scout-deploy.yaml:${line}`).sort());
    });
  }
});

const hasHelm = systemToolRunner().find("helm") !== undefined;
if (!hasHelm)
  console.warn("mutation audit: helm is not installed; the Helm example's rows are skipped");

interface HelmMutation {
  find: string;
  replace: string;
  /** The rules whose new findings sit on the line of `at` (default: the replaced value's). */
  rules: readonly string[];
  at?: string;
  note?: string;
}

/** One value of examples/helm-chart/values.yaml changed. */
const helmMutations: readonly HelmMutation[] = [
  {
    find: 'tag: "1.4.2"',
    replace: "tag: latest",
    rules: ["workload/image-pinned"],
  },
  {
    find: "runAsUser: 1000",
    replace: "runAsUser: 0",
    rules: ["pod/run-as-non-root"],
  },
  { find: "runAsNonRoot: true", replace: "runAsNonRoot: false", rules: ["pod/run-as-non-root"] },
  { find: "runAsUser: 1000", replace: "runAsUser: 1001", rules: ["pod/run-as-user"] },
  { find: "type: RuntimeDefault", replace: "type: Unconfined", rules: ["pod/seccomp-profile"] },
  {
    find: "allowPrivilegeEscalation: false",
    replace: "allowPrivilegeEscalation: true",
    rules: ["pod/no-privilege-escalation"],
  },
  { find: "privileged: false", replace: "privileged: true", rules: ["pod/not-privileged"] },
];

describe.skipIf(!hasHelm)("mutation audit of the Helm example (one value)", () => {
  const chart = join(repo, "examples/helm-chart");
  const values = readFileSync(join(chart, "values.yaml"), "utf8");
  const chartFolder = (text: string) => {
    const dir = folder({});
    cpSync(chart, join(dir, "chart"), { recursive: true });
    writeFileSync(join(dir, "chart/values.yaml"), text);
    return dir;
  };
  const key = (f: JsonFinding) => `${f.ruleId} ${f.file}:${f.line}`;
  let before: Set<string> | undefined;
  const baseline = async () => {
    before ??= new Set((await check(chartFolder(values), ["chart"])).map(key));
    return before;
  };

  for (const { find, replace, rules, at } of helmMutations) {
    it(`${find} -> ${replace}: ${rules.join(", ")} on that line of values.yaml, nothing else new`, async () => {
      expect(values.split(find).length, find).toBe(2);
      const text = values.replace(find, replace);
      const findings = await check(chartFolder(text), ["chart"]);
      const old = await baseline();
      const fresh = findings.filter((f) => !old.has(key(f)));
      const line = text.slice(0, text.indexOf(at ?? replace)).split("\n").length;
      expect(fresh.map(key).sort(), shown(findings)).toEqual(
        rules.map((rule) => `${rule} chart/values.yaml:${line}`).sort(),
      );
    });
  }
});
