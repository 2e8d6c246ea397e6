import { failsAt, isConfigurationError, type Result, SEVERITIES } from "@scout-deploy/core";
import type { Annotation, AnnotationLevel } from "@scout-deploy/report";
import { type Gate, gateOnBase } from "./base.js";
import { checkoutRoot, fromCheckoutRoot } from "./checkout.js";
import { isPullRequestTarget, type RunContext, readContext } from "./context.js";
import { type Inputs, parseInputs } from "./inputs.js";
import { signoffAttester } from "./integrations.js";
import { WriteAccess } from "./permissions.js";
import { checkManifests, type Engine, type PipelineRun, type SignoffGate } from "./pipeline.js";
import type { GitHubPort, Logger, Runner } from "./ports.js";
import { publish, type ReportFiles, writeReportFiles } from "./publish.js";
import { signOff } from "./signoff.js";
import { TOOL } from "./version.js";

/** What `run` needs from outside; `index.ts` passes the real ones, tests their own. */
export interface Environment {
  runner: Runner;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/**
 * The Action: inputs -> pipeline -> report files -> publish -> sign-off. It never throws. The
 * files and outputs that carry the findings come first; a later stage that fails (GitHub down,
 * a diagram that cannot be drawn) is a warning and a failed step, never a lost report.
 */
export async function run(environment: Environment): Promise<void> {
  const { runner, log, used } = countingAnnotations(environment.runner, environment.log);
  try {
    const context = readContext(environment.env, environment.cwd);
    const inputs = parseInputs(runner.input, context.tempDir);

    const pipeline = await checkManifests(inputs, context, await loadEngine(), log);
    const gate = await gateOnBase(pipeline, inputs, context, log);
    if (gate.notice) announce(runner, log, gate.notice);
    const gated = await fromRepositoryRoot(gate.run, context, log);

    const files = writeReportFiles(gated, inputs, context, TOOL);
    setReportOutputs(runner, gated, files);
    const failed: string[] = [];
    const stage = stageRunner(log, failed);

    const access = WriteAccess.for(context, inputs.token, log);
    const deadline = startDeadline(inputs.githubTimeout);
    const github = await stage("connecting to GitHub", () =>
      connectGitHub(inputs, context, access, log, deadline),
    );
    const sections =
      gate.mode === "diff" ? [...gate.sections] : pipeline.network ? [pipeline.network] : [];
    if (gate.notice) {
      const title = gate.mode === "diff" ? "The base, read in part" : "Full report";
      sections.unshift({ title, body: gate.notice });
    }
    // The failure message is an error annotation of its own, made last: its slot is kept.
    const annotationsUsed = { ...used, error: used.error + (gated.result.summary.passed ? 0 : 1) };
    const checkedOut = isPullRequestTarget(context) ? await workspaceCommit(context) : {};
    await stage("publishing", () =>
      publish(
        gated,
        inputs,
        context,
        { runner, log, github, access, tool: TOOL, annotationsUsed, ...checkedOut },
        sections,
      ),
    );

    // The status is the pull request's gate (new findings in a diff); a signed record always
    // judges the whole head bundle and says whether the gate was a diff.
    const signed = inputs.signoff === "status" ? gated : { ...pipeline, gate: signoffGate(gate) };
    const signoff = await stage("signing off", () =>
      signOff(signed, inputs, context, {
        log,
        github,
        access,
        ...checkedOut,
        ...(inputs.signoff === "attest"
          ? {
              attest: signoffAttester(
                inputs,
                context,
                environment.env,
                log,
                undefined,
                deadline.signal,
              ),
            }
          : {}),
      }),
    );
    deadline.stop();

    runner.setOutput("signoff-file", signoff?.signoffFile ?? "");
    if (!gated.result.summary.passed) runner.setFailed(failure(gated.result));
    else if (failed.length) runner.setFailed(`Scout Secure Deploy: ${failed.join("; ")}`);
  } catch (error) {
    runner.setFailed(
      isConfigurationError(error)
        ? error.message
        : `scout-secure-deploy failed unexpectedly (please report it): ${withoutSnippet(error)}`,
    );
  }
}

/**
 * The runner and logger, counting the annotations the step makes: GitHub shows the first 10 of
 * each level per step, and a warning in the log is a warning annotation too.
 */
function countingAnnotations(runner: Runner, log: Logger) {
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  return {
    used,
    runner: {
      ...runner,
      annotate(annotation: Annotation) {
        used[annotation.level]++;
        runner.annotate(annotation);
      },
    } satisfies Runner,
    log: {
      ...log,
      warning(message: string) {
        used.warning++;
        log.warning(message);
      },
    } satisfies Logger,
  };
}

/** One notice, in the log and as an annotation, when the report is not the comparison asked for. */
function announce(runner: Runner, log: Logger, notice: string): void {
  log.info(notice);
  runner.annotate({
    level: "notice",
    title: "Scout Secure Deploy",
    message: notice,
    file: "",
    line: 0,
    endLine: 0,
  });
}

/** Files named from the repository's root when actions/checkout put it in a subfolder. */
async function fromRepositoryRoot(
  run: PipelineRun,
  context: RunContext,
  log: Logger,
): Promise<PipelineRun> {
  const files = run.result.findings.map((finding) => finding.file);
  if (files.length === 0) return run;
  const root = checkoutRoot(context, files, await import("@scout-deploy/engine"));
  if (!root) return run;
  log.info(
    `the repository is checked out in ${root}: annotations, links and SARIF name files from there`,
  );
  return { ...run, result: fromCheckoutRoot(run.result, context.workspace, root) };
}

async function workspaceCommit(context: RunContext): Promise<{ workspaceCommit?: string }> {
  const commit = (await import("@scout-deploy/engine")).headCommit(context.workspace);
  return commit ? { workspaceCommit: commit } : {};
}

function signoffGate(gate: Gate): SignoffGate {
  if (gate.mode === "whole") return { mode: "whole" };
  const { summary } = gate.run.result;
  return {
    mode: "diff",
    base: gate.base ?? "",
    new: summary.new ?? 0,
    fixed: summary.fixed ?? 0,
    passed: summary.passed,
  };
}

/** Runs one stage after the report files: its failure is recorded and logged, the run goes on. */
function stageRunner(log: Logger, failed: string[]) {
  return async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      const reason = isConfigurationError(error)
        ? error.message
        : withoutSnippet(error).split("\n")[0];
      failed.push(`${name} failed: ${reason}`);
      log.warning(`${name} failed; the SARIF and findings files are written: ${reason}`);
      return undefined;
    }
  };
}

/** The engine is the heavy part: loaded after the first log line. */
async function loadEngine(): Promise<Engine> {
  const { runCheck, loadConfig, networkSection } = await import("@scout-deploy/engine");
  return { runCheck, loadConfig, networkSection };
}

/** Each request gets a quarter of the step's time, at most 30 s: one hung call leaves room. */
const MAX_REQUEST_MS = 30_000;

/**
 * The bound on everything the run asks of GitHub's API: when it runs out, every pending call
 * ends and the run goes on without it (a hung API never hangs the job).
 */
function startDeadline(seconds: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), seconds * 1000);
  timer.unref();
  return {
    signal: controller.signal,
    at: Date.now() + seconds * 1000,
    stop: () => clearTimeout(timer),
  };
}

interface Deadline {
  signal: AbortSignal;
  /** ms since the epoch */
  at: number;
  stop(): void;
}

async function connectGitHub(
  inputs: Inputs,
  context: RunContext,
  access: WriteAccess,
  log: Logger,
  deadline: Deadline,
): Promise<GitHubPort | undefined> {
  const needed = (inputs.comment && context.pullRequest) || inputs.signoff === "status";
  if (!needed || !access.allowed) return undefined;
  const { createGitHub } = await import("./github.js");
  return createGitHub({
    token: inputs.token,
    baseUrl: context.apiUrl,
    owner: context.repository.owner,
    repo: context.repository.repo,
    log,
    userAgent: `${TOOL.name}/${TOOL.version}`,
    requestTimeoutMs: Math.min(MAX_REQUEST_MS, (inputs.githubTimeout * 1000) / 4),
    signal: deadline.signal,
    deadline: deadline.at,
  });
}

function setReportOutputs(runner: Runner, pipeline: PipelineRun, files: ReportFiles): void {
  const { summary } = pipeline.result;
  runner.setOutput("passed", String(summary.passed));
  runner.setOutput("new-findings", summary.new === undefined ? "" : String(summary.new));
  runner.setOutput("findings", String(summary.findings));
  runner.setOutput("errors", String(summary.bySeverity.error));
  runner.setOutput("warnings", String(summary.bySeverity.warning));
  runner.setOutput("sarif-file", files.sarifFile);
  runner.setOutput("findings-file", files.findingsFile);
  runner.setOutput("rendered-dir", pipeline.renderedDir ?? "");
  runner.setOutput("bundle-digest", pipeline.bundleDigest);
}

/** Counts only what fails the step: warnings do not fail at `fail-on: error`. */
export function failure(result: Result): string {
  const failing = SEVERITIES.filter((s) => failsAt(s, result.failOn));
  const counts = failing.map((s) => `${result.summary.bySeverity[s]} ${s}`).join(", ");
  const total = failing.reduce((sum, s) => sum + result.summary.bySeverity[s], 0);
  if (result.summary.new !== undefined) {
    return `Scout Secure Deploy: this pull request adds findings at or above fail-on ${result.failOn} (${result.summary.new} new, ${result.summary.fixed} fixed, ${result.summary.unchanged} unchanged)`;
  }
  return `Scout Secure Deploy: ${total} findings at or above fail-on ${result.failOn} (${counts})`;
}

/**
 * YAML parsers put the lines around an error under its message's first line: in a Secret those
 * are its values. The log gets that first line and the stack frames, never the snippet.
 */
export function withoutSnippet(error: unknown): string {
  if (!(error instanceof Error)) return String(error).split("\n")[0]!;
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${error.message.split("\n")[0]!.replace(/:$/, "")}`, ...frames].join(
    "\n",
  );
}
