import { buildBundle, parseSource } from "@scout-deploy/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze, type Connectivity, endpointId } from "./analyze.js";
import { formatConns } from "./conns.js";
import { diffEndpoints, type EndpointChange, type EndpointDiff } from "./endpoint-diff.js";
import { type Scenario, scenarioArb, scenarioYaml } from "./test-support/scenarios.js";

/** A head that keeps some of the base's workloads and policies and brings its own. */
const changeArb = fc
  .record({
    base: scenarioArb,
    other: scenarioArb,
    keptWorkloads: fc.nat(6),
    keptPolicies: fc.nat(5),
    newPolicies: fc.nat(3),
  })
  .map(({ base, other, keptWorkloads, keptPolicies, newPolicies }) => {
    const head: Scenario = {
      namespaces: base.namespaces,
      workloads: [...base.workloads.slice(0, keptWorkloads), ...other.workloads],
      policies: [...base.policies.slice(0, keptPolicies), ...other.policies.slice(0, newPolicies)],
    };
    return { base, head };
  });

const connectivityOf = (scenario: Scenario) =>
  analyze(buildBundle([parseSource("all.yaml", scenarioYaml(scenario))]));

/**
 * The same connectivity without its source-by-source pod flows: the diff then asks every pair
 * through `Connectivity.sides`, policy rule by rule, with no shortcut.
 */
const pairByPair = (connectivity: Connectivity): Connectivity => Object.create(connectivity);

const described = (changes: readonly EndpointChange[]) =>
  changes.map((c) => `${endpointId(c.from)} -> ${endpointId(c.to)}: ${formatConns(c.conns)}`);

function describeDiff(diff: EndpointDiff) {
  return {
    opened: described(diff.opened),
    closed: described(diff.closed),
    widened: diff.widened.map((c, i) => `${c.side} ${described(diff.widened)[i]}`),
  };
}

describe("diffEndpoints", () => {
  it("walks only the pairs some policy side lets through, and finds what every pair finds", () => {
    let changed = 0;
    fc.assert(
      fc.property(changeArb, ({ base, head }) => {
        const [before, after] = [connectivityOf(base), connectivityOf(head)];
        const walked = describeDiff(diffEndpoints(before, after));
        const everyPair = describeDiff(diffEndpoints(pairByPair(before), pairByPair(after)));
        expect(walked).toEqual(everyPair);
        if (walked.opened.length + walked.closed.length + walked.widened.length) changed++;
      }),
      { numRuns: 300, seed: 20261207 },
    );
    // The property compares real changes, not only empty diffs.
    expect(changed).toBeGreaterThan(150);
  });
});
