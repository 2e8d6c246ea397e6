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
