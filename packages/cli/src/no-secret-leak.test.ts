import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  findPlantedSecrets,
  PLANTED_BROKEN_MANIFESTS,
  PLANTED_MANIFESTS,
} from "@scout-deploy/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

const FORMATS = ["text", "json", "sarif", "markdown", "junit"];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "scout-leak-"));
  const files = { ...PLANTED_MANIFESTS, ...PLANTED_BROKEN_MANIFESTS };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const pair = generateKeyPairSync("ed25519");
  writeFileSync(join(dir, "ci.key"), pair.privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(join(dir, "ci.pub.pem"), pair.publicKey.export({ type: "spki", format: "pem" }));
});

/** Everything a command printed and wrote, as one text to scan. */
async function outputsOf(argv: string[], files: string[] = [], env: Record<string, string> = {}) {
  const run = await runCli(argv, { cwd: dir, env });
  const written = files
    .map((f) => join(dir, f))
    .filter(existsSync)
    .map((f) => readFileSync(f, "utf8"));
  return { ...run, all: [run.stdout, run.stderr, ...written].join("\n") };
}

const manifests = Object.keys(PLANTED_MANIFESTS);

const kubeconform = [
  "/root/go/bin/kubeconform",
  ...(process.env.PATH ?? "").split(":").map((p) => join(p, "kubeconform")),
].some(existsSync);

describe("no planted secret value leaves through any command or format", () => {
  it.each(FORMATS.flatMap((format) => ["embedded", "off"].map((schema) => [format, schema])))(
    "check --format %s --schema %s",
    async (format, schema) => {
      const out = await outputsOf(["check", ...manifests, "--format", format, "--schema", schema!]);
      expect(out.code, out.stderr).toBe(1);
      expect(out.all).toMatch(/secret|Secret/);
      expect(findPlantedSecrets(out.all)).toEqual([]);
    },
  );

  it.skipIf(!kubeconform).each(FORMATS)(
    "check --format %s --schema kubeconform",
    async (format) => {
      const out = await outputsOf([
        "check",
        ...manifests,
        "--format",
        format,
        "--schema",
        "kubeconform",
      ]);
      expect(findPlantedSecrets(out.all)).toEqual([]);
    },
  );

  it("the schema names the wrong types in Secrets, ConfigMaps and env without their values", async () => {
    const schema = JSON.parse(
      (await outputsOf(["check", ...manifests, "--schema", "embedded", "--format", "json"])).stdout,
    ).findings.filter((f: { ruleId: string }) => f.ruleId === "input/schema");
    expect(
      schema.map(
        (f: { file: string; line: number; message: string }) => `${f.file}:${f.line} ${f.message}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        "secret.yaml:14 stringData.pin: expected string, got integer",
        "configmap.yaml:8 data.REDIS_PASSWORD: expected string, got integer",
        "deployment.yaml:24 spec.template.spec.containers[0].env[1].value: expected string, got integer",
      ]),
    );
  });

  it.each(["matrix", "markdown", "mermaid"])("flows --format %s", async (format) => {
    const out = await outputsOf(["flows", ...manifests, "--format", format]);
    expect(findPlantedSecrets(out.all)).toEqual([]);
  });

  it("secrets check", async () => {
    const out = await outputsOf(["secrets", "check", ...manifests]);
    expect(out.all).toContain('key "redis-password"');
    expect(findPlantedSecrets(out.all)).toEqual([]);
  });

  it.each(["secret.yaml", "broken-secret.yaml", "tab-secret.yaml"])(
    "secrets rotate %s: what it prints (the file it writes holds the values by design)",
    async (file) => {
      const out = await outputsOf(["secrets", "rotate", file, "--out", "rotated.yaml"]);
      expect(out.stdout + out.stderr).not.toBe("");
      expect(findPlantedSecrets(out.all)).toEqual([]);
    },
  );

  it("signoff and verify", async () => {
    const signed = await outputsOf(
      ["signoff", ...manifests, "--key", "ci.key", "--fail-on", "never", "--out", "signoff.json"],
      ["signoff.json"],
    );
    expect(signed.stderr).toMatch(/signed with ed25519/);
    expect(findPlantedSecrets(signed.all)).toEqual([]);
    const verified = await outputsOf([
      "verify",
      "--signoff",
      "signoff.json",
      "--key",
      "ci.pub.pem",
      ...manifests,
    ]);
    expect(verified.stdout).toContain("threshold");
    expect(findPlantedSecrets(verified.all)).toEqual([]);
  });

  it.each(FORMATS)(
    "a Secret that does not parse (duplicate key, then a syntax error): --format %s",
    async (format) => {
      const broken = Object.keys(PLANTED_BROKEN_MANIFESTS);
      const out = await outputsOf(["check", ...manifests, ...broken, "--format", format], [], {
        SCOUT_DEPLOY_DEBUG: "1",
      });
      expect(out.code).toBe(1);
      expect(out.all).not.toContain("not found");
      expect(out.all).toMatch(/broken-secret\.yaml/);
      expect(out.all).toMatch(/parse-error/);
      expect(findPlantedSecrets(out.all)).toEqual([]);
    },
  );

  it("render with a config whose scout: section holds a value of the wrong type", async () => {
    writeFileSync(
      join(dir, "scout-deploy.yaml"),
      `scout:\n  namespace: scout\n  auth: ${PLANTED_MANIFESTS["configmap.yaml"]!.match(/REDIS_PASSWORD: (\d+)/)![1]}\n`,
    );
    const out = await outputsOf(["render", "--config", "scout-deploy.yaml"]);
    expect(out.code).toBe(2);
    expect(findPlantedSecrets(out.all)).toEqual([]);
  });
});
