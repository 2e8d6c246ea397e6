export {
  type CheckOptions,
  type CheckRun,
  RENDERED_PREFIX,
  runCheck,
  SCHEMA_ENGINES,
  type SchemaEngine,
} from "./check.js";
export {
  CONFIG_FILE_NAME,
  findConfigFile,
  type LoadedConfig,
  loadConfig,
  parseConfigText,
} from "./config-file.js";
export {
  HELM_INSTALL_HINT,
  type HelmOptions,
  KUSTOMIZE_INSTALL_HINT,
  systemToolRunner,
  type ToolResult,
  type ToolRunner,
} from "./render-tools.js";
export { loadWithRenderedInputs } from "./rendered-inputs.js";
export {
  type HelmSourceMap,
  type KustomizeSourceMap,
  type RenderedSource,
  relocateFindings,
} from "./source-positions.js";
