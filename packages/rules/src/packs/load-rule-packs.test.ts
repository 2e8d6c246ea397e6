import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildBundle,
  ConfigurationError,
  evaluate,
  parsePolicy,
  parseSource,
} from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { securityGuideRules } from "../registry.js";
import { loadRulePacks, packPrefix } from "./load-rule-packs.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/rule-packs");

function readYaml(file: string): unknown {
  return parseSource(file, readFileSync(join(fixtures, file), "utf8")).documents[0]?.value;
}

describe("loadRulePacks", () => {
  it("loads the example pack named in a config's policy.plugins, and its findings appear", async () => {
    const config = readYaml("scout-deploy.yaml") as { policy: unknown };
    const policy = parsePolicy(config.policy);
    const packRules = await loadRulePacks(policy.plugins, { resolveFrom: fixtures });
    expect(packRules.map((r) => r.id)).toEqual([
      "scout-deploy/example-rule-pack/images/trusted-registry",
    ]);

    const manifests = readFileSync(join(fixtures, "manifests.yaml"), "utf8");
    const bundle = buildBundle([parseSource("manifests.yaml", manifests)]);
    const result = evaluate([...securityGuideRules, ...packRules], bundle, policy);
    const finding = result.findings.find((f) =>
      f.ruleId.startsWith("scout-deploy/example-rule-pack/"),
    );
    expect(finding).toMatchObject({
      ruleId: "scout-deploy/example-rule-pack/images/trusted-registry",
      severity: "warning",
      file: "manifests.yaml",
      line: 11,
      column: 11,
      object: { kind: "Deployment", name: "backend" },
      message:
        'container "api" pulls docker.io/library/python:3.12, which is not from ghcr.io/scout/',
    });
  });

  it("loads a pack by a path relative to the config folder, from a default export", async () => {
    const [rule] = await loadRulePacks(["./local-pack.mjs"], { resolveFrom: fixtures });
    expect(rule?.id).toBe("local-pack/meta/has-owner");
  });

  it("names a pack that cannot be found", async () => {
    const load = loadRulePacks(["@acme/missing-rules"], { resolveFrom: fixtures });
    await expect(load).rejects.toThrow(ConfigurationError);
    await expect(load).rejects.toThrow(/cannot find rule pack "@acme\/missing-rules"/);
  });

  it("names a pack that exports no rules, or something that is not a rule", async () => {
    await expect(loadRulePacks(["./no-rules.mjs"], { resolveFrom: fixtures })).rejects.toThrow(
      /policy\.plugins: rule pack "\.\/no-rules\.mjs" exports no rules/,
    );
    await expect(loadRulePacks(["./not-a-rule.mjs"], { resolveFrom: fixtures })).rejects.toThrow(
      /rule pack "\.\/not-a-rule\.mjs": rules\[0\] is not a rule made with defineRule/,
    );
  });

  it("refuses the same pack twice (the same ids twice)", async () => {
    await expect(
      loadRulePacks(["./local-pack.mjs", "./local-pack.mjs"], { resolveFrom: fixtures }),
    ).rejects.toThrow(/comes from both/);
  });
});

describe("packPrefix", () => {
  it("turns package names into id prefixes", () => {
    expect(packPrefix("@acme/scout-rules")).toBe("acme/scout-rules");
    expect(packPrefix("Scout_Rules.Extra")).toBe("scout-rules-extra");
  });
});
