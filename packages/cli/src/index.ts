export type { Command } from "./command.js";
export { commands } from "./commands/index.js";
export { type ColorMode, colorEnabled, type Io, nodeIo } from "./io.js";
export { main } from "./main.js";
