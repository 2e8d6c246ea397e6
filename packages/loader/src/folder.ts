import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";

/**
 * `mkdir -p`. Not `mkdirSync(path, { recursive: true })`: Node's loops forever where mkdir says
 * ENOENT though the parent exists (anything under /proc), and an output path must never hang a run.
 */
export function makeFolder(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && statSync(path).isDirectory()) return;
    const parent = dirname(path);
    if (code !== "ENOENT" || parent === path) throw error;
    makeFolder(parent);
    mkdirSync(path);
  }
}
