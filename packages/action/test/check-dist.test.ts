import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const committed = resolve(here, "../../../dist");

function tree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) =>
    e.isFile(),
  );
  return new Map(
    files
      .map((e) => join(e.parentPath, e.name))
      .sort()
      .map((path) => [relative(dir, path), readFileSync(path, "utf8")]),
  );
}

describe("check-dist", () => {
  it("rebuilding the bundle changes nothing in dist/ (run pnpm build:action and commit)", () => {
    const fresh = mkdtempSync(join(tmpdir(), "scout-dist-"));
    execFileSync(process.execPath, [resolve(here, "../scripts/bundle.mjs"), fresh]);
    const rebuilt = tree(fresh);
    const current = tree(committed);
    expect([...current.keys()]).toEqual([...rebuilt.keys()]);
    for (const [path, text] of rebuilt) {
      expect(current.get(path) === text, `dist/${path} differs from a fresh build`).toBe(true);
    }
  }, 120_000);
});
