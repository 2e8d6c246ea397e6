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
        "{{place}} names no image: the API server refuses the object ({{field}}: Required value)",
      spaces:
        "{{place}} uses image {{image}} with spaces around it: {{refused}} (image: must not have leading or trailing whitespace)",
      malformed:
        "{{place}} uses image {{image}}, whose {{part}} is malformed: the kubelet refuses to pull it (InvalidImageName), so the pod never starts",
    },
  },
  check(context) {
    for (const use of imageUses(context.bundle)) {
      const report = (messageId: MessageId, data: Record<string, string> = {}) =>
        context.report({
          messageId,
          data: { place: use.place, image: use.image, ...data },
          // A container's finding keeps the identity it had when the data named the container, so
          // that baselines and suppressions by fingerprint still match it (evaluate prefixes the
          // message id to a key).
          ...(use.container !== undefined
            ? { key: keyOf({ ...use, container: use.container }, messageId) }
            : {}),
          object: use.template.object,
          pointer: use.pointer,
        });
      const messageId = verdict(use, context.options.requireDigest);
      if (messageId === "noImage") report("noImage", { field: use.field });
      else if (messageId === "spaces") report("spaces", { refused: refusedPods(use.template) });
      else if (messageId === "malformed") report("malformed", { part: malformedPart(use.image)! });
      else if (messageId) report(messageId);
    }
  },
});

/** The identity a container's finding had when the data named only these, kept for baselines. */
function keyOf(use: ImageUse & { container: string }, messageId: MessageId): string {
  const data: Record<string, string> =
    messageId === "noImage" ? { place: use.place } : { container: use.container, image: use.image };
  return reportKey("", data).slice(1);
}

type MessageId = "noImage" | "spaces" | "malformed" | "noTag" | "latest" | "noDigest";

/** What the cluster does with one image, worst first; undefined when it is pinned. */
function verdict(use: ImageUse, requireDigest: boolean): MessageId | undefined {
  if (use.image === "") return "noImage";
  // The API server refuses a container image with spaces around it (not a volume's reference,
  // which reaches the kubelet and fails to parse there).
  if (use.container !== undefined && SPACE_AROUND.test(use.image)) return "spaces";
  if (malformedPart(use.image)) return "malformed";
  const { tag, digest } = parseImage(use.image);
  // A digest wins over a tag: the runtime pulls the digest.
  if (digest) return undefined;
  if (tag === undefined) return "noTag";
  if (tag === "latest") return "latest";
  return requireDigest ? "noDigest" : undefined;
}

/** Who refuses a Pod with a spaced image: the API server on create, for a template each Pod the controller makes. */
function refusedPods(template: PodTemplate): string {
  return template.object.value.kind === "Pod"
    ? "the API server refuses the Pod"
    : "the API server accepts the template but refuses every Pod made from it";
}

interface ImageUse {
  template: PodTemplate;
  /** `container "api"` or `volume "data"`. */
  place: string;
  /** The container's name, for an image of a container. */
  container?: string;
  /** The field that holds the image, "" when none does. */
  image: string;
  field: "image" | "image.reference";
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
          field: "image",
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
        field: "image",
        pointer: joinPointer(ref.pointer, "image"),
      });
    }
    const volumes = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
    volumes.forEach((volume, v) => {
      if (!isRecord(volume) || !isRecord(volume.image)) return;
      const image = volume.image.reference;
      if (image !== undefined && image !== null && typeof image !== "string") return;
      const source = joinPointer(template.specPointer, "volumes", v, "image");
      uses.push({
        template,
        place: `volume "${typeof volume.name === "string" ? volume.name : `#${v}`}"`,
        image: image ?? "",
        field: "image.reference",
        pointer: image === undefined ? source : joinPointer(source, "reference"),
      });
    });
    return uses;
  });
}

/** The reference grammar (distribution/reference): a tag is a word of up to 128 characters. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/**
 * The digests the kubelet can parse: go-digest knows only these algorithms (the kubelet links
 * sha256 and sha512, which brings sha384), each exactly its size in lower-case hex. Any other
 * algorithm is "unsupported digest algorithm".
 */
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
/** A bare 64-hex string reads as an image ID, which ParseNormalizedNamed refuses as a name. */
const IDENTIFIER = /^[a-f0-9]{64}$/;

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const PATH = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
/**
 * A repository name of the reference grammar, split as Parse splits it: a registry host when the
 * first component is one, then the lower-case path. `ghcr.io/Scout/app` ("repository name must
 * be lowercase") and a name with spaces around it do not match.
 */
const NAME = new RegExp(`^(?:(${DOMAIN})/)?(${PATH})$`);
/** The longest repository path, registry host not counted. */
const PATH_MAX = 255;

/** Leading or trailing space as Go's strings.TrimSpace sees it (JS's trim differs: U+0085, U+FEFF). */
const GO_SPACE =
  "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const SPACE_AROUND = new RegExp(`^${GO_SPACE}|${GO_SPACE}$`);

/** Which part of a reference the kubelet would refuse (InvalidImageName), if any. */
export function malformedPart(image: string): "name" | "tag" | "digest" | undefined {
  const { name, tag, digest } = parseImage(image);
  if (!nameParses(name) || IDENTIFIER.test(image)) return "name";
  if (tag !== undefined && !TAG.test(tag)) return "tag";
  if (digest !== undefined && !DIGEST.test(digest)) return "digest";
  return undefined;
}

/**
 * ParseNormalizedNamed on a repository name: the first component is a registry host when it is
 * `localhost`, has a "." or ":", or has capitals (a path may not); otherwise the name is on
 * Docker Hub, whose one-component names live under `library/`. The path then has to be
 * lower-case and at most 255 characters, `library/` included.
 */
function nameParses(name: string): boolean {
  const slash = name.indexOf("/");
  const first = name.slice(0, slash);
  const hasHost =
    slash >= 0 && (first === "localhost" || /[.:]/.test(first) || first.toLowerCase() !== first);
  let host = hasHost ? first : "docker.io";
  let path = hasHost ? name.slice(slash + 1) : name;
  if (host === "index.docker.io") host = "docker.io";
  if (host === "docker.io" && !path.includes("/")) path = `library/${path}`;
  const match = NAME.exec(`${host}/${path}`);
  // Parse takes the host only when it matches the host grammar; else the whole is the path.
  return match !== null && (match[1] ? match[2]! : match[0]).length <= PATH_MAX;
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
