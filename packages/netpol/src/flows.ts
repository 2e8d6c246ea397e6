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
