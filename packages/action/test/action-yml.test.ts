import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { run } from "../src/main.js";
import { memoryLogger, memoryRunner } from "../src/test-support.js";

const here = dirname(fileURLToPath(import.meta.url));
const actionYml = parse(readFileSync(resolve(here, "../../../action.yml"), "utf8"));

describe("action.yml", () => {
  it("runs the committed ESM bundle on node24", () => {
    expect(actionYml.runs).toEqual({ using: "node24", main: "dist/index.js" });
    expect(actionYml.branding).toMatchObject({
      icon: expect.any(String),
      color: expect.any(String),
    });
  });

  it("documents exactly the inputs the Action reads and the outputs it sets", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "scout-yml-"));
    mkdirSync(join(workspace, "k8s"));
    writeFileSync(
      join(workspace, "k8s/ns.yaml"),
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: scout}\n",
    );
    const read = new Set<string>();
    const runner = memoryRunner({ manifests: "k8s", schema: "off" });
    const input = runner.input;
    runner.input = (name) => {
      read.add(name);
      return input(name);
    };
    await run({
      runner,
      log: memoryLogger(),
      env: { GITHUB_REPOSITORY: "o/r", GITHUB_SHA: "abc", RUNNER_TEMP: workspace },
      cwd: workspace,
    });
    expect(runner.failed).toEqual([]);
    expect([...read].sort()).toEqual(Object.keys(actionYml.inputs).sort());
    expect(Object.keys(runner.outputs).sort()).toEqual(Object.keys(actionYml.outputs).sort());
    for (const [name, input] of Object.entries<{ description: string }>(actionYml.inputs)) {
      expect(input.description, name).toBeTruthy();
    }
  });
});
