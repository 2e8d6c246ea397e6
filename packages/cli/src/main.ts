import { isConfigurationError } from "@scout-deploy/core";
import { commands } from "./commands/index.js";
import type { Io } from "./io.js";
import { TOOL } from "./version.js";

export const EXIT_RUN_FAILED = 2;

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `Usage: scout-deploy <command> [options]

Commands:
${list}

Run "scout-deploy <command> --help" for a command's options.
`;
}

/** Runs one command line; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage());
    return name === undefined ? EXIT_RUN_FAILED : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${TOOL.version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(
      `scout-deploy: unknown command "${name}" (commands: ${commands.map((c) => c.name).join(", ")})\n`,
    );
    return EXIT_RUN_FAILED;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr(`scout-deploy ${name}: ${describeFailure(error, io)}\n`);
    return EXIT_RUN_FAILED;
  }
}

/**
 * YAML parsers put the lines around an error under the message's first line: in a Secret
 * those are its values. Only the first line (the reason and the position) is printed.
 */
function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/:$/, "");
}

function stackFrames(error: Error): string {
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${firstLine(error.message)}`, ...frames].join("\n");
}

function describeFailure(error: unknown, io: Io): string {
  if (isConfigurationError(error)) return error.message;
  const message = firstLine(error instanceof Error ? error.message : String(error));
  if (io.env.SCOUT_DEPLOY_DEBUG && error instanceof Error) io.stderr(`${stackFrames(error)}\n`);
  return `internal error: ${message} (set SCOUT_DEPLOY_DEBUG=1 for details, and please report it)`;
}
