import {
  compareFindings,
  type Finding,
  fingerprintOfFinding,
  isRecord,
  type Locate,
  placedAt,
  type Result,
  summarize,
} from "@scout-deploy/core";
import { type ConfigKey, decidingKey, type RenderedSource } from "@scout-deploy/manifests";

/** What it takes to put a rendered file's findings on the config that produced it. */
export interface RenderedPositions {
  /** The config file as findings name it. */
  configFile: string;
  /** The raw `scout:` section: which keys the user set. */
  scout: unknown;
  /** A JSON Pointer of the config document -> its place. */
  locate: Locate;
  /** What the render returned: each object's file and deciding keys. */
  sources: readonly RenderedSource[];
  /** A finding's file -> the rendered file's name ("20-backend.yaml"); undefined for other files. */
  renderedName(file: string): string | undefined;
  /** How a rendered file is named to the user: its name, or where `render --out` wrote it. */
  shownAs(name: string): string;
}

/**
 * Findings on rendered manifests, moved to the config key that decided the field (the key the
 * user set, else the nearest key that would change it), the rendered place kept beside. The
 * findings of one rule that land on one key become one finding naming every rendered place.
 */
export function relocateRenderedFindings(result: Result, positions: RenderedPositions): Result {
  const moved = result.findings.map((finding) => relocate(finding, positions));
  const findings = mergeOnOneKey(moved).sort(compareFindings);
  const suppressed = result.suppressed
    .map((finding) => relocate(finding, positions))
    .map(({ finding }) => finding as (typeof result.suppressed)[number])
    .sort(compareFindings);
  return {
    ...result,
    findings,
    suppressed,
    summary: summarize(
      findings,
      {
        files: result.summary.files,
        objects: result.summary.objects,
        suppressed: suppressed.length,
      },
      result.failOn,
    ),
  };
}

interface Moved {
  finding: Finding;
  /** Set on relocated findings: the rendered place's description, for merged messages. */
  place?: string;
  decided?: string;
  original?: string;
}

function relocate<F extends Finding>(finding: F, positions: RenderedPositions): Moved {
  const name = positions.renderedName(finding.file);
  if (name === undefined) return { finding };
  const source = positions.sources.find(
    (s) =>
      s.file === name &&
      s.kind === finding.object?.kind &&
      s.name === finding.object?.name &&
      s.namespace === finding.object?.namespace,
  );
  const path = finding.path ?? "";
  const wanted = source ? decidingKey(source, path, finding.ruleId) : [];
  const key = presentKey(positions.scout, wanted, source?.section ?? []);
  // A parent of the deciding key is marked by its key alone (locating the key falls back to it).
  const located = isPrefix(key, wanted) ? wanted : key;
  const at = positions.locate(["/scout", ...located.map(escapePart)].join("/"));
  const rendered = { file: positions.shownAs(name), line: finding.line, path };
  const object = finding.object ? `${finding.object.kind} ${finding.object.name}` : "document";
  const place = `${rendered.file}:${rendered.line} ${object}${path ? ` ${dotted(path)}` : ""}`;
  const decided = `scout.${wanted.join(".")}${sameKey(key, wanted) ? "" : " (not set: its default)"}`;
  return {
    finding: {
      ...placedAt(finding, { ...at, file: positions.configFile }),
      rendered,
      message: `${finding.message} (rendered ${place}; decided by ${decided})`,
    },
    place,
    decided,
    original: finding.message,
  };
}

/** The deciding key when the user set it, else the object's section, else the key's nearest set parent. */
function presentKey(scout: unknown, wanted: ConfigKey, section: ConfigKey): ConfigKey {
  if (isSet(scout, wanted)) return wanted;
  if (section.length && isSet(scout, section)) return section;
  for (let n = wanted.length - 1; n > 0; n--) {
    if (isSet(scout, wanted.slice(0, n))) return wanted.slice(0, n);
  }
  return [];
}

function isSet(scout: unknown, key: ConfigKey): boolean {
  let node = scout;
  for (const part of key) {
    if (!isRecord(node) || !(part in node)) return false;
    node = node[part];
  }
  return true;
}

function sameKey(a: ConfigKey, b: ConfigKey): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function isPrefix(prefix: ConfigKey, key: ConfigKey): boolean {
  return prefix.length <= key.length && prefix.every((part, i) => part === key[i]);
}

function escapePart(part: string): string {
  return part.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** "/spec/template/spec/containers/0/image" -> "spec.template.spec.containers[0].image". */
function dotted(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

/** One finding per rule and config key: the messages (each once) and every rendered place. */
function mergeOnOneKey(moved: readonly Moved[]): Finding[] {
  const groups = new Map<string, Moved[]>();
  const kept: Finding[] = [];
  for (const entry of moved) {
    const { finding } = entry;
    if (!entry.place) {
      kept.push(finding);
      continue;
    }
    const key = [finding.ruleId, finding.severity, finding.line, finding.column].join("\u0000");
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  }
  for (const group of groups.values())
    kept.push(group.length === 1 ? group[0]!.finding : merged(group));
  return kept;
}

function merged(group: readonly Moved[]): Finding {
  const first = group[0]!.finding;
  const messages = condensed([...new Set(group.map((m) => m.original ?? ""))]);
  const decided = [...new Set(group.map((m) => m.decided))].join(", ");
  const places = group.map((m) => m.place).join("; ");
  return {
    ...first,
    message: `${messages} (rendered ${places}; decided by ${decided})`,
    merged: group.flatMap((m) => m.finding.merged ?? [fingerprintOfFinding(m.finding)]),
  };
}

const FIRST_QUOTED = /"[^"]*"/;

/**
 * Messages that differ only in their first quoted name (the container, the workload) are said
 * once: `container "backend" runs as root (same for "frontend", "redis")`; others are listed.
 */
function condensed(messages: readonly string[]): string {
  const [first = ""] = messages;
  const template = (m: string) => m.replace(FIRST_QUOTED, '"*"');
  if (messages.length < 2 || !FIRST_QUOTED.test(first)) return messages.join("; ");
  if (!messages.every((m) => template(m) === template(first))) return messages.join("; ");
  const others = messages.slice(1).map((m) => FIRST_QUOTED.exec(m)?.[0]);
  return `${first} (same for ${others.join(", ")})`;
}
