/**
 * One `check --format json` of a repository (in process, as the other CLI properties run it),
 * and its findings as comparable keys: rule, severity, object, field and message, with the
 * names a transformation renamed mapped back and places in messages left out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCli } from "../run.js";

export { minus } from "../multiset.js";

export interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  path?: string;
  object?: { kind: string; namespace?: string; name: string };
  /** With `--baseline`: "new" or "unchanged". */
  baseline?: string;
}

export interface Verdict {
  findings: JsonFinding[];
  /** The files as written, to read a finding's line. */
  files: Record<string, string>;
  /** The JSON report as printed, to compare a later run with (`--baseline`). */
  report: string;
}

const scratch = mkdtempSync(join(tmpdir(), "scout-metamorph-"));
let cases = 0;

export function removeScratch(): void {
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * `check k8s --config scout-deploy.yaml --format json` over these files (relative to k8s/);
 * with `baseline` (an earlier run's JSON report), `--baseline` too: each finding says whether
 * it is new.
 */
export async function check(
  files: Record<string, string>,
  policy = "",
  path = "k8s",
  baseline?: string,
): Promise<Verdict> {
  const dir = join(scratch, `case-${cases++}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, "k8s", path)), { recursive: true });
    writeFileSync(join(dir, "k8s", path), text);
  }
  writeFileSync(join(dir, "scout-deploy.yaml"), policy || "policy: {}\n");
  if (baseline !== undefined) writeFileSync(join(dir, "base.json"), baseline);
  const compared = baseline === undefined ? [] : ["--baseline", "base.json"];
  const run = await runCli(
    [
      ...["check", path, "--config", "scout-deploy.yaml", "--format", "json", "--fail-on", "never"],
      ...compared,
    ],
    { cwd: dir, env: process.env },
  );
  rmSync(dir, { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`check exited ${run.code}: ${run.stderr}`);
  const prefixed = Object.fromEntries(Object.entries(files).map(([p, t]) => [`k8s/${p}`, t]));
  return { findings: JSON.parse(run.stdout).findings, files: prefixed, report: run.stdout };
}

/** Names a transformation changed, new -> old, to compare findings on the old names. */
export type Renames = ReadonlyMap<string, string>;

const PLACE = /\S+\.(ya?ml|json):\d+(:\d+)?/g;

function renamedBack(text: string, renames: Renames): string {
  let out = text;
  for (const [to, from] of renames) out = out.replace(tokenPattern(to), from);
  return out;
}

/** `name` as a whole token: not part of a longer name (`scout-backend` in `scout-backend-x`). */
export function tokenPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, "g");
}

/** What a finding says about which object, independent of where it is written. */
export function findingKey(f: JsonFinding, renames: Renames = new Map(), paths = true): string {
  const o = f.object;
  const back = (s: string | undefined) => (s === undefined ? "" : renamedBack(s, renames));
  const object = o ? `${o.kind}/${back(o.namespace)}/${back(o.name)}` : "-";
  const message = back(f.message.replace(PLACE, "<place>"));
  return `${f.ruleId} ${f.severity} ${object} ${paths ? (f.path ?? "") : ""} :: ${message}`;
}

/** How findings compare after a rewrite. */
export interface Comparison {
  renames?: Renames;
  /** False when a rewrite moves fields (pod to container): the path is no longer the same. */
  paths?: boolean;
  /** Kinds whose findings compare by rule, kind and count only (objects split or merged). */
  coarseKinds?: readonly string[];
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet and Pod compare as one kind. */
  workloadKinds?: boolean;
}

export const WORKLOAD_KIND = /\b(Deployment|StatefulSet|DaemonSet|ReplicaSet|Pod)\b/g;

/** The findings' keys, sorted. */
export function keysOf(v: Verdict, how: Comparison = {}): string[] {
  return v.findings
    .map((f) => {
      const key = how.coarseKinds?.includes(f.object?.kind ?? "")
        ? `${f.ruleId} ${f.severity} ${f.object!.kind}`
        : findingKey(f, how.renames, (how.paths ?? true) && !how.workloadKinds);
      return how.workloadKinds ? key.replace(WORKLOAD_KIND, "Workload") : key;
    })
    .sort();
}

/** The key a finding's path ends in (`runAsUser`), when it ends in a key, not an index. */
function lastKey(f: JsonFinding): string | undefined {
  const key = f.path?.split("/").at(-1)?.replace(/~1/g, "/").replace(/~0/g, "~");
  return key && !/^\d+$/.test(key) ? key : undefined;
}

/**
 * Whether the line a finding points at holds the key of its field (or, in YAML with anchors,
 * the alias or merge key that brought the field): undefined when the path ends in no key.
 */
export function onItsKey(v: Verdict, f: JsonFinding): boolean | undefined {
  const key = lastKey(f);
  if (!key) return undefined;
  const line = v.files[f.file]?.split("\n")[f.line - 1] ?? "";
  return line.includes(key) || /[*&]a\d|<</.test(line);
}

/**
 * Positions follow the text: each finding that sits on its field's key in `before` sits on it in
 * `after` too. Returns the findings of `after` that do not.
 */
export function misplaced(before: Verdict, after: Verdict, how: Comparison = {}): string[] {
  const paths = how.paths ?? true;
  const placed = new Set(
    before.findings.filter((f) => onItsKey(before, f)).map((f) => findingKey(f, undefined, paths)),
  );
  return after.findings
    .filter((f) => placed.has(findingKey(f, how.renames, paths)) && !onItsKey(after, f))
    .map((f) => `${f.ruleId} ${f.path} at ${f.file}:${f.line}:${f.column}`);
}
