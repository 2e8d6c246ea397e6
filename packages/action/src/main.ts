import { failsAt, isConfigurationError, type Result, SEVERITIES } from "@scout-deploy/core";
import { type RunContext, readContext } from "./context.js";
import { type Inputs, parseInputs } from "./inputs.js";
import { manifestsRenderer, networkSections, signoffAttester } from "./integrations.js";
import { WriteAccess } from "./permissions.js";
import { checkManifests, type Engine, type PipelineRun } from "./pipeline.js";
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
  const { runner, log } = environment;
  try {
    const context = readContext(environment.env, environment.cwd);
    const inputs = parseInputs(runner.input, context.tempDir);

    const pipeline = await checkManifests(inputs, context, await loadEngine(), log);

    const files = writeReportFiles(pipeline, inputs, context, TOOL);
    setReportOutputs(runner, pipeline, files);
    const failed: string[] = [];
    const stage = stageRunner(log, failed);

    const access = WriteAccess.for(context, inputs.token, log);
    const deadline = startDeadline(inputs.githubTimeout);
    const github = await stage("connecting to GitHub", () =>
      connectGitHub(inputs, context, access, log, deadline.signal),
    );
    const sections = (await stage("drawing the flows", () => networkSections(pipeline))) ?? [];
    await stage("publishing", () =>
      publish(pipeline, inputs, context, { runner, log, github, access, tool: TOOL }, sections),
    );
    const signoff = await stage("signing off", () =>
      signOff(pipeline, inputs, context, {
        log,
        github,
        access,
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
    if (!pipeline.result.summary.passed) runner.setFailed(failure(pipeline.result));
    else if (failed.length) runner.setFailed(`Scout Secure Deploy: ${failed.join("; ")}`);
  } catch (error) {
    runner.setFailed(
      isConfigurationError(error)
        ? error.message
        : `scout-secure-deploy failed unexpectedly (please report it): ${withoutSnippet(error)}`,
    );
  }
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
  const [engine, rules] = await Promise.all([
    import("@scout-deploy/engine"),
    import("@scout-deploy/rules"),
  ]);
  return {
    runCheck: engine.runCheck,
    loadConfig: engine.loadConfig,
    rules: rules.securityGuideRules,
    render: manifestsRenderer(),
    relocateRendered: engine.relocateRenderedDir,
  };
}

/** Each request gets a quarter of the step's time, at most 30 s: one hung call leaves room. */
const MAX_REQUEST_MS = 30_000;

/**
 * The bound on everything the run asks of GitHub's API: when it runs out, every pending call
 * ends and the run goes on without it (a hung API never hangs the job).
 */
function startDeadline(seconds: number): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), seconds * 1000);
  timer.unref();
  return { signal: controller.signal, stop: () => clearTimeout(timer) };
}

async function connectGitHub(
  inputs: Inputs,
  context: RunContext,
  access: WriteAccess,
  log: Logger,
  signal: AbortSignal,
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
    signal,
  });
}

function setReportOutputs(runner: Runner, pipeline: PipelineRun, files: ReportFiles): void {
  const { summary } = pipeline.result;
  runner.setOutput("passed", String(summary.passed));
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
