/** Minimal globs for config entries: `**` crosses folders, `*` and `?` do not. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === "*" && glob[i + 1] === "*") {
      source += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export function matchesGlob(value: string, glob: string): boolean {
  return globToRegExp(glob).test(value);
}

/** Rule-id patterns: exact, or "area/*", or "*". */
export function matchesRuleId(ruleId: string, pattern: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("/*")) return ruleId.startsWith(pattern.slice(0, -1));
  return ruleId === pattern;
}
