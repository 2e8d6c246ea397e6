import type { Bundle, BundleObject, Severity } from "@scout-deploy/core";

/**
 * What went wrong, in classes both engines can name: a wrong type (including int-or-string
 * mismatches), an unknown field, a missing required field, a value outside an enum, an
 * apiVersion of a built-in group that the Kubernetes version does not serve, and a kind with no
 * schema at all (a CRD).
 */
export type SchemaProblemCode =
  | "type"
  | "unknown-field"
  | "required"
  | "enum"
  | "unserved"
  | "no-schema"
  | "invalid"
  | "other";

export type SchemaRuleId = "input/schema" | "input/no-schema";

/** One schema violation, on an object, at a JSON Pointer relative to that object. */
export interface SchemaProblem {
  ruleId: SchemaRuleId;
  code: SchemaProblemCode;
  message: string;
  object: BundleObject;
  /** Names the offending field (or, for a missing field, where it should be). */
  pointer: string;
  severity: Severity;
  /**
   * An API-server refusal (`invalid`) with a cause of its own (a Windows pod's Linux-only
   * field): shown even where a rule of the pack reports the same field for another reason.
   */
  ownCause?: boolean;
}

export interface ValidateOptions {
  /** "1.36", "1.36.2" or "v1.36.2"; each engine has its default. */
  kubernetesVersion?: string;
}

/**
 * The port the engine calls: the embedded validator and kubeconform both implement it, so
 * `--schema embedded|kubeconform` only chooses which one is built.
 */
export interface SchemaValidator {
  readonly name: string;
  validate(bundle: Bundle, options?: ValidateOptions): Promise<SchemaProblem[]>;
}

const CODE_ORDER: Record<SchemaProblemCode, number> = {
  unserved: 0,
  "no-schema": 1,
  type: 2,
  enum: 3,
  required: 4,
  "unknown-field": 5,
  invalid: 6,
  other: 7,
};

/**
 * One problem per object and pointer (a value of the wrong type also fails its enum; say it
 * once), and for `input/no-schema` one per kind across the bundle. Sorted by object order,
 * then pointer. Both engines pass their results through this, so they can be compared.
 */
export function normalizeProblems(
  bundle: Bundle,
  problems: readonly SchemaProblem[],
): SchemaProblem[] {
  const order = new Map(bundle.objects.map((o, i) => [o, i]));
  const sorted = [...problems].sort(
    (a, b) =>
      (order.get(a.object) ?? 0) - (order.get(b.object) ?? 0) ||
      (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0) ||
      CODE_ORDER[a.code] - CODE_ORDER[b.code],
  );
  const seen = new Set<string>();
  return sorted.filter((problem) => {
    const { apiVersion, kind } = problem.object.ref;
    const key =
      problem.code === "no-schema"
        ? `kind\u0000${apiVersion}\u0000${kind}`
        : `${order.get(problem.object)}\u0000${problem.pointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
