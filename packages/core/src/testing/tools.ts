import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * An external tool a differential test runs: the path in `env` when set (`none` pretends the
 * tool is missing, to see the test's CI guard), else `name` on PATH, else in ~/go/bin, where
 * the scripts/install-*.sh put what they build.
 */
export function findTool(name: string, env?: string): string | undefined {
  const named = env ? process.env[env] : undefined;
  if (named) return named === "none" ? undefined : executable(named);
  const dirs = [...(process.env.PATH ?? "").split(delimiter), join(homedir(), "go", "bin")];
  for (const dir of dirs) {
    const found = dir ? executable(join(dir, name)) : undefined;
    if (found) return found;
  }
  return undefined;
}

function executable(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}
