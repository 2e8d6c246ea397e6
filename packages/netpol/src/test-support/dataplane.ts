import { askJsonLines, findTool } from "@scout-deploy/core/testing";

/** netpol-oracle's binary: $NETPOL_ORACLE_PATH, else where scripts/install-netpol-oracle.sh puts it. */
export function dataplanePath(): string | undefined {
  return findTool("netpol-oracle", "NETPOL_ORACLE_PATH");
}

export type Json = Record<string, unknown>;

/** First packets from one address to another, one per port: addresses, as the dataplane sees them. */
export interface Query {
  src: string;
  dst: string;
  protocol: "TCP" | "UDP" | "SCTP";
  ports: number[];
}

export interface DataplaneCase {
  id: string;
  namespaces: Json[];
  pods: Json[];
  policies: Json[];
  queries: Query[];
}

interface Answer {
  id: string;
  error?: string;
  allowed: string[];
}

/**
 * The dataplane's verdicts: per case, per query, one character per port ("1" lets it through,
 * "0" drops it). A case it cannot read is an error.
 */
export async function askDataplane(
  binary: string,
  cases: readonly DataplaneCase[],
): Promise<string[][]> {
  const answers = await askJsonLines<Answer>(binary, cases);
  return answers.map((answer, i) => {
    if (answer.error || answer.id !== cases[i]!.id)
      throw new Error(
        `netpol-oracle on case ${cases[i]!.id}: ${answer.error ?? "answered out of order"}`,
      );
    return answer.allowed;
  });
}
