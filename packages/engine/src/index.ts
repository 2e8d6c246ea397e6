/** The Security Guide pack, for in-memory pipelines (tests, embedders) that do not read files. */
export {
  type GuideSettings,
  guideSettings,
  securityGuidePack,
  securityGuideRules,
} from "@scout-deploy/rules";
export { type BaseRendering, type BaseRun, runBaseCheck, selectFiles } from "./base.js";
export {
  attributeRendered,
  type CheckInputs,
  type CheckOptions,
  type CheckRun,
  checkedKubernetesVersion,
  loadCheckInputs,
  RENDERED_PREFIX,
  renderedPositions,
  runCheck,
} from "./check.js";
export {
  type BaselineStatus,
  type Comparison,
  type ComparisonSummary,
  compareResults,
  type MarkedFinding,
} from "./compare.js";
export {
  BUILT_IN_PACKS,
  CONFIG_FILE_NAME,
  findConfigFile,
  type LoadedConfig,
  loadConfig,
  parseConfigText,
} from "./config-file.js";
export { bundleDigest } from "./digest.js";
export {
  type FlowDiff,
  type FlowsReport,
  type FlowsSection,
  flowDiffJson,
  flowDiffMermaid,
  flowDiffSection,
  flowDiffText,
  networkChanges,
  networkFlows,
  networkSection,
} from "./flows.js";
export {
  type FetchOptions,
  fetchCommit,
  type GitSnapshot,
  gitRoot,
  hasCommit,
  headCommit,
  snapshotAt,
  type TreeFile,
} from "./git.js";
export { GUIDE_PACK, type PluginDigest, pluginDigests } from "./plugin-digests.js";
export { type PolicySide, policyWeakenings } from "./policy-diff.js";
export {
  type BaseSide,
  type BaseSource,
  type ComparedRun,
  compareWithBase,
  parseBaseline,
  readBaselineFile,
} from "./pull-request.js";
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
  helmSetFiles,
  KUSTOMIZE_INSTALL_HINT,
  systemToolRunner,
  type ToolResult,
  type ToolRunner,
} from "./render-tools.js";
export { loadPaths, loadWithRenderedInputs, type PathsOptions } from "./rendered-inputs.js";
export { type RenderedPositions, relocateRenderedFindings } from "./rendered-positions.js";
export { policyWeakened } from "./rules/policy-weakened/rule.js";
export { SCHEMA_ENGINES, type SchemaEngine } from "./schema-engines.js";
export {
  type HelmSourceMap,
  type KustomizeSourceMap,
  type RenderedSource,
  relocateFindings,
} from "./source-positions.js";
