import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type AnyRule,
  type Bundle,
  ConfigurationError,
  type PolicyConfig,
  type Result,
  type Settings,
} from "@scout-deploy/core";
import type { CheckOptions, CheckRun, FlowsSection, LoadedConfig } from "@scout-deploy/engine";
import { isPullRequestTarget, type RunContext } from "./context.js";
import type { Inputs } from "./inputs.js";
import type { Logger } from "./ports.js";

/** The engine's entry points the Action calls (the real ones in production and tests). */
export interface Engine {
  runCheck(options: CheckOptions): Promise<CheckRun>;
  loadConfig(cwd: string, explicit?: string): LoadedConfig;
  networkSection(run: CheckRun): FlowsSection | undefined;
}

/** How the pull request's gate judged, for the sign-off record. */
export type SignoffGate =
  | { mode: "whole" }
  | { mode: "diff"; base: string; new: number; fixed: number; passed: boolean };

export interface PipelineRun {
  result: Result;
  bundle: Bundle;
  /** The policy settings of the run: core's keys, typed, and those of the packs that ran. */
  settings: Settings;
  /** The run's policy: reports show each rule at its configured severity. */
  policy?: PolicyConfig;
  /** The rules that ran (rule packs included), for SARIF metadata and the checklist. */
  rules: readonly AnyRule[];
  renderedDir?: string;
  /** sha256 over the checked files' paths and contents. */
  bundleDigest: string;
  /** The "Network flows" section of the summary and the comment, when there are policies. */
  network?: FlowsSection;
  /** For a sign-off: whether the pull request's gate was a diff (the record stays whole). */
  gate?: SignoffGate;
  /** The engine's run and what it was asked, for the comparison with the base. */
  check?: { run: CheckRun; options: CheckOptions };
}

/** Inputs -> the engine (render, load, evaluate): one run. */
export async function checkManifests(
  inputs: Inputs,
  context: RunContext,
  engine: Engine,
  log: Logger,
): Promise<PipelineRun> {
  const configPath = trustedConfig(inputs, context, log);
  const paths = [...inputs.manifests];
  const renders = Boolean(
    configPath && inputs.config && hasScoutSection(engine, context, configPath),
  );
  if (paths.length === 0 && !renders) {
    throw new ConfigurationError(
      inputs.config && configPath
        ? `input config: ${inputs.config} has no scout: section to render, and manifests is empty`
        : "nothing to check: manifests is empty",
    );
  }
  const options: CheckOptions = {
    cwd: context.workspace,
    paths,
    ...(configPath ? { configPath } : {}),
    ...(renders ? { renderInto: join(context.tempDir, "scout-deploy", "rendered") } : {}),
    schema: inputs.schema,
    ...(inputs.kubernetesVersion ? { kubernetesVersion: inputs.kubernetesVersion } : {}),
    ...(inputs.failOn ? { failOn: inputs.failOn } : {}),
    ...(inputs.helm ? { helm: inputs.helm } : {}),
  };
  const run = await engine.runCheck(options);
  for (const notice of run.config.notices ?? []) log.warning(notice);
  if (run.renderedDir) {
    log.info(`rendered the scout: section of ${inputs.config} into ${run.renderedDir}`);
  }
  const network = engine.networkSection(run);
  return {
    result: run.result,
    bundle: run.bundle,
    settings: run.config.policy.settings,
    policy: run.config.policy,
    rules: run.rules,
    bundleDigest: run.bundleDigest,
    ...(run.renderedDir ? { renderedDir: run.renderedDir } : {}),
    ...(network ? { network } : {}),
    check: { run, options },
  };
}

function hasScoutSection(engine: Engine, context: RunContext, configPath: string): boolean {
  return engine.loadConfig(context.workspace, configPath).scout !== undefined;
}

/**
 * On `pull_request_target` the workspace may hold the pull request's head: its config (and the
 * rule packs it names) is never loaded there; a default policy written by us is used instead.
 */
function trustedConfig(inputs: Inputs, context: RunContext, log: Logger): string | undefined {
  if (!isPullRequestTarget(context)) return inputs.config;
  const path = join(context.tempDir, "scout-deploy", "trusted-defaults.yaml");
  mkdirSync(join(context.tempDir, "scout-deploy"), { recursive: true });
  writeFileSync(path, "policy: {}\n");
  log.info(
    "pull_request_target: configs and rule packs from the pull request are not loaded; the default policy applies. See the README's safe fork pattern.",
  );
  return path;
}
