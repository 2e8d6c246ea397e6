export { docsUrl } from "./docs-url.js";
export { type LoadRulePacksOptions, loadRulePacks, packPrefix } from "./packs/load-rule-packs.js";
export { securityGuideRules } from "./registry.js";
