import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfigText, renderScout } from "@scout-deploy/engine";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

function run(cwd: string, ...argv: string[]) {
  return runCli(argv, { cwd });
}

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "scout-render-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function exampleConfig(name: string) {
  const path = join(repoRoot, "examples", name, "scout-deploy.yaml");
  return parseConfigText(path, readFileSync(path, "utf8"));
}

describe("scout-deploy render", () => {
  for (const name of ["minimal", "production", "insecure"]) {
    it(`renders examples/${name} from the repo root to stdout`, async () => {
      const result = await run(
        repoRoot,
        "render",
        "--config",
        `examples/${name}/scout-deploy.yaml`,
      );
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout).toBe(renderScout(exampleConfig(name)).yaml);
    });
  }

  it("finds scout-deploy.yaml by walking up, and writes one file per component to --out DIR", async () => {
    const dir = tempDir({ "scout-deploy.yaml": "scout:\n  namespace: shop\n" });
    mkdirSync(join(dir, "deep/er"), { recursive: true });
    const result = await run(join(dir, "deep/er"), "render", "--out", "out");
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("wrote 6 files to out\n");
    expect(readdirSync(join(dir, "deep/er/out")).sort()).toEqual([
      "00-namespace.yaml",
      "20-backend.yaml",
      "30-frontend.yaml",
      "40-redis.yaml",
      "50-nginx.yaml",
      "60-prometheus.yaml",
    ]);
    expect(readFileSync(join(dir, "deep/er/out/00-namespace.yaml"), "utf8")).toContain(
      "name: shop",
    );
  });

  it("removes the files of an earlier render that no longer apply, and only those", async () => {
    const sealed =
      "scout:\n  secrets:\n    source: sealedSecret\n    sealedSecret:\n      apiToken: AgBy3i4OJSWK+PiTySYZZA==\n      redisPassword: AgCx9f2LmQWe+PiTySYZZB==\n";
    const dir = tempDir({ "scout-deploy.yaml": sealed, "out/90-mine.yaml": "kind: Mine\n" });
    expect((await run(dir, "render", "--out", "out")).code).toBe(0);
    expect(existsSync(join(dir, "out/10-secrets.yaml"))).toBe(true);
    writeFileSync(join(dir, "scout-deploy.yaml"), "scout: {}\n");
    expect((await run(dir, "render", "--out", "out")).code).toBe(0);
    expect(existsSync(join(dir, "out/10-secrets.yaml"))).toBe(false);
    expect(existsSync(join(dir, "out/90-mine.yaml"))).toBe(true);
  });

  it("exits 2 with one line naming file, line and key for a bad value", async () => {
    const dir = tempDir({ "scout-deploy.yaml": "scout:\n  externalAccess:\n    type: NodePort\n" });
    const result = await run(dir, "render");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'scout-deploy render: scout-deploy.yaml:3:5: scout.externalAccess.type: expected one of off, LoadBalancer, Ingress, not "NodePort"\n',
    );
  });

  it("exits 2 when there is nothing to render", async () => {
    const noSection = tempDir({ "scout-deploy.yaml": "policy:\n  failOn: warning\n" });
    const result = await run(noSection, "render");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no scout: section to render\n$/);
    const empty = tempDir();
    expect((await run(empty, "render", "--config", "missing.yaml")).stderr).toBe(
      "scout-deploy render: config file not found: missing.yaml\n",
    );
  });

  it("renders what check then passes: the README's main job on the bundled example", async () => {
    for (const name of ["minimal", "production"]) {
      const dir = tempDir();
      const config = join(repoRoot, "examples", name, "scout-deploy.yaml");
      expect((await run(dir, "render", "--config", config, "--out", "rendered")).code).toBe(0);
      const check = await run(dir, "check", "rendered", "--config", config, "--format", "json");
      const report = JSON.parse(check.stdout) as {
        summary: { objects: number; bySeverity: object };
      };
      expect(report.summary.bySeverity).toMatchObject({ error: 0, warning: 0 });
      expect(report.summary.objects).toBeGreaterThan(20);
      expect(check.code).toBe(0);
    }
  });
});
