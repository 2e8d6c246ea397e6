import { type Bundle, type ComponentSettings, inertMarkdown } from "@scout-deploy/core";
import { analyze, type Connectivity } from "./analyze.js";
import { compareWithIntended, type FlowComparison } from "./compare.js";
import { DEFAULT_NETWORK_OPTIONS, type NetworkOptions } from "./intended.js";
import { workloadName } from "./model.js";
import { FLOWS_LEGEND, flowsMarkdown, flowsMermaid, formatMatrix } from "./render.js";

export interface FlowsReport {
  connectivity: Connectivity;
  comparison: FlowComparison;
  /** `src => dst : connections` lines (what `scout-deploy flows` prints). */
  matrix: string;
  /** The component table and the differences, for PR comments and `--format markdown`. */
  markdown: string;
  /** A Mermaid flowchart, to put in a ```mermaid block. */
  mermaid: string;
}

/** Everything the CLI's `flows` command and the markdown report need, from one bundle. */
export function flows(
  bundle: Bundle,
  settings: ComponentSettings,
  options: NetworkOptions = DEFAULT_NETWORK_OPTIONS,
): FlowsReport {
  const connectivity = analyze(bundle);
  const comparison = compareWithIntended(connectivity, settings, options);
  return {
    connectivity,
    comparison,
    matrix: formatMatrix(connectivity),
    markdown: flowsMarkdown(comparison),
    mermaid: flowsMermaid(comparison),
  };
}

/** A titled block of markdown, as the report's `sections` option takes it. */
export interface FlowsSection {
  title: string;
  body: string;
  collapsed: boolean;
}

/** Above this many arrows a diagram is a hairball nobody reads: one sentence says it instead. */
export const MAX_DIAGRAM_EDGES = 12;

/** Workloads named in the sentence before "and N more". */
const MAX_NAMED = 10;

/**
 * The "Network flows" section of the PR comment and `check --format markdown`: a Mermaid
 * diagram (one sentence above MAX_DIAGRAM_EDGES arrows) and the table, when the bundle has
 * NetworkPolicies between Scout's components.
 */
export function flowsSection(
  bundle: Bundle,
  settings: ComponentSettings,
  options: NetworkOptions = DEFAULT_NETWORK_OPTIONS,
): FlowsSection | undefined {
  if (!bundle.objects.some((o) => o.ref.kind === "NetworkPolicy")) return undefined;
  const report = flows(bundle, settings, options);
  if (report.comparison.flows.length === 0) return undefined;
  const picture =
    report.comparison.flows.length > MAX_DIAGRAM_EDGES
      ? inWords(report)
      : `\`\`\`mermaid\n${report.mermaid.trim()}\n\`\`\``;
  return {
    title: "Network flows",
    body: `${picture}\n\n${report.markdown}\n${FLOWS_LEGEND}\n`,
    collapsed: true,
  };
}

/** What a diagram with too many arrows would show: what nothing isolates, else how many are wrong. */
function inWords(report: FlowsReport): string {
  const { connectivity, comparison } = report;
  const open = connectivity.model.workloads.filter(
    (w) =>
      connectivity.isolatedFor(w, "ingress").length === 0 &&
      connectivity.isolatedFor(w, "egress").length === 0,
  );
  const flowsText = `${comparison.flows.length} flows between components are too many arrows for a diagram; the table below has each.`;
  if (open.length === 0) {
    const wrong = comparison.flows.filter((f) => f.status !== "intended").length;
    return `**${wrong} of ${comparison.flows.length} flows are not as intended.** ${flowsText}`;
  }
  const names = open
    .slice(0, MAX_NAMED)
    .map((w) => `\`${inertMarkdown(`${w.namespace}/${workloadName(w)}`).replace(/`/g, "'")}\``);
  const more = open.length > MAX_NAMED ? ` and ${open.length - MAX_NAMED} more` : "";
  const these = open.length === 1 ? "this workload" : `these ${open.length} workloads`;
  return `**Nothing isolates ${these}**: ${names.join(", ")}${more}: any pod and any outside address may reach them, and they may reach anything. ${flowsText}`;
}
