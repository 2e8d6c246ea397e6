import {
  ConfigurationError,
  didYouMean,
  inertText,
  isConfigurationError,
} from "@scout-deploy/core";
import { oneOf } from "./args.js";
import type { Command } from "./command.js";
import { commands } from "./commands/index.js";
import { COLOR_MODES, type ColorMode, colorEnabled, type Io } from "./io.js";
import { TOOL } from "./version.js";

export const EXIT_RUN_FAILED = 2;

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `Usage: scout-deploy <command> [options]

Commands:
${list}

Global options:
  --color auto|always|never  colours on a terminal (default auto: off under NO_COLOR or
                             TERM=dumb, on under FORCE_COLOR)
  -h, --help                 this help
  -v, --version              the version

Run "scout-deploy help <command>" (or "scout-deploy <command> --help") for a command's options.
`;
}

/** Runs one command line; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  // Known before --color is read, so a bad --color names its command too.
  let name = argv[0]?.startsWith("-") ? undefined : argv[0];
  try {
    const { rest, color } = takeColorFlag(argv);
    const session: Io = color ? { ...io, color: colorEnabled(color, io.env, io.color) } : io;
    const [first, ...args] = rest;
    name = first;
    if (first === undefined || first === "--help" || first === "-h") {
      session.stdout(usage());
      return first === undefined ? EXIT_RUN_FAILED : 0;
    }
    if (first === "--version" || first === "-v") {
      session.stdout(`${TOOL.version}\n`);
      return 0;
    }
    if (first === "help") return helpFor(args, session);
    if (first.startsWith("-")) throw new ConfigurationError(unknownGlobalFlag(first));
    return await commandNamed(first).run(args, session);
  } catch (error) {
    // One line, whatever a tool or a config file put in the message (a CI runner reads stderr
    // for workflow commands too).
    io.stderr(`${inertText(prefixed(name, describeFailure(error, io)))}\n`);
    return EXIT_RUN_FAILED;
  }
}

/** `--color MODE` or `--color=MODE` anywhere before `--`: every command takes it. */
function takeColorFlag(argv: readonly string[]): { rest: string[]; color?: ColorMode } {
  const rest: string[] = [];
  let color: ColorMode | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--color" || arg.startsWith("--color=")) {
      const value = arg === "--color" ? argv[++i] : arg.slice("--color=".length);
      if (value === undefined)
        throw new ConfigurationError("--color needs a value: auto, always or never");
      color = oneOf("--color", value, COLOR_MODES);
    } else rest.push(arg);
  }
  return color ? { rest, color } : { rest };
}

function commandNamed(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (command) return command;
  const names = commands.map((c) => c.name);
  throw new ConfigurationError(
    `unknown command "${name}"${didYouMean(name, names)} (commands: ${names.join(", ")}; see scout-deploy --help)`,
  );
}

function helpFor(args: readonly string[], io: Io): number {
  if (args.length === 0) {
    io.stdout(usage());
    return 0;
  }
  io.stdout(commandNamed(args[0]!).help);
  return 0;
}

function unknownGlobalFlag(flag: string): string {
  const known = ["--help", "--version", "--color"];
  return `unknown option ${flag}${didYouMean(flag.split("=")[0]!, known)}: a command comes first, as in "scout-deploy check ${flag}" (see scout-deploy --help)`;
}

/** "scout-deploy check: ...", once: a message may already start with its command. */
function prefixed(name: string | undefined, message: string): string {
  if (!name || !commands.some((c) => c.name === name)) return `scout-deploy: ${message}`;
  if (message.startsWith(`${name}:`) || message.startsWith(`${name} `))
    return `scout-deploy ${message}`;
  return `scout-deploy ${name}: ${message}`;
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
