import type { Command } from "../command.js";
import { checkCommand } from "./check.js";
import { flowsCommand } from "./flows.js";
import { incidentCommand } from "./incident.js";
import { renderCommand } from "./render.js";
import { rulesCommand } from "./rules.js";
import { secretsCommand } from "./secrets.js";
import { signoffCommand } from "./signoff.js";
import { verifyCommand } from "./verify.js";

/** Every command, in the order `--help` lists them. One line per command. */
export const commands: readonly Command[] = [
  renderCommand,
  checkCommand,
  flowsCommand,
  secretsCommand,
  signoffCommand,
  verifyCommand,
  incidentCommand,
  rulesCommand,
];
