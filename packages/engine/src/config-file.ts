import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  ConfigurationError,
  didYouMean,
  isRecord,
  type Locate,
  type PolicyConfig,
  parsePolicy,
  parseSource,
} from "@scout-deploy/core";
import { displayPath } from "@scout-deploy/loader";
import { networkSettingsProblems, securityGuidePack } from "@scout-deploy/rules";

export const CONFIG_FILE_NAME = "scout-deploy.yaml";
const TOP_LEVEL_KEYS = ["scout", "policy"];

export interface LoadedConfig {
  /** The config file's path, when there is one. */
  path?: string;
  /** The config file as messages and findings name it (relative to the working folder). */
  shown?: string;
  /** The folder relative paths of the config resolve against (rule packs, etc.). */
  folder: string;
  policy: PolicyConfig;
  /**
   * `policy.settings` as written. With `policy.plugins`, keys the built-in packs do not declare
   * wait in `policy.settings` until the plugins are loaded and `runCheck` validates them.
   */
  settingsInput?: unknown;
  /** The raw `scout:` section, for the renderer; absent for repositories of raw manifests. */
  scout?: unknown;
  locate?: Locate;
  /** What the config should change but still works: a deprecated key, with its file and line. */
  notices?: string[];
}

/** `--config FILE`, else `scout-deploy.yaml` found by walking up from the working folder. */
/** The packs every run has: `policy.settings` is validated against their keys and core's. */
export const BUILT_IN_PACKS = [securityGuidePack];
const BUILT_IN = { packs: BUILT_IN_PACKS };

function hasPlugins(policy: unknown): boolean {
  return isRecord(policy) && Array.isArray(policy.plugins) && policy.plugins.length > 0;
}

export function findConfigFile(cwd: string, explicit?: string): string | undefined {
  if (explicit === "-")
    throw new ConfigurationError(
      "--config - is not read: standard input holds the manifests; give the config as a file",
    );
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigurationError(`config file not found: ${explicit}`);
    return path;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  const path = findConfigFile(cwd, explicit);
  if (!path) return { folder: cwd, policy: defaultConfigPolicy() };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const shown = displayPath(path, cwd);
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "EISDIR" ? "it is a folder" : (code ?? (error as Error).message);
    throw new ConfigurationError(`cannot read config file ${shown}: ${reason}`);
  }
  return parseConfigText(path, text, displayPath(path, cwd));
}

/** The policy of a run without a config file: the built-in packs' defaults. */
export function defaultConfigPolicy(): PolicyConfig {
  return parsePolicy(undefined, undefined, BUILT_IN);
}

/** `path` locates the file; `shown` is how messages and findings name it. */
export function parseConfigText(path: string, text: string, shown = path): LoadedConfig {
  const parsed = parseSource(shown, text, undefined, "yaml");
  const problem = parsed.problems[0];
  if (problem) {
    const { line, column } = problem.position;
    throw new ConfigurationError(`${shown}:${line}:${column}: ${problem.message}`);
  }
  if (parsed.documents.length > 1) {
    throw new ConfigurationError(
      `${shown}: a config file holds one YAML document, not ${parsed.documents.length}`,
    );
  }
  const document = parsed.documents[0];
  const value = document?.value ?? {};
  const locate: Locate = (pointer) =>
    document?.locate(pointer) ?? { file: shown, line: 1, column: 1 };
  if (!isRecord(value)) {
    throw new ConfigurationError(
      `${shown}:1:1: the config must be a mapping with scout: and policy: sections`,
    );
  }
  const unknown = Object.keys(value).find((key) => !TOP_LEVEL_KEYS.includes(key));
  if (unknown) {
    const at = locate(`/${unknown}`);
    throw new ConfigurationError(
      `${shown}:${at.line}:${at.column}: unknown section "${unknown}"${didYouMean(unknown, TOP_LEVEL_KEYS)} (allowed: scout, policy)`,
    );
  }
  const config: LoadedConfig = {
    path,
    shown,
    folder: dirname(path),
    policy: parsePolicy(value.policy, locate, {
      ...BUILT_IN,
      laterPacks: hasPlugins(value.policy),
    }),
    locate,
  };
  if (isRecord(value.policy) && value.policy.settings !== undefined) {
    config.settingsInput = value.policy.settings;
  }
  const notices = networkNotices(config.policy, locate);
  if (notices.length) config.notices = notices;
  if (value.scout !== undefined) config.scout = value.scout;
  return config;
}

/**
 * The network settings are one value per key for every network rule: two places that disagree
 * are an error at the second; a deprecated per-rule option is a notice naming its line.
 */
function networkNotices(policy: PolicyConfig, locate: Locate): string[] {
  const problems = networkSettingsProblems(policy);
  const at = (pointer: string) => {
    const { file, line, column } = locate(pointer);
    return `${file}:${line}:${column}`;
  };
  const conflict = problems.find((p) => p.kind === "conflict");
  if (conflict) throw new ConfigurationError(`${at(conflict.pointer)}: ${conflict.message}`);
  return problems.map((p) => `${at(p.pointer)}: ${p.message}`);
}
