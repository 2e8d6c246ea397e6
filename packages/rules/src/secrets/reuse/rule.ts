import { defineRule, describeRef } from "@scout-deploy/core";
import { reuseIn } from "../reuse-in.js";

export const reuse = defineRule({
  id: "secrets/reuse",
  meta: {
    severity: "error",
    description:
      "No credential value appears in two Secret keys of one environment: each use has its own token.",
    remediation:
      "Generate a value per environment and per key: `scout-deploy secrets generate --env NAME --out FILE`.",
    guide: "Use Strong Authentication: Use different tokens for different environments",
    messages: {
      duplicate:
        'key "{{key}}" ({{fingerprint}}) has the same value as {{original}} key "{{originalKey}}"',
    },
  },
  check(context) {
    for (const { placements } of reuseIn(context.bundle)) {
      const [first, ...others] = placements;
      // One cause, one finding: a value shared across environments is secrets/distinct-environments'.
      for (const other of others.filter((o) => o.environment === first!.environment)) {
        context.report({
          messageId: "duplicate",
          data: {
            key: other.value.key,
            fingerprint: other.value.fingerprint,
            original: describeRef(first!.object.ref),
            originalKey: first!.value.key,
          },
          object: other.object,
          pointer: other.value.pointer,
        });
      }
    }
  },
});
