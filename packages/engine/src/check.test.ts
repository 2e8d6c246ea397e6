import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "./check.js";

describe("runCheck", () => {
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
