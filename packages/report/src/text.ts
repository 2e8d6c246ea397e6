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

/** ESLint's "stylish" layout: findings grouped by file, then a one-line verdict. */
export function formatText(result: Result, options: TextOptions = {}): string {
  const paint = (style: keyof typeof COLORS, text: string) =>
    options.color ? `\u001b[${COLORS[style][0]}m${text}\u001b[${COLORS[style][1]}m` : text;
  const lines: string[] = [];
  for (const [file, findings] of groupByFile(result.findings)) {
    lines.push(paint("bold", inertLine(file)));
    const width = Math.max(...findings.map((f) => `${f.line}:${f.column}`.length));
    for (const finding of findings) {
      const place = `${finding.line}:${finding.column}`.padEnd(width);
      lines.push(
        `  ${paint("dim", place)}  ${paint(finding.severity, finding.severity.padEnd(7))}  ${inertText(finding.message)}  ${paint("dim", finding.ruleId)}`,
      );
    }
    lines.push("");
  }
  lines.push(verdict(result, paint));
  return `${lines.join("\n")}\n`;
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

function verdict(
  result: Result,
  paint: (style: keyof typeof COLORS, text: string) => string,
): string {
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
