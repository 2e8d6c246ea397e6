import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

/**
 * The gate as a pull request author attacks it: a privileged root pod the cluster would run,
 * hidden where `kubectl apply` reads it but the check might not, must fail `check`, the
 * sign-off and `verify`.
 */
let dir: string;

function write(path: string, text: string | Buffer) {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

function run(...argv: string[]) {
  return runCli(argv, { cwd: dir });
}

async function json(...argv: string[]) {
  const result = await run(...argv, "--format", "json");
  if (!result.stdout) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return { code: result.code, report: JSON.parse(result.stdout) };
}

const namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scout\n";
const privilegedPod = `apiVersion: v1
kind: Pod
metadata:
  name: evil
  namespace: scout
spec:
  containers:
    - name: c
      image: nginx:1.0
      securityContext:
        privileged: true
`;

/** Each finding of check PATHS as "rule:line", with the exit code. */
async function findingLines(...paths: string[]) {
  const { code, report } = await json("check", ...paths);
  const lines: string[] = report.findings.map(
    (f: { ruleId: string; line: number }) => `${f.ruleId}:${f.line}`,
  );
  return { code, lines };
}

/** Each error of check PATHS as "rule file:line", with the exit code. */
async function errorLines(...paths: string[]) {
  const { code, report } = await json("check", ...paths);
  const errors: string[] = report.findings
    .filter((f: { severity: string }) => f.severity === "error")
    .map((f: { ruleId: string; file: string; line: number }) => `${f.ruleId} ${f.file}:${f.line}`);
  return { code, errors };
}

function ruleIdsOf(report: { findings: { ruleId: string; file: string }[] }, file: string) {
  return report.findings.filter((f) => f.file === file).map((f) => f.ruleId);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "scout-gate-"));
  write("k8s/namespace.yaml", namespace);
});

describe("a pod where kubectl apply -R reads it", () => {
  it("checks a pod in k8s/node_modules/, which kubectl apply -R applies: no pass, no sign-off", async () => {
    write("k8s/node_modules/pkg/package.json", '{"name": "pkg", "version": "1.0.0"}');
    write("k8s/node_modules/evil.yaml", privilegedPod);
    const { code, report } = await json("check", "k8s");
    expect(ruleIdsOf(report, "k8s/node_modules/evil.yaml")).toContain("pod/not-privileged");
    expect(ruleIdsOf(report, "k8s/node_modules/pkg/package.json")).toEqual([]);
    expect(code).toBe(1);

    const pair = generateKeyPairSync("ed25519");
    write("ci.key", pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    write("ci.pub.pem", pair.publicKey.export({ type: "spki", format: "pem" }).toString());
    const signed = await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
    expect(signed.code).toBe(1);
    const verified = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    expect(verified.code).toBe(1);
  });

  it("with --base, calls the pod a pull request adds under node_modules/ new", async () => {
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
        cwd: dir,
      });
    git("init", "-q");
    write("k8s/node_modules/pkg/ok.yaml", privilegedPod.replace("evil", "old"));
    git("add", "-A");
    git("commit", "-qm", "base");
    write("k8s/node_modules/evil.yaml", privilegedPod);
    git("add", "-A");
    git("commit", "-qm", "head");
    const { code, report } = await json("check", "k8s", "--base", "HEAD~1");
    const fresh = report.findings.filter((f: { baseline: string }) => f.baseline === "new");
    expect(new Set(fresh.map((f: { file: string }) => f.file))).toEqual(
      new Set(["k8s/node_modules/evil.yaml"]),
    );
    expect(code).toBe(1);
  });
});

const hasKubectl = (() => {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const hasHelm = (() => {
  for (const helm of ["helm", join(process.env.HOME ?? "", "go/bin/helm")]) {
    try {
      execFileSync(helm, ["version"], { stdio: "ignore" });
      return true;
    } catch {}
  }
  return false;
})();
if (!hasHelm && process.env.CI === "true")
  throw new Error("helm is not installed: run scripts/setup.sh");
const helmIt = hasHelm ? it : it.skip;

describe("folders rendered instead of read", () => {
  it("checks a pod beside a Chart.yaml, which Helm never renders and kubectl apply -R applies", async () => {
    write("k8s/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n");
    write("k8s/app/pod.yaml", privilegedPod);
    const { code, report } = await json("check", "k8s");
    expect(ruleIdsOf(report, "k8s/app/pod.yaml")).toContain("pod/not-privileged");
    expect(code).toBe(1);
  });

  helmIt(
    "checks the plain pods of a chart that helm leaves out and kubectl apply -R applies (needs helm)",
    async () => {
      write(
        "k8s/app/Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - {name: sub, version: 0.1.0, condition: sub.enabled}\n",
      );
      write("k8s/app/values.yaml", "sub:\n  enabled: false\n");
      write("k8s/app/charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n");
      write("k8s/lib/Chart.yaml", "apiVersion: v2\nname: lib\ntype: library\nversion: 0.1.0\n");
      write("k8s/app/.helmignore", "templates/ignored.yaml\n");
      // helm renders this one: judged once, from the render.
      write("k8s/app/templates/rendered.yaml", privilegedPod.replace("evil", "rendered"));
      const hidden = [
        "k8s/app/templates/_partial.yaml",
        "k8s/app/templates/ignored.yaml",
        "k8s/app/charts/sub/templates/pod.yaml",
        "k8s/lib/templates/pod.yaml",
      ];
      hidden.forEach((file, index) => {
        write(file, privilegedPod.replace("evil", `evil${index}`));
      });
      // A define is template text kubectl refuses to read: not a manifest, not reported.
      write(
        "k8s/app/templates/_helpers.yaml",
        '{{- define "x" }}\napiVersion: v1\nkind: Pod\n{{- end }}\n',
      );
      const { code, report } = await json("check", "k8s");
      for (const file of hidden) expect(ruleIdsOf(report, file)).toContain("pod/not-privileged");
      expect(ruleIdsOf(report, "k8s/app/templates/_helpers.yaml")).toEqual([]);
      const rendered = report.findings.filter(
        (f: { ruleId: string; object: { name: string } }) =>
          f.ruleId === "pod/not-privileged" && f.object.name === "rendered",
      );
      expect(rendered).toHaveLength(1);
      expect(code).toBe(1);
    },
  );

  helmIt(
    "judges the branch helm upgrade, a cluster serving an API or a lookup that finds takes, which helm template does not print (needs helm)",
    async () => {
      write("k8s/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n");
      const gated = (name: string, condition: string) =>
        privilegedPod
          .replace("evil", name)
          .replace(
            "privileged: true",
            `privileged: {{ if ${condition} }}true{{ else }}false{{ end }}`,
          );
      write("k8s/app/templates/upgrade.yaml", gated("on-upgrade", ".Release.IsUpgrade"));
      write(
        "k8s/app/templates/operator.yaml",
        gated("with-operator", '.Capabilities.APIVersions.Has "monitoring.coreos.com/v1"'),
      );
      write(
        "k8s/app/templates/found.yaml",
        gated("when-found", '(lookup "v1" "Namespace" "" "scout")'),
      );
      // A branch that changes nothing the rules judge adds no finding.
      write(
        "k8s/app/templates/benign.yaml",
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: scout\ndata:\n  upgraded: "{{ .Release.IsUpgrade }}"\n',
      );
      const { code, report } = await json("check", "k8s");
      const privileged = report.findings
        .filter((f: { ruleId: string }) => f.ruleId === "pod/not-privileged")
        .map((f: { file: string; line: number; message: string }) => [f.file, f.line, f.message]);
      expect(privileged).toEqual([
        [
          "k8s/app/templates/found.yaml",
          11,
          expect.stringMatching(
            /^in the render for a cluster where lookup finds the objects it asks for: /,
          ),
        ],
        [
          "k8s/app/templates/operator.yaml",
          11,
          expect.stringMatching(
            /^in the render for a cluster that serves monitoring\.coreos\.com\/v1: /,
          ),
        ],
        [
          "k8s/app/templates/upgrade.yaml",
          11,
          expect.stringMatching(/^in the render for helm upgrade: /),
        ],
      ]);
      expect(ruleIdsOf(report, "k8s/app/templates/benign.yaml")).toEqual([
        "input/cluster-dependent",
      ]);
      expect(code).toBe(1);
    },
  );

  helmIt(
    "binds the render helm upgrade takes in a sign-off: verify names an edit of that branch alone (needs helm)",
    async () => {
      const compliant = readFileSync(
        join(
          dirname(fileURLToPath(import.meta.url)),
          "../../rules/src/fixtures/compliant/scout.yaml",
        ),
        "utf8",
      );
      write("k8s/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n");
      write("k8s/app/templates/scout.yaml", compliant);
      const branch = (value: string) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mode\n  namespace: scout\ndata:\n  MODE: "{{ if .Release.IsUpgrade }}${value}{{ else }}install{{ end }}"\n`;
      write("k8s/app/templates/mode.yaml", branch("upgrade"));
      const pair = generateKeyPairSync("ed25519");
      write("ci.key", pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
      write("ci.pub.pem", pair.publicKey.export({ type: "spki", format: "pem" }).toString());
      const signed = await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
      expect(signed.code).toBe(0);
      write("k8s/app/templates/mode.yaml", branch("changed-after-sign-off"));
      const verified = await run(
        "verify",
        "--signoff",
        "signoff.json",
        "--key",
        "ci.pub.pem",
        "k8s",
      );
      expect(verified.stdout).toContain(
        "changed file: <rendered>/k8s/app/helm-template.upgrade.yaml",
      );
      expect(verified.code).toBe(1);
    },
  );

  it("checks a pod in a Kustomize folder that no kustomization names", async () => {
    write("k8s/app/kustomization.yaml", "resources: []\n");
    write("k8s/app/pod.yaml", privilegedPod);
    const { code, report } = await json("check", "k8s");
    expect(ruleIdsOf(report, "k8s/app/pod.yaml")).toContain("pod/not-privileged");
    expect(code).toBe(1);
  });

  it.skipIf(!hasKubectl)(
    "checks the left-out pod of an overlay named as the path (needs kubectl)",
    async () => {
      write("k8s/kustomization.yaml", "resources: [namespace.yaml]\n");
      write("k8s/pod.yaml", privilegedPod);
      const result = await runCli(["check", "k8s", "--format", "json"], {
        cwd: dir,
        env: { PATH: process.env.PATH },
      });
      const report = JSON.parse(result.stdout);
      expect(ruleIdsOf(report, "k8s/pod.yaml")).toContain("pod/not-privileged");
      // The named resource is rendered, not read a second time as a plain file.
      expect(ruleIdsOf(report, "k8s/namespace.yaml")).not.toContain("input/duplicate-object");
      expect(result.code).toBe(1);
    },
  );
});

describe("a pull request that relaxes its own gate", () => {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
      cwd: dir,
    });
  const commit = (message: string) => {
    git("add", "-A");
    git("commit", "-qm", message);
  };
  const weakenings = (report: { findings: { ruleId: string; message: string }[] }) =>
    report.findings.filter((f) => f.ruleId === "policy/weakened").map((f) => f.message);

  beforeEach(() => {
    git("init", "-q");
    write(
      "scout-deploy.yaml",
      "policy:\n  failOn: warning\n  settings:\n    profile: production\n",
    );
    commit("base");
  });

  it("fails when the head's config sets failOn: never, which would pass its own weakening", async () => {
    write("scout-deploy.yaml", "policy:\n  failOn: never\n  settings:\n    profile: production\n");
    commit("head");
    const { code, report } = await json("check", "k8s", "--base", "HEAD~1");
    expect(weakenings(report)).toEqual(["policy.failOn relaxed from warning to never"]);
    expect(report.summary.passed).toBe(false);
    expect(code).toBe(1);
  });

  it("reports a rule pack whose code the head changes in place: it runs inside the check", async () => {
    const pack = (check: string) =>
      `export const rules = [{ id: "noop", meta: { severity: "info", description: "d", remediation: "r", messages: { m: "m" } }, check() { ${check} } }];\n`;
    write("packs/pack.mjs", pack(""));
    write(
      "scout-deploy.yaml",
      "policy:\n  failOn: warning\n  plugins: [./packs/pack.mjs]\n  settings:\n    profile: production\n",
    );
    commit("a rule pack");
    const untouched = await json("check", "k8s", "--base", "HEAD");
    expect(weakenings(untouched.report)).toEqual([]);
    write("packs/pack.mjs", pack("/* could rewrite any result here */"));
    commit("the pack edited");
    const { code, report } = await json("check", "k8s", "--base", "HEAD~1");
    expect(weakenings(report)).toEqual([
      "rule pack ./packs/pack.mjs changed: its code ran inside this check and could change any result; review it on its own",
    ]);
    expect(code).toBe(1);
  });

  it("compares a config added nearer the working folder with the one the base used", async () => {
    write("k8s/scout-deploy.yaml", "policy: {}\n");
    commit("head");
    const result = await runCli(["check", ".", "--base", "HEAD~1", "--format", "json"], {
      cwd: join(dir, "k8s"),
    });
    expect(weakenings(JSON.parse(result.stdout))).toEqual([
      "policy.failOn relaxed from warning to error",
      "policy.settings.profile relaxed from production to default",
    ]);
    expect(result.code).toBe(1);
  });
});

describe("output a CI log reads as commands", () => {
  it("says a config mistake on one line, whatever the config's keys hold", async () => {
    write("scout-deploy.yaml", '"x\\n::error::scout-deploy passed": 1\n');
    const result = await run("check", "k8s");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown section "x\\n::error::scout-deploy passed"');
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("encodings kubectl decodes", () => {
  it("judges a UTF-16 manifest (with a byte order mark) as the privileged pod kubectl applies", async () => {
    write("k8s/pod.yaml", Buffer.from(`\ufeff${privilegedPod}`, "utf16le"));
    const { code, report } = await json("check", "k8s");
    const privileged = report.findings.find(
      (f: { ruleId: string }) => f.ruleId === "pod/not-privileged",
    );
    expect(privileged).toMatchObject({ file: "k8s/pod.yaml", line: 11 });
    expect(ruleIdsOf(report, "k8s/pod.yaml")).not.toContain("input/parse-error");
    expect(code).toBe(1);
  });
});

describe("files kubectl refuses to decode", () => {
  it("fails a .json manifest behind a // comment, which kubectl apply refuses, naming its file and line", async () => {
    const pod = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } });
    write("k8s/config.json", `// generated, do not edit\n${pod}\n`);
    const { code, report } = await json("check", "k8s");
    expect(
      report.findings.filter((f: { file: string }) => f.file === "k8s/config.json"),
    ).toMatchObject([{ ruleId: "input/parse-error", severity: "error", line: 1 }]);
    expect(code).toBe(1);
  });
});

describe("a link in the pull request", () => {
  it("does not pass or sign off a manifest linked from outside the checkout, which the diff does not show", async () => {
    mkdirSync(join(dir, "repo/.git"), { recursive: true });
    write("repo/k8s/namespace.yaml", namespace);
    write("outside/pod.yaml", privilegedPod.replace("privileged: true", "privileged: false"));
    symlinkSync("../../outside/pod.yaml", join(dir, "repo/k8s/pod.yaml"));
    const result = await runCli(["check", "k8s", "--format", "json"], { cwd: join(dir, "repo") });
    const report = JSON.parse(result.stdout);
    expect(report.findings.filter((f: { file: string }) => f.file === "k8s/pod.yaml")).toEqual([
      expect.objectContaining({ ruleId: "input/unreadable", severity: "error", line: 1 }),
    ]);
    expect(result.code).toBe(1);

    const pair = generateKeyPairSync("ed25519");
    write("ci.key", pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    const signed = await runCli(
      ["signoff", "k8s", "--key", join(dir, "ci.key"), "--out", join(dir, "signoff.json")],
      { cwd: join(dir, "repo") },
    );
    expect(signed.code).toBe(1);
  });
});

describe("pods a custom resource's controller makes outside spec.template", () => {
  const compliantPod = `
          automountServiceAccountToken: false
          securityContext:
            runAsNonRoot: true
            runAsUser: 1000
            seccompProfile: {type: RuntimeDefault}
          volumes: [{name: tmp, emptyDir: {}}]
          containers:
            - name: app
              image: ghcr.io/scout/train:1.2.3
              resources:
                requests: {cpu: "1", memory: 1Gi}
                limits: {cpu: "1", memory: 1Gi}
              volumeMounts: [{name: tmp, mountPath: /tmp}]
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}`;
  const compliantWorkflow = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: nightly
  namespace: scout
spec:
  entrypoint: report
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    seccompProfile: {type: RuntimeDefault}
  volumes: [{name: tmp, emptyDir: {}}]
  templates:
    - name: report
      container:
        image: ghcr.io/scout/report:1.2.3
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
        volumeMounts: [{name: tmp, mountPath: /tmp}]
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
`;
  const compliantPyTorchJob = `apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: train
  namespace: scout
spec:
  pytorchReplicaSpecs:
    Master:
      template:
        spec:${compliantPod}
    Worker:
      replicas: 2
      template:
        spec:${compliantPod}
`;
  const isolated = `${namespace}  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: scout
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;

  beforeEach(() => write("k8s/namespace.yaml", isolated));

  const errorsOf = (report: { findings: { ruleId: string; severity: string; line: number }[] }) =>
    report.findings
      .filter((f) => f.severity === "error")
      .map((f) => `${f.line} ${f.ruleId}`)
      .sort();

  it("passes a compliant Argo Workflow and a compliant PyTorchJob", async () => {
    write("k8s/jobs.yaml", `${compliantWorkflow}---\n${compliantPyTorchJob}`);
    const { code, report } = await json("check", "k8s");
    expect(errorsOf(report)).toEqual([]);
    expect(code).toBe(0);
  });

  it.each([
    [
      "an Argo template's privileged container",
      compliantWorkflow.replace(
        "capabilities: {drop: [ALL]}",
        "capabilities: {drop: [ALL]}\n          privileged: true",
      ),
      ["26 pod/not-privileged"],
    ],
    [
      "an Argo template whose securityContext (replacing the workflow's) runs as root",
      compliantWorkflow.replace(
        "    - name: report\n",
        "    - name: report\n      securityContext: {runAsUser: 0}\n",
      ),
      // runAsNonRoot unset and runAsUser: 0 (root, which pod/run-as-user yields to).
      ["16 pod/run-as-non-root", "16 pod/run-as-non-root"],
    ],
    [
      "an Argo workflow volume from the node's filesystem, mounted by a template",
      compliantWorkflow.replace(
        "volumes: [{name: tmp, emptyDir: {}}]",
        "volumes: [{name: tmp, hostPath: {path: /}}]",
      ),
      ["13 pod/no-host-path"],
    ],
    [
      "an Argo workflow on the node's network",
      compliantWorkflow.replace(
        "  entrypoint: report\n",
        "  entrypoint: report\n  hostNetwork: true\n",
      ),
      ["8 pod/no-host-namespaces"],
    ],
    [
      "an Argo sidecar and init container run privileged",
      compliantWorkflow.replace(
        "    - name: report\n",
        "    - name: report\n      initContainers: [{name: init, image: alpine:3.19, securityContext: {privileged: true}}]\n      sidecars: [{name: dind, image: docker:27-dind, securityContext: {privileged: true}}]\n",
      ),
      expect.arrayContaining(["16 pod/not-privileged", "17 pod/not-privileged"]),
    ],
    [
      "a PyTorchJob worker's privileged container",
      compliantPyTorchJob.replace(
        /(Worker:[\s\S]*)capabilities: \{drop: \[ALL\]\}/,
        "$1capabilities: {drop: [ALL]}\n                privileged: true",
      ),
      ["49 pod/not-privileged"],
    ],
    [
      "a PyTorchJob master on the node's network",
      compliantPyTorchJob.replace(
        "          automountServiceAccountToken: false",
        "          hostNetwork: true\n          automountServiceAccountToken: false",
      ),
      ["11 pod/no-host-namespaces"],
    ],
  ])("fails %s", async (_, manifest, expected) => {
    write("k8s/jobs.yaml", manifest as string);
    const { code, report } = await json("check", "k8s");
    expect(errorsOf(report)).toEqual(expected);
    expect(code).toBe(1);
  });

  it("fails a Tekton TaskRun whose stepTemplate is privileged, on the stepTemplate's line, and its podTemplate's host network and path", async () => {
    write(
      "k8s/build.yaml",
      `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: build
  namespace: scout
spec:
  podTemplate:
    hostNetwork: true
    volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]
  taskSpec:
    stepTemplate:
      securityContext:
        privileged: true
    steps:
      - name: build
        image: docker:27
      - name: push
        image: docker:27
`,
    );
    const { code, report } = await json("check", "k8s");
    const at = (rule: string) =>
      report.findings
        .filter((f: { ruleId: string }) => f.ruleId === rule)
        .map((f: { line: number }) => f.line);
    expect(at("pod/not-privileged")).toEqual([13]);
    expect(at("pod/no-host-namespaces")).toEqual([8]);
    expect(at("pod/no-host-path")).toEqual([9]);
    expect(code).toBe(1);
  });

  it("fails a privileged container in a custom resource it does not know, and passes a Prometheus Operator patch that weakens nothing", async () => {
    write(
      "k8s/operators.yaml",
      `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: k8s
  namespace: scout
spec:
  containers:
    - name: prometheus
      env: [{name: GOMAXPROCS, value: "2"}]
`,
    );
    const quiet = await json("check", "k8s");
    expect(errorsOf(quiet.report)).toEqual([]);
    expect(quiet.code).toBe(0);
    write(
      "k8s/runner.yaml",
      `apiVersion: ci.example.com/v1
kind: RunnerPool
metadata:
  name: runners
  namespace: scout
spec:
  runner:
    containers:
      - name: run
        image: example/runner:1.0
        securityContext: {privileged: true}
`,
    );
    const { code, report } = await json("check", "k8s");
    expect(errorsOf(report)).toEqual(["11 pod/not-privileged"]);
    expect(code).toBe(1);
  });

  it.each([
    [
      "a RayCluster worker group",
      "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: r, namespace: scout}\nspec:\n  headGroupSpec:\n    template:\n      spec:\n        containers: [{name: head, image: rayproject/ray:2.9.0}]\n  workerGroupSpecs:\n    - groupName: gpu\n      template:\n        spec:\n          containers: [{name: w, image: rayproject/ray:2.9.0, securityContext: {privileged: true}}]\n",
      13,
    ],
    [
      "a JobSet's replicated job",
      "apiVersion: jobset.x-k8s.io/v1alpha2\nkind: JobSet\nmetadata: {name: j, namespace: scout}\nspec:\n  replicatedJobs:\n    - name: w\n      template:\n        spec:\n          template:\n            spec:\n              containers: [{name: w, image: busybox:1.36, securityContext: {privileged: true}}]\n",
      11,
    ],
    [
      "a LeaderWorkerSet's worker template",
      "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata: {name: l, namespace: scout}\nspec:\n  leaderWorkerTemplate:\n    workerTemplate:\n      spec:\n        containers: [{name: w, image: busybox:1.36, securityContext: {privileged: true}}]\n",
      8,
    ],
    [
      "a Volcano Job's task",
      "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: v, namespace: scout}\nspec:\n  tasks:\n    - name: ps\n      template:\n        spec:\n          containers: [{name: ps, image: busybox:1.36, securityContext: {privileged: true}}]\n",
      9,
    ],
  ])("fails %s's privileged container", async (_, manifest, line) => {
    write("k8s/job.yaml", manifest);
    const { code, report } = await json("check", "k8s");
    expect(report.findings).toContainEqual(
      expect.objectContaining({ ruleId: "pod/not-privileged", file: "k8s/job.yaml", line }),
    );
    expect(code).toBe(1);
  });
});

describe("grants that give a catalogue danger by another road", () => {
  it.each([
    [
      "update on pods/ephemeralcontainers (kubectl debug: any image in a running Pod)",
      "Role",
      '[""]',
      "pods/ephemeralcontainers",
      "update",
    ],
    ["patch on pods (a new image for a running container)", "Role", '[""]', "pods", "patch"],
    ["get on nodes/proxy (the kubelet's exec)", "ClusterRole", '[""]', "nodes/proxy", "get"],
    ["get on every Secret (names are no secret)", "Role", '[""]', "secrets", "get"],
    [
      "deletecollection on Secrets (the response lists them)",
      "Role",
      '[""]',
      "secrets",
      "deletecollection",
    ],
  ])("fails a role granting %s", async (_, kind, groups, resource, verb) => {
    const namespaced = kind === "Role" ? "\n  namespace: scout" : "";
    write(
      "k8s/role.yaml",
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: ops${namespaced}
rules:
  - apiGroups: ${groups}
    resources: [${resource}]
    verbs: [${verb}]
`,
    );
    const { code, report } = await json("check", "k8s");
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        ruleId: "rbac/no-dangerous-verbs",
        severity: "error",
        file: "k8s/role.yaml",
        line: kind === "Role" ? 9 : 8,
        column: 13,
      }),
    );
    expect(code).toBe(1);
  });
});

describe("peers in namespaces the input does not describe", () => {
  const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
  const FRONTEND_OF_TEAM_X = `        - namespaceSelector: {matchLabels: {team: x}}
          podSelector: {matchLabels: {app.kubernetes.io/component: frontend}}
`;
  const BACKEND_OF_OTHER = `        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}
          podSelector: {matchLabels: {app.kubernetes.io/component: backend}}
`;
  const SCOUT_OF_TEAM_X = `        - namespaceSelector: {matchLabels: {team: x}}
          podSelector: {matchLabels: {app.kubernetes.io/name: scout}}
`;
  /**
   * The minimal example rendered into scout/ (beside k8s/, whose Namespace object it does not
   * read), its Namespace object dropped (its two policies kept), `peer` added to redis's ingress.
   */
  async function renderWithRedisPeer(peer: string, replaceBackend = false) {
    const rendered = await run(
      "render",
      "--config",
      join(repo, "examples/minimal/scout-deploy.yaml"),
      "--out",
      join(dir, "scout"),
    );
    expect(rendered.code, rendered.stderr).toBe(0);
    const namespaceFile = join(dir, "scout/00-namespace.yaml");
    const documents = readFileSync(namespaceFile, "utf8").split("\n---\n");
    writeFileSync(
      namespaceFile,
      documents.filter((d) => !/^kind: Namespace$/m.test(d)).join("\n---\n"),
    );
    const redisFile = join(dir, "scout/40-redis.yaml");
    const redis = readFileSync(redisFile, "utf8");
    const backendPeer =
      "              app.kubernetes.io/component: backend\n      ports:\n        - protocol: TCP\n          port: 6379\n";
    expect(redis).toContain(backendPeer);
    const backendOnly =
      / {8}- podSelector:\n {12}matchLabels:\n {14}app.kubernetes.io\/name: scout\n {14}app.kubernetes.io\/component: backend\n/;
    const edited = replaceBackend
      ? redis.replace(backendOnly, peer)
      : redis.replace(
          backendPeer,
          backendPeer.replace("      ports:", `${peer.trimEnd()}\n      ports:`),
        );
    expect(edited).not.toBe(redis);
    writeFileSync(redisFile, edited);
    return edited.split("\n").findIndex((l) => l.includes("namespaceSelector: {matchLabels:")) + 1;
  }

  it.each([
    ["frontend pods of any namespace labelled team=x (the lead's attack)", FRONTEND_OF_TEAM_X],
    ["backend pods of namespace other, which the input lacks", BACKEND_OF_OTHER],
    ["Scout's pods of any namespace labelled team=x", SCOUT_OF_TEAM_X],
  ])("fails redis admitting %s, once, on the selector's line", async (_, peer) => {
    const line = await renderWithRedisPeer(peer);
    const { code, report } = await json("check", "scout");
    expect(
      report.findings.map(
        (f: { ruleId: string; file: string; line: number }) => `${f.ruleId} ${f.file}:${f.line}`,
      ),
    ).toEqual([`network/no-broad-peers scout/40-redis.yaml:${line}`]);
    expect(code).toBe(1);
  });

  it("says once, on the selector's line, that redis admits the backend only through team=x: no-broad-peers, where allowed-flows' 'maybe' yields", async () => {
    const line = await renderWithRedisPeer(
      BACKEND_OF_OTHER.replace("kubernetes.io/metadata.name: other", "team: x"),
      true,
    );
    const { report } = await json("check", "scout");
    expect(
      report.findings.map(
        (f: { ruleId: string; file: string; line: number }) => `${f.ruleId} ${f.file}:${f.line}`,
      ),
    ).toEqual([`network/no-broad-peers scout/40-redis.yaml:${line}`]);
  });

  it("still passes the rendered example without its Namespace object", async () => {
    await renderWithRedisPeer("");
    const { code, report } = await json("check", "scout");
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });
});

describe("outside traffic through an ingress controller's own routing resources", () => {
  const compliant = join(
    dirname(fileURLToPath(import.meta.url)),
    "../../rules/src/fixtures/compliant/scout.yaml",
  );
  const routes = `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: cache
  namespace: scout
spec:
  routes:
    - match: PathPrefix(\`/\`)
      kind: Rule
      services:
        - name: redis
          port: 6379
---
apiVersion: route.openshift.io/v1
kind: Route
metadata:
  name: docs
  namespace: scout
spec:
  path: /docs
  to:
    kind: Service
    name: backend
`;

  it("fails a Traefik IngressRoute to redis and an OpenShift Route to the backend beside the compliant Scout: no pass, no sign-off", async () => {
    write("app/scout.yaml", readFileSync(compliant));
    write("app/routes.yaml", routes);
    const { code, errors } = await errorLines("app");
    expect(errors).toEqual([
      "network/external-exposure app/routes.yaml:11",
      "network/external-exposure app/routes.yaml:23",
    ]);
    expect(code).toBe(1);

    const pair = generateKeyPairSync("ed25519");
    write("ci.key", pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    const signed = await run("signoff", "app", "--key", "ci.key", "--out", "signoff.json");
    expect(signed.code).toBe(1);
  });

  it("fails an Ingress to nginx whose ingress-nginx auth-url and server-snippet reach the backend's /docs and redis", async () => {
    write("app/scout.yaml", readFileSync(compliant));
    write(
      "app/ingress.yaml",
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: scout
  annotations:
    nginx.ingress.kubernetes.io/auth-url: http://backend.scout.svc.cluster.local:8000/docs
    nginx.ingress.kubernetes.io/server-snippet: |
      location /cache { proxy_pass http://redis.scout:6379; }
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: nginx, port: {number: 80}}}}]}}]
`,
    );
    const { code, lines } = await findingLines("app");
    expect(lines).toEqual(["network/external-exposure:7", "network/external-exposure:8"]);
    expect(code).toBe(1);
  });

  it("fails a selectorless nginx LoadBalancer fed by a slice that claims the EndpointSlice controller, which never reconciles it", async () => {
    write("app/scout.yaml", readFileSync(compliant));
    write(
      "app/edge.yaml",
      `apiVersion: v1
kind: Service
metadata: {name: edge, namespace: scout, labels: {app.kubernetes.io/component: nginx}}
spec: {type: LoadBalancer, ports: [{port: 80, targetPort: 6379}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: edge-abcde
  namespace: scout
  labels:
    kubernetes.io/service-name: edge
    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
addressType: IPv4
endpoints: [{addresses: [10.244.1.17]}]
ports: [{port: 6379}]
`,
    );
    const { code, lines } = await findingLines("app");
    expect(lines).toEqual(["network/external-exposure:12"]);
    expect(code).toBe(1);
  });

  it("fails an Ingress to an ExternalName labelled nginx that names redis by its cluster IP or a pod's address", async () => {
    const pinned = readFileSync(compliant)
      .toString()
      .replace(
        "  type: ClusterIP\n  selector:\n    app.kubernetes.io/component: redis",
        "  type: ClusterIP\n  clusterIP: 10.96.0.12\n  selector:\n    app.kubernetes.io/component: redis",
      );
    expect(pinned).toContain("clusterIP: 10.96.0.12");
    write("app/scout.yaml", pinned);
    write(
      "app/edge.yaml",
      `apiVersion: v1
kind: Service
metadata: {name: edge, namespace: scout, labels: {app.kubernetes.io/component: nginx}}
spec: {type: ExternalName, externalName: 10.96.0.12}
---
apiVersion: v1
kind: Service
metadata: {name: edge-pod, namespace: scout, labels: {app.kubernetes.io/component: nginx}}
spec: {type: ExternalName, externalName: 10-244-1-17.scout.pod.cluster.local}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: scout}
spec:
  rules:
    - http:
        paths:
          - {path: /a, pathType: Prefix, backend: {service: {name: edge, port: {number: 6379}}}}
          - {path: /b, pathType: Prefix, backend: {service: {name: edge-pod, port: {number: 6379}}}}
`,
    );
    const { code, lines } = await findingLines("app");
    expect(lines).toEqual(["network/external-exposure:18", "network/external-exposure:19"]);
    expect(code).toBe(1);
  });

  it("fails a compliant backend run as a Knative Service, which Knative publishes on the cluster's domain, and passes it labelled cluster-local", async () => {
    write("app/scout.yaml", readFileSync(compliant));
    const knative = (labels: string) => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: api
  namespace: scout
  labels: {${labels}}
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/component: backend}
    spec:
      automountServiceAccountToken: false
      containers: [{image: ghcr.io/scout/backend:1.4.2}]
`;
    write("app/api.yaml", knative("team: api"));
    const exposed = await json("check", "app", "--fail-on", "never");
    const rulesOf = (r: typeof exposed) =>
      r.report.findings
        .filter((f: { ruleId: string }) => f.ruleId === "network/external-exposure")
        .map((f: { file: string; line: number }) => `${f.file}:${f.line}`);
    expect(rulesOf(exposed)).toEqual(["app/api.yaml:6"]);
    write("app/api.yaml", knative("networking.knative.dev/visibility: cluster-local"));
    expect(rulesOf(await json("check", "app", "--fail-on", "never"))).toEqual([]);
  });

  it("passes the same resources when they send to nginx's Service", async () => {
    write("app/scout.yaml", readFileSync(compliant));
    write(
      "app/routes.yaml",
      routes.replace("name: redis", "name: nginx").replace("name: backend", "name: nginx"),
    );
    const { code, report } = await json("check", "app");
    // Custom resources without a schema are named (info), never an error.
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      "input/no-schema",
      "input/no-schema",
    ]);
    expect(code).toBe(0);
  });
});

describe("a controller of the cluster that installs what the input does not hold", () => {
  it("fails a Flux HelmRelease that installs a Redis chart without auth beside the compliant Scout: nothing it deploys was checked", async () => {
    write(
      "app/scout.yaml",
      readFileSync(
        join(
          dirname(fileURLToPath(import.meta.url)),
          "../../rules/src/fixtures/compliant/scout.yaml",
        ),
      ),
    );
    write(
      "app/cache.yaml",
      `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: cache, namespace: scout}
spec:
  chart:
    spec: {chart: redis, sourceRef: {kind: HelmRepository, name: bitnami}}
  values: {auth: {enabled: false}}
`,
    );
    const { code, errors } = await errorLines("app");
    expect(errors).toEqual(["input/not-rendered app/cache.yaml:5"]);
    expect(code).toBe(1);
  });
});

describe("a weak Redis password inside a Secret's redis.conf", () => {
  const compliant = join(
    dirname(fileURLToPath(import.meta.url)),
    "../../rules/src/fixtures/compliant/scout.yaml",
  );

  it("fails Redis started with a Secret's redis.conf that requires foobared, on that line", async () => {
    const scout = readFileSync(compliant, "utf8")
      .replace(
        'args: ["--requirepass", "$(REDIS_PASSWORD)", "--dir", "/tmp"]',
        'args: ["/etc/redis/redis.conf"]',
      )
      .replace(
        "              mountPath: /tmp\n      volumes:\n        - name: tmp\n          emptyDir: {}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx",
        "              mountPath: /tmp\n            - name: conf\n              mountPath: /etc/redis\n              readOnly: true\n      volumes:\n        - name: tmp\n          emptyDir: {}\n        - name: conf\n          secret: { secretName: redis-conf }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx",
      );
    expect(scout).toContain("secretName: redis-conf");
    write("app/scout.yaml", scout);
    write(
      "app/redis-conf.yaml",
      `apiVersion: v1
kind: Secret
metadata:
  name: redis-conf
  namespace: scout
data:
  redis.conf: ${Buffer.from("dir /tmp\nrequirepass foobared\n").toString("base64")}
`,
    );
    const { code, errors } = await errorLines("app");
    expect(errors).toEqual(["secrets/strong-token app/redis-conf.yaml:7"]);
    expect(code).toBe(1);
  });
});
