import { ConfigurationError, formatPosition, parseSource } from "@scout-deploy/core";
import { type RenderResult, render } from "./render.js";
import { type ScoutConfig, scoutSectionOf } from "./schema.js";

export interface RenderedConfigFile {
  config: ScoutConfig;
  result: RenderResult;
}

/**
 * What `scout-deploy render --config FILE` does between reading the file and writing the
 * output: parse the YAML (errors name file and line), validate `scout:`, render. Undefined when
 * the file has no `scout:` section (a repository of raw manifests).
 */
export function renderConfigFile(path: string, text: string): RenderedConfigFile | undefined {
  const source = parseSource(path, text, undefined, "yaml");
  const problem = source.problems[0];
  if (problem)
    throw new ConfigurationError(`${formatPosition(problem.position)}: ${problem.message}`);
  if (source.documents.length > 1) {
    const second = source.documents[1]!;
    throw new ConfigurationError(
      `${formatPosition(second.locate(""))}: a config file holds one YAML document`,
    );
  }
  const document = source.documents[0];
  const config = document ? scoutSectionOf(document.value, document.locate) : undefined;
  return config ? { config, result: render(config) } : undefined;
}
