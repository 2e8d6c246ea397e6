import type { Finding, Result } from "@scout-deploy/core";

export interface ToolInfo {
  name: string;
  version: string;
}

/** The `--format json` document of the CLI contract (version 1). */
/** What a comparison with the base adds besides the findings: the flows it opens and closes. */
export interface JsonExtras {
  flows?: { opened: readonly unknown[]; closed: readonly unknown[] };
}

export function formatJson(result: Result, tool: ToolInfo, extras: JsonExtras = {}): string {
  const { summary } = result;
  const document = {
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
    findings: result.findings.map(orderedFinding),
    ...(result.fixed ? { fixed: result.fixed.map(orderedFinding) } : {}),
    ...(extras.flows ? { flows: extras.flows } : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
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
    ...(finding.path !== undefined ? { path: finding.path } : {}),
    ...(finding.remediation ? { remediation: finding.remediation } : {}),
    ...(finding.helpUri ? { helpUri: finding.helpUri } : {}),
    ...(finding.fingerprint ? { fingerprint: finding.fingerprint } : {}),
    ...(finding.baseline ? { baseline: finding.baseline } : {}),
  };
}
