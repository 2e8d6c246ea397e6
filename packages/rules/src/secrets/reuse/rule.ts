import { defineRule, describeRef } from "@scout-deploy/core";
import { findReuse, isSecret } from "@scout-deploy/secrets";

export const reuse = defineRule({
  id: "secrets/reuse",
  meta: {
    severity: "error",
    description:
      "No credential value appears in two Secret keys: each environment, and each use, has its own token.",
    remediation:
      "Generate a value per environment and per key: `scout-deploy secrets generate --env NAME --out FILE`.",
    guide: "Use Strong Authentication: Use different tokens for different environments",
    messages: {
      acrossEnvironments:
        'key "{{key}}" ({{fingerprint}}) reuses the value of {{original}} key "{{originalKey}}" from environment "{{environment}}": use different tokens per environment',
      duplicate:
        'key "{{key}}" ({{fingerprint}}) has the same value as {{original}} key "{{originalKey}}"',
    },
  },
  check(context) {
    for (const { placements, acrossEnvironments } of findReuse(
      context.bundle.objects.filter(isSecret),
    )) {
      const [first, ...others] = placements;
      for (const other of others) {
        context.report({
          messageId:
            acrossEnvironments && other.environment !== first!.environment
              ? "acrossEnvironments"
              : "duplicate",
          data: {
            key: other.value.key,
            fingerprint: other.value.fingerprint,
            original: describeRef(first!.object.ref),
            originalKey: first!.value.key,
            environment: first!.environment,
          },
          object: other.object,
          pointer: other.value.pointer,
        });
      }
    }
  },
});
