import { realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { Finding, Result } from "@scout-deploy/core";
import type { RunContext } from "./context.js";

/** The git questions asked here (the engine's, injected so that tests need no repository). */
export interface GitProbe {
  gitRoot(cwd: string): string;
  headCommit(cwd: string): string | undefined;
}

/**
 * Where this run's repository is checked out, when that is not the workspace itself:
 * actions/checkout with `path: app` puts it in $GITHUB_WORKSPACE/app, yet GitHub places
 * annotations, file links and code scanning results by the path from the repository's root.
 * It is the git checkout holding the checked files whose HEAD is the commit the run is about
 * (GITHUB_SHA, or the pull request's head when the checkout asked for it); else undefined.
 */
export function checkoutRoot(
  context: RunContext,
  files: readonly string[],
  git: GitProbe,
): string | undefined {
  const commits = new Set([context.sha, context.pullRequest?.headSha].filter(Boolean));
  const workspace = realPath(context.workspace);
  // The usual case, the repository checked out at the workspace: nothing to find.
  if (rootOf(workspace, git) === workspace) return undefined;
  const roots = new Map<string, string | undefined>();
  for (const file of files) {
    if (!isWorkspacePath(file)) continue;
    const folder = dirname(resolve(workspace, file));
    if (!roots.has(folder)) roots.set(folder, rootOf(folder, git));
    const root = roots.get(folder);
    if (!root || root === workspace) continue;
    const head = git.headCommit(root);
    if (head && commits.has(head)) return root;
  }
  return undefined;
}

function rootOf(folder: string, git: GitProbe): string | undefined {
  try {
    return realPath(git.gitRoot(folder));
  } catch {
    return undefined;
  }
}

/** git names folders by their real path (/tmp may be a link): compare like with like. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The result with its files named from the repository's root instead of the workspace. */
export function fromCheckoutRoot(result: Result, workspacePath: string, root: string): Result {
  const workspace = realPath(workspacePath);
  const move = <T extends Finding>(finding: T): T =>
    isWorkspacePath(finding.file)
      ? { ...finding, file: relative(root, resolve(workspace, finding.file)).split(sep).join("/") }
      : finding;
  return {
    ...result,
    findings: result.findings.map(move),
    suppressed: result.suppressed.map(move),
    ...(result.fixed ? { fixed: result.fixed.map(move) } : {}),
  };
}

/** Files the run read from the workspace (not stdin, not a rendered folder outside it). */
function isWorkspacePath(file: string): boolean {
  return file !== "" && !file.startsWith("<") && !isAbsolute(file);
}
