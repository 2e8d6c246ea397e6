// Loading is the floor under every feature: how long do 10,000 objects take to load, and to
// check with positions for every finding? Parser baselines measured in the same run.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate, parsePolicy } from "@scout-deploy/core";
import { loadBundle } from "@scout-deploy/loader";
import { securityGuideRules } from "@scout-deploy/rules";
import jsyaml from "js-yaml";
import { parseAllDocuments } from "yaml";
import { writeCorpus } from "./corpus.mjs";

const dir = join(process.cwd(), ".bench/corpus-10k");
const bytes = writeCorpus(dir, 10_000);
const texts = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"));

function median(fn, runs = 5) {
  const times = [];
  let value;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    value = fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)], value };
}

async function medianAsync(fn, runs = 5) {
  const times = [];
  let value;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    value = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)], value };
}

const values = texts.flatMap((t) => jsyaml.loadAll(t));
const json = JSON.stringify(values);
const rows = [];
rows.push(["JSON.parse of the same data", median(() => JSON.parse(json)).ms]);
rows.push(["js-yaml loadAll", median(() => texts.map((t) => jsyaml.loadAll(t))).ms]);
rows.push(["yaml parseAllDocuments", median(() => texts.map((t) => parseAllDocuments(t)), 3).ms]);
const load = await medianAsync(() => loadBundle([dir], { cwd: process.cwd() }));
rows.push([`scout-deploy load (${load.value.objects.length} objects)`, load.ms]);
const check = await medianAsync(async () => {
  const bundle = await loadBundle([dir], { cwd: process.cwd() });
  // network/* is left out: with no NetworkPolicy, 4,000 workloads of one component allow 16
  // million workload pairs, walked one by one (bench/netpol.bench.mjs measures the analysis).
  return evaluate(securityGuideRules, bundle, parsePolicy({ rules: { "network/*": "off" } }));
}, 3);
rows.push([
  `scout-deploy load + check (network/* off), ${check.value.findings.length} findings positioned`,
  check.ms,
]);

console.log(`corpus: 10,000 objects, ${(bytes / 1e6).toFixed(1)} MB of YAML in 100 files`);
for (const [name, ms] of rows) console.log(`${name.padEnd(60)} ${ms.toFixed(0).padStart(6)} ms`);
