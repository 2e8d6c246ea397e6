import { goRegexError } from "../go-regex.js";
import type { Expr, LabelMatcher, Matching, Modifiers, VectorSelector } from "./promql-ast.js";
import { functionNamed } from "./promql-functions.js";
import { KEYWORDS, type Token, tokenize } from "./promql-lex.js";

/**
 * PromQL's grammar as promql/parser/generated_parser.y (Prometheus v0.316.0) reads it, by
 * precedence climbing with yacc's precedences: `or` < `and`/`unless` < comparisons < `+ -` <
 * `* / % atan2` < `^` (right), a unary sign binding like `*`, and `offset`, `@`, `[...]`,
 * `anchored`, `smoothed` binding tighter than any operator. The checks yacc's actions make while
 * building nodes (an unknown or experimental function, a range on what is not a selector, an
 * offset set twice, a duration not above 0, ...) are recorded as they come; a token the grammar
 * does not take ends the parse.
 */

/** What Prometheus' --enable-feature flags change in its parser. */
export interface PromQLOptions {
  /** promql-experimental-functions: mad_over_time(), limitk(), sort_by_label(), info(), ... */
  experimentalFunctions?: boolean;
  /** promql-binop-fill-modifiers: `fill(0)`, `fill_left(0)`, `fill_right(0)` after an operator. */
  fillModifiers?: boolean;
  /** promql-unquoted-utf8-names: `http.requests{http.method="GET"}`, `café` without quotes. */
  utf8Names?: boolean;
}

export interface ParseError {
  message: string;
  pos: number;
}

class SyntaxStop extends Error {}

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  LOR: 1,
  LAND: 2,
  LUNLESS: 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  "<=": 3,
  ">": 3,
  ">=": 3,
  "</": 3,
  ">/": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
  ATAN2: 5,
  "^": 6,
};
const UNARY_OPERAND = 6;
const AGGREGATORS = new Set(
  "AVG BOTTOMK COUNT COUNT_VALUES GROUP MAX MIN QUANTILE STDDEV STDVAR SUM TOPK LIMITK LIMIT_RATIO".split(
    " ",
  ),
);
const WITH_PARAMETER = new Set([
  "TOPK",
  "BOTTOMK",
  "COUNT_VALUES",
  "QUANTILE",
  "LIMITK",
  "LIMIT_RATIO",
]);
/** Keywords that also name a metric where an expression starts (metric_identifier). */
const METRIC_KEYWORDS = new Set([
  ...AGGREGATORS,
  ..."BY FILL FILL_LEFT FILL_RIGHT LAND LOR LUNLESS OFFSET WITHOUT START END STEP RANGE ANCHORED SMOOTHED MAX_OF MIN_OF".split(
    " ",
  ),
]);
/** Keywords that may name a label in `by (...)`, `on (...)` (maybe_label). */
const LABEL_KEYWORDS = new Set([
  ...METRIC_KEYWORDS,
  ..."BOOL GROUP_LEFT GROUP_RIGHT IGNORING ON ATAN2".split(" "),
]);
LABEL_KEYWORDS.delete("WITHOUT");
const CALLABLE_KEYWORDS = new Set(["START", "END", "STEP", "RANGE", "MAX_OF", "MIN_OF"]);
const MATCH_OPS = new Set(["=", "!=", "=~", "!~"]);
const OPERATOR_TYPES = new Set([...Object.keys(BINARY_PRECEDENCE), "=~", "!~", "@"]);
const PUNCTUATION_TYPES = new Set(["(", ")", "{", "}", "[", "]", ",", ":", "="]);
/** A duration's seconds must fit time.Duration (int64 nanoseconds). */
const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

export type Parsed = { expr: Expr; errors: ParseError[] };

/** The expression's tree and the errors yacc's actions record; a syntax error stops the parse. */
export function parse(
  input: string,
  options: PromQLOptions = {},
): { expr?: Expr; errors: ParseError[] } {
  const parser = new Parser(tokenize(input, options.utf8Names), options);
  try {
    return { expr: parser.top(), errors: parser.errors };
  } catch (error) {
    if (error instanceof SyntaxStop) return { errors: parser.errors };
    throw error;
  }
}

/** The value of a string literal, as strconv.Unquote reads it (the lexer has checked its escapes). */
export function unquote(quoted: string): string {
  const body = quoted.slice(1, -1);
  if (quoted.startsWith("`")) return body;
  const simple: Record<string, string> = {
    a: "\x07",
    b: "\b",
    f: "\f",
    n: "\n",
    r: "\r",
    t: "\t",
    v: "\v",
  };
  return body.replace(
    /\\(?:([0-7]{3})|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))/gs,
    (_, octal?: string, hex?: string, u4?: string, u8?: string, c?: string) => {
      const code = octal ?? hex ?? u4 ?? u8;
      if (code !== undefined) return String.fromCodePoint(Number.parseInt(code, octal ? 8 : 16));
      return simple[c!] ?? c!;
    },
  );
}

class Parser {
  readonly errors: ParseError[] = [];
  private i = 0;
  private lexErrorSeen = false;

  constructor(
    private readonly tokens: Token[],
    private readonly options: PromQLOptions,
  ) {}

  top(): Expr {
    if (this.peek().type === "EOF") this.stop("no expression found in input", 0);
    const expr = this.expr(0);
    if (this.peek().type !== "EOF") this.unexpected(this.peek());
    return expr;
  }

  private peek(ahead = 0): Token {
    const token = this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
    // Prometheus records a lexer error when it reads that token, before the nodes it closes.
    if (token.type === "ERROR" && !this.lexErrorSeen) {
      this.lexErrorSeen = true;
      this.error(token.text, token.pos);
    }
    return token;
  }

  private next(): Token {
    const token = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return token;
  }

  private accept(type: string): Token | undefined {
    return this.peek().type === type ? this.next() : undefined;
  }

  private expect(type: string, context?: string, expected?: string): Token {
    const token = this.next();
    if (token.type !== type) this.unexpected(token, context, expected ?? JSON.stringify(type));
    return token;
  }

  error(message: string, pos: number) {
    this.errors.push({ message, pos });
  }

  private stop(message: string, pos: number): never {
    this.error(message, pos);
    throw new SyntaxStop(message);
  }

  private unexpected(token: Token, context?: string, expected?: string): never {
    // The lexer stops where it errs: its message is the error there.
    if (token.type === "ERROR") throw new SyntaxStop(token.text);
    const where = context ? ` in ${context}` : "";
    const want = expected ? `, expected ${expected}` : "";
    this.stop(`unexpected ${describe(token)}${where}${want}`, token.pos);
  }

  private expr(minPrecedence: number): Expr {
    let left = this.operand();
    for (;;) {
      const op = this.peek();
      const precedence = BINARY_PRECEDENCE[op.type];
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.next();
      const matching = this.binaryModifiers();
      const rhs = this.expr(op.type === "^" ? precedence : precedence + 1);
      if (matching.fill && !this.options.fillModifiers)
        this.error("binop fill modifiers are experimental and not enabled", left.start);
      left = {
        kind: "binary",
        op: op.text.toLowerCase(),
        opStart: op.pos,
        lhs: left,
        rhs,
        start: left.start,
        ...matching.matching,
        fill: matching.fill,
      };
    }
  }

  private operand(): Expr {
    const sign = this.peek();
    if (sign.type === "+" || sign.type === "-") {
      this.next();
      const expr = this.expr(UNARY_OPERAND);
      // A signed number is a number (`-1`), not an operation.
      if (expr.kind === "number")
        return { ...expr, value: sign.type === "-" ? -expr.value : expr.value, start: sign.pos };
      return { kind: "unary", op: sign.type, expr, start: sign.pos };
    }
    return this.postfix(this.primary());
  }

  private primary(): Expr {
    const token = this.next();
    const { type } = token;
    if (type === "NUMBER" || type === "DURATION") return this.numberLiteral(token);
    if (type === "STRING") return { kind: "string", value: unquote(token.text), start: token.pos };
    if (type === "(") {
      const expr = this.expr(0);
      this.expect(")", "paren expression", '")"');
      return { kind: "paren", expr, start: token.pos };
    }
    if (type === "{") return this.selector(undefined, token);
    if (type === "IDENTIFIER" && this.peek().type === "(") return this.call(token);
    if (AGGREGATORS.has(type) && ["(", "BY", "WITHOUT"].includes(this.peek().type))
      return this.aggregate(token);
    if (CALLABLE_KEYWORDS.has(type) && this.peek().type === "(") return this.call(token);
    if (type === "IDENTIFIER" || type === "METRIC_IDENTIFIER" || METRIC_KEYWORDS.has(type))
      return this.selector(token, this.accept("{"));
    this.unexpected(token);
  }

  private numberLiteral(token: Token): Expr {
    const value = token.type === "DURATION" ? this.duration(token) : this.number(token);
    return { kind: "number", value, start: token.pos };
  }

  private number(token: Token): number {
    const value = goNumber(token.text);
    if (value === undefined)
      this.error(
        `error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(token.text)}: ${/^[\d._]+(?:e[+-]?\d+)?$/i.test(token.text) ? "value out of range" : "invalid syntax"}`,
        token.pos,
      );
    return value ?? 0;
  }

  private duration(token: Token): number {
    const seconds = durationSeconds(token.text);
    if (seconds === undefined)
      this.error(`not a valid duration string: ${JSON.stringify(token.text)}`, token.pos);
    return seconds ?? 0;
  }

  // ------------------------------------------------------------------------------------------
  // Selectors

  private selector(name: Token | undefined, brace: Token | undefined): VectorSelector {
    const matchers = brace ? this.matchers() : [];
    const selector: VectorSelector = {
      kind: "vector",
      matchers,
      start: (name ?? brace)!.pos,
      ...noModifiers(),
    };
    if (name) {
      selector.name = name.text;
      matchers.push({ name: "__name__", op: "=", value: name.text });
    }
    return selector;
  }

  /** The matchers after `{`, through `}`. */
  private matchers(): LabelMatcher[] {
    const matchers: LabelMatcher[] = [];
    if (this.accept("}")) return matchers;
    for (;;) {
      const matcher = this.matcher();
      if (matcher) matchers.push(matcher);
      const separator = this.next();
      if (separator.type === "}") return matchers;
      if (separator.type !== ",") this.unexpected(separator, "label matching", '"," or "}"');
      if (this.accept("}")) return matchers;
    }
  }

  private matcher(): LabelMatcher | undefined {
    const label = this.next();
    if (label.type !== "IDENTIFIER" && label.type !== "STRING")
      this.unexpected(label, "label matching", 'identifier or "}"');
    const name = label.type === "STRING" ? unquote(label.text) : label.text;
    if (label.type === "STRING" && !MATCH_OPS.has(this.peek().type))
      return { name: "__name__", op: "=", value: name };
    const op = this.next();
    if (!MATCH_OPS.has(op.type)) this.unexpected(op, "label matching", "label matching operator");
    const value = this.next();
    if (value.type !== "STRING") this.unexpected(value, "label matching", "string");
    const matcher = { name, op: op.type as LabelMatcher["op"], value: unquote(value.text) };
    const regexError = matcher.op.endsWith("~") ? goRegexError(matcher.value) : undefined;
    if (regexError === undefined) return matcher;
    this.error(`error parsing regexp: ${regexError}`, label.pos);
    return undefined;
  }

  // ------------------------------------------------------------------------------------------
  // Calls and aggregations

  private call(name: Token): Expr {
    // yacc checks the name when it reduces the call, after its arguments.
    const args = this.callBody();
    const fn = functionNamed(name.text);
    if (!fn) this.error(`unknown function with name ${JSON.stringify(name.text)}`, name.pos);
    else if (fn.experimental && !this.options.experimentalFunctions)
      this.error(`function ${JSON.stringify(name.text)} is not enabled`, name.pos);
    return { kind: "call", name: name.text, ...(fn ? { fn } : {}), args, start: name.pos };
  }

  /** `( expr, ... )`: the arguments of a call or an aggregation. */
  private callBody(context?: string): Expr[] {
    this.expect("(");
    const args: Expr[] = [];
    if (this.accept(")")) return args;
    for (;;) {
      if (context && this.peek().type === ",") this.unexpected(this.peek(), context);
      args.push(this.expr(0));
      const separator = this.next();
      if (separator.type === ")") return args;
      if (separator.type !== ",") this.unexpected(separator, undefined, '"," or ")"');
      if (this.peek().type === ")") {
        this.error("trailing commas not allowed in function call args", separator.pos);
        this.next();
        return args;
      }
    }
  }

  private aggregate(op: Token): Expr {
    const leading = this.grouping();
    if (this.peek().type !== "(") this.unexpected(this.peek(), "aggregation");
    const args = this.callBody("aggregation");
    if (!leading) this.grouping();
    const name = op.text.toLowerCase();
    const node: Expr = { kind: "aggregate", op: name, start: op.pos };
    if (args.length === 0) {
      this.error("no arguments for aggregate expression provided", op.pos);
      return node;
    }
    const withParameter = WITH_PARAMETER.has(op.type);
    if (
      (op.type === "LIMITK" || op.type === "LIMIT_RATIO") &&
      !this.options.experimentalFunctions
    ) {
      this.error(
        `${name}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
        op.pos,
      );
      return node;
    }
    const wanted = withParameter ? 2 : 1;
    if (args.length !== wanted) {
      this.error(
        `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`,
        op.pos,
      );
      return node;
    }
    return { ...node, ...(withParameter ? { param: args[0]! } : {}), expr: args[wanted - 1]! };
  }

  /** `by (...)` / `without (...)`, when it comes. */
  private grouping(): boolean {
    if (!this.accept("BY") && !this.accept("WITHOUT")) return false;
    this.labelList();
    return true;
  }

  /** `( label, ... )`: grouping labels, or the labels of on/ignoring/group_left. */
  private labelList(): string[] {
    this.expect("(", "grouping opts", '"("');
    const labels: string[] = [];
    if (this.accept(")")) return labels;
    for (;;) {
      const label = this.next();
      if (label.type === "STRING") {
        const name = unquote(label.text);
        if (name === "") this.error(`invalid label name for grouping: ""`, label.pos);
        labels.push(name);
      } else if (
        label.type === "IDENTIFIER" ||
        label.type === "METRIC_IDENTIFIER" ||
        LABEL_KEYWORDS.has(label.type)
      ) {
        // With unquoted UTF-8 names, a label that would need quotes (`a:b`) must have them.
        if (this.options.utf8Names && !/^[\p{L}_][\p{L}\d_.]*$/u.test(label.text))
          this.error(`invalid label name for grouping: ${JSON.stringify(label.text)}`, label.pos);
        labels.push(label.text);
      } else this.unexpected(label, "grouping opts", "label");
      const separator = this.next();
      if (separator.type === ")") return labels;
      if (separator.type !== ",") this.unexpected(separator, "grouping opts", '"," or ")"');
      if (this.accept(")")) return labels;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Binary operators

  private binaryModifiers(): { matching: Omit<Matching, "fill">; fill: boolean } {
    const matching: Omit<Matching, "fill"> = {
      bool: this.accept("BOOL") !== undefined,
      on: false,
      labels: [],
      include: [],
      card: "one-to-one",
    };
    const on = this.accept("ON") ?? this.accept("IGNORING");
    if (on) {
      matching.on = on.type === "ON";
      matching.labels = this.labelList();
      const group = this.accept("GROUP_LEFT") ?? this.accept("GROUP_RIGHT");
      if (group) {
        matching.card = group.type === "GROUP_LEFT" ? "many-to-one" : "one-to-many";
        if (this.peek().type === "(") matching.include = this.labelList();
      }
    }
    let fill = false;
    for (const side of ["FILL", "FILL_LEFT", "FILL_RIGHT"]) {
      while (this.accept(side)) {
        fill = true;
        this.fillValue();
      }
    }
    return { matching, fill };
  }

  private fillValue() {
    this.expect("(");
    if (this.peek().type === "+" || this.peek().type === "-") this.next();
    const value = this.next();
    if (value.type !== "NUMBER" && value.type !== "DURATION") this.unexpected(value);
    this.expect(")");
  }

  // ------------------------------------------------------------------------------------------
  // Ranges, subqueries and modifiers

  private postfix(expr: Expr): Expr {
    for (;;) {
      const token = this.peek();
      if (token.type === "[") expr = this.rangeOrSubquery(expr);
      else if (token.type === "OFFSET") {
        this.next();
        this.offsetDuration();
        this.modify(expr, "offset");
      } else if (token.type === "@") {
        this.next();
        this.at(expr);
      } else if (token.type === "ANCHORED" || token.type === "SMOOTHED") {
        this.next();
        this.modify(expr, token.type === "ANCHORED" ? "anchored" : "smoothed");
      } else return expr;
    }
  }

  private rangeOrSubquery(expr: Expr): Expr {
    const open = this.next();
    this.positiveDuration();
    const after = this.next();
    if (after.type === "]") {
      const problem =
        expr.kind !== "vector"
          ? "ranges only allowed for vector selectors"
          : expr.offset
            ? "no offset modifiers allowed before range"
            : expr.at
              ? "no @ modifiers allowed before range"
              : undefined;
      if (problem) this.error(problem, open.pos);
      return { kind: "matrix", selector: expr, start: expr.start };
    }
    if (after.type !== ":") this.unexpected(after, "subquery or range", '":" or "]"');
    if (!this.accept("]")) {
      this.positiveDuration();
      this.expect("]", "subquery selector", '"]"');
    }
    return { kind: "subquery", expr, start: expr.start, ...noModifiers() };
  }

  /** What yacc's addOffset, setTimestamp, setAnchored and setSmoothed check. */
  private modify(expr: Expr, modifier: keyof Modifiers) {
    const target = expr.kind === "matrix" && expr.selector.kind === "vector" ? expr.selector : expr;
    const name = { offset: "offset modifier", at: "@ modifier", anchored: "", smoothed: "" }[
      modifier
    ];
    if (target.kind === "subquery" && (modifier === "anchored" || modifier === "smoothed"))
      return this.error(`${modifier} modifier is not supported for subqueries`, expr.start);
    if (target.kind !== "vector" && target.kind !== "subquery") {
      if (expr.kind === "matrix")
        return this.error("ranges only allowed for vector selectors", expr.start);
      if (!name) return this.error(`${modifier} modifier not implemented`, expr.start);
      return this.error(
        `${name} must be preceded by an instant vector selector or range vector selector or a subquery`,
        expr.start,
      );
    }
    if (modifier === "offset" && target.offset)
      return this.error("offset may not be set multiple times", expr.start);
    if (modifier === "at" && target.at)
      return this.error("@ <timestamp> may not be set multiple times", expr.start);
    const other =
      modifier === "anchored" ? "smoothed" : modifier === "smoothed" ? "anchored" : undefined;
    target[modifier] = true;
    if (other && target[other])
      this.error("anchored and smoothed modifiers cannot be used together", expr.start);
  }

  private at(expr: Expr) {
    const token = this.peek();
    if (token.type === "START" || token.type === "END") {
      this.next();
      this.expect("(");
      this.expect(")");
      return this.modify(expr, "at");
    }
    const sign = this.accept("+") ?? this.accept("-");
    const value = this.next();
    if (value.type !== "NUMBER" && value.type !== "DURATION")
      this.unexpected(value, "@", "timestamp");
    const seconds = (sign?.type === "-" ? -1 : 1) * this.numberLiteralValue(value);
    if (!Number.isFinite(seconds) || Math.abs(seconds) >= 2 ** 63)
      this.error(`timestamp out of bounds for @ modifier: ${goFloat(seconds)}`, expr.start);
    this.modify(expr, "at");
  }

  private numberLiteralValue(token: Token): number {
    return token.type === "DURATION" ? this.duration(token) : this.number(token);
  }

  /**
   * offset_duration_expr: a (signed) number or duration alone (`x offset 5m + 1` adds 1 to the
   * selector), `step()`, `range()`, `min_of(...)`, `max_of(...)`, a signed parenthesis; only a
   * bare parenthesis goes on as duration arithmetic.
   */
  private offsetDuration() {
    const sign = this.accept("+") ?? this.accept("-");
    const token = this.peek();
    if (token.type === "NUMBER" || token.type === "DURATION") {
      this.next();
      const seconds = this.numberLiteralValue(token);
      if (Math.abs(seconds) > MAX_DURATION_SECONDS) this.error("duration out of range", token.pos);
      return;
    }
    if (["STEP", "RANGE", "MAX_OF", "MIN_OF"].includes(token.type)) return void this.durationCall();
    if (token.type === "(") {
      if (sign) return void this.durationOperand();
      return void this.durationExpr(0);
    }
    if (sign) return void this.durationExpr(UNARY_OPERAND);
    this.unexpected(token, "offset", "number, duration, step(), or range()");
  }

  /** A range's or a step's duration: a literal must be above 0. */
  private positiveDuration() {
    const duration = this.durationExpr(0);
    if (duration.literal !== undefined && duration.literal <= 0)
      this.error("duration must be greater than 0", duration.pos);
  }

  /** duration_expr: arithmetic over numbers and durations; `literal` when it is one number. */
  private durationExpr(minPrecedence: number): { literal?: number; pos: number } {
    let left = this.durationOperand();
    for (;;) {
      const op = this.peek();
      const precedence = BINARY_PRECEDENCE[op.type];
      if (!"+-*/%^".includes(op.type) || precedence === undefined || precedence < minPrecedence)
        return left;
      this.next();
      const right = this.durationExpr(op.type === "^" ? precedence : precedence + 1);
      if ((op.type === "/" || op.type === "%") && right.literal === 0) {
        this.error(op.type === "/" ? "division by zero" : "modulo by zero", op.pos);
        left = { literal: 0, pos: left.pos };
      } else left = { pos: left.pos };
    }
  }

  private durationOperand(): { literal?: number; pos: number } {
    const token = this.peek();
    if (token.type === "NUMBER" || token.type === "DURATION") {
      this.next();
      const literal = this.numberLiteralValue(token);
      if (Math.abs(literal) > MAX_DURATION_SECONDS) this.error("duration out of range", token.pos);
      return { literal, pos: token.pos };
    }
    if (token.type === "+" || token.type === "-") {
      this.next();
      const operand = this.durationExpr(UNARY_OPERAND);
      if (operand.literal === undefined) return { pos: token.pos };
      return { literal: token.type === "-" ? -operand.literal : operand.literal, pos: token.pos };
    }
    if (token.type === "(") {
      this.next();
      this.durationExpr(0);
      this.expect(")");
      // A parenthesis makes a duration expression, even around one number.
      return { pos: token.pos };
    }
    if (["STEP", "RANGE", "MAX_OF", "MIN_OF"].includes(token.type)) return this.durationCall();
    this.unexpected(token, "subquery or range selector", "number, duration, step(), or range()");
  }

  private durationCall(): { pos: number } {
    const name = this.next();
    this.expect("(");
    if (name.type === "MAX_OF" || name.type === "MIN_OF") {
      this.durationExpr(0);
      this.expect(",");
      this.durationExpr(0);
    }
    this.expect(")");
    return { pos: name.pos };
  }
}

function noModifiers(): Modifiers {
  return { offset: false, at: false, anchored: false, smoothed: false };
}

/** How Prometheus' messages name a token (lex.go's Item.desc). */
function describe(token: Token): string {
  const { type, text } = token;
  if (type === "EOF") return "end of input";
  const named: Record<string, string> = {
    IDENTIFIER: "identifier",
    METRIC_IDENTIFIER: "metric identifier",
    NUMBER: "number",
    DURATION: "duration",
    STRING: "string",
  };
  if (named[type]) return `${named[type]} ${JSON.stringify(text)}`;
  if (AGGREGATORS.has(type)) return `<aggr:${text}>`;
  if (OPERATOR_TYPES.has(type) || ["LAND", "LOR", "LUNLESS", "ATAN2"].includes(type))
    return `<op:${text}>`;
  if (PUNCTUATION_TYPES.has(type) || CALLABLE_KEYWORDS.has(type)) return JSON.stringify(text);
  if (Object.values(KEYWORDS).includes(type)) return `<${text}>`;
  return JSON.stringify(text);
}

/** Go's %f of a float: six decimals, and +Inf, -Inf, NaN spelled as Go spells them. */
function goFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  return value.toFixed(6);
}

/** strconv.ParseInt(s, 0, 64), else ParseFloat: hexadecimal, octal, underscores, Inf and NaN. */
export function goNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === "inf") return Number.POSITIVE_INFINITY;
  if (lower === "nan") return Number.NaN;
  const digits = text.replace(/_/g, "");
  if (/^0[xX][0-9a-fA-F]+$/.test(digits)) return Number.parseInt(digits.slice(2), 16);
  if (/^0[0-7]+$/.test(digits)) return Number.parseInt(digits, 8);
  const value = Number(digits);
  if (Number.isNaN(value) || !Number.isFinite(value)) return undefined;
  return value;
}

const DURATION_UNITS: ReadonlyArray<[string, number]> = [
  ["y", 365 * 24 * 3600],
  ["w", 7 * 24 * 3600],
  ["d", 24 * 3600],
  ["h", 3600],
  ["m", 60],
  ["s", 1],
  ["ms", 0.001],
];

/** model.ParseDuration: units largest first, each at most once; undefined when it does not parse. */
export function durationSeconds(text: string): number | undefined {
  const match =
    /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
  if (text === "0") return 0;
  if (!match || text === "") return undefined;
  const seconds = DURATION_UNITS.reduce(
    (sum, [, unit], k) => sum + Number(match[k + 1] ?? 0) * unit,
    0,
  );
  // model.Duration counts milliseconds in an int64.
  return seconds * 1000 > 2 ** 63 - 1 ? undefined : seconds;
}
