import { defineRule } from "@scout-deploy/core";
import { reuseIn } from "../reuse-in.js";

export const distinctEnvironments = defineRule({
  id: "secrets/distinct-environments",
  meta: {
    severity: "error",
    description:
      "No credential value is shared by two environments (environment label, overlay folder or namespace): each has its own tokens.",
    remediation:
      "Generate a separate value per environment (`scout-deploy secrets generate --env <name>`) and rotate the one that was shared.",
    guide: "Use Strong Authentication: Use different tokens for different environments",
    messages: {
      shared:
        'key "{{key}}" ({{fingerprint}}) of environment {{environment}} holds the same value as key "{{otherKey}}" of {{other}} in environment {{otherEnvironment}}',
    },
  },
  check(context) {
    for (const { placements } of reuseIn(context.bundle)) {
      const [first, ...others] = placements.filter((p) => p.environment !== undefined);
      for (const placement of others.filter((p) => p.environment !== first!.environment)) {
        context.report({
          messageId: "shared",
          data: {
            key: placement.value.key,
            fingerprint: placement.value.fingerprint,
            environment: placement.environment!,
            otherKey: first!.value.key,
            other: `Secret ${first!.object.ref.name ?? "(unnamed)"}`,
            otherEnvironment: first!.environment!,
          },
          object: placement.object,
          pointer: placement.value.pointer,
        });
      }
    }
  },
});
