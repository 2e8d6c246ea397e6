import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type Bundle,
  buildBundle,
  ConfigurationError,
  type InputProblem,
  isClusterScoped,
  isConfigurationError,
  isRecord,
  type ParsedSource,
  parseSource,
} from "@scout-deploy/core";
import { displayPath, type LoadOptions, loadBundle } from "@scout-deploy/loader";
import { defaultKubernetesVersion } from "@scout-deploy/schema";
import { type ClusterAnswers, describeCluster } from "./cluster-gates.js";
import type { OtherClusterBundle } from "./other-clusters.js";
import {
  type HelmOptions,
  helmValuesFiles,
  isFile,
  isFolder,
  kustomizationFile,
  type RenderedInput,
  type RenderedInputKind,
  renderedInputKind,
  renderHelm,
  renderKustomize,
  systemToolRunner,
  type ToolRunner,
} from "./render-tools.js";
import type { RenderedSource } from "./source-positions.js";
import {
  findWalkedRenders,
  objectsKubectlReads,
  type RenderedTemplates,
  type WalkedRenders,
} from "./walked-renders.js";

export const RENDERED_INPUT_PREFIX = "<rendered>/";

export interface RenderedInputsOptions {
  cwd: string;
  helm: HelmOptions;
  /**
   * The Kubernetes version the check judges against (`--kubernetes-version`; default: the newest
   * bundled schemas): charts render for it unless `--kube-version` says otherwise.
   */
  kubernetesVersion?: string;
  tools: ToolRunner;
  /** `--namespace` means something to the command itself too (incident isolate): never refused. */
  namespaceOfItsOwn?: boolean;
  /**
   * Loads the paths that are not charts or kustomizations (files, folders, globs, "-"); a folder
   * walk passes over what `passOver` says is rendered instead.
   */
  load: (paths: readonly string[], passOver: (absolute: string) => boolean) => Promise<Bundle>;
}

interface RenderRoot {
  kind: RenderedInputKind;
  /** The folder, absolute. */
  folder: string;
}

/**
 * A folder with Chart.yaml is rendered by `helm template`, one with kustomization.yaml by
 * Kustomize; so are the charts and the top kustomizations found walking a folder path
 * (walked-renders.ts). Every other path is loaded as it is. The rendered texts are read as
 * kubectl reads files, under a name of their own, and returned with what relocates their
 * findings. A named chart that cannot be rendered stops the run; a walked one is an
 * input/not-rendered finding on its Chart.yaml or kustomization file, and the rest is checked.
 */
export async function loadWithRenderedInputs(
  paths: readonly string[],
  options: RenderedInputsOptions,
): Promise<LoadedPaths> {
  const kinds = paths.map((path) =>
    path === "-" ? undefined : renderedInputKind(resolve(options.cwd, path)),
  );
  const plain = paths.filter((_, index) => kinds[index] === undefined);
  const named = paths.flatMap((path, index): RenderRoot[] => {
    const kind = kinds[index];
    return kind ? [{ kind, folder: resolve(options.cwd, path) }] : [];
  });
  const namedPaths = paths.filter((_, index) => kinds[index] !== undefined);
  // A named chart or overlay is walked too: the files of it that its tool leaves out, but that
  // hold an object, are what `kubectl apply -R -f` would apply of it (walked-renders.ts).
  const walked = findWalkedRenders([
    ...walkedFolders(plain, options.cwd),
    ...named.map((root) => root.folder),
  ]);
  const found = rootsFound(walked, named);
  const hasChart = [...named, ...found].some((root) => root.kind === "helm");
  const { namespace: _ownToo, ...others } = options.helm;
  refuseUnusedHelmFlags(options.namespaceOfItsOwn ? others : options.helm, hasChart);
  // A --values file that does not exist is the user's mistake, not one chart's problem.
  if (hasChart) helmValuesFiles(options.helm, options.cwd);
  const sources = named.flatMap((root) => render(root, options));
  const problems: InputProblem[] = walked.libraries.map((library) =>
    libraryProblem(library, options.cwd),
  );
  for (const root of found) {
    const rendered = renderOrProblem(root, options);
    if ("problem" in rendered) problems.push(rendered.problem);
    else sources.push(...rendered);
  }
  const checked = sources.filter((source) => !source.otherCluster);
  const bundleOf = (texts: readonly RenderedSource[]) =>
    buildBundle(parsedRenders(texts, options.helm.namespace), [
      ...checked.flatMap((source) => source.problems ?? []),
      ...problems,
    ]);
  // Other clusters' renders are checked texts too: a sign-off binds them, so that an edit of
  // a branch only helm upgrade takes is named as a changed file.
  const checkedBundle = bundleOf(checked);
  const otherTexts = sources.filter((source) => source.otherCluster).map((source) => source.file);
  const rendered = { ...checkedBundle, files: [...checkedBundle.files, ...otherTexts] };
  const otherClusters = sources.flatMap((source) => {
    const other = source.otherCluster;
    if (!other) return [];
    const texts = checked.map((text) => (text.file === other.instead ? source : text));
    return [{ bundle: bundleOf(texts), cluster: other.cluster }];
  });
  const loaded = [...plain, ...namedPaths];
  const helmRendered = renderedTemplates(sources, options.cwd);
  const passOver = (absolute: string) => walked.passOver(absolute, helmRendered);
  const plainBundle = loaded.length ? await options.load(loaded, passOver) : undefined;
  const withPlain = (bundle: Bundle) => (plainBundle ? mergeBundles(plainBundle, bundle) : bundle);
  return {
    bundle: withPlain(rendered),
    sources,
    ...(otherClusters.length
      ? {
          otherClusters: otherClusters.map((other) => ({
            ...other,
            bundle: withPlain(other.bundle),
          })),
        }
      : {}),
  };
}

/** What paths read: the bundle checked, the rendered texts, and other clusters' bundles. */
export interface LoadedPaths {
  bundle: Bundle;
  /** Every rendered text: the ones checked, and those of other clusters (`otherCluster`). */
  sources: RenderedSource[];
  /** The bundle as each other cluster's render makes it (helm upgrade, APIs it serves). */
  otherClusters?: OtherClusterBundle[];
}

/** The rendered texts read as kubectl reads files; a chart's objects in its --namespace. */
function parsedRenders(
  sources: readonly RenderedSource[],
  namespace: string | undefined,
): ParsedSource[] {
  const parsed = sources.map((source) => parseSource(source.file, source.text));
  if (namespace) {
    const charts = sources.filter((source) => source.map.kind === "helm");
    placeInNamespace(parsed, new Set(charts.map((source) => source.file)), namespace);
  }
  return parsed;
}

/** How `loadPaths` reads: the working folder, Helm flags, the tools, and the loader's limits. */
export interface PathsOptions extends Pick<LoadOptions, "cwd" | "readStdin" | "maxFileSize"> {
  helm?: HelmOptions;
  /** The Kubernetes version judged against; charts render for it (see `helmForCluster`). */
  kubernetesVersion?: string;
  /** @default systemToolRunner() */
  tools?: ToolRunner;
  /** `--namespace` means something to the command itself too (incident isolate): never refused. */
  namespaceOfItsOwn?: boolean;
}

/**
 * Paths as `check` reads them: charts and kustomizations rendered, everything else read from
 * the working folder as kubectl reads files. Every command that judges or acts on what a path
 * deploys reads it through here.
 */
export function loadPaths(paths: readonly string[], options: PathsOptions): Promise<LoadedPaths> {
  const { cwd, readStdin, maxFileSize } = options;
  return loadWithRenderedInputs(paths, {
    cwd,
    helm: options.helm ?? {},
    ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
    tools: options.tools ?? systemToolRunner(),
    ...(options.namespaceOfItsOwn ? { namespaceOfItsOwn: true } : {}),
    load: (plain, passOver) =>
      loadBundle(plain, {
        cwd,
        passOver,
        ...(readStdin ? { readStdin } : {}),
        ...(maxFileSize ? { maxFileSize } : {}),
      }),
  });
}

/**
 * `helm install --namespace NS` creates every namespaced object the chart leaves without
 * `metadata.namespace` in NS, while `helm template` prints them without one (judged as in
 * "default"): a NetworkPolicy of the chart in another namespace would seem to cover its pods.
 * Those objects of the charts' texts get NS, as the cluster gives them.
 */
function placeInNamespace(
  parsed: readonly ParsedSource[],
  chartFiles: ReadonlySet<string>,
  namespace: string,
): void {
  const bundle = buildBundle(parsed);
  for (const object of bundle.objects) {
    if (!chartFiles.has(object.document.file.path) || object.ref.namespace !== undefined) continue;
    if (isClusterScoped(bundle, object)) continue;
    const metadata = object.value.metadata;
    if (isRecord(metadata)) metadata.namespace = namespace;
    else object.value.metadata = { namespace };
  }
}

/** The template files (absolute) the charts' renders printed, with the objects each printed. */
function renderedTemplates(sources: readonly RenderedSource[], cwd: string): RenderedTemplates {
  const printed = new Map<string, string[]>();
  for (const source of sources) {
    if (source.map.kind !== "helm") continue;
    for (const chunk of source.text.split(/^---[ \t]*$/m)) {
      const name = /^# Source: (\S+)$/m.exec(chunk)?.[1];
      const template = name ? source.map.templates[name] : undefined;
      if (!template) continue;
      const file = resolve(cwd, template.file);
      const objects = printed.get(file) ?? [];
      objects.push(...objectsKubectlReads(file, chunk));
      printed.set(file, objects);
    }
  }
  return printed;
}

/** The charts and kustomizations a walk found, but those also named as paths (rendered once). */
function rootsFound(walked: WalkedRenders, named: readonly RenderRoot[]): RenderRoot[] {
  const namedFolders = new Set(named.map((root) => root.folder));
  return [
    ...walked.charts.map((folder) => ({ kind: "helm" as const, folder })),
    ...walked.kustomizations.map((folder) => ({ kind: "kustomize" as const, folder })),
  ].filter((root) => !namedFolders.has(root.folder));
}

/** The paths walked as folders: not "-", not a glob, not a file. */
function walkedFolders(paths: readonly string[], cwd: string): string[] {
  return paths
    .filter((path) => path !== "-" && !/[*?[\]{}]/.test(path))
    .map((path) => resolve(cwd, path))
    .filter(isFolder);
}

/** The render checked, then the renders of other clusters that print another text. */
function render(root: RenderRoot, options: RenderedInputsOptions): RenderedSource[] {
  const input =
    root.kind === "helm"
      ? renderHelm(root.folder, helmForCluster(options), options.cwd, options.tools)
      : renderKustomize(root.folder, options.cwd, options.tools);
  const checked = renderedSource(input, displayPath(root.folder, options.cwd));
  const others = (input.otherClusters ?? []).map(({ cluster, text }) => ({
    file: checked.file.replace(/\.yaml$/, `.${clusterSlug(cluster)}.yaml`),
    text,
    map: checked.map,
    otherCluster: { instead: checked.file, cluster: describeCluster(cluster) },
  }));
  return [checked, ...others];
}

function clusterSlug(cluster: ClusterAnswers): string {
  return [
    cluster.upgrade && "upgrade",
    cluster.apiVersions?.length && "served-apis",
    cluster.lookupFinds && "lookup-finds",
  ]
    .filter(Boolean)
    .join("-");
}

/**
 * `helm template` alone renders for Kubernetes v1.20 (`.Capabilities.KubeVersion`), while
 * `helm install` sees the cluster's version: a chart gated on it would show the checker another
 * manifest than the cluster gets. It renders for the version the check judges against.
 */
function helmForCluster(options: RenderedInputsOptions): HelmOptions {
  if (options.helm.kubeVersion) return options.helm;
  const version = options.kubernetesVersion ?? defaultKubernetesVersion();
  // "1.36" would be GitVersion "v1.36": semverCompare in charts wants a patch.
  const full = /^v?\d+\.\d+$/.test(version) ? `${version}.0` : version;
  return { ...options.helm, kubeVersion: full };
}

function renderOrProblem(
  root: RenderRoot,
  options: RenderedInputsOptions,
): RenderedSource[] | { problem: InputProblem } {
  try {
    return render(root, options);
  } catch (error) {
    if (!isConfigurationError(error)) throw error;
    const file =
      root.kind === "helm" ? join(root.folder, "Chart.yaml") : kustomizationFile(root.folder)!;
    const what = root.kind === "helm" ? "Helm chart" : "Kustomize folder";
    const folder = displayPath(root.folder, options.cwd);
    return {
      problem: {
        ruleId: "input/not-rendered",
        message: `the ${what} ${folder} was not rendered, so nothing of it was checked: ${error.message}`,
        position: templateErrorPosition(root, error.message, options.cwd) ?? {
          file: displayPath(file, options.cwd),
          line: 1,
          column: 1,
        },
      },
    };
  }
}

/**
 * Where helm's error says a template failed (`execution error at (chart/templates/a.yaml:4:11)`,
 * a `required` or `fail` message, its path made the chart folder's by `renderHelm`): that line;
 * a chart that refuses the Kubernetes version: its `kubeVersion:` line.
 */
function templateErrorPosition(root: RenderRoot, message: string, cwd: string) {
  if (root.kind !== "helm") return undefined;
  if (/chart requires kubeVersion/.test(message)) {
    const chartYaml = join(root.folder, "Chart.yaml");
    const shown = displayPath(chartYaml, cwd);
    return parseSource(shown, readFileSync(chartYaml, "utf8")).documents[0]?.locate("/kubeVersion");
  }
  // A parse error gives a line only: `at (chart/templates/a.yaml:9)`; a values.schema.json
  // refusal the values key: `at '/replicas' (chart/values.yaml:1:1)`.
  const at = /\bat (?:'[^']*' )?\(([^():]+):(\d+)(?::(\d+))?\)/.exec(message);
  if (!at) return undefined;
  const file = resolve(cwd, at[1]!);
  if (!isFile(file)) return undefined;
  return { file: displayPath(file, cwd), line: Number(at[2]), column: Number(at[3] ?? 1) };
}

function libraryProblem(chart: string, cwd: string): InputProblem {
  const file = displayPath(join(chart, "Chart.yaml"), cwd);
  const chartYaml = parseSource(file, readFileSync(join(chart, "Chart.yaml"), "utf8"));
  return {
    ruleId: "input/skipped",
    message: `${displayPath(chart, cwd)} is a library chart (type: library): helm renders it only inside the charts that depend on it and installs nothing of it on its own, so it is checked there`,
    position: chartYaml.documents[0]?.locate("/type") ?? { file, line: 1, column: 1 },
  };
}

function renderedSource(input: RenderedInput, folder: string): RenderedSource {
  const name = input.kind === "helm" ? "helm-template.yaml" : "kustomize-build.yaml";
  return {
    file: `${RENDERED_INPUT_PREFIX}${folder}/${name}`,
    text: input.text,
    ...(input.problems?.length ? { problems: input.problems } : {}),
    map: input.sourceMap,
  };
}

function refuseUnusedHelmFlags(helm: HelmOptions, hasChart: boolean): void {
  const given = [
    helm.values?.length && "--values",
    helm.set?.length && "--set",
    helm.setString?.length && "--set-string",
    helm.setJson?.length && "--set-json",
    helm.setFile?.length && "--set-file",
    helm.releaseName && "--release-name",
    helm.namespace && "--namespace",
    helm.kubeVersion && "--kube-version",
    helm.apiVersions?.length && "--api-versions",
  ].filter(Boolean);
  if (given.length && !hasChart) {
    throw new ConfigurationError(
      `${given.join(", ")} apply to Helm charts, and no path is or holds a folder with Chart.yaml`,
    );
  }
}

export function mergeBundles(first: Bundle, second: Bundle): Bundle {
  return {
    files: [...first.files, ...second.files],
    documents: [...first.documents, ...second.documents],
    objects: [...first.objects, ...second.objects],
    problems: [...first.problems, ...second.problems],
  };
}
