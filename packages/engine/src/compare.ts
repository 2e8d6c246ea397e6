import {
  type FailOn,
  type Finding,
  failsAt,
  fingerprintOfFinding,
  messageKey,
  type Result,
} from "@scout-deploy/core";

export type BaselineStatus = "new" | "unchanged";

export interface MarkedFinding extends Finding {
  baseline: BaselineStatus;
}

export interface ComparisonSummary {
  new: number;
  unchanged: number;
  fixed: number;
  /** Decided on new findings only: no new finding at or above the threshold. */
  passed: boolean;
}

export interface Comparison {
  /** The head's findings, in the head's order, each marked new or unchanged. */
  findings: MarkedFinding[];
  /** Base findings the head no longer has (and does not merely suppress). */
  fixed: Finding[];
  summary: ComparisonSummary;
}

/**
 * Which of the head's findings the base already had, by fingerprint. Fingerprints are
 * counted, so a head with two findings where the base had one reports one as new.
 */
export function compareResults(
  base: readonly Finding[],
  head: Pick<Result, "findings" | "suppressed" | "failOn">,
  failOn: FailOn = head.failOn,
): Comparison {
  const remaining = countBy(base.map(fingerprintOfFinding));
  const baseMessages = messagesByPrint(base);
  // A finding that stands for several merged ones (one rule on one config key) had the base's
  // finding when any of them did. Messages of one rule on one field are one finding under the
  // first one's fingerprint: it is unchanged only when the base said each of them too (no
  // readinessProbe added to an old "no livenessProbe" is news).
  const take = (finding: Finding): boolean => {
    let had = false;
    for (const print of finding.merged ?? [fingerprintOfFinding(finding)]) {
      const left = remaining.get(print) ?? 0;
      if (left > 0) remaining.set(print, left - 1);
      had ||= left > 0;
    }
    if (!had || finding.merged) return had;
    const said = baseMessages.get(fingerprintOfFinding(finding)) ?? new Set();
    return messageParts(finding.message).every((part) => said.has(part));
  };
  const findings = head.findings.map(
    (finding): MarkedFinding => ({ ...finding, baseline: take(finding) ? "unchanged" : "new" }),
  );
  for (const finding of head.suppressed) take(finding);
  const fixed: Finding[] = [];
  for (const finding of base) {
    const print = fingerprintOfFinding(finding);
    const left = remaining.get(print) ?? 0;
    if (left === 0) continue;
    remaining.set(print, left - 1);
    fixed.push(finding);
  }
  const fresh = findings.filter((f) => f.baseline === "new");
  return {
    findings,
    fixed,
    summary: {
      new: fresh.length,
      unchanged: findings.length - fresh.length,
      fixed: fixed.length,
      passed: !fresh.some((f) => failsAt(f.severity, failOn)),
    },
  };
}

/** Each base fingerprint's message parts (evaluate joins one field's messages with "; "). */
function messagesByPrint(base: readonly Finding[]): Map<string, Set<string>> {
  const said = new Map<string, Set<string>>();
  for (const finding of base) {
    const print = fingerprintOfFinding(finding);
    const parts = said.get(print) ?? new Set<string>();
    for (const part of messageParts(finding.message)) parts.add(part);
    said.set(print, parts);
  }
  return said;
}

/** The parts as the fingerprint reads a message: line and column numbers left out. */
function messageParts(message: string): string[] {
  return message.split("; ").map(messageKey);
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
