import { type Bundle, type InputProblem, isRecord, type SourceDocument } from "@scout-deploy/core";
import type { LoadedConfig } from "./config-file.js";

/** What a check makes of the Scout configs among the files it read. */
export interface ConfigsAmongInputs {
  /** The bundle without the "not a Kubernetes object" warnings of the configs, and with what replaces them. */
  bundle: Bundle;
  /** The run's own config was read among the paths and has a `scout:` section to render. */
  rendersOwn: boolean;
}

/**
 * `check .` in a repository walks its own scout-deploy.yaml. Read as a manifest it is "not a
 * Kubernetes object", a warning, and the deployment its `scout:` section describes would pass
 * unchecked. The run's own config is no manifest: its section is rendered, as `check` with no
 * path renders it. Any other config's deployment is reported not checked (an error naming the
 * file and how to check it), and its policy as not applied.
 */
export function configsAmongInputs(bundle: Bundle, config: LoadedConfig): ConfigsAmongInputs {
  const configs = configDocuments(bundle);
  if (configs.length === 0) return { bundle, rendersOwn: false };
  const files = new Set(configs.map((document) => document.file.path));
  const own = configs.find((document) => document.file.path === config.shown);
  const problems = [
    ...bundle.problems.filter((problem) => !isConfigWarning(problem, files)),
    ...configs.filter((document) => document !== own).map((other) => otherConfig(other, config)),
  ];
  return {
    bundle: { ...bundle, problems },
    rendersOwn: own !== undefined && config.scout !== undefined,
  };
}

/** The only document of its file, a mapping of `scout:` and `policy:` without apiVersion or kind. */
function configDocuments(bundle: Bundle): SourceDocument[] {
  const perFile = new Map<string, number>();
  for (const { file } of bundle.documents)
    perFile.set(file.path, (perFile.get(file.path) ?? 0) + 1);
  return bundle.documents.filter(
    (document) => perFile.get(document.file.path) === 1 && isConfigShaped(document.value),
  );
}

function isConfigShaped(value: unknown): boolean {
  if (!isRecord(value) || "apiVersion" in value || "kind" in value) return false;
  const keys = Object.keys(value);
  return keys.some((key) => key === "scout" || key === "policy") && keys.every(isConfigKey);
}

function isConfigKey(key: string): boolean {
  return key === "scout" || key === "policy";
}

function isConfigWarning(problem: InputProblem, configFiles: ReadonlySet<string>): boolean {
  return (
    problem.ruleId === "input/not-kubernetes" &&
    (problem.path ?? "") === "" &&
    configFiles.has(problem.position.file)
  );
}

function otherConfig(document: SourceDocument, config: LoadedConfig): InputProblem {
  const file = document.file.path;
  const runs = config.shown ? `this run's config is ${config.shown}` : "this run has no config";
  const value = document.value as Record<string, unknown>;
  if ("scout" in value) {
    return {
      ruleId: "input/not-rendered",
      message: `${file} is a Scout config: the deployment its scout: section describes was not rendered, so nothing of it was checked (${runs}); check it with \`scout-deploy check --config ${file}\``,
      position: document.locate("/scout"),
      path: "",
    };
  }
  return {
    ruleId: "input/not-kubernetes",
    message: `${file} is a Scout config, not a manifest: its policy: section does not apply to this run (${runs}); pass --config ${file} to use it`,
    position: document.locate("/policy"),
    path: "",
  };
}
