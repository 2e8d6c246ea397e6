import { readFileSync } from "node:fs";
import { ConfigurationError, isRecord } from "@scout-deploy/core";

export interface Repository {
  owner: string;
  repo: string;
}

export interface PullRequest {
  number: number;
  /** The pull request's head commit (not the merge commit GITHUB_SHA names). */
  headSha: string;
  headRepository: string;
  baseRepository: string;
  /** The commit the pull request is compared with (the base branch's tip when the event fired). */
  baseSha?: string;
  /** Opened from another repository: its token is read-only on `pull_request`. */
  fromFork: boolean;
}

/** What the runner tells about this run, read once from the environment. */
export interface RunContext {
  eventName: string;
  repository: Repository;
  sha: string;
  serverUrl: string;
  apiUrl: string;
  runUrl?: string;
  /** GITHUB_RUN_ID: a later event's run has a greater id. */
  runId?: string;
  /** GITHUB_RUN_ATTEMPT: a re-run is a new attempt of the same run. */
  runAttempt?: string;
  workspace: string;
  tempDir: string;
  pullRequest?: PullRequest;
  /** A merge queue's group (`merge_group`): GITHUB_SHA is its head, tested on top of `baseSha`. */
  mergeGroup?: { baseSha: string };
}

type Env = Readonly<Record<string, string | undefined>>;

export function readContext(env: Env, cwd: string): RunContext {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo) {
    throw new ConfigurationError("GITHUB_REPOSITORY is not set: run this Action in a workflow");
  }
  const serverUrl = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "");
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const pullRequest = pullRequestOf(event);
  const context: RunContext = {
    eventName: env.GITHUB_EVENT_NAME ?? "",
    repository: { owner, repo },
    sha: env.GITHUB_SHA ?? "",
    serverUrl,
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, ""),
    workspace: env.GITHUB_WORKSPACE ?? cwd,
    tempDir: env.RUNNER_TEMP ?? cwd,
  };
  if (env.GITHUB_RUN_ID) {
    context.runUrl = `${serverUrl}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`;
    context.runId = env.GITHUB_RUN_ID;
  }
  if (env.GITHUB_RUN_ATTEMPT) context.runAttempt = env.GITHUB_RUN_ATTEMPT;
  if (pullRequest) context.pullRequest = pullRequest;
  const mergeGroup = mergeGroupOf(event);
  if (mergeGroup) context.mergeGroup = mergeGroup;
  return context;
}

function readEvent(path: string | undefined): unknown {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigurationError(
      `cannot read the event payload ${path}: ${(error as Error).message}`,
    );
  }
}

function pullRequestOf(event: unknown): PullRequest | undefined {
  if (!isRecord(event) || !isRecord(event.pull_request)) return undefined;
  const pr = event.pull_request;
  const head = isRecord(pr.head) ? pr.head : {};
  const base = isRecord(pr.base) ? pr.base : {};
  const headRepository = repoName(head.repo);
  const baseRepository = repoName(base.repo);
  if (typeof pr.number !== "number" || typeof head.sha !== "string") return undefined;
  return {
    number: pr.number,
    headSha: head.sha,
    headRepository,
    baseRepository,
    // A deleted fork has no head repo: treat it as a fork.
    fromFork: headRepository !== baseRepository,
    ...(typeof base.sha === "string" ? { baseSha: base.sha } : {}),
  };
}

function mergeGroupOf(event: unknown): { baseSha: string } | undefined {
  if (!isRecord(event) || !isRecord(event.merge_group)) return undefined;
  const { base_sha } = event.merge_group;
  return typeof base_sha === "string" && base_sha ? { baseSha: base_sha } : undefined;
}

/** The commit the checked change is compared with: a pull request's base, a merge group's. */
export function comparisonBase(context: RunContext): string | undefined {
  return context.pullRequest?.baseSha ?? context.mergeGroup?.baseSha;
}

function repoName(repo: unknown): string {
  return isRecord(repo) && typeof repo.full_name === "string" ? repo.full_name : "";
}

/** The commit a sign-off is about: the pull request's head, else the pushed commit. */
export function subjectSha(context: RunContext): string {
  return context.pullRequest?.headSha ?? context.sha;
}

/**
 * `pull_request_target` runs with a write token on the base repository: nothing from the pull
 * request's head may be loaded as configuration there (rule packs run code).
 */
export function isPullRequestTarget(context: RunContext): boolean {
  return context.eventName === "pull_request_target";
}

/**
 * Why the workspace does not speak for the pull request's head, on `pull_request_target`: that
 * event checks out the base branch (the safe pattern leaves it so), yet names the head; only a
 * workspace known to hold the head commit (`git rev-parse HEAD`) speaks for it.
 */
export function headNotCheckedOut(
  context: RunContext,
  workspaceCommit: string | undefined,
): string | undefined {
  const head = context.pullRequest?.headSha;
  if (!isPullRequestTarget(context) || !head || workspaceCommit === head) return undefined;
  const holds = workspaceCommit ? `holds ${workspaceCommit}` : "is no git checkout";
  return `pull_request_target: the workspace ${holds}, not the pull request's head ${head}`;
}

/** The commit the checked files are at, for links: on pull_request_target the workspace's. */
export function checkedCommit(context: RunContext, workspaceCommit?: string): string {
  if (isPullRequestTarget(context)) return workspaceCommit ?? context.sha;
  return context.pullRequest?.headSha ?? context.sha;
}
