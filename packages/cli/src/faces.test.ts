import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** The faces format and publish what the engine returns; these layers reach them only through it. */
const BELOW_THE_ENGINE = ["@scout-deploy/manifests", "@scout-deploy/netpol", "@scout-deploy/rules"];
const packages = new URL("../../", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return ["__snapshots__", "test-support"].includes(entry.name) ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import\()\s*"(@scout-deploy\/[^/"]+|scout-deploy)[^"]*"/g)].map(
    (m) => m[1]!,
  );
}

describe.each(["cli", "action"])("the %s face", (face) => {
  const manifest = JSON.parse(readFileSync(join(packages, face, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const imports = sourceFiles(join(packages, face, "src")).flatMap((file) =>
    importsOf(file).map((name) => ({ file: file.slice(packages.length), name })),
  );

  it("depends on none of manifests, netpol, rules", () => {
    expect(Object.keys(manifest.dependencies).filter((d) => BELOW_THE_ENGINE.includes(d))).toEqual(
      [],
    );
  });

  it("imports only packages it declares, none of them below the engine", () => {
    expect(imports.length).toBeGreaterThan(0);
    const stray = imports.filter(
      ({ name }) => BELOW_THE_ENGINE.includes(name) || !(name in manifest.dependencies),
    );
    expect(stray).toEqual([]);
  });
});
