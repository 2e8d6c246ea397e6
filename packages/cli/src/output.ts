import { closeSync, openSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import { makeFolder } from "@scout-deploy/loader";
import type { Io } from "./io.js";

/**
 * Writes to stdout for "-" (or no target), else to a file, creating its folder. Text may come in
 * chunks (JSON and SARIF of a large result), written one after another. A file that cannot be
 * written is the command's exit-2 line, naming it as the user wrote it.
 */
export function writeOutput(
  io: Io,
  target: string | undefined,
  text: string | Iterable<string>,
  mode?: number,
): void {
  const chunks = typeof text === "string" ? [text] : text;
  if (target === undefined || target === "-") {
    for (const chunk of chunks) io.stdout(chunk);
    return;
  }
  const path = resolve(io.cwd, target);
  try {
    makeFolder(dirname(path));
    const fd = openSync(path, "w", mode);
    try {
      for (const chunk of chunks) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw cannotWrite(target, error);
  }
}

const WRITE_FAILURES: Record<string, string> = {
  EISDIR: "it is a folder",
  ENOENT: "its folder cannot be created there",
  ENOTDIR: "a part of its path is a file, not a folder",
  EEXIST: "a part of its path is a file, not a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
};

/** `cannot write PATH: why`, for a file or folder a command was asked to write. */
export function cannotWrite(target: string, error: unknown): Error {
  if (!(error instanceof Error)) return new ConfigurationError(`cannot write ${target}`);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  return new ConfigurationError(`cannot write ${target}: ${WRITE_FAILURES[code] ?? code}`);
}

/** `check k8s/app.yaml --output k8s/app.yaml` would replace the manifest with its report. */
export function refuseOutputOverInput(
  outputs: readonly (string | undefined)[],
  files: readonly string[],
  cwd: string,
): void {
  const checked = new Set(files.map((file) => resolve(cwd, file)));
  const over = outputs.find((out) => out && out !== "-" && checked.has(resolve(cwd, out)));
  if (over !== undefined)
    throw new ConfigurationError(
      `--output ${over} is a file being checked: the report would overwrite it; write it elsewhere`,
    );
}
