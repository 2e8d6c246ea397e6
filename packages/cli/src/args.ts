import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigurationError } from "@scout-deploy/core";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `util.parseArgs` whose mistakes are the user's: one line, exit 2. */
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
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message.split("\n")[0]!.replace(/\. To specify.*$/, "");
    throw new ConfigurationError(`${command}: ${message} (see scout-deploy ${command} --help)`);
  }
}

export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(`${flag} must be one of ${allowed.join(", ")}, not "${value}"`);
}
