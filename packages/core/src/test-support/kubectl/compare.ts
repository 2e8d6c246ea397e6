import { buildBundle } from "../../bundle.js";
import { inputRules } from "../../input-rules.js";
import { isRecord } from "../../pointer.js";
import { parseSource } from "../../source.js";
import { COLLIDING_KEYS, type GeneratedFile } from "./generate.js";
import { PROBE_ANNOTATION } from "./oracle.js";

/** What kubectl did with one file. */
export interface KubectlFile {
  objects: Record<string, unknown>[];
  /** kubectl's messages about the file; any message means kubectl refused (part of) it. */
  errors: string[];
}

/** What we did with one file: the objects rules see, and the error-level input problems. */
export interface OurFile {
  objects: Record<string, unknown>[];
  errors: { ruleId: string; message: string; line: number }[];
  /** The parser threw: a crash loses every finding of the run. */
  crash?: string;
}

export type DifferenceKind =
  /** Our parser threw instead of reporting a problem. */
  | "parser-crash"
  /** kubectl refused the file; we gave no error-level input problem on it. */
  | "refusal-missed"
  /** kubectl accepted the file; we gave an error-level input problem on it. */
  | "error-on-accepted-file"
  /** Both have an object of this name, with different contents. */
  | "object-differs"
  /** kubectl sends an object we do not give rules. */
  | "object-missing"
  /** We give rules an object kubectl does not send. */
  | "object-extra"
  /** Keys collide after resolution (kubectl keeps either value) and we said nothing. */
  | "collision-unflagged";

export interface Difference {
  kind: DifferenceKind;
  file: string;
  classes: readonly string[];
  /** kubectl refused (part of) the file. */
  kubectlRefused: boolean;
  /** The rule ids of our error-level input problems on the file. */
  ourErrorRules: readonly string[];
  /** Their messages. */
  ourErrorMessages: readonly string[];
  detail: string;
}

export function readOurs(file: GeneratedFile): OurFile {
  try {
    return readOrThrow(file);
  } catch (error) {
    return { objects: [], errors: [], crash: String(error).split("\n")[0] };
  }
}

function readOrThrow(file: GeneratedFile): OurFile {
  const bundle = buildBundle([parseSource(file.name, file.text)]);
  const errors = bundle.problems
    .filter((p) => p.position.file === file.name && severityOf(p.ruleId) === "error")
    .map((p) => ({ ruleId: p.ruleId, message: p.message, line: p.position.line }));
  const objects = bundle.objects
    .filter((o) => o.document.file.path === file.name)
    .map((o) => annotated(o.value));
  return { objects, errors };
}

/** An input rule id the parser may add later counts as an error until it says otherwise. */
function severityOf(ruleId: string): string {
  return inputRules.find((rule) => rule.id === ruleId)?.meta.severity ?? "error";
}

/** A deep copy with the annotation `kubectl annotate` adds, so both sides compare equal. */
function annotated(value: unknown): Record<string, unknown> {
  const copy = structuredClone(value) as Record<string, unknown>;
  const metadata = isRecord(copy.metadata) ? copy.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  metadata.annotations = { ...annotations, [PROBE_ANNOTATION.key]: PROBE_ANNOTATION.value };
  copy.metadata = metadata;
  return copy;
}

export function compareFile(
  file: GeneratedFile,
  ours: OurFile,
  kubectl: KubectlFile,
): Difference[] {
  const kubectlRefused = kubectl.errors.length > 0;
  const ourErrorRules = [...new Set(ours.errors.map((e) => e.ruleId))];
  const differences: Difference[] = [];
  const add = (kind: DifferenceKind, detail: string) =>
    differences.push({
      kind,
      file: file.name,
      classes: file.classes,
      kubectlRefused,
      ourErrorRules,
      ourErrorMessages: ours.errors.map((e) => e.message),
      detail,
    });
  if (ours.crash) {
    add("parser-crash", ours.crash);
    return differences;
  }
  if (file.classes.includes(COLLIDING_KEYS) && ours.errors.length === 0) {
    add("collision-unflagged", "keys collide after resolution, and we gave no input error");
  }
  if (kubectlRefused && ours.errors.length === 0) {
    add("refusal-missed", `kubectl: ${kubectl.errors.join(" | ")}`);
  }
  if (!kubectlRefused && ours.errors.length > 0) {
    add(
      "error-on-accepted-file",
      ours.errors.map((e) => `${e.ruleId} at line ${e.line}: ${e.message}`).join(" | "),
    );
  }
  const ourByName = groupByName(ours.objects);
  const theirByName = groupByName(kubectl.objects);
  for (const [name, theirs] of theirByName) {
    const mine = ourByName.get(name) ?? [];
    theirs.forEach((object, i) => {
      const counterpart = mine[i];
      if (!counterpart) add("object-missing", `${describe(object)} (kubectl sends it)`);
      else {
        const where = firstDifference(counterpart, object, "");
        if (where) add("object-differs", `${describe(object)}: ${where}`);
      }
    });
  }
  for (const [name, mine] of ourByName) {
    const theirs = theirByName.get(name) ?? [];
    for (const object of mine.slice(theirs.length)) {
      add("object-extra", `${describe(object)} (kubectl does not send it)`);
    }
  }
  return differences;
}

function nameOf(object: Record<string, unknown>): string {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return String(metadata.name ?? "(no name)");
}

function describe(object: Record<string, unknown>): string {
  return `${String(object.kind)} ${nameOf(object)}`;
}

function groupByName(objects: Record<string, unknown>[]): Map<string, Record<string, unknown>[]> {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const object of objects) {
    const name = nameOf(object);
    groups.set(name, [...(groups.get(name) ?? []), object]);
  }
  return groups;
}

/** Deep equality, key order irrelevant; the first differing path and both values, or undefined. */
export function firstDifference(ours: unknown, theirs: unknown, path: string): string | undefined {
  const show = (value: unknown) =>
    value instanceof Date ? `Date(${value.toISOString()})` : JSON.stringify(value);
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    if (ours.length !== theirs.length) {
      return `${path || "/"}: ours has ${ours.length} entries, kubectl ${theirs.length}`;
    }
    for (let i = 0; i < ours.length; i++) {
      const found = firstDifference(ours[i], theirs[i], `${path}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (isPlainRecord(ours) && isPlainRecord(theirs)) {
    const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
    for (const key of [...keys].sort()) {
      if (!(key in ours))
        return `${path}/${key}: ours has no such key, kubectl ${show(theirs[key])}`;
      if (!(key in theirs))
        return `${path}/${key}: ours ${show(ours[key])}, kubectl has no such key`;
      const found = firstDifference(ours[key], theirs[key], `${path}/${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(ours, theirs) || (ours === 0 && theirs === 0)
    ? undefined
    : `${path || "/"}: ours ${show(ours)}, kubectl ${show(theirs)}`;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && !(value instanceof Date);
}
