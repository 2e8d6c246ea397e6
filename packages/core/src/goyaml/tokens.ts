import { Lexer } from "yaml";

/**
 * Token rules of go-yaml v2's scanner (a port of libyaml, YAML 1.1) that the `yaml` package,
 * a YAML 1.2 reader, does not have. Each makes kubectl refuse the document:
 * - an anchor or alias name holds only ASCII letters, digits, `_` and `-`;
 * - a tag is followed by a space, a tab or a line break (not `]` or `}`; a `,` there is read
 *   into the tag, and what kubectl then sends is not what the file shows: refused too);
 * - in block context a tab cannot follow `-`, `?` or the `:` of an explicit key (go-yaml
 *   allows a tab there only where a simple key cannot start);
 * - `\/` is no escape in YAML 1.1's double-quoted scalars;
 * - an implicit key ends within 1024 characters of its start (its `:` at most 1024 after it);
 * - a tab in a line's leading blanks, in block context (a blank line of a tab included),
 *   unless it continues a plain scalar deeper than the scalar's own line.
 */
export interface TokenProblem {
  message: string;
  offset: number;
}

/** The lexer's markers (document, flow end, scalar) and empty scalars stand for no text of the source. */
const MARKERS = new Set(["\u0002", "\u0018", "\u001f"]);
const ANCHOR_NAME = /^[A-Za-z0-9_-]+$/;

export function goTokenProblem(text: string): TokenProblem | undefined {
  const tokens = [...new Lexer().lex(text)];
  let offset = 0;
  let flowDepth = 0;
  let lineStart = true;
  const keys = new ImplicitKeys();
  const blanks = new LeadingBlanks();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (MARKERS.has(token) || token === "") continue;
    const next = nextSourceToken(tokens, i + 1);
    const problem =
      tokenProblem(token, next, flowDepth, lineStart) ??
      keys.see(token, offset) ??
      (flowDepth === 0 ? blanks.see(token, lineStart) : undefined);
    if (problem) return { message: problem, offset };
    if (token === "{" || token === "[") flowDepth++;
    else if (token === "}" || token === "]") flowDepth = Math.max(0, flowDepth - 1);
    if (token.endsWith("\n") || token.endsWith("\r")) lineStart = true;
    else if (!/^[ \t]+$/.test(token)) lineStart = false;
    offset += token.length;
  }
  return undefined;
}

/**
 * go-yaml skips a tab before a token only where a simple key cannot start, which is never at a
 * line's start in block context; only a plain scalar's continuation takes a tab there, past
 * the scalar's indentation.
 */
class LeadingBlanks {
  private leading = "";
  private lineIndent = 0;
  private plainIndent: number | undefined;

  see(token: string, lineStart: boolean): string | undefined {
    if (lineStart && /^[ \t]+$/.test(token)) {
      this.leading += token;
      return undefined;
    }
    const leading = lineStart ? this.leading : "";
    const tab = leading.indexOf("\t");
    const ends = token.endsWith("\n") || token.endsWith("\r");
    if (tab !== -1 && (this.plainIndent === undefined || tab <= this.plainIndent)) {
      return "a tab in a line's indentation (go-yaml: found a tab character that violates indentation)";
    }
    if (lineStart) {
      this.leading = "";
      if (!ends) this.lineIndent = leading.length;
    }
    if (ends) {
      this.leading = "";
      return undefined;
    }
    if (!token.startsWith("#")) this.plainIndent = isPlain(token) ? this.lineIndent : undefined;
    return undefined;
  }
}

function isPlain(token: string): boolean {
  if (token.length === 1 && "-?:".includes(token)) return false;
  return !/^[\s#&*!|>'"{}[\],]/.test(token);
}

/**
 * go-yaml keeps a possible simple key for 1024 characters: a `:` further from the key's first
 * token (its anchor or tag included) finds no key, and the document is refused.
 */
class ImplicitKeys {
  private start: number | undefined;
  private explicit = false;

  see(token: string, offset: number): string | undefined {
    const first = token[0]!;
    if (/^[ \t]+$/.test(token) || first === "#") return undefined;
    if (token === ":") {
      const start = this.explicit ? undefined : this.start;
      this.reset();
      if (start !== undefined && offset - start > 1024) {
        return "an implicit key longer than 1024 characters (go-yaml: could not find expected ':')";
      }
      return undefined;
    }
    if (token.includes("\n") && !/^["']/.test(token)) {
      this.reset();
      return undefined;
    }
    if ("-?,[]{}|>".includes(first) && token.length === 1) {
      this.reset();
      this.explicit = token === "?";
      return undefined;
    }
    this.start ??= offset;
    return undefined;
  }

  private reset() {
    this.start = undefined;
    this.explicit = false;
  }
}

function nextSourceToken(tokens: string[], from: number): string | undefined {
  for (let i = from; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token !== "" && !MARKERS.has(token)) return token;
  }
  return undefined;
}

function tokenProblem(
  token: string,
  next: string | undefined,
  flowDepth: number,
  lineStart: boolean,
): string | undefined {
  const first = token[0];
  const aliasKey = /^\*([A-Za-z0-9_-]+):$/.exec(token);
  if (aliasKey && (next === undefined || /^[ \t\r\n]/.test(next))) {
    return `"${token}" is, for kubectl (go-yaml), alias "${aliasKey[1]}" used as a key, and for this reader an alias named "${aliasKey[1]}:": write "*${aliasKey[1]} :", which both read as the key`;
  }
  if ((first === "&" || first === "*") && !ANCHOR_NAME.test(token.slice(1))) {
    return `an ${first === "&" ? "anchor" : "alias"} name may hold only letters, digits, "_" and "-" (go-yaml: did not find expected alphabetic or numeric character)`;
  }
  if (first === "!" && next?.startsWith(",")) {
    return `a "," right after a tag: go-yaml reads it into the tag (${token},) and the collection then reads otherwise than it is written`;
  }
  if (first === "!" && next !== undefined && !/^[ \t\r\n]/.test(next)) {
    return "a tag must be followed by a space or a line break (go-yaml: did not find expected whitespace or line break)";
  }
  const indicator = token === "-" || token === "?" || (token === ":" && lineStart);
  if (flowDepth === 0 && indicator && /^ *\t/.test(next ?? "")) {
    return `a tab after "${token}" (go-yaml: found character that cannot start any token)`;
  }
  if (first === '"' && /(^|[^\\])(\\\\)*\\\//.test(token)) {
    return 'the escape "\\/" is YAML 1.2 only (go-yaml: found unknown escape character)';
  }
  return undefined;
}
