import { type Bundle, type ComponentSettings, inertMarkdown } from "@scout-deploy/core";
import type { FlowComparison } from "./compare.js";
import { type ConnSet, describePorts, formatConns, isEmpty, NO_CONNS, subtract } from "./conns.js";
import { flows } from "./flows.js";
import { DEFAULT_NETWORK_OPTIONS, type NetworkOptions } from "./intended.js";
import { flowsMermaid } from "./render.js";

/** Connections between two components that one side allows and the other does not. */
export interface FlowChange {
  from: string;
  to: string;
  /** "TCP 6379", as the flows matrix writes connections. */
  connections: string;
  conns: ConnSet;
}

export interface FlowDiff {
  /** Allowed by the head, not by the base. */
  opened: FlowChange[];
  /** Allowed by the base, not by the head. */
  closed: FlowChange[];
  /** The head's comparison with the intended flows, for the diagram. */
  head: FlowComparison;
}

/** What a change does to the flows between Scout's components (and external). */
export function diffFlows(
  base: Bundle,
  head: Bundle,
  settings: ComponentSettings,
  options: NetworkOptions = DEFAULT_NETWORK_OPTIONS,
): FlowDiff {
  const before = flows(base, settings, options).comparison;
  const after = flows(head, settings, options).comparison;
  const allowedBefore = allowedByPair(before);
  const allowedAfter = allowedByPair(after);
  const pairs = [...new Set([...allowedBefore.keys(), ...allowedAfter.keys()])].sort();
  const changes = (from: Map<string, ConnSet>, to: Map<string, ConnSet>) =>
    pairs.flatMap((pair): FlowChange[] => {
      const conns = subtract(to.get(pair) ?? NO_CONNS, from.get(pair) ?? NO_CONNS);
      if (isEmpty(conns)) return [];
      const [source = "", destination = ""] = pair.split("\u0000");
      return [{ from: source, to: destination, connections: formatConns(conns), conns }];
    });
  return {
    opened: changes(allowedBefore, allowedAfter),
    closed: changes(allowedAfter, allowedBefore),
    head: after,
  };
}

function allowedByPair(comparison: FlowComparison): Map<string, ConnSet> {
  return new Map(comparison.flows.map((f) => [`${f.from}\u0000${f.to}`, f.allowed]));
}

/** The JSON form: `{ opened: [{from, to, connections}], closed: [...] }`. */
export function flowDiffJson(diff: FlowDiff) {
  const plain = ({ from, to, connections }: FlowChange) => ({ from, to, connections });
  return { opened: diff.opened.map(plain), closed: diff.closed.map(plain) };
}

/** "This pull request opens nginx → redis on TCP 6379" (or "on every port"), one line per change. */
export function flowDiffMarkdown(diff: FlowDiff, subject = "This pull request"): string {
  const line = (verb: string, c: FlowChange) =>
    `- ${subject} ${verb} ${inertMarkdown(c.from)} → ${inertMarkdown(c.to)} on ${describePorts(c.conns)}`;
  const lines = [
    ...diff.opened.map((c) => line("**opens**", c)),
    ...diff.closed.map((c) => line("closes", c)),
  ];
  return lines.length ? `${lines.join("\n")}\n` : `${subject} changes no network flow.\n`;
}

/**
 * The head's diagram with each opened flow standing out (a thick magenta arrow labelled
 * "opened"), and each closed one added as a dotted grey arrow, so a reviewer sees first what
 * the change opens.
 */
export function flowDiffMermaid(diff: FlowDiff): string {
  const lines = flowsMermaid(diff.head).trimEnd().split("\n");
  const { components, flows: headFlows } = diff.head;
  // flowsMermaid writes the header, one node per component, one link per flow, then one
  // linkStyle per link, all in order: link i sits at line 1 + components + i.
  const linkLine = (i: number) => 1 + components.length + i;
  const styleLine = (i: number) => 1 + components.length + headFlows.length + i;
  const opened = (from: string, to: string, connections: string) =>
    `  ${nodeId(from)} == "opened: ${label(connections)}" ==> ${nodeId(to)}`;
  const openedStyle = (i: number) => `  linkStyle ${i} stroke:#c0c,stroke-width:5px`;
  const nodes = new Set(components);
  const added: string[] = [];
  const styles: string[] = [];
  const addNode = (node: string) => {
    if (nodes.has(node)) return;
    nodes.add(node);
    added.push(`  ${nodeId(node)}["${label(node)}"]`);
  };
  let links = headFlows.length;
  for (const c of diff.opened) {
    const i = headFlows.findIndex((f) => f.from === c.from && f.to === c.to);
    if (i >= 0) {
      lines[linkLine(i)] = opened(c.from, c.to, c.connections);
      lines[styleLine(i)] = openedStyle(i);
      continue;
    }
    [c.from, c.to].forEach(addNode);
    added.push(opened(c.from, c.to, c.connections));
    styles.push(openedStyle(links++));
  }
  for (const c of diff.closed) {
    [c.from, c.to].forEach(addNode);
    added.push(`  ${nodeId(c.from)} -. "closed: ${label(c.connections)}" .-> ${nodeId(c.to)}`);
    styles.push(`  linkStyle ${links++} stroke:#999,stroke-dasharray:2 4`);
  }
  const at = styleLine(0);
  return `${[...lines.slice(0, at), ...added, ...lines.slice(at), ...styles].join("\n")}\n`;
}

// The same node ids and label quoting as render.ts, so the edges join the head's diagram.
function nodeId(component: string): string {
  return `n_${component.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function label(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/["<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** The "Network changes" section of a comparison: the lines, then the diagram when any changed. */
export function flowDiffSection(diff: FlowDiff): {
  title: string;
  body: string;
  collapsed: boolean;
} {
  const changed = diff.opened.length + diff.closed.length > 0;
  const diagram = changed ? `\n\n\`\`\`mermaid\n${flowDiffMermaid(diff).trim()}\n\`\`\`` : "";
  return {
    title: "Network changes",
    body: `${flowDiffMarkdown(diff)}${diagram}`,
    collapsed: false,
  };
}
