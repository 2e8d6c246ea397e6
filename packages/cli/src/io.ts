import { decodeText } from "@scout-deploy/loader";

/** Everything a command touches outside itself, so tests run commands in-process. */
export interface Io {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(maxBytes: number): Promise<string>;
  /** Colours for text output on stdout (`--color auto` decided it already). */
  color: boolean;
}

export const COLOR_MODES = ["auto", "always", "never"] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

/**
 * Whether to colour: `always`/`never` win; under `auto`, FORCE_COLOR (not "0"/"false") forces
 * it, FORCE_COLOR=0, NO_COLOR (https://no-color.org) or TERM=dumb turn it off, else only a
 * terminal gets colours.
 */
export function colorEnabled(
  mode: ColorMode,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): boolean {
  if (mode !== "auto") return mode === "always";
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if (env.NO_COLOR) return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}

export function nodeIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin,
    color: colorEnabled("auto", process.env, Boolean(process.stdout.isTTY)),
  };
}

/**
 * A reader that closed stdout early (`| head -1`) wants no more: stop quietly, as `cat` does,
 * with the exit code of a broken pipe and no stack trace.
 */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function readStdin(maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    chunks.push(buffer);
    if (size >= maxBytes) break;
  }
  return decodeText(Buffer.concat(chunks));
}
