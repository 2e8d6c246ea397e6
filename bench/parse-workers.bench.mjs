// Issue 16, point 3: would parsing in worker threads beat parsing on the main thread? The
// check's parse of the bench corpus (10,000 objects, 100 files) three ways, wall time, medians:
// parseSource on the main thread (what check does), js-yaml alone on the main thread (the floor
// of that parse), and js-yaml in 2 workers with the values sent back by structured clone (the
// least a worker design must pay: positions, the exact reader and the documents' closures
// would still have to be rebuilt on the main thread). The machine has os.availableParallelism().
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { parseSource } from "@scout-deploy/core";
import jsyaml from "js-yaml";
import { writeCorpus } from "./corpus.mjs";

const dir = join(process.cwd(), ".bench/corpus-10k");
writeCorpus(dir, 10_000);
const files = readdirSync(dir).map((f) => ({ path: f, text: readFileSync(join(dir, f), "utf8") }));
const runs = Number(process.env.BENCH_RUNS ?? 7);

async function median(fn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[runs >> 1];
}

const workerSource = `
  const { parentPort } = require("node:worker_threads");
  const jsyaml = require(${JSON.stringify(new URL(import.meta.resolve("js-yaml")).pathname.replace(/\.mjs$/, ".js"))});
  parentPort.on("message", (texts) => parentPort.postMessage(texts.map((t) => jsyaml.loadAll(t))));
`;

function startWorkers(count) {
  return Array.from({ length: count }, () => new Worker(workerSource, { eval: true }));
}

function parseInWorkers(workers) {
  const share = Math.ceil(files.length / workers.length);
  return Promise.all(
    workers.map(
      (worker, i) =>
        new Promise((resolve) => {
          worker.once("message", resolve);
          worker.postMessage(files.slice(i * share, (i + 1) * share).map((f) => f.text));
        }),
    ),
  );
}

const main = await median(() => files.map((f) => parseSource(f.path, f.text)));
const floor = await median(() => files.map((f) => jsyaml.loadAll(f.text)));
const workers = startWorkers(2);
const pooled = await median(() => parseInWorkers(workers));
const startup = await median(async () => {
  const started = startWorkers(2);
  await Promise.all(started.map((w) => new Promise((r) => w.once("online", r))));
  await Promise.all(started.map((w) => w.terminate()));
});
await Promise.all(workers.map((w) => w.terminate()));

console.log(`cores: ${availableParallelism()}, ${files.length} files, ${runs} runs, medians`);
console.log(`parseSource, main thread:          ${main.toFixed(0)} ms`);
console.log(`js-yaml alone, main thread:        ${floor.toFixed(0)} ms`);
console.log(
  `js-yaml in 2 workers, cloned back: ${pooled.toFixed(0)} ms (+ ${startup.toFixed(0)} ms to start them)`,
);
