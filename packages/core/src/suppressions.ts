import type { Bundle, BundleObject } from "./bundle.js";
import type { ConfigSuppression, PolicyConfig } from "./config.js";
import { matchesGlob, matchesRuleId } from "./glob.js";
import { podTemplateOf } from "./k8s.js";
import type { Finding, Position } from "./model.js";
import { isRecord, joinPointer } from "./pointer.js";

export const IGNORE_ANNOTATION = "scout-deploy.io/ignore";

export interface Suppression {
  source: "annotation" | "config";
  reason: string;
}

/** A finding about a suppression itself (expired, invalid, not allowed). */
export interface SuppressionProblem {
  ruleId: "suppression/expired" | "suppression/invalid" | "suppression/not-allowed";
  message: string;
  position: Position;
  object?: BundleObject;
  path?: string;
}

interface AnnotationEntry {
  patterns: string[];
  reason: string;
}

export interface Suppressor {
  problems: SuppressionProblem[];
  suppressionFor(finding: Finding, object: BundleObject | undefined): Suppression | undefined;
}

export function createSuppressor(
  bundle: Bundle,
  config: PolicyConfig,
  isKnownRule: (pattern: string) => boolean,
  now: Date,
): Suppressor {
  const problems: SuppressionProblem[] = [];
  const annotations = new Map<BundleObject, AnnotationEntry[]>();
  for (const object of bundle.objects) {
    const entries = annotationEntries(object, config, isKnownRule, problems);
    if (entries.length) annotations.set(object, entries);
  }
  const today = now.toISOString().slice(0, 10);
  const active = config.suppressions.filter((entry) => {
    if (!entry.expires || entry.expires >= today) return true;
    if (entry.position) {
      problems.push({
        ruleId: "suppression/expired",
        message: `suppression of ${entry.rules.join(", ")} expired on ${entry.expires} ("${entry.reason}")`,
        position: entry.position,
      });
    }
    return false;
  });
  return {
    problems,
    suppressionFor(finding, object) {
      const entry = object && annotations.get(object)?.find((e) => coversRule(e.patterns, finding));
      if (entry) return { source: "annotation", reason: entry.reason };
      const configured = active.find((e) => configCovers(e, finding));
      return configured ? { source: "config", reason: configured.reason } : undefined;
    },
  };
}

function coversRule(patterns: readonly string[], finding: Finding): boolean {
  return patterns.some((pattern) => matchesRuleId(finding.ruleId, pattern));
}

function configCovers(entry: ConfigSuppression, finding: Finding): boolean {
  if (!coversRule(entry.rules, finding)) return false;
  if (entry.files && !entry.files.some((glob) => matchesGlob(finding.file, glob))) return false;
  if (entry.objects && !entry.objects.some((selector) => selectsObject(selector, finding))) {
    return false;
  }
  return true;
}

/** "Kind/name" or "Kind/namespace/name", each part a literal or "*". */
function selectsObject(selector: string, finding: Finding): boolean {
  const parts = selector.split("/");
  const [kind, namespace, name] = parts.length === 2 ? [parts[0], "*", parts[1]] : parts;
  const ref = finding.object;
  if (!ref) return false;
  const matches = (pattern: string | undefined, value: string | undefined) =>
    pattern === "*" || pattern === (value ?? "");
  return matches(kind, ref.kind) && matches(namespace, ref.namespace) && matches(name, ref.name);
}

function annotationEntries(
  object: BundleObject,
  config: PolicyConfig,
  isKnownRule: (pattern: string) => boolean,
  problems: SuppressionProblem[],
): AnnotationEntry[] {
  const template = podTemplateOf(object);
  const places = [
    { metadata: object.value.metadata, pointer: "/metadata" },
    ...(template ? [{ metadata: template.metadata, pointer: template.metadataPointer }] : []),
  ];
  const entries: AnnotationEntry[] = [];
  for (const place of places) {
    const annotations = isRecord(place.metadata) ? place.metadata.annotations : undefined;
    const raw = isRecord(annotations) ? annotations[IGNORE_ANNOTATION] : undefined;
    if (raw === undefined) continue;
    const path = joinPointer(place.pointer, "annotations", IGNORE_ANNOTATION);
    const report = (ruleId: SuppressionProblem["ruleId"], message: string) =>
      problems.push({
        ruleId,
        message,
        object,
        path,
        position: object.document.locate(object.pointer + path),
      });
    if (!config.allowAnnotationSuppressions) {
      report(
        "suppression/not-allowed",
        `${IGNORE_ANNOTATION} is not honoured: the config forbids annotation suppressions`,
      );
      continue;
    }
    const parsed = parseIgnoreAnnotation(raw);
    if (typeof parsed === "string") {
      report("suppression/invalid", `${IGNORE_ANNOTATION} ignored: ${parsed}`);
      continue;
    }
    const unknown = parsed.patterns.filter((p) => !isKnownRule(p));
    if (unknown.length)
      report(
        "suppression/invalid",
        `${IGNORE_ANNOTATION} names unknown rule ${unknown.join(", ")}`,
      );
    entries.push(parsed);
  }
  return entries;
}

/** `"pod/run-as-non-root,pod/run-as-user: reason"` -> entry, or why it is not valid. */
export function parseIgnoreAnnotation(raw: unknown): AnnotationEntry | string {
  if (typeof raw !== "string") return "the value must be a string";
  const colon = raw.indexOf(":");
  if (colon === -1) return 'no reason given (write "rule-id: reason")';
  const patterns = raw
    .slice(0, colon)
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const reason = raw.slice(colon + 1).trim();
  if (!patterns.length) return "no rule id given";
  if (!reason) return 'no reason given (write "rule-id: reason")';
  return { patterns, reason };
}
