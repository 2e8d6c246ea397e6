import {
  type AnyRule,
  type Bundle,
  ConfigurationError,
  evaluate,
  type FailOn,
  type Result,
} from "@scout-deploy/core";
import { loadBundle } from "@scout-deploy/loader";
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
}

/** The pipeline both faces call: config -> load -> evaluate. */
export async function runCheck(options: CheckOptions): Promise<CheckRun> {
  const config = loadConfig(options.cwd, options.configPath);
  if (options.failOn) config.policy = { ...config.policy, failOn: options.failOn };
  if (options.paths.length === 0) {
    throw new ConfigurationError("no manifests to check: give paths (files, folders, globs or -)");
  }
  const bundle = await loadBundle(options.paths, {
    cwd: options.cwd,
    ...(options.readStdin ? { readStdin: options.readStdin } : {}),
    ...(options.maxFileSize ? { maxFileSize: options.maxFileSize } : {}),
  });
  const rules = [...securityGuideRules, ...(options.extraRules ?? [])];
  const result = evaluate(rules, bundle, config.policy, options.now ? { now: options.now } : {});
  return { result, bundle, config };
}
