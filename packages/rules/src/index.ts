export { docsUrl } from "./docs-url.js";
export { securityGuideRules } from "./registry.js";
