import {
  type FailOn,
  type Finding,
  failsAt,
  fingerprintOfFinding,
  messageKey,
  type Result,
} from "@scout-deploy/core";
import { withoutPodGroups } from "@scout-deploy/netpol";

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
 *
 * A finding that stands for several merged ones (one rule on one config key, every rendered
 * object it decides) is unchanged only when the base had each of them: a component the change
 * adds under the same key is a new problem, not the old one. `baseMerges: false` is for a base
 * that does not say what its findings stood for (an earlier `--format json`): there, one of
 * them is enough.
 */
export function compareResults(
  base: readonly Finding[],
  head: Pick<Result, "findings" | "suppressed" | "failOn">,
  failOn: FailOn = head.failOn,
  baseMerges = true,
): Comparison {
  const printsOf = (finding: Finding) => finding.merged ?? [fingerprintOfFinding(finding)];
  const remaining = countBy(
    base.flatMap((f) => (baseMerges ? printsOf(f) : [fingerprintOfFinding(f)])),
  );
  // A merged base finding's message names every place it stood for: it says nothing about one.
  const baseMessages = messagesByPrint(baseMerges ? base.filter((f) => !f.merged) : base);
  // Messages of one rule on one field are one finding under the first one's fingerprint: it is
  // unchanged only when the base said each of them too (no readinessProbe added to an old "no
  // livenessProbe" is news).
  const take = (finding: Finding): boolean => {
    let every = true;
    let some = false;
    for (const print of printsOf(finding)) {
      const left = remaining.get(print) ?? 0;
      if (left > 0) remaining.set(print, left - 1);
      every &&= left > 0;
      some ||= left > 0;
    }
    if (finding.merged) return baseMerges ? every : some;
    if (!every) return false;
    const said = baseMessages.get(fingerprintOfFinding(finding));
    return !said || messageParts(finding.message).every((part) => said.has(part));
  };
  const findings = head.findings.map(
    (finding): MarkedFinding => ({ ...finding, baseline: take(finding) ? "unchanged" : "new" }),
  );
  const missed = head.suppressed.filter((finding) => !take(finding));
  // A base finding is fixed when the head has none of what it stood for.
  const unmatched: Finding[] = [];
  for (const finding of base) {
    const prints = baseMerges ? printsOf(finding) : [fingerprintOfFinding(finding)];
    if (!prints.every((print) => (remaining.get(print) ?? 0) > 0)) continue;
    for (const print of prints) remaining.set(print, (remaining.get(print) ?? 0) - 1);
    unmatched.push(finding);
  }
  const fixed = matchAcrossFingerprintChanges(unmatched, findings, missed);
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

/**
 * A base saved by an earlier version can name a finding by a fingerprint this version computes
 * differently (the identity of an object written twice changed once): a head finding the
 * fingerprints left new is still the base's when its rule, object, path and message (numbers
 * of places left out) are the same as those of a base finding nothing else matched. Returns
 * the base findings left: the fixed. Merged findings name several places: they are not matched.
 */
function matchAcrossFingerprintChanges(
  unmatched: readonly Finding[],
  findings: MarkedFinding[],
  suppressed: readonly Finding[],
): Finding[] {
  const looseKey = ({ fingerprint: _, ...finding }: Finding) => fingerprintOfFinding(finding);
  const left = new Map<string, Finding[]>();
  for (const finding of unmatched) {
    if (finding.merged) continue;
    const key = looseKey(finding);
    left.set(key, [...(left.get(key) ?? []), finding]);
  }
  const claim = (finding: Finding): boolean => {
    if (finding.merged) return false;
    const candidates = left.get(looseKey(finding));
    return candidates !== undefined && candidates.shift() !== undefined;
  };
  for (const finding of findings) {
    if (finding.baseline === "new" && claim(finding)) finding.baseline = "unchanged";
  }
  for (const finding of suppressed) claim(finding);
  const stillLeft = new Set([...left.values()].flat());
  return unmatched.filter((finding) => finding.merged || stillLeft.has(finding));
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

/**
 * The parts as the fingerprint reads a message: line and column numbers left out, and the pod
 * groups of an object (`redis (pods redis-1, redis-2)`), which a selector of one side alone may
 * make: what is said about the object's pods stays said.
 */
function messageParts(message: string): string[] {
  return message.split("; ").map((part) => messageKey(withoutPodGroups(part)));
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
