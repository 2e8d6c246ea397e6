export {
  type CheckOptions,
  type CheckRun,
  RENDERED_PREFIX,
  relocateRenderedDir,
  renderedPositions,
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
export { type RenderedPositions, relocateRenderedFindings } from "./rendered-positions.js";
