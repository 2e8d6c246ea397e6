import { inertMarkdown } from "@scout-deploy/core";
import { type Connectivity, endpointId } from "./analyze.js";
import { type ComponentFlow, describeDifference, type FlowComparison } from "./compare.js";
import { formatConns, isEmpty, subtract } from "./conns.js";

/** The matrix as netpol-analyzer prints it: one `src => dst : connections` line per allowed flow, sorted. */
export function formatMatrix(connectivity: Connectivity): string {
  const lines = connectivity.flows.map(
    (f) => `${endpointId(f.from)} => ${endpointId(f.to)} : ${formatConns(f.conns)}`,
  );
  return `${lines.sort().join("\n")}\n`;
}

const STATUS_TEXT: Record<ComponentFlow["status"], string> = {
  intended: "intended",
  extra: "**extra**",
  missing: "**missing**",
  partial: "**partly missing**",
};

/** The component flows as a markdown table, then each difference with the policy to change. */
export function flowsMarkdown(comparison: FlowComparison): string {
  const rows = comparison.flows.map((f) => {
    const extra = subtract(f.allowed, f.intended);
    const allowed = isEmpty(f.allowed) ? "none" : formatConns(f.allowed);
    const intended = isEmpty(f.intended) ? "none" : formatConns(f.intended);
    const note = f.status === "extra" && !isEmpty(extra) ? ` (extra: ${formatConns(extra)})` : "";
    return `| ${inertMarkdown(f.from)} | ${inertMarkdown(f.to)} | ${allowed} | ${intended} | ${STATUS_TEXT[f.status]}${note} |`;
  });
  const table = [
    "| from | to | allowed | intended | status |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  const differences = comparison.differences.map(
    (d) => `- ${d.kind}: ${inertMarkdown(describeDifference(d))}`,
  );
  return differences.length ? `${table}\n\n${differences.join("\n")}\n` : `${table}\n`;
}

/**
 * A Mermaid flowchart of the component flows: intended flows as solid arrows, extra flows as
 * thick red arrows, missing flows as dashed grey arrows.
 */
export function flowsMermaid(comparison: FlowComparison): string {
  const lines = ["flowchart LR"];
  for (const component of comparison.components)
    lines.push(`  ${nodeId(component)}["${mermaidLabel(component)}"]`);
  const styles: string[] = [];
  comparison.flows.forEach((f, index) => {
    const from = nodeId(f.from);
    const to = nodeId(f.to);
    if (f.status === "missing") {
      lines.push(`  ${from} -. "missing: ${formatConns(f.intended)}" .-> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#888,stroke-dasharray:5 5`);
    } else if (f.status === "extra") {
      lines.push(`  ${from} == "extra: ${formatConns(f.allowed)}" ==> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#d00,stroke-width:3px`);
    } else if (f.status === "partial") {
      lines.push(`  ${from} -. "partly missing: ${formatConns(f.intended)}" .-> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#e90,stroke-dasharray:5 5`);
    } else {
      lines.push(`  ${from} -- "${formatConns(f.allowed)}" --> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#2a2`);
    }
  });
  return `${[...lines, ...styles].join("\n")}\n`;
}

/** A quoted Mermaid label: no quote, bracket or line break can end it and start a directive. */
function mermaidLabel(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/["<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}

function nodeId(component: string): string {
  return `n_${component.replace(/[^A-Za-z0-9_]/g, "_")}`;
}
