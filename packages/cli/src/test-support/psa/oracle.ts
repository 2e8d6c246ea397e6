import { askJsonLines, findTool } from "@scout-deploy/core/testing";

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
  return askJsonLines<OracleVerdict>(binary, cases);
}
