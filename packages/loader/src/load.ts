import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import {
  type Bundle,
  buildBundle,
  ConfigurationError,
  createSourceFile,
  DEFAULT_PARSE_LIMITS,
  type ParsedSource,
  type ParseLimits,
  parseSource,
} from "@scout-deploy/core";
import { glob } from "tinyglobby";

/** 16 MiB: a few thousand objects per file; the 10,000-object corpus is 6.6 MB in all. */
export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];
const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);

export interface LoadOptions {
  /** Paths are resolved against it and shown relative to it. */
  cwd: string;
  maxFileSize?: number;
  limits?: ParseLimits;
  /** Reads standard input, for the path "-". */
  readStdin?: (maxBytes: number) => Promise<string>;
}

export type InputFile = { kind: "file"; absolute: string } | { kind: "stdin" };

/**
 * Files, folders (recursively, .yaml/.yml/.json), globs and "-" for stdin, to a positioned
 * bundle. A path that does not exist or a glob or folder that holds no manifest is the user's
 * mistake (ConfigurationError); everything wrong inside a file is a finding.
 */
export async function loadBundle(paths: readonly string[], options: LoadOptions): Promise<Bundle> {
  const inputs = await resolveInputs(paths, options.cwd);
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const limits = options.limits ?? DEFAULT_PARSE_LIMITS;
  const sources: ParsedSource[] = [];
  for (const input of inputs) {
    if (input.kind === "stdin") {
      if (!options.readStdin)
        throw new ConfigurationError('"-" given but no standard input to read');
      const text = await options.readStdin(maxFileSize + 1);
      sources.push(parseOrRefuse("<stdin>", text.length, () => text, maxFileSize, limits));
      continue;
    }
    const shown = displayPath(input.absolute, options.cwd);
    const size = statSync(input.absolute).size;
    sources.push(
      parseOrRefuse(shown, size, () => readFileSync(input.absolute, "utf8"), maxFileSize, limits),
    );
  }
  return buildBundle(sources);
}

function parseOrRefuse(
  path: string,
  size: number,
  read: () => string,
  maxFileSize: number,
  limits: ParseLimits,
): ParsedSource {
  if (size <= maxFileSize) return parseSource(path, read(), limits);
  const file = createSourceFile(path, "");
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return {
    file,
    documents: [],
    problems: [
      {
        ruleId: "input/file-too-large",
        message: `file is ${mib(size)}, over the ${mib(maxFileSize)} limit: not checked`,
        position: file.positionAt(0),
      },
    ],
  };
}

export async function resolveInputs(paths: readonly string[], cwd: string): Promise<InputFile[]> {
  const seen = new Set<string>();
  const inputs: InputFile[] = [];
  const add = (absolute: string) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    inputs.push({ kind: "file", absolute });
  };
  for (const path of paths) {
    if (path === "-") {
      inputs.push({ kind: "stdin" });
    } else if (isGlob(path)) {
      const matches = await glob(path, { cwd, absolute: true, onlyFiles: true, dot: false });
      if (!matches.length) throw new ConfigurationError(`no file matches ${path}`);
      for (const match of matches.sort()) add(resolve(match));
    } else {
      const absolute = isAbsolute(path) ? path : resolve(cwd, path);
      const stat = statOrNull(absolute);
      if (!stat) throw new ConfigurationError(`path not found: ${path}`);
      if (!stat.isDirectory()) add(absolute);
      else {
        const found = manifestsUnder(absolute);
        if (!found.length) throw new ConfigurationError(`no .yaml, .yml or .json file in ${path}`);
        for (const file of found) add(file);
      }
    }
  }
  return inputs;
}

function isGlob(path: string): boolean {
  return /[*?[\]{}]/.test(path);
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** Manifest files below a folder, sorted, not following symlinked folders (no loops). */
function manifestsUnder(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(path);
      else if ((entry.isFile() || entry.isSymbolicLink()) && hasManifestExtension(entry.name)) {
        if (statOrNull(path)?.isFile()) files.push(path);
      }
    }
  };
  walk(folder);
  return files;
}

function hasManifestExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** How findings and messages name a file: relative to the working folder, with "/". */
export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  const shown = isAbsolute(rel) ? absolute : rel;
  return shown.split(sep).join("/");
}
