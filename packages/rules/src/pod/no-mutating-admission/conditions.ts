import { isRecord } from "@scout-deploy/core";
import { TokenCursor, tokenize } from "../../support/tokens.js";

/**
 * A small subset of CEL, enough to decide the match conditions admission configurations usually
 * hold (`object.metadata.namespace == 'kube-system'`, `'app' in object.metadata.labels`,
 * `request.operation == 'CREATE' && !has(object.metadata.labels.injected)`):
 *
 * - literals: strings, integers, `true`, `false`, `null`;
 * - field selection `a.b`, indexing `a['b']`, `has(a.b)`, `x in map`, `x in [list]`;
 * - `==`, `!=`, `!`, `&&`, `||`, parentheses;
 * - the string methods `startsWith`, `endsWith` and `contains`.
 *
 * Anything else (other functions, arithmetic, macros, `?:`) is not parsed: the condition is then
 * UNKNOWN. A value the input cannot tell (a name the cluster generates, `request.userInfo`,
 * `params`, `authorizer`) is UNKNOWN too, and so is any answer that depends on one.
 */
export const UNKNOWN: unique symbol = Symbol("unknown");
/** A CEL evaluation error (a missing map key, a type mismatch): the condition neither holds nor fails. */
export const ERROR: unique symbol = Symbol("error");

export type Value = unknown;
export type Verdict = boolean | typeof UNKNOWN | typeof ERROR;

type Node =
  | { type: "literal"; value: Value }
  | { type: "ident"; name: string }
  | { type: "select"; operand: Node; field: string }
  | { type: "index"; operand: Node; key: Node }
  | { type: "has"; operand: Node; field: string }
  | { type: "call"; target: Node; method: string; arg: Node }
  | { type: "list"; items: Node[] }
  | { type: "not"; operand: Node }
  | { type: "binary"; op: "==" | "!=" | "&&" | "||" | "in"; left: Node; right: Node };

const TOKEN =
  /\s*(?:('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|&&|\|\||[!.()[\],]))/y;

const STRING_METHODS = new Set(["startsWith", "endsWith", "contains"]);

/** The parsed expression, or undefined when it leaves the subset. */
export function parseCondition(source: string): Node | undefined {
  const tokens = tokenize(source, TOKEN);
  if (!tokens) return undefined;
  const cursor = new TokenCursor(tokens);
  const peek = () => cursor.peek();
  const take = (want?: string) => cursor.take(want);
  const binary = (next: () => Node, ops: readonly string[]): (() => Node) => {
    return () => {
      let left = next();
      while (ops.includes(peek() ?? "")) {
        const op = take() as "==" | "!=" | "&&" | "||" | "in";
        left = { type: "binary", op, left, right: next() };
      }
      return left;
    };
  };
  const primary = (): Node => {
    const token = take();
    if (token === "(") {
      const inner = or();
      take(")");
      return inner;
    }
    if (token === "[") {
      const items: Node[] = [];
      while (peek() !== "]") {
        items.push(or());
        if (peek() === ",") take(",");
        else break;
      }
      take("]");
      return { type: "list", items };
    }
    if (token === "!") return { type: "not", operand: postfix(primary()) };
    if (/^['"]/.test(token)) return { type: "literal", value: unquote(token) };
    if (/^\d+$/.test(token)) return { type: "literal", value: Number(token) };
    if (token === "true" || token === "false") return { type: "literal", value: token === "true" };
    if (token === "null") return { type: "literal", value: null };
    if (token === "has") {
      take("(");
      const operand = postfix({ type: "ident", name: take() });
      take(")");
      if (operand.type !== "select") throw new Error("has() takes a field selection");
      return { type: "has", operand: operand.operand, field: operand.field };
    }
    if (/^[A-Za-z_]/.test(token) && peek() !== "(") return { type: "ident", name: token };
    throw new Error(`not in the subset: ${token}`);
  };
  const postfix = (node: Node): Node => {
    for (;;) {
      if (peek() === ".") {
        take(".");
        const field = take();
        if (peek() === "(") {
          if (!STRING_METHODS.has(field)) throw new Error(`not in the subset: ${field}()`);
          take("(");
          const arg = or();
          take(")");
          node = { type: "call", target: node, method: field, arg };
        } else node = { type: "select", operand: node, field };
      } else if (peek() === "[") {
        take("[");
        const key = or();
        take("]");
        node = { type: "index", operand: node, key };
      } else return node;
    }
  };
  const unary = () => postfix(primary());
  const relation = binary(unary, ["==", "!=", "in"]);
  const and = binary(relation, ["&&"]);
  const or: () => Node = binary(and, ["||"]);
  try {
    const node = or();
    return cursor.done ? node : undefined;
  } catch {
    return undefined;
  }
}

function unquote(token: string): string {
  return token.slice(1, -1).replace(/\\(.)/g, "$1");
}

/**
 * The value of a condition over `variables`, whose members are plain values, UNKNOWN where the
 * input cannot tell, or records whose absent keys are UNKNOWN unless listed in `complete` (a
 * label map the input knows whole).
 */
export function evaluateCondition(node: Node, variables: Record<string, Value>): Verdict {
  const value = evaluate(node, variables);
  if (value === UNKNOWN || value === ERROR) return value;
  return typeof value === "boolean" ? value : ERROR;
}

/** A record whose keys are all known: an absent key is absent, not unknown (labels, annotations). */
export const COMPLETE: unique symbol = Symbol("complete");

export function complete(record: Record<string, Value>): Record<string, Value> {
  return Object.assign(Object.create(null), record, { [COMPLETE]: true });
}

function field(record: Value, key: string): Value {
  if (record === UNKNOWN || record === ERROR) return record;
  if (!isRecord(record)) return ERROR;
  if (Object.hasOwn(record, key)) return record[key];
  return (record as Record<symbol, unknown>)[COMPLETE] ? ERROR : UNKNOWN;
}

function hasField(record: Value, key: string): Value {
  if (record === UNKNOWN || record === ERROR) return record;
  if (!isRecord(record)) return ERROR;
  if (Object.hasOwn(record, key)) return true;
  return (record as Record<symbol, unknown>)[COMPLETE] ? false : UNKNOWN;
}

function evaluate(node: Node, variables: Record<string, Value>): Value {
  switch (node.type) {
    case "literal":
      return node.value;
    case "ident":
      return Object.hasOwn(variables, node.name) ? variables[node.name] : ERROR;
    case "select":
      return field(evaluate(node.operand, variables), node.field);
    case "index": {
      const key = evaluate(node.key, variables);
      if (key === UNKNOWN || key === ERROR) return key;
      return field(evaluate(node.operand, variables), String(key));
    }
    case "has":
      return hasField(evaluate(node.operand, variables), node.field);
    case "list":
      return node.items.map((item) => evaluate(item, variables));
    case "call": {
      const target = evaluate(node.target, variables);
      const arg = evaluate(node.arg, variables);
      if (target === ERROR || arg === ERROR) return ERROR;
      if (target === UNKNOWN || arg === UNKNOWN) return UNKNOWN;
      if (typeof target !== "string" || typeof arg !== "string") return ERROR;
      if (node.method === "startsWith") return target.startsWith(arg);
      if (node.method === "endsWith") return target.endsWith(arg);
      return target.includes(arg);
    }
    case "not": {
      const value = evaluate(node.operand, variables);
      if (value === UNKNOWN || value === ERROR) return value;
      return typeof value === "boolean" ? !value : ERROR;
    }
    case "binary":
      return binaryOf(node, variables);
  }
}

/** CEL's `&&` and `||` are commutative: a false (a true) side decides even when the other errs. */
function logical(op: "&&" | "||", left: Value, right: Value): Value {
  const decisive = op === "||";
  const sides = [left, right];
  if (sides.some((side) => side === decisive)) return decisive;
  if (sides.some((side) => side === UNKNOWN)) return UNKNOWN;
  if (sides.some((side) => typeof side !== "boolean")) return ERROR;
  return !decisive;
}

function binaryOf(
  node: Extract<Node, { type: "binary" }>,
  variables: Record<string, Value>,
): Value {
  const left = evaluate(node.left, variables);
  const right = evaluate(node.right, variables);
  if (node.op === "&&" || node.op === "||") return logical(node.op, left, right);
  if (left === ERROR || right === ERROR) return ERROR;
  if (node.op === "in") {
    if (Array.isArray(right)) {
      if (left === UNKNOWN) return UNKNOWN;
      if (right.some((item) => item === left)) return true;
      return right.some((item) => item === UNKNOWN) ? UNKNOWN : false;
    }
    if (left === UNKNOWN) return UNKNOWN;
    return typeof left === "string" ? hasField(right, left) : ERROR;
  }
  if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
  if (isRecord(left) || isRecord(right) || Array.isArray(left) || Array.isArray(right))
    return UNKNOWN;
  const equal = left === right;
  return node.op === "==" ? equal : !equal;
}
