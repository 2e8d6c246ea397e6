import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { isRecord, parseSource } from "@scout-deploy/core";
import { decodeText, holdsObject } from "@scout-deploy/loader";
import { isFile, isFolder, KUSTOMIZATION_FILES, kustomizationFile } from "./render-tools.js";

/** The folders a walk does not enter, as the loader's walk (packages/loader). */
const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);

/** The template files helm rendered (absolute), each with the objects it printed (as JSON). */
export type RenderedTemplates = ReadonlyMap<string, readonly string[]>;

/** What walking folders finds to render, and what the plain reading must then pass over. */
export interface WalkedRenders {
  /** Chart roots (absolute), sorted: each is rendered as a chart named as a path is. */
  charts: string[];
  /**
   * Library charts (`type: library`), sorted: Helm renders them only inside the charts that
   * depend on them and refuses to install one, so nothing of them is deployed on its own.
   */
  libraries: string[];
  /**
   * Kustomize folders (absolute), sorted, that no other kustomization of the walk references:
   * the ones deployed. (One referenced only from a cycle is kept too, so that it is not lost.)
   */
  kustomizations: string[];
  /**
   * True for what is rendered instead of read: the files helm rendered (`rendered`: the
   * templates its output names as `# Source:`), what helm reads of a chart, kustomization files
   * and the paths they name. A file that no tool renders but that kubectl reads as an object is
   * read as a plain manifest, since `kubectl apply -R -f` applies it: a file of a Kustomize
   * folder that no kustomization names, and a chart's file helm leaves out (a `_` partial, one
   * its .helmignore names, a disabled subchart's, a library chart's, one outside templates/).
   */
  passOver: (absolute: string, rendered: RenderedTemplates) => boolean;
}

interface Found {
  charts: string[];
  kustomizations: string[];
}

/**
 * Charts and kustomizations below folders, as kube-linter finds them: a folder with Chart.yaml is
 * a chart (its subcharts belong to it: not entered); a folder with a kustomization file is a
 * Kustomize folder, and only those no other one references are rendered.
 */
export function findWalkedRenders(folders: readonly string[]): WalkedRenders {
  const found: Found = { charts: [], kustomizations: [] };
  for (const folder of folders) walk(folder, found);
  const chartRoots = [...new Set(found.charts)].sort();
  const all = [...new Set(found.kustomizations)].sort();
  const references = new Map(all.map((folder) => [folder, referencesOf(folder)]));
  const kustomizations = deployedKustomizations(all, references);
  // A chart a kustomization's helmCharts inflate is rendered with it, not on its own.
  const inflated = new Set([...references.values()].flat());
  const standalone = chartRoots.filter((chart) => !inflated.has(chart));
  const libraries = standalone.filter(isLibraryChart);
  const charts = standalone.filter((chart) => !libraries.includes(chart));
  const kustomizeFolders = new Set(all);
  const referencedFiles = new Set([...references.values()].flat().filter(isFile));
  return {
    charts,
    libraries,
    kustomizations,
    passOver: (absolute, rendered) =>
      leftToHelm(chartRoots, inflated, absolute, rendered) ||
      referencedFiles.has(absolute) ||
      (kustomizeFolders.has(dirname(absolute)) && KUSTOMIZATION_FILES.includes(basename(absolute))),
  };
}

function isLibraryChart(chart: string): boolean {
  const value = parseSource("Chart.yaml", readText(join(chart, "Chart.yaml"))).documents[0]?.value;
  return isRecord(value) && value.type === "library";
}

/**
 * Whether a path inside a chart is left to Helm: a file helm rendered, or one that kubectl
 * would not read as an object (template text it refuses, Chart.yaml, values.yaml). A file holding a
 * Kubernetes object that helm did not render is not: `kubectl apply -R -f` applies it, so a
 * Chart.yaml beside plain manifests, a `_` partial, a .helmignore entry or a subchart disabled
 * by its condition cannot hide them. The charts a kustomization's helmCharts inflate render
 * there, unseen by `# Source:`: their templates, subcharts and CRDs stay Helm's.
 */
function leftToHelm(
  charts: readonly string[],
  inflated: ReadonlySet<string>,
  absolute: string,
  rendered: RenderedTemplates,
): boolean {
  const chart = charts.find((root) => absolute.startsWith(`${root}${sep}`));
  if (!chart) return false;
  if (inflated.has(chart) && INFLATED_PARTS.has(relative(chart, absolute).split(sep)[0]!))
    return true;
  if (isFolder(absolute)) return false;
  const text = readText(absolute);
  const objects = objectsKubectlReads(absolute, text);
  if (!objects.length) return true;
  const printed = rendered.get(absolute);
  if (!printed) return false;
  // Template text is helm's: its render is judged. A file of literal objects is judged as helm
  // printed it unless kubectl reads others from it (template actions hidden in comments).
  return (
    TEMPLATE_ACTION.test(withoutYamlComments(text)) || objects.every((o) => printed.includes(o))
  );
}

const TEMPLATE_ACTION = /\{\{/;

function withoutYamlComments(text: string): string {
  return text.replace(/^\s*#.*$/gm, "");
}

/**
 * The objects kubectl reads from a text (as JSON): its documents with apiVersion and kind.
 * Exported for the renders' side, so that both are read alike.
 */
export function objectsKubectlReads(file: string, text: string): string[] {
  if (!holdsObject(text)) return [];
  return parseSource(file, text).documents.flatMap(({ value }) =>
    isRecord(value) &&
    typeof value.apiVersion === "string" &&
    value.apiVersion !== "" &&
    typeof value.kind === "string" &&
    value.kind !== ""
      ? [JSON.stringify(value)]
      : [],
  );
}

/** What kubectl kustomize --enable-helm renders of an inflated chart. */
const INFLATED_PARTS = new Set(["templates", "charts", "crds"]);

function walk(dir: string, found: Found): void {
  if (isFile(join(dir, "Chart.yaml"))) {
    found.charts.push(dir);
    return;
  }
  if (kustomizationFile(dir)) found.kustomizations.push(dir);
  for (const entry of entriesOf(dir)) {
    // Symlinked folders are not followed, as the loader and kubectl do not follow them.
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(join(dir, entry.name), found);
  }
}

/** Top kustomizations, then those only a cycle reaches (Kustomize reports the cycle). */
function deployedKustomizations(all: string[], references: Map<string, string[]>): string[] {
  const referenced = new Set(
    all.flatMap((folder) => references.get(folder)!.filter((ref) => ref !== folder)),
  );
  const top = all.filter((folder) => !referenced.has(folder));
  const reached = new Set<string>();
  const reach = (folder: string) => {
    if (reached.has(folder)) return;
    reached.add(folder);
    for (const ref of references.get(folder) ?? []) reach(ref);
  };
  top.forEach(reach);
  return [...top, ...all.filter((folder) => !reached.has(folder))].sort();
}

/**
 * Every local path a kustomization names (absolute): resources, bases and components (folders or
 * files), patch files, generator and replacement files. Remote URLs resolve to nothing that exists.
 */
function referencesOf(folder: string): string[] {
  const file = kustomizationFile(folder)!;
  const value = parseSource(file, readText(file)).documents[0]?.value;
  if (!isRecord(value)) return [];
  const names = [
    ...strings(value.resources),
    ...strings(value.bases),
    ...strings(value.components),
    ...strings(value.crds),
    ...strings(value.generators),
    ...strings(value.transformers),
    ...strings(value.validators),
    ...strings(value.patchesStrategicMerge),
    ...pathsOf(value.patches),
    ...pathsOf(value.patchesJson6902),
    ...pathsOf(value.replacements),
    ...generatorFiles(value.configMapGenerator),
    ...generatorFiles(value.secretGenerator),
    ...strings(value.configurations),
    ...(isRecord(value.openapi) && typeof value.openapi.path === "string"
      ? [value.openapi.path]
      : []),
    ...helmChartPaths(value),
  ];
  return names
    .filter((name) => !name.includes("\n"))
    .map((name) => resolve(folder, name))
    .filter((path) => isFile(path) || isFolder(path));
}

/**
 * The local charts `helmCharts:` inflate (`<chartHome>/<name>`, chartHome `charts` unless
 * helmGlobals says otherwise) and their values files.
 */
function helmChartPaths(kustomization: Record<string, unknown>): string[] {
  if (!Array.isArray(kustomization.helmCharts)) return [];
  const globals = isRecord(kustomization.helmGlobals) ? kustomization.helmGlobals : {};
  const chartHome = typeof globals.chartHome === "string" ? globals.chartHome : "charts";
  return kustomization.helmCharts
    .filter(isRecord)
    .flatMap((chart) => [
      ...(typeof chart.name === "string" ? [join(chartHome, chart.name)] : []),
      ...(typeof chart.valuesFile === "string" ? [chart.valuesFile] : []),
      ...strings(chart.additionalValuesFiles),
    ]);
}

/** An unreadable kustomization names nothing here: Kustomize reports it when it renders. */
function readText(file: string): string {
  try {
    return decodeText(readFileSync(file));
  } catch {
    return "";
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}

function pathsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) =>
    isRecord(item) && typeof item.path === "string" ? [item.path] : [],
  );
}

/** `files: [key=path]`, `envs: [path]`, `env: path`. */
function generatorFiles(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(isRecord)
    .flatMap((generator) => [
      ...strings(generator.files).map((entry) => entry.slice(entry.indexOf("=") + 1)),
      ...strings(generator.envs),
      ...(typeof generator.env === "string" ? [generator.env] : []),
    ]);
}

function entriesOf(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
