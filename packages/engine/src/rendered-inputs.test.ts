import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Finding } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { runCheck } from "./check.js";
import {
  HELM_INSTALL_HINT,
  type HelmOptions,
  KUSTOMIZE_INSTALL_HINT,
  systemToolRunner,
  type ToolRunner,
} from "./render-tools.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const tools = systemToolRunner();
const chart = "examples/helm-chart";
const insecureValues = `${chart}/values-insecure.yaml`;
const prod = "examples/kustomize/overlays/prod";

/** The real tool, or a skip that says why (a failure under CI, where setup installs it). */
function withTool(name: string): typeof it {
  if (tools.find(name)) return it;
  if (process.env.CI === "true") throw new Error(`${name} is not installed: run scripts/setup.sh`);
  console.warn(`skipping the ${name} tests: ${name} not found on PATH or in $HOME/go/bin`);
  return it.skip as unknown as typeof it;
}

/** What checking the tool's output as a plain file reports, by rendered line. */
async function checkOfRenderedText(binary: string, args: string[]) {
  const output = tools.run(tools.find(binary)!, args, repo);
  expect(output.stderr).toBe("");
  const dir = mkdtempSync(join(tmpdir(), "scout-rendered-"));
  writeFileSync(join(dir, "rendered.yaml"), output.stdout);
  const { result } = await runCheck({ cwd: dir, paths: ["rendered.yaml"] });
  return result.findings.map((f) => sameFinding(f, f.line, f.path));
}

function sameFinding(finding: Finding, line: number, path: string | undefined) {
  return `${finding.ruleId} ${finding.message} at rendered line ${line} ${path ?? ""}`;
}

function onRendered(findings: readonly Finding[]) {
  return findings
    .map((f) => sameFinding(f, f.rendered!.line, f.rendered!.path))
    .sort((a, b) => (a < b ? -1 : 1));
}

function find(findings: readonly Finding[], ruleId: string) {
  const found = findings.find((f) => f.ruleId === ruleId);
  expect(found, ruleId).toBeDefined();
  return found!;
}

describe("check of a Helm chart (real helm template)", () => {
  const helmIt = withTool("helm");
  const insecure = () =>
    runCheck({ cwd: repo, paths: [chart], helm: { values: [insecureValues] }, tools });

  helmIt("reports what checking helm template's output reports", async () => {
    const { result } = await insecure();
    const expected = await checkOfRenderedText("helm", [
      "template",
      "release-name",
      chart,
      "--include-crds",
      "--values",
      insecureValues,
    ]);
    expect(onRendered(result.findings)).toEqual(expected.sort((a, b) => (a < b ? -1 : 1)));
  });

  helmIt("judges what crds/ holds, which helm install creates before the templates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-crds-"));
    const file = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file("chart/Chart.yaml", "apiVersion: v2\nname: chart\nversion: 0.1.0\n");
    file("chart/templates/.keep", "");
    file(
      "chart/crds/pod.yaml",
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: scout}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.0\n      securityContext: {privileged: true}\n",
    );
    const { result } = await runCheck({ cwd: dir, paths: ["chart"], tools });
    expect(find(result.findings, "pod/not-privileged").file).toBe("chart/crds/pod.yaml");
  });

  helmIt("puts a value set in the values file the user passed on that key's line", async () => {
    const { result } = await insecure();
    expect(find(result.findings, "pod/not-privileged")).toMatchObject({
      file: insecureValues,
      line: 7,
      column: 3,
      // the values key and its value, "privileged: true"
      endLine: 7,
      endColumn: 19,
    });
    expect(find(result.findings, "pod/no-privilege-escalation")).toMatchObject({
      file: insecureValues,
      line: 6,
    });
    // what the template writes itself: its line, from the key to the line's last character
    const resources = find(result.findings, "workload/resources");
    expect(resources).toMatchObject({ file: `${chart}/templates/deployment.yaml`, line: 24 });
    expect(resources).toMatchObject({ column: 11, endLine: 24, endColumn: 20 });
  });

  helmIt("puts a value of the chart's values.yaml on its line there", async () => {
    const { result } = await runCheck({
      cwd: repo,
      paths: [chart],
      helm: { set: ["securityContext.privileged=true"] },
      tools,
    });
    // --set is no file: the finding is on the default it overrode, where the key is defined,
    // and names the flag, since that line shows the value the flag replaced.
    const privileged = find(result.findings, "pod/not-privileged");
    expect(privileged).toMatchObject({ file: `${chart}/values.yaml`, line: 15 });
    expect(privileged.message).toMatch(/\(set by --set securityContext\.privileged=true\)$/);
    const others = result.findings.filter((f) => f !== privileged);
    expect(others.map((f) => f.ruleId)).toContain("workload/resources");
    expect(others.filter((f) => f.message.includes("set by"))).toEqual([]);
  });

  helmIt(
    "puts a value of --set-string, --set-json or an outside --set-file where a --set one lands",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "scout-set-file-"));
      writeFileSync(join(dir, "privileged.txt"), "true");
      const where = async (helm: HelmOptions) => {
        const { result } = await runCheck({ cwd: repo, paths: [chart], helm, tools });
        const found = find(result.findings, "pod/not-privileged");
        return `${found.file}:${found.line} ${found.message.match(/\(set by (.*)\)$/)?.[1]}`;
      };
      const bySet = await where({ set: ["replicaCount=2,securityContext.privileged=true"] });
      expect(bySet).toBe(`${chart}/values.yaml:15 --set securityContext.privileged=true`);
      expect(await where({ setString: ["securityContext.privileged=true"] })).toBe(
        `${chart}/values.yaml:15 --set-string securityContext.privileged=true`,
      );
      expect(
        await where({
          setJson: ['securityContext={"privileged":true,"allowPrivilegeEscalation":false}'],
        }),
      ).toBe(
        `${chart}/values.yaml:15 --set-json securityContext={"privileged":true,"allowPrivilegeEscalation":false}`,
      );
      // A --set-file file outside the working folder is none the reviewer can open: the
      // finding stays on the values key, naming the flag (cli's check-base test has one inside).
      const file = relative(repo, join(dir, "privileged.txt"));
      expect(await where({ setFile: [`securityContext.privileged=${file}`] })).toBe(
        `${chart}/values.yaml:15 --set-file securityContext.privileged=${file}`,
      );
    },
  );

  helmIt(
    "applies the value flags in helm's order, whatever the order given: --set-file last",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "scout-set-order-"));
      writeFileSync(join(dir, "on.txt"), "true");
      writeFileSync(join(dir, "off.txt"), "false");
      const privileged = async (helm: HelmOptions) => {
        const { result } = await runCheck({ cwd: repo, paths: [chart], helm, tools });
        return result.findings.some((f) => f.ruleId === "pod/not-privileged");
      };
      const key = "securityContext.privileged";
      // --set beats --set-json, --set-string beats --set, --set-file beats --set-string.
      expect(await privileged({ set: [`${key}=false`], setJson: [`${key}=true`] })).toBe(false);
      expect(await privileged({ set: [`${key}=true`], setJson: [`${key}=false`] })).toBe(true);
      expect(await privileged({ setString: [`${key}=false`], set: [`${key}=true`] })).toBe(false);
      const on = relative(repo, join(dir, "on.txt"));
      const off = relative(repo, join(dir, "off.txt"));
      expect(await privileged({ setFile: [`${key}=${on}`], setString: [`${key}=false`] })).toBe(
        true,
      );
      expect(await privileged({ setFile: [`${key}=${off}`], setString: [`${key}=true`] })).toBe(
        false,
      );
      // And --values files come first of all.
      expect(await privileged({ values: [insecureValues], set: [`${key}=false`] })).toBe(false);
    },
    60_000,
  );

  it("passes helm the value flags in the order helm merges them, --set-file paths made absolute", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-set-args-"));
    mkdirSync(join(dir, "chart/templates"), { recursive: true });
    writeFileSync(join(dir, "chart/Chart.yaml"), "apiVersion: v2\nname: chart\nversion: 0.1.0\n");
    writeFileSync(join(dir, "v.yaml"), "a: 1\n");
    writeFileSync(join(dir, "cert.pem"), "PEM\n");
    const calls: string[][] = [];
    const fake: ToolRunner = {
      find: (name) => (name === "helm" ? "/usr/bin/helm" : undefined),
      run: (_binary, args) => {
        calls.push([...args]);
        return { status: 0, stdout: "", stderr: "" };
      },
    };
    await runCheck({
      cwd: dir,
      paths: ["chart"],
      helm: {
        setFile: ["tls.cert=cert.pem"],
        setString: ["tag=0123"],
        set: ["replicas=2"],
        setJson: ["ports=[80,443]"],
        values: ["v.yaml"],
      },
      tools: fake,
      schema: "off",
    });
    const valueFlags = ["--values", "--set-json", "--set", "--set-string", "--set-file"];
    expect(calls[0]!.filter((arg) => valueFlags.includes(arg))).toEqual(valueFlags);
    expect(calls[0]).toContain(`tls.cert=${join(dir, "cert.pem")}`);
  });

  it("refuses a --set-file whose file is missing or that names no key, naming the flag", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "scout-set-missing-"));
    mkdirSync(join(cwd, "chart"), { recursive: true });
    writeFileSync(join(cwd, "chart/Chart.yaml"), "apiVersion: v2\nname: chart\nversion: 0.1.0\n");
    const fake: ToolRunner = {
      find: () => "/usr/bin/helm",
      run: () => ({ status: 0, stdout: "", stderr: "" }),
    };
    const check = (setFile: string) =>
      runCheck({ cwd, paths: ["chart"], helm: { setFile: [setFile] }, tools: fake, schema: "off" });
    await expect(check("tls.cert=missing.pem")).rejects.toThrow(
      "--set-file tls.cert=missing.pem: file not found",
    );
    await expect(check("missing.pem")).rejects.toThrow("--set-file missing.pem: expected KEY=PATH");
  });

  helmIt("puts a field hard-coded in a template on the template line", async () => {
    const { result } = await insecure();
    // The container (its name, probes, ports) is written in the template, not in values.
    expect(find(result.findings, "workload/startup-probe")).toMatchObject({
      file: `${chart}/templates/deployment.yaml`,
      line: 24,
      rendered: { file: `<rendered>/${chart}/helm-template.yaml` },
    });
  });

  helmIt("reports no pod-security finding for the chart's own values", async () => {
    const { result } = await runCheck({ cwd: repo, paths: [chart], tools });
    expect(result.findings.filter((f) => f.ruleId.startsWith("pod/"))).toEqual([]);
  });
});

describe("check of a Kustomize overlay (real kubectl kustomize)", () => {
  const kustomizeIt = tools.find("kubectl") ? it : withTool("kustomize");
  const check = () => runCheck({ cwd: repo, paths: [prod], tools });

  kustomizeIt("reports what checking the build's output reports", async () => {
    const { result } = await check();
    const binary = tools.find("kubectl") ? "kubectl" : "kustomize";
    const args = binary === "kubectl" ? ["kustomize", prod] : ["build", prod];
    const expected = await checkOfRenderedText(binary, args);
    expect(onRendered(result.findings)).toEqual(expected.sort((a, b) => (a < b ? -1 : 1)));
  });

  kustomizeIt("puts a field the overlay's patch sets on the patch", async () => {
    const { result } = await check();
    expect(find(result.findings, "pod/not-privileged")).toMatchObject({
      file: `${prod}/debug-patch.yaml`,
      line: 13,
      column: 13,
    });
  });

  kustomizeIt("puts what comes from the base on the base resource file", async () => {
    const { result } = await check();
    expect(find(result.findings, "workload/startup-probe")).toMatchObject({
      file: "examples/kustomize/base/deployment.yaml",
      line: 28,
    });
  });

  kustomizeIt("puts a field an inline patch sets on its line in the kustomization", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-inline-"));
    mkdirSync(join(dir, "base"));
    mkdirSync(join(dir, "dev"));
    copyFileSync(
      join(repo, "examples/kustomize/base/deployment.yaml"),
      join(dir, "base/deployment.yaml"),
    );
    writeFileSync(join(dir, "base/kustomization.yaml"), "resources:\n  - deployment.yaml\n");
    writeFileSync(
      join(dir, "dev/kustomization.yaml"),
      [
        "resources:",
        "  - ../base",
        "patches:",
        "  - patch: |-",
        "      apiVersion: apps/v1",
        "      kind: Deployment",
        "      metadata:",
        "        name: backend",
        "      spec:",
        "        template:",
        "          spec:",
        "            containers:",
        "              - name: api",
        "                securityContext:",
        "                  privileged: true",
        "",
      ].join("\n"),
    );
    const { result } = await runCheck({ cwd: dir, paths: ["dev"], tools });
    expect(find(result.findings, "pod/not-privileged")).toMatchObject({
      file: "dev/kustomization.yaml",
      line: 15,
      column: 19,
      // "privileged: true", moved with the inline patch into its kustomization
      endLine: 15,
      endColumn: 35,
    });
  });

  kustomizeIt(
    "puts what a JSON 6902 patch or a target-selected patch sets on that patch",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "scout-6902-"));
      mkdirSync(join(dir, "base"));
      mkdirSync(join(dir, "dev"));
      copyFileSync(
        join(repo, "examples/kustomize/base/deployment.yaml"),
        join(dir, "base/deployment.yaml"),
      );
      writeFileSync(join(dir, "base/kustomization.yaml"), "resources:\n  - deployment.yaml\n");
      const lines = (...text: string[]) => `${text.join("\n")}\n`;
      writeFileSync(
        join(dir, "dev/kustomization.yaml"),
        lines(
          "resources:",
          "  - ../base",
          "patches:",
          "  - target: {kind: Deployment, name: back.*}",
          "    patch: |-",
          "      - op: add",
          "        path: /spec/template/spec/containers/0/securityContext/privileged",
          "        value: true",
          "  - path: host-network.yaml",
          "    target: {kind: Deployment}",
          "patchesJson6902:",
          "  - target: {group: apps, version: v1, kind: Deployment, name: backend}",
          "    path: run-as-root.json",
        ),
      );
      // A target-selected patch names no object of its own (Kustomize takes the target's).
      writeFileSync(
        join(dir, "dev/host-network.yaml"),
        lines(
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata: {name: any}",
          "spec:",
          "  template:",
          "    spec:",
          "      hostNetwork: true",
        ),
      );
      writeFileSync(
        join(dir, "dev/run-as-root.json"),
        '[{"op": "replace", "path": "/spec/template/spec/securityContext/runAsUser", "value": 0}]\n',
      );
      const { result } = await runCheck({ cwd: dir, paths: ["dev"], tools });
      const at = (ruleId: string) => {
        const finding = find(result.findings, ruleId);
        return `${finding?.file}:${finding?.line}:${finding?.column}`;
      };
      expect(at("pod/not-privileged")).toBe("dev/kustomization.yaml:8:9");
      expect(at("pod/no-host-namespaces")).toBe("dev/host-network.yaml:7:7");
      expect(at("pod/run-as-non-root")).toBe("dev/run-as-root.json:1:77");
    },
  );

  kustomizeIt(
    "keeps a base field on the base when a JSON 6902 patch replaced the object's annotations",
    async () => {
      // `add /metadata/annotations` drops the origin annotations of the second build as well:
      // the finding stayed on the rendered text, a file no one edits.
      const dir = mkdtempSync(join(tmpdir(), "scout-annotations-"));
      mkdirSync(join(dir, "base"));
      mkdirSync(join(dir, "dev"));
      copyFileSync(
        join(repo, "examples/kustomize/base/deployment.yaml"),
        join(dir, "base/deployment.yaml"),
      );
      writeFileSync(join(dir, "base/kustomization.yaml"), "resources:\n  - deployment.yaml\n");
      writeFileSync(
        join(dir, "dev/kustomization.yaml"),
        [
          "resources:",
          "  - ../base",
          "namePrefix: dev-",
          "patches:",
          "  - target: {kind: Deployment}",
          "    patch: |-",
          "      - op: add",
          "        path: /metadata/annotations",
          "        value: {team: scout}",
          "  - target: {kind: Deployment, name: backend}",
          "    patch: |-",
          "      - op: add",
          "        path: /spec/template/spec/containers/0/securityContext/privileged",
          "        value: true",
          "",
        ].join("\n"),
      );
      const { result } = await runCheck({ cwd: dir, paths: ["dev"], tools });
      expect(result.findings.filter((f) => f.file.startsWith("<rendered>/"))).toEqual([]);
      expect(find(result.findings, "workload/startup-probe")).toMatchObject({
        file: "base/deployment.yaml",
        line: 28,
      });
      expect(find(result.findings, "pod/not-privileged")).toMatchObject({
        file: "dev/kustomization.yaml",
        line: 14,
      });
    },
  );

  kustomizeIt(
    "puts a value read from a file on that file, and a patch written in patchesStrategicMerge on its line",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "scout-generated-"));
      mkdirSync(join(dir, "base"));
      mkdirSync(join(dir, "dev"));
      copyFileSync(
        join(repo, "examples/kustomize/base/deployment.yaml"),
        join(dir, "base/deployment.yaml"),
      );
      writeFileSync(join(dir, "base/api-token"), "changeme\n");
      writeFileSync(
        join(dir, "base/kustomization.yaml"),
        [
          "resources:",
          "  - deployment.yaml",
          "secretGenerator:",
          "  - name: scout-secrets",
          "    files:",
          "      - api-token",
          "",
        ].join("\n"),
      );
      writeFileSync(
        join(dir, "dev/kustomization.yaml"),
        [
          "resources:",
          "  - ../base",
          "patchesStrategicMerge:",
          "  - |-",
          "    apiVersion: apps/v1",
          "    kind: Deployment",
          "    metadata:",
          "      name: backend",
          "    spec:",
          "      template:",
          "        spec:",
          "          containers:",
          "            - name: api",
          "              securityContext:",
          "                privileged: true",
          "",
        ].join("\n"),
      );
      const { result } = await runCheck({ cwd: dir, paths: ["dev"], tools });
      // Before: the token on the `files:` item (a line the change does not touch), the
      // privileged container on the base's securityContext.
      expect(find(result.findings, "secrets/strong-token")).toMatchObject({
        file: "base/api-token",
        line: 1,
      });
      expect(find(result.findings, "pod/not-privileged")).toMatchObject({
        file: "dev/kustomization.yaml",
        line: 15,
      });
    },
  );

  kustomizeIt(
    "keeps an images entry and a replacement source when a JSON 6902 patch replaced the annotations",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "scout-lost-"));
      mkdirSync(join(dir, "base"));
      mkdirSync(join(dir, "dev"));
      mkdirSync(join(dir, "prod"));
      const deployment = readFileSync(
        join(repo, "examples/kustomize/base/deployment.yaml"),
        "utf8",
      );
      writeFileSync(join(dir, "base/deployment.yaml"), deployment);
      writeFileSync(
        join(dir, "base/worker.yaml"),
        deployment
          .replace("name: backend", "name: worker")
          .replace("runAsUser: 1000", "runAsUser: 1001"),
      );
      writeFileSync(
        join(dir, "base/kustomization.yaml"),
        [
          "resources:",
          "  - deployment.yaml",
          "  - worker.yaml",
          "replacements:",
          "  - source: {kind: Deployment, name: backend, fieldPath: spec.template.spec.securityContext.runAsUser}",
          "    targets:",
          "      - select: {kind: Deployment, name: worker}",
          "        fieldPaths: [spec.template.spec.securityContext.runAsUser]",
          "",
        ].join("\n"),
      );
      writeFileSync(
        join(dir, "dev/kustomization.yaml"),
        [
          "resources:",
          "  - ../base",
          "images:",
          "  - name: scout/backend",
          "    newTag: latest",
          "",
        ].join("\n"),
      );
      writeFileSync(
        join(dir, "prod/kustomization.yaml"),
        [
          "resources:",
          "  - ../dev",
          "patches:",
          "  - target: {kind: Deployment}",
          "    patch: |-",
          "      - op: add",
          "        path: /metadata/annotations",
          "        value: {team: scout}",
          "",
        ].join("\n"),
      );
      const { result } = await runCheck({ cwd: dir, paths: ["prod"], tools });
      const images = result.findings.filter((f) => f.ruleId === "workload/image-pinned");
      expect(images.map((f) => `${f.file}:${f.line}`)).toEqual([
        "dev/kustomization.yaml:5",
        "dev/kustomization.yaml:5",
      ]);
      // The worker's UID is the backend's, copied by the replacement: wrong for the guide (1001
      // would be), and decided at the source.
      writeFileSync(
        join(dir, "base/deployment.yaml"),
        deployment.replace("runAsUser: 1000", "runAsUser: 0"),
      );
      const again = await runCheck({ cwd: dir, paths: ["prod"], tools });
      const root = again.result.findings.filter(
        (f) => f.ruleId === "pod/run-as-non-root" && f.message.includes("runAsUser is 0"),
      );
      expect(root.map((f) => `${f.object?.name} ${f.file}:${f.line}`).sort()).toEqual([
        "backend base/deployment.yaml:24",
        "worker base/deployment.yaml:24",
      ]);
    },
  );

  kustomizeIt(
    "puts a DNS flow that commonLabels cut on the label, not on the base's policy",
    async () => {
      // commonLabels go into every NetworkPolicy peer's podSelector: cluster DNS in kube-system
      // carries no such label, so the egress rule selects nothing. The finding was on the base's
      // egress rule, a correct line the change does not touch.
      const dir = mkdtempSync(join(tmpdir(), "scout-common-labels-"));
      mkdirSync(join(dir, "base"));
      mkdirSync(join(dir, "dev"));
      copyFileSync(
        join(repo, "packages/rules/src/fixtures/compliant/scout.yaml"),
        join(dir, "base/scout.yaml"),
      );
      writeFileSync(join(dir, "base/kustomization.yaml"), "resources:\n  - scout.yaml\n");
      writeFileSync(
        join(dir, "dev/kustomization.yaml"),
        "resources:\n  - ../base\ncommonLabels:\n  team: scout\n",
      );
      const { result } = await runCheck({ cwd: dir, paths: ["dev"], tools });
      const cut = result.findings.filter((f) => /cluster DNS/.test(f.message));
      expect(cut.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual([
        "dev/kustomization.yaml:4:3",
      ]);
    },
  );

  kustomizeIt(
    "puts what a patch written as a quoted string sets on that string's line",
    async () => {
      // Its lines are not the file's: the whole string is the place. It was on the base, whose
      // line says allowPrivilegeEscalation: false.
      const dir = mkdtempSync(join(tmpdir(), "scout-quoted-"));
      mkdirSync(join(dir, "base"));
      mkdirSync(join(dir, "dev"));
      copyFileSync(
        join(repo, "examples/kustomize/base/deployment.yaml"),
        join(dir, "base/deployment.yaml"),
      );
      writeFileSync(join(dir, "base/kustomization.yaml"), "resources:\n  - deployment.yaml\n");
      const escalation =
        "/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation";
      writeFileSync(
        join(dir, "dev/kustomization.yaml"),
        [
          "resources:",
          "  - ../base",
          "patches:",
          "  - target: {kind: Deployment, name: backend}",
          `    patch: '[{"op": "replace", "path": "${escalation}", "value": true}]'`,
          "  - target: {kind: Deployment, name: backend}",
          '    patch: "- op: add\\n  path: /spec/template/spec/hostNetwork\\n  value: true"',
          "",
        ].join("\n"),
      );
      const { result } = await runCheck({ cwd: dir, paths: ["dev"], tools });
      const at = (ruleId: string) => {
        const finding = find(result.findings, ruleId);
        return `${finding.file}:${finding.line}`;
      };
      expect(at("pod/no-privilege-escalation")).toBe("dev/kustomization.yaml:5");
      expect(at("pod/no-host-namespaces")).toBe("dev/kustomization.yaml:7");
    },
  );

  kustomizeIt("reads two overlays as two environments", async () => {
    const { result } = await runCheck({
      cwd: repo,
      paths: [prod, "examples/kustomize/overlays/staging"],
      tools,
    });
    const namespaces = result.findings
      .filter((f) => f.ruleId === "workload/startup-probe")
      .map((f) => f.object?.namespace);
    expect(namespaces.sort()).toEqual(["scout-prod", "scout-staging"]);
    // Staging has no debug patch: only prod's container is privileged.
    const privileged = result.findings.filter((f) => f.ruleId === "pod/not-privileged");
    expect(privileged.map((f) => f.object?.namespace)).toEqual(["scout-prod"]);
  });
});

describe("a chart with a subchart (real helm template)", () => {
  const helmIt = withTool("helm");
  const template = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata: {name: db}",
    "spec:",
    "  selector: {matchLabels: {app: db}}",
    "  template:",
    "    metadata: {labels: {app: db}}",
    "    spec:",
    "      containers:",
    "        - name: db",
    "          image: db:1.0",
    "          securityContext:",
    "            privileged: {{ .Values.privileged }}",
    "",
  ].join("\n");
  /** The chart `app` with the subchart `db` in `charts/<folder>`. */
  function chartWith(parentValues: string, subValues: string, folder = "db"): string {
    const dir = mkdtempSync(join(tmpdir(), "scout-subchart-"));
    const files: Record<string, string> = {
      "app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
      "app/values.yaml": parentValues,
      [`app/charts/${folder}/Chart.yaml`]: "apiVersion: v2\nname: db\nversion: 0.1.0\n",
      [`app/charts/${folder}/values.yaml`]: subValues,
      [`app/charts/${folder}/templates/deployment.yaml`]: template,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  helmIt("puts a subchart value the parent sets on the parent's values key", async () => {
    const dir = chartWith("replicas: 1\ndb:\n  privileged: true\n", "privileged: false\n");
    const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
    expect(find(result.findings, "pod/not-privileged")).toMatchObject({
      file: "app/values.yaml",
      line: 3,
      column: 3,
    });
  });

  helmIt("puts a subchart's own value on the subchart's values.yaml", async () => {
    const dir = chartWith("db:\n  other: 1\n", "# the default\nprivileged: true\n");
    const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
    expect(find(result.findings, "pod/not-privileged")).toMatchObject({
      file: "app/charts/db/values.yaml",
      line: 2,
      column: 1,
    });
  });

  helmIt(
    "finds a subchart whose folder is not its name, and judges its template once",
    async () => {
      // helm's `# Source:` says app/charts/db/..., the name in the subchart's Chart.yaml.
      const dir = chartWith("db:\n  other: 1\n", "# the default\nprivileged: true\n", "database");
      const { result } = await runCheck({ cwd: dir, paths: ["."], tools });
      expect(result.findings.filter((f) => f.ruleId === "pod/not-privileged")).toEqual([
        expect.objectContaining({ file: "app/charts/database/values.yaml", line: 2, column: 1 }),
      ]);
    },
  );
});

describe("a chart that prints through named templates (real helm template)", () => {
  const helmIt = withTool("helm");
  const helpers = [
    '{{- define "app.labels" -}}',
    "app: web",
    "{{- end }}",
    '{{- define "app.podSecurity" -}}',
    "{{- toYaml .Values.podSecurityContext }}",
    "{{- end }}",
    '{{- define "app.containerSecurity" -}}',
    "allowPrivilegeEscalation: {{ .vals.allowPrivilegeEscalation }}",
    "privileged: false",
    "readOnlyRootFilesystem: {{ .ctx.Values.readOnly }}",
    "capabilities:",
    "  drop: [ALL]",
    "{{- end }}",
    '{{- define "app.image" -}}',
    "{{ .Values.image.repository }}:{{ .Values.image.tag }}",
    "{{- end }}",
    '{{- define "app.sidecar" -}}',
    "- name: sidecar",
    '  image: {{ include "app.image" . }}',
    "  securityContext:",
    '    {{- include "app.containerSecurity" (dict "ctx" . "vals" .Values.sidecar) | nindent 4 }}',
    "{{- end }}",
    "",
  ].join("\n");
  const deployment = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: web",
    "  labels:",
    '    {{- include "app.labels" . | nindent 4 }}',
    "spec:",
    "  selector: {matchLabels: {app: web}}",
    "  template:",
    "    metadata: {labels: {app: web}}",
    "    spec:",
    "      securityContext:",
    '        {{- include "app.podSecurity" . | nindent 8 }}',
    "      containers:",
    "        - name: web",
    '          image: {{ include "app.image" . }}',
    "          securityContext:",
    '            {{- include "app.containerSecurity" (dict "ctx" . "vals" .Values.web) | nindent 12 }}',
    '        {{- include "app.sidecar" . | nindent 8 }}',
    "",
  ].join("\n");
  const values = [
    "image:",
    "  repository: docker.io/library/nginx",
    '  tag: "1.27"',
    "readOnly: true",
    "podSecurityContext:",
    "  runAsNonRoot: true",
    "web:",
    "  allowPrivilegeEscalation: false",
    "sidecar:",
    "  allowPrivilegeEscalation: false",
    "",
  ].join("\n");
  function chartWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "scout-defines-"));
    const all: Record<string, string> = {
      "app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
      "app/values.yaml": values,
      "app/templates/_helpers.tpl": helpers,
      "app/templates/deployment.yaml": deployment,
      ...files,
    };
    for (const [path, text] of Object.entries(all)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }
  const placed = (findings: readonly Finding[], ruleId: string, name = "") =>
    findings
      .filter((f) => f.ruleId === ruleId && f.message.includes(name))
      .map((f) => `${f.file}:${f.line}`)
      .sort();

  helmIt("puts a key a define's toYaml of .Values printed on that values key", async () => {
    const dir = chartWith({ "values-prod.yaml": "podSecurityContext:\n  runAsNonRoot: false\n" });
    const { result } = await runCheck({
      cwd: dir,
      paths: ["app"],
      helm: { values: ["values-prod.yaml"] },
      tools,
    });
    expect(placed(result.findings, "pod/run-as-non-root")).toEqual(["values-prod.yaml:2"]);
  });

  helmIt(
    "follows dict arguments into the define: .vals.x is the values key the caller passed",
    async () => {
      const dir = chartWith({
        "app/values.yaml": values.replace(
          "web:\n  allowPrivilegeEscalation: false",
          "web:\n  allowPrivilegeEscalation: true",
        ),
      });
      const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
      // values.yaml line 8: web.allowPrivilegeEscalation, not the sidecar's key nor line 1
      expect(placed(result.findings, "pod/no-privilege-escalation")).toEqual(["app/values.yaml:8"]);
    },
  );

  helmIt(
    "follows a nested include (a container printed by a define) to its values key, --set named",
    async () => {
      const dir = chartWith({});
      const { result } = await runCheck({
        cwd: dir,
        paths: ["app"],
        helm: { set: ["sidecar.allowPrivilegeEscalation=true"] },
        tools,
      });
      const found = result.findings.filter((f) => f.ruleId === "pod/no-privilege-escalation");
      expect(found.map((f) => `${f.file}:${f.line}`)).toEqual(["app/values.yaml:10"]);
      expect(found[0]!.message).toMatch(/\(set by --set sidecar\.allowPrivilegeEscalation=true\)$/);
    },
  );

  helmIt("puts a key the define spells itself on its line in _helpers.tpl", async () => {
    const dir = chartWith({
      "app/templates/_helpers.tpl": helpers.replace("privileged: false", "privileged: true"),
    });
    const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
    // both containers print the define: each finding on the line that wrote it
    expect(placed(result.findings, "pod/not-privileged")).toEqual([
      "app/templates/_helpers.tpl:9",
      "app/templates/_helpers.tpl:9",
    ]);
  });

  helmIt("follows a scalar include (an image) to the values key it prints last", async () => {
    const dir = chartWith({ "app/values.yaml": values.replace('tag: "1.27"', "tag: latest") });
    const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
    const lines = placed(result.findings, "workload/image-pinned");
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines)).toEqual(new Set(["app/values.yaml:3"]));
  });

  helmIt(
    "puts an inner range's item (sidecars.<i>.env.<j>) printed by a define on its values key",
    async () => {
      const sidecars = [
        '{{- define "app.sidecars" -}}',
        "{{- range .Values.sidecars }}",
        "- name: {{ .name }}",
        "  image: docker.io/library/busybox:1.36",
        "  env:",
        "    - name: MODE",
        "      value: prod",
        "    {{- range .env }}",
        "    - name: {{ .name }}",
        "      value: {{ .value | quote }}",
        "    {{- end }}",
        "{{- end }}",
        "{{- end }}",
        "",
      ].join("\n");
      const dir = chartWith({
        "app/templates/_sidecars.tpl": sidecars,
        "app/templates/deployment.yaml": deployment.replace(
          '        {{- include "app.sidecar" . | nindent 8 }}',
          '        {{- include "app.sidecars" . | nindent 8 }}',
        ),
        "app/values.yaml": [
          values,
          "sidecars:",
          "  - name: log",
          "    env:",
          "      - {name: LEVEL, value: info}",
          "  - name: sync",
          "    env:",
          "      - name: REGION",
          "        value: eu",
          "      - name: DB_PASSWORD",
          "        value: s3cr3t-in-plain-text",
          "",
        ].join("\n"),
      });
      const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
      // values.yaml: line 11 + 10, the sync sidecar's second env item's value
      expect(placed(result.findings, "secrets/no-plaintext-env")).toEqual(["app/values.yaml:21"]);
    },
  );

  helmIt(
    "follows an include into a library chart's define, to the parent's values key",
    async () => {
      const dir = chartWith({
        "app/Chart.yaml": [
          "apiVersion: v2",
          "name: app",
          "version: 0.1.0",
          "dependencies:",
          "  - name: common",
          "    version: 0.1.0",
          "",
        ].join("\n"),
        "app/charts/common/Chart.yaml":
          "apiVersion: v2\nname: common\nversion: 0.1.0\ntype: library\n",
        "app/charts/common/templates/_security.tpl": [
          '{{- define "common.podSecurity" -}}',
          "runAsNonRoot: {{ .Values.podSecurityContext.runAsNonRoot }}",
          "{{- end }}",
          "",
        ].join("\n"),
        "app/templates/deployment.yaml": deployment.replace(
          '"app.podSecurity"',
          '"common.podSecurity"',
        ),
        "app/values.yaml": values.replace("runAsNonRoot: true", "runAsNonRoot: false"),
      });
      const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
      // the define's key line spells the key; its value is the parent's values.yaml line 6
      expect(placed(result.findings, "pod/run-as-non-root")).toEqual(["app/values.yaml:6"]);
    },
  );

  helmIt("takes the chart's define over a subchart's of the same name, as helm does", async () => {
    const dir = chartWith({
      "app/charts/common/Chart.yaml":
        "apiVersion: v2\nname: common\nversion: 0.1.0\ntype: library\n",
      "app/charts/common/templates/_helpers.tpl": helpers.replace(
        "privileged: false",
        "privileged: false # the library's",
      ),
      "app/templates/_helpers.tpl": helpers.replace("privileged: false", "privileged: true"),
    });
    const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
    expect(placed(result.findings, "pod/not-privileged")).toEqual([
      "app/templates/_helpers.tpl:9",
      "app/templates/_helpers.tpl:9",
    ]);
  });

  helmIt(
    "follows bitnami's renderSecurityContext (a dict, a $variable, omit | toYaml) to the values key",
    async () => {
      const render = [
        '{{- define "common.renderSecurityContext" -}}',
        "{{- $adapted := .secContext -}}",
        "{{- if (((.context.Values.global).compatibility).openshift) -}}",
        '{{- $adapted = omit $adapted "runAsUser" -}}',
        "{{- end -}}",
        '{{- omit $adapted "enabled" | toYaml -}}',
        "{{- end -}}",
        "",
      ].join("\n");
      const dir = chartWith({
        "app/templates/_compat.tpl": render,
        "app/templates/deployment.yaml": deployment.replace(
          '          securityContext:\n            {{- include "app.containerSecurity" (dict "ctx" . "vals" .Values.web) | nindent 12 }}',
          '          {{- if .Values.web.enabled }}\n          securityContext: {{- include "common.renderSecurityContext" (dict "secContext" .Values.web "context" $) | nindent 12 }}\n          {{- end }}',
        ),
        "app/values.yaml": values.replace(
          "web:\n  allowPrivilegeEscalation: false",
          "web:\n  enabled: true\n  allowPrivilegeEscalation: true",
        ),
      });
      const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
      expect(placed(result.findings, "pod/no-privilege-escalation")).toEqual(["app/values.yaml:9"]);
    },
  );

  helmIt(
    "follows bitnami's tplvalues.render of a values block to the values key below it",
    async () => {
      const render = [
        '{{- define "common.tplvalues.render" -}}',
        '{{- $value := typeIs "string" .value | ternary .value (.value | toYaml) }}',
        '{{- if contains "{{" (toJson .value) }}',
        "  {{- tpl $value .context }}",
        "{{- else }}",
        "    {{- $value }}",
        "{{- end }}",
        "{{- end -}}",
        "",
      ].join("\n");
      const dir = chartWith({
        "app/templates/_tplvalues.tpl": render,
        "app/templates/deployment.yaml": deployment.replace(
          '{{- include "app.podSecurity" . | nindent 8 }}',
          '{{- include "common.tplvalues.render" (dict "value" .Values.podSecurityContext "context" $) | nindent 8 }}',
        ),
        "values-prod.yaml": "podSecurityContext:\n  runAsNonRoot: false\n",
      });
      const { result } = await runCheck({
        cwd: dir,
        paths: ["app"],
        helm: { values: ["values-prod.yaml"] },
        tools,
      });
      expect(placed(result.findings, "pod/run-as-non-root")).toEqual(["values-prod.yaml:2"]);
    },
  );

  helmIt("puts a key the define does not trace on the include's line, not line 1", async () => {
    const dir = chartWith({
      "app/templates/_helpers.tpl": helpers.replace(
        "{{- toYaml .Values.podSecurityContext }}",
        '{{- toYaml (index .Values "podSecurityContext") }}',
      ),
      "app/values.yaml": values.replace("runAsNonRoot: true", "runAsNonRoot: false"),
    });
    const { result } = await runCheck({ cwd: dir, paths: ["app"], tools });
    expect(placed(result.findings, "pod/run-as-non-root")).toEqual([
      "app/templates/deployment.yaml:13",
    ]);
  });
});

describe("a chart whose ranges, branches and value functions decide what it prints (real helm template)", () => {
  const helmIt = withTool("helm");
  const pod = (name: string, container: string[]) => [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    `  selector: {matchLabels: {app: ${name}}}`,
    "  template:",
    `    metadata: {labels: {app: ${name}}}`,
    "    spec:",
    "      containers:",
    "        - name: main",
    "          image: nginx:1.27",
    ...container,
  ];
  const files: Record<string, string> = {
    "c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: latest\n",
    "c/values.yaml": [
      "workers:",
      "  - name: alpha",
      "    securityContext: {allowPrivilegeEscalation: false}",
      "  - name: beta",
      "    securityContext: {allowPrivilegeEscalation: false}",
      "  - name: gamma",
      "    securityContext:",
      "      allowPrivilegeEscalation: true",
      "components:",
      "  zeta:",
      "    privileged: false",
      "  eta:",
      "    privileged: true",
      "  alpha: {privileged: true, disabled: true}",
      "strict: false",
      "podSecurity:",
      '  hostNetwork: ""',
      "fallbackHostNetwork: true",
      "useHostPid: true",
      "image:",
      '  tag: ""',
      "extraEnv: |",
      "  - name: API_TOKEN",
      '    value: "{{ .Values.token }}"',
      "  - name: DB_PASSWORD",
      "    value: hunter2-in-plain-text",
      "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789",
      "groups:",
      "  - name: g1",
      "    members:",
      "      - {name: m1, privileged: false}",
      "      - {name: m2, privileged: true, skip: true}",
      "  - name: g2",
      "    members:",
      "      - name: m3",
      "        privileged: true",
      "apps:",
      "  - name: ca",
      "    canary: {privileged: false}",
      "  - name: cb",
      "  - name: cc",
      "    canary:",
      "      privileged: true",
      "",
    ].join("\n"),
    // Two Deployments per item of one range, the second when the item has a canary: helm
    // prints ca, ca-canary, cb, cc, cc-canary.
    "c/templates/canaries.yaml": [
      "{{- range .Values.apps }}",
      "---",
      ...pod("{{ .name }}", []),
      "{{- if .canary }}",
      "---",
      ...pod("{{ .name }}-canary", [
        "          securityContext:",
        "            privileged: {{ .canary.privileged }}",
      ]),
      "{{- end }}",
      "{{- end }}",
      "",
    ].join("\n"),
    // A range in a range printing one document per inner item, an `if` leaving one out.
    "c/templates/groups.yaml": [
      "{{- range $g := .Values.groups }}",
      "{{- range $m := $g.members }}",
      "{{- if not $m.skip }}",
      "---",
      ...pod("{{ $g.name }}-{{ $m.name }}", [
        "          securityContext:",
        "            privileged: {{ $m.privileged }}",
      ]),
      "{{- end }}",
      "{{- end }}",
      "{{- end }}",
      "",
    ].join("\n"),
    // A ConfigMap first, then a Deployment and a Service per worker: helm prints the Services
    // before the Deployments, and the ConfigMap before both (releaseutil's kind order).
    "c/templates/workers.yaml": [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata: {name: shared}",
      "data: {a: b}",
      "{{- range .Values.workers }}",
      "---",
      ...pod("{{ .name }}", [
        "          securityContext:",
        "            {{- toYaml .securityContext | nindent 12 }}",
      ]),
      "---",
      "apiVersion: v1",
      "kind: Service",
      "metadata: {name: '{{ .name }}'}",
      "spec: {selector: {app: '{{ .name }}'}, ports: [{port: 80}]}",
      "{{- end }}",
      "",
    ].join("\n"),
    "c/templates/components.yaml": [
      "{{- range $name, $cfg := .Values.components }}",
      "{{- if not $cfg.disabled }}",
      "---",
      ...pod("{{ $name }}", [
        "          securityContext:",
        "            privileged: {{ $cfg.privileged }}",
      ]),
      "{{- end }}",
      "{{- end }}",
      "",
    ].join("\n"),
    "c/templates/branches.yaml": [
      ...pod("branchy", [
        "          securityContext:",
        "            {{- if .Values.strict }}",
        "            readOnlyRootFilesystem: true",
        "            {{- else }}",
        "            readOnlyRootFilesystem: false",
        "            {{- end }}",
      ]),
      "",
    ].join("\n"),
    "c/templates/functions.yaml": pod("functions", [])
      .join("\n")
      .replace(
        "    spec:\n",
        [
          "    spec:",
          "      hostNetwork: {{ coalesce .Values.podSecurity.hostNetwork .Values.fallbackHostNetwork }}",
          "      hostPID: {{ ternary true false .Values.useHostPid }}",
          "",
        ].join("\n"),
      )
      .replace(
        "image: nginx:1.27",
        [
          'image: "nginx:{{ .Values.image.tag | default .Chart.AppVersion }}"',
          "          env:",
          "            {{- tpl .Values.extraEnv . | nindent 12 }}",
        ].join("\n"),
      ),
  };
  function chart(): string {
    const dir = mkdtempSync(join(tmpdir(), "scout-branches-"));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }
  const at = (findings: readonly Finding[], ruleId: string, name: string) =>
    findings
      .filter((f) => f.ruleId === ruleId && f.object?.name === name)
      .map((f) => `${f.file}:${f.line}:${f.column}`);
  /** The findings of the chart in `dir` with `prod.yaml` (this text) as a --values file. */
  async function withProd(dir: string, path: string, prod: string) {
    writeFileSync(join(dir, "prod.yaml"), prod);
    const options = { cwd: dir, paths: [path], helm: { values: ["prod.yaml"] }, tools };
    return (await runCheck(options)).result.findings;
  }

  helmIt("puts a field of a document a range printed on its own item's values key", async () => {
    const { result } = await runCheck({ cwd: chart(), paths: ["c"], tools });
    // gamma, the third worker, though its Deployment is the fifth document of the template.
    expect(at(result.findings, "pod/no-privilege-escalation", "gamma")).toEqual([
      "c/values.yaml:8:7",
    ]);
    expect(at(result.findings, "pod/no-privilege-escalation", "alpha")).toEqual([]);
  });

  helmIt("reads a range over a map in Go's sorted key order, $cfg its item", async () => {
    const { result } = await runCheck({ cwd: chart(), paths: ["c"], tools });
    // alpha, first in key order, printed nothing: eta's is the first document.
    expect(at(result.findings, "pod/not-privileged", "eta")).toEqual(["c/values.yaml:13:5"]);
    expect(at(result.findings, "pod/not-privileged", "alpha")).toEqual([]);
    expect(at(result.findings, "pod/not-privileged", "zeta")).toEqual([]);
  });

  helmIt(
    "puts a field of a document a range inside a range printed on its inner item",
    async () => {
      const { result } = await runCheck({ cwd: chart(), paths: ["c"], tools });
      // g2's m3, though the skipped m2 stands between it and g1's m1.
      expect(at(result.findings, "pod/not-privileged", "g2-m3")).toEqual(["c/values.yaml:36:9"]);
      expect(at(result.findings, "pod/not-privileged", "g1-m1")).toEqual([]);
    },
  );

  helmIt(
    "puts a field of the second document of one kind a range item printed on that item",
    async () => {
      const { result } = await runCheck({ cwd: chart(), paths: ["c"], tools });
      expect(at(result.findings, "pod/not-privileged", "cc-canary")).toEqual([
        "c/values.yaml:43:7",
      ]);
      expect(at(result.findings, "pod/not-privileged", "ca-canary")).toEqual([]);
    },
  );

  helmIt("puts a key on the branch its values took, not the first that spells it", async () => {
    const { result } = await runCheck({ cwd: chart(), paths: ["c"], tools });
    expect(at(result.findings, "pod/read-only-root-filesystem", "branchy")).toEqual([
      "c/templates/branches.yaml:17:13",
    ]);
  });

  helmIt("follows coalesce, ternary and default to the argument that was printed", async () => {
    const { result } = await runCheck({ cwd: chart(), paths: ["c"], tools });
    expect(at(result.findings, "pod/no-host-namespaces", "functions").sort()).toEqual([
      // coalesce: the first is empty, the fallback printed; ternary: its condition's key.
      "c/values.yaml:18:1",
      "c/values.yaml:19:1",
    ]);
    // The tag is empty: `default .Chart.AppVersion` printed Chart.yaml's, on the template line.
    expect(at(result.findings, "workload/image-pinned", "functions")).toEqual([
      "c/templates/functions.yaml:14:11",
    ]);
  });

  helmIt(
    "puts a field missing from the helm create scaffold's securityContext on its values key",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "scout-scaffold-"));
      tools.run(tools.find("helm")!, ["create", "web"], dir);
      const findings = await withProd(
        dir,
        "web",
        "securityContext:\n  allowPrivilegeEscalation: true\nimage:\n  tag: latest\n",
      );
      const deployment = (ruleId: string) =>
        findings
          .filter((f) => f.ruleId === ruleId && f.object?.kind === "Deployment")
          .map((f) => `${f.file}:${f.line}:${f.column}`);
      // `{{- with .Values.securityContext }}` printed prod.yaml's block: runAsNonRoot goes there.
      expect(deployment("pod/run-as-non-root")).toEqual(["prod.yaml:1:1"]);
      expect(deployment("pod/no-privilege-escalation")).toEqual(["prod.yaml:2:3"]);
      expect(deployment("workload/image-pinned")).toEqual(["prod.yaml:4:3"]);
    },
  );

  helmIt("follows the branch a define's values took, the define's if/else included", async () => {
    const dir = chart();
    writeFileSync(
      join(dir, "c/templates/_helpers.tpl"),
      [
        '{{- define "c.securityContext" -}}',
        "{{- if .Values.legacyRuntime }}",
        "allowPrivilegeEscalation: true",
        "{{- else }}",
        "{{- toYaml .Values.containerSecurityContext }}",
        "{{- end }}",
        "{{- end }}",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "c/templates/included.yaml"),
      pod("included", [
        "          securityContext:",
        '            {{- include "c.securityContext" . | nindent 12 }}',
        "",
      ]).join("\n"),
    );
    const findings = await withProd(
      dir,
      "c",
      "legacyRuntime: false\ncontainerSecurityContext:\n  allowPrivilegeEscalation: true\n",
    );
    expect(at(findings, "pod/no-privilege-escalation", "included")).toEqual(["prod.yaml:3:3"]);
  });

  helmIt("puts bitnami's extraDeploy objects' findings on their own items in values", async () => {
    const dir = chart();
    writeFileSync(
      join(dir, "c/templates/_tplvalues.tpl"),
      [
        "{{/* bitnami common's common.tplvalues.render */}}",
        '{{- define "common.tplvalues.render" -}}',
        '{{- $value := typeIs "string" .value | ternary .value (.value | toYaml) }}',
        '{{- if contains "{{" (toJson .value) }}',
        "  {{- if .scope }}",
        '      {{- tpl (cat "{{- with $.RelativeScope -}}" $value "{{- end }}") (merge (dict "RelativeScope" .scope) .context) }}',
        "  {{- else }}",
        "    {{- tpl $value .context }}",
        "  {{- end }}",
        "{{- else }}",
        "    {{- $value }}",
        "{{- end }}",
        "{{- end -}}",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "c/templates/extra-list.yaml"),
      [
        "{{- /*",
        "Copyright: a license header, as bitnami's templates open.",
        "*/}}",
        "",
        "{{- range .Values.extraDeploy }}",
        "---",
        '{{ include "common.tplvalues.render" (dict "value" . "context" $) }}',
        "{{- end }}",
        "",
      ].join("\n"),
    );
    const extra = (name: string, spec: string[]) => [
      "  - apiVersion: v1",
      "    kind: Pod",
      `    metadata: {name: ${name}}`,
      "    spec:",
      ...spec,
      "      containers: [{name: a, image: 'nginx:1.27'}]",
    ];
    const findings = await withProd(
      dir,
      "c",
      [
        "extraDeploy:",
        ...extra("one", []),
        ...extra("two", ["      hostNetwork: true"]),
        ...extra("three", ["      hostPID: true"]),
        "",
      ].join("\n"),
    );
    expect(at(findings, "pod/no-host-namespaces", "two")).toEqual(["prod.yaml:11:7"]);
    expect(at(findings, "pod/no-host-namespaces", "three")).toEqual(["prod.yaml:17:7"]);
  });

  helmIt(
    "reads a subchart's branch with the parent's globals, as helm passes them down",
    async () => {
      const dir = chart();
      mkdirSync(join(dir, "c/charts/db/templates"), { recursive: true });
      writeFileSync(
        join(dir, "c/charts/db/Chart.yaml"),
        "apiVersion: v2\nname: db\nversion: 0.1.0\n",
      );
      writeFileSync(join(dir, "c/charts/db/values.yaml"), "global:\n  legacy: false\n");
      writeFileSync(
        join(dir, "c/charts/db/templates/db.yaml"),
        pod("db", [
          "          securityContext:",
          "            {{- if .Values.global.legacy }}",
          "            privileged: true",
          "            {{- else }}",
          "            privileged: false",
          "            {{- end }}",
          "",
        ]).join("\n"),
      );
      const findings = await withProd(dir, "c", "global:\n  legacy: true\n");
      expect(at(findings, "pod/not-privileged", "db")).toEqual([
        "c/charts/db/templates/db.yaml:15:13",
      ]);
    },
  );

  helmIt(
    "reads bitnami-style helpers: an include in an if prints nothing, printf of variables the branches set, a license comment",
    async () => {
      const dir = chart();
      writeFileSync(
        join(dir, "c/templates/_images.tpl"),
        [
          "{{/* The image of an imageRoot, its digest over its tag. */}}",
          '{{- define "c.image" -}}',
          "{{- $end := .root.tag | toString -}}",
          '{{- $join := ":" -}}',
          "{{- if .root.digest }}",
          '  {{- $join = "@" -}}',
          "  {{- $end = .root.digest | toString -}}",
          "{{- end -}}",
          '{{- printf "%s%s%s" .root.repository $join $end -}}',
          "{{- end -}}",
          '{{- define "c.isOpenshift" -}}{{- end -}}',
          '{{- define "c.securityContext" -}}',
          "{{- $context := .sc -}}",
          '{{- if and .global.openshift (include "c.isOpenshift" .) -}}',
          '  {{- $context = omit $context "runAsUser" -}}',
          "{{- end -}}",
          '{{- omit $context "enabled" | toYaml -}}',
          "{{- end -}}",
          "",
        ].join("\n"),
      );
      writeFileSync(
        join(dir, "c/templates/bitnamish.yaml"),
        [
          "{{- /*",
          "A license header over several lines.",
          "*/}}",
          "",
          ...pod("bitnamish", [
            '          securityContext: {{- include "c.securityContext" (dict "sc" .Values.sc "global" .Values.global) | nindent 12 }}',
          ]).map((line) =>
            line.startsWith("          image:")
              ? '          image: {{ include "c.image" (dict "root" .Values.image "global" .Values.global) }}'
              : line,
          ),
          "",
        ].join("\n"),
      );
      const findings = await withProd(
        dir,
        "c",
        [
          "global: {openshift: false}",
          "image:",
          "  repository: nginx",
          "  tag: latest",
          '  digest: ""',
          "sc:",
          "  enabled: true",
          "  privileged: true",
          "",
        ].join("\n"),
      );
      // The tag, not global (the include's last argument) nor the digest (a branch not taken).
      expect(at(findings, "workload/image-pinned", "bitnamish")).toEqual(["prod.yaml:4:3"]);
      // The define's omit | toYaml of .sc, not the include inside the if's condition.
      expect(at(findings, "pod/not-privileged", "bitnamish")).toEqual(["prod.yaml:8:3"]);
    },
  );

  helmIt(
    "finds an env item an include printed by its name, whatever branches not known did to the count",
    async () => {
      const dir = chart();
      writeFileSync(
        join(dir, "c/templates/_render.tpl"),
        '{{- define "c.render" -}}\n{{- toYaml .value }}\n{{- end -}}\n',
      );
      writeFileSync(
        join(dir, "c/templates/env.yaml"),
        pod("envy", [
          "          env:",
          "            {{- if .Release.IsUpgrade }}",
          "            - name: UPGRADING",
          '              value: "yes"',
          "            {{- end }}",
          "            - name: MODE",
          "              value: strict",
          '            {{- include "c.render" (dict "value" .Values.extraEnvVars "context" $) | nindent 12 }}',
          "",
        ]).join("\n"),
      );
      const findings = await withProd(
        dir,
        "c",
        [
          "extraEnvVars:",
          "  - name: LOG_LEVEL",
          "    value: info",
          "  - name: DB_PASSWORD",
          "    value: hunter2-in-plain-text",
          "",
        ].join("\n"),
      );
      // helm template printed no UPGRADING (not an upgrade): DB_PASSWORD is env[2], extraEnvVars[1].
      expect(at(findings, "secrets/no-plaintext-env", "envy")).toEqual(["prod.yaml:5:5"]);
    },
  );

  helmIt("follows a values key's template text that tpl printed, down to its line", async () => {
    const { result } = await runCheck({ cwd: chart(), paths: ["c"], tools });
    const env = result.findings
      .filter((f) => f.ruleId === "secrets/no-plaintext-env")
      .map((f) => `${f.file}:${f.line}:${f.column} ${f.rendered?.path}`)
      .sort();
    expect(env).toEqual(
      [
        // The token the text prints is .Values.token; the password is the text's own.
        "c/values.yaml:27:1 /spec/template/spec/containers/0/env/0/value",
        "c/values.yaml:26:5 /spec/template/spec/containers/0/env/1/value",
      ].sort(),
    );
  });
});

describe("a kustomization whose helmCharts inflate a chart (real kubectl kustomize and helm)", () => {
  const bothIt =
    tools.find("helm") && tools.find("kubectl")
      ? it
      : withTool(tools.find("helm") ? "kubectl" : "helm");
  /** The example chart under charts/, inflated with its insecure values and `more` of the entry. */
  function inflating(more = ""): string {
    const dir = mkdtempSync(join(tmpdir(), "scout-helmcharts-"));
    cpSync(join(repo, chart), join(dir, "charts/scout"), { recursive: true });
    writeFileSync(
      join(dir, "kustomization.yaml"),
      `namespace: scout\nhelmCharts:\n  - name: scout\n    releaseName: prod\n    valuesFile: charts/scout/values-insecure.yaml\n${more}`,
    );
    return dir;
  }

  bothIt("renders the chart as kubectl kustomize --enable-helm does and checks it", async () => {
    const dir = inflating();
    const { result } = await runCheck({ cwd: dir, paths: ["."], tools });
    const output = tools.run(
      tools.find("kubectl")!,
      ["kustomize", "--enable-helm", "--helm-command", tools.find("helm")!, "."],
      dir,
    );
    writeFileSync(join(dir, "rendered.yaml"), output.stdout);
    const plain = await runCheck({ cwd: dir, paths: ["rendered.yaml"] });
    const expected = plain.result.findings.map((f) => sameFinding(f, f.line, f.path));
    expect(onRendered(result.findings)).toEqual(expected.sort((a, b) => (a < b ? -1 : 1)));
    expect(result.findings.map((f) => f.ruleId)).toContain("pod/not-privileged");
  });

  bothIt(
    "puts a value on the valuesFile line that set it, the text of that line marked",
    async () => {
      const { result } = await runCheck({ cwd: inflating(), paths: ["."], tools });
      expect(find(result.findings, "pod/not-privileged")).toMatchObject({
        file: "charts/scout/values-insecure.yaml",
        line: 7,
        column: 3,
        endLine: 7,
        endColumn: 19,
      });
      // runAsNonRoot: false comes in through the toYaml block the template inserts
      expect(find(result.findings, "pod/run-as-non-root")).toMatchObject({
        file: "charts/scout/values-insecure.yaml",
        line: 3,
      });
    },
  );

  bothIt("puts a value valuesInline sets on its key there, over the valuesFile", async () => {
    const dir = inflating(
      "    valuesInline:\n      securityContext:\n        privileged: true # inline wins\n",
    );
    const { result } = await runCheck({ cwd: dir, paths: ["."], tools });
    expect(find(result.findings, "pod/not-privileged")).toMatchObject({
      file: "kustomization.yaml",
      line: 8,
      column: 9,
      endLine: 8,
      endColumn: 25,
    });
    // what only the valuesFile sets stays on its line
    expect(find(result.findings, "pod/no-privilege-escalation")).toMatchObject({
      file: "charts/scout/values-insecure.yaml",
      line: 6,
    });
  });

  bothIt("with valuesMerge: merge the valuesFile wins over valuesInline", async () => {
    const dir = inflating(
      "    valuesMerge: merge\n    valuesInline:\n      securityContext:\n        privileged: true\n",
    );
    const { result } = await runCheck({ cwd: dir, paths: ["."], tools });
    expect(find(result.findings, "pod/not-privileged")).toMatchObject({
      file: "charts/scout/values-insecure.yaml",
      line: 7,
    });
  });

  bothIt("a whole object the template writes lands on the template, not on the entry", async () => {
    const { result } = await runCheck({ cwd: inflating(), paths: ["."], tools });
    const template = "charts/scout/templates/deployment.yaml";
    expect(find(result.findings, "workload/resources")).toMatchObject({ file: template });
  });

  const kubectlIt = tools.find("kubectl") ? it : withTool("kubectl");
  kubectlIt("says that the chart needs helm when helm is missing", async () => {
    const withoutHelm: ToolRunner = {
      find: (name) => (name === "helm" ? undefined : tools.find(name)),
      run: (binary, args, cwd) => tools.run(binary, args, cwd),
    };
    await expect(runCheck({ cwd: inflating(), paths: ["."], tools: withoutHelm })).rejects.toThrow(
      `kustomize build . failed: its helmCharts need helm. ${HELM_INSTALL_HINT}`,
    );
  });
});

describe("missing or failing tools", () => {
  const none: ToolRunner = {
    find: () => undefined,
    run: () => ({ status: 0, stdout: "", stderr: "" }),
  };

  it("refuses a chart without helm, saying how to install it", async () => {
    await expect(runCheck({ cwd: repo, paths: [chart], tools: none })).rejects.toThrow(
      HELM_INSTALL_HINT,
    );
  });

  it("refuses a kustomization without kubectl or kustomize, saying how to install one", async () => {
    await expect(runCheck({ cwd: repo, paths: [prod], tools: none })).rejects.toThrow(
      KUSTOMIZE_INSTALL_HINT,
    );
  });

  it("passes on the tool's own error, naming what it ran", async () => {
    const failing: ToolRunner = {
      find: (name) => `/bin/${name}`,
      run: () => ({
        status: 1,
        stdout: "",
        stderr:
          "Error: parse error at (scout/templates/deployment.yaml:9): unexpected }\nUse --debug flag to render out invalid YAML\n",
      }),
    };
    await expect(runCheck({ cwd: repo, paths: [chart], tools: failing })).rejects.toThrow(
      // Helm names the chart ("scout"); the message names the folder the user opens.
      `helm template ${chart} failed: Error: parse error at (${chart}/templates/deployment.yaml:9): unexpected } | Use --debug flag`,
    );
  });

  it("refuses Helm flags when no path is a chart", async () => {
    await expect(
      runCheck({ cwd: repo, paths: [prod], helm: { values: ["x.yaml"] }, tools: none }),
    ).rejects.toThrow(/--values apply to Helm charts/);
  });
});

describe("check of a folder that holds a chart and Kustomize folders (real tools)", () => {
  const bothIt =
    tools.find("helm") && (tools.find("kubectl") || tools.find("kustomize"))
      ? it
      : withTool(tools.find("helm") ? "kubectl" : "helm");
  const checkExamples = (helm = {}) => runCheck({ cwd: repo, paths: ["examples"], helm, tools });
  const inRendered = (f: Finding) =>
    f.file.startsWith(`${chart}/`) || f.file.startsWith("examples/kustomize/");

  bothIt("reads no template, values file or patch as a plain manifest", async () => {
    const { result } = await checkExamples();
    const readAsPlain = result.findings.filter(
      (f) =>
        ["input/parse-error", "input/duplicate-object", "input/not-kubernetes"].includes(
          f.ruleId,
        ) && inRendered(f),
    );
    expect(readAsPlain).toEqual([]);
    // Every finding of the chart and the overlays comes from their render.
    expect(result.findings.filter(inRendered).every((f) => f.rendered)).toBe(true);
  });

  bothIt("renders the two overlays, not the base they share", async () => {
    const { result } = await checkExamples();
    const renderedFiles = new Set(result.findings.flatMap((f) => f.rendered?.file ?? []));
    expect([...renderedFiles].sort()).toEqual([
      `<rendered>/${chart}/helm-template.yaml`,
      `<rendered>/${prod}/kustomize-build.yaml`,
      "<rendered>/examples/kustomize/overlays/staging/kustomize-build.yaml",
    ]);
    const probes = result.findings.filter(
      (f) =>
        f.ruleId === "workload/startup-probe" &&
        f.file === "examples/kustomize/base/deployment.yaml",
    );
    expect(probes.map((f) => f.object?.namespace).sort()).toEqual(["scout-prod", "scout-staging"]);
  });

  bothIt("puts the prod overlay's privileged container on its patch", async () => {
    const { result } = await checkExamples();
    expect(find(result.findings, "pod/not-privileged")).toMatchObject({
      file: `${prod}/debug-patch.yaml`,
      line: 13,
      column: 13,
      object: { namespace: "scout-prod" },
    });
  });

  bothIt("renders the chart with its own values, and with the --values given", async () => {
    const plain = await checkExamples();
    const fromChart = (findings: readonly Finding[], ruleId: string) =>
      findings.filter((f) => f.ruleId === ruleId && f.file.startsWith(`${chart}/`));
    // values-insecure.yaml is a values file: no default render uses it.
    expect(fromChart(plain.result.findings, "pod/not-privileged")).toEqual([]);
    expect(fromChart(plain.result.findings, "workload/startup-probe")).toMatchObject([
      { file: `${chart}/templates/deployment.yaml`, line: 24 },
    ]);
    const insecure = await checkExamples({ values: [insecureValues] });
    expect(fromChart(insecure.result.findings, "pod/not-privileged")).toMatchObject([
      { file: insecureValues, line: 7, column: 3 },
    ]);
  });

  bothIt("renders a chart both named and walked once", async () => {
    const { result } = await runCheck({ cwd: repo, paths: ["examples", chart], tools });
    const probes = result.findings.filter(
      (f) => f.ruleId === "workload/startup-probe" && f.file.startsWith(`${chart}/`),
    );
    expect(probes).toHaveLength(1);
  });

  bothIt("still reads the plain manifests beside them", async () => {
    const { result } = await checkExamples();
    expect(result.findings.some((f) => f.file === "examples/manifests/redis.yaml")).toBe(true);
  });
});

describe("a chart or kustomization found walking, when it cannot be rendered", () => {
  const none: ToolRunner = {
    find: () => undefined,
    run: () => ({ status: 0, stdout: "", stderr: "" }),
  };

  function repoWithChart(): string {
    const dir = mkdtempSync(join(tmpdir(), "scout-walk-"));
    mkdirSync(join(dir, "chart/templates"), { recursive: true });
    writeFileSync(join(dir, "chart/Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\n");
    writeFileSync(join(dir, "chart/templates/cm.yaml"), "{{- if .Values.on }}\n{{- end }}\n");
    mkdirSync(join(dir, "overlay"));
    writeFileSync(join(dir, "overlay/kustomization.yaml"), "resources:\n  - cm.yaml\n");
    writeFileSync(
      join(dir, "overlay/cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: o}\n",
    );
    copyFileSync(join(repo, "examples/manifests/redis.yaml"), join(dir, "redis.yaml"));
    return dir;
  }

  it("reports each on its Chart.yaml or kustomization, naming the tool, and checks the rest", async () => {
    const dir = repoWithChart();
    const { result } = await runCheck({ cwd: dir, paths: ["."], tools: none });
    const notRendered = result.findings.filter((f) => f.ruleId === "input/not-rendered");
    expect(notRendered.map((f) => [f.file, f.line, f.severity])).toEqual([
      ["chart/Chart.yaml", 1, "error"],
      ["overlay/kustomization.yaml", 1, "error"],
    ]);
    expect(notRendered[0]!.message).toContain(HELM_INSTALL_HINT);
    expect(notRendered[1]!.message).toContain(KUSTOMIZE_INSTALL_HINT);
    // Nothing of the chart or the overlay is read as plain YAML; the rest is checked.
    const files = new Set(result.findings.map((f) => f.file));
    expect([...files].sort()).toEqual([
      "chart/Chart.yaml",
      "overlay/kustomization.yaml",
      "redis.yaml",
    ]);
  });

  it("reports helm's error for a walked chart it fails on, and checks the rest", async () => {
    const dir = repoWithChart();
    const failingHelm: ToolRunner = {
      find: (name) => (name === "helm" ? "/bin/helm" : undefined),
      run: () => ({
        status: 1,
        stdout: "",
        stderr: "Error: parse error at (app/templates/cm.yaml:2): unexpected }\n",
      }),
    };
    const { result } = await runCheck({ cwd: dir, paths: ["."], tools: failingHelm });
    // On the template helm names, by its path in the repository (helm says "app/...").
    expect(find(result.findings, "input/not-rendered")).toMatchObject({
      file: "chart/templates/cm.yaml",
      line: 2,
      message: expect.stringContaining(
        "helm template chart failed: Error: parse error at (chart/templates/cm.yaml:2): unexpected }",
      ),
    });
    expect(result.findings.some((f) => f.file === "redis.yaml")).toBe(true);
  });

  it("still refuses a --values file that does not exist, before rendering", async () => {
    const dir = repoWithChart();
    await expect(
      runCheck({ cwd: dir, paths: ["."], helm: { values: ["nope.yaml"] }, tools: none }),
    ).rejects.toThrow("--values nope.yaml: file not found");
  });
});
