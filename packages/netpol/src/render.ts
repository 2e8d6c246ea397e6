import { inertLine, inertMarkdown, inertText } from "@scout-deploy/core";
import { type Connectivity, endpointId, type Flow } from "./analyze.js";
import {
  type ComponentFlow,
  describeDifference,
  type FlowComparison,
  sureConns,
} from "./compare.js";
import { type ConnSet, describePorts, formatConns, intersect, isEmpty, subtract } from "./conns.js";

/**
 * The matrix as netpol-analyzer prints it: one `src => dst : connections` line per allowed flow,
 * sorted. Names come from manifests: a control character in one is shown as its escape, so that
 * it cannot break the line, recolour the terminal or start a workflow command in a CI log.
 */
export function formatMatrix(connectivity: Connectivity): string {
  const { model } = connectivity;
  const open = model.namesOpenNamespaceLabels || model.namesUnknownLabels;
  const lines = connectivity.flows.map((f) =>
    inertLine(
      `${endpointId(f.from)} => ${endpointId(f.to)} : ${formatConns(f.conns)}${open ? maybeNote(connectivity, f) : ""}`,
    ),
  );
  return `${lines.sort().join("\n")}\n`;
}

/**
 * A flow that holds only for some labellings the input leaves open (a namespace without a
 * Namespace object, a label only the cluster sets) is marked: " (maybe)", or what holds surely.
 */
function maybeNote(connectivity: Connectivity, flow: Flow): string {
  return maybeMark(flow.conns, subtract(flow.conns, sureConns(connectivity, flow)), formatConns);
}

/**
 * How every view marks what may or may not flow among `conns`: nothing when all of it is sure,
 * " (maybe)" when none is, else " (maybe; sure: <what is>)".
 */
function maybeMark(
  conns: ConnSet,
  maybe: ConnSet,
  format: (conns: ConnSet) => string = describePorts,
): string {
  const shown = intersect(maybe, conns);
  if (isEmpty(shown)) return "";
  const sure = subtract(conns, shown);
  return isEmpty(sure) ? " (maybe)" : ` (maybe; sure: ${format(sure)})`;
}

const STATUS_TEXT: Record<ComponentFlow["status"], string> = {
  intended: "intended",
  extra: "**extra**",
  missing: "**missing**",
  partial: "**partly missing**",
};

/** Differences listed under the table; the findings have every one. */
export const MAX_LISTED_DIFFERENCES = 20;

/**
 * The component flows as a markdown table, then the differences with the policy to change: at
 * most MAX_LISTED_DIFFERENCES, and none that only a missing isolation opens (the sentence or
 * network/default-deny says that once per workload).
 */
export function flowsMarkdown(comparison: FlowComparison): string {
  const rows = comparison.flows.map((f) => {
    const extra = subtract(f.allowed, f.intended);
    const allowed = isEmpty(f.allowed)
      ? "none"
      : `${describePorts(f.allowed)}${maybeMark(f.allowed, f.maybe)}`;
    const intended = isEmpty(f.intended) ? "none" : describePorts(f.intended);
    const note =
      f.status === "extra" && !isEmpty(extra)
        ? ` (extra: ${describePorts(extra)}${maybeStatus(f) ? "" : maybeMark(extra, f.maybe)})`
        : "";
    const status = maybeStatus(f) ? `maybe ${STATUS_TEXT[f.status]}` : STATUS_TEXT[f.status];
    return `| ${inertMarkdown(f.from)} | ${inertMarkdown(f.to)} | ${allowed} | ${intended} | ${status}${note} |`;
  });
  const table = [
    "| from | to | allowed | intended | status |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  const listed = comparison.differences.filter(
    (d) => d.kind !== "extra" || d.target.object?.ref.kind === "NetworkPolicy",
  );
  const unisolated = comparison.differences.length - listed.length;
  const differences = listed
    .slice(0, MAX_LISTED_DIFFERENCES)
    .map((d) => `- ${d.kind}: ${inertMarkdown(describeDifference(d))}`);
  if (listed.length > MAX_LISTED_DIFFERENCES)
    differences.push(`- … and ${listed.length - MAX_LISTED_DIFFERENCES} more: see the findings.`);
  if (unisolated > 0)
    differences.push(
      `- ${unisolated} extra ${unisolated === 1 ? "flow is" : "flows are"} open only because no policy isolates ${unisolated === 1 ? "its ends" : "their ends"}: network/default-deny reports each such workload once.`,
    );
  return differences.length ? `${table}\n\n${differences.join("\n")}\n` : `${table}\n`;
}

/**
 * Whether the flow's status rests on what may or may not flow: an extra flow whose extra ports
 * are all "maybe", an intended (or partly missing) one whose intended ports are only maybe
 * allowed. Such a row reads "maybe extra", "maybe intended".
 */
function maybeStatus(f: ComponentFlow): boolean {
  if (isEmpty(f.maybe)) return false;
  if (f.status === "extra") return isEmpty(subtract(subtract(f.allowed, f.intended), f.maybe));
  return !isEmpty(intersect(intersect(f.intended, f.allowed), f.maybe));
}

/** What the diagram's arrows and the table's marks mean, under both in the PR comment. */
export const FLOWS_LEGEND =
  "Solid green: intended; thick red: extra; dashed grey: missing; dashed orange: partly missing; dotted: maybe, allowed only for some values of labels the manifests leave open (a namespace without a Namespace object, a label only the cluster sets). In the table, (maybe) marks such ports and sure: what flows whatever those labels are.";

/**
 * A Mermaid flowchart of the component flows: intended flows as solid arrows, extra flows as
 * thick red arrows, missing flows as dashed grey arrows; a flow whose status rests on labels the
 * input leaves open is a dotted arrow of its colour, its label marked "maybe".
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
      lines.push(`  ${from} -. "missing: ${describePorts(f.intended)}" .-> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#888,stroke-dasharray:5 5`);
    } else if (f.status === "extra" && maybeStatus(f)) {
      lines.push(`  ${from} -. "maybe extra: ${allowedLabel(f, "maybe")}" .-> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#d00,stroke-dasharray:2 3`);
    } else if (f.status === "extra") {
      lines.push(`  ${from} == "extra: ${allowedLabel(f)}" ==> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#d00,stroke-width:3px`);
    } else if (f.status === "partial") {
      const maybe = maybeStatus(f) ? `; allowed: ${allowedLabel(f)}` : "";
      lines.push(`  ${from} -. "partly missing: ${describePorts(f.intended)}${maybe}" .-> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#e90,stroke-dasharray:5 5`);
    } else if (maybeStatus(f)) {
      lines.push(`  ${from} -. "maybe: ${allowedLabel(f, "maybe")}" .-> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#2a2,stroke-dasharray:2 3`);
    } else {
      lines.push(`  ${from} -- "${allowedLabel(f)}" --> ${to}`);
      styles.push(`  linkStyle ${index} stroke:#2a2`);
    }
  });
  return `${[...lines, ...styles].join("\n")}\n`;
}

/**
 * "TCP 8000", "TCP 8000 (maybe)", "TCP 8000 and 9000 (maybe; sure: TCP 8000)"; after a label
 * that already says "maybe", a flow that is all maybe is not marked twice.
 */
function allowedLabel(f: ComponentFlow, said?: "maybe"): string {
  const mark = maybeMark(f.allowed, f.maybe);
  return `${describePorts(f.allowed)}${said && mark === " (maybe)" ? "" : mark}`;
}

/**
 * A quoted Mermaid label: no quote, bracket or line break can end it and start a directive, and
 * no other control character reaches the terminal the diagram is printed on.
 */
function mermaidLabel(text: string): string {
  return inertText(text.replace(/[\r\n]+/g, " ")).replace(/["<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}

function nodeId(component: string): string {
  return `n_${component.replace(/[^A-Za-z0-9_]/g, "_")}`;
}
