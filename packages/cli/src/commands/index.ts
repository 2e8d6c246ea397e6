import type { Command } from "../command.js";
import { checkCommand } from "./check.js";
import { flowsCommand } from "./flows.js";
import { renderCommand } from "./render.js";

/** Every command, in the order `--help` lists them. One line per command. */
export const commands: readonly Command[] = [renderCommand, checkCommand, flowsCommand];
