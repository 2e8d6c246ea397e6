import { defineRule, isRecord, joinPointer, podTemplates } from "@scout-deploy/core";
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
      annotation:
        'the annotation for container "{{container}}" sets AppArmor profile "{{value}}"; use runtime/default or localhost/<profile>',
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      for (const at of securityContextsOf(template)) {
        const profile = at.context.appArmorProfile;
        const type = isRecord(profile) ? profile.type : undefined;
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
          pointer: joinPointer(template.metadataPointer, "annotations", key),
        });
      }
    }
  },
});
