import {
  type Bundle,
  containersOf,
  defineRule,
  isRecord,
  joinPointer,
  malformedPart,
  POD_TEMPLATE_KINDS,
  type PodTemplate,
  parseImage,
  podTemplates,
  reportKey,
  SPACE_AROUND,
  specPointerOf,
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
      const report = (messageId: MessageId, data: Record<string, string> = {}, refused = false) =>
        context.report({
          // What the API server refuses is never a warning: the gate would pass an object that
          // is never created (its validation does not reach input/schema's embedded checks).
          ...(refused ? { severity: "error" as const } : {}),
          messageId,
          data: { place: use.place, image: shown(use.image), ...data },
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
      if (messageId === "noImage") report("noImage", { field: use.field }, refusedByApiServer(use));
      else if (messageId === "spaces")
        report(
          "spaces",
          { refused: refusedPods(use.template) },
          use.template.object.value.kind === "Pod" && refusedByApiServer(use),
        );
      else if (messageId === "malformed") report("malformed", { part: malformedPart(use.image)! });
      else if (messageId) report(messageId);
    }
  },
});

/** The image as the message shows it: quoted, with escapes, when it has spaces or invisible characters. */
function shown(image: string): string {
  if (/^[\x21-\x7e]*$/.test(image)) return image;
  const escaped = [...image].map((char) => {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === "\\") return `\\${char}`;
    if (code >= 0x20 && code < 0x7f) return char;
    if (char === "\t") return "\\t";
    if (char === "\n") return "\\n";
    return `\\u{${code.toString(16)}}`;
  });
  return `"${escaped.join("")}"`;
}

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
  // A digest wins over a tag: containerd pulls by the digest (reference.ParseDockerRef drops the tag).
  if (digest) return undefined;
  if (tag === undefined) return "noTag";
  if (tag === "latest") return "latest";
  return requireDigest ? "noDigest" : undefined;
}

/** The built-in kinds whose pod templates the API server validates (a custom resource's it does not). */
const BUILT_IN_WORKLOAD_API = new Set(["v1", "apps/v1", "batch/v1"]);

function refusedByApiServer(use: ImageUse): boolean {
  const { apiVersion, kind } = use.template.object.value;
  return BUILT_IN_WORKLOAD_API.has(apiVersion) && POD_TEMPLATE_KINDS.includes(kind);
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
      // A patch over an operator's container keeps the operator's image.
      if (image == null && template.partial) continue;
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
      const source = specPointerOf(template, "volumes", v, "image");
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
