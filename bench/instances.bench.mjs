// Several Scout deployments in one input (issue 20): 400 copies of the compliant fixture in as
// many namespaces, 10,000 objects, through the `scout-deploy check` binary. Reports the exit code,
// the number of findings (expected: 0) and the wall time (on a shared machine, compare under
// `/usr/bin/time` for CPU). Before instances, 400 deployments gave 1,755,600 findings and exit 2.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = process.cwd();
const fixture = readFileSync(
  join(root, "packages/rules/src/fixtures/compliant/scout.yaml"),
  "utf8",
);
const bin = join(root, "packages/cli/bin/scout-deploy.js");

function writeDeployments(dir, count) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const namespace = `scout-${String(i).padStart(5, "0")}`;
    const text = fixture
      .replace(/^( {2}name| {2}namespace| {4}namespace): scout$/gm, `$1: ${namespace}`)
      .replace("backend.scout.svc", `backend.${namespace}.svc`);
    writeFileSync(join(dir, `${namespace}.yaml`), text);
  }
}

for (const count of [40, 400]) {
  const dir = join(root, `.bench/deployments-${count}`);
  writeDeployments(dir, count);
  const started = performance.now();
  const run = spawnSync(process.execPath, [bin, "check", dir, "--format", "json"], {
    maxBuffer: 1 << 30,
    encoding: "utf8",
  });
  const wall = performance.now() - started;
  const findings = run.status === 2 ? "crashed" : JSON.parse(run.stdout).summary.findings;
  console.log(
    `${String(count).padStart(4)} deployments (${count * 25} objects): exit ${run.status}, ${findings} findings, ${wall.toFixed(0)} ms wall`,
  );
}
