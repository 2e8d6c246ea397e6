/**
 * The `define`s of a chart's template files, and what the dot of an `include` names: enough to
 * follow a key an `{{ include "x" . }}` printed into the define that wrote it, and a value it
 * prints to its `.Values` key.
 */

/** A define's body: the file's lines with every other line blank, so indexes stay the file's. */
export interface Define {
  file: string;
  lines: string[];
}

/**
 * What a template's dot (or `$`) is, as far as values go: the root context (`.Values.x` is the
 * values key `x`), a values node (`include "x" .Values.api`: `.y` is `api.y`), or a `dict` of
 * those; undefined for anything else (a range's item, `.Release`).
 */
export type Binding =
  | { kind: "root" }
  | { kind: "values"; path: string[] }
  | { kind: "dict"; entries: Record<string, Binding | undefined> };

export const ROOT: Binding = { kind: "root" };

/** A template action; its text in group 1. */
export const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
/** An action's text that prints nothing: a comment, control flow, a variable's assignment. */
export const CONTROL = /^(?:\/\*|if\b|else\b|end\b|range\b|with\b|define\b|\$\w+\s*:?=)/;

/** A line of actions that print nothing (`{{- if .x }}`, `{{- end }}`, `{{- $a := 1 }}`). */
export function isControlLine(line: string): boolean {
  if (!/^\s*\{\{.*\}\}\s*$/.test(line)) return false;
  return [...line.matchAll(ACTION)].every((action) => CONTROL.test(action[1]!));
}

const BLOCK = /^(if|with|range|define|block)\b/;

/** Every define of the files, by name; a later file's define of the same name wins, as in Helm. */
export function definesOf(files: readonly { file: string; text: string }[]): Map<string, Define> {
  const found = new Map<string, Define>();
  for (const { file, text } of files) {
    const lines = withoutComments(text).split("\n");
    let open: { name: string; line: number } | undefined;
    let depth = 0;
    lines.forEach((line, index) => {
      for (const action of line.matchAll(ACTION)) {
        const body = action[1]!;
        const define = /^define\s+"([^"]+)"/.exec(body);
        if (define && depth === 0) open = { name: define[1]!, line: index };
        if (BLOCK.test(body)) depth++;
        else if (/^end\b/.test(body) && --depth === 0 && open) {
          const { name, line: start } = open;
          found.set(name, {
            file,
            lines: lines.map((text, at) => (at > start && at < index ? text : "")),
          });
          open = undefined;
        }
      }
    });
  }
  return found;
}

/**
 * `include "name" ARG` (or `template "name" ARG`) printed by a line: the define's name and its
 * argument.
 */
export function includeCall(line: string): { name: string; argument: string } | undefined {
  for (const action of line.matchAll(ACTION)) {
    // An include in an `if` condition or a `$x :=` prints nothing where it is.
    if (CONTROL.test(action[1]!)) continue;
    const call = /(?:^|[\s(])(?:include|template)\s+"([^"]+)"\s*(.*)$/.exec(action[1]!);
    if (call) return { name: call[1]!, argument: firstOperand(call[2]!) };
  }
  return undefined;
}

/** The first operand of a pipeline's text: a reference or a parenthesized call. */
function firstOperand(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("(")) return trimmed.split(/[\s|)]/)[0]!;
  let depth = 0;
  for (let index = 0; index < trimmed.length; index++) {
    if (trimmed[index] === "(") depth++;
    else if (trimmed[index] === ")" && --depth === 0) return trimmed.slice(0, index + 1);
  }
  return trimmed;
}

/** What `.`, `$` and each `$variable` are where a line is. */
export interface Scope {
  dot: Binding | undefined;
  dollar: Binding | undefined;
  variables: ReadonlyMap<string, Binding | undefined>;
}

/** A define's scope when its argument is `dot`. */
export function scopeOf(dot: Binding | undefined): Scope {
  return { dot, dollar: dot, variables: new Map() };
}

/** What an argument names in the scope: `.`, `.Values.a`, `$x.y`, `(dict "k" .x ...)`. */
export function bindingOf(argument: string, scope: Scope): Binding | undefined {
  const dict = /^\(\s*dict\s+(.*)\)$/s.exec(argument.trim());
  if (dict) {
    const words = operands(dict[1]!);
    const entries: Record<string, Binding | undefined> = {};
    for (let index = 0; index + 1 < words.length; index += 2) {
      const key = /^"([^"]+)"$/.exec(words[index]!)?.[1];
      if (key !== undefined) entries[key] = bindingOf(words[index + 1]!, scope);
    }
    return { kind: "dict", entries };
  }
  return referenceOf(argument.trim(), scope);
}

/** The words of a call's arguments, a parenthesized one kept whole. */
function operands(text: string): string[] {
  const words: string[] = [];
  let rest = text.trim();
  while (rest) {
    const word = rest.startsWith("(")
      ? firstOperand(rest)
      : (/^("[^"]*"|\S+)/.exec(rest)?.[1] ?? rest);
    words.push(word);
    rest = rest.slice(word.length).trim();
  }
  return words;
}

/** `.`, `$`, `.a.b`, `$.a.b`, `$name.a` in the scope. */
function referenceOf(reference: string, scope: Scope): Binding | undefined {
  const parts = /^(\$([A-Za-z_]\w*)?)?((?:\.[A-Za-z_]\w*)*)(\.?)$/.exec(reference);
  if (!parts || (!parts[1] && parts[3] === "" && parts[4] === "")) return undefined;
  let current = parts[2] ? scope.variables.get(parts[2]) : parts[1] ? scope.dollar : scope.dot;
  for (const field of parts[3]!.split(".").slice(1)) current = fieldOf(current, field);
  return current;
}

function fieldOf(binding: Binding | undefined, field: string): Binding | undefined {
  if (!binding) return undefined;
  if (binding.kind === "root") return field === "Values" ? { kind: "values", path: [] } : undefined;
  if (binding.kind === "values") return { kind: "values", path: [...binding.path, field] };
  return binding.entries[field];
}

/**
 * The lines with each reference that names a values key written as `.Values.a.b` (what the
 * template tracing reads), and the scope at each line: a `with` rebinds the dot, a `range` makes
 * it an item no reference names (unless `items` names the item of the range on that line, and
 * so its `$item` too), `$x := .Values.a` names `a`.
 */
export function boundLines(
  lines: readonly string[],
  outer: Scope,
  items: ReadonlyMap<number, Binding> = new Map(),
): { lines: string[]; scopes: Scope[] } {
  // Each open block: its kind, the dot inside it, and the dot around it (an `else` of a `with`
  // or a `range` is back to that).
  const stack: { kind: string; dot: Binding | undefined; around: Binding | undefined }[] = [];
  const scopes: Scope[] = [];
  let variables = new Map(outer.variables);
  const scope = (): Scope => ({
    dot: stack.length ? stack.at(-1)!.dot : outer.dot,
    dollar: outer.dollar,
    variables,
  });
  const rewritten = lines.map((line, index) => {
    scopes.push(scope());
    return line.replace(ACTION, (action, body: string) => {
      const otherwise = /^else\b\s*(with\b)?\s*(.*)$/.exec(body);
      const top = stack.at(-1);
      if (otherwise && top && (top.kind === "with" || top.kind === "range")) {
        const around = { ...scope(), dot: top.around };
        const dot = otherwise[1] ? bindingOf(firstOperand(otherwise[2]!), around) : top.around;
        stack[stack.length - 1] = { kind: "with", dot, around: top.around };
        return action.replace(body, rewrite(body, around));
      }
      const current = scope();
      const text = action.replace(body, rewrite(body, current));
      const block = /^(if|with|range|define|block)\b\s*(.*)$/.exec(body);
      const assignment = /^\$([A-Za-z_]\w*)\s*:?=\s*(.+)$/.exec(body);
      const open = (kind: string, dot: Binding | undefined) =>
        stack.push({ kind, dot, around: current.dot });
      if (block?.[1] === "with") open("with", bindingOf(firstOperand(block[2]!), current));
      else if (block?.[1] === "range") {
        // The item is known where the document a range printed is (see helm-documents).
        const item = items.get(index);
        open("range", item);
        const named = /^\s*(?:\$\w+\s*,\s*)?\$(\w+)\s*:=/.exec(block[2]!);
        if (named) {
          variables = new Map(variables);
          variables.set(named[1]!, item);
        }
      } else if (block) open(block[1]!, current.dot);
      else if (/^end\b/.test(body)) stack.pop();
      else if (assignment) {
        const value = bindingOf(firstOperand(assignment[2]!), current);
        // `$x = omit $x "a"` (bitnami's adapting of a securityContext) is still `$x`'s value.
        const reassigned = !/^\$\w+\s*:=/.test(body) && variables.get(assignment[1]!);
        variables = new Map(variables);
        variables.set(assignment[1]!, value ?? (reassigned || undefined));
      }
      return text;
    });
  });
  return { lines: rewritten, scopes };
}

function rewrite(body: string, scope: Scope): string {
  const assigned = /^\$[A-Za-z_]\w*\s*:?=/.exec(body)?.[0] ?? "";
  return (
    assigned +
    body
      .slice(assigned.length)
      .replace(
        /(?<![\w)\]"])(\$(?:[A-Za-z_]\w*)?(?:\.[A-Za-z_]\w*)*|\.(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?)(?![\w"])/g,
        (reference: string) => {
          const bound = referenceOf(reference, scope);
          return bound?.kind === "values" && bound.path.length
            ? `.Values.${bound.path.join(".")}`
            : reference;
        },
      )
  );
}

/**
 * The text with each template comment (from `{{/*` to the `*` and `/}}` that close it) blanked,
 * its lines kept: a license header over several lines is no document's content.
 */
export function withoutComments(text: string): string {
  return text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, (comment) =>
    "\n".repeat(comment.split("\n").length - 1),
  );
}
