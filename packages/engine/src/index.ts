export {
  type CheckOptions,
  type CheckRun,
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
