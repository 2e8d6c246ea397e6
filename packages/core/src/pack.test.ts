import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildBundle } from "./bundle.js";
import { parsePolicy, parseSettings } from "./config.js";
import { ConfigurationError } from "./errors.js";
import { evaluate } from "./evaluate.js";
import { definePack, settingsReader } from "./pack.js";
import { defineRule } from "./rule.js";
import { parseSource } from "./source.js";

const settings = z.object({ maxReplicas: z.number().int().min(1).default(3) }).strict();
const ownSettings = settingsReader(settings);

const replicas = defineRule({
  id: "test/max-replicas",
  meta: {
    severity: "warning",
    description: "No more replicas than policy.settings.maxReplicas.",
    remediation: "Lower spec.replicas.",
    messages: { tooMany: "{{count}} replicas, at most {{max}}" },
  },
  check(context) {
    const { maxReplicas, profile } = ownSettings(context.settings);
    for (const object of context.bundle.objects) {
      const count = (object.value.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      if (count <= maxReplicas) continue;
      const max = `${maxReplicas} (${profile})`;
      context.report({
        messageId: "tooMany",
        data: { count, max },
        object,
        pointer: "/spec/replicas",
      });
    }
  },
});

const pack = definePack({
  name: "@acme/replicas",
  rules: [replicas],
  settings,
  docs: (id) => `https://acme.example/rules/${id}`,
});

const deployment =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 5\n";
const messages = (policy: ReturnType<typeof parsePolicy>) =>
  evaluate(pack.rules, buildBundle([parseSource("d.yaml", deployment)]), policy).findings.map(
    (f) => f.message,
  );

describe("a rule pack's settings", () => {
  it("reach its rules typed, beside core's, with the pack's defaults", () => {
    expect(messages(parsePolicy({}, undefined, { packs: [pack] }))).toEqual([
      "5 replicas, at most 3 (default)",
    ]);
    const policy = { settings: { maxReplicas: 4, profile: "production" } };
    expect(messages(parsePolicy(policy, undefined, { packs: [pack] }))).toEqual([
      "5 replicas, at most 4 (production)",
    ]);
  });

  it("get their defaults even when the policy was parsed without the pack", () => {
    expect(messages(parsePolicy({}))).toEqual(["5 replicas, at most 3 (default)"]);
  });

  it("are refused when wrong, naming the file, line and dotted key", () => {
    const text = "policy:\n  settings:\n    maxReplicas: 0\n";
    const document = parseSource("c.yaml", text, undefined, "yaml").documents[0]!;
    const value = (document.value as { policy: unknown }).policy;
    expect(() => parsePolicy(value, document.locate, { packs: [pack] })).toThrow(
      /^c\.yaml:3:5: policy\.settings\.maxReplicas: /,
    );
  });

  it("make an unknown key an error that lists core's keys and the pack's", () => {
    expect(() =>
      parsePolicy({ settings: { maxReplica: 4 } }, undefined, { packs: [pack] }),
    ).toThrow(
      'policy.settings.maxReplica: unknown key "maxReplica" (did you mean "maxReplicas"?) (allowed: namespace, componentLabels, profile, maxReplicas)',
    );
    expect(() => parsePolicy({ settings: { maxReplicas: 4 } })).toThrow(
      /unknown key "maxReplicas" \(allowed: namespace, componentLabels, profile\)/,
    );
  });

  it("wait for packs loaded later, then are validated against all of them", () => {
    const policy = parsePolicy({ settings: { maxReplicas: 4 } }, undefined, { laterPacks: true });
    expect(policy.settings.maxReplicas).toBe(4);
    expect(parseSettings({ maxReplicas: 4 }, [pack])).toMatchObject({
      maxReplicas: 4,
      profile: "default",
    });
    expect(() => parseSettings({ maxReplicaz: 4 }, [pack])).toThrow(/unknown key "maxReplicaz"/);
  });

  it("may not redeclare a key of core or of another pack", () => {
    const namespaced = z.object({ namespace: z.string() });
    expect(() => definePack({ name: "@acme/ns", rules: [], settings: namespaced })).toThrow(
      ConfigurationError,
    );
    const twice = { name: "@acme/again", settings };
    expect(() => parseSettings({}, [pack, twice])).toThrow(
      'rule pack "@acme/again" declares policy.settings.maxReplicas, which rule pack "@acme/replicas" declares too',
    );
  });

  it("the pack's docs base gives each rule its docs link", () => {
    expect(pack.rules[0]?.meta.docs).toBe("https://acme.example/rules/test/max-replicas");
  });
});
