import {
  type Bundle,
  compareFindings,
  type Finding,
  type Result,
  summarize,
} from "@scout-deploy/core";

/** The bundle as the cluster of another answer gets it: a chart's render for helm upgrade. */
export interface OtherClusterBundle {
  bundle: Bundle;
  /** "helm upgrade", "a cluster that serves monitoring.coreos.com/v1". */
  cluster: string;
}

/**
 * The result of the bundle checked, with what the renders for other clusters add: a pass must
 * hold for the branch helm upgrade or a cluster serving an API takes too. Findings are compared
 * where the user edits them (`place`: on the template line): one the checked render has too
 * (the same rule and object, on the same field or the same place) is not repeated; one only
 * another render has is added, its message naming that render.
 */
export function withOtherClusters(
  result: Result,
  others: readonly OtherClusterBundle[],
  judge: (bundle: Bundle) => Result,
  place: (result: Result) => Result,
): Result {
  const placed = place(result);
  if (!others.length) return placed;
  const seen = new Set(placed.findings.flatMap(identitiesOf));
  const added = others.flatMap(({ bundle, cluster }) =>
    place(judge(bundle)).findings.flatMap((finding) => {
      const identities = identitiesOf(finding);
      if (identities.some((identity) => seen.has(identity))) return [];
      for (const identity of identities) seen.add(identity);
      return [{ ...finding, message: `in the render for ${cluster}: ${finding.message}` }];
    }),
  );
  if (!added.length) return placed;
  const findings = [...placed.findings, ...added].sort(compareFindings);
  const { files, objects, suppressed } = placed.summary;
  return {
    ...placed,
    findings,
    summary: summarize(findings, { files, objects, suppressed }, placed.failOn),
  };
}

/**
 * Who a finding is: its fingerprint (rule, object, field), and its rule and object where it
 * lands, since another render's field may sit at another index (an env item a branch adds
 * before it) while the user edits the same line.
 */
function identitiesOf(finding: Finding): string[] {
  const { kind, namespace, name } = finding.object ?? {};
  const at = [finding.ruleId, kind, namespace, name, finding.file, finding.line, finding.column];
  return [...(finding.fingerprint ? [finding.fingerprint] : []), at.join("\u0000")];
}
