import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Io } from "./io.js";

/**
 * Writes to stdout for "-" (or no target), else to a file, creating its folder. Text may come in
 * chunks (JSON and SARIF of a large result), written one after another.
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
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w", mode);
  try {
    for (const chunk of chunks) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}
