import { spawnSync } from "node:child_process";
import { findTool } from "@scout-deploy/core/testing";

/**
 * scripts/rbac-oracle: the Kubernetes v1.37.2 RBAC code (the authorizer, the bootstrap
 * ClusterRoles, the aggregation controller's union, the API server's validation of RBAC objects)
 * answering questions about generated RBAC objects. Built by scripts/install-rbac-oracle.sh.
 */
export interface Request {
  user?: string;
  groups?: string[];
  namespace?: string;
  verb: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** A non-resource URL; the request is a resource request when it is absent. */
  path?: string;
  /** For a rule question: the index of the rule in the case's `rules`. */
  rule?: number;
}

export interface OracleCase {
  objects: Record<string, unknown>[];
  /** Whether the cluster has its built-in ClusterRoles (the API server's bootstrap policy). */
  bootstrap?: boolean;
  questions?: Request[];
  rules?: Record<string, unknown>[];
  ruleQuestions?: Request[];
}

export interface OracleAnswer {
  /** Objects the API server refuses, by index in `objects`, with its first reason. */
  refused: Array<{ index: number; reason: string }>;
  answers: boolean[];
  ruleAnswers: boolean[];
}

export interface OracleOutput {
  bootstrapRoles: Array<{ name: string; labels: Record<string, string>; aggregated: boolean }>;
  cases: OracleAnswer[];
}

export const INSTALL_HINT = "bash scripts/install-rbac-oracle.sh";

/** RBAC_ORACLE names the binary; RBAC_ORACLE=none pretends it is not installed. */
export function findRbacOracle(): string | undefined {
  return findTool("rbac-oracle", "RBAC_ORACLE");
}

/** All cases in one run of the oracle. */
export function askOracle(binary: string, cases: OracleCase[]): OracleOutput {
  const result = spawnSync(binary, [], {
    input: JSON.stringify({ cases }),
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) {
    throw new Error(`rbac-oracle failed (${result.status}): ${result.stderr || result.error}`);
  }
  return JSON.parse(result.stdout) as OracleOutput;
}
