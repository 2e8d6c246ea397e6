import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildBundle,
  ConfigurationError,
  evaluate,
  parsePolicy,
  parseSettings,
  parseSource,
} from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { securityGuidePack, securityGuideRules } from "../registry.js";
import { loadRulePacks, packPrefix } from "./load-rule-packs.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/rule-packs");

function readYaml(file: string): unknown {
  return parseSource(file, readFileSync(join(fixtures, file), "utf8")).documents[0]?.value;
}

describe("loadRulePacks", () => {
  it("loads the example pack named in a config's policy.plugins, and its findings appear", async () => {
    const config = readYaml("scout-deploy.yaml") as { policy: unknown };
    const policy = parsePolicy(config.policy);
    const packs = await loadRulePacks(policy.plugins, { resolveFrom: fixtures });
    const packRules = packs.flatMap((pack) => pack.rules);
    expect(packs.map((pack) => pack.name)).toEqual(["@scout-deploy/example-rule-pack"]);
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
    const [pack] = await loadRulePacks(["./local-pack.mjs"], { resolveFrom: fixtures });
    expect(pack?.rules.map((rule) => rule.id)).toEqual(["local-pack/meta/has-owner"]);
    expect(pack?.settings).toBeUndefined();
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

  it("names the field a hand-written rule lacks, instead of failing on it later", async () => {
    await expect(
      loadRulePacks(["./no-remediation.mjs"], { resolveFrom: fixtures }),
    ).rejects.toThrow(
      'policy.plugins: rule pack "./no-remediation.mjs": rule no-remediation/meta/no-remediation has no meta.remediation (a non-empty string)',
    );
  });

  it("refuses the same pack twice (the same ids twice)", async () => {
    await expect(
      loadRulePacks(["./local-pack.mjs", "./local-pack.mjs"], { resolveFrom: fixtures }),
    ).rejects.toThrow(/comes from both/);
  });
});

describe("a pack's settings", () => {
  const manifests =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {team: web}\n";
  const run = async (settings: unknown) => {
    const packs = await loadRulePacks(["./settings-pack.mjs"], { resolveFrom: fixtures });
    const policy = parsePolicy({ settings }, undefined, { packs: [securityGuidePack, ...packs] });
    const bundle = buildBundle([parseSource("k8s.yaml", manifests)]);
    return evaluate(
      packs.flatMap((pack) => pack.rules),
      bundle,
      policy,
    ).findings.map((f) => f.message);
  };

  it("join core's and the guide pack's under policy.settings, with their defaults", async () => {
    expect(await run({})).toEqual(["c is owned by web, not one of platform"]);
    expect(await run({ owners: ["web"], expectedUid: 1001, namespace: "shop" })).toEqual([]);
  });

  it("are validated like core's: a wrong value and an unknown key name the key", async () => {
    await expect(run({ owners: "web" })).rejects.toThrow(/policy\.settings\.owners: /);
    await expect(run({ ownerz: ["web"] })).rejects.toThrow(
      /policy\.settings\.ownerz: unknown key "ownerz" \(did you mean "owners"\?\) \(allowed: namespace, componentLabels, profile, components, expectedUid, writablePaths, redisAuth, network, owners\)/,
    );
  });

  it("a key declared by two packs is refused, naming both", async () => {
    const packs = await loadRulePacks(["./settings-clash.mjs"], { resolveFrom: fixtures });
    expect(() => parseSettings({}, [securityGuidePack, ...packs])).toThrow(
      /rule pack "\.\/settings-clash\.mjs" declares policy\.settings\.expectedUid, which rule pack "@scout-deploy\/rules" declares too/,
    );
  });
});

describe("packPrefix", () => {
  it("turns package names into id prefixes", () => {
    expect(packPrefix("@acme/scout-rules")).toBe("acme/scout-rules");
    expect(packPrefix("Scout_Rules.Extra")).toBe("scout-rules-extra");
  });
});
