import { compareFindings, type Finding, type Severity, severityRank } from "@scout-deploy/core";

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  title: string;
  message: string;
  file: string;
  line: number;
  endLine: number;
  /** GitHub honours columns only on one line: a finding over several lines has none. */
  column?: number;
  /** Inclusive, as GitHub draws it: the finding's last character. */
  endColumn?: number;
}

export interface AnnotationLimits {
  /** Annotations of one level GitHub shows per step. */
  perLevel: number;
  /** Annotations GitHub shows per job, all steps together. */
  perJob: number;
}

/**
 * GitHub's documented limits for annotations made by workflow commands: 10 error, 10 warning
 * and 10 notice annotations per step, 50 per job.
 */
export const GITHUB_ANNOTATION_LIMITS: AnnotationLimits = { perLevel: 10, perJob: 50 };

export interface AnnotationPlan {
  annotations: Annotation[];
  /** Findings left out by the limits, to be counted in the summary. */
  omitted: number;
  omittedBySeverity: Record<Severity, number>;
}

const LEVEL: Record<Severity, AnnotationLevel> = {
  error: "error",
  warning: "warning",
  info: "notice",
};

/**
 * The annotations to emit within the limits, the most severe first, and the count left out.
 * GitHub keeps the first ones of a step: `used` are those of each level the step has already
 * made, or keeps for itself (the failure message is an error annotation).
 */
export function planAnnotations(
  findings: readonly Finding[],
  limits: AnnotationLimits = GITHUB_ANNOTATION_LIMITS,
  used: Partial<Record<AnnotationLevel, number>> = {},
): AnnotationPlan {
  const ordered = [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || compareFindings(a, b),
  );
  const perLevel: Record<AnnotationLevel, number> = {
    error: used.error ?? 0,
    warning: used.warning ?? 0,
    notice: used.notice ?? 0,
  };
  const room = limits.perJob - perLevel.error - perLevel.warning - perLevel.notice;
  const omittedBySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const annotations: Annotation[] = [];
  for (const finding of ordered) {
    const level = LEVEL[finding.severity];
    if (perLevel[level] >= limits.perLevel || annotations.length >= room) {
      omittedBySeverity[finding.severity]++;
      continue;
    }
    perLevel[level]++;
    annotations.push(toAnnotation(finding, level));
  }
  return { annotations, omitted: findings.length - annotations.length, omittedBySeverity };
}

function toAnnotation(finding: Finding, level: AnnotationLevel): Annotation {
  const remediation = finding.remediation ? `\n${finding.remediation}` : "";
  return {
    level,
    title: finding.ruleId,
    message: `${finding.message}${remediation}`,
    file: finding.file,
    ...annotatedLines(finding),
  };
}

/**
 * The lines and, on one line, the columns a finding marks. A finding's end column is exclusive
 * (as in SARIF); GitHub's is the last character marked, and an empty extent marks its start.
 */
function annotatedLines(
  finding: Finding,
): Pick<Annotation, "line" | "endLine" | "column" | "endColumn"> {
  const { line, column, endLine = line, endColumn } = finding;
  if (endLine > line) return { line, endLine };
  const last = endColumn === undefined ? column : Math.max(column, endColumn - 1);
  return { line, endLine: line, column, endColumn: last };
}
