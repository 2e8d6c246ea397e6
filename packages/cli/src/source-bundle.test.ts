import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The README's first command bundles the CLI from its TypeScript sources (scripts/setup.sh), not
// from tsc's dist/: both bundles must be the same command.
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, "..");
const repo = resolve(packageDir, "../..");
const work = mkdtempSync(join(tmpdir(), "scout-source-bundle-"));
const sourceBundle = join(work, "scout-deploy.js");
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(bundle: string, ...args: string[]) {
  const out = spawnSync(process.execPath, [bundle, ...args], { cwd: repo, encoding: "utf8" });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe("the CLI bundled from its sources (the main job's setup)", () => {
  it("builds, and prints what the built CLI prints for the examples, secure and insecure", () => {
    const built = spawnSync(
      process.execPath,
      ["scripts/bundle.mjs", "--from-source", "--outfile", sourceBundle],
      { cwd: packageDir, encoding: "utf8" },
    );
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
    const distBundle = join(packageDir, "dist/scout-deploy.js");
    for (const args of [
      ["--version"],
      ["check", "--config", "examples/minimal/scout-deploy.yaml", "--format", "json"],
      ["check", "--config", "examples/insecure/scout-deploy.yaml", "--format", "sarif"],
      ["check", "examples/manifests", "examples/kustomize/overlays", "--format", "json"],
    ]) {
      const fromSource = run(sourceBundle, ...args);
      const fromDist = run(distBundle, ...args);
      expect({ args, ...fromSource }).toEqual({ args, ...fromDist });
    }
    expect(run(sourceBundle, "--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 120_000);
});
