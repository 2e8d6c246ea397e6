import { isRecord } from "@scout-deploy/core";

export type Labels = Readonly<Record<string, string>>;

/** A compiled label selector; `undefined` input (a missing selector) is handled by the caller. */
export type Selector = (labels: Labels) => boolean;

export const SELECT_ALL: Selector = () => true;

/** Compiles matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist); all must hold. */
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
  switch (expression.operator) {
    case "In":
      return (labels) => key in labels && values.includes(labels[key]!);
    case "NotIn":
      return (labels) => !(key in labels) || !values.includes(labels[key]!);
    case "Exists":
      return (labels) => key in labels;
    case "DoesNotExist":
      return (labels) => !(key in labels);
    default:
      // An unknown operator is invalid; Kubernetes rejects the policy, so it selects nothing.
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
