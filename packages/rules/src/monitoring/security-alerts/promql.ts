/**
 * Just enough of PromQL (Prometheus 3.x, promql/parser) to say which metrics an expression
 * selects: its vector selectors with their `__name__` matchers, found by a tokenizer that knows
 * strings, comments, label lists (`by`, `on`, ...) and matcher values, so that a metric name in a
 * string, a comment or a label value selects nothing. An expression Prometheus cannot parse
 * (unbalanced brackets, an unknown or experimental function, a range function without a range,
 * an empty selector) is an error: Prometheus refuses the whole rule file.
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

export type Parsed = { selectors: Selector[] } | { error: string };

/** The functions and aggregations Prometheus accepts without --enable-feature=promql-experimental-functions. */
const RANGE_FUNCTIONS = new Set(
  "absent_over_time avg_over_time changes count_over_time delta deriv idelta increase irate last_over_time max_over_time min_over_time predict_linear present_over_time quantile_over_time rate resets stddev_over_time stdvar_over_time sum_over_time".split(
    " ",
  ),
);
const FUNCTIONS = new Set([
  ...RANGE_FUNCTIONS,
  ..."abs absent acos acosh asin asinh atan atanh ceil clamp clamp_max clamp_min cos cosh days_in_month day_of_month day_of_week day_of_year deg exp floor histogram_avg histogram_count histogram_sum histogram_stddev histogram_stdvar histogram_fraction histogram_quantile hour label_replace label_join ln log10 log2 minute month pi rad round scalar sgn sin sinh sort sort_desc sqrt tan tanh time timestamp vector year".split(
    " ",
  ),
]);
const AGGREGATIONS = new Set(
  "sum avg count min max group stddev stdvar topk bottomk count_values quantile".split(" "),
);
for (const name of AGGREGATIONS) FUNCTIONS.add(name);
/** Keywords followed by a parenthesised list of label names, not an expression. */
const LABEL_LISTS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const KEYWORDS = new Set(["and", "or", "unless", "atan2", "bool", "offset", "inf", "nan"]);
const OPERATORS = new Set(["+", "-", "*", "/", "%", "^", "==", "!=", "<=", ">=", "<", ">"]);

interface Token {
  kind: "ident" | "number" | "string" | "punct";
  text: string;
}

const TOKEN =
  /\s+|#[^\n]*|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)|([a-zA-Z_:][\w:]*)|(\d[\w.]*|\.\d[\w.]*)|(=~|!~|!=|==|<=|>=|[-+*/%^<>=(){}[\],@])/y;

function tokenize(expr: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(expr);
    if (!m) return `unexpected character ${JSON.stringify(expr[at])} at position ${at + 1}`;
    if (m[1]) tokens.push({ kind: "string", text: unquote(m[1]) });
    else if (m[2]) tokens.push({ kind: "ident", text: m[2] });
    else if (m[3]) tokens.push({ kind: "number", text: m[3] });
    else if (m[4]) tokens.push({ kind: "punct", text: m[4] });
  }
  return tokens;
}

function unquote(quoted: string): string {
  const body = quoted.slice(1, -1);
  if (quoted.startsWith("`")) return body;
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t" })[c] ?? c);
}

const CLOSING: Record<string, string> = { "(": ")", "{": "}", "[": "]" };

/** The selectors of a PromQL expression, or why Prometheus would not parse it. */
export function parsePromQL(expr: string): Parsed {
  const tokens = tokenize(expr);
  if (typeof tokens === "string") return { error: tokens };
  if (tokens.length === 0) return { error: "no expression found in input" };
  const balance = balanced(tokens);
  if (balance) return { error: balance };
  const last = tokens[tokens.length - 1]!;
  if (last.kind === "punct" && OPERATORS.has(last.text))
    return { error: `unexpected end of input after "${last.text}"` };
  const selectors: Selector[] = [];
  /** The functions whose parentheses enclose the current token, innermost last. */
  const calls: { name: string; depth: number; ranged: boolean }[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (token.kind === "punct") {
      const previous = tokens[i - 1];
      if (
        OPERATORS.has(token.text) &&
        token.text !== "-" &&
        token.text !== "+" &&
        previous?.kind === "punct" &&
        (OPERATORS.has(previous.text) || previous.text === "(" || previous.text === ",")
      )
        return { error: `unexpected "${token.text}" after "${previous.text}"` };
      if (token.text === "(") depth++;
      if (token.text === ")") {
        const call = calls[calls.length - 1];
        if (call && call.depth === depth) {
          if (RANGE_FUNCTIONS.has(call.name) && !call.ranged)
            return { error: `expected type range vector in call to function "${call.name}"` };
          calls.pop();
        }
        depth--;
      }
      if (token.text === "[") {
        // A range or subquery: durations, never selectors.
        const call = calls[calls.length - 1];
        // The innermost call takes it, through parentheses too (`increase((x[5m:1m]))`).
        if (call && call.depth <= depth) {
          call.ranged = true;
          // Only the range functions take a range vector (`sum(x[5m])` is an error).
          if (!RANGE_FUNCTIONS.has(call.name))
            return {
              error: `expected type instant vector in call to "${call.name}", got range vector`,
            };
        }
        i = closingIndex(tokens, i);
      }
      if (token.text === "{") {
        const end = closingIndex(tokens, i);
        const matchers = matchersOf(tokens.slice(i + 1, end));
        if (typeof matchers === "string") return { error: matchers };
        if (matchers.empty)
          return { error: "vector selector must contain at least one non-empty matcher" };
        selectors.push({ names: matchers.names, inAbsent: inAbsent(calls) });
        i = end;
      }
      if (token.text === "@") i = skipAt(tokens, i);
      continue;
    }
    if (token.kind !== "ident") continue;
    // Keywords and aggregations are case-insensitive (`SUM BY (pod)`); function names are not.
    const keyword = token.text.toLowerCase();
    const name = AGGREGATIONS.has(keyword) ? keyword : token.text;
    if (LABEL_LISTS.has(keyword) && next?.text === "(") {
      i = closingIndex(tokens, i + 1);
      continue;
    }
    // `sum by (job) (...)`: the aggregation's clause comes first, then its parenthesised argument.
    const clause = next?.text.toLowerCase();
    if (AGGREGATIONS.has(name) && (clause === "by" || clause === "without")) {
      const end = closingIndex(tokens, i + 2);
      if (tokens[end + 1]?.text !== "(")
        return {
          error: `unexpected identifier after the ${clause} clause of ${name} (its argument needs parentheses)`,
        };
      continue;
    }
    // `> bool (x)`, `and (x)`: an operator keyword before a parenthesised operand.
    if (KEYWORDS.has(keyword)) continue;
    if (next?.text === "(" && next.kind === "punct") {
      if (!FUNCTIONS.has(name)) return { error: `unknown function with name "${name}"` };
      calls.push({ name, depth: depth + 1, ranged: false });
      continue;
    }
    if (KEYWORDS.has(keyword)) continue;
    const names: NameMatcher[] = [{ op: "=", value: name }];
    if (next?.text === "{") {
      const end = closingIndex(tokens, i + 1);
      const matchers = matchersOf(tokens.slice(i + 2, end));
      if (typeof matchers === "string") return { error: matchers };
      names.push(...matchers.names);
      i = end;
    }
    selectors.push({ names, inAbsent: inAbsent(calls) });
  }
  return { selectors };
}

function inAbsent(calls: readonly { name: string }[]): boolean {
  return calls.some((c) => c.name === "absent" || c.name === "absent_over_time");
}

/** `@ 1609746000`, `@ start()`, `@ end()`: the index of its last token. */
function skipAt(tokens: readonly Token[], at: number): number {
  const next = tokens[at + 1];
  if (next?.kind === "ident" && tokens[at + 2]?.text === "(") return closingIndex(tokens, at + 2);
  return next?.text === "-" || next?.text === "+" ? at + 2 : at + 1;
}

function balanced(tokens: readonly Token[]): string | undefined {
  const open: string[] = [];
  for (const token of tokens) {
    if (token.kind !== "punct") continue;
    if (CLOSING[token.text]) open.push(CLOSING[token.text]!);
    else if (Object.values(CLOSING).includes(token.text) && open.pop() !== token.text)
      return `unexpected "${token.text}"`;
  }
  return open.length > 0
    ? `unclosed "${Object.keys(CLOSING).find((k) => CLOSING[k] === open[open.length - 1])}"`
    : undefined;
}

function closingIndex(tokens: readonly Token[], at: number): number {
  let depth = 0;
  for (let i = at; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "punct") continue;
    if (CLOSING[t.text]) depth++;
    else if (Object.values(CLOSING).includes(t.text) && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/**
 * The matchers between braces: `label op "value"`, comma-separated; a lone quoted string is the
 * metric name (Prometheus 3's `{"metric.name"}`). `empty` when every matcher matches the empty
 * string, which Prometheus refuses.
 */
function matchersOf(tokens: readonly Token[]): { names: NameMatcher[]; empty: boolean } | string {
  const names: NameMatcher[] = [];
  let empty = true;
  for (let i = 0; i < tokens.length; ) {
    const label = tokens[i];
    const op = tokens[i + 1];
    if (!label) break;
    if (label.kind === "string" && (op === undefined || op.text === ",")) {
      names.push({ op: "=", value: label.text });
      empty = false;
      i += 2;
      continue;
    }
    const value = tokens[i + 2];
    if (
      (label.kind !== "ident" && label.kind !== "string") ||
      !op ||
      !["=", "!=", "=~", "!~"].includes(op.text) ||
      value?.kind !== "string"
    )
      return `unexpected ${JSON.stringify(label.text)} in label matching`;
    const matcher = { op: op.text as NameMatcher["op"], value: value.text };
    if (matcher.op.endsWith("~") && !validRegex(matcher.value))
      return `error parsing regexp ${JSON.stringify(matcher.value)}`;
    if (label.text === "__name__") names.push(matcher);
    if (!matches(matcher, "")) empty = false;
    i += 3;
    if (tokens[i]?.text === ",") i++;
  }
  return { names, empty };
}

/** Whether a matcher accepts a value: regular expressions are anchored, as Prometheus anchors them. */
export function matches(matcher: NameMatcher, value: string): boolean {
  switch (matcher.op) {
    case "=":
      return value === matcher.value;
    case "!=":
      return value !== matcher.value;
    case "=~":
      return anchored(matcher.value).test(value);
    case "!~":
      return !anchored(matcher.value).test(value);
  }
}

function validRegex(regex: string): boolean {
  try {
    new RegExp(regex);
    return true;
  } catch {
    return false;
  }
}

function anchored(regex: string): RegExp {
  try {
    return new RegExp(`^(?:${regex})$`, "s");
  } catch {
    return /^(?!)/;
  }
}

/** Whether a selector selects series of the metric. */
export function selectsMetric(selector: Selector, metric: string): boolean {
  return selector.names.every((m) => matches(m, metric));
}
