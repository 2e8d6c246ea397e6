export { formatJson, type ToolInfo } from "./json.js";
export { formatText, type TextOptions } from "./text.js";
