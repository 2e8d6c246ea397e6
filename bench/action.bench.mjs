// The Action's cold start: from the start of `node dist/index.js` to its first log line, median
// of several runs, beside the floor of an ES module that prints one line. A preloaded probe
// notes performance.now() (whose origin is the process's start) at the first line written, so
// the number is the child's own and not the time this busy machine takes to wake the parent.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const bundle = join(process.cwd(), "dist/index.js");
if (!existsSync(bundle)) {
  console.error("dist/index.js is missing: run pnpm build:action");
  process.exit(1);
}
const RUNS = 11;
const dir = mkdtempSync(join(tmpdir(), "scout-bench-action-"));
writeFileSync(join(dir, "event.json"), "{}");
writeFileSync(join(dir, "floor.mjs"), 'console.log("hello");\n');
const probe = join(dir, "probe.mjs");
writeFileSync(
  probe,
  `const write = process.stdout.write.bind(process.stdout);
let seen = false;
process.stdout.write = (chunk, ...rest) => {
  if (!seen && String(chunk).includes("\\n")) {
    seen = true;
    process.stderr.write("FIRST_LINE_MS " + performance.now() + "\\n");
  }
  return write(chunk, ...rest);
};
`,
);

function timeToFirstLine(script) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let wall;
    const child = spawn(process.execPath, ["--import", pathToFileURL(probe).href, script], {
      cwd: dir,
      // A run that stops right after the first line: no repository, so a configuration error.
      env: { PATH: process.env.PATH, GITHUB_EVENT_PATH: join(dir, "event.json") },
    });
    let stderr = "";
    child.stdout.on("data", () => {
      wall ??= Number(process.hrtime.bigint() - start) / 1e6;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", () => {
      const own = /FIRST_LINE_MS (\S+)/.exec(stderr)?.[1];
      if (!own) reject(new Error(`${script} printed no line`));
      else resolve({ own: Number(own), wall });
    });
  });
}

async function median(script) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timeToFirstLine(script));
  const mid = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { own: mid(runs.map((r) => r.own)), wall: mid(runs.map((r) => r.wall)) };
}

const floor = await median(join(dir, "floor.mjs"));
const action = await median(bundle);
const row = (name, t) =>
  console.log(
    `${name.padEnd(44)} ${t.own.toFixed(0).padStart(5)} ms   (seen by the parent: ${t.wall.toFixed(0)} ms)`,
  );
console.log(`median of ${RUNS} cold starts, from process start to the first line on stdout`);
row("node floor.mjs (one console.log)", floor);
row("node dist/index.js, first log line", action);
console.log(`goal: under 300 ms to the first log line: ${action.own < 300 ? "met" : "NOT met"}`);
