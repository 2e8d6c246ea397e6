import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, delimiter, dirname, join, relative, resolve, sep } from "node:path";
import {
  ConfigurationError,
  getAtPointer,
  type InputProblem,
  isConfigurationError,
  isRecord,
  joinPointer,
  type Position,
  parseSource,
} from "@scout-deploy/core";
import { displayPath } from "@scout-deploy/loader";
import {
  type ClusterAnswers,
  clusterGates,
  foundByLookup,
  otherClusters,
} from "./cluster-gates.js";
import { helmOverrides, helmSetFilePairs } from "./helm-overrides.js";
import type {
  HelmSourceMap,
  ImageEntry,
  InflatedChart,
  KustomizeOrigin,
  KustomizeSourceMap,
  PatchRef,
  PatchTarget,
  ScopedValues,
  SelectorLabel,
} from "./source-positions.js";
import { subchartsOf } from "./source-positions.js";

/** The one door to external programs: tests pass their own. */
export interface ToolRunner {
  /** The binary's absolute path, or undefined when it is not installed. */
  find(name: string): string | undefined;
  run(binary: string, args: readonly string[], cwd: string): ToolResult;
}

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface HelmOptions {
  /** Values files, in order (later ones win), relative to cwd. */
  values?: readonly string[];
  /** `--set key=value`, in order. */
  set?: readonly string[];
  /** `--set-string key=value`, in order: the value stays a string (`"true"`, `"0123"`). */
  setString?: readonly string[];
  /** `--set-json key=json`, in order. */
  setJson?: readonly string[];
  /** `--set-file key=path`, in order: the file's text is the value; the path is relative to cwd. */
  setFile?: readonly string[];
  /** `--api-versions`: APIs the cluster serves beyond helm's built-in list (CRDs' groups). */
  apiVersions?: readonly string[];
  releaseName?: string;
  namespace?: string;
  kubeVersion?: string;
}

export type RenderedInputKind = "helm" | "kustomize";

export interface RenderedInput {
  kind: RenderedInputKind;
  /** The text checked, exactly as the tool printed it. */
  text: string;
  /**
   * helm's renders for the clusters whose answers change a branch the templates take (helm
   * upgrade, APIs the cluster serves: cluster-gates.ts), those that print another text.
   */
  otherClusters?: { cluster: ClusterAnswers; text: string }[];
  /** What the render could not know of the cluster (cluster-gates.ts), on template lines. */
  problems?: InputProblem[];
  sourceMap: HelmSourceMap | KustomizeSourceMap;
}

export const HELM_INSTALL_HINT =
  "helm not found on PATH or in $GOPATH/bin: install it with scripts/install-helm.sh (go install helm.sh/helm/v3/cmd/helm@v3.22.0)";
export const KUSTOMIZE_INSTALL_HINT =
  "neither kubectl nor kustomize found on PATH: install kubectl (it builds Kustomize) from https://kubernetes.io/docs/tasks/tools/";

export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** What a folder is: a Helm chart, a Kustomize root, or plain manifests (undefined). */
export function renderedInputKind(folder: string): RenderedInputKind | undefined {
  if (!isFolder(folder)) return undefined;
  if (existsSync(join(folder, "Chart.yaml"))) return "helm";
  if (kustomizationFile(folder)) return "kustomize";
  return undefined;
}

export function renderHelm(
  chart: string,
  options: HelmOptions,
  cwd: string,
  tools: ToolRunner,
): RenderedInput {
  const helm = tools.find("helm");
  if (!helm) throw new ConfigurationError(HELM_INSTALL_HINT);
  const valuesFiles = helmValuesFiles(options, cwd);
  const args = [
    "template",
    options.releaseName ?? "release-name",
    chart,
    // helm install creates what crds/ holds (of any kind) before the templates: judge it too.
    "--include-crds",
    // In the order helm merges them, whatever the order given: values files, then --set-json,
    // --set, --set-string, --set-file (helm's pkg/cli/values MergeValues); a later one wins.
    ...valuesFiles.flatMap((file) => ["--values", file]),
    ...(options.setJson ?? []).flatMap((pair) => ["--set-json", pair]),
    ...(options.set ?? []).flatMap((pair) => ["--set", pair]),
    ...(options.setString ?? []).flatMap((pair) => ["--set-string", pair]),
    ...helmSetFileArgs(options, cwd).flatMap((pair) => ["--set-file", pair]),
    ...(options.namespace ? ["--namespace", options.namespace] : []),
    ...(options.kubeVersion ? ["--kube-version", options.kubeVersion] : []),
    ...(options.apiVersions ?? []).flatMap((api) => ["--api-versions", api]),
  ];
  const shown = displayPath(chart, cwd) || ".";
  const chartValues = join(chart, "values.yaml");
  const values = [...(existsSync(chartValues) ? [chartValues] : []), ...valuesFiles];
  const text = withChartPaths(
    () => runOrExplain(tools, helm, args, cwd, `helm template ${shown}`),
    chartNameOf(chart),
    shown,
    () =>
      values.map((file) => ({ file: displayPath(file, cwd), text: readFileSync(file, "utf8") })),
  );
  const templates = renderedTemplateFiles(text, chart).map((file) => ({
    file,
    text: readFileSync(file, "utf8"),
  }));
  const others = otherClusters(
    templates.map((template) => template.text),
    options.apiVersions,
  ).flatMap((cluster) => {
    const other = cluster.lookupFinds
      ? renderWithLookupFinding(chart, templates, (copy) =>
          tools.run(
            helm,
            args.map((arg) => (arg === chart ? copy : arg)),
            cwd,
          ),
        )
      : tools.run(helm, [...args, ...clusterArgs(cluster)], cwd);
    // A render helm refuses for that cluster (a chart that requires values on upgrade)
    // deploys nothing there.
    return other.status === 0 && other.stdout !== text ? [{ cluster, text: other.stdout }] : [];
  });
  const everyText = [text, ...others.map((other) => other.text)].join("\n");
  return {
    kind: "helm",
    text,
    ...(others.length ? { otherClusters: others } : {}),
    problems: templates.flatMap((template) =>
      clusterGates(displayPath(template.file, cwd), template.text, options.apiVersions),
    ),
    sourceMap: {
      kind: "helm",
      chartName: chartNameOf(chart),
      chartFolder: displayPath(chart, cwd),
      chartYaml: {
        file: displayPath(join(chart, "Chart.yaml"), cwd),
        text: readFileSync(join(chart, "Chart.yaml"), "utf8"),
      },
      // A template another cluster's render prints (and this one does not) is placed too.
      templates: templatesOf(everyText, chart, cwd),
      defineFiles: defineFilesOf(chart, cwd),
      subchartValues: subchartValuesOf(everyText, chart, cwd),
      overrides: helmOverrides(options, (path) => displayPath(resolve(cwd, path), cwd)),
      // Later files win in Helm, so the relocation looks them up last first.
      values: values.map((file) => ({
        file: displayPath(file, cwd),
        text: readFileSync(file, "utf8"),
      })),
    },
  };
}

export function renderKustomize(root: string, cwd: string, tools: ToolRunner): RenderedInput {
  const command = kustomizeCommand(tools);
  const label = `kustomize build ${displayPath(root, cwd) || "."}`;
  const text = runOrExplain(tools, command.binary, [...command.args, root], cwd, label);
  // The origins come from a second build: annotations in the checked text would move its lines
  // and add fields the user never wrote. A temporary kustomization on top of the user's adds them.
  const scratch = mkdtempSync(join(tmpdir(), "scout-kustomize-"));
  try {
    const fromScratch = relative(scratch, root).split(sep).join("/");
    // A Component builds alone (kubectl kustomize prints what it makes) but is no resource.
    const field = isComponent(root) ? "components" : "resources";
    writeFileSync(
      join(scratch, "kustomization.yaml"),
      `${field}:\n  - ${JSON.stringify(fromScratch)}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n`,
    );
    const annotated = runOrExplain(tools, command.binary, [...command.args, scratch], cwd, label);
    return {
      kind: "kustomize",
      text,
      sourceMap: { kind: "kustomize", ...kustomizeOrigins(annotated, scratch, root, cwd) },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** helm's render of a copy of the chart whose lookups find what they ask for. */
function renderWithLookupFinding(
  chart: string,
  templates: readonly { file: string; text: string }[],
  render: (copy: string) => ToolResult,
): ToolResult {
  const scratch = mkdtempSync(join(tmpdir(), "scout-lookup-"));
  try {
    const copy = join(scratch, basename(chart) || "chart");
    cpSync(chart, copy, { recursive: true });
    for (const template of templates) {
      writeFileSync(join(copy, relative(chart, template.file)), foundByLookup(template.text));
    }
    return render(copy);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function clusterArgs(cluster: ClusterAnswers): string[] {
  return [
    ...(cluster.upgrade ? ["--is-upgrade"] : []),
    ...(cluster.apiVersions ?? []).flatMap((api) => ["--api-versions", api]),
  ];
}

/**
 * Helm names a failing template by the chart's name (`at (scout/templates/a.yaml:4:11)`); the
 * message names it by the path the user can open (`examples/helm-chart/templates/a.yaml`).
 */
function withChartPaths<T>(
  render: () => T,
  chartName: string,
  shown: string,
  values: () => { file: string; text: string }[],
): T {
  try {
    return render();
  } catch (error) {
    if (!isConfigurationError(error) || !chartName) throw error;
    let message = error.message.split(`at (${chartName}/`).join(`at (${shown}/`);
    if (/values don't meet the specifications/.test(message))
      message = withValuesLines(message, values());
    // The version is the one checked unless given: say how to render for the cluster's.
    const hint = /incompatible with Kubernetes v/.test(message)
      ? " (charts render for the Kubernetes version checked: give the cluster's with --kubernetes-version or --kube-version)"
      : "";
    throw new ConfigurationError(`${message}${hint}`);
  }
}

/**
 * values.schema.json refusals name a key (`at '/replicas'`); the key's line in the last values
 * file that sets it is what the user edits: `at '/replicas' (values.yaml:1:1)`.
 */
function withValuesLines(message: string, values: readonly { file: string; text: string }[]) {
  return message.replace(/at '(\/[^']*)'/g, (whole, pointer: string) => {
    for (const { file, text } of [...values].reverse()) {
      const document = parseSource(file, text).documents[0];
      if (document && getAtPointer(document.value, pointer) !== undefined) {
        const { line, column } = document.locate(pointer);
        return `${whole} (${file}:${line}:${column})`;
      }
    }
    return whole;
  });
}

function kustomizeCommand(tools: ToolRunner): { binary: string; args: string[] } {
  // A kustomization's `helmCharts:` run helm, which Kustomize refuses without --enable-helm.
  const helm = tools.find("helm");
  const helmArgs = helm ? ["--enable-helm", "--helm-command", helm] : [];
  const kubectl = tools.find("kubectl");
  if (kubectl) return { binary: kubectl, args: ["kustomize", ...helmArgs] };
  const kustomize = tools.find("kustomize");
  if (kustomize) return { binary: kustomize, args: ["build", ...helmArgs] };
  throw new ConfigurationError(KUSTOMIZE_INSTALL_HINT);
}

function runOrExplain(
  tools: ToolRunner,
  binary: string,
  args: readonly string[],
  cwd: string,
  label: string,
): string {
  const result = tools.run(binary, args, cwd);
  if (result.status === 0) return result.stdout;
  if (!tools.find("helm") && result.stderr.includes("HelmChartInflationGenerator")) {
    throw new ConfigurationError(`${label} failed: its helmCharts need helm. ${HELM_INSTALL_HINT}`);
  }
  // One line, as every exit-2 message is: the tool's lines joined.
  const lines = result.stderr.split("\n").map((line) => line.trim());
  const reason = lines.filter(Boolean).join(" | ") || `exit status ${result.status}`;
  throw new ConfigurationError(`${label} failed: ${reason}`);
}

/** The files `--set-file` reads, as shown (relative to cwd): what a sign-off binds beside the render. */
export function helmSetFiles(options: HelmOptions, cwd: string): string[] {
  return helmSetFilePairs(options).map(({ path }) => displayPath(resolve(cwd, path), cwd));
}

/** `--set-file` pairs with absolute paths, each file there: helm reads them in its own folder. */
function helmSetFileArgs(options: HelmOptions, cwd: string): string[] {
  return helmSetFilePairs(options).map(({ key, path }) => {
    const file = resolve(cwd, path);
    if (!isFile(file)) throw new ConfigurationError(`--set-file ${key}=${path}: file not found`);
    return `${key}=${file.replaceAll(",", "\\,")}`;
  });
}

/** The --values files, absolute; one that does not exist is the user's mistake. */
export function helmValuesFiles(options: HelmOptions, cwd: string): string[] {
  const valuesFiles = (options.values ?? []).map((file) => resolve(cwd, file));
  for (const [index, file] of valuesFiles.entries()) {
    if (!existsSync(file))
      throw new ConfigurationError(`--values ${options.values![index]}: file not found`);
  }
  return valuesFiles;
}

/**
 * The template files (helpers too) of the chart and of each subchart that rendered something:
 * a subchart its `condition` turns off installs nothing, whatever its templates ask.
 */
function renderedTemplateFiles(text: string, chart: string): string[] {
  const chains = new Set([""]);
  for (const match of text.matchAll(/^# Source: (\S+)$/gm)) {
    chains.add(subchartsOf(match[1]!).join("/"));
  }
  return [...chains].flatMap((chain) =>
    filesBelow(join(chainFolder(chart, chain ? chain.split("/") : []), "templates")),
  );
}

function filesBelow(folder: string): string[] {
  if (!isFolder(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return filesBelow(path);
      return entry.isFile() ? [path] : [];
    });
}

/** Each document's `# Source: chart/templates/x.yaml` with that template's text. */
function templatesOf(text: string, chart: string, cwd: string): HelmSourceMap["templates"] {
  const templates: HelmSourceMap["templates"] = {};
  for (const match of text.matchAll(/^# Source: (\S+)$/gm)) {
    const source = match[1]!;
    // "scout/templates/a.yaml": the chart's name, then the path inside it ("charts/x/..." too).
    const path = sourceFile(chart, source);
    if (source in templates || !existsSync(path)) continue;
    templates[source] = { file: displayPath(path, cwd), text: readFileSync(path, "utf8") };
  }
  return templates;
}

/**
 * The chart's and its unpacked subcharts' template files that hold a `define` (`_helpers.tpl`,
 * a library chart's): what an `include` prints is written there. Deepest paths first, as Helm
 * parses them, so that a define of the same name in the chart wins over a subchart's.
 */
function defineFilesOf(chart: string, cwd: string): { file: string; text: string }[] {
  const charts = [chart, ...filesBelow(join(chart, "charts")).flatMap(chartFolderOf)];
  return [...new Set(charts)]
    .flatMap((folder) => filesBelow(join(folder, "templates")))
    .sort((a, b) => b.split(sep).length - a.split(sep).length)
    .flatMap((path) => {
      const text = readFileSync(path, "utf8");
      return /\{\{-?\s*define\s/.test(text) ? [{ file: displayPath(path, cwd), text }] : [];
    });
}

function chartFolderOf(path: string): string[] {
  return path.endsWith(`${sep}Chart.yaml`) ? [dirname(path)] : [];
}

/** The own values.yaml of each subchart a `# Source:` names, by its chain ("db/cache"). */
function subchartValuesOf(
  text: string,
  chart: string,
  cwd: string,
): HelmSourceMap["subchartValues"] {
  const found: NonNullable<HelmSourceMap["subchartValues"]> = {};
  for (const match of text.matchAll(/^# Source: (\S+)$/gm)) {
    const chain = subchartsOf(match[1]!);
    for (let depth = 1; depth <= chain.length; depth++) {
      const key = chain.slice(0, depth).join("/");
      const file = join(chainFolder(chart, chain.slice(0, depth)), "values.yaml");
      if (key in found || !isFile(file)) continue;
      found[key] = { file: displayPath(file, cwd), text: readFileSync(file, "utf8") };
    }
  }
  return found;
}

/**
 * The file a `# Source:` line names ("p/charts/db/templates/a.yaml"), in the chart folder: helm
 * names a subchart by its Chart.yaml's name, which its folder under `charts/` need not have.
 */
function sourceFile(chart: string, source: string): string {
  const chain = subchartsOf(source);
  const inside = source.split("/").slice(1 + 2 * chain.length);
  return join(chainFolder(chart, chain), ...inside);
}

/** The folder of the subchart a chain of names reaches (["db", "cache"]); the chart's for none. */
function chainFolder(chart: string, chain: readonly string[]): string {
  return chain.reduce(subchartFolder, chart);
}

/** The folder under `parent/charts` of the subchart whose Chart.yaml is named `name`. */
function subchartFolder(parent: string, name: string): string {
  const same = join(parent, "charts", name);
  const named = (folder: string) =>
    isFile(join(folder, "Chart.yaml")) && chartNameOf(folder) === name;
  if (named(same)) return same;
  const charts = join(parent, "charts");
  if (!isFolder(charts)) return same;
  const folders = readdirSync(charts)
    .sort()
    .map((entry) => join(charts, entry));
  return folders.find(named) ?? same;
}

function chartNameOf(chart: string): string {
  const match = /^name:\s*["']?([^"'\s#]+)/m.exec(readFileSync(join(chart, "Chart.yaml"), "utf8"));
  return match?.[1] ?? "";
}

/** Per rendered document (in order): the resource file and the patch files of its kustomizations. */
function kustomizeOrigins(annotated: string, scratch: string, root: string, cwd: string) {
  const files: Record<string, string> = {};
  const chain = kustomizationChain(root);
  const read = (absolute: string): string | undefined => {
    const name = displayPath(absolute, cwd);
    if (!(name in files)) {
      if (!isFile(absolute)) return undefined;
      files[name] = readFileSync(absolute, "utf8");
    }
    return name;
  };
  // Every object of one chart entry names the same kustomization: its entry is found once.
  const entries = new Map<string, string>();
  const entryOf = (file: string) => {
    let pointer = entries.get(file);
    if (pointer === undefined) {
      pointer = chartEntryPointer(file, files[file]!);
      entries.set(file, pointer);
    }
    return pointer;
  };
  // Each kustomization's charts are read once, for every object they inflate.
  const charts = new Map<string, InflatedChart[]>();
  const chartsOf = (absolute: string, file: string) => {
    let found = charts.get(file);
    if (found === undefined) {
      found = inflatedCharts(absolute, file, files[file]!, read, files);
      charts.set(file, found);
    }
    return found;
  };
  const documents: KustomizeOrigin[] = parseSource("<kustomize>", annotated).documents.map(
    (document) => {
      const annotations = annotationsOf(document.value);
      const origin = annotations["config.kubernetes.io/origin"] ?? "";
      const originPath = /^path:\s*(.+)$/m.exec(origin);
      // A JSON 6902 patch that sets /metadata/annotations drops the annotations of the build
      // before it: Kustomize then names that patch's transformer as the origin, and only the
      // transformers after it. The resource is then the one of the kustomizations' files that
      // describes the object, and every kustomization's patches are candidates.
      const lost = !originPath && /kind:\s*Patch\w*Transformer\b/.test(origin);
      const resource = originPath
        ? read(resolve(scratch, originPath[1]!.trim()))
        : lost
          ? resourceFileOf(chain, document.value, read, files)
          : undefined;
      const generator =
        helmChartOf(origin, scratch, read, entryOf, chartsOf) ??
        dataGeneratorOf(origin, nameOfDocument(document.value), chain, scratch, read, files);
      const transformations = annotations["alpha.config.kubernetes.io/transformations"];
      const kustomizations = lost
        ? [...chain].reverse()
        : patchTransformersOf(transformations).map((kustomization) =>
            resolve(scratch, kustomization),
          );
      const patches = [...new Set(kustomizations)].flatMap((kustomization) =>
        patchesOf(kustomization, read),
      );
      const ran = (kind: string) =>
        lost
          ? [...chain].reverse()
          : transformersOf(transformations, kind).map((path) => resolve(scratch, path));
      const images = imageEntriesOf(ran("ImageTagTransformer"), read, files);
      const selectorLabels = selectorLabelsOf(ran("LabelTransformer"), read, files);
      const replacements = ran("ReplacementTransformer")
        .filter((kustomization) => !lost || hasField(kustomization, "replacements"))
        .map((kustomization) => read(kustomization))
        .filter((file): file is string => file !== undefined);
      return {
        ...(resource ? { resource } : {}),
        ...(generator ? { generator } : {}),
        patches,
        ...(images.length ? { images } : {}),
        ...(replacements.length ? { replacements } : {}),
        ...(selectorLabels.length ? { selectorLabels } : {}),
      };
    },
  );
  return { documents, files };
}

/**
 * Where an object that Kustomize's helmCharts inflated was asked for: the kustomization that
 * configured the generator, at its chart entry (`entryOf`), and the entries' local charts, so
 * that a value lands on the values that set it.
 */
function helmChartOf(
  origin: string,
  scratch: string,
  read: (absolute: string) => string | undefined,
  entryOf: (file: string) => string,
  chartsOf: (absolute: string, file: string) => InflatedChart[],
): KustomizeOrigin["generator"] {
  if (!/kind:\s*HelmChartInflationGenerator/.test(origin)) return undefined;
  const configuredIn = /^configuredIn:\s*(.+)$/m.exec(origin)?.[1]?.trim();
  const absolute = configuredIn ? resolve(scratch, configuredIn) : undefined;
  const file = absolute ? read(absolute) : undefined;
  if (absolute === undefined || file === undefined) return undefined;
  const charts = chartsOf(absolute, file);
  return { file, pointer: entryOf(file), ...(charts.length ? { charts } : {}) };
}

/**
 * The `helmCharts:` entries of a kustomization whose chart is a folder of it (`<chartHome>/
 * <name>`): their templates and, in helm's order, the values each entry gives. Kustomize
 * merges valuesInline over valuesFile (the chart's values.yaml when none), under it with
 * `valuesMerge: merge`, instead of it with `replace`; additionalValuesFiles come last.
 */
function inflatedCharts(
  kustomization: string,
  file: string,
  text: string,
  read: (absolute: string) => string | undefined,
  files: Record<string, string>,
): InflatedChart[] {
  const value = parseSource(file, text).documents[0]?.value;
  if (!isRecord(value) || !Array.isArray(value.helmCharts)) return [];
  const folder = dirname(kustomization);
  const globals = isRecord(value.helmGlobals) ? value.helmGlobals : {};
  const chartHome = typeof globals.chartHome === "string" ? globals.chartHome : "charts";
  const shown = (path: unknown): ScopedValues[] => {
    const name = typeof path === "string" ? read(resolve(folder, path)) : undefined;
    return name === undefined ? [] : [{ file: name, text: files[name]!, prefix: [] }];
  };
  return value.helmCharts.flatMap((entry, index): InflatedChart[] => {
    if (!isRecord(entry) || typeof entry.name !== "string") return [];
    const chart = resolve(folder, chartHome, entry.name);
    const templates = chartTemplates(chart, read, files);
    if (!templates.length) return [];
    const pointer = `/helmCharts/${index}`;
    const inline: ScopedValues[] = isRecord(entry.valuesInline)
      ? [{ file, text, prefix: ["helmCharts", String(index), "valuesInline"] }]
      : [];
    const given = entry.valuesMerge === "replace" ? [] : shown(entry.valuesFile);
    const merged = entry.valuesMerge === "merge" ? [...inline, ...given] : [...given, ...inline];
    const additional = Array.isArray(entry.additionalValuesFiles)
      ? entry.additionalValuesFiles.flatMap(shown)
      : [];
    return [
      {
        pointer,
        ...(typeof entry.releaseName === "string" ? { releaseName: entry.releaseName } : {}),
        templates,
        values: [...shown(join(chart, "values.yaml")), ...merged, ...additional],
      },
    ];
  });
}

/** A chart folder's templates (not its helpers), read through `read` so they have shown names. */
function chartTemplates(
  chart: string,
  read: (absolute: string) => string | undefined,
  files: Record<string, string>,
): { file: string; text: string }[] {
  const folder = join(chart, "templates");
  if (!isFolder(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .flatMap((name) => {
      const file = read(join(folder, name));
      return file === undefined ? [] : [{ file, text: files[file]! }];
    });
}

const DATA_GENERATORS = {
  SecretGenerator: "secretGenerator",
  ConfigMapGenerator: "configMapGenerator",
};

/**
 * Where a Secret or ConfigMap that `secretGenerator`/`configMapGenerator` made was written: the
 * generator's entry, and each key's own line (a `literals` item, a `files` item, an `envs`
 * file's line), so that a weak password lands where the user typed it.
 */
function dataGeneratorOf(
  origin: string,
  renderedName: string,
  chain: readonly string[],
  scratch: string,
  read: (absolute: string) => string | undefined,
  files: Record<string, string>,
): KustomizeOrigin["generator"] {
  const kind = /kind:\s*(SecretGenerator|ConfigMapGenerator)\b/.exec(origin)?.[1] as
    | keyof typeof DATA_GENERATORS
    | undefined;
  const configuredIn = /^configuredIn:\s*(.+)$/m.exec(origin)?.[1]?.trim();
  if (!kind || !configuredIn) return undefined;
  const absolute = resolve(scratch, configuredIn);
  const file = read(absolute);
  if (file === undefined) return undefined;
  const field = DATA_GENERATORS[kind];
  // An overlay's entry with `behavior: merge` or `replace` changes the base's generator, and
  // the origin names only the base: the outermost kustomization that writes a key decides it.
  const outerFirst = [...chain.filter((outer) => outer !== absolute), absolute];
  let found: { file: string; pointer: string } | undefined;
  const keys: Record<string, Position> = {};
  for (const kustomization of outerFirst) {
    const entry = generatorEntry(kustomization, field, renderedName, read, files);
    if (!entry || (kustomization !== absolute && !entry.changesBase)) continue;
    found ??= { file: entry.file, pointer: entry.pointer };
    for (const [key, position] of Object.entries(entry.keys)) keys[key] ??= position;
  }
  return found ? { ...found, keys } : { file, pointer: `/${field}` };
}

/** The generator entry of one kustomization that makes the object, and its keys' lines. */
function generatorEntry(
  kustomization: string,
  field: string,
  renderedName: string,
  read: (absolute: string) => string | undefined,
  files: Record<string, string>,
) {
  const file = read(kustomization);
  if (file === undefined) return undefined;
  const document = parseSource(file, files[file]!).documents[0];
  const entries = isRecord(document?.value) ? document.value[field] : undefined;
  if (!document || !Array.isArray(entries)) return undefined;
  // The rendered name is the entry's, with prefixes, suffixes and the content hash around it.
  const index = bestNamed(entries, renderedName);
  if (index < 0) return undefined;
  const pointer = `/${field}/${index}`;
  const entry = entries[index] as Record<string, unknown>;
  const keys: Record<string, Position> = {};
  const listed = (list: string, keyOf: (item: string) => string | undefined) => {
    const items = entry[list];
    if (!Array.isArray(items)) return;
    items.forEach((item, at) => {
      const key = typeof item === "string" ? keyOf(item) : undefined;
      if (key !== undefined) keys[key] ??= document.locate(`${pointer}/${list}/${at}`);
    });
  };
  listed("literals", (item) => /^([^=]+)=/.exec(item)?.[1]?.trim());
  // A key read from a file is edited in that file: its text, not the line that names it.
  for (const item of Array.isArray(entry.files) ? entry.files : []) {
    if (typeof item !== "string") continue;
    const named = /^([^=]+)=(.*)$/.exec(item);
    const path = (named?.[2] ?? item).trim();
    const key = named?.[1]?.trim() ?? path.split("/").at(-1)!;
    const source = isFile(resolve(dirname(kustomization), path))
      ? read(resolve(dirname(kustomization), path))
      : undefined;
    if (source !== undefined) keys[key] ??= wholeText(source, files[source]!);
  }
  listed("files", (item) => /^([^=]+)=/.exec(item)?.[1]?.trim() ?? item.split("/").at(-1));
  for (const env of Array.isArray(entry.envs) ? entry.envs : []) {
    if (typeof env !== "string") continue;
    const envFile = read(resolve(dirname(kustomization), env));
    if (envFile === undefined) continue;
    files[envFile]!.split("\n").forEach((line, at) => {
      const key = /^\s*([^#=\s][^=]*)=/.exec(line)?.[1]?.trim();
      if (key === undefined) return;
      const number = at + 1;
      const endColumn = line.trimEnd().length + 1;
      keys[key] ??= { file: envFile, line: number, column: 1, endLine: number, endColumn };
    });
  }
  const changesBase = entry.behavior === "merge" || entry.behavior === "replace";
  return { file, pointer, keys, changesBase };
}

/** A file's text from its first line to the end of its last non-blank one. */
function wholeText(file: string, text: string): Position {
  const lines = text.split("\n");
  let last = lines.length - 1;
  while (last > 0 && lines[last]!.trim() === "") last--;
  return {
    file,
    line: 1,
    column: 1,
    endLine: last + 1,
    endColumn: lines[last]!.trimEnd().length + 1,
  };
}

/**
 * The kustomization files a build reads, the built one first and each before what it includes
 * (`resources`, `bases`, `components` that are folders): outer before inner.
 */
function kustomizationChain(root: string): string[] {
  const chain: string[] = [];
  const visit = (folder: string) => {
    const file = kustomizationFile(folder);
    if (!file || chain.includes(file)) return;
    chain.push(file);
    const value = parseSource(file, readFileSync(file, "utf8")).documents[0]?.value;
    if (!isRecord(value)) return;
    for (const field of ["resources", "bases", "components"]) {
      const list = value[field];
      for (const entry of Array.isArray(list) ? list : []) {
        if (typeof entry === "string" && isFolder(resolve(folder, entry)))
          visit(resolve(folder, entry));
      }
    }
  };
  visit(root);
  return chain;
}

/**
 * The resource file (of a `resources` or `bases` entry of the kustomizations read) with a
 * document of the object's kind whose name the rendered name holds, the longest such name.
 */
function resourceFileOf(
  chain: readonly string[],
  rendered: unknown,
  read: (absolute: string) => string | undefined,
  files: Record<string, string>,
): string | undefined {
  const kind = isRecord(rendered) ? rendered.kind : undefined;
  const renderedName = nameOfDocument(rendered);
  let best: { file: string; length: number } | undefined;
  for (const kustomization of chain) {
    const value = parseSource(kustomization, readFileSync(kustomization, "utf8")).documents[0]
      ?.value;
    if (!isRecord(value)) continue;
    for (const field of ["resources", "bases"]) {
      const list = value[field];
      for (const entry of Array.isArray(list) ? list : []) {
        const path = typeof entry === "string" ? resolve(dirname(kustomization), entry) : "";
        const file = isFile(path) ? read(path) : undefined;
        if (file === undefined) continue;
        for (const document of parseSource(file, files[file]!).documents) {
          const name = nameOfDocument(document.value);
          const sameKind = isRecord(document.value) && document.value.kind === kind;
          if (sameKind && name && renderedName.includes(name) && name.length > (best?.length ?? -1))
            best = { file, length: name.length };
        }
      }
    }
  }
  return best?.file;
}

/** The index of the entry whose `name` the rendered name holds, the longest such name first. */
function bestNamed(entries: readonly unknown[], renderedName: string): number {
  let best = -1;
  let length = -1;
  entries.forEach((entry, index) => {
    const name = isRecord(entry) && typeof entry.name === "string" ? entry.name : undefined;
    if (name && renderedName.includes(name) && name.length > length) {
      best = index;
      length = name.length;
    }
  });
  return best;
}

/**
 * The labels the kustomizations write into selectors too: `commonLabels`, and the `pairs` of a
 * `labels` entry with `includeSelectors: true`.
 */
function selectorLabelsOf(
  kustomizations: readonly string[],
  read: (absolute: string) => string | undefined,
  files: Record<string, string>,
): SelectorLabel[] {
  return kustomizations.flatMap((kustomization) => {
    const file = read(kustomization);
    const document = file === undefined ? undefined : parseSource(file, files[file]!).documents[0];
    if (!document || !isRecord(document.value)) return [];
    const { commonLabels, labels } = document.value;
    const found: SelectorLabel[] = isRecord(commonLabels)
      ? Object.keys(commonLabels).map((key) => ({
          key,
          position: document.locate(joinPointer("/commonLabels", key)),
        }))
      : [];
    for (const [index, entry] of (Array.isArray(labels) ? labels : []).entries()) {
      if (!isRecord(entry) || entry.includeSelectors !== true || !isRecord(entry.pairs)) continue;
      for (const key of Object.keys(entry.pairs))
        found.push({ key, position: document.locate(joinPointer(`/labels/${index}/pairs`, key)) });
    }
    return found;
  });
}

/** Whether a kustomization file sets a field (`replacements`). */
function hasField(kustomization: string, field: string): boolean {
  const value = parseSource(kustomization, readFileSync(kustomization, "utf8")).documents[0]?.value;
  return isRecord(value) && value[field] !== undefined;
}

/** The `images:` entries of the kustomizations whose image transformer ran on the object. */
function imageEntriesOf(
  kustomizations: readonly string[],
  read: (absolute: string) => string | undefined,
  files: Record<string, string>,
): ImageEntry[] {
  return kustomizations.flatMap((kustomization) => {
    const file = read(kustomization);
    if (file === undefined) return [];
    const document = parseSource(file, files[file]!).documents[0];
    const images = isRecord(document?.value) ? document.value.images : undefined;
    if (!document || !Array.isArray(images)) return [];
    return images.flatMap((image, index): ImageEntry[] => {
      if (!isRecord(image) || typeof image.name !== "string") return [];
      const at = (field: string) =>
        typeof image[field] === "string" || typeof image[field] === "number"
          ? { [field]: String(image[field]) }
          : {};
      const decisive = ["digest", "newTag", "newName"].find((field) => field in image);
      return [
        {
          name: image.name,
          ...at("newName"),
          ...at("newTag"),
          ...at("digest"),
          position: document.locate(`/images/${index}${decisive ? `/${decisive}` : ""}`),
        },
      ];
    });
  });
}

/** The kustomizations (as the annotation names them) whose transformer of this kind ran. */
function transformersOf(transformations: string | undefined, kind: string): string[] {
  if (!transformations) return [];
  const kustomizations = transformations
    .split(/^- /m)
    .slice(1)
    .filter((entry) => new RegExp(`kind:\\s*${kind}\\b`).test(entry))
    .map((entry) => /configuredIn:\s*(\S+)/.exec(entry)?.[1])
    .filter((path): path is string => path !== undefined);
  return [...new Set(kustomizations)];
}

function nameOfDocument(value: unknown): string {
  const metadata = isRecord(value) ? value.metadata : undefined;
  return isRecord(metadata) && typeof metadata.name === "string" ? metadata.name : "";
}

/**
 * The pointer of a kustomization's chart entry: its one `helmCharts` item, or the list when
 * there are several (the origin does not say which).
 */
function chartEntryPointer(file: string, text: string): string {
  const kustomization = parseSource(file, text).documents[0]?.value;
  const charts = isRecord(kustomization) ? kustomization.helmCharts : undefined;
  if (charts === undefined) return "";
  return Array.isArray(charts) && charts.length === 1 ? "/helmCharts/0" : "/helmCharts";
}

function annotationsOf(value: unknown): Record<string, string> {
  const metadata = (value as { metadata?: { annotations?: Record<string, string> } })?.metadata;
  return metadata?.annotations ?? {};
}

/** The kustomization files whose PatchTransformer touched the object. */
function patchTransformersOf(transformations: string | undefined): string[] {
  if (!transformations) return [];
  const entries = transformations.split(/^- /m).slice(1);
  return entries
    .filter((entry) =>
      /kind:\s*PatchTransformer|kind:\s*PatchStrategicMergeTransformer|kind:\s*PatchJson6902Transformer/.test(
        entry,
      ),
    )
    .map((entry) => /configuredIn:\s*(\S+)/.exec(entry)?.[1])
    .filter((path): path is string => path !== undefined);
}

/**
 * The patches a kustomization applies: files (`patches: - path:`, `patchesStrategicMerge:`)
 * and patches written inline as a block (`patches: - patch: |-`).
 */
function patchesOf(
  kustomization: string,
  read: (absolute: string) => string | undefined,
): PatchRef[] {
  const file = read(kustomization);
  if (file === undefined) return [];
  const text = readFileSync(kustomization, "utf8");
  const document = parseSource(file, text).documents[0];
  const value = (document?.value ?? {}) as {
    patches?: { path?: unknown; patch?: unknown; target?: unknown }[];
    patchesStrategicMerge?: unknown[];
    patchesJson6902?: { path?: unknown; patch?: unknown; target?: unknown }[];
  };
  const fromFile = (path: unknown, target?: PatchTarget): PatchRef[] => {
    if (typeof path !== "string" || path.includes("\n")) return [];
    const name = read(resolve(dirname(kustomization), path));
    return name === undefined ? [] : [{ file: name, ...(target ? { target } : {}) }];
  };
  const listed = (field: "patches" | "patchesJson6902") =>
    (Array.isArray(value[field]) ? value[field] : []).flatMap((patch, index): PatchRef[] => {
      const target = patchTarget(patch?.target);
      if (typeof patch?.patch !== "string") return fromFile(patch?.path, target);
      const located = document!.locate(`/${field}/${index}/patch`);
      const start = blockStart(text, located.line);
      const inline = start
        ? { text: patch.patch, ...start }
        : { text: patch.patch, line: located.line, column: located.column, whole: located };
      return [{ file, inline, ...(target ? { target } : {}) }];
    });
  const strategic = Array.isArray(value.patchesStrategicMerge) ? value.patchesStrategicMerge : [];
  // An item of patchesStrategicMerge is a file, or the patch itself written as a block.
  const strategicPatch = (patch: unknown, index: number): PatchRef[] => {
    if (typeof patch !== "string" || !patch.includes("\n")) return fromFile(patch);
    const located = document!.locate(`/patchesStrategicMerge/${index}`);
    const start = blockStart(text, located.line) ?? blockStart(text, located.line - 1);
    const whole = { line: located.line, column: located.column, whole: located };
    return [{ file, inline: { text: patch, ...(start ?? whole) } }];
  };
  return [...listed("patches"), ...strategic.flatMap(strategicPatch), ...listed("patchesJson6902")];
}

const TARGET_FIELDS = [
  "group",
  "version",
  "kind",
  "name",
  "namespace",
  "labelSelector",
  "annotationSelector",
] as const;

function patchTarget(value: unknown): PatchTarget | undefined {
  if (!isRecord(value)) return undefined;
  const target: PatchTarget = {};
  for (const field of TARGET_FIELDS) {
    if (typeof value[field] === "string") target[field] = value[field];
  }
  return target;
}

/** Where a block scalar's text starts: the line after its `|` or `>`, at its indentation. */
function blockStart(text: string, indicatorLine: number): { line: number; column: number } | null {
  const lines = text.split("\n");
  if (!/(?::|^\s*-)\s*[|>][-+0-9]*\s*(#.*)?$/.test(lines[indicatorLine - 1] ?? "")) return null;
  const first = lines.findIndex((line, index) => index >= indicatorLine && line.trim() !== "");
  if (first < 0) return null;
  return { line: first + 1, column: lines[first]!.length - lines[first]!.trimStart().length + 1 };
}

function isComponent(root: string): boolean {
  const file = kustomizationFile(root);
  const value = file
    ? parseSource(file, readFileSync(file, "utf8")).documents[0]?.value
    : undefined;
  return isRecord(value) && value.kind === "Component";
}

export function kustomizationFile(folder: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => join(folder, name)).find(isFile);
}

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Binaries on PATH (and, for Go-installed tools, in $GOPATH/bin), run with spawnSync. */
export function systemToolRunner(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ToolRunner {
  return {
    find(name) {
      const folders = (env.PATH ?? "").split(delimiter).filter(Boolean);
      folders.push(join(env.GOPATH ?? join(homedir(), "go"), "bin"));
      return folders.map((folder) => join(folder, name)).find(isExecutableFile);
    },
    run(binary, args, cwd) {
      const result = spawnSync(binary, [...args], {
        cwd,
        env,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      });
      if (result.error) return { status: null, stdout: "", stderr: result.error.message };
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

function isExecutableFile(path: string): boolean {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
