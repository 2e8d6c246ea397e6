// A rule pack with settings of its own, loaded by path from a test's config.
import { defineRule, settingsReader, z } from "@scout-deploy/core";

export const settings = z
  .object({
    /** Teams that may own objects. */
    owners: z.array(z.string().min(1)).default(["platform"]),
  })
  .strict();

const ownSettings = settingsReader(settings);

export const rules = [
  defineRule({
    id: "meta/known-owner",
    meta: {
      severity: "warning",
      description: "Every object's team label names a known team (policy.settings.owners).",
      remediation: "Set the label team to one of policy.settings.owners.",
      messages: { unknownOwner: "{{name}} is owned by {{team}}, not one of {{owners}}" },
    },
    check(context) {
      const { owners } = ownSettings(context.settings);
      for (const object of context.bundle.objects) {
        const team = object.value.metadata?.labels?.team ?? "nobody";
        if (owners.includes(team)) continue;
        context.report({
          messageId: "unknownOwner",
          data: { name: object.ref.name ?? "?", team, owners: owners.join(", ") },
          object,
          pointer: "/metadata",
        });
      }
    },
  }),
];
