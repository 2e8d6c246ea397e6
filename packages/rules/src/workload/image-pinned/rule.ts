import {
  type Bundle,
  containersOf,
  defineRule,
  isRecord,
  joinPointer,
  type PodTemplate,
  podTemplates,
  reportKey,
  z,
} from "@scout-deploy/core";

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
      noTag: "{{place}} uses image {{image}} with no tag: it means :latest",
      latest: "{{place}} uses image {{image}}: :latest changes under you",
      noDigest: "{{place}} uses image {{image}} without a digest",
      noImage:
        "{{place}} names no image: the API server refuses the object (image: Required value)",
      malformed:
        "{{place}} uses image {{image}}, whose {{part}} is malformed: the kubelet refuses to pull it (InvalidImageName), so the pod never starts",
    },
  },
  check(context) {
    for (const use of imageUses(context.bundle)) {
      if (use.image === "") {
        context.report({
          messageId: "noImage",
          data: { place: use.place },
          object: use.template.object,
          pointer: use.pointer,
        });
        continue;
      }
      const { name, tag, digest } = parseImage(use.image);
      const part = malformedPart(name, tag, digest);
      let messageId: "noTag" | "latest" | "noDigest" | "malformed" | undefined;
      if (part) messageId = "malformed";
      else if (digest && !context.options.requireDigest) continue;
      else if (!digest && tag === undefined) messageId = "noTag";
      else if (!digest && tag === "latest") messageId = "latest";
      else if (!digest && context.options.requireDigest) messageId = "noDigest";
      if (!messageId) continue;
      context.report({
        messageId,
        data: { place: use.place, image: use.image, ...(part ? { part } : {}) },
        // A container's finding keeps the identity it had when the data named the container, so
        // that baselines and suppressions by fingerprint still match it (evaluate prefixes the
        // message id to a key).
        ...(use.container !== undefined
          ? { key: reportKey("", { container: use.container, image: use.image }).slice(1) }
          : {}),
        object: use.template.object,
        pointer: use.pointer,
      });
    }
  },
});

interface ImageUse {
  template: PodTemplate;
  /** `container "api"` or `volume "data"`. */
  place: string;
  /** The container's name, for an image of a container. */
  container?: string;
  image: string;
  pointer: string;
}

/** Every image a pod pulls: its containers', and its image volumes' (the kubelet pulls those too). */
function imageUses(bundle: Bundle): ImageUse[] {
  return podTemplates(bundle).flatMap((template) => {
    const uses: ImageUse[] = [];
    for (const ref of containersOf(template)) {
      const image = ref.container.image;
      if (image === undefined || image === null || image === "") {
        uses.push({
          template,
          place: `container "${ref.name}"`,
          container: ref.name,
          image: "",
          pointer: image === undefined ? ref.pointer : joinPointer(ref.pointer, "image"),
        });
        continue;
      }
      if (typeof image !== "string") continue;
      uses.push({
        template,
        place: `container "${ref.name}"`,
        container: ref.name,
        image,
        pointer: joinPointer(ref.pointer, "image"),
      });
    }
    const volumes = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
    volumes.forEach((volume, v) => {
      const source = isRecord(volume) && isRecord(volume.image) ? volume.image : undefined;
      const image = source?.reference;
      if (typeof image !== "string" || !image) return;
      const name = isRecord(volume) && typeof volume.name === "string" ? volume.name : `#${v}`;
      uses.push({
        template,
        place: `volume "${name}"`,
        image,
        pointer: joinPointer(template.specPointer, "volumes", v, "image", "reference"),
      });
    });
    return uses;
  });
}

/** The OCI reference grammar: a tag is a word of up to 128 characters. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** A digest is algorithm:hex; sha256 (what registries use) is exactly 64 lower-case hex digits. */
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
/**
 * The repository name of the reference grammar (distribution/reference): an optional registry
 * host, then lower-case path components. `ghcr.io/Scout/app` ("repository name must be
 * lowercase") and a name with spaces around it are refused.
 */
const NAME = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const NAME_MAX = 255;

/** Which part of a reference the container runtime would refuse, if any. */
function malformedPart(
  name: string,
  tag: string | undefined,
  digest: string | undefined,
): string | undefined {
  if (!NAME.test(name) || name.length > NAME_MAX) return "name";
  if (tag !== undefined && !TAG.test(tag)) return "tag";
  if (digest === undefined) return undefined;
  const valid = digest.startsWith("sha256:") ? SHA256.test(digest) : DIGEST.test(digest);
  return valid ? undefined : "digest";
}

/** Splits an image reference; a tag is a ":" after the last "/" (a ":" before it is a registry port). */
export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = named.lastIndexOf("/");
  const colon = named.indexOf(":", lastSlash + 1);
  const result: { name: string; tag?: string; digest?: string } = {
    name: colon >= 0 ? named.slice(0, colon) : named,
  };
  if (colon >= 0) result.tag = named.slice(colon + 1);
  if (at >= 0) result.digest = digest;
  return result;
}
