export type Severity = "error" | "warning" | "info";
/** The levels a run may fail on, most severe first; "never" always passes. */
export const FAIL_ON = ["error", "warning", "info", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

/** True when a finding of `severity` fails a run whose threshold is `failOn`. */
export function failsAt(severity: Severity, failOn: FailOn): boolean {
  return failOn !== "never" && severityRank(severity) >= severityRank(failOn);
}

/**
 * A place in a file the user wrote. `line` and `column` are 1-based. The extent, when known,
 * ends before `endLine`:`endColumn` (exclusive, as in SARIF): the text the user edits.
 */
export interface Position {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  object?: ObjectRef;
  file: string;
  line: number;
  column: number;
  /**
   * Where the text the finding is about ends (exclusive column): the offending value, or the
   * key when the value is absent. Not part of the fingerprint, nor of the finding's identity.
   */
  endLine?: number;
  endColumn?: number;
  /** JSON Pointer into the object (or the document when there is no object). */
  path?: string;
  remediation?: string;
  helpUri?: string;
  /**
   * Who this finding is across edits: rule, object, JSON path and what tells it apart from
   * other findings of the rule on that field. Line numbers and message text take no part.
   * `evaluate` always sets it.
   */
  fingerprint?: string;
  /** In a comparison with a base: whether the base had this finding too. */
  baseline?: "new" | "unchanged";
  /**
   * The deployment instance of the object ("staging", "staging/shop-a"), for reports that group
   * by it. Not part of the JSON output contract.
   */
  instance?: string;
  /**
   * The fingerprints of the findings one finding stands for when several of one rule on one
   * config key were merged, so a comparison with the base matches each of them. Not part of the
   * JSON output contract.
   */
  merged?: readonly string[];
  /**
   * Where the finding sits in rendered text, when the user edits another file: for input
   * rendered by Helm or Kustomize, file and line are on the template, values file, resource
   * or patch; for a manifest rendered from the config file, on the config key that decided it.
   */
  rendered?: RenderedLocation;
}

/** A place in rendered text: its file (with the folder it was written to), line, pointer. */
export interface RenderedLocation {
  file: string;
  line: number;
  /** JSON Pointer into the rendered object. */
  path?: string;
}

export interface SuppressedFinding extends Finding {
  suppression: { source: "annotation" | "config"; reason: string };
}

export interface Summary {
  files: number;
  objects: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  suppressed: number;
  /** In a comparison with a base, `passed` is decided on the new findings only. */
  passed: boolean;
  new?: number;
  unchanged?: number;
  fixed?: number;
}

export interface Result {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  summary: Summary;
  failOn: FailOn;
  /** In a comparison with a base: the base's findings the head no longer has. */
  fixed?: Finding[];
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.message, b.message)
  );
}

/**
 * The finding put at `position`: its file, start and, when the position has one, its extent
 * (an extent the finding had elsewhere never stays behind).
 */
export function placedAt<F extends Finding>(finding: F, position: Position): F {
  const { endLine: _line, endColumn: _column, ...rest } = finding;
  return { ...(rest as F), ...position };
}

/** "file:12:7", or "file:12:7-12:19" when the position has an extent. */
export function formatRange(position: Position): string {
  const start = `${position.file}:${position.line}:${position.column}`;
  if (position.endLine === undefined || position.endColumn === undefined) return start;
  return `${start}-${position.endLine}:${position.endColumn}`;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function summarize(
  findings: readonly Finding[],
  counts: { files: number; objects: number; suppressed: number },
  failOn: FailOn,
): Summary {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) bySeverity[finding.severity]++;
  return {
    ...counts,
    findings: findings.length,
    bySeverity,
    passed: !findings.some((f) => failsAt(f.severity, failOn)),
  };
}
