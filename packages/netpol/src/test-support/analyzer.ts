import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { findTool } from "@scout-deploy/core/testing";

const run = promisify(execFile);

/** netpol-analyzer's binary: $NETPOL_ANALYZER_PATH, else where scripts/install-netpol-analyzer.sh puts it. */
export function analyzerPath(): string | undefined {
  return findTool("netpolicy", "NETPOL_ANALYZER_PATH");
}

export interface AnalyzerLine {
  src: string;
  dst: string;
  conn: string;
}

/** Runs `netpolicy list --dirpath DIR -o json` and returns its lines. */
export async function listConnections(binary: string, dir: string): Promise<AnalyzerLine[]> {
  const { stdout } = await run(binary, ["list", "--dirpath", dir, "-o", "json", "-q"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const text = stdout.trim();
  if (!text.startsWith("[")) return [];
  return JSON.parse(text) as AnalyzerLine[];
}

/** Runs `task` over `items`, at most `limit` at a time. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
