// A rule pack that declares a settings key the Security Guide pack declares too.
import { defineRule, z } from "@scout-deploy/core";

export const settings = z.object({ expectedUid: z.number().default(0) }).strict();

export const rules = [
  defineRule({
    id: "meta/nothing",
    meta: {
      severity: "info",
      description: "Reports nothing.",
      remediation: "Nothing to do.",
      messages: { never: "never" },
    },
    check() {},
  }),
];
