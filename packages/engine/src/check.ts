import { resolve } from "node:path";
import {
  type AnyRule,
  type Bundle,
  buildBundle,
  ConfigurationError,
  compareFindings,
  evaluate,
  type FailOn,
  formatPosition,
  type InputProblem,
  inputRules,
  isConfigurationError,
  matchesRuleId,
  type PolicyConfig,
  parseSettings,
  parseSource,
  type Result,
  type RulePack,
} from "@scout-deploy/core";
import { createKubeconformValidator, type KubeconformOptions } from "@scout-deploy/kubeconform";
import { displayPath } from "@scout-deploy/loader";
import { parseScoutConfig, type RenderedSource, render } from "@scout-deploy/manifests";
import { loadRulePacks, securityGuideRules } from "@scout-deploy/rules";
import {
  createEmbeddedValidator,
  defaultKubernetesVersion,
  type SchemaValidator,
  schemaInputProblems,
  schemaRules,
} from "@scout-deploy/schema";
import { BUILT_IN_PACKS, CONFIG_FILE_NAME, type LoadedConfig, loadConfig } from "./config-file.js";
import { configsAmongInputs } from "./config-inputs.js";
import { bundleDigest } from "./digest.js";
import { withOtherClusters } from "./other-clusters.js";
import { renderScout, writeRendered } from "./render.js";
import type { HelmOptions, ToolRunner } from "./render-tools.js";
import { type LoadedPaths, loadPaths, mergeBundles } from "./rendered-inputs.js";
import { type RenderedPositions, relocateRenderedFindings } from "./rendered-positions.js";
import { policyWeakened } from "./rules/policy-weakened/rule.js";
import type { SchemaEngine } from "./schema-engines.js";
import {
  type RenderedSource as RenderedInputSource,
  relocateFindings,
} from "./source-positions.js";

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
  /**
   * Renders the config's `scout:` section into this folder and checks it beside `paths`; its
   * findings land on the config file (see `attributeRendered`). Without a `scout:` section
   * nothing is rendered. With no paths and no `renderInto`, the section is checked in memory.
   */
  renderInto?: string;
  /** Runs only the rules of these areas, e.g. ["secrets/"] for `secrets check`; input/* always run. */
  areas?: readonly string[];
  /** Rule settings laid over the config's; options are merged into the config's own. */
  ruleSettings?: PolicyConfig["rules"];
  /** How Helm charts among the paths are rendered (`helm template` flags). */
  helm?: HelmOptions;
  /** Runs helm, kubectl, kustomize (default: the binaries on PATH). */
  tools?: ToolRunner;
  /** `--namespace` means something to the command itself too (incident isolate): never refused. */
  namespaceOfItsOwn?: boolean;
}

export interface CheckRun {
  result: Result;
  bundle: Bundle;
  config: LoadedConfig;
  /** When the config, a chart or a kustomization was rendered: each text by the name it shows. */
  rendered?: Record<string, string>;
  /** Every rule of the run (input, schema, the guide's pack, rule packs), for report metadata. */
  rules: readonly AnyRule[];
  /** The folder `renderInto` filled, when the config had a `scout:` section. */
  renderedDir?: string;
  /** The paths held the run's own config, whose `scout:` section was rendered in memory. */
  configFromPaths?: true;
  /** sha256 over the checked files' paths and contents (see `bundleDigest`). */
  bundleDigest: string;
  /**
   * The Kubernetes version the run judged against: the schemas' and the one charts rendered for
   * (`--kubernetes-version`, else the newest bundled). A sign-off records it, verify renders for it.
   */
  kubernetesVersion: string;
}

/** The version a check with this `--kubernetes-version` (or none) judges against. */
export function checkedKubernetesVersion(requested: string | undefined): string {
  return requested || defaultKubernetesVersion();
}

export const RENDERED_PREFIX = "<rendered>/";

/** The pipeline both faces call: config -> load (or render) -> validate schemas -> evaluate. */
export async function runCheck(options: CheckOptions): Promise<CheckRun> {
  const config = loadConfig(options.cwd, options.configPath);
  if (options.failOn) config.policy = { ...config.policy, failOn: options.failOn };
  if (options.ruleSettings) config.policy = withRuleSettings(config.policy, options.ruleSettings);
  const { renderedDir, rendered, bundle, sources, configFromPaths, otherClusters } =
    await readInputs(config, options);
  const schemaProblems = await validateSchemas(bundle, options);
  const packs = await loadPacks(config);
  if (packs.length > 0) config.policy = withPackSettings(config, packs);
  const packRules = packs.flatMap((pack) => pack.rules);
  const rules = inAreas(
    [
      ...securityGuideRules,
      ...schemaRules,
      policyWeakened,
      ...packRules,
      ...(options.extraRules ?? []),
    ],
    options.areas,
  );
  const policy = options.areas ? settingsOfRules(config.policy, rules) : config.policy;
  const judge = (judged: Bundle) =>
    evaluate(rules, judged, policy, {
      problems: schemaProblems,
      ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(config.locate ? { locate: config.locate } : {}),
    });
  const onSources = withOtherClusters(judge(bundle), otherClusters ?? [], judge, (result) =>
    onRenderedSources(result, sources),
  );
  // Findings of manifests rendered from the config land on the config key that decided them.
  const positions = rendered
    ? renderedPositions(config, rendered.sources)
    : renderedDir
      ? renderedDirPositions(config, displayPath(renderedDir, options.cwd))
      : writtenRenders(bundle, config);
  const result = positions ? relocateRenderedFindings(onSources, positions) : onSources;
  return {
    result,
    bundle,
    config,
    rules: [...inputRules, ...rules],
    bundleDigest: bundleDigest(bundle, renderedTexts(rendered, sources).rendered),
    kubernetesVersion: checkedKubernetesVersion(options.kubernetesVersion),
    ...renderedTexts(rendered, sources),
    ...(renderedDir ? { renderedDir } : {}),
    ...(configFromPaths ? { configFromPaths } : {}),
  };
}

/** What a check reads, without judging it. */
export type CheckInputs = Pick<CheckRun, "config" | "bundle" | "rendered" | "renderedDir">;

/**
 * The config, files and renders a check with these options reads, judged by no rule: no rule
 * pack of `policy.plugins` is loaded, so none of its code runs (verify compares the packs'
 * digests before anyone should trust them).
 */
export async function loadCheckInputs(options: CheckOptions): Promise<CheckInputs> {
  const config = loadConfig(options.cwd, options.configPath);
  const { renderedDir, rendered, bundle, sources } = await readInputs(config, options);
  return {
    config,
    bundle,
    ...renderedTexts(rendered, sources),
    ...(renderedDir ? { renderedDir } : {}),
  };
}

interface InputsRead extends LoadedPaths {
  renderedDir: string | undefined;
  /** The config's `scout:` section rendered in memory. */
  rendered?: ReturnType<typeof renderInMemory>;
  configFromPaths?: true;
}

/**
 * Renders the config (into a folder, or in memory without paths, or when the paths hold the
 * config itself) and loads the paths.
 */
async function readInputs(config: LoadedConfig, options: CheckOptions): Promise<InputsRead> {
  const renderedDir = renderIntoFolder(config, options);
  const paths = renderedDir ? [...options.paths, renderedDir] : options.paths;
  if (paths.length === 0) {
    const rendered = renderInMemory(config);
    return { renderedDir, rendered, bundle: bundleOf(rendered.files), sources: [] };
  }
  const loaded: LoadedPaths = await loadPaths(paths, options);
  const among = configsAmongInputs(loaded.bundle, config);
  const read = { ...loaded, renderedDir, bundle: among.bundle };
  if (!among.rendersOwn || renderedDir) return read;
  const rendered = renderInMemory(config);
  return {
    ...read,
    rendered,
    bundle: mergeBundles(among.bundle, bundleOf(rendered.files)),
    configFromPaths: true as const,
  };
}

function bundleOf(files: Record<string, string>): Bundle {
  return buildBundle(Object.entries(files).map(([path, text]) => parseSource(path, text)));
}

/** Each text rendered in memory (the config's, a chart's, a kustomization's) by its name. */
function renderedTexts(
  rendered: { files: Record<string, string> } | undefined,
  sources: readonly RenderedInputSource[],
): { rendered?: Record<string, string> } {
  if (!rendered && !sources.length) return {};
  const charts = Object.fromEntries(sources.map((source) => [source.file, source.text]));
  return { rendered: { ...rendered?.files, ...charts } };
}

/** Findings of rendered charts and overlays moved to the template, values, base or patch. */
export function onRenderedSources(result: Result, sources: readonly RenderedInputSource[]): Result {
  if (!sources.length) return result;
  return {
    ...result,
    findings: relocateFindings(result.findings, sources).sort(compareFindings),
    suppressed: relocateFindings(result.suppressed, sources),
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

function inAreas(rules: readonly AnyRule[], areas: readonly string[] | undefined): AnyRule[] {
  if (!areas) return [...rules];
  return rules.filter((rule) => areas.some((area) => rule.id.startsWith(area)));
}

/** The config's settings and suppressions of rules that do not run are left out, not refused as unknown. */
function settingsOfRules(policy: PolicyConfig, rules: readonly AnyRule[]): PolicyConfig {
  const runs = (key: string) =>
    key === "*" ||
    key.startsWith("input/") ||
    key.startsWith("suppression/") ||
    rules.some((rule) => matchesRuleId(rule.id, key));
  return {
    ...policy,
    rules: Object.fromEntries(Object.entries(policy.rules).filter(([key]) => runs(key))),
    suppressions: policy.suppressions
      .map((suppression) => ({ ...suppression, rules: suppression.rules.filter(runs) }))
      .filter((suppression) => suppression.rules.length > 0),
  };
}

function withRuleSettings(policy: PolicyConfig, over: PolicyConfig["rules"]): PolicyConfig {
  const rules = { ...policy.rules };
  for (const [id, setting] of Object.entries(over)) {
    const mine = rules[id];
    if (typeof setting !== "object" || mine === undefined) rules[id] = setting;
    else if (typeof mine === "string") rules[id] = { severity: mine, ...setting };
    else rules[id] = { ...mine, ...setting, options: { ...mine.options, ...setting.options } };
  }
  return { ...policy, rules };
}

/** With no paths, the config's `scout:` section is rendered and checked as if read from files. */
export function renderConfig(config: LoadedConfig): Record<string, string> {
  return renderInMemory(config).files;
}

/** The config's render under `<rendered>/` names, with what decided each object. */
function renderInMemory(config: LoadedConfig): {
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

function renderIntoFolder(config: LoadedConfig, options: CheckOptions): string | undefined {
  if (options.renderInto === undefined || config.scout === undefined) return undefined;
  const dir = resolve(options.cwd, options.renderInto);
  writeRendered(dir, renderScout(config).files);
  return dir;
}

/**
 * Rendered files written outside the repository cannot be linked from annotations, SARIF or a
 * comment: their findings go to the config key that decided them, naming the rendered file and
 * line beside (`rendered`). `renderedDir` is the folder as findings name it.
 */
export function attributeRendered(
  result: Result,
  renderedDir: string,
  config: LoadedConfig,
): Result {
  const positions = renderedDirPositions(config, renderedDir);
  return positions ? relocateRenderedFindings(result, positions) : result;
}

/**
 * Where the findings of the config's render belong: rendered in memory (`<rendered>/` names,
 * as `check` with no path does), or written to `renderedDir`.
 */
export function configRenderPositions(
  config: LoadedConfig,
  renderedDir?: string,
): RenderedPositions | undefined {
  if (renderedDir !== undefined) return renderedDirPositions(config, renderedDir);
  if (config.scout === undefined) return undefined;
  return renderedPositions(config, render(parseScoutConfig(config.scout, config.locate)).sources);
}

/** Where the findings of the config's render, written to `renderedDir`, belong. */
function renderedDirPositions(
  config: LoadedConfig,
  renderedDir: string,
): RenderedPositions | undefined {
  if (config.scout === undefined) return undefined;
  // Rendering is deterministic, so these sources match the files written.
  const { sources } = render(parseScoutConfig(config.scout, config.locate));
  const prefix = `${renderedDir.replace(/\/+$/, "")}/`;
  return renderedPositions(
    config,
    sources,
    (name) => `${prefix}${name}`,
    (file) => (file.startsWith(prefix) ? file.slice(prefix.length) : undefined),
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

/** The input/schema problems of the bundle; evaluate positions and reports them. */
export async function validateSchemas(
  bundle: Bundle,
  options: CheckOptions,
): Promise<InputProblem[]> {
  const validator = schemaValidator(options);
  if (!validator) return [];
  const problems = await validator.validate(
    bundle,
    options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {},
  );
  return schemaInputProblems(problems);
}

/**
 * `policy.settings` validated against core's keys, the built-in packs' and the loaded packs':
 * the keys of plugins, kept as written until they loaded, get their types and defaults.
 */
function withPackSettings(config: LoadedConfig, packs: readonly RulePack[]): PolicyConfig {
  try {
    const all = [...BUILT_IN_PACKS, ...packs];
    return { ...config.policy, settings: parseSettings(config.settingsInput, all, config.locate) };
  } catch (error) {
    throw atPluginLine(config, error);
  }
}

/** The config's rule packs; a pack that cannot load is named at its line in the config. */
async function loadPacks(config: LoadedConfig): Promise<RulePack[]> {
  try {
    return await loadRulePacks(config.policy.plugins, { resolveFrom: config.folder });
  } catch (error) {
    throw atPluginLine(config, error);
  }
}

/** A configuration error about one rule pack, placed at the line that names the pack. */
function atPluginLine(config: LoadedConfig, error: unknown): unknown {
  const index = config.policy.plugins.findIndex((name) =>
    (error as Error).message?.includes(`"${name}"`),
  );
  if (!isConfigurationError(error) || !config.locate || index === -1) return error;
  const where = formatPosition(config.locate(`/policy/plugins/${index}`));
  return new ConfigurationError(`${where}: ${error.message}`);
}
