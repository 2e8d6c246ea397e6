import {
  type Bundle,
  defineRule,
  isRecord,
  joinPointer,
  type Settings,
  z,
} from "@scout-deploy/core";
import { componentWorkloads, effectiveNamespace, scoutNamespace } from "../../support/index.js";

const LABEL = "pod-security.kubernetes.io/enforce";
const VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";
/**
 * The audit and warn modes enforce nothing, but Pod Security admission parses their labels as it
 * parses enforce's, and refuses to create a Namespace whose label it cannot parse.
 */
const OTHER_MODES = ["audit", "warn"] as const;

/** The Pod Security levels, weakest first; restricted also enforces everything baseline does. */
const LEVELS = ["privileged", "baseline", "restricted"];

/**
 * The oldest policy version (v1.N) at which each level checks all the guide asks: baseline's
 * seccomp field check came in v1.19; restricted's capabilities in v1.22 and runAsUser in v1.23.
 */
const COMPLETE_SINCE: Readonly<Record<string, number>> = { baseline: 19, restricted: 23 };

/** Pod Security admission's version syntax; anything else makes it refuse the Namespace. */
const VERSION = /^v1\.(0|[1-9][0-9]*)$/;

/**
 * The Scout namespace when the config or a sole Namespace object names it; else every namespace
 * where an identified Scout component runs (several deployments, or a decoy Namespace object beside
 * the real one, must not leave the real one unjudged).
 */
function scoutNamespaces(bundle: Bundle, settings: Settings): Set<string> {
  const named = scoutNamespace(bundle, settings);
  if (named) return new Set([named]);
  return new Set(
    componentWorkloads(bundle, settings).flatMap(({ object }) => {
      const namespace = effectiveNamespace(bundle, object);
      return namespace ? [namespace] : [];
    }),
  );
}

function isVersion(version: unknown): boolean {
  return version === "latest" || (typeof version === "string" && VERSION.test(version));
}

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
      invalid:
        'namespace {{name}} sets {{label}}: "{{actual}}", which Pod Security admission does not accept ({{expected}}): the API server refuses the Namespace',
      oldVersion:
        "namespace {{name}} enforces {{level}} as of {{actual}}, which lacks checks added since: pin v1.{{since}} or later, or latest",
    },
  },
  check(context) {
    const judged = scoutNamespaces(context.bundle, context.settings);
    const { level } = context.options;
    for (const object of context.bundle.objects) {
      const name = object.ref.name;
      if (object.value.kind !== "Namespace" || !name || !judged.has(name)) continue;
      const metadata = isRecord(object.value.metadata) ? object.value.metadata : {};
      const labels = isRecord(metadata.labels) ? metadata.labels : undefined;
      const actual = labels?.[LABEL];
      const report = (
        messageId: "missing" | "weaker" | "invalid" | "oldVersion",
        pointer: string,
        data: Record<string, unknown> = {},
      ) =>
        context.report({
          messageId,
          data: { name, label: LABEL, level, actual: String(actual), ...data },
          object,
          pointer,
          // Pod Security admission refuses to create the Namespace: a refusal is never a warning.
          ...(messageId === "invalid" ? { severity: "error" as const } : {}),
        });
      const levelHolds = typeof actual === "string" && strength(actual) >= strength(level);
      if (actual === undefined) {
        report("missing", labels ? "/metadata/labels" : "/metadata");
      } else if (typeof actual !== "string" || strength(actual) < 0) {
        report("invalid", joinPointer("/metadata/labels", LABEL), {
          expected: LEVELS.join(", "),
        });
      } else if (!levelHolds) {
        report("weaker", joinPointer("/metadata/labels", LABEL));
      }
      for (const mode of OTHER_MODES) {
        const label = `pod-security.kubernetes.io/${mode}`;
        const value = labels?.[label];
        if (value !== undefined && (typeof value !== "string" || strength(value) < 0))
          report("invalid", joinPointer("/metadata/labels", label), {
            label,
            actual: String(value),
            expected: LEVELS.join(", "),
          });
        const modeVersion = labels?.[`${label}-version`];
        if (modeVersion !== undefined && !isVersion(modeVersion))
          report("invalid", joinPointer("/metadata/labels", `${label}-version`), {
            label: `${label}-version`,
            actual: String(modeVersion),
            expected: '"latest" or v1.<minor>',
          });
      }
      const version = labels?.[VERSION_LABEL];
      if (version === undefined || version === "latest") continue;
      const pointer = joinPointer("/metadata/labels", VERSION_LABEL);
      const minor = typeof version === "string" ? VERSION.exec(version)?.[1] : undefined;
      if (minor === undefined) {
        report("invalid", pointer, {
          label: VERSION_LABEL,
          actual: String(version),
          expected: '"latest" or v1.<minor>',
        });
      } else if (levelHolds && Number(minor) < (COMPLETE_SINCE[level] ?? 0)) {
        report("oldVersion", pointer, { actual: version, since: COMPLETE_SINCE[level] });
      }
    }
  },
});
