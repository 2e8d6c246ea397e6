import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle, parseSource } from "@scout-deploy/core";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { analyze, type Connectivity, endpointId } from "./analyze.js";
import {
  type ConnSet,
  formatConns,
  intersect,
  isEmpty,
  NO_CONNS,
  parseConns,
  subtract,
} from "./conns.js";
import { formatIp, type IpInterval, parseIpv4Range } from "./ip.js";
import {
  type AnalyzerLine,
  analyzerPath,
  listConnections,
  mapLimit,
} from "./test-support/analyzer.js";
import { type Scenario, scenarioArb, scenarioYaml } from "./test-support/scenarios.js";

/**
 * Differential test against np-guard's netpol-analyzer (the real binary): many random policy
 * sets, each analysed by both, and the matrices must be equal. Deliberate differences are
 * excluded by construction in the generator and listed in the package README:
 * - named ports in egress rules that may reach addresses (the analyzer reports an error).
 */

const SCENARIOS = Number(process.env.NETPOL_DIFF_SCENARIOS ?? 500);
const SEED = Number(process.env.NETPOL_DIFF_SEED ?? 20261127);
const binary = analyzerPath();
const inCi = Boolean(process.env.CI);

if (!binary && !inCi) {
  console.warn(
    "netpol differential test skipped: netpol-analyzer not found (run scripts/install-netpol-analyzer.sh or set NETPOL_ANALYZER_PATH)",
  );
}

/** Our answer in the analyzer's vocabulary: pod pairs by id, external ranges by interval. */
function ourMatrix(connectivity: Connectivity) {
  const pods = new Map<string, string>();
  const external: { range: IpInterval; workload: string; inbound: boolean; conns: ConnSet }[] = [];
  for (const flow of connectivity.flows) {
    if (flow.from.kind === "workload" && flow.to.kind === "workload") {
      pods.set(`${endpointId(flow.from)} => ${endpointId(flow.to)}`, formatConns(flow.conns));
    } else if (flow.from.kind === "external" && flow.to.kind === "workload") {
      external.push({
        range: flow.from.range,
        workload: flow.to.workload.id,
        inbound: true,
        conns: flow.conns,
      });
    } else if (flow.from.kind === "workload" && flow.to.kind === "external") {
      external.push({
        range: flow.to.range,
        workload: flow.from.workload.id,
        inbound: false,
        conns: flow.conns,
      });
    }
  }
  return { pods, external };
}

interface ExternalLine {
  ranges: IpInterval[];
  workload: string;
  inbound: boolean;
  conns: ConnSet;
}

function theirMatrix(lines: readonly AnalyzerLine[]) {
  const pods = new Map<string, string>();
  const external: ExternalLine[] = [];
  const ranges = (text: string) => text.split(",").map((r) => parseIpv4Range(r));
  for (const line of lines) {
    const src = ranges(line.src);
    const dst = ranges(line.dst);
    const conns = parseConns(line.conn);
    if (src.every(Boolean))
      external.push({ ranges: src as IpInterval[], workload: line.dst, inbound: true, conns });
    else if (dst.every(Boolean))
      external.push({ ranges: dst as IpInterval[], workload: line.src, inbound: false, conns });
    else pods.set(`${line.src} => ${line.dst}`, formatConns(conns));
  }
  return { pods, external };
}

/**
 * Every difference between the two matrices, as readable lines. The analyzer takes the input for
 * the whole cluster: a namespace without a Namespace object carries only its name label, one of
 * the labellings we leave open. So between pods its matrix must lie between what we call sure
 * (`sureSides`) and what we allow at all; without open labels the two are one, and it must equal
 * ours.
 */
function differences(connectivity: Connectivity, lines: readonly AnalyzerLine[]): string[] {
  const ours = ourMatrix(connectivity);
  const theirs = theirMatrix(lines);
  const out: string[] = [];
  const endpoints = new Map(
    connectivity.model.workloads.map((w) => [w.id, { kind: "workload" as const, workload: w }]),
  );
  const sure = (key: string) => {
    const [from, to] = key.split(" => ").map((id) => endpoints.get(id));
    if (!from || !to) return NO_CONNS;
    const sides = connectivity.sureSides(from, to);
    return intersect(sides.egress, sides.ingress);
  };
  for (const key of new Set([...ours.pods.keys(), ...theirs.pods.keys()])) {
    const a = ours.pods.get(key) ?? "No Connections";
    const b = theirs.pods.get(key) ?? "No Connections";
    if (a === b) continue;
    const [allowed, analyzer] = [parseConns(a), parseConns(b)];
    const within = isEmpty(subtract(analyzer, allowed)) && isEmpty(subtract(sure(key), analyzer));
    if (!within) out.push(`${key}: ours ${a} (sure ${formatConns(sure(key))}), analyzer ${b}`);
  }
  // Compare external flows point by point, at the start of every range either side names.
  const points = new Set<bigint>([
    ...ours.external.map((e) => e.range[0]),
    ...theirs.external.flatMap((e) => e.ranges.map((r) => r[0])),
  ]);
  const workloads = connectivity.model.workloads.map((w) => w.id);
  for (const point of points) {
    for (const workload of workloads) {
      for (const inbound of [true, false]) {
        const a = ours.external.find(
          (e) =>
            e.workload === workload &&
            e.inbound === inbound &&
            e.range[0] <= point &&
            point <= e.range[1],
        );
        const b = theirs.external.find(
          (e) =>
            e.workload === workload &&
            e.inbound === inbound &&
            e.ranges.some((r) => r[0] <= point && point <= r[1]),
        );
        const x = formatConns(a?.conns ?? NO_CONNS);
        const y = formatConns(b?.conns ?? NO_CONNS);
        if (x !== y) {
          const arrow = inbound
            ? `${formatIp(point)} => ${workload}`
            : `${workload} => ${formatIp(point)}`;
          out.push(`${arrow}: ours ${x}, analyzer ${y}`);
        }
      }
    }
  }
  return out.sort();
}

describe.skipIf(!binary && !inCi)("differential test against netpol-analyzer", () => {
  const root = mkdtempSync(join(tmpdir(), "netpol-diff-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("finds netpol-analyzer (in CI a missing binary is a failure)", () => {
    expect(
      binary,
      "netpol-analyzer is not installed: run scripts/install-netpol-analyzer.sh",
    ).toBeDefined();
  });

  it(`agrees with it on ${SCENARIOS} generated policy sets`, { timeout: 600_000 }, async () => {
    const scenarios: Scenario[] = fc.sample(scenarioArb, { numRuns: SCENARIOS, seed: SEED });
    const texts = scenarios.map(scenarioYaml);
    texts.forEach((text, i) => {
      const dir = join(root, `s${i}`);
      mkdirSync(dir);
      writeFileSync(join(dir, "scenario.yaml"), text);
    });
    let restricted = 0;
    const failures = await mapLimit(texts, 4, async (text) => {
      const i = texts.indexOf(text);
      const lines = await listConnections(binary!, join(root, `s${i}`));
      const connectivity = analyze(buildBundle([parseSource("scenario.yaml", text)]));
      const diff = differences(connectivity, lines);
      const n = connectivity.model.workloads.length;
      const podLines = lines.filter((l) => l.src.includes("[") && l.dst.includes("[")).length;
      if (podLines < n * (n - 1) || lines.some((l) => l.conn !== "All Connections")) restricted++;
      return diff.length ? `scenario ${i}:\n  ${diff.join("\n  ")}\n${text}` : undefined;
    });
    const failed = failures.filter(Boolean);
    // The generator must produce policies that deny something, or agreement proves little.
    expect(restricted, "scenarios where the policies deny some pod pair or port").toBeGreaterThan(
      SCENARIOS / 2,
    );
    expect(failed.slice(0, 3).join("\n"), `${failed.length} of ${SCENARIOS} scenarios differ`).toBe(
      "",
    );
    expect(scenarios.length).toBe(SCENARIOS);
  });
});
