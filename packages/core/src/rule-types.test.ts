import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildBundle } from "./bundle.js";
import { evaluate } from "./evaluate.js";
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
