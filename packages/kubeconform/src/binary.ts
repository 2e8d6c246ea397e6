import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";

export interface FindOptions {
  /** An explicit path: used as is, and an error when it is not an executable file. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** Also look in `$HOME/go/bin`, where `go install` puts it (default true). */
  goBin?: boolean;
}

const NAME = process.platform === "win32" ? "kubeconform.exe" : "kubeconform";

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The kubeconform binary: explicit path, then KUBECONFORM_PATH, then PATH, then ~/go/bin. */
export function findKubeconform(options: FindOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  if (options.path) {
    if (!isExecutable(options.path)) {
      throw new ConfigurationError(`kubeconform: ${options.path} is not an executable file`);
    }
    return options.path;
  }
  const fromEnv = env.KUBECONFORM_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new ConfigurationError(`KUBECONFORM_PATH: ${fromEnv} is not an executable file`);
    }
    return fromEnv;
  }
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    if (isExecutable(join(dir, NAME))) return join(dir, NAME);
  }
  const goBin = join(env.HOME ?? homedir(), "go", "bin", NAME);
  if (options.goBin !== false && isExecutable(goBin)) return goBin;
  return undefined;
}

/** Like findKubeconform, but a missing binary is a clear error, not a pass. */
export function requireKubeconform(options: FindOptions = {}): string {
  const found = findKubeconform(options);
  if (!found) {
    throw new ConfigurationError(
      "kubeconform not found: install it (go install github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0), put it on PATH or set KUBECONFORM_PATH; or use --schema embedded",
    );
  }
  return found;
}
