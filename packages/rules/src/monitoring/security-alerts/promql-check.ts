import { matchesAnchored } from "../go-regex.js";
import {
  COMPARISONS,
  documented,
  type Expr,
  SET_OPERATORS,
  typeOf,
  type ValueType,
  type VectorSelector,
} from "./promql-ast.js";
import type { ParseError } from "./promql-parse.js";

/**
 * promql/parser's checkAST (Prometheus v0.316.0): the type and arity checks Prometheus makes on
 * an expression that parsed, in its order, so the first error is the one it reports. Any of
 * them makes Prometheus refuse the expression, and with it the whole rule file.
 */
export function checkTypes(expr: Expr): ParseError[] {
  const errors: ParseError[] = [];
  check(expr, (message, pos) => errors.push({ message, pos }));
  return errors;
}

type Report = (message: string, pos: number) => void;

function check(e: Expr, report: Report): ValueType {
  switch (e.kind) {
    case "aggregate":
      checkAggregate(e, report);
      break;
    case "binary":
      checkBinary(e, report);
      break;
    case "call":
      checkCall(e, report);
      break;
    case "paren":
      check(e.expr, report);
      break;
    case "unary": {
      const type = check(e.expr, report);
      if (type !== "scalar" && type !== "vector")
        report(
          `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(documented(type))}`,
          e.start,
        );
      break;
    }
    case "subquery": {
      const type = check(e.expr, report);
      if (type !== "vector")
        report(`subquery is only allowed on instant vector, got ${type} instead`, e.start);
      break;
    }
    case "matrix":
      check(e.selector, report);
      break;
    case "vector":
      checkSelector(e, report);
      break;
  }
  return typeOf(e);
}

function expectType(e: Expr, want: ValueType, context: string, report: Report) {
  const type = check(e, report);
  if (type !== want)
    report(`expected type ${documented(want)} in ${context}, got ${documented(type)}`, e.start);
}

function checkAggregate(e: Extract<Expr, { kind: "aggregate" }>, report: Report) {
  if (e.expr) expectType(e.expr, "vector", "aggregation expression", report);
  if (!e.param) return;
  const want = e.op === "count_values" ? "string" : "scalar";
  expectType(e.param, want, "aggregation parameter", report);
}

function checkBinary(e: Extract<Expr, { kind: "binary" }>, report: Report) {
  const lt = check(e.lhs, report);
  const rt = check(e.rhs, report);
  const comparison = COMPARISONS.has(e.op);
  const set = SET_OPERATORS.has(e.op);
  if (e.bool && !comparison)
    report("bool modifier can only be used on comparison operators", e.opStart);
  if (comparison && !e.bool && lt === "scalar" && rt === "scalar")
    report("comparisons between scalars must use BOOL modifier", e.opStart);
  for (const label of e.labels)
    if (e.on && e.include.includes(label))
      report(
        `label ${JSON.stringify(label)} must not occur in ON and GROUP clause at once`,
        e.opStart,
      );
  for (const [type, side] of [
    [lt, e.lhs],
    [rt, e.rhs],
  ] as const)
    if (type !== "scalar" && type !== "vector")
      report("binary expression must contain only scalar and instant vector types", side.start);
  if (lt !== "vector" || rt !== "vector") {
    if (e.labels.length > 0)
      report("vector matching only allowed between instant vectors", e.start);
    if (e.fill) report("filling in missing series only allowed between instant vectors", e.start);
  } else if (set) {
    if (e.card !== "one-to-one")
      report(`no grouping allowed for ${JSON.stringify(e.op)} operation`, e.start);
    if (e.fill) report("filling in missing series not allowed for set operators", e.start);
  }
  if ((lt === "scalar" || rt === "scalar") && set)
    report(`set operator ${JSON.stringify(e.op)} not allowed in binary scalar expression`, e.start);
}

function checkCall(e: Extract<Expr, { kind: "call" }>, report: Report) {
  const fn = e.fn;
  if (!fn) return;
  const name = JSON.stringify(e.name);
  const count = e.args.length;
  if (fn.variadic === 0) {
    if (count !== fn.args.length)
      report(`expected ${fn.args.length} argument(s) in call to ${name}, got ${count}`, e.start);
  } else {
    const least = fn.args.length - 1;
    if (least > count)
      report(`expected at least ${least} argument(s) in call to ${name}, got ${count}`, e.start);
    else if (fn.variadic > 0 && least + fn.variadic < count)
      report(
        `expected at most ${least + fn.variadic} argument(s) in call to ${name}, got ${count}`,
        e.start,
      );
  }
  if (e.name === "info" && e.args.length > 1) checkInfoSelector(e.args[1]!, e.start, report);
  for (const [i, arg] of e.args.entries()) {
    if (i >= fn.args.length && fn.variadic === 0) break;
    const want = fn.args[Math.min(i, fn.args.length - 1)]!;
    const type = check(arg, report);
    if (type !== want)
      report(
        `expected type ${documented(want)} in call to function ${name}, got ${documented(type)}`,
        arg.start,
      );
  }
}

/** info()'s second argument selects data labels: label matchers only, which may all match "". */
function checkInfoSelector(arg: Expr, callStart: number, report: Report) {
  const type = typeOf(arg);
  if (type !== "vector")
    report(
      `expected type instant vector in call to function "info", got ${documented(type)}`,
      callStart,
    );
  if (arg.kind !== "vector") report("expected label selectors only", arg.start);
  else if (arg.name !== undefined)
    report("expected label selectors only, got vector selector instead", arg.start);
  else arg.bypassEmptyMatcherCheck = true;
}

function checkSelector(e: VectorSelector, report: Report) {
  if (e.name !== undefined) {
    const inside = e.matchers.slice(0, -1).find((m) => m.name === "__name__");
    if (inside)
      report(
        `metric name must not be set twice: ${JSON.stringify(e.name)} or ${JSON.stringify(inside.value)}`,
        e.start,
      );
    return;
  }
  // A selector must say something: one matcher that the empty value fails.
  if (!e.bypassEmptyMatcherCheck && !e.matchers.some((m) => !matcherAccepts(m, "")))
    report("vector selector must contain at least one non-empty matcher", e.start);
}

/** Whether a label matcher accepts a value (regular expressions anchored, as Prometheus anchors them). */
export function matcherAccepts(m: { op: string; value: string }, value: string): boolean {
  switch (m.op) {
    case "=":
      return value === m.value;
    case "!=":
      return value !== m.value;
    case "=~":
      return matchesAnchored(m.value, value);
    default:
      return !matchesAnchored(m.value, value);
  }
}
