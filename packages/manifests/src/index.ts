export { type RenderedConfigFile, renderConfigFile } from "./config-file.js";
export { canonicalJson, digestOf, type RenderResult, render } from "./render.js";
export {
  type ComponentName,
  configFileSchema,
  configFileSchemaOf,
  configJsonSchema,
  parseScoutConfig,
  RESERVED_LABELS,
  type ScoutConfig,
  type ScoutConfigInput,
  scoutConfigSchema,
  scoutSectionOf,
} from "./schema.js";
export { type ConfigKey, decidingKey, type RenderedSource } from "./sources.js";
export { TOOL_NAME, VERSION } from "./version.js";
