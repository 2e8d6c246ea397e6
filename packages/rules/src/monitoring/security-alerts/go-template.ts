/**
 * Whether Go's text/template parses an alert's label or annotation template as rulefmt tests it
 * (template.Expander.ParseTest: Prometheus' functions, `$labels`, `$externalLabels`,
 * `$externalURL` and `$value` declared before it). What it refuses: an unclosed action, comment,
 * string or parenthesis, a function it does not know (`humanise`), a variable never declared
 * (`$label`), `{{ if }}` without `{{ end }}`, an `{{ end }}` or `{{ else }}` that closes nothing,
 * an empty command, `break` outside `range`. Any of them makes Prometheus refuse the rule file.
 */

const FUNCTIONS = new Set(
  (
    "and call html index slice js len not or print printf println urlquery eq ge gt le lt ne " +
    "query first label value strvalue args reReplaceAll safeHtml match title toUpper toLower " +
    "graphLink tableLink sortByLabel stripPort stripDomain humanize humanize1024 " +
    "humanizeDuration humanizePercentage humanizeTimestamp toTime toDuration now pathPrefix " +
    "externalURL parseDuration urlQueryEscape"
  ).split(" "),
);
const DECLARED = ["$", "$labels", "$externalLabels", "$externalURL", "$value"];
const KEYWORDS = new Set(
  "block break continue define else end if range nil template with true false".split(" "),
);

interface Item {
  type:
    | "word"
    | "variable"
    | "field"
    | "dot"
    | "literal"
    | "("
    | ")"
    | "|"
    | ":="
    | "="
    | ","
    | "char";
  text: string;
  /** Written right after the previous item, without a space: `"a".Foo` chains a field. */
  glued: boolean;
}

class TemplateError extends Error {}

/** text/template's error for the template, worded as Go words it; undefined when it parses. */
export function goTemplateError(text: string, name: string): string | undefined {
  try {
    new TemplateParser(actionsOf(text)).parse();
    return undefined;
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return `template: ${name}:${lineOf(text, error)}: ${error.message}`;
  }
}

function lineOf(text: string, error: TemplateError & { at?: number }): number {
  return text.slice(0, error.at ?? 0).split("\n").length;
}

function fail(message: string, at?: number): never {
  const error = new TemplateError(message) as TemplateError & { at?: number };
  error.at = at;
  throw error;
}

/** The actions between `{{` and `}}`, each as its items (comments left out). */
function actionsOf(text: string): Array<{ items: Item[]; at: number }> {
  const actions: Array<{ items: Item[]; at: number }> = [];
  let i = 0;
  for (;;) {
    const open = text.indexOf("{{", i);
    if (open < 0) return actions;
    let at = open + 2;
    // A trim marker is `-` and a space right after the delimiter; `{{-3}}` is a number.
    if (text[at] === "-" && /\s/.test(text[at + 1] ?? "")) at += 2;
    if (text.startsWith("/*", at)) {
      const close = text.indexOf("*/", at + 2);
      if (close < 0) fail("unclosed comment", open);
      const after = /^(?: -)?}}/.exec(text.slice(close + 2));
      if (!after) fail("comment ends before closing delimiter", open);
      i = close + 2 + after[0].length;
      continue;
    }
    const [items, end] = lexAction(text, at, open);
    actions.push({ items, at: open });
    i = end;
  }
}

/** The items of one action from `from`, and where its `}}` ends. */
function lexAction(text: string, from: number, open: number): [Item[], number] {
  const items: Item[] = [];
  let depth = 0;
  let i = from;
  let glued = false;
  const push = (type: Item["type"], end: number) => {
    items.push({ type, text: text.slice(i, end), glued });
    glued = true;
    i = end;
  };
  for (;;) {
    const rest = text.slice(i);
    const close = /^(?:\s+-)?}}/.exec(rest) ?? (rest.startsWith("}}") ? ["}}"] : null);
    if (close && !/^\s+-\d/.test(rest)) {
      if (depth > 0) fail("unclosed left paren", open);
      return [items, i + close[0].length];
    }
    const c = text[i];
    if (c === undefined) fail("unclosed action", open);
    if (/\s/.test(c)) {
      i++;
      glued = false;
      continue;
    }
    const token =
      /^(?:"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)+')/.exec(rest) ??
      /^[+-]?(?:0[xX][\da-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)i?/.exec(rest);
    if (token) {
      if (token[0].startsWith("'") && !/^'(?:[^\\]|\\.[^']*)'$/u.test(token[0]))
        fail(`malformed character constant: ${token[0]}`, open);
      push("literal", i + token[0].length);
      continue;
    }
    if (c === '"' || c === "'" || c === "`")
      fail(
        c === '"'
          ? "unterminated quoted string"
          : c === "`"
            ? "unterminated raw quoted string"
            : "unterminated character constant",
        open,
      );
    const word = /^(?:\$\w*|\.\w+|\w+)/.exec(rest);
    if (word) {
      const w = word[0];
      push(w.startsWith("$") ? "variable" : w.startsWith(".") ? "field" : "word", i + w.length);
      continue;
    }
    if (c === ".") push("dot", i + 1);
    else if (c === ":") {
      if (text[i + 1] !== "=") fail("expected :=", open);
      push(":=", i + 2);
    } else if (c === "(") {
      depth++;
      push("(", i + 1);
    } else if (c === ")") {
      if (--depth < 0) fail("unexpected right paren", open);
      push(")", i + 1);
    } else if (c === "|" || c === "=" || c === ",") push(c, i + 1);
    else if (c.charCodeAt(0) < 0x7f && c.charCodeAt(0) >= 0x20) push("char", i + 1);
    else
      fail(
        `unrecognized character in action: U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
        open,
      );
  }
}

class TemplateParser {
  private readonly scopes: string[][] = [[...DECLARED]];
  /** The open control structures: if, with, range, define, block. */
  private readonly blocks: string[] = [];

  constructor(private readonly actions: Array<{ items: Item[]; at: number }>) {}

  parse() {
    for (const action of this.actions) this.action(action.items, action.at);
    if (this.blocks.length > 0) fail("unexpected EOF", this.actions[this.actions.length - 1]?.at);
  }

  private action(items: Item[], at: number) {
    const [first, ...rest] = items;
    const keyword = first?.type === "word" && KEYWORDS.has(first.text) ? first.text : undefined;
    switch (keyword) {
      case "end":
        if (this.blocks.length === 0) fail("unexpected {{end}}", at);
        if (rest.length > 0) fail(`unexpected ${describe(rest[0]!)} in end`, at);
        this.blocks.pop();
        this.scopes.pop();
        return;
      case "else":
        return this.elseAction(rest, at);
      case "if":
      case "with":
      case "range":
        this.scopes.push([]);
        this.pipeline(rest, keyword, at);
        this.blocks.push(keyword);
        return;
      case "define":
        if (this.blocks.length > 0) fail("unexpected <define> in command", at);
        if (rest.length !== 1 || rest[0]!.type !== "literal") fail("unexpected define clause", at);
        this.blocks.push("define");
        this.scopes.push(["$"]);
        return;
      case "block":
      case "template": {
        if (rest[0]?.type !== "literal" || !/^["`]/.test(rest[0].text))
          fail(`unexpected ${rest[0] ? describe(rest[0]) : "EOF"} in ${keyword} clause`, at);
        if (rest.length > 1) this.pipeline(rest.slice(1), `${keyword} clause`, at);
        if (keyword === "block") {
          this.blocks.push("block");
          this.scopes.push([]);
        }
        return;
      }
      case "break":
      case "continue":
        if (!this.blocks.includes("range")) fail(`{{${keyword}}} outside {{range}}`, at);
        return;
      default:
        this.pipeline(items, "command", at);
    }
  }

  private elseAction(rest: Item[], at: number) {
    const open = this.blocks[this.blocks.length - 1];
    if (open !== "if" && open !== "with" && open !== "range") fail("unexpected {{else}}", at);
    if (rest.length === 0) return;
    const chained = rest[0]!.text;
    if ((chained !== "if" && chained !== "with") || rest.length < 2)
      fail(`unexpected ${describe(rest[0]!)} in else`, at);
    this.pipeline(rest.slice(1), chained, at);
  }

  /** `[$x :=] command | command ...`, with declared variables added to the innermost scope. */
  private pipeline(items: Item[], context: string, at: number) {
    let i = 0;
    const declared: string[] = [];
    while (items[i]?.type === "variable" && [":=", "=", ","].includes(items[i + 1]?.type ?? "")) {
      const op = items[i + 1]!.type;
      declared.push(items[i]!.text);
      i += 2;
      if (op !== ",") break;
    }
    const commands = splitTop(items.slice(i), "|");
    if (commands.length === 1 && commands[0]!.length === 0)
      fail(`missing value for ${context}`, at);
    for (const [first] of commands)
      if (first && ["char", ":=", "=", ","].includes(first.type))
        fail(`unexpected ${describe(first)} in ${context}`, at);
    for (const command of commands) this.command(command, at);
    // Only the first command may start with what cannot be executed (a literal, `.`, nil).
    for (const [stage, command] of commands.entries())
      if (stage > 0 && inert(command[0]!))
        fail(`non executable command in pipeline stage ${stage + 1}`, at);
    this.scopes[this.scopes.length - 1]!.push(...declared);
  }

  private command(items: Item[], at: number) {
    if (items.length === 0) fail("missing value for command", at);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.type === "(") {
        const end = closingParen(items, i);
        const inner = items.slice(i + 1, end);
        const commands = splitTop(inner, "|");
        for (const command of commands) this.command(command, at);
        i = end;
        continue;
      }
      if (item.type === "field" && item.glued && i > 0 && inert(items[i - 1]!))
        fail(`unexpected . after term ${JSON.stringify(items[i - 1]!.text)}`, at);
      this.term(item, at);
    }
  }

  private term(item: Item, at: number) {
    if (item.type === "word" && !KEYWORDS.has(item.text) && !FUNCTIONS.has(item.text))
      fail(`function "${item.text}" not defined`, at);
    if (
      item.type === "word" &&
      KEYWORDS.has(item.text) &&
      !["nil", "true", "false"].includes(item.text)
    )
      fail(`unexpected <${item.text}> in command`, at);
    if (item.type === "variable" && !this.isDeclared(item.text))
      fail(`undefined variable "${item.text}"`, at);
    if (item.type === "char" || item.type === ":=" || item.type === "=" || item.type === ",")
      fail(`unexpected ${describe(item)} in operand`, at);
  }

  private isDeclared(variable: string): boolean {
    return this.scopes.some((scope) => scope.includes(variable));
  }
}

/** A literal, `.` or nil: a value, not something a pipeline stage can run. */
function inert(item: Item): boolean {
  return (
    item.type === "literal" ||
    item.type === "dot" ||
    (item.type === "word" && ["nil", "true", "false"].includes(item.text))
  );
}

function describe(item: Item): string {
  return item.type === "word" && KEYWORDS.has(item.text)
    ? `<${item.text}>`
    : JSON.stringify(item.text);
}

function splitTop(items: Item[], separator: Item["type"]): Item[][] {
  const parts: Item[][] = [[]];
  let depth = 0;
  for (const item of items) {
    if (item.type === "(") depth++;
    if (item.type === ")") depth--;
    if (item.type === separator && depth === 0) parts.push([]);
    else parts[parts.length - 1]!.push(item);
  }
  return parts;
}

function closingParen(items: Item[], at: number): number {
  let depth = 0;
  for (let i = at; i < items.length; i++) {
    if (items[i]!.type === "(") depth++;
    if (items[i]!.type === ")" && --depth === 0) return i;
  }
  return items.length - 1;
}
