/** The Security Guide pack, for in-memory pipelines (tests, embedders) that do not read files. */
export { securityGuideRules } from "@scout-deploy/rules";
export {
  attributeRendered,
  type CheckOptions,
  type CheckRun,
  RENDERED_PREFIX,
  runCheck,
} from "./check.js";
export {
  CONFIG_FILE_NAME,
  findConfigFile,
  type LoadedConfig,
  loadConfig,
  parseConfigText,
} from "./config-file.js";
export { bundleDigest } from "./digest.js";
export { type FlowsReport, type FlowsSection, networkFlows, networkSection } from "./flows.js";
export {
  type Rendered,
  renderScout,
  type ScoutConfig,
  scoutConfig,
  writeRendered,
} from "./render.js";
export {
  HELM_INSTALL_HINT,
  type HelmOptions,
  KUSTOMIZE_INSTALL_HINT,
  systemToolRunner,
  type ToolResult,
  type ToolRunner,
} from "./render-tools.js";
export { loadWithRenderedInputs } from "./rendered-inputs.js";
export { SCHEMA_ENGINES, type SchemaEngine } from "./schema-engines.js";
export {
  type HelmSourceMap,
  type KustomizeSourceMap,
  type RenderedSource,
  relocateFindings,
} from "./source-positions.js";
