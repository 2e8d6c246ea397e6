import type { Bundle, Settings } from "@scout-deploy/core";
import { analyze, type Connectivity } from "./analyze.js";
import { compareWithIntended, type FlowComparison } from "./compare.js";
import { DEFAULT_NETWORK_OPTIONS, type NetworkOptions } from "./intended.js";
import { flowsMarkdown, flowsMermaid, formatMatrix } from "./render.js";

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
  settings: Settings,
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

/**
 * The "Network flows" section of the PR comment and `check --format markdown`: a Mermaid
 * diagram and the table, when the bundle has NetworkPolicies between Scout's components.
 */
export function flowsSection(
  bundle: Bundle,
  settings: Settings,
  options: NetworkOptions = DEFAULT_NETWORK_OPTIONS,
): FlowsSection | undefined {
  if (!bundle.objects.some((o) => o.ref.kind === "NetworkPolicy")) return undefined;
  const report = flows(bundle, settings, options);
  if (report.comparison.flows.length === 0) return undefined;
  return {
    title: "Network flows",
    body: `\`\`\`mermaid\n${report.mermaid.trim()}\n\`\`\`\n\n${report.markdown}`,
    collapsed: true,
  };
}
