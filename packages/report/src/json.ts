import type { Finding, Result } from "@scout-deploy/core";

export interface ToolInfo {
  name: string;
  version: string;
}

/** The `--format json` document of the CLI contract (version 1). */
export function formatJson(result: Result, tool: ToolInfo): string {
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
    },
    findings: result.findings.map(orderedFinding),
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
  };
}
