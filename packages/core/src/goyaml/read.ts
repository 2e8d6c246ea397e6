import { load, YAMLException } from "js-yaml";
import { KUBE_SCHEMA } from "../schema.js";
import { composeLikeGo, type GoProblemKind } from "./compose.js";

/**
 * One document's value as kubectl sends it. Two readers give the same answer: js-yaml with
 * kubectl's scalar resolution (fast, for the documents nearly everybody writes) and the exact
 * composer (compose.ts) for documents where js-yaml would read something else: merge keys,
 * anchors, tags, explicit keys, duplicate keys, and keys that are not plain strings.
 */

export interface ReadProblem {
  ruleId: "input/parse-error" | "input/duplicate-key";
  message: string;
  /** Offset in the document's text. */
  offset: number;
}

export interface ReadDocument {
  /** undefined where kubectl refuses the document. */
  value: unknown;
  problems: ReadProblem[];
  /** Read by the exact composer: positions must come from the same AST. */
  exact?: boolean;
}

/**
 * Merge keys, anchors, aliases, tags and explicit keys: js-yaml reads them otherwise than
 * go-yaml (and its node listener leaves stray events on them, see locate.ts). Tabs, `\/` and
 * lines over 1024 characters: go-yaml refuses some that js-yaml takes (tokens.ts).
 */
export function needsExactReading(text: string): boolean {
  return /<<|(^|[\s[{,:-])[&!*]|(^|\s)\?(\s|$)|\t|\\[/']/m.test(text) || hasLineOver(text, 1024);
}

/** One pass over the text: a `[^\n]{1025}` pattern would rescan every line from each character. */
function hasLineOver(text: string, length: number): boolean {
  if (text.length <= length) return false;
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    if ((end === -1 ? text.length : end) - start > length) return true;
    if (end === -1) return false;
    start = end + 1;
  }
}

export function readDocument(text: string, json?: { value: unknown }): ReadDocument {
  return json ? readJson(text, json.value) : readYaml(text);
}

function readYaml(text: string): ReadDocument {
  if (needsExactReading(text)) return readExactly(text);
  let value: unknown;
  try {
    value = load(text, { schema: KUBE_SCHEMA });
  } catch (error) {
    if (isDuplicateKeyError(error)) return readExactly(text);
    if (error instanceof YAMLException) {
      return refusedAt(error.mark?.position ?? 0, `YAML syntax: ${error.reason}`);
    }
    throw error;
  }
  const { misreadKey, unsendable } = inspect(value);
  if (misreadKey) return readExactly(text);
  return unsendable ? refusedUnsendable({ value, problems: [] }) : { value, problems: [] };
}

/** JSON values are JSON.parse's; the YAML reading only finds duplicate keys, with positions. */
function readJson(text: string, value: unknown): ReadDocument {
  if (inspect(value).unsendable) {
    return refusedAt(
      0,
      "kubectl refuses this file: a number beyond the range of a 64-bit float (json: cannot unmarshal number)",
    );
  }
  try {
    load(text, { schema: KUBE_SCHEMA });
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return {
        value,
        problems: readExactly(text).problems.filter((p) => p.ruleId !== "input/parse-error"),
      };
    }
  }
  return { value, problems: [] };
}

const RULE_OF: Record<GoProblemKind, ReadProblem["ruleId"]> = {
  refused: "input/parse-error",
  "duplicate-key": "input/duplicate-key",
  "colliding-keys": "input/duplicate-key",
};

function readExactly(text: string): ReadDocument {
  const composed = composeLikeGo(text);
  const read: ReadDocument = {
    exact: true,
    value: composed.value,
    problems: composed.problems.map((p) => ({
      ruleId: RULE_OF[p.kind],
      message: p.message,
      offset: p.offset,
    })),
  };
  return read.value !== undefined && inspect(read.value).unsendable
    ? refusedUnsendable(read)
    : read;
}

function refusedAt(offset: number, message: string): ReadDocument {
  return { value: undefined, problems: [{ ruleId: "input/parse-error", message, offset }] };
}

function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof YAMLException && error.reason.startsWith("duplicated mapping key");
}

/**
 * Keys js-yaml turns into text otherwise than sigs.k8s.io/yaml: null and NaN/Inf keys, floats
 * (Go prints them as 32-bit), mappings and sequences as keys. A string key that merely looks
 * like one costs an exact reading, nothing more; so does a key of digits, which js-yaml also
 * writes for a float (`1000000.0:` is "1000000" there, "1e+06" for kubectl).
 */
const MISREAD_KEY =
  /^(null|NaN|-?Infinity|\[object Object\]|)$|,|^[-+]?\.?\d[\d_]*[.eE]|^[-+]?\d+$/;

interface Inspection {
  misreadKey: boolean;
  /** .inf or .nan somewhere: go-yaml reads them, JSON cannot hold them. */
  unsendable: boolean;
}

/** One walk over a value for both questions; shared nodes (aliases) are visited once. */
function inspect(value: unknown): Inspection {
  const found: Inspection = { misreadKey: false, unsendable: false };
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (typeof node === "number") {
      if (!Number.isFinite(node)) found.unsendable = true;
      return;
    }
    if (typeof node !== "object" || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    for (const key in node) {
      if (MISREAD_KEY.test(key)) found.misreadKey = true;
      visit((node as Record<string, unknown>)[key]);
    }
  };
  visit(value);
  return found;
}

function refusedUnsendable(read: ReadDocument): ReadDocument {
  return {
    value: undefined,
    problems: [
      ...read.problems,
      {
        ruleId: "input/parse-error",
        message: "kubectl refuses this document: .inf and .nan cannot be sent as JSON",
        offset: 0,
      },
    ],
  };
}
