import { defineRule } from "@scout-deploy/core";

export default {
  rules: [
    defineRule({
      id: "meta/has-owner",
      meta: {
        severity: "info",
        description: "Every object names its owner team.",
        remediation: "Add the label team: <name>.",
        appliesTo: ["*"],
        messages: { noOwner: "{{name}} has no team label" },
      },
      check(context) {
        for (const object of context.bundle.objects) {
          const labels = object.value.metadata?.labels ?? {};
          if (!labels.team) {
            context.report({
              messageId: "noOwner",
              data: { name: object.ref.name ?? "?" },
              object,
              pointer: "/metadata",
            });
          }
        }
      },
    }),
  ],
};
