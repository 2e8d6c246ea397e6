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
import { parseScoutConfig, type RenderedSource, render } from "@scout-deploy/manifests";
import { loadRulePacks, securityGuideRules } from "@scout-deploy/rules";
import {
  createEmbeddedValidator,
  type SchemaValidator,
  schemaInputProblems,
  schemaRules,
} from "@scout-deploy/schema";
import { CONFIG_FILE_NAME, type LoadedConfig, loadConfig } from "./config-file.js";
import { type RenderedPositions, relocateRenderedFindings } from "./rendered-positions.js";

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
  const render = options.paths.length === 0 ? renderConfig(config) : undefined;
  const rendered = render?.files;
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
    ...packRules,
    ...(options.extraRules ?? []),
  ];
  const evaluated = evaluate(rules, bundle, config.policy, options.now ? { now: options.now } : {});
  const positions = render
    ? renderedPositions(config, render.sources)
    : writtenRenders(bundle, config);
  const result = positions ? relocateRenderedFindings(evaluated, positions) : evaluated;
  return {
    result,
    bundle,
    config,
    rules: [...inputRules, ...rules],
    ...(rendered ? { rendered } : {}),
  };
}

/**
 * Findings of files rendered in memory go to the config key that decided them; the rendered
 * file is named by its name alone (it exists nowhere else).
 */
export function renderedPositions(
  config: LoadedConfig,
  sources: readonly RenderedSource[],
  shownAs: (name: string) => string = (name) => name,
  renderedName: (file: string) => string | undefined = (file) =>
    file.startsWith(RENDERED_PREFIX) ? file.slice(RENDERED_PREFIX.length) : undefined,
): RenderedPositions {
  const locate =
    config.locate ?? (() => ({ file: config.path ?? CONFIG_FILE_NAME, line: 1, column: 1 }));
  return {
    configFile: locate("").file,
    scout: config.scout,
    locate,
    sources,
    renderedName,
    shownAs,
  };
}

/**
 * Files `render --out` wrote, unchanged since (the same bytes this config renders to): their
 * findings go to the config key too, naming the file on disk beside. An edited file is the
 * user's own and keeps its findings.
 */
function writtenRenders(bundle: Bundle, config: LoadedConfig): RenderedPositions | undefined {
  if (config.scout === undefined) return undefined;
  let sources: RenderedSource[];
  let files: Record<string, string>;
  try {
    ({ sources, files } = render(parseScoutConfig(config.scout, config.locate)));
  } catch {
    // A scout: section that does not render is reported by `render`; these files are checked as they are.
    return undefined;
  }
  const nameOf = new Map(Object.entries(files).map(([name, text]) => [text, name]));
  const onDisk = new Map<string, string>();
  const pathOf = new Map<string, string>();
  for (const document of bundle.documents) {
    const name = nameOf.get(document.file.text);
    if (name === undefined || onDisk.has(document.file.path)) continue;
    onDisk.set(document.file.path, name);
    if (!pathOf.has(name)) pathOf.set(name, document.file.path);
  }
  if (onDisk.size === 0) return undefined;
  return renderedPositions(
    config,
    sources,
    (name) => pathOf.get(name) ?? name,
    (file) => onDisk.get(file),
  );
}

/** With no paths, the config's `scout:` section is rendered and checked as if read from files. */
function renderConfig(config: LoadedConfig): {
  files: Record<string, string>;
  sources: RenderedSource[];
} {
  if (config.scout === undefined) {
    throw new ConfigurationError(
      "no manifests to check: give paths (files, folders, globs or -), or a config with a scout: section",
    );
  }
  const { files, sources } = render(parseScoutConfig(config.scout, config.locate));
  return {
    files: Object.fromEntries(
      Object.entries(files).map(([name, text]) => [`${RENDERED_PREFIX}${name}`, text]),
    ),
    sources,
  };
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
async function validateSchemas(bundle: Bundle, options: CheckOptions): Promise<void> {
  const validator = schemaValidator(options);
  if (!validator) return;
  const problems = await validator.validate(
    bundle,
    options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {},
  );
  bundle.problems.push(...schemaInputProblems(problems));
}

/**
 * For a face that rendered the config into `renderedDir` (as shown to the user) and checked
 * those files: their findings go to the config key that decided them, naming both places.
 * Rendering is deterministic, so the sources match the files written.
 */
export function relocateRenderedDir(
  result: Result,
  config: LoadedConfig,
  renderedDir: string,
): Result {
  if (config.scout === undefined) return result;
  const { sources } = render(parseScoutConfig(config.scout, config.locate));
  const prefix = `${renderedDir.replace(/\/+$/, "")}/`;
  return relocateRenderedFindings(
    result,
    renderedPositions(
      config,
      sources,
      (name) => `${prefix}${name}`,
      (file) => (file.startsWith(prefix) ? file.slice(prefix.length) : undefined),
    ),
  );
}
