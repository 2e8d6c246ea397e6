import {
  type AnyRule,
  compareFindings,
  type Finding,
  failsAt,
  inertMarkdown,
  type Result,
  type Severity,
  severityRank,
} from "@scout-deploy/core";

/** GitHub refuses comment and summary bodies longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** What the comment uses by default: under GitHub's limit with room for what others add. */
export const COMMENT_BUDGET = 60_000;

export interface MarkdownSection {
  title: string;
  /** Markdown, e.g. a mermaid flow diagram or a sign-off line. */
  body: string;
  /** Put the body inside a collapsed <details>. */
  collapsed?: boolean;
}

export interface FileLinks {
  /** e.g. https://github.com (GitHub Enterprise: its own server). */
  serverUrl: string;
  /** owner/name */
  repository: string;
  /** The commit the links point at: a pull request's head SHA. */
  sha: string;
}

export interface MarkdownOptions {
  /** Rules that ran, so the checklist can tell "not checked" from "passed". */
  rules?: readonly AnyRule[];
  title?: string;
  /** Links findings to file and line at this commit. */
  links?: FileLinks;
  /** Extra sections from other parts (network flows, sign-off, ...), shown after the checklist. */
  sections?: readonly MarkdownSection[];
  /** Text that opens the body, e.g. a hidden marker comment. */
  header?: string;
  /** Findings beyond this many are put in a collapsed <details>. */
  collapseAfter?: number;
  /** Where every finding can be read when the table is cut (the run's findings file). */
  allFindings?: { url: string; label: string };
  /** Maximum length of the whole body, in UTF-16 code units (GitHub's counting); default COMMENT_BUDGET. */
  maxLength?: number;
}

export interface ChecklistSection {
  title: string;
  /** Rule id prefixes that belong to the section. */
  prefixes: readonly string[];
}

/** The guide's production checklist: one line per section. */
export const PRODUCTION_CHECKLIST: readonly ChecklistSection[] = [
  { title: "Network policies", prefixes: ["network/"] },
  { title: "Pod security", prefixes: ["pod/", "workload/", "namespace/"] },
  { title: "RBAC", prefixes: ["rbac/"] },
  { title: "Secrets", prefixes: ["secrets/"] },
  { title: "Monitoring", prefixes: ["monitoring/"] },
];

const MIN_ROW = 20;

const ICON: Record<Severity, string> = { error: "🔴", warning: "🟠", info: "🔵" };

/** The PR comment and job summary. */
export function formatMarkdown(result: Result, options: MarkdownOptions = {}): string {
  return fitMarkdown(result, options).markdown;
}

/**
 * The markdown, and whether every finding has its row in it (else the table says how many are
 * left out and where they are): a comment can then point at a summary that holds them all.
 */
export function fitMarkdown(
  result: Result,
  options: MarkdownOptions = {},
): { markdown: string; complete: boolean } {
  const limit = options.maxLength ?? COMMENT_BUDGET;
  const rows = Math.max(result.findings.length, result.fixed?.length ?? 0);
  const done = (markdown: string, shown: number) => ({ markdown, complete: shown >= rows });
  // A row is never shorter than this: more rows than limit / MIN_ROW cannot fit, whatever the
  // findings, and a million rows would not fit in one string either.
  let shown = Math.min(rows, Math.ceil(limit / MIN_ROW));
  const whole = render(result, options, shown);
  if (whole.length <= limit) return done(whole, shown);
  // The findings are the verdict's reasons: extra sections (a flow diagram) give way first.
  const fitted = { ...options, sections: fitSections(options, Math.floor(limit / 2)) };
  for (;;) {
    const body = render(result, fitted, shown);
    if (body.length <= limit) return done(body, shown);
    if (shown === 0) return { markdown: hardTruncate(body, limit), complete: false };
    // Shrink quickly, then settle on the most rows that fit.
    const over = body.length - limit;
    const perRow = Math.max(1, Math.floor(body.length / Math.max(1, shown + 10)));
    shown = Math.max(0, shown - Math.max(1, Math.ceil(over / perRow)));
  }
}

function render(result: Result, options: MarkdownOptions, shown: number): string {
  if (result.summary.new !== undefined) return renderComparison(result, options, shown);
  const parts = [
    ...(options.header ? [options.header] : []),
    `## ${options.title ?? "Scout Secure Deploy"}`,
    verdict(result),
    checklist(result, options.rules),
    ...(options.sections ?? []).map(section),
    findingsBlock(result, options, shown),
  ];
  return `${parts.filter(Boolean).join("\n\n")}\n`;
}

/**
 * A comparison with the base: what the change adds first, then what it fixes, the policy it
 * weakens, the other parts' sections (network changes), and the unchanged findings collapsed.
 */
function renderComparison(result: Result, options: MarkdownOptions, shown: number): string {
  const isPolicy = (f: Finding) => f.ruleId === POLICY_WEAKENED;
  const fresh = result.findings.filter((f) => f.baseline === "new" && !isPolicy(f));
  const policy = result.findings.filter((f) => f.baseline === "new" && isPolicy(f));
  const unchanged = result.findings.filter((f) => f.baseline !== "new");
  const fixed = result.fixed ?? [];
  const table = (
    findings: readonly Finding[],
    heading: string,
    empty: string,
    links = options.links,
  ) =>
    `### ${heading} (${findings.length})\n\n${findings.length ? findingsTable(findings, links, shown) : empty}`;
  const parts = [
    ...(options.header ? [options.header] : []),
    `## ${options.title ?? "Scout Secure Deploy"}`,
    comparisonVerdict(result, policy.length),
    table(fresh, "New findings", "This change adds no finding."),
    // Fixed findings name the base's lines: no link into the head.
    table(fixed, "Fixed", "This change fixes no finding of the base.", undefined),
    ...(policy.length
      ? [table(policy, "Policy changes", "")]
      : ["### Policy changes\n\nThe policy is not weakened."]),
    ...(options.sections ?? []).map(section),
    unchanged.length
      ? `<details><summary><strong>Unchanged (${unchanged.length})</strong>: findings the base already had</summary>\n\n${findingsTable(unchanged, options.links, shown)}\n\n</details>`
      : "",
  ];
  return `${parts.filter(Boolean).join("\n\n")}\n`;
}

const POLICY_WEAKENED = "policy/weakened";

function comparisonVerdict(result: Result, policyChanges: number): string {
  const { summary } = result;
  const mark = summary.passed ? "✅ **Passed**" : "❌ **Failed**";
  const threshold = result.failOn === "never" ? "never fails" : `fails on ${result.failOn}`;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  // policy/weakened counts among the new findings, but its table is "Policy changes": say both.
  const fresh = plural((summary.new ?? 0) - policyChanges, "new finding");
  const changes = policyChanges ? `, ${plural(policyChanges, "policy change")}` : "";
  return `${mark}: ${fresh}${changes}, ${summary.fixed ?? 0} fixed, ${summary.unchanged ?? 0} unchanged, against the base; the gate decides on new findings only (${threshold}).`;
}

function findingsTable(
  findings: readonly Finding[],
  links: FileLinks | undefined,
  shown: number,
): string {
  const rows = findings.slice(0, shown).map((finding) => row(finding, links));
  const left = findings.length - rows.length;
  const note =
    left > 0
      ? `\n\n… and ${left} more not shown here (GitHub's size limit); see the SARIF or findings file.`
      : "";
  return `${["| | Rule | Where | Message |", "|---|---|---|---|", ...rows].join("\n")}${note}`;
}

function verdict(result: Result): string {
  const { summary } = result;
  const { error, warning, info } = summary.bySeverity;
  const mark = summary.passed ? "✅ **Passed**" : "❌ **Failed**";
  const threshold = result.failOn === "never" ? "never fails" : `fails on ${result.failOn}`;
  const suppressed = summary.suppressed ? `, ${summary.suppressed} suppressed` : "";
  return `${mark}: ${summary.findings} ${summary.findings === 1 ? "finding" : "findings"} (${error} error, ${warning} warning, ${info} info) in ${summary.files} ${summary.files === 1 ? "file" : "files"}, ${summary.objects} ${summary.objects === 1 ? "object" : "objects"}${suppressed}; ${threshold}.`;
}

function checklist(result: Result, rules: readonly AnyRule[] | undefined): string {
  const rows = PRODUCTION_CHECKLIST.map((item) => {
    const inSection = (id: string) => item.prefixes.some((prefix) => id.startsWith(prefix));
    const findings = result.findings.filter((f) => inSection(f.ruleId));
    const ran = rules ? rules.filter((r) => inSection(r.id)).length : undefined;
    return `| ${item.title} | ${checkMark(findings, result, ran)} |`;
  });
  return ["### Production checklist", "", "| Section | Status |", "|---|---|", ...rows].join("\n");
}

function checkMark(findings: readonly Finding[], result: Result, rulesRan?: number): string {
  const failing = findings.filter((f) => failsAt(f.severity, result.failOn)).length;
  if (failing > 0) return `❌ ${failing} failing`;
  if (findings.length > 0) return `⚠️ passed, ${findings.length} below the threshold`;
  if (rulesRan === 0) return "➖ not checked";
  return rulesRan === undefined ? "✅ no findings" : `✅ passed (${rulesRan} rules)`;
}

function section(part: MarkdownSection): string {
  const body = part.body.trim();
  if (!part.collapsed) return `### ${part.title}\n\n${body}`;
  return `<details><summary><strong>${escapeHtml(part.title)}</strong></summary>\n\n${body}\n\n</details>`;
}

function findingsBlock(result: Result, options: MarkdownOptions, shown: number): string {
  const findings = result.findings;
  if (findings.length === 0) return "";
  const groups = byInstance(findings);
  const tables: string[] = [];
  let left = shown;
  for (const [instance, members] of groups) {
    if (left <= 0) break;
    const rows = members.slice(0, left).map((finding) => row(finding, options.links));
    left -= rows.length;
    const table = ["| | Rule | Where | Message |", "|---|---|---|---|", ...rows].join("\n");
    tables.push(
      groups.size > 1 ? `#### ${instanceTitle(instance, members.length)}\n\n${table}` : table,
    );
  }
  const hidden = findings.length - shown;
  const body = `${tables.join("\n\n")}${hidden > 0 ? `\n\n${cutNote(hidden, findings.length, options)}` : ""}`;
  const collapseAfter = options.collapseAfter ?? 20;
  const heading = `### Findings (${findings.length})`;
  if (findings.length <= collapseAfter) return `${heading}\n\n${body}`;
  const summary =
    hidden > 0
      ? `Show the first ${shown} of ${findings.length} findings`
      : `Show ${findings.length} findings`;
  return `${heading}\n\n<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** Says how many rows are left out and where all of them are. */
function cutNote(hidden: number, total: number, options: MarkdownOptions): string {
  const rows = `${hidden} more ${hidden === 1 ? "finding is" : "findings are"} not in this table (it is cut to stay under GitHub's size limit)`;
  const where = options.allFindings
    ? `all ${total} are in ${link(options.allFindings.label, options.allFindings.url)}`
    : `all ${total} are in this check's JSON and SARIF output`;
  return `… ${rows}; ${where}.`;
}

function link(label: string, url: string): string {
  if (!/^https:\/\//.test(url)) return cell(label);
  const safe = url.replace(
    /[()\s<>]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
  return `[${cell(label)}](${safe})`;
}

/**
 * Findings by the Scout deployment of their object (a repository with a staging and a production
 * namespace is reviewed one environment at a time); those of cluster-wide objects come last.
 */
function byInstance(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = finding.instance ?? "";
    const members = groups.get(key);
    if (members) members.push(finding);
    else groups.set(key, [finding]);
  }
  const keys = [...groups.keys()].sort((a, b) =>
    a === "" ? 1 : b === "" ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return new Map(keys.map((key) => [key, groups.get(key)!.sort(bySeverityThenPlace)]));
}

/** The most severe first; within a severity, by file and line, as a reviewer walks the diff. */
function bySeverityThenPlace(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || compareFindings(a, b);
}

function instanceTitle(instance: string, count: number): string {
  const what = instance ? `Instance \`${cell(instance)}\`` : "Cluster-wide objects";
  return `${what} (${count})`;
}

function row(finding: Finding, links: FileLinks | undefined): string {
  const lines = linesOf(finding);
  const place = `${finding.file}:${lines.replace("L", "").replace("-L", "-")}`;
  const where =
    links && insideRepository(finding.file)
      ? `[${cell(place)}](${links.serverUrl}/${links.repository}/blob/${links.sha}/${finding.file.split("/").map(urlSegment).join("/")}#${lines})`
      : codeSpan(place);
  const rule = finding.helpUri
    ? `[\`${finding.ruleId}\`](${finding.helpUri})`
    : `\`${finding.ruleId}\``;
  return `| ${ICON[finding.severity]} ${finding.severity} | ${rule} | ${where} | ${cell(finding.message)} |`;
}

/** "L12", or "L12-L14" for a finding over several lines: GitHub's link to them. */
function linesOf(finding: Finding): string {
  const { line, endLine } = finding;
  return endLine !== undefined && endLine > line ? `L${line}-L${endLine}` : `L${line}`;
}

/** Rendered files and stdin live outside the repository: no link for them. */
function insideRepository(file: string): boolean {
  return !/^(\.\.\/|\/|<|[A-Za-z]:)/.test(file) && !file.includes("/../");
}

/** Table cells hold names from manifests: one line, no pipe, no HTML, link, image or mention. */
function cell(text: string): string {
  return inertMarkdown(text);
}

/** Nothing inside a code span is markup; only a backtick could end it, and a pipe the cell. */
function codeSpan(text: string): string {
  return `\`${text
    .replace(/`/g, "'")
    .replace(/\r?\n|\r/g, " ")
    .replace(/\|/g, "\\|")}\``;
}

/** encodeURIComponent leaves ( ) ! * ' as they are: a ) would end the link's URL. */
function urlSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[()!*']/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Room a section's title and wrapper take besides its body. */
const SECTION_FRAME = 120;

/**
 * The extra sections within `budget` characters together: each keeps what fits of its body, cut
 * on a line boundary, any code fence it opened closed, and a line saying where the rest is.
 */
function fitSections(options: MarkdownOptions, budget: number): MarkdownSection[] {
  const sections = options.sections ?? [];
  const note = `… cut to fit GitHub's size limit; ${
    options.allFindings
      ? `the full report is in ${link(options.allFindings.label, options.allFindings.url)}`
      : "the full report is in this run's log and output files"
  }.`;
  let left = budget;
  return sections.map((part) => {
    const room = left - SECTION_FRAME - part.title.length;
    if (part.body.length <= room) {
      left -= part.body.length + SECTION_FRAME + part.title.length;
      return part;
    }
    const body = cutBody(part.body, Math.max(0, room - note.length - 8));
    left = Math.max(0, room - body.length - note.length);
    return { ...part, body: `${body}\n\n${note}` };
  });
}

/** The first `max` characters of a section, on a line boundary, an open ``` fence closed. */
function cutBody(body: string, max: number): string {
  let cut = body.slice(0, max);
  const newline = cut.lastIndexOf("\n");
  cut = newline > 0 ? cut.slice(0, newline) : "";
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  const fences = cut.split("\n").filter((line) => line.trimStart().startsWith("```")).length;
  return fences % 2 === 1 ? `${cut}\n\`\`\`` : cut;
}

/** Last resort when even the frame is too long (huge extra sections): cut on a line boundary. */
function hardTruncate(body: string, limit: number): string {
  const note = "\n\n… truncated to fit GitHub's size limit.\n";
  let cut = body.slice(0, Math.max(0, limit - note.length));
  const newline = cut.lastIndexOf("\n");
  if (newline > 0) cut = cut.slice(0, newline);
  // Never leave a lone high surrogate at the end.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}${note}`;
}
