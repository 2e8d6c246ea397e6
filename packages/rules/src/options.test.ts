import {
  buildBundle,
  ConfigurationError,
  evaluate,
  parsePolicy,
  parseSource,
} from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { securityGuidePack, securityGuideRules } from "./registry.js";

const bundle = buildBundle([
  parseSource("empty.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: scout}\n"),
]);
const run = (rules: unknown) => () => evaluate(securityGuideRules, bundle, parsePolicy({ rules }));

describe("rule options", () => {
  it("every rule with options accepts an empty object (all options have defaults)", () => {
    const rules = Object.fromEntries(
      securityGuideRules.filter((r) => r.meta.options).map((r) => [r.id, { options: {} }]),
    );
    expect(run(rules)).not.toThrow();
  });

  it("a bad option value is a ConfigurationError naming the key", () => {
    const bad = run({ "pod/writable-paths": { options: { paths: ["var/cache"] } } });
    expect(bad).toThrow(ConfigurationError);
    expect(bad).toThrow(/policy\.rules\.pod\/writable-paths\.options\.paths\.0/);
  });

  it("an unknown option is a ConfigurationError naming it", () => {
    const bad = run({ "workload/probes": { options: { backendPth: "/docs" } } });
    expect(bad).toThrow(ConfigurationError);
    expect(bad).toThrow(/unknown key "backendPth"/);
  });

  it("a bad shared setting is a ConfigurationError naming the key", () => {
    const packs = [securityGuidePack];
    expect(() => parsePolicy({ settings: { expectedUid: -1 } }, undefined, { packs })).toThrow(
      /policy\.settings\.expectedUid: /,
    );
  });

  it("the guide pack's settings are known only with the pack: core alone lists its own", () => {
    expect(() => parsePolicy({ settings: { expectedUid: 1000 } })).toThrow(
      /policy\.settings\.expectedUid: unknown key "expectedUid" \(allowed: namespace, componentLabels, profile\)/,
    );
  });
});
