import { askJsonLines, findTool } from "@scout-deploy/core/testing";

/**
 * scripts/prom-oracle: Prometheus v0.316.0's own code (promql/parser, config.Load, rulefmt,
 * discovery/kubernetes over a fake clientset, scrape.PopulateLabels) answering questions about a
 * monitoring setup. Built by scripts/install-prom-oracle.sh.
 */
export const INSTALL_HINT = "scripts/install-prom-oracle.sh";

export function findPromOracle(): string | undefined {
  return findTool("prom-oracle", "PROM_ORACLE_PATH");
}

export type Question =
  | { id: string; q: "promql"; expr: string; metrics: string[]; features?: string[] }
  | {
      id: string;
      q: "load";
      config: string;
      files: Record<string, string>;
      /** Prometheus' --enable-feature values its PromQL parser honours. */
      features?: string[];
    }
  | {
      id: string;
      q: "scrape";
      config: string;
      namespace: string;
      pods: unknown[];
      services: unknown[];
    };

export interface Target {
  job: string;
  role: string;
  address: string;
  metricsPath: string;
  scheme: string;
  pod?: string;
}

export interface Answer {
  id: string;
  ok: boolean;
  error?: string;
  selects?: string[];
  onlyAbsent?: string[];
  /** The expression's value type: vector, scalar, matrix or string. */
  type?: string;
  ruleFiles?: string[];
  rules?: Array<{ alert?: string; record?: string; expr: string }>;
  targets?: Target[];
}

export async function ask(binary: string, questions: readonly Question[]): Promise<Answer[]> {
  if (questions.length === 0) return [];
  const answers = await askJsonLines<Answer>(binary, questions);
  if (answers.length !== questions.length)
    throw new Error(`prom-oracle answered ${answers.length} of ${questions.length} questions`);
  return answers;
}
