import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  type Scalar,
  type YAMLMap,
} from "yaml";
import { type GoScalar, jsonKeyOf, resolvePlain, resolveTagged } from "./scalar.js";
import { goTokenProblem } from "./tokens.js";

/**
 * The exact reading of one YAML document as kubectl does it (sigs.k8s.io/yaml over go-yaml
 * v2), from the `yaml` package's AST: merge keys applied in document order, each overwriting
 * what came before (a `<<` list applies its maps last to first, so earlier ones win), every
 * key resolved as YAML 1.1 and turned into a JSON key as sigs.k8s.io/yaml does. Slower than
 * js-yaml, so source.ts sends here only the documents whose reading differs between the two.
 */

export type GoProblemKind = "refused" | "duplicate-key" | "colliding-keys";

export interface GoProblem {
  kind: GoProblemKind;
  message: string;
  /** Offset in the document's text. */
  offset: number;
}

export interface GoDocument {
  value: unknown;
  problems: GoProblem[];
}

/** Thrown where kubectl refuses the whole document. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function composeLikeGo(text: string): GoDocument {
  const document = parseForGo(text);
  // go-yaml's own limit on implicit keys is tokens.ts's; the `yaml` package also counts a
  // tag left on an empty value the line before
  const [error] = document.errors.filter(
    (e) => e.code !== "KEY_OVER_1024_CHARS" && !isSingleQuoteEscape(text, e),
  );
  const tokenProblem = goTokenProblem(withLineFeeds(text));
  // go-yaml scans in order: a token it refuses before the error says why it stops there
  if (error && !(tokenProblem && tokenProblem.offset <= error.pos[0])) {
    return {
      value: undefined,
      problems: [refused(`YAML syntax: ${describeCode(error.code)}`, error.pos[0])],
    };
  }
  if (tokenProblem) {
    return { value: undefined, problems: [refused(tokenProblem.message, tokenProblem.offset)] };
  }
  const composer = new GoComposer(document, text);
  try {
    const value = composer.value(document.contents);
    composer.refuseUnconvertibleKeysIn(value);
    return { value, problems: composer.problems };
  } catch (caught) {
    if (!(caught instanceof Refusal)) throw caught;
    return {
      value: undefined,
      problems: [...composer.problems, refused(caught.message, caught.offset)],
    };
  }
}

function refused(message: string, offset: number): GoProblem {
  return { kind: "refused", message, offset };
}

/**
 * The `yaml` package's messages quote the source (an alias or tag name can be a credential
 * one keystroke away); its error codes say what is wrong without it.
 */
function describeCode(code: string): string {
  return code.toLowerCase().replaceAll("_", " ");
}

interface Entry {
  /** go-yaml's key before conversion: kind and value, so 1 and "1" differ. */
  identity: string;
  keyText: string;
  /** A null or uint64 key, and where: sigs.k8s.io/yaml refuses it if the mapping is sent. */
  unconvertible?: { offset: number; key: GoScalar };
  value: unknown;
}

class GoComposer {
  readonly problems: GoProblem[] = [];
  private readonly inProgress = new Set<Node>();
  private readonly values = new Map<Node, unknown>();
  private readonly reported = new Set<number>();
  private readonly unconvertibleKeys = new Map<object, { offset: number; key: GoScalar }>();

  constructor(
    private readonly document: Document,
    private readonly text: string,
  ) {}

  /** Collections are read once: aliases share the value, so an alias bomb stays small here. */
  value(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.value(this.target(node));
    if (isScalar(node)) return this.scalar(node).value;
    const known = this.values.get(node as Node);
    if (known !== undefined) return known;
    if (this.inProgress.has(node as Node)) {
      throw new Refusal(
        "an alias refers to a node that contains it (a recursive document)",
        offsetOf(node),
      );
    }
    this.inProgress.add(node as Node);
    try {
      const value = this.collection(node);
      this.values.set(node as Node, value);
      return value;
    } finally {
      this.inProgress.delete(node as Node);
    }
  }

  /**
   * go-yaml reads a null (or uint64) key; sigs.k8s.io/yaml refuses it when it converts the value to JSON,
   * which it does only for what survives: a mapping a later duplicate key replaced is never
   * converted.
   */
  refuseUnconvertibleKeysIn(value: unknown) {
    if (this.unconvertibleKeys.size === 0) return;
    const seen = new Set<object>();
    const visit = (node: unknown) => {
      if (typeof node !== "object" || node === null || seen.has(node)) return;
      seen.add(node);
      const found = this.unconvertibleKeys.get(node);
      if (found?.key.kind === "null") throw new Refusal("a null map key", found.offset);
      if (found) {
        throw new Refusal(
          `a map key beyond int64 (${found.key.kind === "int" ? found.key.decimal : ""}): go-yaml reads it as a uint64, which sigs.k8s.io/yaml cannot turn into a JSON key`,
          found.offset,
        );
      }
      for (const child of Object.values(node)) visit(child);
    };
    visit(value);
  }

  private collection(node: unknown): unknown {
    if (isSeq(node)) return node.items.map((item) => this.value(item));
    if (isMap(node)) return this.mapping(node);
    throw new Refusal("a node kubectl cannot read", offsetOf(node));
  }

  private target(alias: Node & { source: string; resolve(doc: Document): unknown }): unknown {
    const target = alias.resolve(this.document);
    if (target === undefined)
      throw new Refusal("an alias names no anchor defined before it", offsetOf(alias));
    return target;
  }

  private scalar(node: Scalar): GoScalar {
    const resolved = goScalarOf(node, this.escapedText(node));
    if ("error" in resolved) throw new Refusal(resolved.error, offsetOf(node));
    return resolved;
  }

  /** A double-quoted scalar with go-yaml's `\'` escape, which the `yaml` package does not know. */
  private escapedText(node: Scalar): string | undefined {
    if (node.type !== "QUOTE_DOUBLE" || !node.range) return undefined;
    const raw = this.text.slice(node.range[0], node.range[1]);
    if (!/(^|[^\\])(\\\\)*\\'/.test(raw)) return undefined;
    const decoded = decodeDoubleQuoted(raw);
    if (decoded === undefined) {
      throw new Refusal("a double-quoted scalar go-yaml cannot decode", node.range[0]);
    }
    return decoded;
  }

  private mapping(node: YAMLMap): Record<string, unknown> {
    const entries = new Map<string, Entry>();
    this.apply(node, entries, false);
    return this.toObject(entries, node);
  }

  /** go-yaml's decoder.mapping: pairs in order into one Go map, merges inline. */
  private apply(node: YAMLMap, entries: Map<string, Entry>, merged: boolean) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (isMergeKey(pair.key)) {
        this.merge(pair, entries);
        continue;
      }
      const key = this.key(pair);
      const identity = `${key.kind}:${String(key.value)}`;
      const converted = jsonKeyOf(key);
      const unconvertible =
        converted === undefined ? { offset: offsetOf(pair.key ?? pair), key } : undefined;
      const keyText = converted ?? String(key.value);
      if (seen.has(identity) && !merged) this.duplicate(pair, keyText);
      seen.add(identity);
      entries.delete(identity);
      entries.set(identity, { identity, keyText, unconvertible, value: this.value(pair.value) });
    }
  }

  private key(pair: Pair): GoScalar {
    const node = isAlias(pair.key) ? this.target(pair.key) : pair.key;
    if (node === null || node === undefined) return { kind: "null", value: null };
    if (!isScalar(node)) {
      throw new Refusal("a mapping or sequence used as a map key", offsetOf(node));
    }
    return this.scalar(node);
  }

  private merge(pair: Pair, entries: Map<string, Entry>) {
    // an alias's map was composed where it was written, its duplicates reported there
    const source = isAlias(pair.value) ? this.target(pair.value) : pair.value;
    if (isMap(source)) return this.apply(source, entries, isAlias(pair.value));
    // go-yaml merges the maps of a sequence written there, not of an alias to one
    if (isSeq(source) && !isAlias(pair.value)) {
      for (const item of [...source.items].reverse()) {
        const map = isAlias(item) ? this.target(item) : item;
        if (!isMap(map)) throw new Refusal(MERGE_SHAPE, offsetOf(item ?? pair));
        this.apply(map, entries, isAlias(item));
      }
      return;
    }
    throw new Refusal(MERGE_SHAPE, offsetOf(pair.value ?? pair));
  }

  private duplicate(pair: Pair, keyText: string) {
    const offset = offsetOf(pair.key ?? pair);
    if (this.reported.has(offset)) return;
    this.reported.add(offset);
    this.problems.push({
      kind: "duplicate-key",
      message: `duplicate key "${keyText}": only the last value is used`,
      offset,
    });
  }

  /**
   * sigs.k8s.io/yaml turns each Go key into a JSON key; two different keys that become the same
   * text (1 and "1", y and "true") make kubectl keep one of them at random.
   */
  private toObject(entries: Map<string, Entry>, node: YAMLMap): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    const owner = new Map<string, Entry>();
    for (const entry of entries.values()) {
      if (entry.unconvertible) {
        this.unconvertibleKeys.set(object, entry.unconvertible);
        continue;
      }
      const earlier = owner.get(entry.keyText);
      if (earlier) {
        this.problems.push({
          kind: "colliding-keys",
          message: `keys ${describeIdentity(earlier)} and ${describeIdentity(entry)} both become "${entry.keyText}": kubectl keeps one of them at random`,
          offset: offsetOf(node),
        });
      }
      owner.set(entry.keyText, entry);
      setOwn(object, entry.keyText, entry.value);
    }
    return object;
  }
}

const MERGE_SHAPE = "map merge requires a map or a sequence of maps as the value";

/**
 * The node that gives a mapping its value for `key`, as go-yaml decides it: the last writer in
 * document order, merges included (for positions: the line the user wrote that wins).
 */
export function winningPair(
  document: Document,
  map: YAMLMap,
  key: string,
  depth = 0,
): { key: unknown; value: unknown } | undefined {
  if (depth > 50) return undefined;
  let winner: { key: unknown; value: unknown } | undefined;
  for (const pair of map.items) {
    if (isMergeKey(pair.key)) {
      for (const source of mergeSources(document, pair.value)) {
        winner = winningPair(document, source, key, depth + 1) ?? winner;
      }
    } else if (keyTextOf(document, pair.key) === key) {
      winner = { key: pair.key, value: pair.value };
    }
  }
  return winner;
}

function mergeSources(document: Document, value: unknown): YAMLMap[] {
  const source = isAlias(value) ? value.resolve(document) : value;
  if (isMap(source)) return [source];
  if (!isSeq(source)) return [];
  return [...source.items]
    .reverse()
    .map((item) => (isAlias(item) ? item.resolve(document) : item))
    .filter((item): item is YAMLMap => isMap(item));
}

function keyTextOf(document: Document, key: unknown): string | undefined {
  const node = isAlias(key) ? key.resolve(document) : key;
  if (!isScalar(node)) return undefined;
  const resolved = goScalarOf(node);
  return "error" in resolved ? undefined : jsonKeyOf(resolved);
}

/** A scalar node as go-yaml resolves it: by its tag, else plain (YAML 1.1) or quoted (text). */
function goScalarOf(node: Scalar, decoded?: string): GoScalar | { error: string } {
  const text = decoded ?? scalarText(node);
  if (node.tag) return resolveTagged(node.tag, text);
  return node.type === "PLAIN" ? resolvePlain(text) : { kind: "str", value: text };
}

function isSingleQuoteEscape(text: string, error: { code: string; pos: [number, number] }) {
  return error.code === "BAD_DQ_ESCAPE" && text.slice(error.pos[0], error.pos[0] + 2) === "\\'";
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "'": "'",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** A one-line double-quoted scalar (quotes included) decoded with go-yaml's escapes. */
function decodeDoubleQuoted(raw: string): string | undefined {
  if (/[\r\n]/.test(raw)) return undefined;
  let out = "";
  for (let i = 1; i < raw.length - 1; i++) {
    if (raw[i] !== "\\") {
      out += raw[i];
      continue;
    }
    const escaped = raw[++i] ?? "";
    const digits = HEX_DIGITS[escaped];
    if (digits !== undefined) {
      const hex = raw.slice(i + 1, i + 1 + digits);
      const code =
        /^[0-9a-fA-F]+$/.test(hex) && hex.length === digits ? Number.parseInt(hex, 16) : -1;
      if (code < 0 || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += digits;
    } else if (escaped in ESCAPES) out += ESCAPES[escaped];
    else return undefined;
  }
  return out;
}

/** The AST kubectl's reading is composed from, for positions. */
export function parseForGo(text: string): Document {
  return parseDocument(withLineFeeds(text), {
    schema: "failsafe",
    uniqueKeys: false,
    merge: false,
    prettyErrors: false,
  });
}

/**
 * go-yaml breaks lines at a lone "\r" too; the `yaml` package does not. One character for
 * another, so offsets stay those of the source.
 */
function withLineFeeds(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

/** The scalar's text: the failsafe schema keeps it, except for tags the `yaml` package knows. */
function scalarText(node: Scalar): string {
  if (typeof node.value === "string") return node.value;
  if (typeof node.source === "string") return node.source;
  return node.value === null || node.value === undefined ? "" : String(node.value);
}

/** go-yaml's isMerge: `<<` plain and untagged, or any `<<` tagged !!merge (quoted too). */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key) || scalarText(key) !== "<<") return false;
  if (key.tag === "tag:yaml.org,2002:merge") return true;
  return !key.tag && key.type === "PLAIN";
}

function describeIdentity(entry: Entry): string {
  const [kind] = entry.identity.split(":");
  return kind === "str" ? JSON.stringify(entry.keyText) : `${entry.keyText} (${kind})`;
}

function setOwn(object: Record<string, unknown>, key: string, value: unknown) {
  if (key === "__proto__") {
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else object[key] = value;
}

function offsetOf(node: unknown): number {
  if (node && typeof node === "object" && "range" in node && Array.isArray(node.range)) {
    return node.range[0] as number;
  }
  if (node && typeof node === "object" && "key" in node) return offsetOf(node.key);
  return 0;
}
