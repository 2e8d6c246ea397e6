import { ConfigurationError } from "@scout-deploy/core";

/**
 * A value flag of `helm template` (`--set`, `--set-string`, `--set-json`, `--set-file`): the
 * values path it sets and how the user wrote it. A finding on a value a flag decided names the
 * flag, since the values file's line it lands on shows the value the flag overrode.
 */
export interface HelmOverride {
  /** The values path it sets: `a.b[0].c` is ["a", "b", "0", "c"]. */
  path: readonly string[];
  /** As written: `--set securityContext.privileged=true`. */
  flag: string;
  /**
   * For `--set-file` of a file in the working folder: that file, as shown (relative to cwd). A
   * file outside it is none the repository's reviewer can open or annotate.
   */
  file?: string;
}

export interface HelmValueFlags {
  set?: readonly string[];
  setString?: readonly string[];
  setJson?: readonly string[];
  setFile?: readonly string[];
}

interface SetFile {
  key: string;
  /** As given: relative to the working folder, or absolute. */
  path: string;
}

/**
 * The `key=path` pairs of each `--set-file` (helm takes several in one, comma-separated, and
 * `\,` for a comma in a path). A pair with no key or no path is the user's mistake.
 */
export function helmSetFilePairs(options: Pick<HelmValueFlags, "setFile">): SetFile[] {
  return (options.setFile ?? []).flatMap((entry) =>
    entry.split(/(?<!\\),/).map((pair) => {
      const equals = pair.indexOf("=");
      const key = pair.slice(0, equals);
      const path = pair.slice(equals + 1).replaceAll("\\,", ",");
      if (equals <= 0 || !path) {
        throw new ConfigurationError(
          `--set-file ${entry}: expected KEY=PATH (the file's text is the value)`,
        );
      }
      return { key, path };
    }),
  );
}

/** A shown path outside the working folder: above it, absolute, or on another drive. */
const OUTSIDE = /^(?:\.\.(?:[/\\]|$)|[/\\]|[A-Za-z]:)/;

/** Each pair of the value flags, in the order helm merges them (a later one wins). */
export function helmOverrides(
  flags: HelmValueFlags,
  shownFile: (path: string) => string,
): HelmOverride[] {
  const of = (name: string, entries: readonly string[] | undefined) =>
    (entries ?? []).flatMap(splitPairs).flatMap((pair) => {
      const equals = pair.indexOf("=");
      if (equals <= 0) return [];
      return [{ path: keyPath(pair.slice(0, equals)), flag: `${name} ${pair}` }];
    });
  const files = helmSetFilePairs(flags).map(({ key, path }) => {
    const shown = shownFile(path);
    return {
      path: keyPath(key),
      flag: `--set-file ${key}=${path.replaceAll(",", "\\,")}`,
      ...(OUTSIDE.test(shown) ? {} : { file: shown }),
    };
  });
  return [
    ...of("--set-json", flags.setJson),
    ...of("--set", flags.set),
    ...of("--set-string", flags.setString),
    ...files,
  ];
}

/**
 * The last flag that decides the value at `path`: one that sets it, a parent of it (a
 * `--set-json` object), or a key inside it.
 */
export function overrideOf(
  overrides: readonly HelmOverride[] | undefined,
  path: readonly string[],
): HelmOverride | undefined {
  return overrides?.findLast((override) => {
    const shorter = Math.min(override.path.length, path.length);
    return override.path.slice(0, shorter).every((key, index) => key === path[index]);
  });
}

/**
 * `a=1,b={x,y},c=[1,2]` in pairs: helm separates pairs by commas outside braces, brackets and
 * JSON strings, and `\,` is a comma in a value.
 */
function splitPairs(entry: string): string[] {
  const pairs: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let at = 0; at < entry.length; at++) {
    const char = entry[at];
    if (char === "\\") at++;
    else if (char === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") depth--;
    else if (char === "," && depth <= 0) {
      pairs.push(entry.slice(start, at));
      start = at + 1;
    }
  }
  pairs.push(entry.slice(start));
  return pairs.filter((pair) => pair !== "");
}

/** `a.b[0].c` as helm's strvals reads a key: dots and indexes separate, `\.` is a dot. */
function keyPath(key: string): string[] {
  const path: string[] = [];
  let part = "";
  const flush = () => {
    if (part !== "") path.push(part);
    part = "";
  };
  for (let at = 0; at < key.length; at++) {
    const char = key[at]!;
    if (char === "\\" && at + 1 < key.length) part += key[++at];
    else if (char === ".") flush();
    else if (char === "[") {
      flush();
      const end = key.indexOf("]", at);
      path.push(key.slice(at + 1, end < 0 ? key.length : end));
      at = end < 0 ? key.length : end;
    } else part += char;
  }
  flush();
  return path;
}
