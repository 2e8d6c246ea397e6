/**
 * Calico's selector expressions (`app == 'web' && has(tier)`, `all()`, `k in {'a', 'b'}`,
 * `!has(x)`, `k not in {...}`, `k starts with 'x'`, `ends with`, `contains`, `||`, `!`,
 * parentheses), decided three-valued over a pod's or a namespace's labels: a label whose value
 * only the cluster knows, or one the side leaves open (a namespace without a Namespace object in
 * the input, `isOpenKey`), leaves a test of it open ("maybe"). An expression outside this grammar
 * is not parsed (undefined): the caller takes it as "may select".
 */
import { isOpenKey, type PodSide } from "@scout-deploy/netpol";
import { TokenCursor, tokenize } from "../../support/tokens.js";

export type Tri = boolean | "maybe";

/** A pod's or a namespace's labels, as netpol's selectors read them. */
export type LabelSide = PodSide;

type Expr = (side: LabelSide) => Tri;

const TOKEN = /\s*(?:('[^']*'|"[^"]*")|(==|!=|&&|\|\||[!(){},])|([A-Za-z0-9_./-]+(?:\s+with)?))/y;

export const not = (value: Tri): Tri => (value === "maybe" ? value : !value);

export function and(left: Tri, right: Tri): Tri {
  if (left === false || right === false) return false;
  return left === true && right === true ? true : "maybe";
}

export function or(left: Tri, right: Tri): Tri {
  if (left === true || right === true) return true;
  return left === false && right === false ? false : "maybe";
}

/** The value a side holds under a key: a string, absent, or unknown (maybe absent, when open). */
function labelValue(side: LabelSide, key: string): string | undefined | "\u0000maybe" {
  if (side.unknownLabels.includes(key) || isOpenKey(side, key)) return "\u0000maybe";
  return Object.hasOwn(side.labels, key) ? side.labels[key] : undefined;
}

function compare(key: string, test: (value: string) => boolean): Expr {
  return (side) => {
    const value = labelValue(side, key);
    if (value === "\u0000maybe") return "maybe";
    return value !== undefined && test(value);
  };
}

const unquote = (token: string) => token.slice(1, -1);
const isString = (token: string | undefined) => token !== undefined && /^['"]/.test(token);

/** The compiled selector; `""` (an absent selector) is `all()`. */
export function compileCalicoSelector(source: string): Expr | undefined {
  if (source.trim() === "") return () => true;
  const tokens = tokenize(source, TOKEN)?.map((token) => token.replace(/\s+/g, " "));
  if (!tokens) return undefined;
  const cursor = new TokenCursor(tokens);
  const peek = () => cursor.peek();
  const take = (want?: string) => cursor.take(want);
  const set = (): string[] => {
    take("{");
    const values: string[] = [];
    while (peek() !== "}") {
      const token = take();
      if (!isString(token)) throw new Error("syntax");
      values.push(unquote(token));
      if (peek() === ",") take(",");
    }
    take("}");
    return values;
  };
  const primary = (): Expr => {
    const token = take();
    if (token === "(") {
      const inner = disjunction();
      take(")");
      return inner;
    }
    if (token === "!") {
      const operand = primary();
      return (side) => not(operand(side));
    }
    if ((token === "all" || token === "global") && peek() === "(") {
      take("(");
      take(")");
      return () => true;
    }
    if (token === "has" && peek() === "(") {
      take("(");
      const key = take();
      take(")");
      return (side) =>
        side.unknownLabels.includes(key) || Object.hasOwn(side.labels, key)
          ? true
          : isOpenKey(side, key)
            ? "maybe"
            : false;
    }
    if (isString(token) || /[!=(){},&|]/.test(token)) throw new Error("syntax");
    const key = token;
    const op = take();
    if (op === "==" || op === "!=") {
      const literal = take();
      if (!isString(literal)) throw new Error("syntax");
      const equal = compare(key, (v) => v === unquote(literal));
      // `!=` also holds for a pod without the label.
      return op === "==" ? equal : (side) => not(equal(side));
    }
    if (op === "in") {
      const values = set();
      return compare(key, (v) => values.includes(v));
    }
    if (op === "not") {
      take("in");
      const values = set();
      const within = compare(key, (v) => values.includes(v));
      return (side) => not(within(side));
    }
    if (op === "starts with" || op === "ends with" || op === "contains") {
      const literal = take();
      if (!isString(literal)) throw new Error("syntax");
      const text = unquote(literal);
      return compare(key, (v) =>
        op === "starts with"
          ? v.startsWith(text)
          : op === "ends with"
            ? v.endsWith(text)
            : v.includes(text),
      );
    }
    throw new Error("syntax");
  };
  const conjunction = (): Expr => {
    let left = primary();
    while (peek() === "&&") {
      take();
      const [l, r] = [left, primary()];
      left = (side) => and(l(side), r(side));
    }
    return left;
  };
  const disjunction = (): Expr => {
    let left = conjunction();
    while (peek() === "||") {
      take();
      const [l, r] = [left, conjunction()];
      left = (side) => or(l(side), r(side));
    }
    return left;
  };
  try {
    const expr = disjunction();
    return cursor.done ? expr : undefined;
  } catch {
    return undefined;
  }
}
