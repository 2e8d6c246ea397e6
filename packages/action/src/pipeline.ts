import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import {
  type AnyRule,
  type Bundle,
  ConfigurationError,
  compareFindings,
  inputRules,
  type PolicyConfig,
  type Result,
  type Settings,
} from "@scout-deploy/core";
import type { CheckOptions, CheckRun, LoadedConfig } from "@scout-deploy/engine";
import { isPullRequestTarget, type RunContext } from "./context.js";
import type { Inputs } from "./inputs.js";
import type { Logger } from "./ports.js";

/** Renders a config's `scout:` section into `outDir` and returns the file names written. */
export type Renderer = (config: LoadedConfig, outDir: string) => Promise<string[]>;

/** The engine's entry points the Action calls (the real ones in production and tests). */
export interface Engine {
  runCheck(options: CheckOptions): Promise<CheckRun>;
  loadConfig(cwd: string, explicit?: string): LoadedConfig;
  rules: readonly AnyRule[];
  render?: Renderer;
  /** Puts the findings of files rendered into a folder on the config keys that decided them. */
  relocateRendered?(result: Result, config: LoadedConfig, renderedDir: string): Result;
}

export interface PipelineRun {
  result: Result;
  bundle: Bundle;
  /** The policy settings of the run (components, namespace, ...). */
  settings: Settings;
  /** The run's policy: reports show each rule at its configured severity. */
  policy?: PolicyConfig;
  /** The rules that ran, for SARIF metadata and the checklist. */
  rules: readonly AnyRule[];
  renderedDir?: string;
  /** sha256 over the checked files' paths and contents. */
  bundleDigest: string;
}

/** Inputs -> (render) -> load -> evaluate: one run of the engine. */
export async function checkManifests(
  inputs: Inputs,
  context: RunContext,
  engine: Engine,
  log: Logger,
): Promise<PipelineRun> {
  const configPath = trustedConfig(inputs, context, log);
  const paths = [...inputs.manifests];
  let renderedDir: string | undefined;
  let renderedFrom: LoadedConfig | undefined;
  if (configPath && inputs.config) {
    const config = engine.loadConfig(context.workspace, configPath);
    if (config.scout !== undefined) {
      renderedFrom = config;
      renderedDir = await renderInto(engine, config, context);
      paths.push(renderedDir);
      log.info(`rendered the scout: section of ${inputs.config} into ${renderedDir}`);
    } else if (paths.length === 0) {
      throw new ConfigurationError(
        `input config: ${inputs.config} has no scout: section to render, and manifests is empty`,
      );
    }
  }
  if (paths.length === 0) throw new ConfigurationError("nothing to check: manifests is empty");
  const { result, bundle, config } = await engine.runCheck({
    cwd: context.workspace,
    paths,
    ...(configPath ? { configPath } : {}),
    schema: inputs.schema,
    ...(inputs.kubernetesVersion ? { kubernetesVersion: inputs.kubernetesVersion } : {}),
    ...(inputs.failOn ? { failOn: inputs.failOn } : {}),
  });
  const run: PipelineRun = {
    result: renderedDir
      ? engine.relocateRendered && renderedFrom
        ? engine.relocateRendered(
            result,
            renderedFrom,
            relativePath(context.workspace, renderedDir),
          )
        : attributeRendered(result, relativePath(context.workspace, renderedDir), inputs.config!)
      : result,
    bundle,
    settings: config.policy.settings,
    policy: config.policy,
    rules: [...engine.rules, ...inputRules],
    bundleDigest: bundleDigest(bundle),
  };
  if (renderedDir) run.renderedDir = renderedDir;
  return run;
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

async function renderInto(
  engine: Engine,
  config: LoadedConfig,
  context: RunContext,
): Promise<string> {
  if (!engine.render) {
    throw new ConfigurationError(
      "input config: rendering a scout: section is not available in this build yet (it needs @scout-deploy/manifests); check rendered or raw files with the manifests input instead",
    );
  }
  const dir = join(context.tempDir, "scout-deploy", "rendered");
  mkdirSync(dir, { recursive: true });
  await engine.render(config, dir);
  return dir;
}

/**
 * Rendered files live in the runner's temp folder, outside the repository: annotations, SARIF
 * and links cannot point there. Their findings are put on the config they came from, naming the
 * rendered file in the message.
 */
export function attributeRendered(result: Result, renderedDir: string, configPath: string): Result {
  const prefix = `${renderedDir}/`;
  const config = configPath.replace(/^\.\//, "");
  return {
    ...result,
    findings: result.findings
      .map((finding) =>
        finding.file.startsWith(prefix)
          ? {
              ...finding,
              message: `${finding.message} (rendered ${finding.file.slice(prefix.length)}:${finding.line})`,
              file: config,
              line: 1,
              column: 1,
            }
          : finding,
      )
      .sort(compareFindings),
  };
}

function relativePath(from: string, to: string): string {
  return relative(from, to).split(sep).join("/");
}

/** A digest of exactly what was checked: each file's path and content, in path order. */
export function bundleDigest(bundle: Bundle): string {
  const texts = new Map<string, string>();
  for (const document of bundle.documents) texts.set(document.file.path, document.file.text);
  const hash = createHash("sha256");
  for (const path of [...new Set(bundle.files)].sort()) {
    const content = createHash("sha256")
      .update(texts.get(path) ?? "")
      .digest("hex");
    hash.update(`${path}\u0000${content}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}
