export { z } from "zod";
export {
  type Bundle,
  type BundleObject,
  buildBundle,
  describeRef,
  type InputProblem,
  type KubeObject,
  refOf,
} from "./bundle.js";
export {
  type ComponentSettings,
  type ConfigSuppression,
  type CoreSettings,
  defaultPolicy,
  formatPosition,
  type Locate,
  type ParsePolicyOptions,
  type PolicyConfig,
  parsePolicy,
  parseSettings,
  parseWithSchema,
  policySchema,
  policySchemaOf,
  type RuleSetting,
  type Settings,
  type SettingsSchema,
  type SettingsSource,
  settingsSchema,
  settingsSchemaOf,
} from "./config.js";
export { ConfigurationError, isConfigurationError } from "./errors.js";
export { configuredSeverity, type EvaluateOptions, evaluate } from "./evaluate.js";
export {
  type FindingIdentity,
  fingerprintOf,
  fingerprintOfFinding,
  messageKey,
  reportKey,
  sha256Hex,
} from "./fingerprint.js";
export { matchesGlob, matchesRuleId } from "./glob.js";
export { apiGroupOf, clusterApiVersion, clusterIdentity } from "./identity.js";
export {
  imageRepository,
  malformedPart,
  parseImage,
  SPACE_AROUND,
} from "./image-reference.js";
export { inputRules } from "./input-rules.js";
export {
  INSTANCE_LABEL,
  type Instance,
  InstanceIndex,
  instanceOf,
  sameInstance,
} from "./instance.js";
export {
  cidrProblem,
  ipProblem,
  kubernetesMinor,
  type ParsedCidr,
  type ParsedIp,
  parseCidr,
  parseIp,
  strictIpValidation,
  strictIpValidationFor,
} from "./ip.js";
export {
  allContainers,
  CONTAINER_LISTS,
  type ContainerList,
  type ContainerRef,
  CUSTOM_POD_TEMPLATE_KINDS,
  componentOf,
  containerPointerOf,
  containersOf,
  type EffectiveSecurityContext,
  effectiveSecurityContext,
  labelsOf,
  metadataPointerOf,
  POD_TEMPLATE_KINDS,
  type PodTemplate,
  PROBE_FIELDS,
  podTemplateOf,
  podTemplates,
  podTemplatesOf,
  probeHandlersOf,
  type Setting,
  specPointerOf,
} from "./k8s.js";
export { inertLine, inertMarkdown, inertText } from "./markdown.js";
export {
  compareFindings,
  FAIL_ON,
  type FailOn,
  type Finding,
  failsAt,
  formatRange,
  type ObjectRef,
  type Position,
  placedAt,
  type RenderedLocation,
  type Result,
  SEVERITIES,
  type Severity,
  type Summary,
  type SuppressedFinding,
  severityRank,
  summarize,
} from "./model.js";
export {
  annotationKeyProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  labelProblem,
  labelValueProblem,
  portNameProblem,
  qualifiedNameProblem,
  typedNameProblem,
} from "./names.js";
export {
  type AppliedObjects,
  DEFAULT_NAMESPACE,
  effectiveNamespace,
  isClusterScoped,
} from "./namespaces.js";
export { definePack, type PackDefinition, type RulePack, settingsReader } from "./pack.js";
export { CONTROLLER_LABEL_REASONS } from "./pod-sources.js";
export {
  asList,
  asRecord,
  escapeSegment,
  getAtPointer,
  isRecord,
  joinPointer,
  splitPointer,
} from "./pointer.js";
export { quantityValue } from "./quantity.js";
export {
  type AnyRule,
  defineRule,
  formatMessage,
  type MessageData,
  type Rule,
  type RuleContext,
  type RuleDefinition,
  type RuleMeta,
  type RuleReport,
  withDocs,
} from "./rule.js";
export {
  compileSelector,
  isEmptySelector,
  type Labels,
  labelPairProblems,
  labelSelectorProblems,
  SELECT_ALL,
  type Selector,
  stringLabels,
} from "./selector.js";
export {
  createSourceFile,
  DEFAULT_PARSE_LIMITS,
  type InputRuleId,
  type ParsedSource,
  type ParseLimits,
  parseSource,
  type SourceDocument,
  type SourceFile,
  type SourceProblem,
  splitDocuments,
  type YamlDialect,
} from "./source.js";
export { closestMatch, didYouMean } from "./suggest.js";
export { IGNORE_ANNOTATION, parseIgnoreAnnotation } from "./suppressions.js";
export { positionInString, type TextPosition } from "./text-position.js";
