// `scout-deploy check` (embedded schema and every rule, network included) against kubeconform
// -strict (schema only, offline) on the same files, issue 16. Three corpora at 1k, 10k and 20k
// objects: the bench corpus (corpus.mjs; also as one file), compliant Scout deployments one per namespace, and
// Deployments without any NetworkPolicy spread over namespaces. Runs alternate (check,
// check without network/*, kubeconform, kube-linter when installed) and the medians are printed
// with CPU time (user + system) beside wall time: on a shared machine wall time follows the load,
// CPU time much less. Needs /usr/bin/time for CPU and peak RSS; kubeconform from
// scripts/install-kubeconform.sh (skipped with a note when absent).
//   BENCH_RUNS      runs per command and size (default 3)
//   BENCH_SIZES     object counts, comma-separated (default 1000,10000,20000)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CORPORA } from "./corpora.mjs";

const root = process.cwd();
const work = join(root, ".bench/check");
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizes = (process.env.BENCH_SIZES ?? "1000,10000,20000").split(",").map(Number);
const bin = join(root, "packages/cli/bin/scout-deploy.js");
const time = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function which(name, fallback) {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (found) return found;
  return fallback && existsSync(fallback) ? fallback : undefined;
}

const kubeconform = which("kubeconform", join(homedir(), "go/bin/kubeconform"));
const kubeLinter = which("kube-linter", join(homedir(), "go/bin/kube-linter"));

/** Offline schemas for kubeconform, written from the embedded ones; the newest version. */
function kubeconformSchemas() {
  const dir = join(work, "kubeconform-schemas");
  if (!existsSync(dir)) {
    spawnSync(process.execPath, [join(root, "packages/kubeconform/dist/offline-cli.js"), dir], {
      stdio: "ignore",
    });
  }
  const versions = existsSync(dir)
    ? readdirSync(dir)
        .map((d) => /^v(\d+\.\d+\.\d+)-standalone-strict$/.exec(d)?.[1])
        .filter(Boolean)
        .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    : [];
  return versions.length ? { dir, version: versions.at(-1) } : undefined;
}

const noNetwork = join(work, "no-network.yaml");

/** One run: wall, CPU (user + system) and peak RSS of the whole process. */
function measure(command, args) {
  const report = join(work, "time.txt");
  const [file, argv] = time
    ? [time, ["-o", report, "-f", "%e %U %S %M", command, ...args]]
    : [command, args];
  const started = performance.now();
  const run = spawnSync(file, argv, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 30 });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`${command} ${args.join(" ")}: exit ${run.status}\n${run.stderr}`);
  }
  if (!time) return { wall, cpu: Number.NaN, rss: Number.NaN };
  const [, user, system, rss] = readFileSync(report, "utf8").trim().split("\n").at(-1).split(" ");
  return { wall, cpu: Number(user) + Number(system), rss: Number(rss) / 1024 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function commandsFor(dir, schemas) {
  const commands = [
    ["check", process.execPath, [bin, "check", dir, "--format", "json"]],
    [
      "check, network/* off",
      process.execPath,
      [bin, "check", dir, "--format", "json", "--config", noNetwork],
    ],
  ];
  if (kubeconform && schemas) {
    commands.push([
      "kubeconform -strict",
      kubeconform,
      [
        "-strict",
        "-summary",
        "-kubernetes-version",
        schemas.version,
        "-schema-location",
        schemas.dir,
        dir,
      ],
    ]);
  }
  if (kubeLinter) commands.push(["kube-linter", kubeLinter, ["lint", dir]]);
  return commands;
}

function main() {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(
    noNetwork,
    `policy:\n  rules:\n${["allowed-flows", "default-deny", "external-exposure", "no-broad-peers", "port-coherence"].map((r) => `    network/${r}: "off"\n`).join("")}`,
  );
  const schemas = kubeconform ? kubeconformSchemas() : undefined;
  if (!kubeconform) console.log("kubeconform not found: run scripts/install-kubeconform.sh");
  if (!time) console.log("/usr/bin/time not found: wall time only");
  console.log(`${runs} runs each, alternating; medians. cpu = user + system seconds.`);
  console.log("corpus | objects | tool | wall s | cpu s | peak MB | check/kubeconform wall, cpu");
  const checkCpu = new Map();
  for (const [name, write] of CORPORA) {
    for (const size of sizes) {
      const dir = join(work, `${name.replaceAll(" ", "-")}-${size}`);
      write(dir, size);
      const commands = commandsFor(dir, schemas);
      const results = commands.map(() => []);
      for (let r = 0; r < runs; r++) {
        for (const [i, [, command, args]] of commands.entries()) {
          results[i].push(measure(command, args));
        }
      }
      const medians = results.map((rs) => ({
        wall: median(rs.map((x) => x.wall)),
        cpu: median(rs.map((x) => x.cpu)),
        rss: Math.max(...rs.map((x) => x.rss)),
      }));
      const yardstick = commands.findIndex(([label]) => label === "kubeconform -strict");
      commands.forEach(([label], i) => {
        const m = medians[i];
        const ratio =
          i === 0 && yardstick >= 0
            ? ` | ${(m.wall / medians[yardstick].wall).toFixed(2)}, ${(m.cpu / medians[yardstick].cpu).toFixed(2)}`
            : "";
        console.log(
          `${name} | ${size} | ${label} | ${m.wall.toFixed(2)} | ${m.cpu.toFixed(2)} | ${m.rss.toFixed(0)}${ratio}`,
        );
      });
      const share = 1 - medians[1].cpu / medians[0].cpu;
      console.log(`${name} | ${size} | network share of check cpu | ${(100 * share).toFixed(0)}%`);
      checkCpu.set(`${name}|${size}`, medians[0]);
    }
    const [ten, twenty] = [checkCpu.get(`${name}|10000`), checkCpu.get(`${name}|20000`)];
    if (ten && twenty) {
      console.log(
        `${name} | 20k/10k | check | wall ${(twenty.wall / ten.wall).toFixed(2)}, cpu ${(twenty.cpu / ten.cpu).toFixed(2)}`,
      );
    }
  }
}

main();
