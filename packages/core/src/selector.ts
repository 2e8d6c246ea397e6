import { labelProblem, labelValueProblem, qualifiedNameProblem } from "./names.js";
import { escapeSegment, isRecord } from "./pointer.js";

export type Labels = Readonly<Record<string, string>>;

/** A compiled label selector; `undefined` input (a missing selector) is handled by the caller. */
export type Selector = (labels: Labels) => boolean;

export const SELECT_ALL: Selector = () => true;

/**
 * Compiles matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist); all must hold.
 * A selector the API server refuses (see `labelSelectorProblems`) never exists, so it selects
 * nothing: an unknown operator matches no labels.
 */
export function compileSelector(value: unknown): Selector {
  if (!isRecord(value)) return SELECT_ALL;
  const tests: Selector[] = [];
  if (isRecord(value.matchLabels)) {
    for (const [key, expected] of Object.entries(value.matchLabels)) {
      tests.push((labels) => labels[key] === String(expected));
    }
  }
  if (Array.isArray(value.matchExpressions)) {
    for (const expression of value.matchExpressions) tests.push(compileExpression(expression));
  }
  if (tests.length === 0) return SELECT_ALL;
  return (labels) => tests.every((test) => test(labels));
}

function compileExpression(expression: unknown): Selector {
  if (!isRecord(expression) || typeof expression.key !== "string") return () => false;
  const key = expression.key;
  const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
  const has = (labels: Labels) => Object.hasOwn(labels, key);
  switch (expression.operator) {
    case "In":
      return (labels) => has(labels) && values.includes(labels[key]!);
    case "NotIn":
      return (labels) => !has(labels) || !values.includes(labels[key]!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return (labels) => !has(labels);
    default:
      return () => false;
  }
}

/** True when the selector is present and selects everything: `{}` or no requirements. */
export function isEmptySelector(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const labels = isRecord(value.matchLabels) ? Object.keys(value.matchLabels).length : 0;
  const expressions = Array.isArray(value.matchExpressions) ? value.matchExpressions.length : 0;
  return labels === 0 && expressions === 0;
}

/** The string-valued labels of a metadata.labels value, as a selector reads them. */
export function stringLabels(value: unknown): Labels {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

const SET_OPERATORS = new Set(["In", "NotIn"]);
const EXISTENCE_OPERATORS = new Set(["Exists", "DoesNotExist"]);

/**
 * Why the API server refuses a label selector (ValidateLabelSelector), as [pointer, reason]:
 * matchLabels keys are qualified names and values label values; in matchExpressions the key is
 * a qualified name, In and NotIn need values (each a label value), Exists and DoesNotExist take
 * none, and no other operator exists. The object holding such a selector is refused.
 */
export function labelSelectorProblems(selector: unknown, at: string): [string, string][] {
  if (!isRecord(selector)) return [];
  const labels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const labelErrors = Object.entries(labels).flatMap(([key, value]): [string, string][] =>
    labelPairProblems(key, value, `${at}/matchLabels/${escapeSegment(key)}`),
  );
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  const expressionErrors = expressions.flatMap((expression, index): [string, string][] =>
    isRecord(expression) ? expressionProblems(expression, `${at}/matchExpressions/${index}`) : [],
  );
  return [...labelErrors, ...expressionErrors];
}

/** Why the API server refuses one label (key and value) at `pointer`, as [pointer, reason]. */
export function labelPairProblems(
  key: string,
  value: unknown,
  pointer: string,
): [string, string][] {
  const refused = labelProblem(key, value);
  if (!refused) return [];
  const what =
    refused.part === "key"
      ? `the label key ${JSON.stringify(key)}`
      : `the value of label ${JSON.stringify(key)}`;
  return [[pointer, `${what} ${refused.problem}`]];
}

function expressionProblems(
  expression: Record<string, unknown>,
  pointer: string,
): [string, string][] {
  const operator = expression.operator;
  const values = Array.isArray(expression.values) ? expression.values : [];
  const key = typeof expression.key === "string" ? expression.key : "";
  const keyProblem = qualifiedNameProblem(key);
  if (keyProblem) return [[`${pointer}/key`, `the key ${JSON.stringify(key)} ${keyProblem}`]];
  if (typeof operator === "string" && SET_OPERATORS.has(operator)) {
    if (values.length === 0)
      return [[pointer, `a matchExpressions entry with operator ${operator} has no values`]];
    return values.flatMap((value, v): [string, string][] => {
      const problem = typeof value === "string" ? labelValueProblem(value) : undefined;
      return problem ? [[`${pointer}/values/${v}`, `a selector value ${problem}`]] : [];
    });
  }
  if (typeof operator === "string" && EXISTENCE_OPERATORS.has(operator)) {
    return values.length === 0
      ? []
      : [[pointer, `a matchExpressions entry with operator ${operator} may not have values`]];
  }
  return [
    [
      pointer,
      `${JSON.stringify(operator)} is no selector operator (In, NotIn, Exists, DoesNotExist)`,
    ],
  ];
}
