import { spawn } from "node:child_process";
import { findTool } from "@scout-deploy/core/testing";

/** psa-oracle's binary: $PSA_ORACLE_PATH, else where scripts/install-psa-oracle.sh puts it. */
export function psaOraclePath(): string | undefined {
  return findTool("psa-oracle", "PSA_ORACLE_PATH");
}

export interface OracleCase {
  id: string;
  version: string;
  meta: Record<string, unknown>;
  spec: Record<string, unknown>;
}

/** PSA's answer for one case: each failing check id with its reason, per level. */
export interface OracleVerdict {
  id: string;
  error?: string;
  restricted: Record<string, string>;
  baseline: Record<string, string>;
  allowed: { restricted: boolean; baseline: boolean };
}

/** Judges every case in one run of the oracle (one JSON object a line each way). */
export function judgeAll(binary: string, cases: readonly OracleCase[]): Promise<OracleVerdict[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`psa-oracle exited ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      const lines = Buffer.concat(out).toString().trim().split("\n");
      resolve(lines.map((line) => JSON.parse(line) as OracleVerdict));
    });
    child.stdin.end(cases.map((c) => JSON.stringify(c)).join("\n"));
  });
}
