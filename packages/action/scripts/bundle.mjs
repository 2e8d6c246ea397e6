#!/usr/bin/env node
// Bundles the Action to the repository's dist/ (or the folder given as the first argument):
// ESM for Node 20 and 24, the engine split into lazily loaded chunks, deterministic output.
import { readdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, "..");
const ATTEST_FILE = "attest.js";
const outdir = resolve(process.argv[2] ?? join(packageDir, "../../dist"));

const common = {
  absWorkingDir: packageDir,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "eof",
  // Some CommonJS dependencies call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
};
const ACTIONS = /[\\/]node_modules[\\/]@actions[\\/]/;

rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { index: "src/index.ts" },
  outdir,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [sideEffectFree(ACTIONS), keylessApart()],
});
// Keyless signing (@actions/attest with Sigstore, ~1 MB) is one file of its own, loaded only by
// a keyless sign-off: bundled with the rest, its share of @actions/core would pull the OIDC
// client and undici into the first chunk.
await build({
  ...common,
  stdin: { contents: 'export { attest } from "@actions/attest";', resolveDir: packageDir },
  outfile: join(outdir, "chunks", ATTEST_FILE),
  plugins: [sideEffectFree(ACTIONS)],
});
/**
 * `import("@actions/attest")` in the main bundle loads chunks/attest.js. The import sits in a
 * lazily loaded chunk, which esbuild writes to chunks/ too, so the path is relative to it.
 */
function keylessApart() {
  return {
    name: "keyless-apart",
    setup(build) {
      build.onResolve({ filter: /^@actions\/attest$/ }, () => ({
        path: `./${ATTEST_FILE}`,
        external: true,
      }));
    },
  };
}

/**
 * @actions/core imports its OIDC client (and so undici) at the top of its entry; the Action
 * never asks for an OIDC token. Declaring the toolkit free of side effects lets esbuild drop what
 * is not used, which keeps the first chunk small and the cold start fast.
 */
function sideEffectFree(pattern) {
  return {
    name: "side-effect-free",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.sideEffectFree) return undefined;
        const result = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { sideEffectFree: true },
        });
        if (result.errors.length > 0 || !pattern.test(result.path)) return undefined;
        return { path: result.path, sideEffects: false };
      });
    },
  };
}

const files = readdirSync(outdir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => relative(process.cwd(), join(entry.parentPath, entry.name)))
  .sort();
console.log(`bundled ${files.length} files into ${relative(process.cwd(), outdir) || "."}`);
