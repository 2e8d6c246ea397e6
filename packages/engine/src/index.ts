export { type BaseRendering, type BaseRun, runBaseCheck, selectFiles } from "./base.js";
export {
  type CheckOptions,
  type CheckRun,
  RENDERED_PREFIX,
  runCheck,
  SCHEMA_ENGINES,
  type SchemaEngine,
} from "./check.js";
export {
  type BaselineStatus,
  type Comparison,
  type ComparisonSummary,
  compareResults,
  type MarkedFinding,
} from "./compare.js";
export {
  CONFIG_FILE_NAME,
  findConfigFile,
  type LoadedConfig,
  loadConfig,
  parseConfigText,
} from "./config-file.js";
export {
  type FetchOptions,
  fetchCommit,
  type GitSnapshot,
  gitRoot,
  hasCommit,
  snapshotAt,
  type TreeFile,
} from "./git.js";
export { type PolicySide, policyWeakenings } from "./policy-diff.js";
export {
  type BaseSide,
  type BaseSource,
  type ComparedRun,
  compareWithBase,
  parseBaseline,
  readBaselineFile,
} from "./pull-request.js";
export { policyWeakened } from "./rules/policy-weakened/rule.js";
