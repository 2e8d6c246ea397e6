/**
 * The tokens of a small expression language, cut by a sticky regular expression whose groups
 * each capture one kind of token (whitespace before a token is skipped); undefined when some
 * text matches no token.
 */
export function tokenize(source: string, token: RegExp): string[] | undefined {
  const tokens: string[] = [];
  const cut = new RegExp(token.source, "y");
  while (!/^\s*$/.test(source.slice(cut.lastIndex))) {
    const start = cut.lastIndex;
    const match = cut.exec(source);
    if (!match || cut.lastIndex === start) return undefined;
    tokens.push(match.slice(1).find((group) => group !== undefined)!);
  }
  return tokens;
}

/** A recursive-descent parser's cursor over tokens: `take` throws on what the grammar does not allow. */
export class TokenCursor {
  private at = 0;

  constructor(private readonly tokens: readonly string[]) {}

  peek(): string | undefined {
    return this.tokens[this.at];
  }

  take(want?: string): string {
    const token = this.tokens[this.at];
    if (token === undefined || (want !== undefined && token !== want))
      throw new SyntaxError(`expected ${want ?? "more"}, found ${token ?? "the end"}`);
    this.at++;
    return token;
  }

  get done(): boolean {
    return this.at === this.tokens.length;
  }
}
