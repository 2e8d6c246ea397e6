import { buildBundle, parseSource } from "@scout-deploy/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze, type Connectivity } from "./analyze.js";
import {
  compareWithIntended,
  describeDifference,
  MAX_EXTRA_PAIRS_PER_COMPONENTS,
} from "./compare.js";
import { formatConns } from "./conns.js";
import { networkOptionsSchema } from "./intended.js";
import { scenarioArb, scenarioYaml } from "./test-support/scenarios.js";
import { scoutSettings } from "./test-support/settings.js";

/**
 * The comparison counts what an egress-open source reaches group by group instead of walking
 * every pair. Walking every pair (`eachFlow`, what a Connectivity built elsewhere gets) is the
 * reference: both must give the same differences, in the same order, and the same table.
 */

const settings = scoutSettings(["a", "b", "c"]);
const options = networkOptionsSchema.parse({
  flows: [
    { from: "a", to: "b", port: 80 },
    { from: "b", to: "c", port: 53, protocol: "UDP" },
  ],
});
// biome-ignore lint/suspicious/noExplicitAny: a deep copy of generated JSON, edited in place
type Json = Record<string, any>;
const INSTANCES = [undefined, "blue", "green"];

/** The scenario's workloads, each repeated so that groups pass the cap, some with an instance label. */
function crowded(text: string, copies: number, seed: number): string {
  const documents = text
    .split(/^---\n/m)
    .filter(Boolean)
    .map((d) => JSON.parse(d) as Json);
  const out: unknown[] = [];
  for (const doc of documents) {
    if (doc.kind !== "Deployment") {
      out.push(doc);
      continue;
    }
    for (let k = 0; k < copies; k++) {
      const copy = structuredClone(doc);
      copy.metadata.name = `${doc.metadata.name}-${k}`;
      const instance = INSTANCES[(k + seed) % INSTANCES.length];
      if (instance) copy.spec.template.metadata.labels["app.kubernetes.io/instance"] = instance;
      out.push(copy);
    }
  }
  return out.map((d) => `---\n${JSON.stringify(d)}\n`).join("");
}

/** The same connectivity, seen only through its public interface: the comparison walks every pair. */
function pairByPair(connectivity: Connectivity): Connectivity {
  return {
    model: connectivity.model,
    ingressRanges: connectivity.ingressRanges,
    egressRanges: connectivity.egressRanges,
    get flows() {
      return connectivity.flows;
    },
    eachFlow: () => connectivity.eachFlow(),
    isolatedFor: (w, d) => connectivity.isolatedFor(w, d),
    sides: (f, t) => connectivity.sides(f, t),
    sureSides: (f, t) => connectivity.sureSides(f, t),
    admittingRules: (f, t) => connectivity.admittingRules(f, t),
  };
}

function summary(connectivity: Connectivity) {
  const comparison = compareWithIntended(connectivity, settings, options);
  return {
    differences: comparison.differences.map(describeDifference),
    flows: comparison.flows.map((f) => `${f.from}->${f.to} ${formatConns(f.allowed)} ${f.status}`),
  };
}

describe("compareWithIntended by groups", () => {
  it("gives what walking every pair gives, past the cap of listed pairs", () => {
    let saturated = 0;
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 2 }), (scenario, seed) => {
        const text = crowded(scenarioYaml(scenario), 14, seed);
        const connectivity = analyze(buildBundle([parseSource("crowded.yaml", text)]));
        const grouped = summary(connectivity);
        expect(grouped).toEqual(summary(pairByPair(connectivity)));
        if (grouped.differences.some((d) => / more . workload/.test(d))) saturated++;
      }),
      { numRuns: 40, seed: 20261206 },
    );
    // The cap must be reached, or the counting path was never taken.
    expect(MAX_EXTRA_PAIRS_PER_COMPONENTS).toBeLessThan(14 * 14);
    expect(saturated).toBeGreaterThan(10);
  }, 120_000);
});
