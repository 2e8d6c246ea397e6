import { isAbsolute, relative, resolve, sep } from "node:path";
import { type Bundle, buildBundle, ConfigurationError, parseSource } from "@scout-deploy/core";
import {
  type HelmOptions,
  type RenderedInput,
  renderedInputKind,
  renderHelm,
  renderKustomize,
  type ToolRunner,
} from "./render-tools.js";
import type { RenderedSource } from "./source-positions.js";

export const RENDERED_INPUT_PREFIX = "<rendered>/";

export interface RenderedInputsOptions {
  cwd: string;
  helm: HelmOptions;
  tools: ToolRunner;
  /** Loads the paths that are not charts or kustomizations (files, folders, globs, "-"). */
  load: (paths: readonly string[]) => Promise<Bundle>;
}

/**
 * A folder with Chart.yaml is rendered by `helm template`, one with kustomization.yaml by
 * Kustomize; every other path is loaded as it is. The rendered texts are read as kubectl reads
 * files, under a name of their own, and returned with what relocates their findings.
 */
export async function loadWithRenderedInputs(
  paths: readonly string[],
  options: RenderedInputsOptions,
): Promise<{ bundle: Bundle; sources: RenderedSource[] }> {
  const kinds = paths.map((path) =>
    path === "-" ? undefined : renderedInputKind(resolve(options.cwd, path)),
  );
  refuseUnusedHelmFlags(options.helm, kinds.includes("helm"));
  const plain = paths.filter((_, index) => kinds[index] === undefined);
  const sources = paths.flatMap((path, index) => {
    const kind = kinds[index];
    if (!kind) return [];
    const absolute = resolve(options.cwd, path);
    const input =
      kind === "helm"
        ? renderHelm(absolute, options.helm, options.cwd, options.tools)
        : renderKustomize(absolute, options.cwd, options.tools);
    return [renderedSource(input, shown(absolute, options.cwd))];
  });
  const rendered = buildBundle(sources.map((source) => parseSource(source.file, source.text)));
  if (!plain.length) return { bundle: rendered, sources };
  return { bundle: mergeBundles(await options.load(plain), rendered), sources };
}

function renderedSource(input: RenderedInput, folder: string): RenderedSource {
  const name = input.kind === "helm" ? "helm-template.yaml" : "kustomize-build.yaml";
  return {
    file: `${RENDERED_INPUT_PREFIX}${folder}/${name}`,
    text: input.text,
    map: input.sourceMap,
  };
}

function refuseUnusedHelmFlags(helm: HelmOptions, hasChart: boolean): void {
  const given = [
    helm.values?.length && "--values",
    helm.set?.length && "--set",
    helm.releaseName && "--release-name",
    helm.namespace && "--namespace",
    helm.kubeVersion && "--kube-version",
  ].filter(Boolean);
  if (given.length && !hasChart) {
    throw new ConfigurationError(
      `${given.join(", ")} apply to Helm charts, and no path is a folder with Chart.yaml`,
    );
  }
}

function mergeBundles(first: Bundle, second: Bundle): Bundle {
  return {
    files: [...first.files, ...second.files],
    documents: [...first.documents, ...second.documents],
    objects: [...first.objects, ...second.objects],
    problems: [...first.problems, ...second.problems],
  };
}

function shown(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return (isAbsolute(rel) ? absolute : rel).split(sep).join("/");
}
