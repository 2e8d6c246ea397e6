import { mkdirSync } from "node:fs";
import { isAbsolute, join, posix, relative, resolve } from "node:path";
import {
  type Bundle,
  buildBundle,
  ConfigurationError,
  createSourceFile,
  evaluate,
  inputRules,
  isConfigurationError,
  matchesGlob,
  type ParsedSource,
  parseSource,
  type Result,
} from "@scout-deploy/core";
import { DEFAULT_MAX_FILE_SIZE, displayPath, holdsObject } from "@scout-deploy/loader";
import {
  type CheckOptions,
  type CheckRun,
  configRenderPositions,
  onRenderedSources,
  RENDERED_PREFIX,
  renderConfig,
  validateSchemas,
} from "./check.js";
import { CONFIG_FILE_NAME, type LoadedConfig, parseConfigText } from "./config-file.js";
import { configsAmongInputs } from "./config-inputs.js";
import { checkoutTree, type GitSnapshot, snapshotAt, type TreeFile } from "./git.js";
import { helmSetFilePairs } from "./helm-overrides.js";
import { withOtherClusters } from "./other-clusters.js";
import { KUSTOMIZATION_FILES, type RenderedInputKind, systemToolRunner } from "./render-tools.js";
import { type LoadedPaths, loadWithRenderedInputs, mergeBundles } from "./rendered-inputs.js";
import { relocateRenderedFindings } from "./rendered-positions.js";

export interface BaseRun {
  /** The commit the base was read at. */
  commit: string;
  result: Result;
  bundle: Bundle;
  /** The config file as it was at the base, when there was one and it could be read. */
  config?: LoadedConfig;
  /** Why the base config was not used, when it could not be read. */
  configProblem?: string;
  /** Why the base is empty: a chart or a kustomization among the paths did not render there. */
  renderProblem?: string;
}

const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];
const SKIPPED_FOLDERS = [".git", "node_modules"];

/**
 * The base of a comparison: the same paths (or the same config rendered) at `ref`, judged with
 * the head's rules and the head's policy so that both sides are judged alike. Plain manifests
 * are read with git into memory; charts and kustomizations are rendered from the commit's
 * files, written out for the tools. A path the base does not have contributes nothing: all of
 * it is new.
 */
export async function runBaseCheck(
  head: CheckRun,
  ref: string,
  options: CheckOptions,
  rendering: BaseRendering = {},
): Promise<BaseRun> {
  const snapshot = snapshotAt(options.cwd, ref);
  const { config, problem } = baseConfig(head, snapshot, options.cwd);
  const render = rendering.render ?? (options.paths.length === 0 || head.configFromPaths === true);
  const fromConfig = render
    ? renderedSources(config, rendering.renderedPrefix ?? RENDERED_PREFIX)
    : [];
  const renamed = new Map<string, string>();
  const headTexts = headFileTexts(head.bundle);
  const loaded = await loadBasePaths(snapshot, options, fromConfig, (sources) =>
    namedAsInHead(sources, headTexts, renamed),
  );
  const failed = "failed" in loaded;
  const bundle = failed
    ? buildBundle([])
    : configsAmongInputs(loaded.bundle, config ?? head.config).bundle;
  const problems = await validateSchemas(bundle, options);
  // The folders the head's walk passed over (.git, node_modules) are not in any commit's tree:
  // the base's walk would have passed over them alike, so they are no news of the change.
  const passedOver = head.bundle.problems.filter((p) => p.ruleId === "input/skipped");
  const rules = head.rules.filter((rule) => !inputRules.includes(rule));
  const judge = (judged: Bundle) =>
    evaluate(rules, judged, head.config.policy, {
      problems: [...problems, ...passedOver],
      ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  // The base is judged as the head is: with the branches other clusters take.
  const onSources = failed
    ? judge(bundle)
    : withOtherClusters(judge(bundle), loaded.otherClusters ?? [], judge, (result) =>
        onRenderedSources(underBaseNames(result, renamed), loaded.sources),
      );
  // The head's findings of the config's render sit on the config keys that decided them; the
  // base's go there too, or each would differ from the head's by its message and show as new.
  const positions =
    render && config ? configRenderPositions(config, renderedDirOf(rendering)) : undefined;
  return {
    commit: snapshot.commit,
    result: positions ? relocateRenderedFindings(onSources, positions) : onSources,
    bundle,
    ...(config ? { config } : {}),
    ...(problem ? { configProblem: problem } : {}),
    ...(failed ? { renderProblem: renderProblem(ref, snapshot.commit, loaded.failed) } : {}),
  };
}

function renderProblem(ref: string, commit: string, reason: string): string {
  const base = ref === commit ? `commit ${commit}` : `${ref} (commit ${commit})`;
  return `the base ${base} cannot be rendered, so every finding is shown as new: ${reason}`;
}

type BasePaths = LoadedPaths | { failed: string };

/**
 * The paths at the base, read as the head's are: a chart or a kustomization among them is
 * rendered by the same tools with the same Helm options, from the whole tree of the commit
 * written to a temporary folder (an overlay may name ../ folders anywhere in the repository),
 * under the names the head gives them, so that findings match. A render that fails is the
 * reason the base is empty, not an error of the run.
 */
async function loadBasePaths(
  snapshot: GitSnapshot,
  options: CheckOptions,
  fromConfig: readonly ParsedSource[],
  naming: (sources: ParsedSource[]) => ParsedSource[],
): Promise<BasePaths> {
  const inTreeFiles = new Set(snapshot.files.map((file) => file.path));
  const kinds = options.paths.map((path) =>
    renderedKindAt(inTreeFiles, repoPathOf(snapshot, path, options.cwd)),
  );
  const walked = options.paths
    .filter((path, index) => !kinds[index] && !/[*?[\]{}]/.test(path))
    .flatMap((path) => renderedKindsUnder(snapshot.files, repoPathOf(snapshot, path, options.cwd)));
  // The config's render is read with the plain files, as the head reads the folder it went to.
  const plainBundle = (paths: readonly string[], passOver?: (inRepo: string) => boolean) =>
    buildBundle([
      ...(paths.length ? naming(baseSources(snapshot, { ...options, paths }, passOver)) : []),
      ...fromConfig,
    ]);
  if (!kinds.some(Boolean) && !walked.length)
    return { bundle: plainBundle(options.paths), sources: [] };
  const tree = checkoutTree(snapshot.root, snapshot.commit);
  try {
    // The working folder may be one the base does not have yet; the tools still run in it.
    const cwd = join(tree.dir, relative(snapshot.root, options.cwd));
    mkdirSync(cwd, { recursive: true });
    const inTree = (path: string) => {
      const absolute = resolve(options.cwd, path);
      const inRepo = relative(snapshot.root, absolute);
      return inRepo.startsWith("..") || isAbsolute(inRepo) ? absolute : join(tree.dir, inRepo);
    };
    const paths = options.paths.map(inTree);
    const headPath = new Map(paths.map((path, index) => [path, options.paths[index]!]));
    const helm = options.helm ?? {};
    let loadedPlain = false;
    const loaded = await loadWithRenderedInputs(paths, {
      cwd,
      // Helm flags are refused when no path is a chart: the base may not have one yet.
      helm:
        kinds.includes("helm") || walked.includes("helm")
          ? {
              ...helm,
              ...(helm.values ? { values: helm.values.map(inTree) } : {}),
              // A --set-file file of the repository is read as the base had it, as values are.
              ...(helm.setFile
                ? {
                    setFile: helmSetFilePairs(helm).map(
                      ({ key, path }) => `${key}=${inTree(path).replaceAll(",", "\\,")}`,
                    ),
                  }
                : {}),
            }
          : {},
      ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
      tools: options.tools ?? systemToolRunner(),
      load: async (plain, passOver) => {
        loadedPlain = true;
        return plainBundle(
          plain.map((path) => headPath.get(path) ?? path),
          (inRepo) => passOver(join(tree.dir, inRepo)),
        );
      },
    });
    if (loadedPlain || !fromConfig.length) return loaded;
    return { ...loaded, bundle: mergeBundles(plainBundle([]), loaded.bundle) };
  } catch (error) {
    if (!isConfigurationError(error)) throw error;
    return { failed: error.message.split(tree.dir).join(snapshot.root) };
  } finally {
    tree.remove();
  }
}

/** The head's files by the name it shows them under. */
function headFileTexts(bundle: Bundle): Map<string, string> {
  const texts = new Map<string, string>();
  for (const document of bundle.documents) texts.set(document.file.path, document.file.text);
  return texts;
}

/**
 * The base's files, a file the change renamed read under its head name: a finding's identity
 * may hold its file (an object written twice, a file that does not parse), and a rename is no
 * news of the change. `renamed` learns head name -> base name, to show base findings where the
 * base had them. A rename is what git would call one: the same text, or most lines kept.
 */
function namedAsInHead(
  sources: ParsedSource[],
  head: ReadonlyMap<string, string>,
  renamed: Map<string, string>,
): ParsedSource[] {
  const baseNames = new Set(sources.map((s) => s.file.path));
  const gone = sources.filter((s) => !head.has(s.file.path));
  const added = [...head.keys()].filter((name) => !baseNames.has(name));
  const pairs = renamePairs(
    gone.map((s) => ({ name: s.file.path, text: s.file.text })),
    added.map((name) => ({ name, text: head.get(name)! })),
  );
  for (const [from, to] of pairs) renamed.set(to, from);
  if (!pairs.size) return sources;
  // In the head's order too: which copy of an object written twice comes second (and carries
  // input/duplicate-object) follows the order of the files.
  return sources
    .map((source) => {
      const to = pairs.get(source.file.path);
      return to === undefined ? source : parseSource(to, source.file.text);
    })
    .sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
}

type NamedText = { name: string; text: string };

/**
 * Base name -> head name: identical texts first, then the same name in another format, then
 * the most similar above half.
 */
function renamePairs(gone: NamedText[], added: NamedText[]): Map<string, string> {
  const pairs = new Map<string, string>();
  const taken = new Set<string>();
  const pair = (from: NamedText, to: NamedText) => {
    pairs.set(from.name, to.name);
    taken.add(to.name);
  };
  for (const from of gone) {
    const same = added.find((to) => !taken.has(to.name) && to.text === from.text);
    if (same) pair(from, same);
  }
  // A file rewritten in another format (a.yaml to a.json) shares no lines: its name tells.
  const stem = (name: string) => name.replace(/\.(ya?ml|json)$/, "");
  for (const from of gone) {
    if (pairs.has(from.name)) continue;
    const same = added.find((to) => !taken.has(to.name) && stem(to.name) === stem(from.name));
    if (same) pair(from, same);
  }
  const candidates = gone
    .filter((from) => !pairs.has(from.name))
    .flatMap((from) => added.map((to) => ({ from, to, score: similarity(from.text, to.text) })))
    .filter((c) => c.score > 0.5)
    .sort((a, b) => b.score - a.score);
  for (const { from, to } of candidates)
    if (!pairs.has(from.name) && !taken.has(to.name)) pair(from, to);
  return pairs;
}

/** The share of lines kept, as git's rename detection measures it (roughly). */
function similarity(a: string, b: string): number {
  const lines = (text: string) => text.split("\n").filter((line) => line.trim());
  const [left, right] = [lines(a), lines(b)];
  if (!left.length || !right.length) return 0;
  const counts = new Map<string, number>();
  for (const line of left) counts.set(line, (counts.get(line) ?? 0) + 1);
  let kept = 0;
  for (const line of right) {
    const n = counts.get(line) ?? 0;
    if (n > 0) {
      kept++;
      counts.set(line, n - 1);
    }
  }
  return kept / Math.max(left.length, right.length);
}

/** The base's findings shown in the files the base had them in. */
function underBaseNames(result: Result, renamed: ReadonlyMap<string, string>): Result {
  if (!renamed.size) return result;
  const shown = <F extends { file: string }>(finding: F): F => {
    const from = renamed.get(finding.file);
    return from === undefined ? finding : { ...finding, file: from };
  };
  return {
    ...result,
    findings: result.findings.map(shown),
    suppressed: result.suppressed.map(shown),
  };
}

/** What `renderedInputKind` would say of the folder at the commit. */
function renderedKindAt(files: Set<string>, folder: string): RenderedInputKind | undefined {
  const has = (name: string) => files.has(posix.join(folder, name));
  if (has("Chart.yaml")) return "helm";
  if (KUSTOMIZATION_FILES.some(has)) return "kustomize";
  return undefined;
}

/** The kinds of the charts and kustomizations a walk of the folder at the commit finds. */
function renderedKindsUnder(files: readonly TreeFile[], folder: string): RenderedInputKind[] {
  const prefix = folder ? `${folder}/` : "";
  return files.flatMap((file) => {
    if (!file.path.startsWith(prefix)) return [];
    const parts = file.path.slice(prefix.length).split("/");
    if (parts.slice(0, -1).some((part) => SKIPPED_FOLDERS.includes(part))) return [];
    const name = parts[parts.length - 1]!;
    if (name === "Chart.yaml") return ["helm" as const];
    return KUSTOMIZATION_FILES.includes(name) ? ["kustomize" as const] : [];
  });
}

/**
 * How the base's config is rendered: by default when no path is given (as `check` does); an
 * embedder that renders into a folder of its own (the Action) names it, so that findings of the
 * rendered files carry the same names on both sides.
 */
export interface BaseRendering {
  render?: boolean;
  /** What rendered file names start with, e.g. "../tmp/rendered/"; default "<rendered>/". */
  renderedPrefix?: string;
}

/** The folder the embedder rendered into, as findings name it; none for the in-memory render. */
function renderedDirOf(rendering: BaseRendering): string | undefined {
  const prefix = rendering.renderedPrefix;
  return prefix === undefined || prefix === RENDERED_PREFIX ? undefined : prefix;
}

function renderedSources(config: LoadedConfig | undefined, prefix: string): ParsedSource[] {
  if (config?.scout === undefined) return [];
  return Object.entries(renderConfig(config)).map(([name, text]) =>
    parseSource(`${prefix}${name.slice(RENDERED_PREFIX.length)}`, text),
  );
}

/**
 * The head's config file as the base had it (same path in the repository); with no config in
 * the head, the one the base would have found walking up from the working folder.
 */
function baseConfig(
  head: CheckRun,
  snapshot: GitSnapshot,
  cwd: string,
): { config?: LoadedConfig; problem?: string } {
  const outside = head.config.path && relative(snapshot.root, head.config.path).startsWith("..");
  // A config kept outside the repository is not part of the change: both sides share it.
  if (outside) return { config: head.config };
  // Where the base lacks the head's config file, the one its own run would have found: a config
  // the pull request adds nearer the working folder must be compared with that one.
  const walkedUp = ancestors(toPosix(relative(snapshot.root, cwd))).map((dir) =>
    posix.join(dir, CONFIG_FILE_NAME),
  );
  const inRepo = head.config.path
    ? [toPosix(relative(snapshot.root, head.config.path)), ...walkedUp]
    : walkedUp;
  const file = inRepo
    .map((path) => snapshot.files.find((f) => f.path === path))
    .find((f) => f !== undefined);
  if (!file) return {};
  const absolute = join(snapshot.root, file.path);
  const text = snapshot.read([file]).get(file.blob) ?? "";
  try {
    return { config: parseConfigText(absolute, text, displayPath(absolute, cwd)) };
  } catch (error) {
    return { problem: `the config at the base cannot be read: ${(error as Error).message}` };
  }
}

/** "a/b" -> ["a/b", "a", ""]. */
function ancestors(dir: string): string[] {
  const parts = dir ? dir.split("/") : [];
  return parts.map((_, i) => parts.slice(0, parts.length - i).join("/")).concat("");
}

function baseSources(
  snapshot: GitSnapshot,
  options: CheckOptions,
  passOver?: (inRepo: string) => boolean,
): ParsedSource[] {
  const selected = selectFiles(snapshot, options.paths, options.cwd, passOver);
  const texts = snapshot.read(selected.filter((f) => f.size <= maxSize(options)));
  return selected.map((file) => {
    const shown = displayPath(join(snapshot.root, file.path), options.cwd);
    const text = texts.get(file.blob);
    return text === undefined
      ? tooLarge(shown, file.size, maxSize(options))
      : parseSource(shown, text);
  });
}

function maxSize(options: CheckOptions): number {
  return options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
}

function tooLarge(shown: string, size: number, max: number): ParsedSource {
  const file = createSourceFile(shown, "");
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return {
    file,
    documents: [],
    problems: [
      {
        ruleId: "input/file-too-large",
        message: `file is ${mib(size)}, over the ${mib(max)} limit: not checked`,
        position: file.positionAt(0),
      },
    ],
  };
}

/**
 * The loader's reading of paths (files, folders of manifests, globs), over the commit's tree;
 * a folder walk passes over the paths (from the repository's top) `passOver` names, and
 * everything below them, as the loader does.
 */
export function selectFiles(
  snapshot: Pick<GitSnapshot, "root" | "files" | "read">,
  paths: readonly string[],
  cwd: string,
  passOver: (inRepo: string) => boolean = () => false,
): TreeFile[] {
  const chosen = new Map<string, TreeFile>();
  const skippedHolding = objectFilesInSkippedFolders(snapshot);
  for (const path of paths) {
    const inRepo = repoPathOf(snapshot, path, cwd);
    const matches = /[*?[\]{}]/.test(path)
      ? globMatches(snapshot.files, inRepo, skippedHolding)
      : pathMatches(snapshot.files, inRepo, passOver, skippedHolding);
    for (const file of matches) chosen.set(file.path, file);
  }
  return [...chosen.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

function inSkippedFolder(path: string, named: ReadonlySet<string> = new Set()): boolean {
  return path
    .split("/")
    .slice(0, -1)
    .some((folder) => SKIPPED_FOLDERS.includes(folder) && !named.has(folder));
}

/** The commit's files in skipped folders that the loader reads: those holding an object. */
function objectFilesInSkippedFolders(snapshot: Pick<GitSnapshot, "files" | "read">): Set<string> {
  const candidates = snapshot.files.filter(
    (f) => inSkippedFolder(f.path) && MANIFEST_EXTENSIONS.some((ext) => f.path.endsWith(ext)),
  );
  if (!candidates.length) return new Set();
  const texts = snapshot.read(candidates);
  return new Set(
    candidates
      .filter((f) => {
        const text = texts.get(f.blob);
        return text === undefined || holdsObject(text);
      })
      .map((f) => f.path),
  );
}

/** A path as given (from `cwd`, or absolute) as a path from the repository's top, "" for the top. */
function repoPathOf(snapshot: Pick<GitSnapshot, "root">, path: string, cwd: string): string {
  if (path === "-") {
    throw new ConfigurationError(
      "--base cannot read standard input (-) as it was at another commit",
    );
  }
  const here = toPosix(relative(snapshot.root, cwd));
  const target = toPosix(
    isAbsolute(path) ? relative(snapshot.root, path) : posix.join(here, toPosix(path)),
  );
  const inRepo = posix
    .normalize(target)
    .replace(/^\.\/?$/, "")
    .replace(/\/$/, "");
  if (inRepo.startsWith(".."))
    throw new ConfigurationError(`--base: ${path} is outside the repository`);
  return inRepo;
}

function pathMatches(
  files: readonly TreeFile[],
  target: string,
  passOver: (inRepo: string) => boolean,
  skippedHolding: ReadonlySet<string>,
): TreeFile[] {
  const exact = files.find((f) => f.path === target);
  if (exact) return [exact];
  const prefix = target ? `${target}/` : "";
  const below = (path: string) => path.slice(prefix.length).split("/");
  // Every entry from the folder down to the file, as the walk meets them.
  const entries = (path: string) =>
    below(path).map(
      (_, index) =>
        prefix +
        below(path)
          .slice(0, index + 1)
          .join("/"),
    );
  return files.filter(
    (f) =>
      f.path.startsWith(prefix) &&
      MANIFEST_EXTENSIONS.some((ext) => f.path.endsWith(ext)) &&
      (!inSkippedFolder(f.path.slice(prefix.length)) || skippedHolding.has(f.path)) &&
      !entries(f.path).some(passOver),
  );
}

function globMatches(
  files: readonly TreeFile[],
  glob: string,
  skippedHolding: ReadonlySet<string>,
): TreeFile[] {
  const named = new Set(glob.split("/"));
  return files.filter(
    (f) =>
      matchesGlob(f.path, glob) && (!inSkippedFolder(f.path, named) || skippedHolding.has(f.path)),
  );
}

function toPosix(path: string): string {
  return path.split("\\").join("/");
}
