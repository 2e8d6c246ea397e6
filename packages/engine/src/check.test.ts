import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCheck } from "./check.js";

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
