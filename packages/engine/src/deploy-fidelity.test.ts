import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Finding } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { runCheck } from "./check.js";
import { systemToolRunner } from "./render-tools.js";

// What `helm install` and `kubectl apply -k` create, against what the check renders and judges.

const tools = systemToolRunner();

/** The real tool, or a skip that says why (a failure under CI, where setup installs it). */
function withTool(name: string): typeof it {
  if (tools.find(name)) return it;
  if (process.env.CI === "true") throw new Error(`${name} is not installed: run scripts/setup.sh`);
  console.warn(`skipping the ${name} tests: ${name} not found on PATH or in $HOME/go/bin`);
  return it.skip as unknown as typeof it;
}

/** A temporary folder holding these files (path -> text). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "scout-fidelity-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function only(findings: readonly Finding[], ruleId: string): Finding[] {
  return findings.filter((finding) => finding.ruleId === ruleId);
}

const CHART = "apiVersion: v2\nname: chart\nversion: 0.1.0\n";

/** A pod that is privileged where the template's condition holds, compliant-looking otherwise. */
function gatedPod(condition: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: nginx:1.27
      securityContext:
{{- if ${condition} }}
        privileged: true
{{- else }}
        privileged: false
{{- end }}
`;
}

describe("a chart gated on .Capabilities.KubeVersion (real helm)", () => {
  const helmIt = withTool("helm");
  // helm template alone renders for v1.20; a cluster of today takes the other branch.
  const dir = folder({
    "chart/Chart.yaml": CHART,
    "chart/templates/pod.yaml": gatedPod(
      `semverCompare ">=1.25-0" .Capabilities.KubeVersion.GitVersion`,
    ),
  });

  helmIt("renders for the Kubernetes version checked, not helm template's v1.20", async () => {
    const { result } = await runCheck({ cwd: dir, paths: ["chart"], tools });
    expect(only(result.findings, "pod/not-privileged")).toMatchObject([
      { file: "chart/templates/pod.yaml", line: 11 },
    ]);
  });

  helmIt(
    "says how to render for the cluster's version when the chart refuses this one",
    async () => {
      const refusing = folder({
        "chart/Chart.yaml": `${CHART}kubeVersion: ">=1.25.0-0 <1.31.0-0"\n`,
        "chart/templates/pod.yaml": gatedPod("false"),
      });
      await expect(runCheck({ cwd: refusing, paths: ["chart"], tools })).rejects.toThrow(
        /incompatible with Kubernetes v1\.\d+\.\d+ .*give the cluster's with --kubernetes-version or --kube-version/,
      );
      const walked = await runCheck({ cwd: refusing, paths: ["."], tools });
      expect(only(walked.result.findings, "input/not-rendered")).toMatchObject([
        { file: "chart/Chart.yaml", line: 4 },
      ]);
      const older = await runCheck({
        cwd: refusing,
        paths: ["chart"],
        helm: { kubeVersion: "1.30.2" },
        tools,
      });
      expect(older.result.findings.filter((f) => f.ruleId.startsWith("input/"))).toEqual([]);
    },
  );

  helmIt("renders for --kubernetes-version, and for --kube-version over it", async () => {
    const old = await runCheck({
      cwd: dir,
      paths: ["chart"],
      schema: "off",
      kubernetesVersion: "1.24",
      tools,
    });
    expect(only(old.result.findings, "pod/not-privileged")).toEqual([]);
    const both = await runCheck({
      cwd: dir,
      paths: ["chart"],
      schema: "off",
      kubernetesVersion: "1.24",
      helm: { kubeVersion: "1.30.0" },
      tools,
    });
    expect(only(both.result.findings, "pod/not-privileged")).toHaveLength(1);
  });
});

const DIGEST = `sha256:${"1".repeat(64)}`;

/** A Deployment compliant but for what an overlay does to it. */
const BASE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
spec:
  selector:
    matchLabels: {app: backend}
  template:
    metadata:
      labels: {app: backend}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: api
          image: scout/backend@${DIGEST}
          securityContext:
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
`;

describe("what a kustomization's transformers and generators make (real kubectl kustomize)", () => {
  const kustomizeIt = tools.find("kubectl") ? it : withTool("kustomize");
  const overlay = (kustomization: string, extra: Record<string, string> = {}) =>
    folder({
      "base/deploy.yaml": BASE_DEPLOYMENT,
      "base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
      "overlay/kustomization.yaml": kustomization,
      ...extra,
    });

  kustomizeIt("puts an image the images: entry retags on that entry's newTag", async () => {
    const dir = overlay(
      "resources:\n  - ../base\nimages:\n  - name: other/image\n    newTag: '2'\n  - name: scout/backend\n    newTag: latest\n",
    );
    const { result } = await runCheck({ cwd: dir, paths: ["overlay"], tools });
    expect(only(result.findings, "workload/image-pinned")).toMatchObject([
      {
        file: "overlay/kustomization.yaml",
        line: 7,
        message: expect.stringContaining("scout/backend:latest"),
      },
    ]);
  });

  kustomizeIt("puts a weak password of a secretGenerator on its literal's line", async () => {
    const dir = overlay(
      "resources:\n  - ../base\nsecretGenerator:\n  - name: db\n    literals:\n      - user=scout\n      - password=password\n",
    );
    const { result } = await runCheck({ cwd: dir, paths: ["overlay"], tools });
    expect(only(result.findings, "secrets/strong-token")).toMatchObject([
      { file: "overlay/kustomization.yaml", line: 7, path: "/data/password" },
    ]);
  });

  kustomizeIt(
    "puts a password an overlay merges into the base's generator on the overlay",
    async () => {
      const dir = overlay(
        "resources:\n  - ../base\nsecretGenerator:\n  - name: db\n    behavior: merge\n    literals:\n      - password=changeme\n",
        {
          "base/kustomization.yaml": `resources:\n  - deploy.yaml\nsecretGenerator:\n  - name: db\n    literals:\n      - user=scout\n      - password=${"Zq8vT2kLw9xYb4nR7mPs3dFh6jKc1aGe"}\n`,
        },
      );
      const { result } = await runCheck({ cwd: dir, paths: ["overlay"], tools });
      expect(only(result.findings, "secrets/strong-token")).toMatchObject([
        { file: "overlay/kustomization.yaml", line: 7 },
      ]);
    },
  );

  kustomizeIt("puts a weak password of a generator's envs file on its line there", async () => {
    const dir = overlay(
      "resources:\n  - ../base\nnamePrefix: prod-\nsecretGenerator:\n  - name: db\n    envs:\n      - db.env\n",
      { "overlay/db.env": "# the database\nuser=scout\npassword=changeme\n" },
    );
    const { result } = await runCheck({ cwd: dir, paths: ["overlay"], tools });
    expect(only(result.findings, "secrets/strong-token")).toMatchObject([
      { file: "overlay/db.env", line: 3 },
    ]);
  });
});

describe("a library chart found walking (real helm)", () => {
  const helmIt = withTool("helm");

  helmIt(
    "is no render error: helm installs nothing of it, the app chart using it is checked",
    async () => {
      const dir = folder({
        "lib/Chart.yaml": "apiVersion: v2\nname: lib\ntype: library\nversion: 0.1.0\n",
        "lib/templates/_pod.tpl": `{{- define "lib.pod" -}}\n${gatedPod("true")}{{- end }}\n`,
        "app/Chart.yaml": `${CHART}dependencies:\n  - name: lib\n    version: 0.1.0\n    repository: file://../lib\n`,
        "app/charts/lib/Chart.yaml": "apiVersion: v2\nname: lib\ntype: library\nversion: 0.1.0\n",
        "app/charts/lib/templates/_pod.tpl": `{{- define "lib.pod" -}}\n${gatedPod("true")}{{- end }}\n`,
        "app/templates/pod.yaml": '{{ include "lib.pod" . }}\n',
      });
      const { result } = await runCheck({ cwd: dir, paths: ["."], tools });
      expect(only(result.findings, "input/not-rendered")).toEqual([]);
      expect(only(result.findings, "input/skipped")).toMatchObject([
        { file: "lib/Chart.yaml", line: 3, severity: "info" },
      ]);
      expect(only(result.findings, "pod/not-privileged")).toHaveLength(1);
    },
  );
});

describe("a chart installed with --namespace (real helm)", () => {
  const helmIt = withTool("helm");
  // helm template prints the pod without a namespace; helm install -n scout creates it in scout.
  const dir = folder({
    "chart/Chart.yaml": CHART,
    "chart/templates/policy.yaml":
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: default\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
    "chart/templates/pod.yaml":
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: nginx:1.27\n",
    "chart/templates/role.yaml":
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n",
  });
  const check = (namespace?: string) =>
    runCheck({ cwd: dir, paths: ["chart"], helm: namespace ? { namespace } : {}, tools });

  helmIt("judges the objects without a namespace in the release namespace", async () => {
    const { result, bundle } = await check("scout");
    expect(only(result.findings, "network/default-deny")).toMatchObject([
      { file: "chart/templates/pod.yaml", object: { kind: "Pod", namespace: "scout" } },
    ]);
    const refs = bundle.objects.map((object) => `${object.ref.kind} ${object.ref.namespace}`);
    // A cluster-scoped object has no namespace, whatever -n says.
    expect(refs.sort()).toEqual(["ClusterRole undefined", "NetworkPolicy default", "Pod scout"]);
  });

  helmIt("leaves them without one when no --namespace is given", async () => {
    const { result } = await check();
    expect(only(result.findings, "network/default-deny")).toEqual([]);
  });
});

describe("a chart that asks the cluster (real helm)", () => {
  const helmIt = withTool("helm");
  // A ServiceMonitor's CRD on the cluster turns the pod privileged: helm template never says so.
  const dir = folder({
    "chart/Chart.yaml": CHART,
    "chart/templates/pod.yaml": gatedPod(
      `.Capabilities.APIVersions.Has "monitoring.coreos.com/v1"`,
    ),
    "chart/templates/secret.yaml":
      '{{- $old := lookup "v1" "Secret" .Release.Namespace "db" }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n',
    "chart/charts/off/Chart.yaml": "apiVersion: v2\nname: off\nversion: 0.1.0\n",
    "chart/charts/off/templates/x.yaml":
      '{{- if .Values.enabled }}\n{{ lookup "v1" "Secret" "" "" }}\n{{- end }}\n',
  });
  const check = (apiVersions?: string[]) =>
    runCheck({ cwd: dir, paths: ["chart"], helm: apiVersions ? { apiVersions } : {}, tools });

  helmIt("reports each question on its template line, as a note (info)", async () => {
    const { result } = await check();
    expect(only(result.findings, "input/cluster-dependent")).toMatchObject([
      {
        file: "chart/templates/pod.yaml",
        line: 10,
        severity: "info",
        message: expect.stringContaining("--api-versions monitoring.coreos.com/v1"),
      },
      { file: "chart/templates/secret.yaml", line: 1, message: expect.stringContaining("lookup") },
    ]);
    // The branch of a cluster that serves the API is judged too, its finding saying so.
    expect(only(result.findings, "pod/not-privileged")).toMatchObject([
      {
        file: "chart/templates/pod.yaml",
        message: expect.stringMatching(
          /^in the render for a cluster that serves monitoring\.coreos\.com\/v1: /,
        ),
      },
    ]);
  });

  helmIt(
    "digests the render of the other cluster too: an edit of that branch alone shows",
    async () => {
      const before = (await check()).bundleDigest;
      const template = join(dir, "chart/templates/pod.yaml");
      const text = readFileSync(template, "utf8");
      try {
        writeFileSync(template, text.replace("privileged: true", "privileged: true\n# edited"));
        expect((await check()).bundleDigest).not.toBe(before);
      } finally {
        writeFileSync(template, text);
      }
    },
  );

  helmIt("renders the branch of a cluster serving what --api-versions names", async () => {
    const { result } = await check(["monitoring.coreos.com/v1"]);
    expect(only(result.findings, "pod/not-privileged")).toHaveLength(1);
    expect(only(result.findings, "input/cluster-dependent").map((f) => f.file)).toEqual([
      "chart/templates/secret.yaml",
    ]);
  });
});

describe("findings of a chart whose template does not spell the key (real helm)", () => {
  const helmIt = withTool("helm");
  const dir = folder({
    "chart/Chart.yaml": CHART,
    "chart/templates/_pod.tpl": `{{- define "chart.pod" -}}\n${gatedPod("true")}{{- end }}\n`,
    "chart/templates/pod.yaml": '{{/* the API pod */}}\n\n{{ include "chart.pod" . }}\n',
    "chart/templates/notes.yaml": "# rendered, not an object\n\nnote: {{ .Release.Name }}\n",
  });

  helmIt("puts them on the define that spells the key, never on the rendered text", async () => {
    const { result } = await runCheck({ cwd: dir, paths: ["chart"], tools });
    // `privileged: true` of the define the include printed (the define's line 1 opens it)
    expect(only(result.findings, "pod/not-privileged")).toMatchObject([
      { file: "chart/templates/_pod.tpl", line: 12, column: 9 },
    ]);
    expect(only(result.findings, "input/not-kubernetes")).toMatchObject([
      { file: "chart/templates/notes.yaml", line: 3 },
    ]);
    expect(result.findings.filter((f) => f.file.startsWith("<rendered>/"))).toEqual([]);
  });
});

describe("a chart that helm refuses to render (real helm)", () => {
  const helmIt = withTool("helm");
  const requiredName = {
    "deploy/app/Chart.yaml": CHART,
    "deploy/app/templates/config.yaml":
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ required "name is required" .Values.name }}\n',
  };

  helmIt("named: exit 2 with helm's message, naming the template by its path", async () => {
    const dir = folder(requiredName);
    await expect(runCheck({ cwd: dir, paths: ["deploy/app"], tools })).rejects.toThrow(
      "at (deploy/app/templates/config.yaml:4:11): name is required",
    );
  });

  helmIt("names the values key values.schema.json refuses by its file and line", async () => {
    const dir = folder({
      "chart/Chart.yaml": CHART,
      "chart/values.yaml": "replicas: 2\nimage:\n  tag: latest\n",
      "chart/values.schema.json":
        '{"type": "object", "properties": {"replicas": {"type": "integer"}}}',
      "chart/templates/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
      "prod.yaml": "# production\nreplicas: two\n",
    });
    await expect(
      runCheck({ cwd: dir, paths: ["chart"], helm: { values: ["prod.yaml"] }, tools }),
    ).rejects.toThrow("at '/replicas' (prod.yaml:2:1): got string, want integer");
    const walked = await runCheck({
      cwd: dir,
      paths: ["."],
      helm: { values: ["prod.yaml"] },
      tools,
    });
    expect(only(walked.result.findings, "input/not-rendered")).toMatchObject([
      { file: "prod.yaml", line: 2 },
    ]);
  });

  helmIt("walked: its required/fail message on the template line it names", async () => {
    const dir = folder(requiredName);
    const { result } = await runCheck({ cwd: dir, paths: ["."], tools });
    expect(only(result.findings, "input/not-rendered")).toMatchObject([
      {
        file: "deploy/app/templates/config.yaml",
        line: 4,
        column: 11,
        message: expect.stringContaining("name is required"),
      },
    ]);
  });
});

describe("a field a patch removes (real kubectl kustomize)", () => {
  const kustomizeIt = tools.find("kubectl") ? it : withTool("kustomize");
  const dir = folder({
    "base/deploy.yaml": BASE_DEPLOYMENT,
    "base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
    "overlay/kustomization.yaml": `resources:
  - ../base
components:
  - ../debug
patches:
  - path: no-escalation-guard.yaml
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: backend
      spec:
        template:
          spec:
            securityContext:
              $patch: delete
`,
    "overlay/no-escalation-guard.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
spec:
  template:
    spec:
      containers:
        - name: api
          securityContext:
            allowPrivilegeEscalation: null
`,
    "debug/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - target:
      kind: Deployment
    patch: |-
      - op: remove
        path: /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem
`,
  });

  kustomizeIt("puts what a patch removed on the removal, the rest on the base", async () => {
    const { result } = await runCheck({ cwd: dir, paths: ["overlay"], tools });
    const at = (ruleId: string) => only(result.findings, ruleId).map((f) => `${f.file}:${f.line}`);
    // $patch: delete of the pod's securityContext took runAsNonRoot, runAsUser and seccomp.
    expect(at("pod/run-as-non-root")).toEqual(["overlay/kustomization.yaml:16"]);
    expect(at("pod/no-privilege-escalation")).toEqual(["overlay/no-escalation-guard.yaml:11"]);
    expect(at("pod/read-only-root-filesystem")).toEqual(["debug/kustomization.yaml:7"]);
    // Nothing removed a resource limit: the container of the base is where to add one.
    expect(at("workload/resources")).toEqual(["base/deploy.yaml:18"]);
  });
});

describe("a field replacements: copy into an object (real kubectl kustomize)", () => {
  const kustomizeIt = tools.find("kubectl") ? it : withTool("kustomize");

  kustomizeIt("lands on the source field it was copied from", async () => {
    const dir = folder({
      "base/deploy.yaml": BASE_DEPLOYMENT,
      "base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
      "overlay/settings.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  image: scout/backend:latest\n",
      "overlay/kustomization.yaml": `resources:
  - ../base
  - settings.yaml
replacements:
  - source:
      kind: ConfigMap
      name: settings
      fieldPath: data.image
    targets:
      - select:
          kind: Deployment
        fieldPaths:
          - spec.template.spec.containers.[name=api].image
`,
    });
    const { result } = await runCheck({ cwd: dir, paths: ["overlay"], tools });
    expect(only(result.findings, "workload/image-pinned")).toMatchObject([
      { file: "overlay/settings.yaml", line: 6 },
    ]);
  });
});

describe("a chart with a packaged subchart (real helm)", () => {
  const helmIt = withTool("helm");

  helmIt(
    "puts the subchart's objects on its dependencies entry, not the rendered text",
    async () => {
      const dir = folder({
        "sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        "sub/templates/pod.yaml": gatedPod("true"),
        "chart/charts/other/Chart.yaml": "apiVersion: v2\nname: other\nversion: 1.0.0\n",
        "chart/values.yaml": "other:\n  enabled: false\n",
        "chart/Chart.yaml": `${CHART}dependencies:\n  - name: other\n    version: 1.0.0\n    condition: other.enabled\n  - name: sub\n    version: 1.0.0\n    repository: file://../sub\n`,
      });
      const helm = tools.find("helm")!;
      const packaged = tools.run(helm, ["package", "sub", "-d", "chart/charts"], dir);
      expect(packaged.status, packaged.stderr).toBe(0);
      const { result } = await runCheck({ cwd: dir, paths: ["chart"], tools });
      expect(only(result.findings, "pod/not-privileged")).toMatchObject([
        { file: "chart/Chart.yaml", line: 8 },
      ]);
    },
  );
});

describe("what helm install runs beside the release (real helm)", () => {
  const helmIt = withTool("helm");

  helmIt("judges hook Jobs and test pods: install and helm test run them", async () => {
    const annotated = (hook: string) =>
      gatedPod("true").replace(
        "  name: api\n",
        `  name: ${hook}\n  annotations:\n    helm.sh/hook: ${hook}\n`,
      );
    const dir = folder({
      "chart/Chart.yaml": CHART,
      "chart/templates/migrate.yaml": annotated("pre-install"),
      "chart/templates/tests/smoke.yaml": annotated("test"),
    });
    const { result } = await runCheck({ cwd: dir, paths: ["chart"], tools });
    expect(
      only(result.findings, "pod/not-privileged")
        .map((f) => f.file)
        .sort(),
    ).toEqual(["chart/templates/migrate.yaml", "chart/templates/tests/smoke.yaml"]);
  });
});

describe("a Kustomize Component no overlay lists (real kubectl kustomize)", () => {
  const kustomizeIt = tools.find("kubectl") ? it : withTool("kustomize");

  kustomizeIt("is built as kubectl kustomize builds it, not refused as a resource", async () => {
    const dir = folder({
      "debug/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - pod.yaml\n",
      "debug/pod.yaml":
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext: {privileged: true}\n",
    });
    const { result } = await runCheck({ cwd: dir, paths: ["."], tools });
    expect(only(result.findings, "input/not-rendered")).toEqual([]);
    expect(only(result.findings, "pod/not-privileged")).toMatchObject([{ file: "debug/pod.yaml" }]);
  });
});

describe("a value the chart generates at each render (real helm)", () => {
  const helmIt = withTool("helm");

  helmIt("keeps its finding's fingerprint from one run to the next", async () => {
    const dir = folder({
      "chart/Chart.yaml": CHART,
      "chart/templates/secret.yaml":
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  api-token: {{ randAlphaNum 8 | quote }}\n",
    });
    const weak = async () => {
      const { result } = await runCheck({ cwd: dir, paths: ["chart"], tools });
      return only(result.findings, "secrets/strong-token");
    };
    const [first, second] = [await weak(), await weak()];
    expect(first).toMatchObject([{ file: "chart/templates/secret.yaml", line: 6 }]);
    // Two renders, two values (their digests differ), one finding.
    expect(first[0]!.message).not.toBe(second[0]!.message);
    expect(first[0]!.fingerprint).toBe(second[0]!.fingerprint);
  });
});

describe("what kubectl apply -R -f reads of a folder of charts (real kubectl and helm)", () => {
  const bothIt = tools.find("kubectl") ? withTool("helm") : withTool("kubectl");
  const pod = (name: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: scout\nspec:\n  containers:\n  - {name: c, image: "nginx:1.0"}\n`;
  /** Every place in a chart a plain manifest can sit, and what makes helm print it or not. */
  const chart = (name: string): Record<string, string> => ({
    [`${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\ndependencies:\n  - {name: kept, version: 0.1.0}\n  - {name: dropped, version: 0.1.0, condition: dropped.enabled}\n`,
    [`${name}/values.yaml`]: "dropped:\n  enabled: false\n",
    [`${name}/.helmignore`]: "templates/ignored.yaml\n",
    [`${name}/templates/rendered.yaml`]: pod(`${name}-rendered`),
    [`${name}/templates/_partial.yaml`]: pod(`${name}-partial`),
    [`${name}/templates/ignored.yaml`]: pod(`${name}-ignored`),
    [`${name}/templates/deep/rendered.yaml`]: pod(`${name}-deep`),
    [`${name}/templates/_helpers.yaml`]:
      '{{- define "x" }}\napiVersion: v1\nkind: Pod\n{{- end }}\n',
    [`${name}/templates/templated.yaml`]: pod(`${name}-{{ .Release.Name }}`),
    // helm prints nothing but a comment of this one; kubectl reads the Pod.
    [`${name}/templates/commented.yaml`]: `# {{ if false }}\n${pod(`${name}-commented`)}# {{ end }}\n`,
    // helm prints this one as it is written: judged once.
    [`${name}/templates/noted.yaml`]: `# {{ .Chart.Name }}\n${pod(`${name}-noted`)}`,
    [`${name}/crds/crd.yaml`]: pod(`${name}-crd`),
    [`${name}/files/pod.yaml`]: pod(`${name}-file`),
    [`${name}/charts/kept/Chart.yaml`]: "apiVersion: v2\nname: kept\nversion: 0.1.0\n",
    [`${name}/charts/kept/templates/pod.yaml`]: pod(`${name}-sub-on`),
    [`${name}/charts/dropped/Chart.yaml`]: "apiVersion: v2\nname: dropped\nversion: 0.1.0\n",
    [`${name}/charts/dropped/templates/pod.yaml`]: pod(`${name}-sub-off`),
    [`${name}-lib/Chart.yaml`]: `apiVersion: v2\nname: ${name}-lib\ntype: library\nversion: 0.1.0\n`,
    [`${name}-lib/templates/pod.yaml`]: pod(`${name}-lib`),
  });

  bothIt("judges every object kubectl reads there, each once", async () => {
    const dir = folder({ ...chart("app"), ...chart("web") });
    const kubectl = tools.run(
      tools.find("kubectl")!,
      ["annotate", "--local", "-R", "-f", dir, "x=y", "-o", "name"],
      dir,
    );
    // Chart.yaml, values.yaml and template text are refused; the rest is read.
    const read = kubectl.stdout.split("\n").filter((line) => line.startsWith("pod/"));
    expect(read).toHaveLength(24);
    const { bundle } = await runCheck({ cwd: dir, paths: ["."], tools });
    const judged = bundle.objects.map((object) => `pod/${object.ref.name}`);
    // A template kubectl reads as text ("app-{{ .Release.Name }}") is helm's: its render is
    // judged, and the API server refuses the name kubectl would send.
    const missed = read.filter((name) => !judged.includes(name) && !name.includes("{{"));
    expect(missed).toEqual([]);
    expect(judged.filter((name, index) => judged.indexOf(name) !== index)).toEqual([]);
  });
});
