/**
 * PromQL's lexer as promql/parser/lex.go (Prometheus v0.316.0) scans: the same states (statements,
 * inside braces, inside a range's brackets), so that what it refuses (a bad number, an unknown
 * escape, `=~` outside braces, a name inside brackets) is refused here too.
 */

export interface Token {
  /** NUMBER, DURATION, STRING, IDENTIFIER, METRIC_IDENTIFIER, EOF, a keyword (SUM, BY, ...) or the punctuation itself. */
  type: string;
  text: string;
  /** Offset of the token in the expression. */
  pos: number;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

/** Keywords by their lowercase spelling; PromQL reads them case-insensitively. */
export const KEYWORDS: Readonly<Record<string, string>> = {
  and: "LAND",
  or: "LOR",
  unless: "LUNLESS",
  atan2: "ATAN2",
  sum: "SUM",
  avg: "AVG",
  count: "COUNT",
  min: "MIN",
  max: "MAX",
  group: "GROUP",
  stddev: "STDDEV",
  stdvar: "STDVAR",
  topk: "TOPK",
  bottomk: "BOTTOMK",
  count_values: "COUNT_VALUES",
  quantile: "QUANTILE",
  limitk: "LIMITK",
  limit_ratio: "LIMIT_RATIO",
  offset: "OFFSET",
  smoothed: "SMOOTHED",
  anchored: "ANCHORED",
  by: "BY",
  without: "WITHOUT",
  on: "ON",
  ignoring: "IGNORING",
  group_left: "GROUP_LEFT",
  group_right: "GROUP_RIGHT",
  fill: "FILL",
  fill_left: "FILL_LEFT",
  fill_right: "FILL_RIGHT",
  bool: "BOOL",
  start: "START",
  end: "END",
  step: "STEP",
  range: "RANGE",
  max_of: "MAX_OF",
  min_of: "MIN_OF",
  inf: "NUMBER",
  nan: "NUMBER",
};

const DURATION_KEYWORDS: Readonly<Record<string, string>> = {
  step: "STEP",
  range: "RANGE",
  max_of: "MAX_OF",
  min_of: "MIN_OF",
};

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isAlpha = (c: string | undefined) =>
  c !== undefined && (c === "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
const isAlphaNumeric = (c: string | undefined) => isAlpha(c) || isDigit(c);

/**
 * The tokens of an expression, comments left out, ending with EOF, or with an ERROR token (its
 * text the message) where lex.go errs: Prometheus lexes as it parses, so the errors the parser
 * records before that point come first.
 */
export function tokenize(input: string, utf8Names = false): Token[] {
  const lexer = new Lexer(input, utf8Names);
  try {
    return lexer.run();
  } catch (error) {
    if (!(error instanceof LexError)) throw error;
    return [...lexer.scanned(), { type: "ERROR", text: error.message, pos: error.pos }];
  }
}

class Lexer {
  private pos = 0;
  private start = 0;
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  private gotColon = false;
  private gotDuration = false;
  /** Inside brackets, before the first number: lexDurationExpr's state. */
  private durationState = false;
  private readonly tokens: Token[] = [];

  constructor(
    private readonly input: string,
    /** promql-unquoted-utf8-names: Unicode letters, and dots after the first character, in names. */
    private readonly utf8Names: boolean,
  ) {}

  private isNameStart(c: string | undefined): boolean {
    return isAlpha(c) || (this.utf8Names && c !== undefined && c >= "\u0080" && /\p{L}/u.test(c));
  }

  private isNameContinue(c: string | undefined): boolean {
    return this.isNameStart(c) || isDigit(c) || (this.utf8Names && c === ".");
  }

  scanned(): readonly Token[] {
    return this.tokens;
  }

  run(): Token[] {
    while (!this.done()) {
      if (this.braceOpen) this.insideBraces();
      else if (this.durationState) this.durationExpr();
      else this.statement();
    }
    return this.tokens;
  }

  private done(): boolean {
    return this.tokens[this.tokens.length - 1]?.type === "EOF";
  }

  private peek(): string | undefined {
    return this.input[this.pos];
  }

  private next(): string | undefined {
    return this.input[this.pos++];
  }

  private accept(valid: string): boolean {
    const c = this.peek();
    if (c !== undefined && valid.includes(c)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private emit(type: string) {
    this.tokens.push({ type, text: this.input.slice(this.start, this.pos), pos: this.start });
    this.start = this.pos;
  }

  private fail(message: string): never {
    throw new LexError(message, this.start);
  }

  /** lex.go writes an error over the item it has just emitted: the parser never sees that item. */
  private failOverEmitted(message: string): never {
    this.tokens.pop();
    this.fail(message);
  }

  private skipSpaces() {
    while (isSpace(this.peek())) this.pos++;
    this.start = this.pos;
  }

  private comment(): boolean {
    if (this.peek() !== "#") return false;
    while (this.pos < this.input.length && !"\r\n".includes(this.input[this.pos]!)) this.pos++;
    this.start = this.pos;
    return true;
  }

  private statement() {
    if (this.comment()) return;
    this.start = this.pos;
    const r = this.next();
    if (r === undefined) {
      this.pos = this.input.length;
      if (this.parenDepth !== 0) this.fail("unclosed left parenthesis");
      if (this.bracketOpen) this.fail("unclosed left bracket");
      return this.emit("EOF");
    }
    if (isSpace(r)) return this.skipSpaces();
    if (",*/%+-^@".includes(r)) return this.emit(r);
    if (r === "=") {
      if (this.peek() === "=") this.pos++;
      else if (this.peek() === "~") this.fail(`unexpected character after '=': '~'`);
      return this.emit(this.input.slice(this.start, this.pos));
    }
    if (r === "!") {
      const t = this.next();
      if (t !== "=") this.fail(`unexpected character after '!': ${quoteRune(t)}`);
      return this.emit("!=");
    }
    if (r === "<" || r === ">") {
      this.accept("=/");
      return this.emit(this.input.slice(this.start, this.pos));
    }
    if (isDigit(r) || (r === "." && isDigit(this.peek()))) {
      this.pos--;
      return this.numberOrDuration();
    }
    if (r === '"' || r === "'" || r === "`") return this.string(r);
    if (this.isNameStart(r) || r === ":") return this.name(r);
    if (r === "(") {
      this.parenDepth++;
      return this.emit("(");
    }
    if (r === ")") {
      this.emit(")");
      if (--this.parenDepth < 0) this.failOverEmitted(`unexpected right parenthesis ')'`);
      return;
    }
    if (r === "{") {
      this.braceOpen = true;
      return this.emit("{");
    }
    if (r === "[") return this.openBracket();
    if (r === "]") {
      if (!this.bracketOpen) this.fail(`unexpected right bracket ']'`);
      this.bracketOpen = false;
      return this.emit("]");
    }
    this.fail(`unexpected character: ${quoteRune(r)}`);
  }

  private name(r: string) {
    if (!this.bracketOpen) {
      this.pos--;
      return this.keywordOrIdentifier();
    }
    if (r === ":") {
      if (this.gotColon) this.fail(`unexpected colon ':'`);
      this.gotColon = true;
      return this.emit(":");
    }
    if (!this.durationKeyword()) this.fail(`unexpected character: ${quoteRune(r)}, expected ':'`);
  }

  private openBracket() {
    if (this.bracketOpen) this.fail(`unexpected left bracket '['`);
    this.gotColon = false;
    this.gotDuration = false;
    this.emit("[");
    this.skipSpaces();
    this.bracketOpen = true;
    this.durationState = true;
  }

  private durationKeyword(): boolean {
    while (isAlpha(this.peek())) this.pos++;
    const type = DURATION_KEYWORDS[this.input.slice(this.start, this.pos).toLowerCase()];
    if (!type) return false;
    this.emit(type);
    return true;
  }

  private keywordOrIdentifier() {
    while (this.isNameContinue(this.peek()) || this.peek() === ":") this.pos++;
    const word = this.input.slice(this.start, this.pos);
    // A Unicode letter that lowercases to ASCII (the Kelvin sign) keeps a name a name.
    const keyword = [...word].every((c) => c.charCodeAt(0) < 0x80)
      ? KEYWORDS[word.toLowerCase()]
      : undefined;
    // fill, fill_left and fill_right are keywords only before a parenthesis.
    if (keyword && (!keyword.startsWith("FILL") || this.followedByParen())) this.emit(keyword);
    else this.emit(word.includes(":") ? "METRIC_IDENTIFIER" : "IDENTIFIER");
  }

  private followedByParen(): boolean {
    let at = this.pos;
    while (isSpace(this.input[at])) at++;
    return this.input[at] === "(";
  }

  private insideBraces() {
    if (this.comment()) return;
    this.start = this.pos;
    const r = this.next();
    if (r === undefined) this.fail("unexpected end of input inside braces");
    if (isSpace(r)) return this.skipSpaces();
    if (this.isNameStart(r)) {
      while (this.isNameContinue(this.peek())) this.pos++;
      return this.emit("IDENTIFIER");
    }
    if (r === ",") return this.emit(",");
    if (r === '"' || r === "'" || r === "`") return this.string(r);
    if (r === "=") {
      this.accept("~");
      return this.emit(this.input.slice(this.start, this.pos));
    }
    if (r === "!") {
      const nr = this.next();
      if (nr !== "~" && nr !== "=")
        this.fail(`unexpected character after '!' inside braces: ${quoteRune(nr)}`);
      return this.emit(`!${nr}`);
    }
    if (r === "{") this.fail(`unexpected left brace '{'`);
    if (r === "}") {
      this.braceOpen = false;
      return this.emit("}");
    }
    this.fail(`unexpected character inside braces: ${quoteRune(r)}`);
  }

  private durationExpr() {
    this.start = this.pos;
    const r = this.next();
    if (r === undefined) this.fail("unexpected end of input in duration expression");
    if (r === "]") {
      this.bracketOpen = false;
      this.gotColon = false;
      this.durationState = false;
      return this.emit("]");
    }
    if (r === ":") {
      this.emit(":");
      if (!this.gotDuration)
        this.failOverEmitted("unexpected colon before duration in duration expression");
      if (this.gotColon) this.failOverEmitted("unexpected repeated colon in duration expression");
      this.gotColon = true;
      return;
    }
    if (r === "(") this.parenDepth++;
    if (r === ")" && --this.parenDepth < 0) {
      this.emit(")");
      this.failOverEmitted(`unexpected right parenthesis ')'`);
    }
    if ("()+-*/%^,".includes(r)) return this.emit(r);
    if (isSpace(r)) return this.skipSpaces();
    if (isAlpha(r) && "srm".includes(r.toLowerCase()) && this.durationKeyword()) {
      this.gotDuration = true;
      return;
    }
    if (isDigit(r) || (r === "." && isDigit(this.peek()))) {
      this.pos--;
      this.gotDuration = true;
      // lex.go's number state returns to the statement state, still inside the brackets.
      this.durationState = false;
      return this.numberOrDuration();
    }
    this.fail(`unexpected character in duration expression: ${quoteRune(r)}`);
  }

  private numberOrDuration() {
    if (this.scanNumber()) return this.emit("NUMBER");
    if (this.acceptRemainingDuration()) {
      this.pos--;
      return this.emit("DURATION");
    }
    this.fail(
      `bad number or duration syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`,
    );
  }

  private acceptRemainingDuration(): boolean {
    if (!this.accept("smhdwy")) return false;
    this.accept("s");
    while (this.accept("0123456789")) {
      while (this.accept("0123456789"));
      if (!this.accept("smhdw")) return false;
      this.accept("s");
    }
    const c = this.input[this.pos];
    this.pos++;
    return !isAlphaNumeric(c);
  }

  /** lex.go's scanNumber: decimal, hexadecimal, a dot, an exponent, underscores between digits. */
  private scanNumber(): boolean {
    const initial = this.pos;
    let digits = "0123456789";
    if (this.accept("0") && this.accept("xX")) {
      this.accept("_");
      digits = "0123456789abcdefABCDEF";
    }
    this.accept(".");
    this.accept(digits);
    let dot = false;
    let exponent = false;
    while (this.peek() !== undefined && `${digits}._eE`.includes(this.peek()!)) {
      if (this.peek() === "." && dot) return !this.accept(".");
      if ("eE".includes(this.peek()!) && exponent) return !this.accept("eE");
      if (this.accept(".")) {
        dot = true;
        // Fractional hexadecimal literals are not allowed.
        if (this.accept("_.") || digits.length > 10) return false;
        continue;
      }
      if (this.accept("eE")) {
        exponent = true;
        this.accept("+-");
        if (this.accept("._eE") || this.peek() === undefined) return false;
        continue;
      }
      if (this.accept("_")) {
        if (this.accept("._eE") || this.peek() === undefined) return false;
        continue;
      }
      while (this.accept(digits));
    }
    return this.pos !== initial && !isAlphaNumeric(this.peek());
  }

  private string(quote: string) {
    for (;;) {
      const c = this.next();
      if (c === quote) return this.emit("STRING");
      if (c === undefined)
        this.fail(quote === "`" ? "unterminated raw string" : "unterminated quoted string");
      if (quote === "`") continue;
      if (c === "\n") this.fail("unterminated quoted string");
      if (c === "\\") this.escape(quote);
    }
  }

  /** lex.go's lexEscape: the escapes Go's strconv.Unquote knows, and the quote itself. */
  private escape(quote: string) {
    const c = this.next();
    if (c !== undefined && `abfnrtv\\${quote}`.includes(c)) return;
    const forms: Record<string, [number, number, number]> = {
      x: [2, 16, 255],
      u: [4, 16, 0x10ffff],
      U: [8, 16, 0x10ffff],
    };
    let [n, base, max] =
      c !== undefined && c >= "0" && c <= "7" ? [3, 8, 255] : (forms[c ?? ""] ?? [0, 0, 0]);
    if (c === undefined) this.fail("escape sequence not terminated");
    if (n === 0) this.fail(`unknown escape sequence ${unicodeName(c)}`);
    let ch = base === 8 ? c : this.next();
    let x = 0;
    while (n > 0) {
      const d = ch === undefined ? 16 : Number.parseInt(ch, 16);
      if (Number.isNaN(d) || d >= base) {
        if (ch === undefined) this.fail("escape sequence not terminated");
        this.fail(`illegal character ${unicodeName(ch)} in escape sequence`);
      }
      x = x * base + d;
      if (--n > 0) ch = this.next();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000))
      this.fail("escape sequence is an invalid Unicode code point");
  }
}

function quoteRune(c: string | undefined): string {
  return c === undefined ? "EOF" : `'${c}'`;
}

function unicodeName(c: string): string {
  const hex = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return `U+${hex} '${c}'`;
}
