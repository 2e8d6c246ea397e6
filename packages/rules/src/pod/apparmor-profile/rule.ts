import {
  defineRule,
  isRecord,
  joinPointer,
  metadataPointerOf,
  podTemplates,
} from "@scout-deploy/core";
import { placeOf, securityContextsOf } from "../../support/index.js";

const ALLOWED_TYPES = new Set(["RuntimeDefault", "Localhost"]);
/** The annotation Kubernetes read before 1.30 and still honours when the field is unset. */
const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/** An empty value asks for the default profile, as Pod Security admission and the kubelet read it. */
function allowedAnnotation(value: unknown): boolean {
  return (
    value === "" ||
    value === "runtime/default" ||
    (typeof value === "string" && value.startsWith("localhost/"))
  );
}

/**
 * Why the API server refuses an appArmorProfile field (validateAppArmorProfileField), if it does:
 * Localhost names a profile loaded on the node, so its name is required, and only there.
 */
function refusal(profile: Record<string, unknown>): string | undefined {
  const name = profile.localhostProfile;
  if (profile.type === "Localhost") {
    if (typeof name !== "string" || name.trim() === "") {
      return "localhostProfile must be set when AppArmor type is Localhost";
    }
    if (name.trim() !== name) return "localhostProfile must not be padded with whitespace";
    return undefined;
  }
  if (ALLOWED_TYPES.has(String(profile.type)) || profile.type === "Unconfined") {
    return name == null
      ? undefined
      : "localhostProfile can only be set when AppArmor type is Localhost";
  }
  return undefined;
}

export const apparmorProfile = defineRule({
  id: "pod/apparmor-profile",
  meta: {
    severity: "error",
    description:
      "No pod or container turns AppArmor off: appArmorProfile.type and the AppArmor annotation are unset, RuntimeDefault or Localhost (Pod Security Standards, baseline).",
    remediation:
      "Remove the Unconfined profile: set securityContext.appArmorProfile.type: RuntimeDefault (or drop the annotation).",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      field: '{{place}} sets appArmorProfile.type "{{type}}"; use RuntimeDefault or Localhost',
      refused:
        "{{place}} sets an appArmorProfile the API server refuses ({{reason}}): the object is never created",
      annotation:
        'the annotation for container "{{container}}" sets AppArmor profile "{{value}}"; use runtime/default or localhost/<profile>',
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      for (const at of securityContextsOf(template)) {
        const profile = at.context.appArmorProfile;
        const type = isRecord(profile) ? profile.type : undefined;
        const reason = isRecord(profile) ? refusal(profile) : undefined;
        if (reason !== undefined) {
          context.report({
            messageId: "refused",
            data: { place: placeOf(at), reason },
            object: template.object,
            pointer: joinPointer(at.pointer, "appArmorProfile"),
          });
          continue;
        }
        if (type === undefined || (typeof type === "string" && ALLOWED_TYPES.has(type))) continue;
        context.report({
          messageId: "field",
          data: { place: placeOf(at), type: String(type) },
          object: template.object,
          pointer: joinPointer(at.pointer, "appArmorProfile", "type"),
        });
      }
      const annotations = isRecord(template.metadata.annotations)
        ? template.metadata.annotations
        : {};
      for (const [key, value] of Object.entries(annotations)) {
        if (!key.startsWith(ANNOTATION_PREFIX) || allowedAnnotation(value)) continue;
        context.report({
          messageId: "annotation",
          data: { container: key.slice(ANNOTATION_PREFIX.length), value: String(value) },
          object: template.object,
          pointer: metadataPointerOf(template, "annotations", key),
        });
      }
    }
  },
});
