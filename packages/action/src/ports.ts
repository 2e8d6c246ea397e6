import type { Annotation } from "@scout-deploy/report";

/** Where the Action writes its log. Logic takes this, never @actions/core. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/** The runner's files and workflow commands: outputs, job summary, annotations, failure. */
export interface Runner {
  input(name: string): string;
  setOutput(name: string, value: string): void;
  appendSummary(markdown: string): Promise<void>;
  annotate(annotation: Annotation): void;
  setFailed(message: string): void;
}

export interface CommitStatus {
  sha: string;
  state: "success" | "failure" | "error" | "pending";
  /** GitHub refuses descriptions longer than 140 characters. */
  description: string;
  context: string;
  targetUrl?: string;
}

export interface IssueComment {
  id: number;
  body: string;
  /** The login of the comment's author. */
  author: string;
}

/** Who the token posts as. */
export interface Identity {
  /** e.g. github-actions[bot], my-app[bot], octocat. */
  login: string;
  /** How it was learnt, for the log. */
  source: string;
}

/** The GitHub calls the Action makes. */
export interface GitHubPort {
  /** The login the token posts as, asked once per run. */
  identity(): Promise<Identity>;
  listComments(issueNumber: number): Promise<IssueComment[]>;
  createComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateComment(commentId: number, body: string): Promise<IssueComment>;
  deleteComment(commentId: number): Promise<void>;
  createStatus(status: CommitStatus): Promise<void>;
  /** The commit's statuses, newest first (GitHub's first page). */
  listStatuses(sha: string): Promise<Omit<CommitStatus, "sha" | "description">[]>;
}

/** A request GitHub refused for lack of permission (403 or 404 on a write). */
export class WriteDeniedError extends Error {
  override readonly name = "WriteDeniedError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  /** "HTTP 403: Unable to create comment because issue is locked.": GitHub's reason, one line. */
  get answer(): string {
    const reason = this.message.split(" - https://")[0]!.replace(/\s+/g, " ").trim();
    return reason ? `HTTP ${this.status}: ${reason}` : `HTTP ${this.status}`;
  }
}

/** GitHub did not answer in time: one request, or the whole publishing step. */
export class GitHubTimeoutError extends Error {
  override readonly name = "GitHubTimeoutError";
}

/** GitHub's rate limit stopped a request, and it would not lift within the run's time for GitHub. */
export class RateLimitError extends Error {
  override readonly name = "RateLimitError";
}
