export { docsUrl, REPOSITORY_URL, releasedDocsUrl } from "./docs-url.js";
export {
  LEGACY_NETWORK_OPTIONS,
  type NetworkSettingsProblem,
  networkOptionsOfPolicy,
  networkSettingsProblems,
} from "./network/options.js";
export {
  type LoadRulePacksOptions,
  loadRulePacks,
  packPrefix,
  rulePackRoot,
} from "./packs/load-rule-packs.js";
export { securityGuidePack, securityGuideRules } from "./registry.js";
export {
  type GuideSettings,
  guideSettings,
  guideSettingsSchema,
  SCOUT_COMPONENTS,
} from "./settings.js";
export { isClusterScoped } from "./support/namespace.js";
export { VERSION as RULES_VERSION } from "./version.js";
