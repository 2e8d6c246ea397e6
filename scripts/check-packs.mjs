#!/usr/bin/env node
// Every published package must pack only its build output, types, bin shims, README and licence.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const allowed = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^dist\/.+\.(js|d\.ts)$/,
  /^bin\/[^/]+\.js$/,
  // A generated JSON Schema that editors load: the manifests package exports its config's schema.
  /^schema\/[^/]+\.schema\.json$/,
];
// pnpm's npm_config_* variables make npm warn about keys it does not know; npm needs none of them.
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_config_")),
);
let failures = 0;
for (const folder of readdirSync("packages")) {
  const dir = join("packages", folder);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (manifest.private) continue;
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json"], {
      cwd: dir,
      encoding: "utf8",
      env: npmEnv,
    }),
  );
  const files = pack.files.map((f) => f.path);
  const stray = files.filter((path) => !allowed.some((pattern) => pattern.test(path)));
  const missing = ["README.md", "LICENSE", "package.json"].filter((f) => !files.includes(f));
  if (!files.some((f) => f.startsWith("dist/"))) missing.push("dist/ (run the build first)");
  if (stray.length || missing.length) {
    failures++;
    console.error(
      `${manifest.name}: unexpected ${JSON.stringify(stray)}, missing ${JSON.stringify(missing)}`,
    );
  } else {
    console.log(
      `${manifest.name}: ${files.length} files, ${(pack.unpackedSize / 1024).toFixed(0)} KiB unpacked`,
    );
  }
}
process.exit(failures ? 1 : 0);
