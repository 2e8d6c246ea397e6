import { ACTION, CONTROL } from "./helm-defines.js";
import { truthy, valueAt } from "./helm-values.js";

/**
 * Go template pipelines of a chart, evaluated against its merged values as far as they say where
 * a value came from: `.Values.a.b` (references already written so, see `boundLines`), literals,
 * `not`/`and`/`or`/`eq`/`ne`/`empty`, and Sprig's `default`, `coalesce`, `ternary`, `required`.
 * What is not known (`.Release`, an `include`) is `UNKNOWN`, never guessed.
 */

export const UNKNOWN: unique symbol = Symbol("unknown");

/** A pipeline's value, and the values key it is (or that chose it), when one is. */
export interface Evaluated {
  value: unknown;
  path?: string[] | undefined;
  /** `default`, `coalesce` or `ternary` chose this argument: a literal chosen has no key. */
  decided?: boolean;
}

type Token = { kind: "open" | "close" | "pipe" } | { kind: "word"; text: string };

/** The pipeline's value and source; undefined when it does not parse. */
export function evaluate(text: string, values: unknown): Evaluated | undefined {
  const tokens = tokenize(text);
  if (!tokens) return undefined;
  const parser = { tokens, at: 0 };
  const result = pipeline(parser, values);
  return result && parser.at === tokens.length ? result : undefined;
}

/** Whether a condition holds: true, false, or undefined when its value is not known. */
export function holds(text: string, values: unknown): boolean | undefined {
  const result = evaluate(text, values);
  if (!result || result.value === UNKNOWN) return undefined;
  return truthy(result.value);
}

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  const pattern = /\s+|(\()|(\))|(\|)|("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'|[^\s()|]+)/gy;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) return undefined;
    at = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: "open" });
    else if (match[2]) tokens.push({ kind: "close" });
    else if (match[3]) tokens.push({ kind: "pipe" });
    else if (match[4]) tokens.push({ kind: "word", text: match[4] });
  }
  return tokens;
}

interface Parser {
  tokens: Token[];
  at: number;
}

function pipeline(parser: Parser, values: unknown): Evaluated | undefined {
  let result = command(parser, values, undefined);
  while (result && parser.tokens[parser.at]?.kind === "pipe") {
    parser.at++;
    result = command(parser, values, result);
  }
  return result;
}

type Operand = Evaluated | { function: string };

function command(
  parser: Parser,
  values: unknown,
  piped: Evaluated | undefined,
): Evaluated | undefined {
  const operands: Operand[] = [];
  for (;;) {
    const token = parser.tokens[parser.at];
    if (!token || token.kind === "pipe" || token.kind === "close") break;
    parser.at++;
    if (token.kind === "open") {
      const inner = pipeline(parser, values);
      if (!inner || parser.tokens[parser.at]?.kind !== "close") return undefined;
      parser.at++;
      operands.push(inner);
    } else if (token.kind === "word") operands.push(operand(token.text, values));
  }
  const [head, ...args] = operands;
  if (!head) return undefined;
  if (!("function" in head)) return args.length || piped ? undefined : head;
  const argued = [...args, ...(piped ? [piped] : [])];
  if (argued.some((argument) => "function" in argument)) return { value: UNKNOWN };
  return call(head.function, argued as Evaluated[]);
}

function operand(text: string, values: unknown): Operand {
  if (/^"/.test(text)) return { value: JSON.parse(text) };
  if (/^[`']/.test(text)) return { value: text.slice(1, -1) };
  if (/^-?\d+(?:\.\d+)?$/.test(text)) return { value: Number(text) };
  if (text === "true" || text === "false") return { value: text === "true" };
  if (text === "nil") return { value: null };
  const reference = /^\.Values((?:\.[A-Za-z0-9_-]+)*)$/.exec(text);
  if (reference) {
    const path = reference[1]!.split(".").slice(1);
    return { value: valueAt(values, path), path };
  }
  if (/^[A-Za-z_]\w*$/.test(text)) return { function: text };
  // `.Release.Name`, `$name`, a range's item: no values key.
  return { value: UNKNOWN };
}

/** Functions that print their argument another way: its key still decides what is printed. */
const CONVERSIONS = new Set([
  "quote",
  "squote",
  "toString",
  "toYaml",
  "toJson",
  "toPrettyJson",
  "int",
  "int64",
  "float64",
  "lower",
  "upper",
  "trim",
  "b64enc",
  "tpl",
  "nindent",
  "indent",
  "omit",
  "trunc",
  "trimSuffix",
  "trimPrefix",
]);

function call(name: string, args: readonly Evaluated[]): Evaluated {
  const known = (argument: Evaluated | undefined) =>
    argument !== undefined && argument.value !== UNKNOWN;
  switch (name) {
    case "not":
      return known(args[0]) ? { value: !truthy(args[0]!.value) } : { value: UNKNOWN };
    case "empty":
      return known(args[0]) ? { value: !truthy(args[0]!.value) } : { value: UNKNOWN };
    case "and":
    case "or":
      for (const [index, argument] of args.entries()) {
        if (!known(argument)) return { value: UNKNOWN };
        const last = index === args.length - 1;
        if (last || truthy(argument.value) === (name === "or")) return argument;
      }
      return { value: UNKNOWN };
    case "eq":
    case "ne": {
      if (!args.every(known) || args.length < 2) return { value: UNKNOWN };
      const [first, ...others] = args;
      const equal = others.some((other) => other.value === first!.value);
      return { value: name === "eq" ? equal : !equal };
    }
    case "default": {
      const [fallback, given] = args;
      if (!given) return fallback ?? { value: UNKNOWN };
      if (!known(given)) return { value: UNKNOWN };
      return chose(truthy(given.value) ? given : fallback);
    }
    case "coalesce":
      for (const argument of args) {
        if (!known(argument)) return { value: UNKNOWN };
        if (truthy(argument.value)) return chose(argument);
      }
      return { value: null, decided: true };
    case "ternary": {
      const [whenTrue, whenFalse, condition] = args;
      if (!known(condition) || !whenTrue || !whenFalse) return { value: UNKNOWN };
      const chosen = truthy(condition!.value) ? whenTrue : whenFalse;
      // Literal branches: the condition's key decided what was printed.
      return chosen.path ? chose(chosen) : { value: chosen.value, path: condition!.path };
    }
    case "required":
      return args[1] ?? { value: UNKNOWN };
    case "hasKey": {
      const [map, key] = args;
      if (!known(map) || !known(key)) return { value: UNKNOWN };
      const value = map!.value;
      return {
        value:
          typeof value === "object" && value !== null && Object.hasOwn(value, String(key!.value)),
      };
    }
    default: {
      // A conversion's input is its last argument (the piped one).
      const input = CONVERSIONS.has(name) ? args.at(-1) : undefined;
      return { value: UNKNOWN, path: input?.path, ...(input?.decided ? { decided: true } : {}) };
    }
  }
}

function chose(argument: Evaluated | undefined): Evaluated {
  return argument ? { ...argument, decided: true } : { value: UNKNOWN };
}

/**
 * The values key a line's last printing action prints: `{{ .Values.a | default "x" }}` is `a`
 * when set; `{{ default .Values.a .Values.b }}` is `b` when it is set, else `a`;
 * `{{ ternary "x" "y" .Values.c }}` is `c`. `null`: a literal or a field of the chart was
 * chosen (the template line printed it); undefined: not known.
 */
export function printedKey(line: string, values: unknown): string[] | null | undefined {
  const actions = [...line.matchAll(ACTION)].map((match) => match[1]!);
  const printing = actions.filter((body) => !CONTROL.test(body));
  const last = printing.at(-1);
  const result = last === undefined ? undefined : evaluate(last, values);
  if (!result) return undefined;
  if (result.path) return result.path;
  return result.decided ? null : undefined;
}

interface Branch {
  /** This branch's lines are not printed. */
  skip: boolean;
  /** This branch is printed for sure (a range, a define, or a condition that holds). */
  taken: boolean;
  /** An earlier branch of the chain was taken for sure. */
  done: boolean;
  /** An earlier branch's condition is not known. */
  open: boolean;
}

/** Lines of a template whose branches the values decided. */
export interface Taken {
  /** The lines, those of the branches not taken blanked. */
  lines: string[];
  /** Whether each line is printed for sure: every `if`/`with` around it is known taken. */
  sure: boolean[];
}

/**
 * The lines (references written `.Values.a.b`) with those of the branches not taken blanked:
 * an `if`/`else if`/`else` (and `with`, `else with`) chain whose conditions the merged values
 * decide. A branch after one whose condition is not known stays, as does every line of one.
 */
export function takenBranches(lines: readonly string[], values: unknown): Taken {
  const stack: Branch[] = [];
  const skipping = () => stack.some((branch) => branch.skip);
  const sure: boolean[] = [];
  const kept = lines.map((line) => {
    const before = skipping();
    sure.push(stack.every((branch) => branch.taken));
    for (const action of line.matchAll(ACTION)) {
      const body = action[1]!;
      const block = /^(if|with|range|define|block)\b\s*(.*)$/s.exec(body);
      const otherwise = /^else\b\s*(?:(?:if|with)\b\s*(.*))?$/s.exec(body);
      if (block) {
        const conditional = block[1] === "if" || block[1] === "with";
        const holdsNow = conditional ? holds(block[2]!, values) : undefined;
        // A range's `else` prints when it has no items: left as it is.
        stack.push({
          skip: holdsNow === false,
          taken: !conditional || holdsNow === true,
          done: holdsNow === true,
          open: holdsNow === undefined,
        });
      } else if (otherwise && stack.length) {
        const branch = stack.at(-1)!;
        const condition = otherwise[1] === undefined ? true : holds(otherwise[1], values);
        stack[stack.length - 1] = {
          skip: branch.done || condition === false,
          taken: !branch.done && !branch.open && condition === true,
          // Taken or not, a branch that holds ends the chain: no later one prints.
          done: branch.done || condition === true,
          open: branch.open || condition === undefined,
        };
      } else if (/^end\b/.test(body)) stack.pop();
    }
    return before && skipping() ? "" : line;
  });
  return { lines: kept, sure };
}
