import { isRecord } from "@scout-deploy/core";
import type { HelmOverride } from "./helm-overrides.js";

/**
 * The values a chart's templates see, merged as Helm merges them, and Go templates' reading of
 * them: enough to tell which branch of an `if` printed a key, how many documents a `range`
 * printed, and which argument of `default`, `coalesce` or `ternary` a value came from.
 */

/** A values file's top-level mapping, below `prefix` (a subchart's values in its parent's). */
export interface ValuesLayer {
  value: unknown;
  prefix: readonly string[];
}

/**
 * The layers merged lowest precedence first: mappings merge key by key, anything else (a list
 * too) replaces, `null` deletes the key (Helm's coalescing); then the value flags, in order.
 */
export function mergedValues(
  layers: readonly ValuesLayer[],
  overrides: readonly HelmOverride[] = [],
): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (const layer of layers) {
    const below = valueAt(layer.value, layer.prefix);
    if (isRecord(below)) merged = mergeInto(merged, below);
  }
  for (const override of overrides) {
    const value = overrideValue(override);
    if (value !== undefined) merged = setAt(merged, override.path, value.value);
  }
  return merged;
}

/**
 * A subchart's values with its parent's `global` laid over its own (Helm copies the parent's
 * globals into each subchart, the parent's winning).
 */
export function withGlobals(
  values: Record<string, unknown>,
  parent: Record<string, unknown>,
): Record<string, unknown> {
  const global = parent.global;
  if (!isRecord(global)) return values;
  const own = isRecord(values.global) ? values.global : {};
  return { ...values, global: mergeInto(own, global) };
}

function mergeInto(base: Record<string, unknown>, layer: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    if (value === null) delete merged[key];
    else if (isRecord(value) && isRecord(merged[key]))
      merged[key] = mergeInto(merged[key] as Record<string, unknown>, value);
    else merged[key] = value;
  }
  return merged;
}

function setAt(
  target: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const [key, ...rest] = path;
  if (key === undefined) return target;
  const copy: Record<string, unknown> = { ...target };
  if (!rest.length) {
    if (value === null) delete copy[key];
    else copy[key] = value;
    return copy;
  }
  const inner = copy[key];
  if (Array.isArray(inner) && /^\d+$/.test(rest[0]!)) {
    const list = [...inner];
    const index = Number(rest[0]);
    const item = isRecord(list[index]) ? (list[index] as Record<string, unknown>) : {};
    list[index] = rest.length === 1 ? value : setAt(item, rest.slice(1), value);
    copy[key] = list;
  } else copy[key] = setAt(isRecord(inner) ? inner : {}, rest, value);
  return copy;
}

/**
 * What a value flag sets, typed as helm's strvals types `--set` (`true`, `null`, integers,
 * `{a,b}` lists); `--set-string` keeps text, `--set-json` is JSON; a `--set-file`'s text is
 * not read here (only that it is some text).
 */
function overrideValue(override: HelmOverride): { value: unknown } | undefined {
  const space = override.flag.indexOf(" ");
  const name = override.flag.slice(0, space);
  const pair = override.flag.slice(space + 1);
  const text = pair.slice(pair.indexOf("=") + 1);
  if (name === "--set-file") return { value: "<file>" };
  if (name === "--set-string") return { value: text };
  if (name === "--set-json") {
    try {
      return { value: JSON.parse(text) };
    } catch {
      return undefined;
    }
  }
  if (text.startsWith("{") && text.endsWith("}"))
    return { value: text.slice(1, -1).split(",").map(typedScalar) };
  return { value: typedScalar(text) };
}

function typedScalar(text: string): unknown {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "null") return null;
  if (/^(?:0|-?[1-9]\d*)$/.test(text)) return Number(text);
  return text.replaceAll("\\,", ",");
}

/** The value at a values path (list indexes as numbers' text); undefined when absent. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isRecord(current) && Object.hasOwn(current, key)) current = current[key];
    else return undefined;
  }
  return current;
}

/** Go templates' truth: false, 0, nil, and empty strings, lists and maps are false. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "")
    return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * The items a `range` visits, each by its key below the ranged value: a list's indexes, a
 * map's keys in sorted order (Go's text/template visits a map's keys sorted); undefined for
 * anything else.
 */
export function rangeKeys(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map((_, index) => String(index));
  // Go compares strings byte by byte: sorted by UTF-8 bytes, not UTF-16 units.
  if (isRecord(value))
    return Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (value === undefined || value === null) return [];
  return undefined;
}
