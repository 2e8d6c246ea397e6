export {
  DEFAULT_MAX_FILE_SIZE,
  type InputFile,
  type LoadOptions,
  loadBundle,
  resolveInputs,
} from "./load.js";
