import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../test-support/run.js";

/** `secrets generate` writes the Secret that the config's rendered manifests read. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const minimalExample = join(repoRoot, "examples", "minimal", "scout-deploy.yaml");

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "scout-cli-secrets-config-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function run(cwd: string, ...argv: string[]) {
  return runCli(argv, { cwd });
}

interface SecretManifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  data: Record<string, string>;
}

const readSecret = (path: string) => parse(readFileSync(path, "utf8")) as SecretManifest;
const tokensOf = (secret: SecretManifest) =>
  Object.values(secret.data).map((v) => Buffer.from(v, "base64").toString());

function expectStrongAndUnprinted(secret: SecretManifest, printed: string) {
  const tokens = tokensOf(secret);
  expect(new Set(tokens).size).toBe(tokens.length);
  for (const token of tokens) {
    expect(Buffer.from(token, "base64")).toHaveLength(32);
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(Buffer.from(token).toString("base64"));
  }
}

const CUSTOM = `scout:
  namespace: scout-staging
  externalAccess: { type: LoadBalancer }
  secrets:
    name: scout-credentials
    keys: { apiToken: token, redisPassword: redis-pass }
    extraKeys: [smtp-password]
`;

describe("scout-deploy secrets generate with a config", () => {
  it("writes the config's Secret name, namespace and keys, extra keys included, 32 random bytes each", async () => {
    const dir = tempDir({ "scout-deploy.yaml": CUSTOM });
    mkdirSync(join(dir, "deep/er"), { recursive: true });
    // Found by walking up from the working folder.
    const result = await run(join(dir, "deep/er"), "secrets", "generate", "--out", "s.yaml");
    expect(result.code).toBe(0);
    const secret = readSecret(join(dir, "deep/er/s.yaml"));
    expect(secret.kind).toBe("Secret");
    expect(secret.metadata).toMatchObject({
      name: "scout-credentials",
      namespace: "scout-staging",
    });
    expect(Object.keys(secret.data)).toEqual(["token", "redis-pass", "smtp-password"]);
    expectStrongAndUnprinted(secret, result.stdout + result.stderr);
    expect(result.stderr).toMatch(/smtp-password: sha256:[0-9a-f]{12}/);
  });

  it("takes --config FILE, and leaves Redis out when the config turns Redis auth off", async () => {
    const dir = tempDir({
      "conf/prod.yaml": "scout:\n  auth: { redis: false }\n  secrets: { extraKeys: [s3-key] }\n",
    });
    const result = await run(
      dir,
      "secrets",
      "generate",
      "--config",
      "conf/prod.yaml",
      "--out",
      "-",
    );
    expect(result.code).toBe(0);
    const secret = parse(result.stdout) as SecretManifest;
    expect(secret.metadata).toMatchObject({ name: "scout-secrets", namespace: "scout" });
    expect(Object.keys(secret.data)).toEqual(["api-token", "s3-key"]);
  });

  it("lets the flags override the config: --name, --namespace, --no-redis, and --key adds", async () => {
    const dir = tempDir({ "scout-deploy.yaml": CUSTOM });
    const result = await run(
      dir,
      ...["secrets", "generate", "--out", "s.yaml", "--name", "other", "--namespace", "ns2"],
      ...["--no-redis", "--key", "webhook-secret", "--key", "smtp-password"],
    );
    expect(result.code).toBe(0);
    const secret = readSecret(join(dir, "s.yaml"));
    expect(secret.metadata).toMatchObject({ name: "other", namespace: "ns2" });
    expect(Object.keys(secret.data)).toEqual(["token", "smtp-password", "webhook-secret"]);
  });

  it("without a config (or without a scout: section) writes today's Secret", async () => {
    const setups: Record<string, string>[] = [
      {},
      { "scout-deploy.yaml": "policy:\n  failOn: warning\n" },
    ];
    for (const files of setups) {
      const dir = tempDir(files);
      expect((await run(dir, "secrets", "generate", "--out", "s.yaml")).code).toBe(0);
      const secret = readSecret(join(dir, "s.yaml"));
      expect(secret.metadata.name).toBe("scout-secrets");
      expect(secret.metadata.namespace).toBeUndefined();
      expect(Object.keys(secret.data)).toEqual(["api-token", "redis-password"]);
    }
  });

  it("stops at a bad config with exit 2, naming file, line and key, and writes nothing", async () => {
    const dir = tempDir({
      "scout-deploy.yaml": "scout:\n  secrets:\n    extraKeys: [SMTP_PASSWORD]\n",
    });
    const result = await run(dir, "secrets", "generate", "--out", "s.yaml");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^scout-deploy secrets: scout-deploy\.yaml:3:\d+: scout\.secrets\.extraKeys\.0: expected a kebab-case key/,
    );
    expect(() => readFileSync(join(dir, "s.yaml"))).toThrow();
    const missing = await run(dir, "secrets", "generate", "--config", "nope.yaml", "--out", "-");
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toContain("config file not found: nope.yaml");
  });
});

describe("render, secrets generate, check: the Secret is the one the manifests read", () => {
  const secretsFindings = async (dir: string, config: string) => {
    expect((await run(dir, "render", "--config", config, "--out", "k8s")).code).toBe(0);
    const generated = await run(
      dir,
      "secrets",
      "generate",
      "--config",
      config,
      "--out",
      "k8s/s.yaml",
    );
    expect(generated.code).toBe(0);
    const check = await run(dir, "check", "k8s", "--config", config, "--format", "json");
    const report = JSON.parse(check.stdout) as {
      findings: { ruleId: string; message: string }[];
      summary: { objects: number };
    };
    return { report, secret: readSecret(join(dir, "k8s/s.yaml")) };
  };

  it("examples/minimal: no secrets/* finding, secrets/api-auth and secrets/redis-auth included", async () => {
    const { report, secret } = await secretsFindings(tempDir(), minimalExample);
    expect(report.summary.objects).toBeGreaterThan(20);
    expect(report.findings.filter((f) => f.ruleId.startsWith("secrets/"))).toEqual([]);
    expect(secret.metadata).toMatchObject({ name: "scout-secrets", namespace: "scout" });
  });

  it("a config with renamed keys and an extra key: still no secrets/* finding", async () => {
    const dir = tempDir({ "scout-deploy.yaml": CUSTOM });
    const { report, secret } = await secretsFindings(dir, "scout-deploy.yaml");
    expect(report.findings.filter((f) => f.ruleId.startsWith("secrets/"))).toEqual([]);
    expect(Object.keys(secret.data)).toEqual(["token", "redis-pass", "smtp-password"]);
    const backend = readFileSync(join(dir, "k8s/20-backend.yaml"), "utf8");
    expect(backend).toContain("name: SMTP_PASSWORD");
  });
});
