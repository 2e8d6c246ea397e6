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
  const plain: string[] = [];
  const sources: RenderedSource[] = [];
  for (const path of paths) {
    const absolute = isAbsolute(path) ? path : resolve(options.cwd, path);
    const kind = path === "-" ? undefined : renderedInputKind(absolute);
    if (!kind) {
      plain.push(path);
      continue;
    }
    const input =
      kind === "helm"
        ? renderHelm(absolute, options.helm, options.cwd, options.tools)
        : renderKustomize(absolute, options.cwd, options.tools);
    sources.push(renderedSource(input, shown(absolute, options.cwd)));
  }
  refuseUnusedHelmFlags(options.helm, sources);
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

function refuseUnusedHelmFlags(helm: HelmOptions, sources: readonly RenderedSource[]): void {
  const given = [
    helm.values?.length && "--values",
    helm.set?.length && "--set",
    helm.releaseName && "--release-name",
    helm.namespace && "--namespace",
    helm.kubeVersion && "--kube-version",
  ].filter(Boolean);
  if (given.length && !sources.some((source) => source.map.kind === "helm")) {
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
