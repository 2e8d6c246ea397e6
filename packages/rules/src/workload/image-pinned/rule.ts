import { allContainers, defineRule, joinPointer, z } from "@scout-deploy/core";

const options = z
  .object({
    /** Report a tag without a digest too. @default false */
    requireDigest: z.boolean().default(false),
  })
  .strict();

export const imagePinned = defineRule({
  id: "workload/image-pinned",
  meta: {
    severity: "warning",
    description: "Every image names a version: no :latest and no missing tag; a digest is best.",
    remediation:
      "Pin the image to a version tag, best with its digest (image: repo:1.2.3@sha256:...).",
    guide: "Incident Response: Update security: Patch vulnerabilities",
    options,
    messages: {
      noTag: 'container "{{container}}" uses image {{image}} with no tag: it means :latest',
      latest: 'container "{{container}}" uses image {{image}}: :latest changes under you',
      noDigest: 'container "{{container}}" uses image {{image}} without a digest',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      const image = container.container.image;
      if (typeof image !== "string" || !image) continue;
      const { tag, digest } = parseImage(image);
      if (digest && !context.options.requireDigest) continue;
      let messageId: "noTag" | "latest" | "noDigest" | undefined;
      if (!digest && tag === undefined) messageId = "noTag";
      else if (!digest && tag === "latest") messageId = "latest";
      else if (!digest && context.options.requireDigest) messageId = "noDigest";
      if (!messageId) continue;
      context.report({
        messageId,
        data: { container: container.name, image },
        object: container.template.object,
        pointer: joinPointer(container.pointer, "image"),
      });
    }
  },
});

/** Splits an image reference; a tag is a ":" after the last "/" (a ":" before it is a registry port). */
export function parseImage(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf("/");
  const colon = name.indexOf(":", lastSlash + 1);
  const result: { tag?: string; digest?: string } = {};
  if (colon >= 0) result.tag = name.slice(colon + 1);
  if (digest) result.digest = digest;
  return result;
}
