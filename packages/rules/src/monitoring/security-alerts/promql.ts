import { typeOf, type ValueType, walk } from "./promql-ast.js";
import { checkTypes, matcherAccepts } from "./promql-check.js";
import { type ParseError, type PromQLOptions, parse } from "./promql-parse.js";

export type { PromQLOptions };

/**
 * A PromQL expression read as Prometheus 3 (promql/parser, v0.316.0) reads it: lexed, parsed and
 * type-checked, so that an expression Prometheus refuses (a syntax error, an unknown or
 * experimental function, `rate()` over an instant vector, `scalar()` of two arguments, a range
 * in a binary expression, `offset` after an aggregation, a selector that says nothing, ...) is
 * an error here too: Prometheus refuses the whole rule file that holds it. An expression it
 * accepts gives its vector selectors with their `__name__` matchers.
 */

export interface NameMatcher {
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export interface Selector {
  /** The matchers on `__name__` (a bare metric name is `=`); none selects every series. */
  names: NameMatcher[];
  /** Inside absent() or absent_over_time(): it fires when the series is missing, not on its values. */
  inAbsent: boolean;
}

/** Where in the expression Prometheus places its error: 1-based line and column. */
export interface ExprPosition {
  line: number;
  column: number;
}

export type Parsed =
  | {
      selectors: Selector[];
      /** What the expression evaluates to: a rule of a range vector or a string fails at every evaluation. */
      type: ValueType;
    }
  | { error: string; position: ExprPosition; problem: string };

/** The selectors of a PromQL expression, or why Prometheus would not parse it. */
export function parsePromQL(expr: string, options: PromQLOptions = {}): Parsed {
  const { expr: tree, errors } = parse(expr, options);
  // Prometheus type-checks only an expression without syntax errors.
  const problems = errors.length > 0 || !tree ? errors : checkTypes(tree);
  if (problems.length > 0 || !tree) return refusal(expr, problems[0]!);
  const selectors: Selector[] = [];
  for (const [node, calls] of walk(tree)) {
    if (node.kind !== "vector") continue;
    selectors.push({
      names: node.matchers
        .filter((m) => m.name === "__name__")
        .map(({ op, value }) => ({ op, value })),
      inAbsent: calls.some((name) => name.startsWith("absent")),
    });
  }
  return { selectors, type: typeOf(tree) };
}

/**
 * Prometheus' own wording, `line:column: parse error: problem`, its column counted in bytes as
 * Prometheus counts it; the position for the finding counts characters.
 */
function refusal(expr: string, error: ParseError): Parsed {
  const before = expr.slice(0, error.pos);
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = before.split("\n").length;
  const column = error.pos - lineStart + 1;
  const byteColumn = new TextEncoder().encode(before.slice(lineStart)).length + 1;
  return {
    error: `${line}:${byteColumn}: parse error: ${error.message}`,
    position: { line, column },
    problem: error.message,
  };
}

/** Whether a matcher accepts a value: regular expressions are anchored, as Prometheus anchors them. */
export function matches(matcher: NameMatcher, value: string): boolean {
  return matcherAccepts(matcher, value);
}

/** Whether a selector selects series of the metric. */
export function selectsMetric(selector: Selector, metric: string): boolean {
  return selector.names.every((m) => matches(m, metric));
}
