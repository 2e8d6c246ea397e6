/**
 * Writing Kubernetes objects as the text a user might commit: block or flow YAML, every scalar
 * quoted, keys in another order, anchors with aliases and merge keys, YAML 1.1 spellings of
 * booleans and integers. Each style reads back, for kubectl, as the same value.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: Json };

export type KeyOrder = "as-is" | "sorted" | "reversed";

export interface YamlStyle {
  /** Collections of scalars only as `[a, b]` / `{k: v}`. */
  flow: boolean;
  quoteAll: boolean;
  /** Repeated mappings and sequences as anchors and aliases, shared keys as `<<: *anchor`. */
  anchors?: boolean;
  /** Booleans as `yes`/`on`/`True`, integers as `0x`, `0o`, `+`, `1_000` (seeded). */
  yaml11?: number;
}

export function ordered(value: Json, order: KeyOrder): Json {
  if (Array.isArray(value)) return value.map((v) => ordered(v, order));
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (order === "sorted") keys.sort();
  if (order === "reversed") keys.reverse();
  return Object.fromEntries(keys.map((k) => [k, ordered(value[k]!, order)]));
}

const PLAIN = /^[A-Za-z][\w./-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

export function scalar(value: Json, quoteAll: boolean): string {
  if (typeof value !== "string") return JSON.stringify(value);
  return !quoteAll && PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
}

/** Flow style for collections of scalars only (`[a, b]`, `{k: v}`), block style otherwise. */
function isLeafCollection(value: Json): boolean {
  if (value === null || typeof value !== "object") return false;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.every((c) => c === null || typeof c !== "object");
}

export function flowText(value: Json, quoteAll: boolean, spell = scalar): string {
  if (Array.isArray(value)) return `[${value.map((v) => flowText(v, quoteAll, spell)).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${scalar(k, quoteAll)}: ${flowText(v, quoteAll, spell)}`)
      .join(", ")}}`;
  return spell(value, quoteAll);
}

export function isEmpty(v: Json): boolean {
  return typeof v === "object" && v !== null && Object.keys(v).length === 0;
}

/** Spellings go-yaml v2 (kubectl) reads as these values; `yaml11` picks one per scalar. */
const TRUE = ["yes", "Yes", "on", "ON", "True", "TRUE", "y"];
const FALSE = ["no", "No", "off", "OFF", "False", "FALSE", "n"];
const INTEGER: ((n: number) => string)[] = [
  (n) => `0x${n.toString(16)}`,
  (n) => `0o${n.toString(8)}`,
  (n) => `0${n.toString(8)}`,
  (n) => `+${n}`,
  (n) => String(n).replace(/\B(?=(\d{3})+$)/, "_"),
];

function yaml11Speller(seed: number): (value: Json, quoteAll: boolean) => string {
  let n = seed;
  const pick = <T>(list: readonly T[]) => {
    n = (n * 1103515245 + 12345) % 2 ** 31;
    return list[n % list.length]!;
  };
  return (value, quoteAll) => {
    if (value === true) return pick(TRUE);
    if (value === false) return pick(FALSE);
    if (typeof value === "number" && Number.isInteger(value) && value > 0)
      return pick(INTEGER)(value);
    return scalar(value, quoteAll);
  };
}

interface Writer {
  style: YamlStyle;
  spell: (value: Json, quoteAll: boolean) => string;
  /** JSON of a repeated collection -> its anchor name, once written. */
  anchors: Map<string, string>;
  repeated: Set<string>;
  written: Map<string, string>;
}

/** One YAML document's lines (no `---`). */
export function yamlDocument(value: Obj, style: YamlStyle): string[] {
  const repeated = style.anchors ? repeatedCollections(value) : new Set<string>();
  const writer: Writer = {
    style,
    spell: style.yaml11 === undefined ? scalar : yaml11Speller(style.yaml11),
    anchors: new Map(),
    repeated,
    written: new Map(),
  };
  return yamlLines(value, "", writer);
}

/** Mappings and sequences (of two or more entries) that occur more than once in the value. */
function repeatedCollections(value: Json): Set<string> {
  const seen = new Map<string, number>();
  const walk = (node: Json) => {
    if (node === null || typeof node !== "object") return;
    const entries = Array.isArray(node) ? node : Object.values(node);
    if (entries.length >= 2) {
      const key = JSON.stringify(node);
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    for (const child of entries) walk(child);
  };
  walk(value);
  return new Set([...seen].filter(([, n]) => n > 1).map(([key]) => key));
}

/** `&aN` on the first occurrence of a repeated collection, `*aN` for later ones. */
function anchorOf(node: Json, w: Writer): { alias?: string; anchor?: string } {
  if (!w.style.anchors || node === null || typeof node !== "object") return {};
  const key = JSON.stringify(node);
  const name = w.anchors.get(key);
  if (name) return { alias: `*${name}` };
  if (!w.repeated.has(key) && (Array.isArray(node) || Object.keys(node).length < 2)) return {};
  const fresh = `a${w.anchors.size + 1}`;
  w.anchors.set(key, fresh);
  if (!Array.isArray(node)) w.written.set(key, fresh);
  return { anchor: `&${fresh}` };
}

/** An anchored mapping whose every entry this mapping holds too: written as `<<: *it`. */
function mergeable(node: Obj, w: Writer): { name: string; keys: string[] } | undefined {
  if (!w.style.anchors) return undefined;
  let best: { name: string; keys: string[] } | undefined;
  for (const [json, name] of w.written) {
    const base = JSON.parse(json) as Obj;
    const keys = Object.keys(base);
    if (keys.length >= 2 && keys.length < Object.keys(node).length)
      if (keys.every((k) => k in node && JSON.stringify(node[k]) === JSON.stringify(base[k])))
        if (!best || keys.length > best.keys.length) best = { name, keys };
  }
  return best;
}

function yamlLines(value: Json, indent: string, w: Writer): string[] {
  const out: string[] = [];
  const { flow, quoteAll } = w.style;
  const inline = (v: Json) =>
    v === null || typeof v !== "object" || (flow && isLeafCollection(v)) || isEmpty(v);
  /** `key:` or `-` followed by the child, inline or on the next lines. */
  const child = (head: string, v: Json, firstOnHead: boolean) => {
    const { alias, anchor } = anchorOf(v, w);
    if (alias) return out.push(`${head} ${alias}`);
    const tag = anchor ? ` ${anchor}` : "";
    if (inline(v)) return out.push(`${head}${tag} ${flowText(v, quoteAll, w.spell)}`);
    const inner = yamlLines(v, `${indent}  `, w);
    if (firstOnHead && !anchor)
      return out.push(`${head} ${inner[0]!.trimStart()}`, ...inner.slice(1));
    return out.push(`${head}${tag}`, ...inner);
  };
  if (Array.isArray(value)) {
    for (const item of value) child(`${indent}-`, item, true);
    return out;
  }
  const merge = mergeable(value as Obj, w);
  if (merge) out.push(`${indent}<<: *${merge.name}`);
  for (const [key, v] of Object.entries(value as Obj)) {
    if (merge?.keys.includes(key)) continue;
    child(`${indent}${scalar(key, quoteAll)}:`, v, false);
  }
  return out;
}
