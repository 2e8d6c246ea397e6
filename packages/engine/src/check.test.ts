import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Finding, summarize } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { attributeRendered, runCheck } from "./check.js";
import { loadConfig } from "./config-file.js";

const examplePack = resolve(dirname(fileURLToPath(import.meta.url)), "../../../examples/rule-pack");

describe("runCheck", () => {
  it("runs the rule packs the config names beside the built-in pack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    writeFileSync(join(dir, "scout-deploy.yaml"), `policy:\n  plugins: ["${examplePack}"]\n`);
    writeFileSync(
      join(dir, "pod.yaml"),
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: docker.io/library/nginx:1.27\n",
    );
    const { result } = await runCheck({ cwd: dir, paths: ["pod.yaml"] });
    const packFindings = result.findings.filter((f) => f.ruleId.includes("example-rule-pack"));
    expect(packFindings.length).toBeGreaterThan(0);
    expect(packFindings[0]).toMatchObject({ file: "pod.yaml", line: 7 });
  });

  describe("with a pack that declares settings", () => {
    // Packs with settings of their own, from the rules package's loader tests.
    const packs = resolve(dirname(examplePack), "../packages/rules/src/fixtures/rule-packs");
    const ownersPack = join(packs, "settings-pack.mjs");
    const run = (settings: string) => {
      const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
      const config = `policy:\n  plugins: ["${ownersPack}"]\n  settings:\n${settings}`;
      writeFileSync(join(dir, "scout-deploy.yaml"), config);
      writeFileSync(
        join(dir, "cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {team: web}\n",
      );
      return runCheck({ cwd: dir, paths: ["cm.yaml"] });
    };
    const packMessages = async (settings: string) =>
      (await run(settings)).result.findings
        .filter((f) => f.ruleId.endsWith("meta/known-owner"))
        .map((f) => f.message);

    it("gives the pack its keys beside the guide pack's, with defaults", async () => {
      expect(await packMessages("    expectedUid: 1001\n")).toEqual([
        "c is owned by web, not one of platform",
      ]);
      expect(await packMessages("    owners: [web]\n    redisAuth: true\n")).toEqual([]);
    });

    it("still refuses an unknown key, at its line, listing every pack's keys", async () => {
      await expect(run("    ownerz: [web]\n")).rejects.toThrow(
        /scout-deploy\.yaml:4:5: policy\.settings\.ownerz: unknown key "ownerz" \(did you mean "owners"\?\) \(allowed: namespace, componentLabels, profile, components, expectedUid, writablePaths, redisAuth, network, owners\)/,
      );
      await expect(run("    owners: web\n")).rejects.toThrow(
        /scout-deploy\.yaml:4:5: policy\.settings\.owners: /,
      );
    });

    it("refuses a pack whose key another pack declares, at the line naming it", async () => {
      const uidPack = join(packs, "settings-clash.mjs");
      const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
      const config = `policy:\n  plugins:\n    - "${ownersPack}"\n    - "${uidPack}"\n`;
      writeFileSync(join(dir, "scout-deploy.yaml"), config);
      writeFileSync(join(dir, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
      await expect(runCheck({ cwd: dir, paths: ["cm.yaml"] })).rejects.toThrow(
        /^scout-deploy\.yaml:4:7: rule pack ".*settings-clash\.mjs" declares policy\.settings\.expectedUid, which rule pack "@scout-deploy\/rules" declares too$/,
      );
    });
  });

  it("renders the config's scout: section when no path is given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    writeFileSync(join(dir, "scout-deploy.yaml"), "scout:\n  namespace: scout\n");
    const { bundle, result } = await runCheck({ cwd: dir, paths: [] });
    expect(bundle.files.every((f) => f.startsWith("<rendered>/"))).toBe(true);
    expect(bundle.objects.map((o) => o.ref.kind)).toContain("NetworkPolicy");
    expect(result.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });

  it("refuses to run with neither paths nor a scout: section", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    await expect(runCheck({ cwd: dir, paths: [] })).rejects.toThrow(/no manifests to check/);
  });
});

describe("runCheck with renderInto", () => {
  it("writes the rendered files there and puts their findings on the config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    writeFileSync(
      join(dir, "scout-deploy.yaml"),
      "scout:\n  namespace: scout\n  security:\n    runAsUser: 0\n",
    );
    const out = join(dir, "out");
    const run = await runCheck({ cwd: dir, paths: [], renderInto: out });
    expect(run.renderedDir).toBe(out);
    expect(readdirSync(out)).toContain("20-backend.yaml");
    expect(run.bundle.files.every((f) => f.startsWith("out/"))).toBe(true);
    const errors = run.result.findings.filter((f) => f.severity === "error");
    expect(errors.length).toBeGreaterThan(0);
    for (const finding of run.result.findings) {
      expect(finding.file).toBe("scout-deploy.yaml");
      expect(JSON.stringify(finding)).not.toContain("<rendered>");
    }
    // The config key that decided it, and the file written to the folder.
    const runAsUser = run.result.findings.find((f) => f.ruleId === "pod/run-as-non-root");
    expect(runAsUser).toMatchObject({ line: 4, column: 5 });
    expect(runAsUser?.rendered?.file).toMatch(/^out\/\d0-[a-z]+\.yaml$/);
    expect(runAsUser?.message).toMatch(/\(rendered out\/\d0-[a-z]+\.yaml:\d+ /);
    expect(run.bundleDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("attributeRendered", () => {
  it("puts findings of files rendered to a folder on the config key; other files keep theirs", () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    writeFileSync(
      join(dir, "scout-deploy.yaml"),
      "scout:\n  namespace: scout\n  security:\n    runAsUser: 0\n",
    );
    const config = loadConfig(dir);
    const finding = (file: string, line: number, extra: Partial<Finding> = {}): Finding => ({
      ruleId: "pod/x",
      severity: "error",
      message: "bad",
      file,
      line,
      column: 3,
      ...extra,
    });
    const findings = [
      finding("../_temp/rendered/20-backend.yaml", 40, {
        ruleId: "pod/run-as-user",
        object: { kind: "Deployment", name: "scout-backend", namespace: "scout" },
        path: "/spec/template/spec/securityContext/runAsUser",
      }),
      finding("k8s/a.yaml", 2),
    ];
    const result = attributeRendered(
      {
        findings,
        suppressed: [],
        summary: summarize(findings, { files: 2, objects: 2, suppressed: 0 }, "error"),
        failOn: "error",
      },
      "../_temp/rendered",
      config,
    );
    const moved = result.findings.find((f) => f.file === "scout-deploy.yaml");
    expect(moved).toMatchObject({
      line: 4,
      rendered: { file: "../_temp/rendered/20-backend.yaml", line: 40 },
    });
    expect(moved?.message).toContain("rendered ../_temp/rendered/20-backend.yaml:40");
    expect(result.findings).toContainEqual(finding("k8s/a.yaml", 2));
    expect(result.summary.findings).toBe(2);
  });
});

describe("the targeted Kubernetes version reaches the rules", () => {
  it("refuses a NetworkPolicy cidr with host bits for 1.36, not for 1.35, which creates it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-engine-"));
    writeFileSync(
      join(dir, "policy.yaml"),
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend, namespace: scout}
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Ingress]
  ingress:
    - from: [{ipBlock: {cidr: 10.20.0.1/16}}]
`,
    );
    const refusals = async (kubernetesVersion: string) =>
      (await runCheck({ cwd: dir, paths: ["policy.yaml"], kubernetesVersion })).result.findings
        .filter((f) => f.message.includes("bits set beyond the prefix"))
        .map((f) => f.ruleId);
    expect(await refusals("1.35")).toEqual([]);
    expect(await refusals("1.36")).toEqual(["network/no-broad-peers"]);
  });
});
