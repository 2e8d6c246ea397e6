import type { Finding, Result } from "@scout-deploy/core";
import { streamJson } from "./stream.js";

export interface ToolInfo {
  name: string;
  version: string;
}

/** What a comparison with the base adds besides the findings: the flows it opens and closes. */
export interface JsonExtras {
  flows?: { opened: readonly unknown[]; closed: readonly unknown[] };
}

/** The `--format json` document of the CLI contract (version 1), as one string: small results. */
export function formatJson(result: Result, tool: ToolInfo, extras: JsonExtras = {}): string {
  return [...formatJsonChunks(result, tool, extras)].join("");
}

/** The same document in chunks, for results of any size (what the CLI and the Action write). */
export function formatJsonChunks(
  result: Result,
  tool: ToolInfo,
  extras: JsonExtras = {},
): Generator<string> {
  const { summary } = result;
  return streamJson(
    (findings) => ({
      version: 1,
      tool,
      summary: {
        files: summary.files,
        objects: summary.objects,
        findings: summary.findings,
        bySeverity: summary.bySeverity,
        suppressed: summary.suppressed,
        passed: summary.passed,
        ...(summary.new !== undefined
          ? { new: summary.new, unchanged: summary.unchanged ?? 0, fixed: summary.fixed ?? 0 }
          : {}),
      },
      findings,
      ...(result.fixed ? { fixed: result.fixed.map(orderedFinding) } : {}),
      ...(extras.flows ? { flows: extras.flows } : {}),
    }),
    result.findings,
    orderedFinding,
  );
}

/** Fixed key order, so diffs of the output stay readable. */
function orderedFinding(finding: Finding) {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    ...(finding.object ? { object: finding.object } : {}),
    file: finding.file,
    line: finding.line,
    column: finding.column,
    ...(finding.endLine !== undefined && finding.endColumn !== undefined
      ? { endLine: finding.endLine, endColumn: finding.endColumn }
      : {}),
    ...(finding.path !== undefined ? { path: finding.path } : {}),
    ...(finding.rendered ? { rendered: finding.rendered } : {}),
    ...(finding.remediation ? { remediation: finding.remediation } : {}),
    ...(finding.helpUri ? { helpUri: finding.helpUri } : {}),
    ...(finding.fingerprint ? { fingerprint: finding.fingerprint } : {}),
    ...(finding.baseline ? { baseline: finding.baseline } : {}),
  };
}
