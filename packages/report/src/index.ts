export {
  type Annotation,
  type AnnotationLevel,
  type AnnotationLimits,
  type AnnotationPlan,
  GITHUB_ANNOTATION_LIMITS,
  planAnnotations,
} from "./annotations.js";
export { formatJson, formatJsonChunks, type JsonExtras, type ToolInfo } from "./json.js";
export { formatJunit, type JunitOptions } from "./junit.js";
export {
  type ChecklistSection,
  COMMENT_BUDGET,
  type FileLinks,
  fitMarkdown,
  formatMarkdown,
  GITHUB_COMMENT_LIMIT,
  type MarkdownOptions,
  type MarkdownSection,
  PRODUCTION_CHECKLIST,
} from "./markdown.js";
export { fingerprint, formatSarif, formatSarifChunks, type SarifOptions } from "./sarif.js";
export { formatText, type TextOptions } from "./text.js";
