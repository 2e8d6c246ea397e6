import type { Bundle, BundleObject, InputProblem } from "./bundle.js";
import {
  defaultPolicy,
  formatPosition,
  type Locate,
  type PolicyConfig,
  parseWithSchema,
} from "./config.js";
import { ConfigurationError } from "./errors.js";
import { fingerprintOf, messageKey, reportKey } from "./fingerprint.js";
import { matchesRuleId } from "./glob.js";
import { clusterIdentity } from "./identity.js";
import { inputRules } from "./input-rules.js";
import { instanceOf } from "./instance.js";
import {
  compareFindings,
  type Finding,
  type Position,
  type Result,
  type Severity,
  type SuppressedFinding,
  severityRank,
  summarize,
} from "./model.js";
import { effectiveNamespace, placedRef } from "./namespaces.js";
import { escapeSegment, getAtPointer } from "./pointer.js";
import { type AnyRule, formatMessage, type RuleReport } from "./rule.js";
import { didYouMean } from "./suggest.js";
import { createSuppressor, type Suppression } from "./suppressions.js";
import { positionInString } from "./text-position.js";

export interface EvaluateOptions {
  /** The clock for suppression expiry. */
  now?: Date;
  /** Input problems found outside the bundle (schema validation), reported beside its own. */
  problems?: readonly InputProblem[];
  /** Where the config's values sit, so a mistake in `policy.rules` names its line. */
  locate?: Locate;
  /** The targeted Kubernetes version, for the rules (RuleContext.kubernetesVersion). */
  kubernetesVersion?: string;
}

interface Candidate {
  finding: Finding;
  object?: BundleObject;
  /** What tells the finding apart from the rule's others on the same field. */
  key: string;
  /** See InputProblem.yieldsToRules. */
  yieldsToRules?: boolean;
  /** See RuleReport.yieldsTo. */
  yieldsTo?: readonly string[];
}

interface ActiveRule {
  rule: AnyRule;
  severity: Severity;
  /** The user chose the severity: it wins over a report's own. */
  overridden: boolean;
  options: Record<string, unknown>;
}

/** Runs the rules over a bundle: sorted findings, suppressions applied, a summary. */
export function evaluate(
  rules: readonly AnyRule[],
  bundle: Bundle,
  config: PolicyConfig = defaultPolicy(),
  options: EvaluateOptions = {},
): Result {
  const all = [...inputRules, ...rules];
  const active = activeRules(all, config, options.locate);
  const byId = new Map(active.map((a) => [a.rule.id, a]));
  const candidates: Candidate[] = [];
  const emit = (
    ruleId: string,
    message: string,
    position: Position,
    extra: Partial<Finding> = {},
    object?: BundleObject,
    yieldsToRules?: boolean,
  ) => {
    const rule = byId.get(ruleId);
    if (rule) {
      const finding = baseFinding(rule, message, position, extra);
      candidates.push({ finding, object, key: messageKey(message), yieldsToRules });
    } else if (!all.some((r) => r.id === ruleId)) {
      throw new Error(`a problem was reported under ${ruleId}, which no rule defines`);
    }
  };

  for (const problem of [...bundle.problems, ...(options.problems ?? [])]) {
    const extra: Partial<Finding> = problem.path !== undefined ? { path: problem.path } : {};
    if (problem.object) extra.object = placedRef(bundle, problem.object);
    emit(
      problem.ruleId,
      problem.message,
      problem.position,
      extra,
      problem.object,
      problem.yieldsToRules,
    );
  }
  for (const entry of active) {
    if (entry.rule.id.startsWith("input/") || entry.rule.id.startsWith("suppression/")) continue;
    runRule(
      entry,
      bundle,
      config,
      candidates,
      bundle.files[0] ?? "<input>",
      options.kubernetesVersion,
      (ruleId) => byId.get(ruleId)?.options ?? ruleOptionsOf(all, ruleId, config),
    );
  }
  const known = (pattern: string) => all.some((r) => matchesRuleId(r.id, pattern));
  const suppressor = createSuppressor(bundle, config, known, options.now ?? new Date());
  // Before the suppressor's own problems (suppression/*) are emitted: those are never suppressed.
  const suppressionOf = new Map<Candidate, Suppression>();
  for (const candidate of candidates) {
    const suppression = suppressor.suppressionFor(candidate.finding, candidate.object);
    if (suppression) suppressionOf.set(candidate, suppression);
  }
  dropWhatOthersSay(candidates, (candidate) => !suppressionOf.has(candidate));
  for (const problem of suppressor.problems) {
    const extra: Partial<Finding> = problem.path ? { path: problem.path } : {};
    if (problem.object) extra.object = placedRef(bundle, problem.object);
    emit(problem.ruleId, problem.message, problem.position, extra);
  }

  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  identifyAll(candidates, bundle);
  for (const candidate of candidates) {
    const { finding } = candidate;
    const suppression = suppressionOf.get(candidate);
    if (suppression) suppressed.push({ ...finding, suppression });
    else findings.push(finding);
  }
  findings.sort(compareFindings);
  suppressed.sort(compareFindings);
  const merged = mergeOnOneField(findings);
  const counts = {
    files: bundle.files.length,
    objects: bundle.objects.length,
    suppressed: suppressed.length,
  };
  return {
    findings: merged,
    suppressed,
    summary: summarize(merged, counts, config.failOn),
    failOn: config.failOn,
  };
}

/**
 * One cause, one finding: drops what another finding on the same object and field already says.
 * An input problem that yields to the rules goes when a rule reports there at least as severely
 * (a refusal the rule reports only as a warning would let the gate pass an object the API server
 * refuses); a rule's report goes when a rule it yields to (RuleReport.yieldsTo) reports there.
 * Only findings that `speaks` count: a suppressed finding waives its own rule, not the others
 * that yield to it (suppressing pod/no-host-namespaces for an agent that needs the node's network
 * must not also hide that no NetworkPolicy applies to it, nor that the API server refuses it).
 */
function dropWhatOthersSay(
  candidates: Candidate[],
  speaks: (candidate: Candidate) => boolean,
): void {
  if (!candidates.some((c) => c.yieldsToRules || c.yieldsTo)) return;
  const fields = new Map<BundleObject, Map<string, { rank: number; rules: Set<string> }>>();
  const fieldOf = ({ object, finding }: Candidate) => {
    if (!object) return undefined;
    const byPath = fields.get(object) ?? new Map<string, { rank: number; rules: Set<string> }>();
    fields.set(object, byPath);
    const path = finding.path ?? "";
    const field = byPath.get(path) ?? { rank: 0, rules: new Set<string>() };
    byPath.set(path, field);
    return field;
  };
  for (const candidate of candidates) {
    const field = speaks(candidate) ? fieldOf(candidate) : undefined;
    if (!field) continue;
    const { ruleId, severity } = candidate.finding;
    field.rules.add(ruleId);
    if (!ruleId.startsWith("input/")) field.rank = Math.max(field.rank, severityRank(severity));
  }
  let kept = 0;
  for (const candidate of candidates) {
    const field = fieldOf(candidate);
    const said =
      field !== undefined &&
      ((candidate.yieldsToRules === true &&
        field.rank >= severityRank(candidate.finding.severity)) ||
        candidate.yieldsTo?.some((owner) => field.rules.has(owner)) === true);
    if (!said) candidates[kept++] = candidate;
  }
  candidates.length = kept;
}

/**
 * Several messages of one rule on one field (no liveness and no readiness probe on a container)
 * are one finding: one cause, one line to fix. Findings come sorted, so these are neighbours.
 * The merged finding keeps its first message's fingerprint, so it stays one finding across runs.
 */
function mergeOnOneField(sorted: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const finding of sorted) {
    const last = out[out.length - 1];
    if (last && sameField(last, finding)) {
      if (!last.message.split("; ").includes(finding.message))
        out[out.length - 1] = { ...last, message: `${last.message}; ${finding.message}` };
    } else out.push(finding);
  }
  return out;
}

function sameField(a: Finding, b: Finding): boolean {
  return (
    a.ruleId === b.ruleId &&
    a.severity === b.severity &&
    a.file === b.file &&
    a.line === b.line &&
    a.column === b.column &&
    a.path === b.path &&
    a.object?.kind === b.object?.kind &&
    a.object?.namespace === b.object?.namespace &&
    a.object?.name === b.object?.name
  );
}

function activeRules(
  rules: readonly AnyRule[],
  config: PolicyConfig,
  locate: Locate | undefined,
): ActiveRule[] {
  const ids = new Set(rules.map((r) => r.id));
  for (const key of Object.keys(config.rules)) {
    if (!rules.some((rule) => matchesRuleId(rule.id, key))) {
      const where = locate
        ? `${formatPosition(locate(`/policy/rules/${escapeSegment(key)}`))}: `
        : "";
      throw new ConfigurationError(
        `${where}policy.rules: unknown rule "${key}"${unknownRuleHint(key, ids)}`,
      );
    }
  }
  refuseUnknownSuppressedRules(rules, config, ids);
  const active: ActiveRule[] = [];
  for (const rule of [...rules].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const setting = settingFor(rule.id, config);
    const chosen =
      typeof setting === "string" ? setting : (setting?.severity ?? rule.meta.severity);
    if (chosen === "off") continue;
    const options = optionsFor(rule, setting, locate);
    const overridden = typeof setting === "string" || setting?.severity !== undefined;
    active.push({ rule, severity: chosen, overridden, options });
  }
  return active;
}

/** A config suppression naming no rule (a typo) would suppress nothing and say nothing. */
function refuseUnknownSuppressedRules(
  rules: readonly AnyRule[],
  config: PolicyConfig,
  ids: Set<string>,
) {
  for (const suppression of config.suppressions) {
    const unknown = suppression.rules.find((p) => !rules.some((rule) => matchesRuleId(rule.id, p)));
    if (unknown === undefined) continue;
    const where = suppression.position ? `${formatPosition(suppression.position)}: ` : "";
    throw new ConfigurationError(
      `${where}policy.suppressions: unknown rule "${unknown}"${unknownRuleHint(unknown, ids)}`,
    );
  }
}

/** A rule's options as the policy sets them, after its schema. */
function optionsFor(
  rule: AnyRule,
  setting: ReturnType<typeof settingFor>,
  locate?: Locate,
): Record<string, unknown> {
  const raw = typeof setting === "object" ? (setting.options ?? {}) : {};
  return rule.meta.options
    ? (parseWithSchema(
        rule.meta.options,
        raw,
        locate,
        `/policy/rules/${escapeSegment(rule.id)}/options`,
      ) as Record<string, unknown>)
    : raw;
}

/** The options of a rule that does not run (off, or not among the run's): see RuleContext.ruleOptions. */
function ruleOptionsOf(
  rules: readonly AnyRule[],
  ruleId: string,
  config: PolicyConfig,
): Record<string, unknown> {
  const setting = settingFor(ruleId, config);
  const rule = rules.find((r) => r.id === ruleId);
  if (rule) return optionsFor(rule, setting);
  return typeof setting === "object" ? (setting.options ?? {}) : {};
}

/**
 * The severity the policy gives a rule (its own id, its area, "*"), else the rule's default;
 * "off" when it does not run. What reports show as the rule's level.
 */
export function configuredSeverity(rule: AnyRule, config: PolicyConfig): Severity | "off" {
  const setting = settingFor(rule.id, config);
  return typeof setting === "string" ? setting : (setting?.severity ?? rule.meta.severity);
}

/**
 * A rule's setting: its own id first, then its area ("pod/*"), then "*". Wildcards never
 * reach input/* and suppression/* unless they name that area: turning "everything" off must
 * not silently skip unparsable files.
 */
function settingFor(ruleId: string, config: PolicyConfig) {
  const area = `${ruleId.split("/")[0]}/*`;
  const exact = config.rules[ruleId] ?? config.rules[area];
  if (exact !== undefined) return exact;
  return BUILT_IN_AREAS.some((a) => ruleId.startsWith(a)) ? undefined : config.rules["*"];
}

const BUILT_IN_AREAS = ["input/", "suppression/"];

function unknownRuleHint(id: string, ids: Set<string>): string {
  const suggestion = didYouMean(id, ids);
  if (suggestion) return suggestion;
  const area = id.split("/")[0];
  const same = [...ids].filter((known) => known.startsWith(`${area}/`));
  return same.length ? ` (rules of ${area}/: ${same.join(", ")})` : "";
}

function runRule(
  entry: ActiveRule,
  bundle: Bundle,
  config: PolicyConfig,
  candidates: Candidate[],
  fallbackFile: string,
  kubernetesVersion: string | undefined,
  ruleOptions: (ruleId: string) => Record<string, unknown>,
) {
  const report = (r: RuleReport) => {
    const pointer = r.pointer ?? "";
    const position = positionOf(r, pointer);
    const message = formatMessage(entry.rule, r.messageId, r.data);
    const severity = entry.overridden ? entry.severity : (r.severity ?? entry.severity);
    const finding = baseFinding({ ...entry, severity }, message, position, {
      object: placedRef(bundle, r.object),
      path: pointer,
      ...instanceField(bundle, r.object),
    });
    const key = reportKey(r.messageId, r.data);
    candidates.push({
      finding,
      object: r.object,
      key: r.key === undefined ? key : `${r.messageId}\u0001${r.key}`,
      ...(r.yieldsTo ? { yieldsTo: r.yieldsTo } : {}),
    });
  };
  try {
    entry.rule.check({
      bundle,
      settings: config.settings,
      options: entry.options,
      kubernetesVersion,
      ruleOptions,
      report,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = { file: fallbackFile, line: 1, column: 1 };
    const crashed = { ...entry, severity: "error" as const };
    const finding = baseFinding(
      crashed,
      `rule failed to run, so nothing it checks was judged: ${reason}`,
      position,
      {},
    );
    candidates.push({ finding, key: "rule-failed" });
  }
}

/** The deployment a finding belongs to, for reports that group by it; none for cluster-wide objects. */
function instanceField(bundle: Bundle, object: BundleObject): Pick<Finding, "instance"> {
  if (object.value.kind === "Namespace" && object.ref.name) return { instance: object.ref.name };
  return effectiveNamespace(bundle, object) === undefined
    ? {}
    : { instance: instanceOf(object).name };
}

/** The field's position, or the position inside its string value the report names. */
export function positionOf(r: RuleReport, pointer = r.pointer ?? ""): Position {
  const field = r.object.document.locate(r.object.pointer + pointer);
  if (!r.within) return field;
  const value = getAtPointer(r.object.value, pointer);
  if (typeof value !== "string") return field;
  const inside = positionInString(r.object.document.file.text, field, value, r.within);
  return inside ? { file: field.file, ...inside } : field;
}

function baseFinding(
  entry: ActiveRule,
  message: string,
  position: Position,
  extra: Partial<Finding>,
): Finding {
  const { rule, severity } = entry;
  const finding: Finding = {
    ruleId: rule.id,
    severity,
    message,
    ...extra,
    file: position.file,
    line: position.line,
    column: position.column,
    ...extentOf(position),
    remediation: rule.meta.remediation,
  };
  if (rule.meta.docs) finding.helpUri = rule.meta.docs;
  return finding;
}

function extentOf(position: Position): Pick<Finding, "endLine" | "endColumn"> {
  return position.endLine === undefined || position.endColumn === undefined
    ? {}
    : { endLine: position.endLine, endColumn: position.endColumn };
}

/**
 * Every finding's fingerprint. Findings that would still share one (a problem repeated in
 * several documents of a file) are told apart by their document's index in the file, then by
 * their order there: both stay when lines are inserted above.
 */
function identifyAll(candidates: readonly Candidate[], bundle: Bundle): void {
  const occurrence = occurrences(bundle);
  const keys = new Map<Candidate, string>();
  for (const candidate of candidates) {
    keys.set(candidate, `${candidate.key}${occurrence(candidate.object)}`);
    identify(candidate.finding, keys.get(candidate)!);
  }
  const groups = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const print = candidate.finding.fingerprint!;
    groups.set(print, [...(groups.get(print) ?? []), candidate]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const ordered = [...group].sort((a, b) => compareFindings(a.finding, b.finding));
    const seen = new Map<number, number>();
    for (const candidate of ordered) {
      const document = documentIndex(bundle, candidate.finding);
      const nth = seen.get(document) ?? 0;
      seen.set(document, nth + 1);
      identify(candidate.finding, `${keys.get(candidate)}\u0003${document}\u0003${nth}`);
    }
  }
}

/** The index, in its file, of the document a finding's position falls in. */
function documentIndex(bundle: Bundle, finding: Finding): number {
  let index = 0;
  for (const document of bundle.documents) {
    if (document.file.path !== finding.file) continue;
    if (document.locate("").line <= finding.line) index = document.index;
  }
  return index;
}

/** Sets the finding's fingerprint: what it is about, never where its lines happen to be. */
function identify(finding: Finding, key: string): void {
  finding.fingerprint = fingerprintOf({
    ruleId: finding.ruleId,
    ...(finding.object ? { object: finding.object } : { file: finding.file }),
    ...(finding.path !== undefined ? { path: finding.path } : {}),
    key,
  });
}

/**
 * Objects are named as the cluster names them (group, kind, namespace and name); when a bundle
 * holds one name twice (variants of one app, a copy in another folder), which copy is told by
 * its file and its order among the copies in that file: not its line, its document's index or
 * its place in a List, so that inserted lines, reordered documents and a file wrapped in a List
 * keep it.
 */
function occurrences(bundle: Bundle): (object: BundleObject | undefined) => string {
  const identities = bundle.objects.map((object) => clusterIdentity(placedRef(bundle, object)));
  const counts = new Map<string, number>();
  for (const identity of identities) counts.set(identity, (counts.get(identity) ?? 0) + 1);
  const copies = new Map<BundleObject, string>();
  const seenInFile = new Map<string, number>();
  bundle.objects.forEach((object, i) => {
    const identity = identities[i]!;
    if (counts.get(identity)! < 2) return;
    const file = object.document.file.path;
    const inFile = `${file}\u0000${identity}`;
    const nth = seenInFile.get(inFile) ?? 0;
    seenInFile.set(inFile, nth + 1);
    copies.set(object, `\u0002${file}#${nth}`);
  });
  return (object) => (object && copies.get(object)) ?? "";
}
