import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTool } from "../../testing/tools.js";

/**
 * What kubectl makes of a folder of manifests, offline: `kubectl annotate --local -f DIR probe=x
 * -o json` prints every object exactly as `kubectl apply` would send it (plus the annotation),
 * and names refused files on stderr. Where kubectl is missing, scripts/yaml-oracle (Go, over
 * sigs.k8s.io/yaml, built by scripts/install-yaml-oracle.sh) prints the same.
 */
export interface Oracle {
  /** "kubectl v1.32.4" or "kube-yaml-oracle". */
  name: string;
  run(dir: string): OracleOutput;
  runAsync(dir: string): Promise<OracleOutput>;
}

export interface OracleOutput {
  objects: Record<string, unknown>[];
  /** stderr, one line per message. */
  errors: string[];
}

export const PROBE_ANNOTATION = { key: "probe", value: "x" } as const;

/** kubectl when installed (KUBECTL=none pretends it is not), else the stand-in. */
export function findOracle(): Oracle | undefined {
  return findKubectl() ?? findStandIn();
}

export function findKubectl(): Oracle | undefined {
  const kubectl =
    process.env.KUBECTL === "none" ? undefined : (process.env.KUBECTL ?? findTool("kubectl"));
  if (!kubectl) return undefined;
  const args = (dir: string) => [
    "annotate",
    "--local",
    "-f",
    dir,
    `${PROBE_ANNOTATION.key}=${PROBE_ANNOTATION.value}`,
    "-o",
    "json",
  ];
  return {
    name: `kubectl ${kubectlVersion(kubectl)}`,
    run: (dir) => runTool(kubectl, args(dir)),
    runAsync: (dir) => runToolAsync(kubectl, args(dir)),
  };
}

/** scripts/yaml-oracle, built by scripts/install-yaml-oracle.sh where kubectl is missing. */
export function findStandIn(): Oracle | undefined {
  const binary = findTool("kube-yaml-oracle", "KUBE_YAML_ORACLE");
  if (!binary) return undefined;
  return {
    name: `kube-yaml-oracle (${binary})`,
    run: (dir) => runTool(binary, [dir]),
    runAsync: (dir) => runToolAsync(binary, [dir]),
  };
}

/** Runs the oracle on one file alone, so that messages that name no file can be attributed. */
export async function runAlone(oracle: Oracle, name: string, text: string): Promise<OracleOutput> {
  const dir = mkdtempSync(join(tmpdir(), "kubectl-one-"));
  try {
    writeFileSync(join(dir, name), text);
    return await oracle.runAsync(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TOOL_ENV = { ...process.env, KUBECONFIG: "/dev/null" };

function runTool(binary: string, args: string[]): OracleOutput {
  const result = spawnSync(binary, args, { encoding: "utf8", maxBuffer: 1 << 30, env: TOOL_ENV });
  if (result.error) throw result.error;
  return toOutput(result.stdout, result.stderr);
}

function runToolAsync(binary: string, args: string[]): Promise<OracleOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: TOOL_ENV });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", () => resolve(toOutput(stdout, stderr)));
  });
}

function toOutput(stdout: string, stderr: string): OracleOutput {
  return {
    objects: parseJsonStream(stdout) as Record<string, unknown>[],
    errors: stderr.split("\n").filter((line) => line.trim() !== ""),
  };
}

/** kubectl prints one pretty JSON value after another, not a JSON array. */
export function parseJsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if (c === "}" || c === "]") {
      if (--depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return values;
}

function kubectlVersion(binary: string): string {
  const result = spawnSync(binary, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  try {
    return JSON.parse(result.stdout).clientVersion.gitVersion as string;
  } catch {
    return "(version unknown)";
  }
}
