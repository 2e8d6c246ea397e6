import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runCheck } from "@scout-deploy/engine";
import { formatSarif } from "@scout-deploy/report";
import { describe, expect, it } from "vitest";
import { TOOL } from "./version.js";

const realworld = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../../shared/conformance/realworld",
);
const insecure = resolve(dirname(fileURLToPath(import.meta.url)), "../../../examples/insecure");

/** The insecure example rendered, written out with `prefix` above every file. */
async function writtenOut(prefix: string) {
  const { rendered } = await runCheck({ cwd: insecure, paths: [], schema: "off" });
  const dir = mkdtempSync(join(tmpdir(), "scout-fingerprint-"));
  for (const [name, text] of Object.entries(rendered ?? {})) {
    const path = join(dir, name.replace("<rendered>/", ""));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${prefix}${text}`);
  }
  return runCheck({ cwd: dir, paths: ["."], schema: "off" });
}

describe("fingerprints on examples/insecure", () => {
  it("gives every SARIF result its own fingerprint", async () => {
    const run = await runCheck({ cwd: insecure, paths: [] });
    const sarif = JSON.parse(formatSarif(run.result, { tool: TOOL, rules: run.rules }));
    const results: { partialFingerprints: Record<string, string> }[] = sarif.runs[0].results;
    expect(results.length).toBeGreaterThan(10);
    const prints = results.map((r) => r.partialFingerprints["scoutFinding/v1"]);
    expect(new Set(prints).size).toBe(results.length);
  });

  it("keeps every fingerprint when lines are inserted at the top of every file", async () => {
    const before = (await writtenOut("")).result.findings;
    const after = (await writtenOut("# reviewed\n# by the platform team\n\n")).result.findings;
    expect(after.map((f) => f.line)).not.toEqual(before.map((f) => f.line));
    expect(after.map((f) => f.fingerprint).sort()).toEqual(before.map((f) => f.fingerprint).sort());
  });
});

describe.skipIf(!existsSync(realworld))(
  "fingerprints on the real-world corpus (/work/shared/conformance/realworld; skipped when absent)",
  () => {
    const repositories = existsSync(realworld)
      ? readdirSync(realworld, { withFileTypes: true }).filter((e) => e.isDirectory())
      : [];
    it.each(repositories.map((e) => e.name))("%s: every finding has its own", async (name) => {
      const { result } = await runCheck({
        cwd: join(realworld, name),
        paths: ["."],
        schema: "off",
      });
      const prints = result.findings.map((f) => f.fingerprint);
      expect(result.findings.length).toBeGreaterThan(0);
      expect(new Set(prints).size).toBe(prints.length);
    });
  },
);
