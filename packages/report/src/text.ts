import { type Finding, inertLine, inertText, type Result, type Severity } from "@scout-deploy/core";

export interface TextOptions {
  color?: boolean;
}

const COLORS: Record<Severity | "dim" | "bold" | "green", [number, number]> = {
  error: [31, 39],
  warning: [33, 39],
  info: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
  green: [32, 39],
};

type Paint = (style: keyof typeof COLORS, text: string) => string;

/**
 * ESLint's "stylish" layout: findings grouped by file, then a one-line verdict. In a
 * comparison with a base, each new finding says "new" and the base's fixed ones follow.
 */
export function formatText(result: Result, options: TextOptions = {}): string {
  const paint: Paint = (style, text) =>
    options.color ? `\u001b[${COLORS[style][0]}m${text}\u001b[${COLORS[style][1]}m` : text;
  const compared = result.fixed !== undefined || result.findings.some((f) => f.baseline);
  const mark = (finding: Finding) =>
    !compared ? "" : finding.baseline === "new" ? `${paint("bold", "new")}  ` : "     ";
  const lines: string[] = [];
  for (const [file, findings] of groupByFile(result.findings)) {
    lines.push(...fileLines(file, findings, mark, paint), "");
  }
  if (result.fixed?.length) {
    lines.push(paint("green", "fixed since the base:"));
    for (const [file, findings] of groupByFile(result.fixed)) {
      lines.push(...fileLines(file, findings, () => "", paint).map((line) => `  ${line}`));
    }
    lines.push("");
  }
  lines.push(verdict(result, paint));
  return `${lines.join("\n")}\n`;
}

function fileLines(
  file: string,
  findings: readonly Finding[],
  mark: (finding: Finding) => string,
  paint: Paint,
): string[] {
  const width = Math.max(...findings.map((f) => placeOf(f).length));
  return [
    paint("bold", inertLine(file)),
    ...findings.map((finding) => {
      const place = placeOf(finding).padEnd(width);
      return `  ${paint("dim", place)}  ${paint(finding.severity, finding.severity.padEnd(7))}  ${mark(finding)}${inertText(finding.message)}  ${paint("dim", finding.ruleId)}`;
    }),
  ];
}

/** "12:7", or with the extent the finding marks, "12:7-12:19" (end column exclusive). */
function placeOf(finding: Finding): string {
  const start = `${finding.line}:${finding.column}`;
  const { endLine, endColumn } = finding;
  const after =
    endLine !== undefined &&
    endColumn !== undefined &&
    (endLine > finding.line || (endLine === finding.line && endColumn > finding.column));
  return after ? `${start}-${endLine}:${endColumn}` : start;
}

function groupByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = groups.get(finding.file) ?? [];
    group.push(finding);
    groups.set(finding.file, group);
  }
  return groups;
}

function verdict(result: Result, paint: Paint): string {
  const { summary } = result;
  const { error, warning, info } = summary.bySeverity;
  const scope = `${plural(summary.files, "file")}, ${plural(summary.objects, "object")}`;
  const suppressed = summary.suppressed ? `, ${summary.suppressed} suppressed` : "";
  if (summary.findings === 0) return paint("green", `✔ no problems (${scope}${suppressed})`);
  const counts = `${plural(summary.findings, "problem")} (${plural(error, "error")}, ${plural(warning, "warning")}, ${info} info)`;
  const mark = summary.passed ? paint("green", "✔ passed with") : paint("error", "✖");
  return `${mark} ${counts} in ${scope}${suppressed}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
