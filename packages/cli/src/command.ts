import type { Io } from "./io.js";

export interface Command {
  name: string;
  summary: string;
  /** The full --help text. */
  help: string;
  /** Resolves to the exit code. */
  run(argv: readonly string[], io: Io): Promise<number>;
}
