import { STATUS_CODES } from "node:http";
import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import {
  type CommitStatus,
  type GitHubPort,
  GitHubTimeoutError,
  type Identity,
  type IssueComment,
  type Logger,
  RateLimitError,
  WriteDeniedError,
} from "./ports.js";

const RetryingOctokit = Octokit.plugin(retry, throttling);
type Client = InstanceType<typeof RetryingOctokit>;

const MAX_RETRIES = 3;
const PAGE_SIZE = 100;
/** Who a repository's GITHUB_TOKEN (an installation token, which may not read /user) posts as. */
export const ACTIONS_BOT = "github-actions[bot]";
/** Answers for every token, installation tokens included: "<app-slug>[bot]", github-actions[bot]. */
const VIEWER_QUERY = "query { viewer { login } }";

export interface GitHubOptions {
  token: string;
  /** GITHUB_API_URL: api.github.com or a GitHub Enterprise Server's /api/v3. */
  baseUrl: string;
  owner: string;
  repo: string;
  log: Logger;
  userAgent: string;
  /** How long one request may take, from sending it to the last byte of its answer. */
  requestTimeoutMs: number;
  /** Aborted when the publishing step runs out of time: every call then ends at once. */
  signal: AbortSignal;
  /** When the run's time for GitHub is up (ms since the epoch): no wait for a rate limit beyond it. */
  deadline: number;
}

type RawComment = { id: number | bigint; body?: string | null; user?: { login?: string } | null };

/** The GitHub port over Octokit, with GitHub's recommended throttling and retries. */
export function createGitHub(options: GitHubOptions): GitHubPort {
  const { log, owner, repo, signal } = options;
  const octokit: Client = new RetryingOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: options.userAgent,
    request: { fetch: boundedFetch(signal, options.requestTimeoutMs) },
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log.debug(m), error: () => {} },
    // A 429 is a rate limit: the throttling plugin waits it out, or it is reported at once.
    retry: { retries: MAX_RETRIES, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      onRateLimit: (after: number, request: { method: string; url: string }, _o, count) =>
        retryAfterLimit("rate limit", after, request, count),
      onSecondaryRateLimit: (after: number, request: { method: string; url: string }, _o, count) =>
        retryAfterLimit("secondary rate limit", after, request, count),
    },
  });
  function retryAfterLimit(
    what: string,
    after: number,
    request: { method: string; url: string },
    count: number,
  ): boolean {
    if (signal.aborted || count >= MAX_RETRIES) return false;
    // A limit that lifts after the run's time for GitHub is reported now, not waited for.
    if (Date.now() + after * 1000 >= options.deadline) return false;
    log.info(`GitHub ${what} on ${request.method} ${request.url}; retrying in ${after}s`);
    return true;
  }
  const call = <T>(what: string, request: () => Promise<T>) =>
    bounded(signal, what, options.requestTimeoutMs, () => classified(what, request));
  /**
   * GET /user; an installation token (GITHUB_TOKEN, a GitHub App's) is refused it with 403, and
   * GraphQL's viewer names its bot instead. Only when both fail is it assumed to be GITHUB_TOKEN.
   */
  async function whoAmI(): Promise<Identity> {
    try {
      const { data } = await call("GET /user", () => octokit.request("GET /user"));
      return { login: data.login, source: "GET /user" };
    } catch (error) {
      if (!(error instanceof WriteDeniedError && error.status === 403)) throw error;
    }
    try {
      // octokit.graphql asks /api/graphql when baseUrl is a GitHub Enterprise Server's /api/v3.
      const { viewer } = await call("GraphQL viewer", () =>
        octokit.graphql<{ viewer: { login: string } }>(VIEWER_QUERY),
      );
      return {
        login: viewer.login,
        source: "GraphQL viewer; GET /user is refused to an installation token",
      };
    } catch (error) {
      // The run's time for GitHub is up: every later call fails as well, nothing to assume.
      if (signal.aborted) throw error;
      return {
        login: ACTIONS_BOT,
        source: `assumed: GET /user was refused (an installation token) and GraphQL viewer failed: ${oneLine(error)}. A GitHub App token posts as <app-slug>[bot]: set input comment-author to it`,
      };
    }
  }
  let identity: Promise<Identity> | undefined;
  return {
    identity() {
      identity ??= whoAmI();
      return identity;
    },
    async listComments(issue) {
      const comments: IssueComment[] = [];
      for (let page = 1; ; page++) {
        const { data } = await call("list the pull request's comments", () =>
          octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
            owner,
            repo,
            issue_number: issue,
            per_page: PAGE_SIZE,
            page,
          }),
        );
        comments.push(...data.map(toComment));
        if (data.length < PAGE_SIZE) return comments;
      }
    },
    async createComment(issue, body) {
      const { data } = await call("create the comment", () =>
        octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          owner,
          repo,
          issue_number: issue,
          body,
        }),
      );
      return toComment(data);
    },
    async updateComment(id, body) {
      const { data } = await call("update the comment", () =>
        octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          owner,
          repo,
          comment_id: id,
          body,
        }),
      );
      return toComment(data);
    },
    async deleteComment(id) {
      await call("delete a duplicate comment", () =>
        octokit.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          owner,
          repo,
          comment_id: id,
        }),
      );
    },
    async listStatuses(sha) {
      const { data } = await call("read the commit's statuses", () =>
        octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/statuses", {
          owner,
          repo,
          ref: sha,
          per_page: PAGE_SIZE,
        }),
      );
      return data.map((status) => ({
        state: status.state as CommitStatus["state"],
        context: status.context,
        ...(status.target_url ? { targetUrl: status.target_url } : {}),
      }));
    },
    async createStatus(status: CommitStatus) {
      await call("set the commit status", () =>
        octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
          owner,
          repo,
          sha: status.sha,
          state: status.state,
          context: status.context,
          description: status.description,
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        }),
      );
    },
  };
}

function oneLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .replace(/\s+/g, " ")
    .trim();
}

function toComment(raw: RawComment): IssueComment {
  return { id: Number(raw.id), body: raw.body ?? "", author: raw.user?.login ?? "" };
}

/**
 * fetch with a deadline per attempt that also covers reading the answer, and the step's signal.
 * Both abort with an AbortError, which Octokit's retry plugin does not retry.
 */
function boundedFetch(step: AbortSignal, timeoutMs: number): typeof fetch {
  return (input, init) => {
    const attempt = new AbortController();
    setTimeout(() => attempt.abort(), timeoutMs).unref();
    const signals = [step, attempt.signal, ...(init?.signal ? [init.signal] : [])];
    return fetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
}

/**
 * One call, ended by the step's signal even while Octokit waits out a rate limit, and with an
 * aborted request told as a timeout.
 */
async function bounded<T>(
  step: AbortSignal,
  what: string,
  timeoutMs: number,
  call: () => Promise<T>,
): Promise<T> {
  const outOfTime = () =>
    new GitHubTimeoutError(
      `GitHub did not answer in time (${what}): the run's time for GitHub calls (input github-timeout) is up`,
    );
  if (step.aborted) throw outOfTime();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(outOfTime());
    step.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([call(), aborted]);
  } catch (error) {
    if (error instanceof GitHubTimeoutError) throw error;
    if ((error as Error)?.name === "AbortError") {
      throw step.aborted
        ? outOfTime()
        : new GitHubTimeoutError(`GitHub did not answer within ${timeoutMs / 1000}s (${what})`);
    }
    throw error;
  } finally {
    step.removeEventListener("abort", onAbort);
  }
}

type HttpError = Error & {
  status?: number;
  response?: { headers?: Record<string, string | undefined> };
};

/**
 * GitHub's answers as the run reports them, each in one line. A 403 or 429 is a rate limit when
 * x-ratelimit-remaining is 0 or the message says so (GitHub's documented signs), else 403 and 404
 * mean the token may not do it (GitHub hides what it refuses); a 5xx body may be an HTML page.
 */
async function classified<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const { status, response, name } = error as HttpError;
    // Octokit gives an aborted fetch status 500: it is a timeout, told as one by bounded().
    if (status === undefined || name === "AbortError") throw error;
    const headers = response?.headers ?? {};
    if ((status === 403 || status === 429) && isRateLimited(error as HttpError, headers)) {
      throw new RateLimitError(rateLimitMessage(error as HttpError, headers, what));
    }
    if (status === 403 || status === 404) {
      throw new WriteDeniedError((error as Error).message, status);
    }
    if (status >= 500) {
      throw new Error(`GitHub answered ${status} ${STATUS_CODES[status] ?? ""} (${what})`.trim());
    }
    throw error;
  }
}

function isRateLimited(error: HttpError, headers: Record<string, string | undefined>): boolean {
  return headers["x-ratelimit-remaining"] === "0" || /\brate limit\b/i.test(error.message);
}

function rateLimitMessage(
  error: HttpError,
  headers: Record<string, string | undefined>,
  what: string,
): string {
  if (/\bsecondary rate limit\b/i.test(error.message)) {
    const after = headers["retry-after"] ? `; retry after ${headers["retry-after"]}s` : "";
    return `GitHub's secondary rate limit stopped the request${after} (${what})`;
  }
  const reset = Number(headers["x-ratelimit-reset"]);
  const until = reset ? ` until ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC` : "";
  return `GitHub's rate limit for this token is spent${until} (${what})`;
}
