import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigurationError, didYouMean } from "@scout-deploy/core";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `util.parseArgs` whose mistakes are the user's: one line naming the command, exit 2.
 * `command` is the full command ("check", "secrets generate"): main prints it as the prefix.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
): ReturnType<
  typeof parseArgs<{
    args: string[];
    options: O & { help: { type: "boolean"; short: "h" } };
    allowPositionals: true;
    strict: true;
  }>
> {
  const all = { ...options, help: { type: "boolean", short: "h" } } as const;
  try {
    return parseArgs({ args: [...argv], options: all, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigurationError(
      `${command}: ${describeArgError(error as Error, all, argv)}${seeHelp(command)}`,
    );
  }
}

function describeArgError(error: Error, options: Options, argv: readonly string[]): string {
  const message = error.message.split("\n")[0]!;
  const ambiguous = /^Option '(-[^']*)' argument is ambiguous/.exec(message)?.[1];
  if (ambiguous) return dashValue(ambiguous, error.message, argv);
  const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
  if (unknown) {
    // --color is every command's, read before the command's own flags.
    const flags = [...Object.keys(options).map((name) => `--${name}`), "--color"];
    const name = unknown.split("=")[0]!;
    return `unknown option ${name}${didYouMean(name, flags)}`;
  }
  const missing = /^Option '(-\S*(?:, -\S*)?) <value>' argument missing/.exec(message)?.[1];
  if (missing) return `option ${missing.split(", ").at(-1)} needs a value`;
  return message.replace(/\. To specify.*$/, "").replace(/^Option/, "option");
}

/** `--max-file-size -5`: a value that starts with a dash reads as the next flag. */
function dashValue(flag: string, message: string, argv: readonly string[]): string {
  const long = /use '(--[^=']+)=/.exec(message)?.[1] ?? flag;
  const value = argv[argv.indexOf(flag) + 1] ?? "";
  return `option ${long} needs a value, and "${value}" reads as an option (write ${long}=${value} if it is the value)`;
}

function seeHelp(command: string): string {
  return ` (see scout-deploy ${command} --help)`;
}

/** A subcommand that does not exist: its name, a suggestion, and the ones that do. */
export function unknownSubcommand(command: string, name: string, known: readonly string[]) {
  return new ConfigurationError(
    `${command}: unknown subcommand "${name}"${didYouMean(name, known)} (${known.join(", ")})`,
  );
}

export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(
    `${flag} must be one of ${allowed.join(", ")}, not "${value}"${didYouMean(value, allowed)}`,
  );
}
