import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { LoadedConfig } from "./config-file.js";
import type { GitSnapshot } from "./git.js";

/** Installed dependencies and git's own files are not the pack's code as the change shows it. */
const NOT_CODE = new Set(["node_modules", ".git"]);

/**
 * The rule packs both sides name by a path inside the repository whose files the head changed.
 * A pack is code that runs inside the check: editing it in place changes the gate as much as
 * adding one does. Packs named as installed packages change through the lockfile instead.
 */
export function changedLocalPlugins(
  head: LoadedConfig,
  base: LoadedConfig | undefined,
  snapshot: Pick<GitSnapshot, "root" | "files" | "read">,
): string[] {
  const basePlugins = base?.policy.plugins ?? [];
  return head.policy.plugins.filter((name) => {
    if (!basePlugins.includes(name) || !(name.startsWith(".") || isAbsolute(name))) return false;
    const absolute = resolve(head.folder, name);
    const inRepo = relative(snapshot.root, absolute).split(sep).join("/");
    if (inRepo.startsWith("..") || isAbsolute(inRepo)) return false;
    return !sameFiles(headFiles(absolute), baseFiles(snapshot, inRepo));
  });
}

/** Path below the pack -> text, as the working tree has it. */
function headFiles(absolute: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (path: string, shown: string) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isFile()) files.set(shown, readFileSync(path, "utf8"));
    else if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (!NOT_CODE.has(entry)) visit(join(path, entry), shown ? `${shown}/${entry}` : entry);
      }
    }
  };
  visit(absolute, "");
  return files;
}

/** Path below the pack -> text, as the base commit has it. */
function baseFiles(
  snapshot: Pick<GitSnapshot, "files" | "read">,
  inRepo: string,
): Map<string, string> {
  const below = snapshot.files.filter(
    (file) =>
      (file.path === inRepo || file.path.startsWith(`${inRepo}/`)) &&
      !file.path
        .slice(inRepo.length)
        .split("/")
        .some((part) => NOT_CODE.has(part)),
  );
  const texts = snapshot.read(below);
  return new Map(
    below.map((file) => [file.path.slice(inRepo.length + 1), texts.get(file.blob) ?? ""]),
  );
}

function sameFiles(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([path, text]) => b.get(path) === text);
}
