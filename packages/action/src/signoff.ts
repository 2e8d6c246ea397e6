import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigurationError, type FailOn, failsAt, type Result } from "@scout-deploy/core";
import { headNotCheckedOut, type RunContext, subjectSha } from "./context.js";
import { type Inputs, resolveIn } from "./inputs.js";
import type { WriteAccess } from "./permissions.js";
import type { PipelineRun } from "./pipeline.js";
import { type GitHubPort, type Logger, WriteDeniedError } from "./ports.js";

/** The commit status context that signs a pull request's head off. */
export const STATUS_CONTEXT = "scout/secure-deploy";

/** The context of this check's status: the `name` input tells several checks apart. */
export function statusContext(name: string | undefined): string {
  return name ? `${STATUS_CONTEXT} (${name})` : STATUS_CONTEXT;
}
const MAX_DESCRIPTION = 140;

/** Writes the sign-off record (a DSSE envelope) of a run to `file`. */
export type Attester = (run: PipelineRun, file: string) => Promise<void>;

export interface SignoffDeps {
  log: Logger;
  github: GitHubPort | undefined;
  access: WriteAccess;
  attest?: Attester;
  /** The commit the workspace holds (git HEAD), read on pull_request_target; undefined: unknown. */
  workspaceCommit?: string;
}

export interface SignoffOutcome {
  signoffFile?: string;
  status?: "success" | "failure";
}

export async function signOff(
  run: PipelineRun,
  inputs: Inputs,
  context: RunContext,
  deps: SignoffDeps,
): Promise<SignoffOutcome> {
  if (inputs.signoff === "none") return {};
  const result = atSignoffThreshold(run.result, inputs.failOn);
  if (result.failOn !== run.result.failOn) {
    deps.log.info(
      `the sign-off is taken at fail-on ${result.failOn}: the config's policy.failOn ${run.result.failOn} cannot lower it (set the workflow's fail-on input to change it)`,
    );
  }
  if (inputs.signoff === "attest") {
    if (!deps.attest) throw new ConfigurationError("input signoff: attest has no signer wired");
    const file = resolveIn(context.workspace, inputs.signoffFile);
    mkdirSync(dirname(file), { recursive: true });
    await deps.attest({ ...run, result }, file);
    deps.log.info(`wrote the sign-off record ${file}`);
    return { signoffFile: file };
  }
  return postStatus(result, statusContext(inputs.name), context, deps);
}

const STRICTNESS: Record<FailOn, number> = { never: 0, error: 1, warning: 2, info: 3 };

/**
 * The result as the sign-off sees it. Its threshold is the workflow's fail-on input, else
 * error: the config's policy.failOn sits in files a pull request can edit, so it may make the
 * sign-off stricter, never more lenient.
 */
export function atSignoffThreshold(result: Result, workflowFailOn: FailOn | undefined): Result {
  const failOn =
    workflowFailOn ?? (STRICTNESS[result.failOn] >= STRICTNESS.error ? result.failOn : "error");
  if (failOn === result.failOn) return result;
  // In a comparison with the base, the gate counts what the change adds.
  const counted = result.findings.filter((f) => f.baseline !== "unchanged");
  const passed = !counted.some((f) => failsAt(f.severity, failOn));
  return { ...result, failOn, summary: { ...result.summary, passed } };
}

async function postStatus(
  result: Result,
  name: string,
  context: RunContext,
  deps: SignoffDeps,
): Promise<SignoffOutcome> {
  const state = result.summary.passed ? "success" : "failure";
  if (!deps.github || !deps.access.allowed) {
    deps.access.skip(`the ${name} commit status`);
    return {};
  }
  const sha = subjectSha(context);
  const unchecked = headNotChecked(context, deps.workspaceCommit);
  if (unchecked) {
    deps.log.warning(unchecked);
    return {};
  }
  const targetUrl = statusTarget(context);
  if (state === "success" && targetUrl) {
    const earlier = await failureOfThisRun(deps.github, sha, name, targetUrl, deps.log);
    if (earlier) {
      deps.log.warning(
        `another job of this workflow run set the ${name} status of ${sha} to ${earlier}; this job passed and leaves it so (one status holds one verdict: give each job or matrix leg its own name input)`,
      );
      return { status: "failure" };
    }
  }
  try {
    await deps.github.createStatus({
      sha,
      state,
      context: name,
      description: statusDescription(result),
      ...(targetUrl ? { targetUrl } : {}),
    });
    deps.log.info(`set the ${name} status of ${sha} to ${state}`);
    return { status: state };
  } catch (error) {
    // A missing status blocks a branch protection that requires it: the run itself goes on.
    if (error instanceof WriteDeniedError) {
      deps.access.deny(`GitHub refused the commit status (${error.answer})`);
      deps.access.skip(`the ${name} commit status`);
    } else {
      deps.log.warning(`could not set the ${name} status: ${(error as Error).message}`);
    }
    return {};
  }
}

function headNotChecked(context: RunContext, workspaceCommit: string | undefined) {
  const reason = headNotCheckedOut(context, workspaceCommit);
  return reason
    ? `${reason}, so no status is set on the head: it would sign off files that were not checked. Run the check on pull_request (see the README's safe fork pattern).`
    : undefined;
}

/** The run's page for this attempt: a re-run is a new attempt, and may change the verdict. */
function statusTarget(context: RunContext): string | undefined {
  if (!context.runUrl) return undefined;
  return context.runAttempt ? `${context.runUrl}/attempts/${context.runAttempt}` : context.runUrl;
}

/**
 * The failure another job of this run attempt gave the same status (two jobs, or matrix legs,
 * without a name of their own): the last writer would win, and a pass would hide it.
 */
async function failureOfThisRun(
  github: GitHubPort,
  sha: string,
  name: string,
  targetUrl: string,
  log: Logger,
): Promise<string | undefined> {
  try {
    const latest = (await github.listStatuses(sha)).find((status) => status.context === name);
    const failed = latest?.state === "failure" || latest?.state === "error";
    return failed && latest.targetUrl === targetUrl ? latest.state : undefined;
  } catch (error) {
    log.info(`could not read the commit's statuses (${(error as Error).message}); setting ours`);
    return undefined;
  }
}

/** Under GitHub's 140 characters. */
export function statusDescription(result: Result): string {
  const { error, warning, info } = result.summary.bySeverity;
  const verdict = result.summary.passed ? "Passed" : "Failed";
  const { new: added, fixed, unchanged } = result.summary;
  if (added !== undefined) {
    return `${verdict}: ${added} new, ${fixed ?? 0} fixed, ${unchanged ?? 0} unchanged against the base (fail-on ${result.failOn})`.slice(
      0,
      MAX_DESCRIPTION,
    );
  }
  const text = `${verdict}: ${error} error, ${warning} warning, ${info} info in ${result.summary.objects} objects (fail-on ${result.failOn})`;
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}
