import { type AnyRule, type Finding, failsAt, type Result } from "@scout-deploy/core";

export interface JunitOptions {
  /** Rules that ran; each becomes a test suite, passing when it reported nothing. */
  rules?: readonly AnyRule[];
  name?: string;
}

/**
 * JUnit XML: one test suite per rule, one test case per finding. Findings at or above the
 * run's fail-on level are failures; the others pass with their message in system-out.
 */
export function formatJunit(result: Result, options: JunitOptions = {}): string {
  const byRule = new Map<string, Finding[]>();
  for (const rule of options.rules ?? []) byRule.set(rule.id, []);
  for (const finding of result.findings) {
    byRule.set(finding.ruleId, [...(byRule.get(finding.ruleId) ?? []), finding]);
  }
  const ids = [...byRule.keys()].sort();
  const suites = ids.map((id) => suite(id, byRule.get(id)!, result));
  const tests = ids.reduce((sum, id) => sum + Math.max(1, byRule.get(id)!.length), 0);
  const failures = result.findings.filter((f) => failsAt(f.severity, result.failOn)).length;
  const name = attr(options.name ?? "scout-deploy");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${name}" tests="${tests}" failures="${failures}" errors="0">\n${suites.join("")}</testsuites>\n`;
}

function suite(ruleId: string, findings: readonly Finding[], result: Result): string {
  const failures = findings.filter((f) => failsAt(f.severity, result.failOn)).length;
  const cases =
    findings.length === 0
      ? [`    <testcase classname="${attr(ruleId)}" name="no findings"/>\n`]
      : findings.map((finding) => testCase(finding, result));
  return `  <testsuite name="${attr(ruleId)}" tests="${Math.max(1, findings.length)}" failures="${failures}" errors="0" skipped="0">\n${cases.join("")}  </testsuite>\n`;
}

function testCase(finding: Finding, result: Result): string {
  const object = finding.object
    ? ` ${finding.object.kind ?? ""} ${finding.object.namespace ? `${finding.object.namespace}/` : ""}${finding.object.name ?? ""}`.trimEnd()
    : "";
  const name = `${finding.file}:${finding.line}:${finding.column}${object}`;
  const details = [
    `${finding.severity}: ${finding.message}`,
    `at ${finding.file}:${finding.line}:${finding.column}${finding.path ? ` (${finding.path})` : ""}`,
    ...(finding.remediation ? [`remediation: ${finding.remediation}`] : []),
    ...(finding.helpUri ? [`docs: ${finding.helpUri}`] : []),
  ].join("\n");
  const head = `    <testcase classname="${attr(finding.ruleId)}" name="${attr(name)}" file="${attr(finding.file)}" line="${finding.line}">\n`;
  const body = failsAt(finding.severity, result.failOn)
    ? `      <failure type="${finding.severity}" message="${attr(finding.message)}">${text(details)}</failure>\n`
    : `      <system-out>${text(details)}</system-out>\n`;
  return `${head}${body}    </testcase>\n`;
}

// XML 1.0 forbids most control characters even when escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what we remove.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function text(value: string): string {
  return value
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;");
}
