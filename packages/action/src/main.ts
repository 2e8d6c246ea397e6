import { isConfigurationError, type Result } from "@scout-deploy/core";
import { type RunContext, readContext } from "./context.js";
import { type Inputs, parseInputs } from "./inputs.js";
import { signoffAttester } from "./integrations.js";
import { WriteAccess } from "./permissions.js";
import { checkManifests, type Engine, type PipelineRun } from "./pipeline.js";
import type { GitHubPort, Logger, Runner } from "./ports.js";
import { publish, type ReportFiles, writeReportFiles } from "./publish.js";
import { type SignoffOutcome, signOff } from "./signoff.js";
import { TOOL } from "./version.js";

/** What `run` needs from outside; `index.ts` passes the real ones, tests their own. */
export interface Environment {
  runner: Runner;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** The Action: inputs -> pipeline -> publish -> sign-off. It never throws. */
export async function run(environment: Environment): Promise<void> {
  const { runner, log } = environment;
  try {
    const context = readContext(environment.env, environment.cwd);
    const inputs = parseInputs(runner.input, context.tempDir);

    const pipeline = await checkManifests(inputs, context, await loadEngine(), log);

    const files = writeReportFiles(pipeline, inputs, context, TOOL);
    const access = WriteAccess.for(context, inputs.token, log);
    const github = await connectGitHub(inputs, context, access, log);
    const sections = pipeline.network ? [pipeline.network] : [];
    await publish(pipeline, inputs, context, { runner, log, github, access, tool: TOOL }, sections);

    const signoff = await signOff(pipeline, inputs, context, {
      log,
      github,
      access,
      ...(inputs.signoff === "attest"
        ? { attest: signoffAttester(inputs, context, environment.env, log) }
        : {}),
    });

    setOutputs(runner, pipeline, files, signoff);
    if (!pipeline.result.summary.passed) runner.setFailed(failure(pipeline.result));
  } catch (error) {
    runner.setFailed(
      isConfigurationError(error)
        ? error.message
        : `scout-secure-deploy failed unexpectedly (please report it): ${(error as Error).stack ?? error}`,
    );
  }
}

/** The engine is the heavy part: loaded after the first log line. */
async function loadEngine(): Promise<Engine> {
  const { runCheck, loadConfig, networkSection } = await import("@scout-deploy/engine");
  return { runCheck, loadConfig, networkSection };
}

async function connectGitHub(
  inputs: Inputs,
  context: RunContext,
  access: WriteAccess,
  log: Logger,
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
  });
}

function setOutputs(
  runner: Runner,
  pipeline: PipelineRun,
  files: ReportFiles,
  signoff: SignoffOutcome,
): void {
  const { summary } = pipeline.result;
  runner.setOutput("passed", String(summary.passed));
  runner.setOutput("findings", String(summary.findings));
  runner.setOutput("errors", String(summary.bySeverity.error));
  runner.setOutput("warnings", String(summary.bySeverity.warning));
  runner.setOutput("sarif-file", files.sarifFile);
  runner.setOutput("findings-file", files.findingsFile);
  runner.setOutput("rendered-dir", pipeline.renderedDir ?? "");
  runner.setOutput("bundle-digest", pipeline.bundleDigest);
  runner.setOutput("signoff-file", signoff.signoffFile ?? "");
}

function failure(result: Result): string {
  const { error, warning, info } = result.summary.bySeverity;
  return `Scout Secure Deploy: ${result.summary.findings} findings at or above fail-on ${result.failOn} (${error} error, ${warning} warning, ${info} info)`;
}
