import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubeconform, writeOfflineSchemas } from "@scout-deploy/kubeconform";
import { beforeAll, describe, expect, it } from "vitest";
import type { Io } from "./io.js";
import { main } from "./main.js";

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: scout
spec:
  replicas: one
  selector:
    matchLabels: {app: backend}
  template:
    metadata:
      labels: {app: backend}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
          imagePullPolcy: Always
`;

async function check(env: Record<string, string | undefined>, ...flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "scout-cli-schema-"));
  writeFileSync(join(dir, "backend.yaml"), manifest);
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
  const code = await main(["check", "backend.yaml", "--format", "json", ...flags], io);
  const findings =
    code === 2 ? [] : (JSON.parse(out.join("")).findings as Record<string, unknown>[]);
  const schema = findings
    .filter((f) => String(f.ruleId).startsWith("input/"))
    .map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`);
  return { code, schema, stderr: err.join("") };
}

const expected = [
  "7:3 input/schema spec.replicas: expected integer, got string",
  "17:11 input/schema spec.template.spec.containers[0]: unknown field imagePullPolcy (did you mean imagePullPolicy?)",
];

describe("scout-deploy check --schema", () => {
  it("embedded (the default) flags replicas: one and imagePullPolcy at their lines, offline", async () => {
    expect((await check({})).schema).toEqual(expected);
    expect(
      (await check({}, "--schema", "embedded", "--kubernetes-version", "1.35.4")).schema,
    ).toEqual(expected);
  });

  it("an invalid object is still judged by its kind (rules.md): the schema findings hide no policy finding", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-cli-schema-"));
    writeFileSync(join(dir, "backend.yaml"), manifest);
    const out: string[] = [];
    const io: Io = {
      cwd: dir,
      env: {},
      stdout: (t) => out.push(t),
      stderr: () => {},
      readStdin: async () => "",
      color: false,
    };
    expect(await main(["check", "backend.yaml", "--format", "json"], io)).toBe(1);
    const rules = new Set(
      (JSON.parse(out.join("")).findings as { ruleId: string; object?: { name?: string } }[])
        .filter((f) => f.object?.name === "backend")
        .map((f) => f.ruleId),
    );
    for (const id of ["input/schema", "pod/run-as-non-root", "pod/read-only-root-filesystem"])
      expect(rules).toContain(id);
  });

  it("off checks no schema", async () => {
    expect((await check({}, "--schema", "off")).schema).toEqual([]);
  });

  it("exits 2 with one line for a bad engine or version", async () => {
    const engine = await check({}, "--schema", "strict");
    expect(engine.code).toBe(2);
    expect(engine.stderr).toContain(
      '--schema must be one of embedded, kubeconform, off, not "strict"',
    );
    const version = await check({}, "--kubernetes-version", "latest");
    expect(version.code).toBe(2);
    expect(version.stderr.trim().split("\n")).toHaveLength(1);
    expect(version.stderr).toContain('"latest" is not a Kubernetes version');
  });

  it("kubeconform without a binary is an error (exit 2), not a pass", async () => {
    const empty = mkdtempSync(join(tmpdir(), "scout-nothing-"));
    const result = await check({ PATH: empty, HOME: empty }, "--schema", "kubeconform");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("kubeconform not found");
  });

  const binary = findKubeconform();
  if (!binary && process.env.CI === "true") throw new Error("kubeconform is required in CI");
  if (!binary)
    console.warn("kubeconform not found: skipping scout-deploy check --schema kubeconform");

  describe.skipIf(!binary)("kubeconform (the real binary)", () => {
    let schemas = "";
    beforeAll(async () => {
      schemas = mkdtempSync(join(tmpdir(), "scout-cli-schemas-"));
      await writeOfflineSchemas(schemas);
    }, 120_000);

    it("gives the same findings as the embedded validator", async () => {
      const result = await check(
        { KUBECONFORM_PATH: binary },
        "--schema",
        "kubeconform",
        "--schema-location",
        schemas,
      );
      expect(result.schema).toEqual(expected);
    }, 60_000);
  });
});
