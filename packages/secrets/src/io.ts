import { chmodSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Owner read/write only: files that hold secret values. */
export const SECRET_FILE_MODE = 0o600;

/**
 * Writes text that holds secret values: created with mode 0600 beside the target, then renamed
 * over it, so no moment exists where the values sit in a file others may read.
 */
export function writeSecretFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, text, { mode: SECRET_FILE_MODE, flag: "wx" });
  chmodSync(temporary, SECRET_FILE_MODE);
  renameSync(temporary, path);
}
