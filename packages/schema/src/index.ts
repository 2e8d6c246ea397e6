export { apiServerProblems } from "./api-validation.js";
export {
  bundledKubernetesVersions,
  defaultKubernetesVersion,
  type JsonSchema,
  parseKubernetesVersion,
  resolveBundledVersion,
  type SchemaData,
  schemaData,
  type VersionSchemas,
} from "./data.js";
export {
  bundledSchemaSet,
  createEmbeddedValidator,
  type EmbeddedOptions,
  validateBundle,
} from "./embedded.js";
export { candidateFiles, type FolderSchema, folderSchemas } from "./folders.js";
export { missingSchemaProblem } from "./kinds.js";
export { closestName, dottedPath } from "./paths.js";
export {
  normalizeProblems,
  type SchemaProblem,
  type SchemaProblemCode,
  type SchemaRuleId,
  type SchemaValidator,
  type ValidateOptions,
} from "./port.js";
export {
  noSchemaRule,
  type SchemaFinding,
  schemaFindings,
  schemaInputProblems,
  schemaRule,
  schemaRules,
} from "./rule.js";
export { kindFileName, standaloneSchemas } from "./standalone.js";
export {
  describeValue,
  enumError,
  oneOfTypes,
  requiredError,
  type SchemaError,
  SchemaSet,
  typeError,
  unknownFieldError,
} from "./validate.js";
