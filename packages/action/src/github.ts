import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import {
  type CommitStatus,
  type GitHubPort,
  type IssueComment,
  type Logger,
  WriteDeniedError,
} from "./ports.js";

const RetryingOctokit = Octokit.plugin(retry, throttling);
type Client = InstanceType<typeof RetryingOctokit>;

const MAX_RETRIES = 3;
const PAGE_SIZE = 100;
const MAX_PAGES = 20;

export interface GitHubOptions {
  token: string;
  /** GITHUB_API_URL: api.github.com or a GitHub Enterprise Server's /api/v3. */
  baseUrl: string;
  owner: string;
  repo: string;
  log: Logger;
  userAgent: string;
}

/** The GitHub port over Octokit, with GitHub's recommended throttling and retries. */
export function createGitHub(options: GitHubOptions): GitHubPort {
  const { log, owner, repo } = options;
  const octokit: Client = new RetryingOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: options.userAgent,
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log.debug(m), error: () => {} },
    retry: { retries: MAX_RETRIES },
    throttle: {
      onRateLimit: (
        after: number,
        request: { method: string; url: string },
        _o: unknown,
        count: number,
      ) => {
        log.info(`GitHub rate limit on ${request.method} ${request.url}; retrying in ${after}s`);
        return count < MAX_RETRIES;
      },
      onSecondaryRateLimit: (
        after: number,
        request: { method: string; url: string },
        _o: unknown,
        count: number,
      ) => {
        log.info(
          `GitHub secondary rate limit on ${request.method} ${request.url}; retrying in ${after}s`,
        );
        return count < MAX_RETRIES;
      },
    },
  });
  const write = <T>(call: () => Promise<T>) => denyOnForbidden(call);
  return {
    async listComments(issue) {
      const comments: IssueComment[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const { data } = await write(() =>
          octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
            owner,
            repo,
            issue_number: issue,
            per_page: PAGE_SIZE,
            page,
          }),
        );
        comments.push(...data.map((c) => ({ id: Number(c.id), body: c.body ?? "" })));
        if (data.length < PAGE_SIZE) break;
      }
      return comments;
    },
    async createComment(issue, body) {
      const { data } = await write(() =>
        octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          owner,
          repo,
          issue_number: issue,
          body,
        }),
      );
      return { id: Number(data.id), body: data.body ?? "" };
    },
    async updateComment(id, body) {
      const { data } = await write(() =>
        octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          owner,
          repo,
          comment_id: id,
          body,
        }),
      );
      return { id: Number(data.id), body: data.body ?? "" };
    },
    async createStatus(status: CommitStatus) {
      await write(() =>
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

/** 403 and 404 on these calls mean the token may not do it (GitHub hides what it refuses). */
async function denyOnForbidden<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 || status === 404) {
      throw new WriteDeniedError((error as Error).message, status);
    }
    throw error;
  }
}
