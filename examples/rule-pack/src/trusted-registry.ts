import { allContainers, defineRule, joinPointer, z } from "@scout-deploy/core";

const options = z
  .object({
    /** Image prefixes that are trusted. @default ["ghcr.io/scout/"] */
    registries: z.array(z.string().min(1)).min(1).default(["ghcr.io/scout/"]),
  })
  .strict();

/**
 * Every container image comes from a trusted registry. Its id is "images/trusted-registry";
 * loaded as a pack it becomes "scout-deploy/example-rule-pack/images/trusted-registry".
 */
export const trustedRegistry = defineRule({
  id: "images/trusted-registry",
  meta: {
    severity: "error",
    description: "Every container image comes from a trusted registry.",
    remediation: "Mirror the image into a trusted registry and reference it from there.",
    docs: "https://github.com/scout/secure-deploy/blob/main/examples/rule-pack/README.md",
    options,
    messages: {
      untrusted: 'container "{{container}}" pulls {{image}}, which is not from {{registries}}',
    },
  },
  check(context) {
    const { registries } = context.options;
    for (const container of allContainers(context.bundle)) {
      const image = container.container.image;
      if (typeof image !== "string" || registries.some((r) => image.startsWith(r))) continue;
      context.report({
        messageId: "untrusted",
        data: { container: container.name, image, registries: registries.join(", ") },
        object: container.template.object,
        pointer: joinPointer(container.pointer, "image"),
      });
    }
  },
});
