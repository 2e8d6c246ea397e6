import {
  type Bundle,
  type BundleObject,
  type ComponentSettings,
  componentOf,
  inertLine,
  inertMarkdown,
  inertText,
} from "@scout-deploy/core";
import { analyze, analyzeModel, type Connectivity, type Endpoint } from "./analyze.js";
import type { FlowComparison } from "./compare.js";
import { type ConnSet, describePorts, formatConns, NO_CONNS, union } from "./conns.js";
import { diffEndpoints, type EndpointChange, type SideChange } from "./endpoint-diff.js";
import { flows } from "./flows.js";
import { DEFAULT_NETWORK_OPTIONS, EXTERNAL, type NetworkOptions } from "./intended.js";
import { formatInterval } from "./ip.js";
import { buildModel, type Policy, selectorNamesOf, type Workload } from "./model.js";
import { PER_POD_LABELS } from "./pods.js";
import { flowsMermaid } from "./render.js";

/** Connections between two components that one side allows and the other does not. */
export interface FlowChange {
  /** The component, "external", or the workload ("ns/name[Kind]") when it is no component. */
  from: string;
  to: string;
  /** "TCP 6379", as the flows matrix writes connections. */
  connections: string;
  conns: ConnSet;
  /**
   * The ends that gained (or lost) exactly these connections, "scout/nginx[Deployment] →
   * scout/redis[StatefulSet]" (an address range for the outside): the first MAX_LISTED_ENDS.
   */
  ends: string[];
  /** How many ends in all: every pair of a thousand unisolated workloads is a million. */
  endCount: number;
  /**
   * For an opened flow, where the head lets the listed ends through: "NetworkPolicy
   * scout/allow-nginx (k8s/scout.yaml:620)", the policy rule that admits it, or "nothing isolates
   * scout/debug[Deployment] for egress (k8s/debug.yaml:7)". Empty for a closed flow.
   */
  via: string[];
}

/**
 * A NetworkPolicy side that lets through more than in the base, between workloads of both,
 * while the other ends' policies still stop it: no flow opens, but one policy less stands in
 * the way ("the ingress of redis now admits frontend").
 */
export interface WidenedSide {
  /** The destination's ingress, or the source's egress. */
  side: "ingress" | "egress";
  /** Whose side: the component (or the workload, "ns/name[Kind]") it isolates. */
  of: string;
  /** The other ends it now lets through (sources for ingress, destinations for egress). */
  peers: string[];
  /** "TCP 6379". */
  connections: string;
  conns: ConnSet;
  /** The pairs of ends, as for a flow change: the first MAX_LISTED_ENDS, and how many in all. */
  ends: string[];
  endCount: number;
  /** The rules on that side that now admit them, or "nothing isolates ..." when it is open. */
  via: string[];
}

export interface FlowDiff {
  /** Allowed by the head, not by the base. */
  opened: FlowChange[];
  /** Allowed by the base, not by the head. */
  closed: FlowChange[];
  /** Allowed by one side more than in the base, the other side still stopping it. */
  widened: WidenedSide[];
  /** The head's comparison with the intended flows, for the diagram. */
  head: FlowComparison;
}

/**
 * What a change does to the flows, end by end (each workload, each range of outside
 * addresses), told by component: a new workload that an allow rule admits, or an ipBlock
 * widened, opens flows even where its component already had the same ones.
 */
export function diffFlows(
  base: Bundle,
  head: Bundle,
  settings: ComponentSettings,
  options: NetworkOptions = DEFAULT_NETWORK_OPTIONS,
): FlowDiff {
  const after = flows(head, settings, options);
  const [before, now] = onTheSameGroups(base, head);
  const ends = diffEndpoints(before, now);
  const named = (e: Endpoint) =>
    e.kind === "external" ? EXTERNAL : (componentOf(e.workload.object, settings) ?? e.workload.id);
  const admitted = (c: EndpointChange) => admittedAt(now, c.from, c.to);
  return {
    opened: byComponents(ends.opened, named, admitted),
    closed: byComponents(ends.closed, named, () => []),
    widened: bySides(ends.widened, named, (c) => sideAdmittedAt(now, c)),
    head: after.comparison,
  };
}

/** One widened side per owner, side and connections, the peers it now admits listed. */
function bySides(
  changes: readonly SideChange[],
  named: (end: Endpoint) => string,
  placesOf: (change: SideChange) => string[],
): WidenedSide[] {
  const grouped = new Map<string, WidenedSide>();
  for (const change of changes) {
    const [owner, peer] =
      change.side === "ingress" ? [change.to, change.from] : [change.from, change.to];
    const [of, connections] = [named(owner), formatConns(change.conns)];
    const key = `${change.side}\u0000${of}\u0000${connections}`;
    const listed = groupOf(grouped, key, () => ({
      side: change.side,
      of,
      peers: [],
      connections,
      conns: change.conns,
      ...NO_ENDS(),
    }));
    const peerName = named(peer);
    if (!listed.peers.includes(peerName)) listed.peers.push(peerName);
    addEnds(listed, change, () => placesOf(change));
  }
  return byKey(grouped).map((side) => ({ ...side, peers: side.peers.sort() }));
}

/** The ends and places of a group of changes, none yet. */
const NO_ENDS = () => ({ ends: [] as string[], endCount: 0, via: [] as string[] });

function groupOf<G>(grouped: Map<string, G>, key: string, create: () => G): G {
  let group = grouped.get(key);
  if (!group) {
    group = create();
    grouped.set(key, group);
  }
  return group;
}

/** Counts a change's ends in its group, listing the first MAX_LISTED_ENDS with their places. */
function addEnds(
  listed: { ends: string[]; endCount: number; via: string[] },
  change: EndpointChange,
  placesOf: () => string[],
) {
  listed.endCount++;
  if (listed.ends.length === MAX_LISTED_ENDS) return;
  listed.ends.push(`${endName(change.from)} → ${endName(change.to)}`);
  for (const place of placesOf()) if (!listed.via.includes(place)) listed.via.push(place);
}

function byKey<G>(grouped: ReadonlyMap<string, G>): G[] {
  return [...grouped.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, group]) => group);
}

/** The rules of the widened side that admit the pair, or that nothing isolates it any more. */
function sideAdmittedAt(connectivity: Connectivity, change: SideChange): string[] {
  const rules = connectivity.admittingRules(change.from, change.to)[change.side];
  if (rules.length > 0) return rules.map(({ policy, rule }) => policyAt(policy, rule.pointer));
  const owner = change.side === "ingress" ? change.to : change.from;
  if (owner.kind !== "workload") return [];
  return [nothingIsolates(owner.workload, change.side)];
}

/** "nothing isolates scout/redis[Deployment] for ingress (k8s/redis.yaml:7)". */
function nothingIsolates(workload: Workload, direction: "ingress" | "egress"): string {
  return `nothing isolates ${workload.id} for ${direction} (${at(workload.object, workload.template.metadataPointer)})`;
}

function policyAt(policy: Policy, pointer: string): string {
  return `NetworkPolicy ${policy.namespace}/${policy.name} (${at(policy.object, pointer)})`;
}

/**
 * Both sides' connectivity with their workloads cut into the same groups of pods: a selector
 * that names `cache-0` on one side splits the StatefulSet there, and comparing that with the
 * whole set on the other would show the new groups' every flow as opened and the old one's as
 * closed. Each side is split by the values both sides' selectors name; with none, as it is.
 */
function onTheSameGroups(base: Bundle, head: Bundle): [Connectivity, Connectivity] {
  const [baseNames, headNames] = [selectorNamesOf(base), selectorNamesOf(head)];
  const splits = (names: ReadonlyMap<string, ReadonlySet<string>>) =>
    PER_POD_LABELS.some((key) => names.has(key));
  if (!splits(baseNames) && !splits(headNames)) return [analyze(base), analyze(head)];
  return [
    analyzeModel(buildModel(base, { splitOn: headNames })),
    analyzeModel(buildModel(head, { splitOn: baseNames })),
  ];
}

/** One change per pair of components and connections, its ends listed (and counted). */
function byComponents(
  changes: readonly EndpointChange[],
  named: (end: Endpoint) => string,
  placesOf: (change: EndpointChange) => string[],
): FlowChange[] {
  const grouped = new Map<string, FlowChange>();
  for (const change of changes) {
    const [from, to] = [named(change.from), named(change.to)];
    const connections = formatConns(change.conns);
    const key = `${from}\u0000${to}\u0000${connections}`;
    const listed = groupOf(grouped, key, () => ({
      from,
      to,
      connections,
      conns: change.conns,
      ...NO_ENDS(),
    }));
    addEnds(listed, change, () => placesOf(change));
  }
  return byKey(grouped);
}

/** Where the head lets a flow through: the rules that admit it, else the ends nothing isolates. */
function admittedAt(connectivity: Connectivity, from: Endpoint, to: Endpoint): string[] {
  const { ingress, egress } = connectivity.admittingRules(firstAddress(from), firstAddress(to));
  const places = [...egress, ...ingress].map(({ policy, rule }) => policyAt(policy, rule.pointer));
  // A rule on one side is where to look; the ends that nothing isolates only when there is none.
  if (places.length > 0) return places;
  const open = [
    { end: from, direction: "egress" as const },
    { end: to, direction: "ingress" as const },
  ];
  for (const { end, direction } of open) {
    if (end.kind !== "workload" || connectivity.isolatedFor(end.workload, direction).length)
      continue;
    places.push(nothingIsolates(end.workload, direction));
  }
  return places;
}

/**
 * An outside range of a change joins neighbours that changed alike, which different ipBlocks
 * may admit: its first address is admitted by whole rules.
 */
function firstAddress(end: Endpoint): Endpoint {
  return end.kind === "external" ? { kind: "external", range: [end.range[0], end.range[0]] } : end;
}

function at(object: BundleObject, pointer: string): string {
  const { file, line } = object.document.locate(object.pointer + pointer);
  return `${file}:${line}`;
}

/** Ends a change lists; the rest are counted. */
export const MAX_LISTED_ENDS = 20;

function endName(end: Endpoint): string {
  return end.kind === "external" ? formatInterval(end.range) : end.workload.id;
}

/** The JSON form: `{ opened: [{from, to, connections, ends, endCount}], closed: [...] }`. */
export function flowDiffJson(diff: FlowDiff) {
  const plain = ({ from, to, connections, ends, endCount, via }: FlowChange) => ({
    from,
    to,
    connections,
    ends,
    endCount,
    via,
  });
  return {
    opened: diff.opened.map(plain),
    closed: diff.closed.map(plain),
    widened: diff.widened.map(({ side, of, peers, connections, ends, endCount, via }) => ({
      side,
      of,
      peers,
      connections,
      ends,
      endCount,
      via,
    })),
  };
}

/**
 * "the ingress of redis now admits frontend, nginx on TCP 6379", and what still stops it: "the
 * egress of frontend, nginx", each name passed through `shown`.
 */
function widenedWords(change: WidenedSide, shown: (name: string) => string) {
  const peers = change.peers.map(shown).join(", ");
  const [verb, other] = change.side === "ingress" ? ["admits", "egress"] : ["reaches", "ingress"];
  return {
    what: `the ${change.side} of ${shown(change.of)}`,
    how: `now ${verb} ${peers} on ${describePorts(change.conns)}`,
    holding: `the ${other} of ${peers}`,
  };
}

/** Ends named in a line before "and N more". */
const MAX_ENDS = 3;

/**
 * The text form: "opens nginx → redis on TCP 6379 (scout/nginx[Deployment] → …)", one line per
 * change, inert for a terminal and a CI log (names come from the manifests).
 */
export function flowDiffText(diff: FlowDiff): string {
  const line = (verb: string, c: FlowChange) =>
    `${inertLine(`${verb} ${c.from} → ${c.to} on ${describePorts(c.conns)} (${endsOf(c, (end) => end)})${through(c, (place) => place)}`)}\n`;
  const widened = (c: WidenedSide) => {
    const { what, how, holding } = widenedWords(c, (name) => name);
    return `${inertLine(`widens ${what}: it ${how} (${endsOf(c, (end) => end)})${through(c, (place) => place)}; no flow opens: ${holding} still stops it`)}\n`;
  };
  return [
    ...diff.opened.map((c) => line("opens", c)),
    ...diff.closed.map((c) => line("closes", c)),
    ...diff.widened.map(widened),
  ].join("");
}

/** "; through NetworkPolicy scout/allow-nginx (k8s/scout.yaml:620)", for an opened flow. */
function through(change: Pick<FlowChange, "via">, shown: (place: string) => string): string {
  if (change.via.length === 0) return "";
  const named = change.via.slice(0, MAX_ENDS).map(shown).join(", ");
  const more = change.via.length > MAX_ENDS ? ` and ${change.via.length - MAX_ENDS} more` : "";
  return `; through ${named}${more}`;
}

function endsOf(
  change: Pick<FlowChange, "ends" | "endCount">,
  shown: (end: string) => string,
): string {
  const named = change.ends.slice(0, MAX_ENDS).map(shown).join(", ");
  const more = change.endCount > MAX_ENDS ? ` and ${change.endCount - MAX_ENDS} more` : "";
  return `${named}${more}`;
}

/**
 * "This pull request opens nginx → redis on TCP 6379 (scout/nginx[Deployment] →
 * scout/redis[StatefulSet])" (or "on every port"), one line per change.
 */
export function flowDiffMarkdown(diff: FlowDiff, subject = "This pull request"): string {
  const line = (verb: string, c: FlowChange) =>
    `- ${subject} ${verb} ${inertMarkdown(c.from)} → ${inertMarkdown(c.to)} on ${describePorts(c.conns)} (${endsOf(c, codeSpan)})${through(c, inertMarkdown)}`;
  const lines = [
    ...diff.opened.map((c) => line("**opens**", c)),
    ...diff.closed.map((c) => line("closes", c)),
  ];
  const widened = diff.widened.map((c) => {
    const { what, how, holding } = widenedWords(c, inertMarkdown);
    return `- ${subject} **widens ${what}**: it ${how} (${endsOf(c, codeSpan)})${through(c, inertMarkdown)}. No flow opens: ${holding} still stops it.`;
  });
  const flowLines = lines.length ? lines : [`${subject} changes no network flow.`];
  return `${[...flowLines, ...(widened.length ? ["", ...widened] : [])].join("\n")}\n`;
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
  for (const c of betweenComponents(diff.opened)) {
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
  for (const c of betweenComponents(diff.closed)) {
    [c.from, c.to].forEach(addNode);
    added.push(`  ${nodeId(c.from)} -. "closed: ${label(c.connections)}" .-> ${nodeId(c.to)}`);
    styles.push(`  linkStyle ${links++} stroke:#999,stroke-dasharray:2 4`);
  }
  const at = styleLine(0);
  return `${[...lines.slice(0, at), ...added, ...lines.slice(at), ...styles].join("\n")}\n`;
}

/** One arrow per pair of components: the changes of their ends, together. */
function betweenComponents(changes: readonly FlowChange[]) {
  const pairs = new Map<string, { from: string; to: string; conns: ConnSet }>();
  for (const { from, to, conns } of changes) {
    const key = `${from}\u0000${to}`;
    const seen = pairs.get(key);
    pairs.set(key, { from, to, conns: union(seen?.conns ?? NO_CONNS, conns) });
  }
  return [...pairs.values()].map((p) => ({ ...p, connections: formatConns(p.conns) }));
}

/** Inert in markdown: a code span, which nothing but a backtick or a line break could end. */
function codeSpan(text: string): string {
  return `\`${inertText(text.replace(/[`\r\n]/g, " "))}\``;
}

// The same node ids and label quoting as render.ts, so the edges join the head's diagram.
function nodeId(component: string): string {
  return `n_${component.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function label(text: string): string {
  // Workloads that are no component are drawn by name, which the manifests give.
  return inertText(text.replace(/[\r\n]+/g, " ")).replace(/["<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** The "Network changes" section of a comparison: the lines, then the diagram when any changed. */
export function flowDiffSection(diff: FlowDiff): {
  title: string;
  body: string;
  collapsed: boolean;
} {
  const changes = diff.opened.length + diff.closed.length;
  if (changes === 0)
    return { title: "Network changes", body: flowDiffMarkdown(diff), collapsed: false };
  const diagram = `\`\`\`mermaid\n${flowDiffMermaid(diff).trim()}\n\`\`\``;
  const body =
    changes <= LISTED_OPEN
      ? `${flowDiffMarkdown(diff)}\n${diagram}`
      : `${flowDiffHeadline(diff)}\n\n${diagram}\n\n<details><summary>The ${changes} changed flows, with their ends and the policies behind them</summary>\n\n${flowDiffMarkdown(diff)}\n</details>`;
  return { title: "Network changes", body, collapsed: false };
}

/** Changed flows listed line by line in the open; more go in a collapsed list under a headline. */
const LISTED_OPEN = 6;

/**
 * "This pull request **opens 20 flows** and closes none, between backend, external, …": the
 * size of the change in one line, when the flows themselves are too many to read first.
 */
function flowDiffHeadline(diff: FlowDiff): string {
  const count = (n: number) => (n === 0 ? "none" : `${n} flow${n === 1 ? "" : "s"}`);
  const opens = diff.opened.length ? `**opens ${count(diff.opened.length)}**` : "opens none";
  const ends = [...new Set([...diff.opened, ...diff.closed].flatMap((c) => [c.from, c.to]))].sort();
  const sides = diff.widened.length;
  const widened = sides
    ? ` It also **widens ${sides} policy side${sides === 1 ? "" : "s"}** that the other ends still hold.`
    : "";
  return `This pull request ${opens} and closes ${count(diff.closed.length)}, between ${ends.map(inertMarkdown).join(", ")}.${widened}`;
}
