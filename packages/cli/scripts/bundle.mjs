#!/usr/bin/env node
// Bundles the command (dist/bin.js and every module it imports, workspace packages and
// third-party ones) into dist/scout-deploy.js, the file bin/scout-deploy.js runs: Node then
// reads one file instead of resolving and linking some 400 modules, which was a third of a
// small check's time. The modules stay in dist/ for `import "scout-deploy"`.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const packagesDir = resolve(packageDir, "..");
// --from-source: the TypeScript of the CLI and the workspace packages, without their dist/: the
// main job of a fresh machine needs the command, and esbuild writes it in seconds where tsc's
// build of fourteen packages takes a minute. `pnpm build` still builds (and type-checks) them all.
const fromSource = process.argv.includes("--from-source");
// --outfile FILE: elsewhere than dist/scout-deploy.js (the test that compares the two bundles).
const outfileAt = process.argv.indexOf("--outfile");
const outfile = outfileAt > 0 ? resolve(process.argv[outfileAt + 1]) : "dist/scout-deploy.js";
const { version } = JSON.parse(readFileSync(resolve(packageDir, "package.json"), "utf8"));

/** dist/version.js reads ../package.json at run time; the bundle carries the version instead. */
const inlineVersion = {
  name: "inline-version",
  setup(build) {
    build.onLoad({ filter: /[\\/]cli[\\/](?:dist[\\/]version\.js|src[\\/]version\.ts)$/ }, () => ({
      contents: `export const TOOL = { name: "scout-deploy", version: ${JSON.stringify(version)} };`,
      loader: "js",
    }));
  },
};

/** `@scout-deploy/x` and `@scout-deploy/x/sub` as the sources of packages/x (`src/index.ts`, `src/sub/index.ts`). */
const workspaceSources = {
  name: "workspace-sources",
  setup(build) {
    build.onResolve({ filter: /^@scout-deploy\/[^/]+(?:\/.+)?$/ }, ({ path }) => {
      const [, name, sub] = /^@scout-deploy\/([^/]+)(?:\/(.+))?$/.exec(path);
      const source = join(packagesDir, name, "src", sub ?? "", "index.ts");
      if (!existsSync(source)) return { errors: [{ text: `no sources for ${path}: ${source}` }] };
      return { path: source };
    });
  },
};

await build({
  absWorkingDir: packageDir,
  entryPoints: [fromSource ? "src/bin.ts" : "dist/bin.js"],
  outfile,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "eof",
  // Some CommonJS dependencies call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);',
  },
  plugins: fromSource ? [inlineVersion, workspaceSources] : [inlineVersion],
  logLevel: "warning",
});
