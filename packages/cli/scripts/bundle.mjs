#!/usr/bin/env node
// Bundles the command (dist/bin.js and every module it imports, workspace packages and
// third-party ones) into dist/scout-deploy.js, the file bin/scout-deploy.js runs: Node then
// reads one file instead of resolving and linking some 400 modules, which was a third of a
// small check's time. The modules stay in dist/ for `import "scout-deploy"`.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(resolve(packageDir, "package.json"), "utf8"));

/** dist/version.js reads ../package.json at run time; the bundle carries the version instead. */
const inlineVersion = {
  name: "inline-version",
  setup(build) {
    build.onLoad({ filter: /[\\/]cli[\\/]dist[\\/]version\.js$/ }, () => ({
      contents: `export const TOOL = { name: "scout-deploy", version: ${JSON.stringify(version)} };`,
      loader: "js",
    }));
  },
};

await build({
  absWorkingDir: packageDir,
  entryPoints: ["dist/bin.js"],
  outfile: "dist/scout-deploy.js",
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
  plugins: [inlineVersion],
  logLevel: "warning",
});
