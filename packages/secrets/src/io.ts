import { chmodSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigurationError, inertLine } from "@scout-deploy/core";
import { makeFolder } from "@scout-deploy/loader";
import type { CommandResult } from "./commands.js";
import { maskSecretValues } from "./mask.js";

/** Owner read/write only: files that hold secret values. */
export const SECRET_FILE_MODE = 0o600;

/**
 * Writes text that holds secret values: created with mode 0600 beside the target, then renamed
 * over it, so no moment exists where the values sit in a file others may read. Creates the folder.
 */
export function writeSecretFile(path: string, text: string): void {
  try {
    makeFolder(dirname(path));
  } catch (error) {
    throw new ConfigurationError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode: SECRET_FILE_MODE, flag: "wx" });
    chmodSync(temporary, SECRET_FILE_MODE);
    renameSync(temporary, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // The temporary file holds the values: it must not outlive a failed write (one that was
    // already there, EEXIST, is not ours to remove).
    if (code !== "EEXIST") rmSync(temporary, { force: true });
    const reason = code === "EISDIR" ? "it is a folder" : (code ?? String(error));
    throw new ConfigurationError(`cannot write ${path}: ${reason}`);
  }
}

export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** GitHub Actions: `core.setSecret`. Called for every value before anything is written. */
  mask?(value: string): void;
  /** @default writeSecretFile */
  writeFile?(path: string, text: string): void;
}

/**
 * The edge every face uses to hand a command's result to the world, in the only safe order:
 * mask the values, write the output where it was asked (a 0600 file, or stdout for "-"), then
 * the messages on stderr, their control characters escaped. Returns the exit code.
 */
export function deliver(result: CommandResult, io: CommandIO): number {
  if (io.mask) maskSecretValues(result, io.mask);
  if (result.output) {
    if (result.output.target === "-") io.stdout(result.output.text);
    else (io.writeFile ?? writeSecretFile)(result.output.target, result.output.text);
  }
  // Messages name Secrets and keys read from manifests: no control character of theirs reaches
  // the terminal raw, and no message starts a workflow command in a CI log.
  for (const message of result.messages) io.stderr(`${inertLine(message)}\n`);
  return result.exitCode;
}
