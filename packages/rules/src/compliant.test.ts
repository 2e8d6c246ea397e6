import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle, evaluate, type Finding, parsePolicy, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { securityGuidePack, securityGuideRules } from "./registry.js";

const here = dirname(fileURLToPath(import.meta.url));
const FILE = "scout.yaml";
const compliant = readFileSync(join(here, "fixtures/compliant", FILE), "utf8");

function check(text: string, policy: unknown = {}): Finding[] {
  const bundle = buildBundle([parseSource(FILE, text)]);
  return evaluate(
    securityGuideRules,
    bundle,
    parsePolicy(policy, undefined, { packs: [securityGuidePack] }),
  ).findings;
}

/** Where `text` starts, searching from `from`: 1-based line and column. */
function positionOf(source: string, text: string, from = 0): { line: number; column: number } {
  const index = source.indexOf(text, from);
  if (index < 0) throw new Error(`"${text}" not found`);
  const before = source.slice(0, index).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** The character range of the document that defines `Kind/name`. */
function documentRange(source: string, ref: string): { start: number; end: number } {
  const [kind, name] = ref.split("/");
  const header = new RegExp(`^kind: ${kind}\\nmetadata:\\n  name: ${name}\\n`, "m");
  const match = header.exec(source);
  if (!match) throw new Error(`no document ${ref}`);
  const start = source.lastIndexOf("---\n", match.index) + 1;
  const next = source.indexOf("\n---\n", match.index);
  return { start, end: next < 0 ? source.length : next };
}

interface Mutation {
  rule: string;
  /** The object whose document is changed, and on which the finding is expected: Kind/name. */
  object: string;
  find: string;
  replace: string;
  /** Text of the mutated document where the finding points (default: `replace`). */
  at?: string;
  /** When the finding sits on another object than the changed one: that object and the text. */
  reportedOn?: { object: string; at: string };
}

const mutations: Mutation[] = [
  {
    rule: "pod/run-as-user",
    object: "Deployment/backend",
    find: "runAsUser: 1000",
    replace: "runAsUser: 1001",
  },
  {
    rule: "pod/run-as-non-root",
    object: "Deployment/frontend",
    find: "runAsNonRoot: true",
    replace: "runAsNonRoot: false",
  },
  {
    rule: "pod/run-as-non-root",
    object: "Deployment/nginx",
    find: "runAsUser: 1000",
    replace: "runAsUser: 0",
  },
  {
    rule: "pod/read-only-root-filesystem",
    object: "StatefulSet/redis",
    find: "readOnlyRootFilesystem: true",
    replace: "readOnlyRootFilesystem: false",
  },
  {
    rule: "pod/writable-paths",
    object: "Deployment/prometheus",
    find: "mountPath: /tmp",
    replace: "mountPath: /data",
  },
  {
    rule: "pod/drop-all-capabilities",
    object: "Deployment/nginx",
    find: "drop: [ALL]",
    replace: "drop: [all]",
    at: "all]",
  },
  {
    rule: "pod/no-privilege-escalation",
    object: "Deployment/backend",
    find: "allowPrivilegeEscalation: false",
    replace: "allowPrivilegeEscalation: true",
  },
  {
    rule: "pod/not-privileged",
    object: "Deployment/frontend",
    find: "privileged: false",
    replace: "privileged: true",
  },
  {
    rule: "pod/seccomp-profile",
    object: "Deployment/backend",
    find: "type: RuntimeDefault",
    replace: "type: Unconfined",
  },
  {
    rule: "pod/no-host-namespaces",
    object: "Deployment/frontend",
    find: "      automountServiceAccountToken: false\n",
    replace: "      automountServiceAccountToken: false\n      hostPID: true\n",
    at: "hostPID",
  },
  {
    rule: "pod/no-host-namespaces",
    object: "Deployment/frontend",
    find: "privileged: false",
    replace: "privileged: false\n            windowsOptions: {hostProcess: true}",
    at: "hostProcess",
  },
  {
    rule: "pod/non-root-groups",
    object: "Deployment/frontend",
    find: "runAsGroup: 1000",
    replace: "runAsGroup: 0",
    at: "runAsGroup: 0",
  },
  {
    rule: "pod/proc-mount",
    object: "Deployment/frontend",
    find: "privileged: false",
    replace: "privileged: false\n            procMount: Unmasked",
    at: "procMount",
  },
  {
    rule: "pod/safe-sysctls",
    object: "Deployment/frontend",
    find: "fsGroup: 1000",
    replace: "fsGroup: 1000\n        sysctls: [{name: kernel.msgmax, value: '65536'}]",
    at: "name: kernel",
  },
  {
    rule: "pod/apparmor-profile",
    object: "Deployment/frontend",
    find: "fsGroup: 1000",
    replace: "fsGroup: 1000\n        appArmorProfile: {type: Unconfined}",
    at: "type: Unconfined",
  },
  {
    rule: "pod/selinux-options",
    object: "Deployment/frontend",
    find: "fsGroup: 1000",
    replace: "fsGroup: 1000\n        seLinuxOptions: {type: spc_t}",
    at: "type: spc_t",
  },
  {
    rule: "pod/no-handler-host",
    object: "Deployment/frontend",
    find: "httpGet: { path: /, port: http }, periodSeconds: 20",
    replace: "httpGet: { path: /, port: http, host: 169.254.169.254 }, periodSeconds: 20",
    at: "host: 169.254.169.254",
  },
  {
    rule: "pod/no-shared-process-namespace",
    object: "Deployment/frontend",
    find: "      automountServiceAccountToken: false\n",
    replace: "      automountServiceAccountToken: false\n      shareProcessNamespace: true\n",
    at: "shareProcessNamespace",
  },
  {
    rule: "workload/references-resolve",
    object: "Deployment/backend",
    find: "key: api-token",
    replace: "key: api_token",
  },
  {
    rule: "pod/no-host-path",
    object: "Deployment/nginx",
    find: "emptyDir: {}",
    replace: "hostPath: {path: /tmp}",
  },
  {
    rule: "pod/restricted-volume-types",
    object: "Deployment/prometheus",
    find: "emptyDir: {}",
    replace: "nfs: {server: nfs.local, path: /scratch}",
  },
  {
    rule: "pod/service-account-token",
    object: "Deployment/frontend",
    find: "automountServiceAccountToken: false",
    replace: "automountServiceAccountToken: true",
  },
  {
    rule: "workload/probes",
    object: "Deployment/backend",
    find: "readinessProbe: { httpGet: { path: /docs",
    replace: "readinessProbe: { httpGet: { path: /healthz",
    at: "path: /healthz",
  },
  {
    rule: "workload/probes",
    object: "Deployment/frontend",
    find: "          livenessProbe: { httpGet: { path: /, port: http }, periodSeconds: 20 }\n",
    replace: "",
    at: "name: frontend\n          image",
  },
  {
    rule: "workload/startup-probe",
    object: "Deployment/backend",
    find: "          startupProbe:\n            httpGet: { path: /docs, port: http }\n            failureThreshold: 30\n            periodSeconds: 2\n",
    replace: "",
    at: "name: backend\n          image",
  },
  {
    rule: "workload/image-pinned",
    object: "Deployment/frontend",
    find: "image: ghcr.io/scout/frontend:1.4.2",
    replace: "image: ghcr.io/scout/frontend:latest",
  },
  {
    rule: "workload/resources",
    object: "StatefulSet/redis",
    find: "limits: { cpu: 500m, memory: 256Mi }",
    replace: "limits: { memory: 256Mi }",
  },
  {
    rule: "workload/namespace",
    object: "ConfigMap/scout-config",
    find: "namespace: scout",
    replace: "namespace: default",
    at: "namespace: default",
  },
  {
    rule: "rbac/dedicated-service-account",
    object: "Deployment/backend",
    find: "serviceAccountName: scout-backend",
    replace: "serviceAccountName: default",
  },
  {
    rule: "rbac/namespace-scoped",
    object: "RoleBinding/scout-backend",
    find: "  kind: Role\n",
    replace: "  kind: ClusterRole\n",
    at: "kind: ClusterRole",
  },
  {
    rule: "rbac/no-wildcards",
    object: "Role/scout-backend",
    find: "resources: [configmaps]",
    replace: 'resources: [configmaps, "*"]',
    at: '"*"',
  },
  {
    rule: "rbac/no-dangerous-verbs",
    object: "Role/scout-backend",
    find: "resourceNames: [scout-secrets]\n    verbs: [get]",
    // Without resourceNames: a watch narrowed to one name reads that Secret alone.
    replace: "verbs: [get, watch]",
    at: "watch",
  },
  {
    rule: "rbac/minimal-subjects",
    object: "RoleBinding/scout-backend",
    find: "  - kind: ServiceAccount\n    name: scout-backend",
    replace: "  - kind: Group\n    name: system:authenticated",
    // The name is what makes the group everyone: the line to change.
    at: "name: system:authenticated",
  },
  {
    // An admission policy appended after the last document: it rewrites every Deployment.
    rule: "pod/no-mutating-admission",
    object: "NetworkPolicy/allow-prometheus",
    find: "port: 8000",
    replace:
      'port: 8000\n---\napiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicy\nmetadata:\n  name: make-privileged\nspec:\n  matchConstraints:\n    resourceRules:\n      - apiGroups: [apps]\n        apiVersions: [v1]\n        operations: [CREATE]\n        resources: [deployments]\n  mutations:\n    - patchType: JSONPatch\n      jsonPatch:\n        expression: \'[JSONPatch{op: "add", path: "/spec/template/spec/hostPID", value: true}]\'',
    reportedOn: { object: "MutatingAdmissionPolicy/make-privileged", at: "apiGroups: [apps]" },
  },
  {
    // The fixture's Prometheus loads only its static job: the pod's annotations do nothing by themselves.
    rule: "monitoring/metrics-scraped",
    object: "ConfigMap/prometheus-config",
    find: '"backend.scout.svc:8000"',
    replace: '"backend.scout.svc:9000"',
  },
  {
    rule: "monitoring/security-alerts",
    object: "ConfigMap/prometheus-rules",
    find: "scout_auth_failures_total",
    replace: "scout_auth_failure_total",
  },
  {
    rule: "monitoring/security-alerts",
    object: "ConfigMap/prometheus-rules",
    find: "scout_auth_failures_total",
    replace: "scout_api_requests_total",
    reportedOn: { object: "Deployment/prometheus", at: "name: prometheus" },
  },
  {
    rule: "monitoring/structured-logs",
    object: "Deployment/prometheus",
    find: '"--storage.tsdb.path=/tmp/prometheus"',
    replace: '"--storage.tsdb.path=/tmp/prometheus", "--log.format=logfmt"',
    at: '"--log.format=logfmt"',
  },
  {
    rule: "namespace/pod-security-labels",
    object: "Namespace/scout",
    find: "pod-security.kubernetes.io/enforce: restricted",
    replace: "pod-security.kubernetes.io/enforce: baseline",
  },
];

function mutate(source: string, m: Mutation) {
  const range = documentRange(source, m.object);
  const document = source.slice(range.start, range.end);
  const first = document.indexOf(m.find);
  if (first < 0 || document.indexOf(m.find, first + 1) >= 0) {
    throw new Error(`"${m.find}" must occur exactly once in ${m.object}`);
  }
  const text =
    source.slice(0, range.start + first) +
    m.replace +
    source.slice(range.start + first + m.find.length);
  const target = m.reportedOn ?? { object: m.object, at: m.at ?? m.replace.trim() };
  const position = positionOf(text, target.at, documentRange(text, target.object).start);
  return { text, position, target: target.object };
}

describe("the compliant Scout bundle", () => {
  it("gives no error or warning finding without a config", () => {
    const findings = check(compliant).filter((f) => f.severity !== "info");
    expect(findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`)).toEqual([]);
  });

  it("gives no finding at all with the Scout namespace and Redis authentication configured", () => {
    const findings = check(compliant, { settings: { namespace: "scout", redisAuth: true } });
    expect(findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`)).toEqual([]);
  });

  it("covers every rule of the areas it is built for with a mutation", () => {
    const mine = securityGuideRules
      .map((r) => r.id)
      .filter((id) => /^(pod|workload|rbac|monitoring|namespace)\//.test(id));
    expect(new Set(mutations.map((m) => m.rule))).toEqual(new Set(mine));
  });

  describe("breaking one control gives the expected rule on the expected object and line", () => {
    for (const m of mutations) {
      it(`${m.rule}: ${m.object}: ${m.find.trim()} -> ${m.replace.trim() || "(removed)"}`, () => {
        const { text, position, target } = mutate(compliant, m);
        const findings = check(text);
        const [kind, name] = target.split("/");
        const hits = findings.filter(
          (f) => f.ruleId === m.rule && f.object?.kind === kind && f.object?.name === name,
        );
        expect(
          hits.map((f) => ({ line: f.line, column: f.column })),
          findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`).join("\n"),
        ).toContainEqual(position);
      });
    }
  });
});
