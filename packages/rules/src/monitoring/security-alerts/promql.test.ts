import { describe, expect, it } from "vitest";
import { parsePromQL, selectsMetric } from "./promql.js";

/**
 * What Prometheus v0.316.0's promql/parser answers (ParseExpr: lexer, grammar, checkAST), copied
 * from scripts/prom-oracle; the differential test asks it about random expressions.
 */
const REFUSED: ReadonlyArray<[string, string]> = [
  [
    "rate(up)",
    `1:6: parse error: expected type range vector in call to function "rate", got instant vector`,
  ],
  ["scalar(up, up)", `1:1: parse error: expected 1 argument(s) in call to "scalar", got 2`],
  [
    'up + "a"',
    "1:6: parse error: binary expression must contain only scalar and instant vector types",
  ],
  [
    "up > bool up + bool 1",
    "1:14: parse error: bool modifier can only be used on comparison operators",
  ],
  ["1 > 2", "1:3: parse error: comparisons between scalars must use BOOL modifier"],
  [
    "sum(1)",
    "1:5: parse error: expected type instant vector in aggregation expression, got scalar",
  ],
  [
    "sum(rate(up[5m])) offset 1h",
    "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
  ],
  [
    "abs(up) @ 100",
    "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
  ],
  ["(up)[5m]", "1:5: parse error: ranges only allowed for vector selectors"],
  ['{job=""}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['{job=~".*"}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['count by ("") (up)', `1:11: parse error: invalid label name for grouping: ""`],
  ['topk("3", up)', "1:6: parse error: expected type scalar in aggregation parameter, got string"],
  [
    "count_values(1, up)",
    "1:14: parse error: expected type string in aggregation parameter, got scalar",
  ],
  [
    "histogram_quantile(up, up)",
    `1:20: parse error: expected type scalar in call to function "histogram_quantile", got instant vector`,
  ],
  ["holt_winters(up[5m], 0.5, 0.5)", `1:1: parse error: unknown function with name "holt_winters"`],
  ["mad_over_time(up[5m])", `1:1: parse error: function "mad_over_time" is not enabled`],
  [
    "limitk(1, up)",
    "1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions",
  ],
  ["up and on (job) group_left up", `1:1: parse error: no grouping allowed for "and" operation`],
  ["1 and up", `1:1: parse error: set operator "and" not allowed in binary scalar expression`],
  [
    "vector(1) + on (job) 1",
    "1:1: parse error: vector matching only allowed between instant vectors",
  ],
  ['up{__name__="down"}', `1:1: parse error: metric name must not be set twice: "up" or "down"`],
  ["up[0s]", "1:4: parse error: duration must be greater than 0"],
  [
    'up{job=~"a(?=b)"}',
    "1:4: parse error: error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
  ],
  ["up offset 1m offset 1m", "1:1: parse error: offset may not be set multiple times"],
  [
    "up[5m] + 1",
    "1:1: parse error: binary expression must contain only scalar and instant vector types",
  ],
  ["rate(x[5m] > 1", "1:15: parse error: unclosed left parenthesis"],
  ["rate(x[5m]) >", "1:14: parse error: unexpected end of input"],
  ["rate(x[5m]) > > 1", "1:15: parse error: unexpected <op:>>"],
  ["sum by (pod) rate(x[5m])", `1:14: parse error: unexpected identifier "rate" in aggregation`],
  [")", "1:2: parse error: unexpected right parenthesis ')'"],
  ["topk(,x)", `1:6: parse error: unexpected "," in aggregation`],
  [
    "rate(\n  x\n)",
    `2:3: parse error: expected type range vector in call to function "rate", got instant vector`,
  ],
];

const ACCEPTED = [
  "rate(up[5m])[10m:1m]",
  'up{job=~"\\\\d"}',
  "time() + on () 1",
  'up{job=~"(?i)API"}',
  "sum by (a, a) (up)",
  "x[5m] @ start()",
  "up </ 1",
  '{"up"}',
  'up{job="a"} # comment',
  '"just a string"',
  "up[5m]",
  "sum(up) by (job)",
  'label_join(up, "a", ",", "b", "c")',
];

describe("parsePromQL", () => {
  it.each(REFUSED)("refuses %j as Prometheus does, with its error", (expr, error) => {
    expect(parsePromQL(expr)).toMatchObject({ error });
  });

  it.each(ACCEPTED)("accepts %j, as Prometheus does", (expr) => {
    expect(parsePromQL(expr)).not.toHaveProperty("error");
  });

  it("accepts experimental functions and fill modifiers when Prometheus' feature flags enable them", () => {
    const enabled = { experimentalFunctions: true, fillModifiers: true };
    for (const expr of [
      "mad_over_time(up[5m])",
      "limitk(1, up)",
      "up + on (job) fill (0) up",
      'info(up, {k8s_cluster=~".*"})',
    ]) {
      expect(parsePromQL(expr, enabled)).not.toHaveProperty("error");
      expect(parsePromQL(expr)).toHaveProperty("error");
    }
    const utf8 = parsePromQL('sum by (http.method) (rate(http.requests{café="x"}[5m]))', {
      utf8Names: true,
    });
    expect(utf8).not.toHaveProperty("error");
    expect(parsePromQL("sum by (a:b) (up)", { utf8Names: true })).toMatchObject({
      error: `1:9: parse error: invalid label name for grouping: "a:b"`,
    });
    expect(parsePromQL("1 + fill (0) up", enabled)).toMatchObject({
      error: "1:1: parse error: filling in missing series only allowed between instant vectors",
    });
  });

  it("counts the column of its message in bytes, as Prometheus does, and the finding's in characters", () => {
    expect(parsePromQL('{a="é"} + rate(up)')).toMatchObject({
      error: `1:17: parse error: expected type range vector in call to function "rate", got instant vector`,
      position: { line: 1, column: 16 },
    });
  });

  it("places the error at the line and column of the offending token", () => {
    expect(parsePromQL("sum(\n  rate(up)\n)")).toMatchObject({ position: { line: 2, column: 8 } });
  });

  it("matches a regular expression as Go's RE2 does: (?i) ignores case", () => {
    const parsed = parsePromQL('rate({__name__=~"(?i)SCOUT_AUTH_.*"}[5m]) > 1');
    if ("error" in parsed) throw new Error(parsed.error);
    expect(parsed.selectors.some((s) => selectsMetric(s, "scout_auth_failures_total"))).toBe(true);
  });
});
