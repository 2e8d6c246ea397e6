import { isRecord } from "@scout-deploy/core";
import { parsePromQL, type Selector } from "./promql.js";

/** One rule Prometheus evaluates: its alert or record name, and what its expression selects. */
export interface LoadedRule {
  alert?: string;
  record?: string;
  selectors: Selector[];
}

/** The rules that parse, and the first reason Prometheus refuses the file (then none of them exists). */
export interface RuleGroups {
  rules: LoadedRule[];
  error?: string;
}

const GROUP_FIELDS = new Set(["name", "interval", "query_offset", "limit", "rules", "labels"]);
const RULE_FIELDS = new Set([
  "record",
  "alert",
  "expr",
  "for",
  "keep_firing_for",
  "labels",
  "annotations",
]);
const DURATION = /^(?:\d+(?:y|w|d|h|ms|m|s))+$|^0$/;
const LABEL_NAME = /^[^\s]/u;

/**
 * The `groups` of a rule file (or of a PrometheusRule's spec) checked as model/rulefmt checks
 * them: unknown fields, an empty or repeated group name, a rule that is not exactly one of
 * alert/record, a missing or unparsable expr, `for`/`annotations` on a recording rule, a bad
 * duration. Any error makes Prometheus refuse the file, so none of its rules exists.
 */
export function ruleGroupsOf(file: unknown, { operator = false } = {}): RuleGroups {
  if (file === undefined || file === null) return { rules: [] };
  if (!isRecord(file)) return { rules: [], error: "a rule file is a mapping with `groups`" };
  const unknown = Object.keys(file).find((k) => k !== "groups");
  if (unknown) return { rules: [], error: `field ${unknown} not found in type rulefmt.RuleGroups` };
  if (file.groups === undefined || file.groups === null) return { rules: [] };
  if (!Array.isArray(file.groups)) return { rules: [], error: "`groups` is not a list" };
  const names = new Set<string>();
  const rules: LoadedRule[] = [];
  const errors: string[] = [];
  for (const group of file.groups) {
    if (!isRecord(group)) {
      errors.push("a group is not a mapping");
      continue;
    }
    const name = typeof group.name === "string" ? group.name : "";
    const problem = groupProblem(group, names, operator);
    if (problem) errors.push(problem);
    names.add(name);
    const list = Array.isArray(group.rules) ? group.rules : [];
    for (const [index, rule] of list.entries()) {
      const checked = checkRule(rule);
      if (typeof checked === "string")
        errors.push(`group "${name}", rule ${index + 1}: ${checked}`);
      else rules.push(checked);
    }
  }
  return errors.length > 0 ? { rules, error: errors[0]! } : { rules };
}

function groupProblem(
  group: Record<string, unknown>,
  names: ReadonlySet<string>,
  operator: boolean,
): string | undefined {
  // The Prometheus Operator strips Thanos' partial_response_strategy before Prometheus sees it.
  const field = Object.keys(group).find(
    (k) => !GROUP_FIELDS.has(k) && !(operator && k === "partial_response_strategy"),
  );
  if (field) return `field ${field} not found in type rulefmt.RuleGroup`;
  const name = typeof group.name === "string" ? group.name : "";
  if (name === "") return "Groupname must not be empty";
  if (names.has(name)) return `groupname: "${name}" is repeated in the same file`;
  if (group.interval !== undefined && !DURATION.test(String(group.interval)))
    return `group "${name}": not a valid duration string: "${String(group.interval)}"`;
  if (group.rules !== undefined && group.rules !== null && !Array.isArray(group.rules))
    return `group "${name}": \`rules\` is not a list`;
  return undefined;
}

function checkRule(rule: unknown): LoadedRule | string {
  if (!isRecord(rule)) return "a rule is not a mapping";
  const field = Object.keys(rule).find((k) => !RULE_FIELDS.has(k));
  if (field) return `field ${field} not found in type rulefmt.Rule`;
  const alert = nameOf(rule.alert);
  const record = nameOf(rule.record);
  if (alert && record) return "only one of 'record' and 'alert' must be set";
  if (!alert && !record) return "one of 'record' or 'alert' must be set";
  const expr = rule.expr === undefined || rule.expr === null ? "" : String(rule.expr);
  if (expr === "") return "field 'expr' must be set in rule";
  const parsed = parsePromQL(expr);
  if ("error" in parsed) return `could not parse expression: ${parsed.error}`;
  for (const key of ["for", "keep_firing_for"] as const) {
    if (rule[key] !== undefined && !DURATION.test(String(rule[key])))
      return `not a valid duration string: "${String(rule[key])}"`;
  }
  if (record) {
    if (isRecord(rule.annotations) && Object.keys(rule.annotations).length > 0)
      return "invalid field 'annotations' in recording rule";
    for (const key of ["for", "keep_firing_for"])
      if (rule[key] !== undefined && !/^0+[a-z]*$/.test(String(rule[key])))
        return `invalid field '${key}' in recording rule`;
    if (/[{}]/.test(record)) return `braces present in the recording rule name: ${record}`;
  }
  for (const map of [rule.labels, rule.annotations]) {
    if (map !== undefined && map !== null && !isRecord(map))
      return "labels and annotations are mappings";
    for (const [name, value] of Object.entries(isRecord(map) ? map : {})) {
      if (!LABEL_NAME.test(name) || (map === rule.labels && name === "__name__"))
        return `invalid label name: ${name}`;
      if (alert && !templateParses(String(value))) return `template of "${name}" does not parse`;
    }
  }
  return {
    ...(alert ? { alert } : {}),
    ...(record ? { record } : {}),
    selectors: parsed.selectors,
  };
}

function nameOf(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

/** A Go template's actions must close: `{{ $value` is a parse error at load time. */
function templateParses(text: string): boolean {
  const opens = text.split("{{").length - 1;
  const closes = text.split("}}").length - 1;
  return opens === closes;
}
