#!/usr/bin/env node
// Runs every bench/*.bench.mjs in its own process, one after another (2 cores: no overlap).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const benches = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs") && (!only || f.includes(only)))
  .sort();
let failed = 0;
for (const bench of benches) {
  console.log(`\n## ${bench}`);
  const child = spawnSync(process.execPath, [join(here, bench)], { stdio: "inherit" });
  if (child.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
