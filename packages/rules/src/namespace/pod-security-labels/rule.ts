import { defineRule, isRecord, joinPointer, z } from "@scout-deploy/core";
import { scoutNamespace } from "../../support/index.js";

const LABEL = "pod-security.kubernetes.io/enforce";

/** The Pod Security levels, weakest first; restricted also enforces everything baseline does. */
const LEVELS = ["privileged", "baseline", "restricted"];

function strength(level: string): number {
  return LEVELS.indexOf(level);
}

const options = z
  .object({
    /** The Pod Security Standards level to enforce. @default "restricted" */
    level: z.enum(["restricted", "baseline"]).default("restricted"),
  })
  .strict();

export const podSecurityLabels = defineRule({
  id: "namespace/pod-security-labels",
  meta: {
    severity: "warning",
    description: "The Scout namespace carries pod-security.kubernetes.io/enforce: restricted.",
    remediation: "Label the Scout Namespace with pod-security.kubernetes.io/enforce: restricted.",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    options,
    messages: {
      missing:
        "namespace {{name}} does not enforce a Pod Security Standard: label {{label}}: {{level}}",
      weaker: 'namespace {{name}} enforces "{{actual}}", expected "{{level}}"',
    },
  },
  check(context) {
    const name = scoutNamespace(context.bundle, context.settings);
    if (!name) return;
    const { level } = context.options;
    for (const object of context.bundle.objects) {
      if (object.value.kind !== "Namespace" || object.ref.name !== name) continue;
      const metadata = isRecord(object.value.metadata) ? object.value.metadata : {};
      const labels = isRecord(metadata.labels) ? metadata.labels : undefined;
      const actual = labels?.[LABEL];
      if (typeof actual === "string" && strength(actual) >= strength(level)) continue;
      const data = { name, label: LABEL, level, actual: String(actual) };
      if (actual === undefined) {
        context.report({
          messageId: "missing",
          data,
          object,
          pointer: labels ? "/metadata/labels" : "/metadata",
        });
      } else {
        context.report({
          messageId: "weaker",
          data,
          object,
          pointer: joinPointer("/metadata/labels", LABEL),
        });
      }
    }
  },
});
