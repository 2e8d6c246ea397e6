import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parsePolicy } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { pluginDigests } from "./plugin-digests.js";

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "scout-plugin-digests-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const digestsOf = (root: string, plugins: string[]) =>
  pluginDigests({ folder: root, policy: { ...parsePolicy(undefined), plugins } });

describe("pluginDigests", () => {
  it("a file pack covers what it imports by a relative path, wherever it lies", () => {
    const root = folder({
      "packs/acme.mjs": 'import { owner } from "./helpers.mjs";\nexport const rules = [];\n',
      "packs/helpers.mjs": 'export { team as owner } from "../shared/team.mjs";\n',
      "shared/team.mjs": 'export const team = "platform";\n',
      "packs/unrelated.mjs": "export const x = 1;\n",
    });
    const [before] = digestsOf(root, ["./packs/acme.mjs"]);
    expect(before).toMatchObject({ name: "./packs/acme.mjs", files: 3 });
    writeFileSync(join(root, "packs/unrelated.mjs"), "export const x = 2;\n");
    expect(digestsOf(root, ["./packs/acme.mjs"])[0]).toEqual(before);
    writeFileSync(join(root, "shared/team.mjs"), 'export const team = "anyone";\n');
    expect(digestsOf(root, ["./packs/acme.mjs"])[0]?.digest).not.toEqual(before?.digest);
  });

  it("a package pack covers its folder, not its installed dependencies", () => {
    const root = folder({
      "node_modules/@acme/rules/package.json": '{"name":"@acme/rules","main":"index.js"}',
      "node_modules/@acme/rules/index.js": 'export * from "./lib/rules.js";\n',
      "node_modules/@acme/rules/lib/rules.js": "export const rules = [];\n",
      "node_modules/@acme/rules/node_modules/dep/index.js": "export {};\n",
    });
    const [before] = digestsOf(root, ["@acme/rules"]);
    expect(before).toMatchObject({ name: "@acme/rules", files: 3 });
    writeFileSync(join(root, "node_modules/@acme/rules/node_modules/dep/index.js"), "//\n");
    expect(digestsOf(root, ["@acme/rules"])[0]).toEqual(before);
    writeFileSync(join(root, "node_modules/@acme/rules/lib/rules.js"), "export const rules=[];\n");
    expect(digestsOf(root, ["@acme/rules"])[0]?.digest).not.toEqual(before?.digest);
  });

  it("a pack that cannot be found is a configuration error naming it", () => {
    expect(() => digestsOf(folder({}), ["./nope.mjs"])).toThrow(
      /policy\.plugins: cannot find rule pack "\.\/nope\.mjs"/,
    );
  });
});
