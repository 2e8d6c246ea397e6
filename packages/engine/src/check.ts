import {
  type AnyRule,
  type Bundle,
  buildBundle,
  ConfigurationError,
  evaluate,
  type FailOn,
  parseSource,
  type Result,
} from "@scout-deploy/core";
import { loadBundle } from "@scout-deploy/loader";
import { parseScoutConfig, render } from "@scout-deploy/manifests";
import { securityGuideRules } from "@scout-deploy/rules";
import { type LoadedConfig, loadConfig } from "./config-file.js";

export interface CheckOptions {
  cwd: string;
  /** Files, folders, globs, "-". */
  paths: readonly string[];
  configPath?: string;
  /** Overrides the config's `policy.failOn`. */
  failOn?: FailOn;
  readStdin?: (maxBytes: number) => Promise<string>;
  maxFileSize?: number;
  /** Rules beside the Security Guide pack (tests, embedders). */
  extraRules?: readonly AnyRule[];
  now?: Date;
}

export interface CheckRun {
  result: Result;
  bundle: Bundle;
  config: LoadedConfig;
  /** When the config was rendered: each file's text by the name findings show. */
  rendered?: Record<string, string>;
}

export const RENDERED_PREFIX = "<rendered>/";

/** The pipeline both faces call: config -> load -> evaluate. */
export async function runCheck(options: CheckOptions): Promise<CheckRun> {
  const config = loadConfig(options.cwd, options.configPath);
  if (options.failOn) config.policy = { ...config.policy, failOn: options.failOn };
  const rendered = options.paths.length === 0 ? renderConfig(config) : undefined;
  const bundle = rendered
    ? buildBundle(Object.entries(rendered).map(([path, text]) => parseSource(path, text)))
    : await loadBundle(options.paths, {
        cwd: options.cwd,
        ...(options.readStdin ? { readStdin: options.readStdin } : {}),
        ...(options.maxFileSize ? { maxFileSize: options.maxFileSize } : {}),
      });
  const rules = [...securityGuideRules, ...(options.extraRules ?? [])];
  const result = evaluate(rules, bundle, config.policy, options.now ? { now: options.now } : {});
  return { result, bundle, config, ...(rendered ? { rendered } : {}) };
}

/** With no paths, the config's `scout:` section is rendered and checked as if read from files. */
function renderConfig(config: LoadedConfig): Record<string, string> {
  if (config.scout === undefined) {
    throw new ConfigurationError(
      "no manifests to check: give paths (files, folders, globs or -), or a config with a scout: section",
    );
  }
  const { files } = render(parseScoutConfig(config.scout, config.locate));
  return Object.fromEntries(
    Object.entries(files).map(([name, text]) => [`${RENDERED_PREFIX}${name}`, text]),
  );
}
