import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import { validateBundle } from "@scout-deploy/schema";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleOf, fixture } from "./test-support/corpus.js";
import { offlineSchemas, realKubeconform } from "./test-support/real-kubeconform.js";
import { createKubeconformValidator, runKubeconform } from "./validator.js";

const binary = realKubeconform();

function positioned(problems: Awaited<ReturnType<typeof runKubeconform>>): string[] {
  return problems.map((p) => {
    const position = p.object.document.locate(p.object.pointer + p.pointer);
    return `${position.file}:${position.line}:${position.column} ${p.severity} ${p.message}`;
  });
}

describe.skipIf(!binary)("kubeconform, the real binary", () => {
  let schemas = "";
  beforeAll(async () => {
    schemas = await offlineSchemas();
  }, 120_000);
  const run = (yaml: string, options: Parameters<typeof runKubeconform>[1] = {}) =>
    runKubeconform(bundleOf(yaml, "k8s/app.yaml"), {
      binary,
      schemaLocations: [schemas],
      ...options,
    });

  it("flags replicas: one and imagePullPolcy at their lines", async () => {
    const problems = await run(fixture("invalid.yaml"));
    expect(positioned(problems).slice(0, 2)).toEqual([
      "k8s/app.yaml:7:3 error spec.replicas: expected integer, got string",
      "k8s/app.yaml:17:11 error spec.template.spec.containers[0]: unknown field imagePullPolcy (did you mean imagePullPolicy?)",
    ]);
  });

  it("gives the embedded validator's findings, List items and CRDs included", async () => {
    const bundle = bundleOf(fixture("invalid.yaml"), "k8s/app.yaml");
    const problems = await runKubeconform(bundle, { binary, schemaLocations: [schemas] });
    expect(positioned(problems)).toEqual(positioned(validateBundle(bundle)));
    expect(positioned(problems)).toContain(
      "k8s/app.yaml:36:41 error metadata.labels.tier: expected string, got integer",
    );
    expect(problems.filter((p) => p.ruleId === "input/no-schema")).toHaveLength(1);
  });

  it("refuses, like the embedded engine, what the API server refuses beyond the schema", async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
spec:
  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: {app: backend}}
    spec:
      containers: [{name: api, image: scout/backend:1.0, ports: [{containerPort: 0}]}]
`;
    expect(positioned(await run(yaml))).toEqual([
      "k8s/app.yaml:9:67 error spec.template.spec.containers[0].ports[0].containerPort: a containerPort is 1 to 65535 (the API server refuses the object)",
    ]);
  });

  it("passes the valid fixture on every bundled version", async () => {
    for (const kubernetesVersion of ["1.35", "1.36.1", "v1.37.0"]) {
      expect(await run(fixture("valid.yaml"), { kubernetesVersion })).toEqual([]);
    }
  });

  it("maps keys with / and ' back to their place", async () => {
    // data, not the document's own labels: kubectl refuses those before (core reads it so)
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  "it\'s/x": 1\n';
    expect(positioned(await run(yaml))).toEqual([
      `k8s/app.yaml:6:3 error data["it's/x"]: expected string, got integer`,
    ]);
  });

  it("skips and rejects kinds as told", async () => {
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: 1}\n";
    expect(await run(yaml, { skipKinds: ["ConfigMap"] })).toEqual([]);
    expect(positioned(await run(yaml, { rejectKinds: ["ConfigMap"] }))).toEqual([
      "k8s/app.yaml:2:1 error kind ConfigMap is rejected by the kubeconform configuration",
    ]);
  });

  it("says once to pass --schema-location when it cannot download schemas", async () => {
    // A schema server that refuses connections, on this machine: what offline looks like.
    const offline = "http://127.0.0.1:9/{{.ResourceKind}}.json";
    const run = runKubeconform(bundleOf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"), {
      binary,
      schemaLocations: [offline],
    });
    await expect(run).rejects.toThrow(ConfigurationError);
    const message = await run.then(
      () => "",
      (error: Error) => error.message,
    );
    expect(message).toMatch(
      /^kubeconform could not download its schemas \((\d+) of \1 objects; http:\/\/127\.0\.0\.1:9\/\S+\.json: connect: connection refused\)\. Offline, pass --schema-location DIR/,
    );
    expect(message).toContain("scripts/install-kubeconform.sh");
    expect(message.split("\n")).toHaveLength(1);
  });

  it("says when its schema locations lack a kind we know", async () => {
    const empty = mkdtempSync(join(tmpdir(), "scout-empty-schemas-"));
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
    expect(positioned(await run(yaml, { schemaLocations: [empty] }))).toEqual([
      "k8s/app.yaml:2:1 error kubeconform found no schema for ConfigMap (v1) at its schema locations",
    ]);
  });

  it("serves the SchemaValidator port", async () => {
    const validator = createKubeconformValidator({ binary, schemaLocations: [schemas] });
    expect(validator.name).toBe("kubeconform");
    const bundle = bundleOf(fixture("invalid.yaml"));
    expect(positioned(await validator.validate(bundle, { kubernetesVersion: "1.36" }))).toEqual(
      positioned(validateBundle(bundle, { kubernetesVersion: "1.36" })),
    );
  });
});

describe("kubeconform failures are errors, never a pass", () => {
  const bundle = () => bundleOf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
  const script = (body: string) => {
    const file = join(mkdtempSync(join(tmpdir(), "scout-broken-kubeconform-")), "kubeconform");
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it("a missing binary", async () => {
    const home = mkdtempSync(join(tmpdir(), "scout-home-"));
    const run = runKubeconform(bundle(), { env: { PATH: home, HOME: home } });
    await expect(run).rejects.toThrow(ConfigurationError);
    await expect(run).rejects.toThrow(/kubeconform not found/);
  });

  it("a bad version string, before anything runs", async () => {
    await expect(runKubeconform(bundle(), { kubernetesVersion: "1.x" })).rejects.toThrow(
      '--kubernetes-version: "1.x" is not a Kubernetes version such as 1.34.1',
    );
  });

  // Stand-ins for a broken or foreign build: the real binary cannot be made to do these.
  it("zero resources validated", async () => {
    const binary = script(
      `echo '{"resources":[],"summary":{"valid":0,"invalid":0,"errors":0,"skipped":0}}'`,
    );
    await expect(runKubeconform(bundle(), { binary })).rejects.toThrow(
      "kubeconform validated 0 resources of the 1 given: nothing was checked",
    );
  });

  it("an object without a result", async () => {
    const binary = script(
      `echo '{"resources":[],"summary":{"valid":1,"invalid":0,"errors":0,"skipped":0}}'`,
    );
    await expect(runKubeconform(bundle(), { binary })).rejects.toThrow(
      "kubeconform returned no result for ConfigMap a (test.yaml)",
    );
  });

  it("output that is not kubeconform's JSON", async () => {
    const binary = script("echo 'flag provided but not defined: -strict' >&2; exit 1");
    await expect(runKubeconform(bundle(), { binary })).rejects.toThrow(
      "kubeconform failed (exit 1): flag provided but not defined: -strict",
    );
  });

  it("nothing to validate runs nothing and finds nothing", async () => {
    const binary = script("exit 3");
    expect(await runKubeconform(bundleOf("# empty\n"), { binary })).toEqual([]);
  });
});
