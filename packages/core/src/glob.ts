import picomatch from "picomatch";

const matchers = new Map<string, (path: string) => boolean>();

/**
 * Config globs (suppressions' `files`) in the dialect of the CLI's paths: picomatch with
 * dotfiles, so braces, classes, `**` and a leading `./` mean what they mean on the command line.
 */
export function matchesGlob(path: string, glob: string): boolean {
  let matcher = matchers.get(glob);
  if (!matcher) {
    matcher = picomatch(glob, { dot: true });
    matchers.set(glob, matcher);
  }
  return matcher(path.startsWith("./") ? path.slice(2) : path);
}

/** Rule-id patterns: exact, or "area/*", or "*". */
export function matchesRuleId(ruleId: string, pattern: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("/*")) return ruleId.startsWith(pattern.slice(0, -1));
  return ruleId === pattern;
}
