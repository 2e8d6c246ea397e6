import {
  getAtPointer,
  isRecord,
  joinPointer,
  parseSource,
  positionInString,
  type TextPosition,
} from "@scout-deploy/core";
import { goTemplateError } from "./go-template.js";
import { type PromQLOptions, parsePromQL, type Selector } from "./promql.js";
import { documented } from "./promql-ast.js";
import { durationSeconds } from "./promql-parse.js";

/** One rule Prometheus evaluates: its alert or record name, and what its expression selects. */
export interface LoadedRule {
  alert?: string;
  record?: string;
  selectors: Selector[];
  /** The expression as written, to place a finding on a name inside it. */
  expr: string;
  /** The rule's pointer in its file (`/groups/0/rules/1`). */
  at: string;
  /** Why the rule fails at every evaluation, though the file loads: it never fires, records nothing. */
  failure?: string;
}

/** Where a rule file goes wrong: a JSON Pointer into it, and a position inside that string field. */
export interface ProblemAt {
  pointer: string;
  /** Inside the field's string: the offending token of an expression. */
  within?: TextPosition;
  /** In the file's text itself, where it does not read as YAML. */
  position?: TextPosition;
}

/** The rules that parse, and the first reason Prometheus refuses the file (then none of them exists). */
export interface RuleGroups {
  rules: LoadedRule[];
  error?: string;
  errorAt?: ProblemAt;
  /** Alerting rules rulefmt refuses, by the text of their expression. */
  refusedAlerts?: string[];
}

interface Problem extends ProblemAt {
  message: string;
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

/**
 * The `groups` of a rule file (or of a PrometheusRule's spec) checked as model/rulefmt checks
 * them (Prometheus v0.316.0): unknown fields (it decodes strictly), an empty or repeated group
 * name, a rule that is not exactly one of alert/record, a missing expression or one PromQL
 * refuses, `for`/`keep_firing_for`/`annotations` on a recording rule, braces in a record name,
 * a bad duration, `__name__` or an empty name among labels, a label or annotation template of an
 * alert that text/template does not parse. Any error makes Prometheus refuse the file, so none
 * of its rules exists.
 */
export function ruleGroupsOf(
  file: unknown,
  { operator = false, promql = {} }: { operator?: boolean; promql?: PromQLOptions } = {},
): RuleGroups {
  if (file === undefined || file === null) return { rules: [] };
  if (!isRecord(file))
    return refused([{ message: "a rule file is a mapping with `groups`", pointer: "" }]);
  const unknown = Object.keys(file).find((k) => k !== "groups");
  if (unknown)
    return refused([
      { message: `field ${unknown} not found in type rulefmt.RuleGroups`, pointer: `/${unknown}` },
    ]);
  if (file.groups === undefined || file.groups === null) return { rules: [] };
  if (!Array.isArray(file.groups))
    return refused([{ message: "`groups` is not a list", pointer: "/groups" }]);
  const names = new Set<string>();
  const rules: LoadedRule[] = [];
  const problems: Problem[] = [];
  const refusedAlerts: string[] = [];
  for (const [g, group] of file.groups.entries()) {
    const at = joinPointer("/groups", g);
    if (!isRecord(group)) {
      problems.push({ message: "a group is not a mapping", pointer: at });
      continue;
    }
    const name = scalarText(group.name);
    problems.push(...groupProblems(group, at, names, operator));
    names.add(name);
    const list = Array.isArray(group.rules) ? group.rules : [];
    for (const [index, rule] of list.entries()) {
      const checked = checkRule(rule, joinPointer(at, "rules", index), promql);
      if (!("problem" in checked)) {
        rules.push(checked);
        continue;
      }
      const title = isRecord(rule)
        ? `, ${JSON.stringify(nameOf(rule.alert) || nameOf(rule.record))}`
        : "";
      problems.push({
        ...checked.problem,
        message: `group ${JSON.stringify(name)}, rule ${index + 1}${title}: ${checked.problem.message}`,
      });
      if (isRecord(rule) && nameOf(rule.alert)) refusedAlerts.push(nameOf(rule.expr));
    }
  }
  if (problems.length === 0) return { rules };
  return { ...refused(problems), rules, refusedAlerts };
}

function refused(problems: readonly Problem[]): RuleGroups {
  const [{ message, ...errorAt }] = problems as [Problem];
  return { rules: [], error: message, errorAt };
}

function groupProblems(
  group: Record<string, unknown>,
  at: string,
  names: ReadonlySet<string>,
  operator: boolean,
): Problem[] {
  // The Prometheus Operator strips Thanos' partial_response_strategy before Prometheus sees it.
  const field = Object.keys(group).find(
    (k) => !GROUP_FIELDS.has(k) && !(operator && k === "partial_response_strategy"),
  );
  if (field)
    return [
      {
        message: `field ${field} not found in type rulefmt.RuleGroup`,
        pointer: joinPointer(at, field),
      },
    ];
  const name = scalarText(group.name);
  const problems: Problem[] = [];
  const here = (message: string, ...path: string[]) =>
    problems.push({ message, pointer: joinPointer(at, ...path) });
  for (const key of ["interval", "query_offset"])
    if (
      group[key] !== undefined &&
      group[key] !== null &&
      durationSeconds(String(group[key])) === undefined
    )
      here(`not a valid duration string: ${JSON.stringify(String(group[key]))}`, key);
  if (group.limit !== undefined && group.limit !== null && typeof group.limit !== "number")
    here(`cannot unmarshal ${JSON.stringify(String(group.limit))} into int`, "limit");
  if (group.rules !== undefined && group.rules !== null && !Array.isArray(group.rules))
    here("`rules` is not a list", "rules");
  if (name === "") here("Groupname must not be empty", "name");
  if (names.has(name)) here(`groupname: "${name}" is repeated in the same file`, "name");
  const labels = stringMap(group.labels);
  if (typeof labels === "string") here(labels, "labels");
  else
    for (const key of Object.keys(labels))
      if (!validLabelName(key) || key === "__name__")
        here(`invalid label name: ${key}`, "labels", key);
  return problems;
}

function checkRule(
  rule: unknown,
  at: string,
  promql: PromQLOptions,
): LoadedRule | { problem: ProblemAt & { message: string } } {
  const problem = (message: string, field?: string | string[], within?: TextPosition) => ({
    problem: {
      message,
      pointer: field === undefined ? at : joinPointer(at, ...[field].flat()),
      ...(within ? { within } : {}),
    },
  });
  if (!isRecord(rule)) return problem("a rule is not a mapping");
  const field = Object.keys(rule).find((k) => !RULE_FIELDS.has(k));
  if (field) return problem(`field ${field} not found in type rulefmt.Rule`, field);
  for (const key of ["for", "keep_firing_for"] as const)
    if (
      rule[key] !== undefined &&
      rule[key] !== null &&
      durationSeconds(String(rule[key])) === undefined
    )
      return problem(`not a valid duration string: ${JSON.stringify(String(rule[key]))}`, key);
  const maps = { labels: stringMap(rule.labels), annotations: stringMap(rule.annotations) };
  for (const [key, map] of Object.entries(maps))
    if (typeof map === "string") return problem(map, key);
  const labels = maps.labels as Record<string, string>;
  const annotations = maps.annotations as Record<string, string>;
  const alert = nameOf(rule.alert);
  const record = nameOf(rule.record);
  if (alert && record) return problem("only one of 'record' and 'alert' must be set", "record");
  if (!alert && !record) return problem("one of 'record' or 'alert' must be set");
  const expr = nameOf(rule.expr);
  if (expr === "") return problem("field 'expr' must be set in rule", "expr");
  const parsed = parsePromQL(expr, promql);
  if ("error" in parsed)
    return problem(`could not parse expression: ${parsed.error}`, "expr", parsed.position);
  if (record) {
    if (Object.keys(annotations).length > 0)
      return problem("invalid field 'annotations' in recording rule", "record");
    for (const key of ["for", "keep_firing_for"])
      if (rule[key] !== undefined && rule[key] !== null && durationSeconds(String(rule[key])) !== 0)
        return problem(`invalid field '${key}' in recording rule`, "record");
    if (/[{}]/.test(record))
      return problem(
        `braces present in the recording rule name; should it be in expr?: ${record}`,
        "record",
      );
  }
  for (const key of Object.keys(labels))
    if (!validLabelName(key) || key === "__name__")
      return problem(`invalid label name: ${key}`, "labels");
  for (const key of Object.keys(annotations))
    if (!validLabelName(key)) return problem(`invalid annotation name: ${key}`, "annotations");
  if (alert) {
    for (const [kind, map] of [
      ["label", labels],
      ["annotation", annotations],
    ] as const)
      for (const [key, text] of Object.entries(map)) {
        const error = goTemplateError(text, `__alert_${alert}`);
        if (error) return problem(`${kind} ${JSON.stringify(key)}: ${error}`, [`${kind}s`, key]);
      }
  }
  // rules.EngineQueryFunc takes an instant vector or a scalar, and errs on anything else.
  const failure =
    parsed.type === "matrix" || parsed.type === "string"
      ? `its expression gives a ${documented(parsed.type)}, and Prometheus fails a rule whose result is not an instant vector or a scalar at every evaluation`
      : undefined;
  return {
    ...(alert ? { alert } : {}),
    ...(record ? { record } : {}),
    selectors: parsed.selectors,
    expr,
    at,
    ...(failure ? { failure } : {}),
  };
}

/** A YAML mapping of strings (scalars read as their text), or why rulefmt cannot decode it. */
function stringMap(value: unknown): Record<string, string> | string {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return "labels and annotations are mappings";
  const map: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isRecord(v) || Array.isArray(v))
      return `cannot unmarshal a collection into the string of ${key}`;
    map[key] = v === null ? "" : String(v);
  }
  return map;
}

/** Prometheus 3 validates names as UTF-8: any non-empty name. */
function validLabelName(name: string): boolean {
  return name !== "";
}

/** A YAML scalar decoded into a Go string: its text (`name: 1` is "1"). */
function scalarText(value: unknown): string {
  return typeof value === "object" || value === undefined ? "" : String(value);
}

function nameOf(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

/**
 * A rule file's text as rulefmt reads it (yaml.v3, then its checks): YAML that does not parse,
 * or a key given twice in a mapping, refuses the file too; a second document is ignored.
 */
export function ruleFileOf(path: string, text: string, promql: PromQLOptions = {}): RuleGroups {
  const parsed = parseSource(path, text);
  // rulefmt decodes the first document only: a key twice in another one is never read.
  const second = parsed.documents[1];
  const end = second ? parsed.file.positionAt(second.start).line : Number.POSITIVE_INFINITY;
  const problem =
    parsed.problems.find((p) => p.ruleId === "input/parse-error") ??
    parsed.problems.find((p) => p.ruleId === "input/duplicate-key" && p.position.line < end);
  if (problem) {
    const { line, column } = problem.position;
    return {
      rules: [],
      error: `yaml: ${problem.message}`,
      errorAt: { pointer: "", position: { line, column } },
    };
  }
  return ruleGroupsOf(parsed.documents[0]?.value, { promql });
}

/** Where in a rule file's text a problem lies (1-based line and column), as far as the text tells. */
export function positionInRuleFile(
  path: string,
  text: string,
  at: ProblemAt,
): TextPosition | undefined {
  if (at.position) return at.position;
  const document = parseSource(path, text).documents[0];
  if (!document) return undefined;
  const { line, column, endLine } = document.locate(at.pointer);
  const field = { line, column, ...(endLine === undefined ? {} : { endLine }) };
  const value = getAtPointer(document.value, at.pointer);
  const inside =
    at.within && typeof value === "string"
      ? positionInString(text, field, value, at.within)
      : undefined;
  return inside ?? { line, column };
}
