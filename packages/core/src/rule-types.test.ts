import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildBundle } from "./bundle.js";
import { evaluate } from "./evaluate.js";
import { settingsReader } from "./pack.js";
import { defineRule } from "./rule.js";
import { parseSource } from "./source.js";

/**
 * `pnpm typecheck` compiles this file: each `@ts-expect-error` below must stay an error, or tsc
 * fails with "Unused '@ts-expect-error' directive". The runtime half shows what a rule pack
 * written in plain JavaScript gets instead.
 */
const misspelt = defineRule({
  id: "test/misspelt",
  meta: {
    severity: "error",
    description: "d",
    remediation: "r",
    messages: { missingLabel: "no label" },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      // @ts-expect-error "missingLabl" is not a key of messages
      context.report({ messageId: "missingLabl", object });
    }
  },
});

defineRule({
  id: "test/options",
  meta: {
    severity: "error",
    description: "d",
    remediation: "r",
    messages: { tooMany: "{{count}} > {{max}}" },
    options: z.object({ max: z.number().default(3) }).strict(),
  },
  check(context) {
    const max: number = context.options.max;
    // @ts-expect-error options are typed from meta.options: there is no "maximum"
    context.options.maximum;
    for (const object of context.bundle.objects) {
      context.report({ messageId: "tooMany", data: { count: 4, max }, object });
    }
  },
});

const packSettings = settingsReader(z.object({ maxReplicas: z.number().default(3) }).strict());

defineRule({
  id: "test/settings",
  meta: {
    severity: "error",
    description: "d",
    remediation: "r",
    messages: { tooMany: "more than {{max}}" },
  },
  check(context) {
    const namespace: string | undefined = context.settings.namespace;
    // @ts-expect-error a pack's key is not typed on core's settings: read it through the pack
    const unread: number = context.settings.maxReplicas;
    const max: number = packSettings(context.settings).maxReplicas;
    // @ts-expect-error the pack's reader knows its keys: there is no "maxReplica"
    packSettings(context.settings).maxReplica;
    for (const object of context.bundle.objects) {
      if (namespace && unread) context.report({ messageId: "tooMany", data: { max }, object });
    }
  },
});

describe("a misspelt messageId", () => {
  it("fails to compile, and a rule that reports one anyway is refused at run time", () => {
    const bundle = buildBundle([
      parseSource("a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"),
    ]);
    const [finding] = evaluate([misspelt], bundle).findings;
    expect(finding).toMatchObject({ ruleId: "test/misspelt", severity: "error" });
    expect(finding?.message).toMatch(/rule failed to run.*unknown messageId "missingLabl"/);
  });
});
