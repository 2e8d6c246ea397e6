/** The nodes of a parsed PromQL expression, as promql/parser/ast.go builds them. */

export type ValueType = "vector" | "scalar" | "matrix" | "string" | "none";

export interface LabelMatcher {
  name: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

interface Span {
  /** Offset of the node's first token. */
  start: number;
}

/** What `offset`, `@`, `anchored` and `smoothed` set on a selector or a subquery. */
export interface Modifiers {
  offset: boolean;
  at: boolean;
  anchored: boolean;
  smoothed: boolean;
}

export interface VectorSelector extends Span, Modifiers {
  kind: "vector";
  /** The metric name written before the braces. */
  name?: string;
  matchers: LabelMatcher[];
  /** info()'s data-label selector, which may match every series. */
  bypassEmptyMatcherCheck?: boolean;
}

export interface FunctionDef {
  args: ValueType[];
  /** 0: exactly `args`; n > 0: up to n more of the last type; -1: any number more. */
  variadic: number;
  returns: ValueType;
  experimental: boolean;
}

export type Expr =
  | ({ kind: "number"; value: number } & Span)
  | ({ kind: "string"; value: string } & Span)
  | VectorSelector
  | ({ kind: "matrix"; selector: Expr } & Span)
  | ({ kind: "subquery"; expr: Expr } & Span & Modifiers)
  | ({ kind: "call"; name: string; fn?: FunctionDef; args: Expr[] } & Span)
  | ({ kind: "aggregate"; op: string; param?: Expr; expr?: Expr } & Span)
  | ({ kind: "binary"; op: string; opStart: number; lhs: Expr; rhs: Expr } & Span & Matching)
  | ({ kind: "unary"; op: string; expr: Expr } & Span)
  | ({ kind: "paren"; expr: Expr } & Span)
  /** Arithmetic over durations (`[5m * 2]`, `step()`): a scalar whose value only evaluation knows. */
  | ({ kind: "duration" } & Span);

export interface Matching {
  bool: boolean;
  on: boolean;
  /** The labels of `on (...)` / `ignoring (...)`. */
  labels: string[];
  /** The labels of `group_left (...)` / `group_right (...)`. */
  include: string[];
  card: "one-to-one" | "many-to-one" | "one-to-many";
  /** `fill(...)`, `fill_left(...)` or `fill_right(...)` given. */
  fill: boolean;
}

export const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">="]);
export const SET_OPERATORS = new Set(["and", "or", "unless"]);

/** The type an expression evaluates to (ast.go's Type methods). */
export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case "number":
    case "duration":
      return "scalar";
    case "string":
      return "string";
    case "vector":
    case "aggregate":
      return "vector";
    case "matrix":
    case "subquery":
      return "matrix";
    case "call":
      return e.fn?.returns ?? "none";
    case "paren":
    case "unary":
      return typeOf(e.expr);
    case "binary":
      return typeOf(e.lhs) === "scalar" && typeOf(e.rhs) === "scalar" ? "scalar" : "vector";
  }
}

/** The name Prometheus' messages give a type (DocumentedType). */
export function documented(type: ValueType): string {
  if (type === "vector") return "instant vector";
  if (type === "matrix") return "range vector";
  return type;
}

/** Every node of an expression, with the calls that enclose it. */
export function* walk(
  e: Expr,
  calls: readonly string[] = [],
): Generator<[Expr, readonly string[]]> {
  yield [e, calls];
  const inner = e.kind === "call" ? [...calls, e.name] : calls;
  for (const child of children(e)) yield* walk(child, inner);
}

function children(e: Expr): Expr[] {
  switch (e.kind) {
    case "matrix":
      return [e.selector];
    case "subquery":
    case "unary":
    case "paren":
      return [e.expr];
    case "call":
      return e.args;
    case "aggregate":
      return [e.param, e.expr].filter((x): x is Expr => x !== undefined);
    case "binary":
      return [e.lhs, e.rhs];
    default:
      return [];
  }
}
