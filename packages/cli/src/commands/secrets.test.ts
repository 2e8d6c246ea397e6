import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import type { Io } from "../io.js";
import { main } from "../main.js";

/**
 * Every secrets and incident command run through the CLI with stdout and stderr captured: values
 * go only where --out says, and no generated value (nor its base64) reaches stderr or a report.
 */
const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, "../../bin/scout-deploy.js");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "scout-cli-secrets-"));
});

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    cwd: dir,
    env,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => "",
    color: false,
  };
  const code = await main(argv, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

const b64 = (text: string) => Buffer.from(text).toString("base64");
const decode = (text: string) => Buffer.from(text, "base64").toString();

function valuesIn(file: string): string[] {
  return parseAllDocuments(readFileSync(join(dir, file), "utf8")).flatMap((d) =>
    Object.values<string>(d.toJS().data ?? {}).map(decode),
  );
}

function expectAbsent(text: string, values: readonly string[]) {
  expect(values.length).toBeGreaterThan(0);
  for (const value of values) {
    expect(text).not.toContain(value);
    expect(text).not.toContain(b64(value));
  }
}

/** A Secret and a Deployment that reads its api-token from env. */
const readerApp = `apiVersion: v1
kind: Secret
metadata: {name: scout-secrets, namespace: scout}
data: {api-token: ${b64("a".repeat(44))}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: scout}
spec:
  selector: {matchLabels: {app: backend}}
  template:
    metadata:
      labels: {app: backend}
    spec:
      containers:
        - name: api
          env:
            - name: API_TOKEN
              valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}
`;

describe("scout-deploy secrets and incident", () => {
  it("generate writes a 0600 file, prints fingerprints only, and every value decodes to 32 bytes", async () => {
    const result = await run([
      "secrets",
      "generate",
      "--env",
      "staging",
      "--out",
      "k8s/secret.yaml",
      "--key",
      "webhook-secret",
    ]);
    expect(result.code).toBe(0);
    expect(statSync(join(dir, "k8s/secret.yaml")).mode & 0o777).toBe(0o600);
    const values = valuesIn("k8s/secret.yaml");
    expect(values).toHaveLength(3);
    for (const value of values) expect(Buffer.from(value, "base64")).toHaveLength(32);
    expectAbsent(result.stdout + result.stderr, values);
    expect(result.stderr).toMatch(/api-token: sha256:[0-9a-f]{12}/);
  });

  it("generate refuses to print values nobody asked for", async () => {
    const result = await run(["secrets", "generate"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(/^scout-deploy secrets: --out FILE or --out - is required/);
  });

  it("under GitHub Actions every value is masked before anything else is written", async () => {
    const result = await run(["secrets", "generate", "--out", "-"], { GITHUB_ACTIONS: "true" });
    const secret = parse(result.stdout);
    const values = Object.values<string>(secret.data).map(decode);
    const lines = result.stderr.trimEnd().split("\n");
    const masks = values.flatMap((v) => [`::add-mask::${v}`, `::add-mask::${b64(v)}`]);
    expect(lines.slice(0, masks.length)).toEqual(masks);
    expectAbsent(lines.slice(masks.length).join("\n"), values);
  });

  it("rotate keeps the old value under -previous and says only fingerprints", async () => {
    await run(["secrets", "generate", "--out", "s.yaml", "--no-redis"]);
    const [old] = valuesIn("s.yaml");
    const result = await run(["secrets", "rotate", "s.yaml", "--out", "s.yaml"]);
    expect(result.code).toBe(0);
    const data = parse(readFileSync(join(dir, "s.yaml"), "utf8")).data;
    expect(decode(data["api-token-previous"])).toBe(old);
    expectAbsent(result.stdout + result.stderr, [old!, decode(data["api-token"])]);
    expect(statSync(join(dir, "s.yaml")).mode & 0o777).toBe(0o600);
  });

  it("rotate rolls the Deployment of FILE that reads the token from env, unless --no-roll", async () => {
    writeFileSync(join(dir, "app.yaml"), readerApp);
    const rolled = await run(["secrets", "rotate", "app.yaml", "--out", "out.yaml"]);
    expect(rolled.code).toBe(0);
    const [, deployment] = parseAllDocuments(readFileSync(join(dir, "out.yaml"), "utf8"));
    const annotations = deployment!.toJS().spec.template.metadata.annotations;
    expect(annotations["scout-deploy.io/secrets-digest"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rolled.stderr).toMatch(/app\.yaml:18: Deployment scout\/backend reads scout-secrets/);
    const kept = await run(["secrets", "rotate", "app.yaml", "--out", "kept.yaml", "--no-roll"]);
    expect(kept.code).toBe(0);
    expect(readFileSync(join(dir, "kept.yaml"), "utf8")).not.toContain("secrets-digest");
    expect(kept.stderr).toContain("NOT restarted by applying the output");
  });

  it("rotate --consumers names the readers of a folder, FILE among them, without writing them", async () => {
    const [secret, deployment] = readerApp.split("---\n");
    mkdirSync(join(dir, "k8s/apps"), { recursive: true });
    writeFileSync(join(dir, "k8s/secret.yaml"), secret!);
    writeFileSync(join(dir, "k8s/apps/backend.yaml"), deployment!);
    const args = ["secrets", "rotate", "k8s/secret.yaml", "--out", "k8s/secret.yaml"];
    const result = await run([...args, "--consumers", "k8s"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /k8s\/apps\/backend\.yaml:\d+: Deployment scout\/backend reads scout-secrets through env: a new pod template rolls its pods\n {6}scout-deploy\.io\/secrets-digest: "sha256:[0-9a-f]{64}"/,
    );
    expect(result.stderr).toContain("searched k8s/secret.yaml and 1 other file (--consumers)");
    expect(readFileSync(join(dir, "k8s/apps/backend.yaml"), "utf8")).toBe(deployment);
    const missing = await run([...args, "--consumers", "nowhere"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nowhere");
  });

  it("rotate escapes a Secret name from the manifest: no raw escape sequence, no line starting a workflow command", async () => {
    const secret = `apiVersion: v1
kind: Secret
metadata: {name: "s\\n::error::pwned\\e[2J"}
data: {api-token: ${b64("a".repeat(44))}}
`;
    writeFileSync(join(dir, "s.yaml"), secret);
    const result = await run(["secrets", "rotate", "s.yaml", "--out", "t.yaml"], {
      GITHUB_ACTIONS: "true",
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("\u001b");
    const lines = result.stderr.split("\n").filter((line) => !line.startsWith("::add-mask::"));
    for (const line of lines) expect(line.trimStart()).not.toMatch(/^::/);
    expect(result.stderr).toContain("rotated Secret s\\n::error::pwned\\u001b[2J at ");
  });

  it("check passes generated Secrets, fails changeme and names no value", async () => {
    await run(["secrets", "generate", "--out", "good/secret.yaml"]);
    expect((await run(["secrets", "check", "good"])).code).toBe(0);
    mkdirSync(join(dir, "bad"));
    writeFileSync(
      join(dir, "bad/secret.yaml"),
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {api-token: ${b64("changeme")}}\n`,
    );
    const result = await run(["secrets", "check", "bad", "good"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /bad\/secret\.yaml\n {2}4:8-4:31 {2}error {4}key "api-token" \(sha256:[0-9a-f]{12}\) is a placeholder, not a token {2}secrets\/strong-token/,
    );
    expectAbsent(result.stdout + result.stderr, ["changeme", ...valuesIn("good/secret.yaml")]);
  });

  it("secrets check reports a Secret exactly as check does, and nothing but secrets/* rules", async () => {
    const shared = b64("a-value-shared-by-two-keys-0123456789");
    writeFileSync(
      join(dir, "secret.yaml"),
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {note: hello}\ndata:\n  api-token: ${shared}\n  redis-password: ${shared}\n  webhook-secret: "%%%"\n`,
    );
    const check = await run(["check", "secret.yaml", "--format", "json"]);
    const secretsCheck = await run(["secrets", "check", "secret.yaml"]);
    const expected = (
      JSON.parse(check.stdout).findings as {
        ruleId: string;
        severity: string;
        message: string;
        line: number;
        column: number;
        endLine: number;
        endColumn: number;
      }[]
    ).filter((f) => f.ruleId.startsWith("secrets/"));
    expect(new Set(expected.map((f) => f.ruleId))).toEqual(
      new Set([
        "secrets/string-data",
        "secrets/strong-token",
        "secrets/reuse",
        "secrets/valid-base64",
      ]),
    );
    const lines = secretsCheck.stdout.split("\n").filter((l) => /^ {2}\d+:\d+[- ]/.test(l));
    expect(lines.map((l) => l.trim().split(/\s{2,}/))).toEqual(
      expected.map((f) => [
        `${f.line}:${f.column}-${f.endLine}:${f.endColumn}`,
        f.severity,
        f.message,
        f.ruleId,
      ]),
    );
    expect(secretsCheck.code).toBe(check.code);
  });

  it("incident isolate prints the scale-to-zero patch; rotate-all writes new values to a 0600 file", async () => {
    writeFileSync(
      join(dir, "app.yaml"),
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: backend, namespace: scout}\nspec: {replicas: 2, template: {metadata: {labels: {app: backend}}, spec: {containers: [{name: api}]}}}\n",
    );
    await run(["secrets", "generate", "--out", "secret.yaml", "--namespace", "scout"]);
    const old = valuesIn("secret.yaml");
    const isolate = await run(["incident", "isolate", "app.yaml", "secret.yaml"]);
    expect(isolate.code).toBe(0);
    const docs = parseAllDocuments(isolate.stdout).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      "Deployment/backend",
      "NetworkPolicy/scout-incident-deny-all",
    ]);
    expect(docs[0].spec).toEqual({ replicas: 0 });
    const rotateAll = await run(["incident", "rotate-all", "secret.yaml", "--out", "rotated.yaml"]);
    expect(rotateAll.code).toBe(0);
    const fresh = valuesIn("rotated.yaml");
    expect(fresh).toHaveLength(2);
    expect(fresh.some((v) => old.includes(v))).toBe(false);
    expectAbsent(isolate.stdout + isolate.stderr + rotateAll.stdout + rotateAll.stderr, [
      ...old,
      ...fresh,
    ]);
  });

  it.skipIf(!existsSync(resolve(here, "../../dist/bin.js")))(
    "the real process keeps values off stderr",
    () => {
      const child = spawnSync(process.execPath, [bin, "secrets", "generate", "--out", "-"], {
        cwd: dir,
        encoding: "utf8",
      });
      expect(child.status).toBe(0);
      const values = Object.values<string>(parse(child.stdout).data).map(decode);
      expectAbsent(child.stderr, values);
    },
  );
});
