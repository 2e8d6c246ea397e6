import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Io } from "./io.js";

/** Writes to stdout for "-" (or no target), else to a file, creating its folder. */
export function writeOutput(io: Io, target: string | undefined, text: string, mode?: number): void {
  if (target === undefined || target === "-") {
    io.stdout(text);
    return;
  }
  const path = resolve(io.cwd, target);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, mode === undefined ? {} : { mode });
}
