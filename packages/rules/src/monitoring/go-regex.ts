/**
 * Label matcher regular expressions as Prometheus reads them: Go's RE2 syntax (regexp/syntax),
 * anchored and with `.` matching a newline (`^(?s:...)$`, labels.NewFastRegexMatcher). Read into
 * a JavaScript RegExp: RE2's own forms (`(?i)`, `(?P<name>...)`, `[[:alpha:]]`, `\z`, `\Q...\E`,
 * `\pL`) are translated, and what RE2 refuses and JavaScript takes (lookaround, backreferences,
 * unknown escapes such as `\q`) is an error, as Prometheus makes it one.
 */

interface Translated {
  source: string;
  /** Case-insensitive: a `(?i)` flag group, applied to the whole expression (JavaScript has no inline flags). */
  ignoreCase: boolean;
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};
const SYNTAX_CHARACTERS = "^$\\.*+?()[]{}|/";

class RegexError extends Error {}

/** Why Go's regexp refuses the expression, or undefined when it compiles. */
export function goRegexError(pattern: string): string | undefined {
  try {
    compile(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof RegexError) return error.message;
    return error instanceof Error
      ? error.message.replace(/^Invalid regular expression: \/.*\/\w*: /s, "")
      : String(error);
  }
}

/** Whether the anchored expression matches the whole value; false for one Go refuses. */
export function matchesAnchored(pattern: string, value: string): boolean {
  try {
    return compile(pattern).test(value);
  } catch {
    return false;
  }
}

const cache = new Map<string, RegExp>();

/**
 * The pattern as Prometheus compiles a label matcher's or a relabel rule's regex: Go's syntax,
 * anchored at both ends, `.` matching a newline too. Throws when Go refuses it.
 */
export function compile(pattern: string): RegExp {
  const known = cache.get(pattern);
  if (known) return known;
  const { source, ignoreCase } = translate(pattern);
  const regex = new RegExp(`^(?:${source})$`, ignoreCase ? "sui" : "su");
  cache.set(pattern, regex);
  return regex;
}

function translate(pattern: string): Translated {
  let out = "";
  let ignoreCase = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      const [text, length] = translateEscape(pattern, i, false);
      out += text;
      i += length;
    } else if (c === "[") {
      const [text, length] = charClass(pattern, i);
      out += text;
      i += length;
    } else if (c === "(" && pattern[i + 1] === "?") {
      const [text, length, flags] = group(pattern, i);
      if (flags.includes("i")) ignoreCase = true;
      out += text;
      i += length;
    } else if (c === "{" && /^\{\d+(?:,\d*)?\}/.test(pattern.slice(i))) {
      const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i))!;
      if (Number(repeat[1]) > 1000 || Number(repeat[2] || 0) > 1000)
        throw new RegexError(`invalid repeat count: \`${repeat[0]}\``);
      out += repeat[0];
      i += repeat[0].length;
    } else if (c === "{" || c === "}" || c === "]") {
      // RE2 reads a brace that starts no repetition as itself.
      out += `\\${c}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return { source: out, ignoreCase };
}

/** `(?...`: a non-capturing or named group, or flags; lookaround is not RE2. */
function group(pattern: string, at: number): [string, number, string] {
  const rest = pattern.slice(at);
  const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
  if (named) return [`(?<${named[1]}>`, named[0].length, ""];
  if (rest.startsWith("(?:")) return ["(?:", 3, ""];
  const flags = /^\(\?([imsU]*(?:-[imsU]*)?)(\)|:)/.exec(rest);
  if (flags && flags[1] !== "" && flags[1] !== "-") {
    const on = flags[1]!.split("-")[0]!;
    return [flags[2] === ":" ? "(?:" : "", flags[0].length, on];
  }
  throw new RegexError(`invalid or unsupported Perl syntax: \`${rest.slice(0, 3)}\``);
}

/** `[...]`, with POSIX classes and Go's escapes; `]` first is itself. */
function charClass(pattern: string, at: number): [string, number] {
  let i = at + 1;
  let out = "[";
  if (pattern[i] === "^") {
    out += "^";
    i++;
  }
  if (pattern[i] === "]") {
    out += "\\]";
    i++;
  }
  while (i < pattern.length && pattern[i] !== "]") {
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
    if (posix) {
      const range = POSIX_CLASSES[posix[2]!];
      if (!range || posix[1])
        throw new RegexError(`invalid character class range: \`${posix[0]}\``);
      out += range;
      i += posix[0].length;
    } else if (pattern[i] === "\\") {
      const [text, length] = translateEscape(pattern, i, true);
      out += text;
      i += length;
    } else {
      out += "[".includes(pattern[i]!) ? `\\${pattern[i]}` : pattern[i];
      i++;
    }
  }
  if (i >= pattern.length) throw new RegexError(`missing closing ]: \`${pattern.slice(at)}\``);
  return [`${out}]`, i + 1 - at];
}

/** One escape at `at`: its JavaScript (u-mode) spelling and how many characters it takes. */
function translateEscape(pattern: string, at: number, inClass: boolean): [string, number] {
  const c = pattern[at + 1];
  if (c === undefined) throw new RegexError("trailing backslash at end of expression");
  if (c === "Q") {
    const end = pattern.indexOf("\\E", at + 2);
    const literal = pattern.slice(at + 2, end < 0 ? undefined : end);
    return [[...literal].map(literalChar).join(""), (end < 0 ? pattern.length : end + 2) - at];
  }
  if (!inClass && c === "A") return ["(?<![\\s\\S])", 2];
  if (!inClass && c === "z") return ["(?![\\s\\S])", 2];
  if ("dDsSwW".includes(c) || (!inClass && "bB".includes(c))) return [`\\${c}`, 2];
  const controls: Record<string, string> = {
    a: "\\x07",
    f: "\\f",
    t: "\\t",
    n: "\\n",
    r: "\\r",
    v: "\\v",
  };
  if (controls[c]) return [controls[c]!, 2];
  const octal = /^[0-7]{1,3}/.exec(pattern.slice(at + 1));
  if (octal && (c === "0" || octal[0].length > 1))
    return [codePoint(Number.parseInt(octal[0], 8)), 1 + octal[0].length];
  const hex = /^x(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2}))/.exec(pattern.slice(at + 1));
  if (hex) return [codePoint(Number.parseInt(hex[1] ?? hex[2]!, 16)), 1 + hex[0].length];
  const property = /^[pP](?:\{(\^?)(\w+)\}|([A-Za-z]))/.exec(pattern.slice(at + 1));
  if (property) {
    const name = property[2] ?? property[3]!;
    const negated = (c === "P") !== (property[1] === "^");
    if (name === "Any") return [negated ? "[^\\s\\S]" : "[\\s\\S]", 1 + property[0].length];
    const js = name.length <= 2 ? name : `Script=${name}`;
    return [`\\${negated ? "P" : "p"}{${js}}`, 1 + property[0].length];
  }
  if (c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c)) return [literalChar(c), 2];
  throw new RegexError(`invalid escape sequence: \`\\${c}\``);
}

function literalChar(c: string): string {
  if (c === "-") return "\\x2D";
  return SYNTAX_CHARACTERS.includes(c) ? `\\${c}` : c;
}

function codePoint(code: number): string {
  if (code > 0x10ffff) throw new RegexError("invalid escape sequence");
  return `\\u{${code.toString(16)}}`;
}
