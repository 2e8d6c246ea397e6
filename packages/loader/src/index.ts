export { makeFolder } from "./folder.js";
export {
  DEFAULT_MAX_FILE_SIZE,
  decodeText,
  displayPath,
  holdsObject,
  type InputFile,
  type LoadOptions,
  loadBundle,
  resolveInputs,
} from "./load.js";
