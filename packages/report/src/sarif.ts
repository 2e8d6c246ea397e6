import {
  type AnyRule,
  configuredSeverity,
  type Finding,
  fingerprintOfFinding,
  type PolicyConfig,
  type Result,
  type Severity,
} from "@scout-deploy/core";
import type { ToolInfo } from "./json.js";
import { streamJson } from "./stream.js";

export interface SarifOptions {
  tool: ToolInfo;
  /** Every rule that ran (its `meta` gives the SARIF rule metadata). */
  rules: readonly AnyRule[];
  informationUri?: string;
  /**
   * The run's policy: a rule's level and security-severity are the severity it configures
   * (a rule pack's rule set to error is scanned as high, not as its default).
   */
  policy?: PolicyConfig;
  /**
   * The base's fixed findings (`result.fixed`), listed as results with `baselineState: "absent"`
   * as SARIF 2.1.0 has it for a comparison with a baseline (default true). A file for GitHub
   * code scanning leaves them out: it reads every result as present (it ignores
   * `baselineState`) and closes an alert when its result is absent from the upload.
   */
  absent?: boolean;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** GitHub code scanning maps security-severity to critical/high/medium/low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: "8.0", warning: "5.0", info: "2.0" };

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const DEFAULT_INFORMATION_URI = "https://github.com/scout/secure-deploy";

/** A SARIF 2.1.0 log that GitHub code scanning accepts, as one string: small results. */
export function formatSarif(result: Result, options: SarifOptions): string {
  return [...formatSarifChunks(result, options)].join("");
}

/** The same log in chunks, for results of any size (what the CLI and the Action write). */
export function formatSarifChunks(result: Result, options: SarifOptions): Generator<string> {
  const absent = options.absent === false ? [] : (result.fixed ?? []);
  const rules = sarifRules([...result.findings, ...absent], options.rules, options.policy);
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const log = (results: string) => ({
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: options.tool.name,
            version: options.tool.version,
            semanticVersion: options.tool.version,
            informationUri: options.informationUri ?? DEFAULT_INFORMATION_URI,
            rules,
          },
        },
        results,
        columnKind: "unicodeCodePoints",
      },
    ],
  });
  const listed: { finding: Finding; absent: boolean }[] = [
    ...result.findings.map((finding) => ({ finding, absent: false })),
    ...absent.map((finding) => ({ finding, absent: true })),
  ];
  return streamJson(log, listed, ({ finding, absent }) =>
    sarifResult(finding, index.get(finding.ruleId)!, absent),
  );
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: Record<string, unknown>;
}

/** Rules that ran, plus any rule a finding names that was not passed in; sorted by id. */
function sarifRules(
  findings: readonly Finding[],
  rules: readonly AnyRule[],
  policy: PolicyConfig | undefined,
): SarifRule[] {
  const byId = new Map<string, SarifRule>();
  for (const rule of rules) {
    const configured = policy ? configuredSeverity(rule, policy) : rule.meta.severity;
    // A rule the policy turns off did not run; a finding of it (none) would add it back.
    byId.set(rule.id, ruleFromMeta(rule, configured === "off" ? rule.meta.severity : configured));
  }
  for (const finding of findings) {
    if (!byId.has(finding.ruleId)) byId.set(finding.ruleId, ruleFromFinding(finding));
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function ruleFromMeta(rule: AnyRule, severity: Severity): SarifRule {
  const { meta } = rule;
  const guide = meta.guide ? `\n\nSecurity Guide: ${meta.guide}.` : "";
  const docs = meta.docs ? `\n\n[Documentation](${meta.docs})` : "";
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.description },
    help: {
      text: `${meta.description}\n\nRemediation: ${meta.remediation}${guide}`,
      markdown: `${meta.description}\n\n**Remediation:** ${meta.remediation}${guide}${docs}`,
    },
    ...(meta.docs ? { helpUri: meta.docs } : {}),
    defaultConfiguration: { level: LEVEL[severity] },
    properties: ruleProperties(rule.id, severity),
  };
}

function ruleFromFinding(finding: Finding): SarifRule {
  const text = finding.remediation ?? finding.message;
  return {
    id: finding.ruleId,
    name: ruleName(finding.ruleId),
    shortDescription: { text: finding.ruleId },
    fullDescription: { text: finding.ruleId },
    help: { text, markdown: text },
    ...(finding.helpUri ? { helpUri: finding.helpUri } : {}),
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: ruleProperties(finding.ruleId, finding.severity),
  };
}

function ruleProperties(id: string, severity: Severity) {
  const area = id.split("/")[0]!;
  return {
    tags: ["security", "kubernetes", area],
    precision: "high",
    "problem.severity": severity === "info" ? "recommendation" : severity,
    "security-severity": SECURITY_SEVERITY[severity],
  };
}

/** "pod/run-as-non-root" -> "PodRunAsNonRoot" (SARIF's name is an identifier). */
function ruleName(id: string): string {
  return id
    .split(/[/-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** A result; an absent one is a base finding the head no longer has, where the base had it. */
function sarifResult(finding: Finding, ruleIndex: number, absent: boolean) {
  const object = finding.object ? ` (${describeObject(finding)})` : "";
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: {
      text: `${finding.message}${object}${finding.remediation ? `. ${finding.remediation}` : ""}`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeUri(finding.file), uriBaseId: "%SRCROOT%" },
          region: regionOf(finding),
        },
      },
    ],
    partialFingerprints: { "scoutFinding/v1": fingerprint(finding) },
    ...(absent
      ? { baselineState: "absent" }
      : finding.baseline
        ? { baselineState: finding.baseline }
        : {}),
    properties: { severity: finding.severity, ...(finding.path ? { path: finding.path } : {}) },
  };
}

/** SARIF 2.1.0 §3.30: 1-based lines and columns, `endColumn` one past the region's last character. */
function regionOf(finding: Finding) {
  const start = { startLine: finding.line, startColumn: finding.column };
  if (finding.endLine === undefined || finding.endColumn === undefined) return start;
  return { ...start, endLine: finding.endLine, endColumn: finding.endColumn };
}

function describeObject(finding: Finding): string {
  const { kind, namespace, name } = finding.object ?? {};
  return [kind, namespace ? `${namespace}/${name}` : name].filter(Boolean).join(" ");
}

/** The finding's fingerprint (core computes it: rule, object, JSON path, identity key). */
export function fingerprint(finding: Finding): string {
  return fingerprintOfFinding(finding);
}

function encodeUri(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}
