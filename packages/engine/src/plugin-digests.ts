import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
} from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import { RULES_VERSION, rulePackRoot, securityGuidePack } from "@scout-deploy/rules";
import type { LoadedConfig } from "./config-file.js";

/**
 * The Security Guide pack as a sign-off record names it: its package and that package's own
 * version (packages are released one by one: the CLI's or the Action's version is not its).
 */
export const GUIDE_PACK = { name: securityGuidePack.name, version: RULES_VERSION } as const;

/** A rule pack of `policy.plugins` by the digest of its code. */
export interface PluginDigest {
  /** As `policy.plugins` names it. */
  name: string;
  /** sha256 over each file's path (from the pack's folder) and the sha256 of its bytes. */
  digest: { sha256: string };
  /** How many files the digest covers. */
  files: number;
}

/** Installed dependencies and git's own files are not the pack's code (they change through the lockfile). */
const NOT_CODE = new Set(["node_modules", ".git"]);
const SCRIPT = new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]);
/** `from "./x"`, `import "./x"`, `import("./x")`, `require("./x")`: the relative ones only. */
const RELATIVE_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.\.?\/[^"'\n]+)["']/g;

/**
 * The code of each rule pack the config loads, digested: a pack runs inside the check, so a
 * record that binds the config but not the pack's code would hold for any rule a pack could be
 * edited to have. A pack's files are its package folder (its node_modules left out), or the
 * file a path names, plus every file they import by a relative path, wherever it is.
 */
export function pluginDigests(config: Pick<LoadedConfig, "folder" | "policy">): PluginDigest[] {
  return config.policy.plugins.map((name) => {
    const root = rulePackRoot(name, config.folder);
    if (!root) {
      throw new ConfigurationError(
        `policy.plugins: cannot find rule pack "${name}" from ${config.folder} (is it installed?)`,
      );
    }
    const files = packFiles(root);
    return { name, digest: { sha256: digestOf(files, packFolder(root)) }, files: files.length };
  });
}

function packFolder(root: string): string {
  return statSync(root).isDirectory() ? root : dirname(root);
}

/** The pack's files, absolute, sorted: its folder's (or its one file) and what they import. */
function packFiles(root: string): string[] {
  const found = new Set<string>();
  const pending = walk(root);
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (found.has(file)) continue;
    found.add(file);
    if (SCRIPT.has(extname(file)) && existsSync(file)) pending.push(...relativeImports(file));
  }
  return [...found].sort();
}

/** Every file under `root` (or `root` itself), following links once. */
function walk(root: string): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  const visit = (path: string) => {
    // A dangling link loads nothing, but it is part of the pack as it is digested.
    const stat = existsSync(path) ? statSync(path) : lstatSync(path);
    if (stat.isFile() || stat.isSymbolicLink()) files.push(path);
    if (!stat.isDirectory()) return;
    const real = realpathSync(path);
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of readdirSync(path).sort()) {
      if (!NOT_CODE.has(entry)) visit(join(path, entry));
    }
  };
  visit(root);
  return files;
}

/** The files `file` imports by a relative path that exist: as Node would find them, or with an extension. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const imported: string[] = [];
  for (const match of text.matchAll(RELATIVE_IMPORT)) {
    const target = resolve(dirname(file), match[1]!);
    const candidates = [target, ...[...SCRIPT].map((ext) => `${target}${ext}`)];
    const hit = candidates.find((path) => existsSync(path) && statSync(path).isFile());
    if (hit) imported.push(hit);
    else if (existsSync(target) && statSync(target).isDirectory()) imported.push(...walk(target));
  }
  return imported;
}

function digestOf(files: readonly string[], folder: string): string {
  const hash = createHash("sha256");
  for (const file of files) {
    const name = relative(folder, file).split(sep).join("/");
    const bytes = existsSync(file) ? readFileSync(file) : `-> ${readlinkSync(file)}`;
    const content = createHash("sha256").update(bytes).digest("hex");
    hash.update(`${name}\u0000${content}\n`);
  }
  return hash.digest("hex");
}
