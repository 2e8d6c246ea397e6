import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import { decodeText } from "@scout-deploy/loader";

/** A file of a commit's tree: its path from the repository root, blob id and size. */
export interface TreeFile {
  path: string;
  blob: string;
  size: number;
}

/** A commit read with git only: the working tree and the index are never touched. */
export interface GitSnapshot {
  /** The repository's top folder (absolute). */
  root: string;
  /** The full commit id the ref named. */
  commit: string;
  /** Regular files of the tree (links and submodules are not files of the commit). */
  files: TreeFile[];
  /** The texts of the given blobs, by blob id. */
  read(files: readonly TreeFile[]): Map<string, string>;
}

const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" };

function git(
  cwd: string,
  args: readonly string[],
  input?: string,
  env: Record<string, string | undefined> = GIT_ENV,
): Buffer {
  return execFileSync("git", args, {
    cwd,
    env,
    maxBuffer: 1024 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
    ...(input !== undefined ? { input } : {}),
  });
}

function gitText(cwd: string, args: readonly string[]): string {
  return git(cwd, args).toString("utf8").trim();
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString("utf8").trim();
  return stderr || (error as Error).message;
}

/** The repository `cwd` is in, or a clear error when it is in none. */
export function gitRoot(cwd: string): string {
  try {
    return gitText(cwd, ["rev-parse", "--show-toplevel"]);
  } catch (error) {
    throw new ConfigurationError(`--base needs a git repository: ${stderrOf(error)}`);
  }
}

/** The tree of `ref` (a branch, a tag, HEAD~1, a commit id), read into memory on demand. */
export function snapshotAt(cwd: string, ref: string): GitSnapshot {
  const root = gitRoot(cwd);
  if (ref.startsWith("-")) throw new ConfigurationError(`--base ${ref}: not a git revision`);
  let commit: string;
  try {
    commit = gitText(root, ["rev-parse", "--verify", "--end-of-options", `${ref}^{commit}`]);
  } catch (error) {
    throw new ConfigurationError(
      `--base ${ref}: no such commit in ${root} (${stderrOf(error)}); a shallow clone may need it fetched`,
    );
  }
  const listing = git(root, ["ls-tree", "-r", "-z", "--full-tree", "-l", commit]).toString("utf8");
  const files: TreeFile[] = [];
  for (const entry of listing.split("\0")) {
    // "<mode> <type> <blob> <size>\t<path>"
    const match = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t([\s\S]+)$/.exec(entry);
    if (match?.[2] !== "blob" || match[1] === "120000") continue;
    files.push({ path: match[5]!, blob: match[3]!, size: Number(match[4]) });
  }
  return { root, commit, files, read: (wanted) => readBlobs(root, wanted) };
}

/** Every blob in one `git cat-file --batch`: "<id> blob <size>\n<bytes>\n" per blob. */
function readBlobs(root: string, files: readonly TreeFile[]): Map<string, string> {
  const texts = new Map<string, string>();
  const ids = [...new Set(files.map((f) => f.blob))];
  if (ids.length === 0) return texts;
  const out = git(root, ["cat-file", "--batch"], `${ids.join("\n")}\n`);
  let offset = 0;
  for (const id of ids) {
    const newline = out.indexOf(10, offset);
    const header = out.subarray(offset, newline).toString("utf8").split(" ");
    if (header[0] !== id || header[1] !== "blob") {
      throw new Error(`git cat-file answered "${header.join(" ")}" for blob ${id}`);
    }
    const size = Number(header[2]);
    texts.set(id, decodeText(out.subarray(newline + 1, newline + 1 + size)));
    offset = newline + 1 + size + 1;
  }
  return texts;
}

/** A commit's files written out in a temporary folder; `remove` deletes it all. */
export interface CheckedOutTree {
  /** Where the repository's top folder is in the copy. */
  dir: string;
  remove(): void;
}

/**
 * The whole tree of `commit` written into a new temporary folder, as a checkout writes it
 * (line endings, filters), through an index file of its own: the repository's index, working
 * tree and worktree list stay untouched. `git archive` would leave out `export-ignore` files.
 */
export function checkoutTree(root: string, commit: string): CheckedOutTree {
  const scratch = mkdtempSync(join(tmpdir(), "scout-base-tree-"));
  const remove = () => rmSync(scratch, { recursive: true, force: true });
  const dir = join(scratch, "tree");
  const env = { ...GIT_ENV, GIT_INDEX_FILE: join(scratch, "index") };
  try {
    git(root, ["read-tree", commit], undefined, env);
    git(root, ["checkout-index", "--all", "--force", `--prefix=${dir}/`], undefined, env);
    return { dir, remove };
  } catch (error) {
    remove();
    throw new ConfigurationError(
      `--base: the files of commit ${commit} cannot be written out: ${stderrOf(error)}`,
    );
  }
}

/** The commit checked out at `cwd`, or undefined when it is no git work tree (or has none). */
export function headCommit(cwd: string): string | undefined {
  try {
    return gitText(cwd, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]) || undefined;
  } catch {
    return undefined;
  }
}

/** Whether the repository at `cwd` has the commit (a shallow checkout often lacks the base). */
export function hasCommit(cwd: string, ref: string): boolean {
  try {
    git(cwd, ["cat-file", "-e", "--end-of-options", `${ref}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

export interface FetchOptions {
  /** A token for an https remote; it travels in the environment, never on the command line. */
  token?: string;
  remote?: string;
}

/**
 * Fetches one commit (depth 1) into the object store: the working tree, the index and HEAD
 * stay as they are. First with the credentials the checkout left, then with the token. Throws
 * with git's own words (never the token) when the commit cannot be had.
 */
export function fetchCommit(cwd: string, sha: string, options: FetchOptions = {}): void {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new Error(`not a commit id: ${sha}`);
  const args = [
    "fetch",
    "--no-tags",
    "--no-write-fetch-head",
    "--depth=1",
    options.remote ?? "origin",
    sha,
  ];
  const attempts: Record<string, string | undefined>[] = [GIT_ENV];
  if (options.token) {
    const basic = Buffer.from(`x-access-token:${options.token}`).toString("base64");
    attempts.push({
      ...GIT_ENV,
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.extraheader",
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
    });
  }
  let reason = "";
  for (const env of attempts) {
    try {
      git(cwd, args, undefined, env);
      return;
    } catch (error) {
      reason = (error as { stderr?: Buffer }).stderr?.toString("utf8").trim() ?? "git fetch failed";
    }
  }
  throw new Error(reason.split("\n").slice(-2).join(" "));
}
