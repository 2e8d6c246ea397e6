import {
  type AnyRule,
  type Bundle,
  buildBundle,
  ConfigurationError,
  evaluate,
  type FailOn,
  inputRules,
  parseSource,
  type Result,
} from "@scout-deploy/core";
import { createKubeconformValidator, type KubeconformOptions } from "@scout-deploy/kubeconform";
import { loadBundle } from "@scout-deploy/loader";
import { parseScoutConfig, render } from "@scout-deploy/manifests";
import { loadRulePacks, securityGuideRules } from "@scout-deploy/rules";
import {
  createEmbeddedValidator,
  type SchemaValidator,
  schemaInputProblems,
  schemaRules,
} from "@scout-deploy/schema";
import { type LoadedConfig, loadConfig } from "./config-file.js";
import { policyWeakened } from "./rules/policy-weakened/rule.js";

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
  /** Schema validation engine (default "embedded": offline, no binary). */
  schema?: SchemaEngine;
  /** "1.36" or "1.36.2"; default: the newest version the embedded validator bundles. */
  kubernetesVersion?: string;
  /**
   * Where schemas come from. kubeconform takes them all (folders, URL templates, "default");
   * the embedded engine reads the local folders for kinds it does not bundle (CRDs).
   */
  schemaLocations?: readonly string[];
  /** For `schema: "kubeconform"`: binary, env, skip/reject kinds. */
  kubeconform?: KubeconformOptions;
}

export type SchemaEngine = "embedded" | "kubeconform" | "off";
export const SCHEMA_ENGINES: readonly SchemaEngine[] = ["embedded", "kubeconform", "off"];

export interface CheckRun {
  result: Result;
  bundle: Bundle;
  config: LoadedConfig;
  /** When the config was rendered: each file's text by the name findings show. */
  rendered?: Record<string, string>;
  /** Every rule of the run (input, schema, the guide's pack, rule packs), for report metadata. */
  rules: readonly AnyRule[];
}

export const RENDERED_PREFIX = "<rendered>/";

/** The pipeline both faces call: config -> load (or render) -> validate schemas -> evaluate. */
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
  await validateSchemas(bundle, options);
  const packRules = await loadRulePacks(config.policy.plugins, { resolveFrom: config.folder });
  const rules = [
    ...securityGuideRules,
    ...schemaRules,
    policyWeakened,
    ...packRules,
    ...(options.extraRules ?? []),
  ];
  const result = evaluate(rules, bundle, config.policy, options.now ? { now: options.now } : {});
  return {
    result,
    bundle,
    config,
    rules: [...inputRules, ...rules],
    ...(rendered ? { rendered } : {}),
  };
}

/** With no paths, the config's `scout:` section is rendered and checked as if read from files. */
export function renderConfig(config: LoadedConfig): Record<string, string> {
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

function schemaValidator(options: CheckOptions): SchemaValidator | undefined {
  switch (options.schema ?? "embedded") {
    case "off":
      return undefined;
    case "kubeconform":
      return createKubeconformValidator({
        ...options.kubeconform,
        ...(options.schemaLocations?.length
          ? { schemaLocations: [...options.schemaLocations] }
          : {}),
      });
    default:
      return createEmbeddedValidator({
        schemaFolders: (options.schemaLocations ?? []).filter(
          (location) => location !== "default" && !/^https?:\/\//.test(location),
        ),
      });
  }
}

/** Adds input/schema findings to the bundle's problems; evaluate positions and reports them. */
export async function validateSchemas(bundle: Bundle, options: CheckOptions): Promise<void> {
  const validator = schemaValidator(options);
  if (!validator) return;
  const problems = await validator.validate(
    bundle,
    options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {},
  );
  bundle.problems.push(...schemaInputProblems(problems));
}
