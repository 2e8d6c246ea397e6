import type { RunContext } from "./context.js";
import type { Logger } from "./ports.js";

/**
 * Whether this run may write to GitHub (comment, status). Decided up front for fork pull
 * requests, and learnt from the first refused write otherwise; said once either way.
 */
export class WriteAccess {
  private reason: string | undefined;
  private said = false;

  constructor(
    private readonly log: Logger,
    reason?: string,
  ) {
    this.reason = reason;
  }

  static for(context: RunContext, token: string, log: Logger): WriteAccess {
    if (!token) return new WriteAccess(log, "no token was given");
    const pr = context.pullRequest;
    if (context.eventName === "pull_request" && pr?.fromFork) {
      return new WriteAccess(
        log,
        `the pull request comes from a fork (${pr.headRepository || "deleted repository"}), so the token is read-only`,
      );
    }
    return new WriteAccess(log);
  }

  get allowed(): boolean {
    return this.reason === undefined;
  }

  deny(reason: string): void {
    this.reason ??= reason;
  }

  /** One line, the first time something is skipped. */
  skip(what: string): void {
    if (this.said) return;
    this.said = true;
    this.log.info(
      `Skipping ${what} and any other write to GitHub: ${this.reason}. The job summary, annotations, SARIF and findings files are still written.`,
    );
  }
}
