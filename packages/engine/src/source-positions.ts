import { isDeepStrictEqual } from "node:util";
import {
  type Finding,
  fingerprintOf,
  getAtPointer,
  type InputProblem,
  isRecord,
  joinPointer,
  messageKey,
  type Position,
  parseImage,
  parseSource,
  placedAt,
  type RenderedLocation,
  type SourceDocument,
  splitPointer,
} from "@scout-deploy/core";
import {
  ACTION,
  type Binding,
  bindingOf,
  boundLines,
  CONTROL,
  type Define,
  definesOf,
  includeCall,
  isControlLine,
  ROOT,
  type Scope,
  scopeOf,
  withoutComments,
} from "./helm-defines.js";
import { templateDocument } from "./helm-documents.js";
import { printedKey, takenBranches } from "./helm-expressions.js";
import { type HelmOverride, overrideOf } from "./helm-overrides.js";
import { mergedValues, valueAt, withGlobals } from "./helm-values.js";

/** Where a Helm chart's rendered documents came from. */
export interface HelmSourceMap {
  kind: "helm";
  chartName: string;
  chartFolder: string;
  /** By the name `# Source:` gives ("scout/templates/deployment.yaml"): file shown and text. */
  templates: Record<string, { file: string; text: string }>;
  /**
   * The chart's and its subcharts' template files that hold `define`s (`_helpers.tpl`): a key an
   * `include` prints is traced into them.
   */
  defineFiles?: { file: string; text: string }[];
  /** The chart's values.yaml then each --values file, in Helm's order (later ones win). */
  values: { file: string; text: string }[];
  /** The chart's Chart.yaml: a packaged subchart's objects land on its `dependencies` entry. */
  chartYaml?: { file: string; text: string };
  /**
   * Each subchart's own values.yaml, by its path of chart names below the chart ("db",
   * "db/cache"): a subchart template's `.Values.x` is the parent's `db.x` over these.
   */
  subchartValues?: Record<string, { file: string; text: string }>;
  /** The value flags (`--set`, ...), in the order helm merges them. */
  overrides?: readonly HelmOverride[];
}

/**
 * A values file, and the keys above what a template's `.Values` names in it (subcharts; the
 * `helmCharts/0/valuesInline` of a kustomization).
 */
export interface ScopedValues {
  file: string;
  text: string;
  prefix: readonly string[];
}

export interface KustomizeOrigin {
  /** The resource file the object was read from (shown path, a key of `files`). */
  resource?: string;
  /** Patches of the kustomizations that patched it, in the order they were applied. */
  patches: PatchRef[];
  /**
   * A generated object (a helmCharts, secretGenerator or configMapGenerator entry): the
   * kustomization file, the entry's pointer, and where each data key was written.
   */
  generator?: {
    file: string;
    pointer: string;
    keys?: Record<string, Position>;
    /** A helmCharts generator's local charts: a value is traced to the values that set it. */
    charts?: InflatedChart[];
  };
  /** The `images:` entries of the kustomizations whose image transformer ran on it. */
  images?: ImageEntry[];
  /** The kustomization files whose `replacements:` ran on it (texts in `files`). */
  replacements?: string[];
  /**
   * Labels a kustomization also wrote into selectors (`commonLabels`, `labels` with
   * `includeSelectors: true`), with the line of each.
   */
  selectorLabels?: SelectorLabel[];
}

/** A label a Kustomize label transformer writes into selectors too. */
export interface SelectorLabel {
  key: string;
  position: Position;
}

/** A `helmCharts:` entry of a kustomization whose chart is a folder beside it. */
export interface InflatedChart {
  /** The entry's pointer in the kustomization. */
  pointer: string;
  releaseName?: string;
  /** The chart's templates (shown path and text). */
  templates: { file: string; text: string }[];
  /**
   * What helm reads, lowest precedence first: the chart's values.yaml, the entry's valuesFile
   * and valuesInline (the kustomization's text, under the entry's `valuesInline` key), then
   * its additionalValuesFiles.
   */
  values: ScopedValues[];
}

/** An `images:` entry: the image name it matches, what it sets, and its line. */
export interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  position: Position;
}

/**
 * A patch file (its text in `files`), or a patch written inline in a kustomization: its text,
 * and where that text's first line starts in the kustomization file.
 */
export interface PatchRef {
  file: string;
  /**
   * `whole`: the patch is a quoted or flow string (`patch: '[{"op": ...}]'`), whose lines are
   * not the file's: anything found in it is put on the whole string.
   */
  inline?: { text: string; line: number; column: number; whole?: Position };
  /** The kustomization's `target:` of the patch: the objects it applies to. */
  target?: PatchTarget;
}

/** Kustomize's patch selector; `name` and `namespace` are anchored regular expressions. */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/** Per rendered document, in order; texts by shown path. */
export interface KustomizeSourceMap {
  kind: "kustomize";
  documents: KustomizeOrigin[];
  files: Record<string, string>;
}

export interface RenderedSource {
  /** The name findings give the rendered text. */
  file: string;
  text: string;
  /** Input problems of the render, already on the files the user edits. */
  problems?: InputProblem[];
  map: HelmSourceMap | KustomizeSourceMap;
  /**
   * The render of another cluster's answers (helm upgrade, APIs it serves), judged in place of
   * the text named `instead` (rendered-inputs.ts); `cluster` names it in findings.
   */
  otherCluster?: { instead: string; cluster: string };
}

export type RelocatedFinding<F extends Finding> = F & { rendered?: RenderedLocation };

/**
 * Findings on a rendered text moved to the file the user edits (template, values file, base
 * resource or patch); where the finding was in the rendered text is kept under `rendered`.
 */
export function relocateFindings<F extends Finding>(
  findings: readonly F[],
  sources: readonly RenderedSource[],
): RelocatedFinding<F>[] {
  const texts = new Parsed();
  return findings.map((finding) => {
    const source = sources.find((candidate) => candidate.file === finding.file);
    if (!source) return finding;
    const documents = texts.documents(source.file, source.text);
    const index = documentIndexAt(documents, finding.line);
    const document = documents[index];
    const pointer = finding.path ?? "";
    const helm =
      document && source.map.kind === "helm"
        ? helmPosition(source, source.map, finding.line, pointer, texts, document.value)
        : undefined;
    const position = document
      ? source.map.kind === "helm"
        ? helm?.position
        : kustomizePosition(source.map, document.value, index, finding, texts)
      : undefined;
    const rendered: RenderedLocation = {
      file: finding.file,
      line: finding.line,
      ...(finding.path !== undefined ? { path: finding.path } : {}),
    };
    const generated =
      source.map.kind === "helm" && position && generatedAt(source.map, position)
        ? { fingerprint: sameAcrossRenders(finding) }
        : {};
    const setBy = helm?.setBy ? { message: `${finding.message} (set by ${helm.setBy})` } : {};
    return {
      ...(position ? placedAt(finding, position) : finding),
      ...setBy,
      ...generated,
      rendered,
    };
  });
}

/** Sprig functions whose output differs at every render. */
const GENERATED =
  /\b(?:rand(?:Alpha|AlphaNum|Numeric|Ascii|Bytes|Int)|uuidv4|genPrivateKey|genCA|genSelfSignedCert|genSignedCert|shuffle)\b/;

/** Whether the template line a finding landed on prints a value made anew at each render. */
function generatedAt(map: HelmSourceMap, position: Position): boolean {
  const template = Object.values(map.templates).find((entry) => entry.file === position.file);
  return (
    template !== undefined && GENERATED.test(template.text.split("\n")[position.line - 1] ?? "")
  );
}

/**
 * `helm template` and `helm install` print another `randAlphaNum 12` each time: a finding on it
 * names a value digest (and measures, such as its bits) that change at every run, and `--base`
 * would call it new each time. Its fingerprint leaves them out, so it stays one finding across
 * renders.
 */
function sameAcrossRenders(finding: Finding): string {
  return fingerprintOf({
    ruleId: finding.ruleId,
    ...(finding.object ? { object: finding.object } : { file: finding.file }),
    ...(finding.path !== undefined ? { path: finding.path } : {}),
    // The digest and the measures of the value (its bits, its entropy) change with it.
    key: messageKey(
      finding.message.replace(/sha256:[0-9a-f]+/g, "sha256:#").replace(/\d+(?:\.\d+)?/g, "#"),
    ),
  });
}

function documentIndexAt(documents: readonly SourceDocument[], line: number): number {
  let found = 0;
  documents.forEach((document, index) => {
    if (document.file.positionAt(document.start).line <= line) found = index;
  });
  return found;
}

/** A document of a chart's rendered text, by the template `# Source:` names. */
interface RenderedDocument {
  name: string;
  kind: string | undefined;
  lines: { includes(line: number): boolean };
}

/** Parsed YAML files of a source map, each parsed once. */
class Parsed {
  private readonly cache = new Map<string, SourceDocument[]>();
  private readonly defineCache = new Map<HelmSourceMap, Map<string, Define>>();
  defines(map: HelmSourceMap): Map<string, Define> {
    if (!this.defineCache.has(map)) this.defineCache.set(map, definesOf(map.defineFiles ?? []));
    return this.defineCache.get(map)!;
  }
  private readonly valuesCache = new Map<HelmSourceMap, Map<string, Record<string, unknown>>>();
  /** The values a template of the subchart `chain` sees, merged as Helm merges them. */
  values(map: HelmSourceMap, chain: readonly string[]): Record<string, unknown> {
    const byChain = this.valuesCache.get(map) ?? new Map<string, Record<string, unknown>>();
    this.valuesCache.set(map, byChain);
    const key = chain.join("/");
    if (!byChain.has(key)) {
      const layers = valuesInScope(map, chain).map((file) => ({
        value: this.documents(file.file, file.text)[0]?.value,
        prefix: file.prefix,
      }));
      const overrides = (map.overrides ?? []).flatMap((override) =>
        chain.every((name, at) => override.path[at] === name)
          ? [{ ...override, path: override.path.slice(chain.length) }]
          : [],
      );
      const merged = mergedValues(layers, overrides);
      byChain.set(
        key,
        chain.length ? withGlobals(merged, this.values(map, chain.slice(0, -1))) : merged,
      );
    }
    return byChain.get(key)!;
  }
  private readonly views = new Map<string, View & { item?: readonly string[] }>();
  /** A rendered document's template view, worked out once for all its findings. */
  once(
    key: string,
    make: () => View & { item?: readonly string[] },
  ): View & { item?: readonly string[] } {
    if (!this.views.has(key)) this.views.set(key, make());
    return this.views.get(key)!;
  }
  private readonly headingCache = new Map<string, RenderedDocument[]>();
  /** Each rendered document of a chart: its template's name, kind and lines (1-based). */
  private readonly headingLineCache = new Map<string, Heading[]>();
  /** The `# Source:` comments of a chart's rendered text, read once. */
  headingLines(source: RenderedSource): Heading[] {
    if (!this.headingLineCache.has(source.file))
      this.headingLineCache.set(source.file, headingsOf(source.text));
    return this.headingLineCache.get(source.file)!;
  }
  headings(source: RenderedSource): RenderedDocument[] {
    if (!this.headingCache.has(source.file)) {
      const headings = this.headingLines(source);
      const documents = this.documents(source.file, source.text);
      const count = source.text.split("\n").length;
      const starts = documents.map((document) => document.file.positionAt(document.start).line);
      this.headingCache.set(
        source.file,
        documents.map((document, index) => {
          const last = (starts[index + 1] ?? count + 1) - 1;
          const kind = isRecord(document.value) ? document.value.kind : undefined;
          return {
            name: templateHeadingAt(headings, last)?.name ?? "",
            kind: typeof kind === "string" ? kind : undefined,
            lines: { includes: (line: number) => line >= starts[index]! && line <= last },
          };
        }),
      );
    }
    return this.headingCache.get(source.file)!;
  }
  documents(file: string, text: string): SourceDocument[] {
    if (!this.cache.has(file)) this.cache.set(file, parseSource(file, text).documents);
    return this.cache.get(file)!;
  }
}

// ---- Helm ----

/** Where a finding on a chart's output goes, and the value flag that decided it, if one did. */
interface HelmPlacement {
  position?: Position | undefined;
  /** `--set a.b=true`: the values file's line shows the value it overrode. */
  setBy?: string;
}

function helmPosition(
  source: RenderedSource,
  map: HelmSourceMap,
  line: number,
  pointer: string,
  parsed: Parsed,
  rendered?: unknown,
): HelmPlacement {
  const heading = templateHeadingAt(parsed.headingLines(source), line);
  const found = heading && map.templates[heading.name];
  if (!found) return { position: heading && packagedSubchartEntry(map, heading.name, parsed) };
  const template = { file: found.file, text: withoutComments(found.text) };
  const tokens = splitPointer(pointer);
  const chain = subchartsOf(heading.name);
  const values = parsed.values(map, chain);
  const body = templateView(source, template, heading, line, values, parsed);
  const lines = body.written;
  const names = itemNames(rendered, tokens);
  const match = matchTemplate(lines, tokens, names);
  const templatePosition = lineAt(template.file, lines, match.line, match.column);
  const leaf = getAtPointer(rendered, pointer);
  const placed = (valuesPath: readonly string[], fallback: Position | undefined) =>
    valuesPlacement(map, chain, byName(values, valuesPath, tokens, names, leaf), fallback, parsed);
  // A key the template does not spell, printed by an include: traced into its define.
  const printedByInclude =
    match.matched < tokens.length || (match.line >= 0 && printsInclude(lines[match.line]!));
  const named = names[match.matched] !== undefined;
  const included = printedByInclude
    ? throughInclude(body, match, tokens, parsed.defines(map), 0, named)
    : undefined;
  if (included?.valuesPath) return placed(included.valuesPath, included.position);
  if (included?.position) return { position: included.position };
  if (match.line < 0) return wholeDocument(map, chain, body, tokens, parsed);
  const valuesPath =
    valuesReference(body.lines, match, tokens, values) ??
    listItemReference(body.lines, match, tokens);
  if (!valuesPath) return { position: templatePosition };
  return placed(valuesPath, templatePosition);
}

/** Lists whose items Kubernetes tells apart by `name` (their strategic merge key). */
const NAMED_LISTS = new Set([
  "containers",
  "initContainers",
  "ephemeralContainers",
  "env",
  "volumes",
]);

/** The `name` of each item of a named list (containers, env) the path goes through, by token. */
function itemNames(rendered: unknown, tokens: readonly string[]): (string | undefined)[] {
  let current = rendered;
  return tokens.map((token, at) => {
    const list = Array.isArray(current) ? (current as unknown[]) : undefined;
    current = list ? list[Number(token)] : isRecord(current) ? current[token] : undefined;
    const named = list && NAMED_LISTS.has(tokens[at - 1] ?? "") && isRecord(current);
    const name = named ? (current as Record<string, unknown>).name : undefined;
    // Two env items of one name (the later wins in Kubernetes): the name tells them not apart.
    const once = list?.filter((item) => isRecord(item) && item.name === name).length === 1;
    return typeof name === "string" && once ? name : undefined;
  });
}

/**
 * A values path whose list indexes were counted in the template (items after the literal ones,
 * some in branches not known) made sure by name: where the rendered item has a `name`, the
 * values list's item of that name, as the path's end aligns with the rendered path's, when
 * that item holds the rendered value.
 */
function byName(
  values: unknown,
  valuesPath: readonly string[],
  tokens: readonly string[],
  names: readonly (string | undefined)[],
  leaf: unknown,
): string[] {
  const path = [...valuesPath];
  for (let back = 1; back <= Math.min(path.length, tokens.length); back++) {
    const at = path.length - back;
    const token = tokens.length - back;
    const numeric = /^-?\d+$/.test(path[at]!);
    if (numeric !== /^\d+$/.test(tokens[token]!)) break;
    const name = names[token];
    const list = valueAt(values, path.slice(0, at));
    if (!numeric || name === undefined || !Array.isArray(list)) continue;
    const named = list.findIndex((item) => isRecord(item) && item.name === name);
    const candidate = [...path.slice(0, at), String(named), ...path.slice(at + 1)];
    if (named >= 0 && isScalar(leaf) && String(valueAt(values, candidate)) === String(leaf))
      path[at] = String(named);
  }
  return path;
}

function isScalar(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== "object";
}

/**
 * The template document that printed the rendered one at `line`, the branches its values did
 * not take blanked, with the item of the range that printed it bound: its `.x` and `$item.x`
 * are `.Values.list.<i>.x`.
 */
function templateView(
  source: RenderedSource,
  template: { file: string; text: string },
  heading: { name: string; occurrence: number },
  line: number,
  values: Record<string, unknown>,
  parsed: Parsed,
): View & { item?: readonly string[] } {
  return parsed.once(`${source.file}\0${heading.name}\0${heading.occurrence}`, () => {
    const documents = parsed.headings(source);
    const own = documents.filter((document) => document.name === heading.name);
    const index = own.findIndex((document) => document.lines.includes(line));
    const place = (index >= 0
      ? templateDocument(
          template.text,
          own.map((document) => document.kind),
          index,
          values,
        )
      : undefined) ?? {
      lines: documentLines(template.text, heading.occurrence),
      items: new Map(),
    };
    // The innermost range's item printed the document.
    const item = [...place.items.values()].at(-1);
    return {
      ...view(template.file, place.lines, ROOT, values, place.items),
      ...(item?.kind === "values" ? { item: item.path } : {}),
    };
  });
}

/**
 * A finding on the whole document lands on the values item a range printed it for; one on a
 * key no line spells, on the action that printed the document's text (`{{- toYaml .Values.x }}`,
 * `tpl`); else on the document's first line in the template, never the rendered text no one
 * edits.
 */
function wholeDocument(
  map: HelmSourceMap,
  chain: readonly string[],
  body: View & { item?: readonly string[] },
  tokens: readonly string[],
  parsed: Parsed,
): HelmPlacement {
  const start = documentStart(body.file, body.written);
  if (!tokens.length)
    return body.item ? valuesPlacement(map, chain, body.item, start, parsed) : { position: start };
  const printing = body.written.findIndex((text) => isActionOnly(text) && printsText(text));
  if (printing < 0) return { position: start };
  const position = lineAt(body.file, body.written, printing, indentOf(body.written[printing]!) + 1);
  const inserted = printedValues(body.lines, printing);
  return inserted
    ? valuesPlacement(map, chain, [...inserted, ...tokens], position, parsed)
    : { position };
}

/** A value's values key (a --set flag named), else `fallback`: the template line printing it. */
function valuesPlacement(
  map: HelmSourceMap,
  chain: readonly string[],
  valuesPath: readonly string[],
  fallback: Position | undefined,
  parsed: Parsed,
): HelmPlacement {
  const override = overrideOf(map.overrides, [...chain, ...valuesPath]);
  // A --set-file value is a file's text: that file is what the user edits.
  if (override?.file)
    return { position: { file: override.file, line: 1, column: 1 }, setBy: override.flag };
  const position = valuesPosition(valuesInScope(map, chain), valuesPath, parsed) ?? fallback;
  return { position, ...(override ? { setBy: override.flag } : {}) };
}

/** Template or define lines, with what the dot is on each and what `$` is. */
interface View {
  file: string;
  /** With each values reference written `.Values.a.b`; an include's argument is read in `written`. */
  lines: string[];
  written: readonly string[];
  scopes: Scope[];
  /** The merged values its branches were decided with (a define's are the template's). */
  values?: unknown;
}

/** A define's body as the caller's dot binds it, the branches its values did not take blanked. */
function view(
  file: string,
  lines: readonly string[],
  dot: Binding | undefined,
  values?: unknown,
  items?: ReadonlyMap<number, Binding>,
): View {
  const bound = boundLines(lines, scopeOf(dot), items);
  if (values === undefined)
    return { file, lines: bound.lines, written: lines, scopes: bound.scopes };
  const taken = takenBranches(bound.lines, values).lines;
  const written = lines.map((text, at) => (taken[at] === "" ? "" : text));
  // Bound again without the branches not taken: a `$x = ...` there assigns nothing.
  const kept = boundLines(written, scopeOf(dot), items);
  return { file, lines: kept.lines, written, scopes: kept.scopes, values };
}

/** Where a path printed by an include was written, and the values key it prints, if one. */
interface Trace {
  position?: Position | undefined;
  valuesPath?: string[] | undefined;
}

/** Includes nested deeper than this are not followed (a define that includes itself). */
const INCLUDE_DEPTH = 8;

/**
 * The path's keys below the match, printed by an `include`/`template` under the matched key (or
 * anywhere in a document that spells none of them): followed into the define, then to the
 * values key it prints; else the include's line, never the document's start.
 */
function throughInclude(
  from: View,
  match: TemplateMatch,
  tokens: readonly string[],
  defines: ReadonlyMap<string, Define>,
  depth: number,
  named = false,
): Trace | undefined {
  const calls = includesBelow(from.lines, match);
  for (const at of calls) {
    const call = includeCall(from.written[at]!)!;
    const define = defines.get(call.name);
    if (!define || depth >= INCLUDE_DEPTH) continue;
    const rest = itemsAfterLiterals(from.lines, match, at, tokens.slice(match.matched), named);
    if (!rest) continue;
    const dot = bindingOf(call.argument, from.scopes[at]!);
    const inner = traceDefine(
      view(define.file, define.lines, dot, from.values),
      rest,
      defines,
      depth + 1,
    );
    if (inner.position || inner.valuesPath)
      return { position: inner.position ?? callPosition(from, at), valuesPath: inner.valuesPath };
  }
  const first = calls[0];
  return first === undefined ? undefined : { position: callPosition(from, first) };
}

function callPosition(from: View, at: number): Position {
  return lineAt(from.file, from.lines, at, indentOf(from.lines[at]!) + 1);
}

/** The lines under the matched key (or of the whole document) that include a define. */
function includesBelow(lines: readonly string[], match: TemplateMatch): number[] {
  const found: number[] = [];
  if (match.line >= 0 && includeCall(lines[match.line]!)) found.push(match.line);
  for (let index = match.line + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (match.line >= 0 && !isActionOnly(line) && indentOf(line) <= match.indent) break;
    if (isActionOnly(line) && includeCall(line) && printedIndent(line) > match.indent)
      found.push(index);
  }
  return found;
}

/** Where an action-only line's output starts: its `nindent`/`indent` width, else the line's. */
function printedIndent(line: string): number {
  const width = /\|\s*n?indent\s+(\d+)/.exec(line)?.[1];
  return width === undefined ? indentOf(line) : Number(width);
}

/**
 * The path below an include that prints list items: the item's index in the define's output is
 * its index in the rendered list less the items written literally before the include.
 */
function itemsAfterLiterals(
  lines: readonly string[],
  match: TemplateMatch,
  at: number,
  rest: readonly string[],
  named = false,
): string[] | undefined {
  if (!/^\d+$/.test(rest[0] ?? "") || match.line < 0) return [...rest];
  const items = lines.slice(match.line + 1, at).filter((line) => /^\s*- /.test(line));
  if (!items.length) return [...rest];
  const indent = Math.min(...items.map(indentOf));
  const index = Number(rest[0]) - items.filter((line) => indentOf(line) === indent).length;
  // Literal items in branches not known spoil the count: a named item is found by its name
  // (byName) in the values list, else it stays on the list (-1 is no item); an unnamed one is
  // not guessed.
  if (index < 0 && !named) return undefined;
  return [String(Math.max(index, -1)), ...rest.slice(1)];
}

/**
 * A path followed down a define's body: the key's line when the define spells it, with the
 * values key that line prints; a deeper include followed; a block the define inserts
 * (`toYaml .Values.x`, or of its dot) gives the values key below it.
 */
function traceDefine(
  body: View,
  tokens: readonly string[],
  defines: ReadonlyMap<string, Define>,
  depth: number,
): Trace {
  const { lines } = body;
  if (!tokens.length) return { valuesPath: printedScalar(body, defines, depth) };
  const match = matchTemplate(lines, tokens);
  const position = match.line >= 0 ? lineAt(body.file, lines, match.line, match.column) : undefined;
  if (match.matched === tokens.length) {
    const valuesPath =
      valuesReference(lines, match, tokens, body.values) ??
      listItemReference(lines, match, tokens) ??
      (includeCall(lines[match.line]!)
        ? throughInclude(body, match, tokens, defines, depth)?.valuesPath
        : undefined);
    return { position, valuesPath };
  }
  const deeper = throughInclude(body, match, tokens, defines, depth);
  if (deeper) return deeper;
  const valuesPath =
    match.line >= 0
      ? valuesReference(lines, match, tokens, body.values)
      : insertedBlock(lines, tokens);
  return { position, valuesPath };
}

/** A block a define's body inserts at its top (`toYaml .Values.x`), with the path below it. */
function insertedBlock(lines: readonly string[], tokens: readonly string[]): string[] | undefined {
  const at = lines.findIndex((line) => isActionOnly(line) && /\btoYaml\b/.test(line));
  const inserted = at < 0 ? undefined : /\.Values((?:\.[A-Za-z0-9_]+)+)/.exec(lines[at]!)?.[1];
  return inserted ? [...inserted.slice(1).split("."), ...tokens] : undefined;
}

/** The values key a define printing one scalar (`{{ .Values.image.tag }}`) prints last. */
function printedScalar(
  body: View,
  defines: ReadonlyMap<string, Define>,
  depth: number,
): string[] | undefined {
  for (let index = body.lines.length - 1; index >= 0; index--) {
    const line = body.lines[index]!;
    if (!printsText(line)) continue;
    const call = printsInclude(body.written[index]!)
      ? includeCall(body.written[index]!)
      : undefined;
    if (!call) {
      const reference = lastReference(line);
      if (reference) return reference.slice(1).split(".");
      continue;
    }
    const define = depth < INCLUDE_DEPTH ? defines.get(call.name) : undefined;
    if (!define) continue;
    const dot = bindingOf(call.argument, body.scopes[index]!);
    return printedScalar(view(define.file, define.lines, dot, body.values), defines, depth + 1);
  }
  return undefined;
}

/**
 * Whether a line's last printing action is an include (`image: {{ include "x.image" . }}`): what
 * it prints is the define's, whatever `.Values` its arguments name (`(dict "global"
 * .Values.global)`).
 */
function printsInclude(line: string): boolean {
  const last = [...line.matchAll(ACTION)].filter((action) => !CONTROL.test(action[1]!)).at(-1);
  return last !== undefined && includeCall(last[0]) !== undefined;
}

/**
 * `{{ .x }}` on the matched line inside `{{- range .Values.list }}` that prints the items of a
 * YAML list (`env:` then the range): the item is the rendered list's, after the items written
 * literally before the range, so the value is `list.<index>.x`.
 */
function listItemReference(
  lines: readonly string[],
  match: TemplateMatch,
  tokens: readonly string[],
): string[] | undefined {
  if (match.line < 0 || match.matched !== tokens.length) return undefined;
  const printed =
    /\{\{-?\s*(?:\$([A-Za-z_]\w*))?\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*(?:\|[^}]*)?-?\}\}/.exec(
      lines[match.line]!,
    );
  const field = printed?.[2];
  if (field === undefined || (!printed![1] && field.startsWith("Values"))) return undefined;
  // `{{ $item.x }}` is the item of `range $i, $item := ...` only.
  if (printed![1] && enclosingRange(lines, match.line)?.item !== printed![1]) return undefined;
  const item = rangeItemPath(lines, match.line, tokens, 0);
  return item && [...item, ...field.split(".")];
}

/**
 * The values path of the item the dot is at a line inside `{{- range X }}` that prints a YAML
 * list's items: `X` is `.Values.list`, or a field of an outer range's item (`range .sub` in
 * `range .Values.list`: `list.<i>.sub`); the index is the item's in the rendered list (read from
 * the finding's path) less the items written literally before the range.
 */
function rangeItemPath(
  lines: readonly string[],
  at: number,
  tokens: readonly string[],
  depth: number,
): string[] | undefined {
  const range = enclosingRange(lines, at);
  if (!range || depth > INCLUDE_DEPTH) return undefined;
  const list =
    range.path ??
    (range.field
      ? rangeItemPath(lines, range.line, tokens, depth + 1)?.concat(range.field)
      : undefined);
  if (!list) return undefined;
  const first = lines.findIndex((line, index) => index > range.line && !isActionOnly(line));
  if (first < 0 || !/^\s*- /.test(lines[first]!)) return undefined;
  // The items are an inner range's, flattened into one list: which item is whose is not known.
  if (lines.slice(range.line + 1, first).some((line) => /\{\{-?\s*range\b/.test(line)))
    return undefined;
  const itemIndent = indentOf(lines[first]!);
  let key = range.line - 1;
  while (key >= 0 && (isActionOnly(lines[key]!) || indentOf(lines[key]!) >= itemIndent)) key--;
  const literal = lines
    .slice(key + 1, range.line)
    .filter((line) => indentOf(line) === itemIndent && /^\s*- /.test(line)).length;
  // No key above: a define's output is the list's items, the path's first token their index.
  const indexToken = key < 0 ? 0 : indexTokenOf(lines, tokens, key);
  const index = indexToken === undefined ? Number.NaN : Number(tokens[indexToken]);
  if (!Number.isInteger(index) || index < literal) return undefined;
  return [...list, String(index - literal)];
}

/** Which token of the path is an item's index in the list whose key is on line `key`. */
function indexTokenOf(
  lines: readonly string[],
  tokens: readonly string[],
  key: number,
): number | undefined {
  for (let depth = 1; depth < tokens.length; depth++) {
    if (matchTemplate(lines, tokens.slice(0, depth)).line === key) return depth;
  }
  return undefined;
}

/**
 * The `range` whose block holds the line (no `with` between): over `.Values.x` (`path`) or over
 * a field of the dot (`field`, an outer range's item).
 */
function enclosingRange(
  lines: readonly string[],
  at: number,
): { line: number; path?: string[]; field?: string[]; item?: string } | undefined {
  let depth = 0;
  for (let index = at - 1; index >= 0; index--) {
    const actions = [
      ...lines[index]!.matchAll(/\{\{-?\s*(end|if|with|range|define|block)\b([^}]*)\}\}/g),
    ];
    for (const action of actions.reverse()) {
      if (action[1] === "end") depth++;
      else if (depth > 0) depth--;
      else if (action[1] === "range") {
        // `range $i, $item := X` (or `$item := X`): the item is named too.
        const named = /^\s*(?:\$\w+\s*,\s*)?\$(\w+)\s*:=/.exec(action[2]!);
        const expression =
          /^\s*(\$\w*)?\.((?:Values\.)?[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\s*-?$/.exec(
            action[2]!.slice(named?.[0].length ?? 0),
          );
        if (!expression) return undefined;
        const item = named ? { item: named[1]! } : {};
        const [first, ...rest] = expression[2]!.split(".");
        if (first === "Values" && (expression[1] ?? "$") === "$")
          return { line: index, path: rest, ...item };
        // `.sub` of the dot, or `$outer.sub` of an outer range's item.
        return expression[1] === "$"
          ? undefined
          : { line: index, field: [first!, ...rest], ...item };
      } else if (action[1] !== "if") return undefined;
    }
  }
  return undefined;
}

/**
 * A template helm read from a subchart archive (`charts/db-1.0.0.tgz`) has no file to open: its
 * objects land on the chart's `dependencies` entry for that subchart (by name or alias), where
 * its version is chosen and beside which its values are set.
 */
function packagedSubchartEntry(
  map: HelmSourceMap,
  source: string,
  parsed: Parsed,
): Position | undefined {
  const [subchart] = subchartsOf(source);
  if (subchart === undefined || !map.chartYaml) return undefined;
  const chart = parsed.documents(map.chartYaml.file, map.chartYaml.text)[0];
  const dependencies = isRecord(chart?.value) ? chart.value.dependencies : undefined;
  if (!chart || !Array.isArray(dependencies)) return chart?.locate("");
  const index = dependencies.findIndex(
    (dependency) => isRecord(dependency) && (dependency.alias ?? dependency.name) === subchart,
  );
  return chart.locate(index < 0 ? "/dependencies" : `/dependencies/${index}`);
}

/** "scout/charts/db/charts/cache/templates/x.yaml" -> ["db", "cache"]. */
export function subchartsOf(source: string): string[] {
  const parts = source.split("/").slice(1);
  const chain: string[] = [];
  for (let index = 0; parts[index] === "charts" && parts[index + 1]; index += 2) {
    chain.push(parts[index + 1]!);
  }
  return chain;
}

/**
 * The values files a template of the subchart `chain` reads, lowest precedence first: the
 * deepest subchart's own values.yaml, each parent's under the subchart's name, then the chart's
 * values.yaml and --values files under the whole chain.
 */
function valuesInScope(map: HelmSourceMap, chain: readonly string[]): ScopedValues[] {
  const own = chain.flatMap((_, depth): ScopedValues[] => {
    const at = chain.length - depth;
    const values = map.subchartValues?.[chain.slice(0, at).join("/")];
    return values ? [{ ...values, prefix: chain.slice(at) }] : [];
  });
  return [...own, ...map.values.map((values) => ({ ...values, prefix: chain }))];
}

/**
 * The `# Source:` comment heading the document that holds `line` (1-based), and how many
 * documents of the same template came before it (Helm repeats the comment for each).
 */
function templateHeadingAt(
  headings: readonly Heading[],
  line: number,
): { name: string; occurrence: number } | undefined {
  let at = -1;
  for (let index = 0; index < headings.length && headings[index]!.line <= line; index++) at = index;
  const heading = headings[at];
  if (!heading) return undefined;
  const occurrence = headings.slice(0, at).filter((other) => other.name === heading.name).length;
  return { name: heading.name, occurrence };
}

/** A `# Source:` comment of a chart's rendered text: its line (1-based) and template name. */
interface Heading {
  line: number;
  name: string;
}

function headingsOf(text: string): Heading[] {
  return text.split("\n").flatMap((candidate, index) => {
    const name = /^# Source: (\S+)\s*$/.exec(candidate)?.[1];
    return name === undefined ? [] : [{ line: index + 1, name }];
  });
}

/**
 * The template's lines with only the `occurrence`-th document's left non-blank, so that line
 * numbers stay those of the file.
 */
function documentLines(text: string, occurrence: number): string[] {
  const lines = text.split("\n");
  const separators = lines.flatMap((line, index) => (/^---(\s|$)/.test(line) ? [index] : []));
  // Leading "---" opens the first document; a template may also start without one.
  const starts = separators[0] === firstContentLine(lines) ? separators : [-1, ...separators];
  const start = starts[occurrence] ?? -1;
  const end = starts[occurrence + 1] ?? lines.length;
  return lines.map((line, index) => (index > start && index < end ? line : ""));
}

function documentStart(file: string, lines: readonly string[]): Position | undefined {
  const content = firstContentLine(lines);
  const line = content >= 0 ? content : lines.findIndex(printsText);
  if (line < 0) return undefined;
  return lineAt(file, lines, line, indentOf(lines[line]!) + 1);
}

/** A template line from `column` to its last printed character: what the user edits there. */
function lineAt(file: string, lines: readonly string[], index: number, column: number): Position {
  const text = lines[index] ?? "";
  const end = Math.max(column, text.trimEnd().length + 1);
  return { file, line: index + 1, column, endLine: index + 1, endColumn: end };
}

/** A line whose actions print (an include, a toYaml), not only a comment or control flow. */
function printsText(line: string): boolean {
  return line.trim() !== "" && !isControlLine(line);
}

/** A line of `if`, `else`, `with` and `end` actions: control flow, no output. */
function isCondition(line: string): boolean {
  return [...line.matchAll(ACTION)].every((action) => /^(?:if|else|with|end)\b/.test(action[1]!));
}

function firstContentLine(lines: readonly string[]): number {
  return lines.findIndex((line) => !isActionOnly(line));
}

interface TemplateMatch {
  /** 0-based line of the deepest key matched; -1 when none. */
  line: number;
  column: number;
  /** Indentation the keys below the match are deeper than. */
  indent: number;
  /** How many tokens of the path were matched. */
  matched: number;
}

/**
 * Follows the path's keys down the template's YAML by indentation, skipping lines that are only
 * template actions ({{- if }}, {{- end }}): what Helm printed for a key is under that key.
 */
function matchTemplate(
  lines: readonly string[],
  tokens: readonly string[],
  names: readonly (string | undefined)[] = [],
): TemplateMatch {
  let match: TemplateMatch = { line: -1, column: 1, indent: -1, matched: 0 };
  let cursor = 0;
  let parentIndent = -1;
  for (const [at, token] of tokens.entries()) {
    const found = /^\d+$/.test(token)
      ? findListItem(lines, cursor, parentIndent, Number(token), names[at])
      : findKey(lines, cursor, parentIndent, token);
    if (!found) break;
    match = {
      line: found.line,
      column: found.column,
      indent: found.indent,
      matched: match.matched + 1,
    };
    cursor = found.continueAt;
    parentIndent = found.indent;
  }
  return match;
}

interface Found {
  line: number;
  /** 1-based column of the key, or of the item's first key. */
  column: number;
  indent: number;
  /** Where the search for the next token starts (the key's own line for "- key:"). */
  continueAt: number;
}

function isActionOnly(line: string): boolean {
  return /^\s*\{\{.*\}\}\s*$/.test(line) || /^\s*(#.*)?$/.test(line);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function findKey(
  lines: readonly string[],
  from: number,
  parentIndent: number,
  key: string,
): Found | null {
  const quoted = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^(\\s*(?:-\\s+)*)["']?${quoted}["']?\\s*:(\\s|$)`);
  for (let index = from; index < lines.length; index++) {
    const line = lines[index]!;
    if (isActionOnly(line)) continue;
    const found = pattern.exec(line);
    const indent = found ? found[1]!.length : indentOf(line);
    if (found && indent > parentIndent)
      return { line: index, column: indent + 1, indent, continueAt: index + 1 };
    if (indentOf(line) <= parentIndent && index > from) return null;
  }
  return null;
}

function findListItem(
  lines: readonly string[],
  from: number,
  parentIndent: number,
  wanted: number,
  name?: string,
): Found | null {
  const counted = countedListItem(lines, from, parentIndent, wanted);
  if (name === undefined) return counted;
  // The rendered item's name written literally: that item, whatever a branch not known did to
  // the count; another literal name at the counted place: an item printed by a range or an
  // include, not that one.
  const literal = literalItems(lines, from, parentIndent);
  const named = literal.filter((item) => item.name === name);
  if (named.length === 1) return named[0]!.found;
  const at = literal.find((item) => item.found.line === counted?.line);
  return at?.name !== undefined && at.name !== name ? null : counted;
}

/** The list's items written `- name: x`, with the literal name of each. */
function literalItems(
  lines: readonly string[],
  from: number,
  parentIndent: number,
): { name?: string; found: Found }[] {
  const items: { name?: string; found: Found }[] = [];
  for (let wanted = 0; ; wanted++) {
    const found = countedListItem(lines, from, parentIndent, wanted, false);
    if (!found) return items;
    const name = /^\s*-\s+name:\s*["']?([^"'{}\s#]+)["']?\s*(?:#.*)?$/.exec(
      lines[found.line]!,
    )?.[1];
    items.push({ ...(name !== undefined ? { name } : {}), found });
  }
}

function countedListItem(
  lines: readonly string[],
  from: number,
  parentIndent: number,
  wanted: number,
  ranged = true,
): Found | null {
  let itemIndent = -1;
  let count = -1;
  const blocks: string[] = [];
  for (let index = from; index < lines.length; index++) {
    const line = lines[index]!;
    if (isActionOnly(line)) {
      for (const action of line.matchAll(/\{\{-?\s*(end|if|with|range|define|block)\b/g)) {
        if (action[1] === "end") blocks.pop();
        else blocks.push(action[1]!);
      }
      continue;
    }
    const indent = indentOf(line);
    const isItem = line.trimStart().startsWith("- ") || line.trim() === "-";
    // A block sequence may sit at its key's own indentation ("containers:\n- name: x").
    if (indent < parentIndent || (indent === parentIndent && !isItem)) return null;
    if (!isItem || (itemIndent >= 0 && indent !== itemIndent)) continue;
    itemIndent = indent;
    count++;
    // An item a range prints stands for each item the range printed from there on.
    if (count === wanted || (ranged && wanted > count && blocks.includes("range"))) {
      // The item's first key is on the dash's line: search for the next token from there.
      const column = indent + line.trimStart().match(/^-\s*/)![0].length + 1;
      return { line: index, column, indent: indent + 1, continueAt: index };
    }
  }
  return null;
}

/**
 * The values path a matched template line prints: `{{ .Values.a.b }}` on the key's line when
 * the whole path matched, or the `.Values.x` of a block inserted below the deepest key
 * (`{{- toYaml .Values.x | nindent 8 }}`) followed by the path's remaining keys.
 */
function valuesReference(
  lines: readonly string[],
  match: TemplateMatch,
  tokens: readonly string[],
  values?: unknown,
): string[] | undefined {
  if (match.line < 0) return undefined;
  if (match.matched === tokens.length) {
    // `default`, `coalesce`, `ternary`: the argument the values chose; a literal chosen is the
    // template line's.
    const chosen = values === undefined ? undefined : printedKey(lines[match.line]!, values);
    if (chosen !== undefined) return chosen ?? undefined;
    const onLine = lastReference(lines[match.line]!);
    return onLine
      ? onLine.slice(1).split(".")
      : (dotReference(lines, match.line, false) ?? soleBlock(lines, match));
  }
  const at = insertedAt(lines, match);
  const inserted = at === undefined ? undefined : printedValues(lines, at);
  if (!inserted) return undefined;
  const rest = tokens.slice(match.matched);
  // A range prints the list's items after those written literally above it.
  if (/\{\{-?\s*range\b/.test(lines[at!]!) && /^\d+$/.test(rest[0] ?? "")) {
    const items = lines.slice(match.line + 1, at).filter((line) => /^\s*- /.test(line));
    const indent = Math.min(...items.map(indentOf));
    const literal = items.filter((line) => indentOf(line) === indent).length;
    const index = Number(rest[0]) - literal;
    if (index < 0) return undefined;
    return [...inserted, String(index), ...rest.slice(1)];
  }
  return [...inserted, ...rest];
}

/** The values path an inserting action prints: `.Values.a.b`, or `.`/`.x` inside a `with`. */
function printedValues(lines: readonly string[], at: number): string[] | undefined {
  const named = /\.Values((?:\.[A-Za-z0-9_]+)+)/.exec(lines[at]!)?.[1];
  return named ? named.slice(1).split(".") : dotReference(lines, at, true);
}

/**
 * `{{ .x }}` (or, for a block, `toYaml .`) on a line inside `{{- with .Values.a }}`: the dot is
 * `.Values.a` there, so the value is `a.x` (`a`). A `range` in between makes the dot an item:
 * nothing is said then, unless the document's range item is known (see helm-documents).
 */
function dotReference(lines: readonly string[], at: number, whole: boolean): string[] | undefined {
  const line = lines[at]!;
  const field = /\{\{-?[^}]*?(?<![\w$)\]])\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)/.exec(
    line,
  )?.[1];
  const bare = whole && /\{\{-?[^}]*?\s\.(?:\s|\}|\|)/.test(line);
  if ((field === undefined || field.startsWith("Values")) && !bare) return undefined;
  const scope = withScope(lines, at);
  if (!scope) return undefined;
  return field !== undefined && !bare ? [...scope, ...field.split(".")] : scope;
}

/** The `.Values` path of the `with` whose block holds the line, if the dot is that. */
function withScope(lines: readonly string[], at: number): string[] | undefined {
  let depth = 0;
  for (let index = at - 1; index >= 0; index--) {
    for (const action of [
      ...lines[index]!.matchAll(/\{\{-?\s*(end|if|with|range|define|block)\b([^}]*)\}\}/g),
    ].reverse()) {
      if (action[1] === "end") depth++;
      else if (depth > 0) depth--;
      else if (action[1] === "with") {
        const path = /^\s*\$?\.Values((?:\.[A-Za-z0-9_]+)+)\s*-?$/.exec(action[2]!)?.[1];
        return path ? path.slice(1).split(".") : undefined;
      } else if (action[1] !== "if") return undefined;
    }
  }
  return undefined;
}

/**
 * A key whose whole content is one block of values (`securityContext:` then `{{- toYaml . |
 * nindent 12 }}` in `with .Values.securityContext`, the `helm create` scaffold): a finding on
 * the mapping (a field missing from it) is the values key's, where the field is added.
 */
function soleBlock(lines: readonly string[], match: TemplateMatch): string[] | undefined {
  const at = insertedAt(lines, match);
  if (at === undefined || /\{\{-?\s*range\b/.test(lines[at]!)) return undefined;
  for (let index = match.line + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (isActionOnly(line)) continue;
    if (indentOf(line) <= match.indent) break;
    return undefined;
  }
  return printedValues(lines, at);
}

/** The line below the matched key whose action inserts a `.Values` block under it. */
function insertedAt(lines: readonly string[], match: TemplateMatch): number | undefined {
  for (let index = match.line + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (!isActionOnly(line) && indentOf(line) <= match.indent) break;
    // An `if`/`with` line names values it prints nothing of.
    if (
      isActionOnly(line) &&
      !isCondition(line) &&
      (/\.Values\./.test(line) || dotReference(lines, index, true))
    )
      return index;
  }
  return undefined;
}

/**
 * The last `.Values` path a line prints. A value built of several (`"{{ .Values.image.repository
 * }}:{{ .Values.image.tag }}"`) is most specific at its end: the tag, not the repository, makes
 * an image `:latest`, and it is the key a user changes to pin it.
 */
function lastReference(line: string): string | undefined {
  return [...line.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)].at(-1)?.[1];
}

/** The key's line in the last values file that sets it, or that sets its nearest parent. */
function valuesPosition(
  files: readonly ScopedValues[],
  valuesPath: readonly string[],
  parsed: Parsed,
  depthOfText = 0,
): Position | undefined {
  let best: { position: Position; depth: number } | undefined;
  for (const file of [...files].reverse()) {
    const document = parsed.documents(file.file, file.text)[0];
    if (!document) continue;
    const path = [...file.prefix, ...valuesPath];
    const depth = existingDepth(document.value, path);
    if (depth === path.length) return document.locate(joinPointer("", ...path));
    const inText =
      depth > file.prefix.length &&
      typeof valueAt(document.value, path.slice(0, depth)) === "string" &&
      depthOfText < INCLUDE_DEPTH
        ? withinText(
            file,
            document.locate(joinPointer("", ...path.slice(0, depth))),
            path.slice(depth),
          )
        : undefined;
    if (inText?.valuesPath)
      return valuesPosition(files, inText.valuesPath, parsed, depthOfText + 1) ?? inText.position;
    if (inText?.position) return inText.position;
    // A parent's values name the subchart before any key of it: that alone places nothing.
    const named = depth - file.prefix.length;
    // Located at the whole path, the nearest key set is marked alone, not all the block below it.
    if (named > 0 && (!best || named > best.depth))
      best = { position: document.locate(joinPointer("", ...path)), depth: named };
  }
  return best?.position;
}

/**
 * A values key whose text a template printed as YAML (`tpl .Values.extraEnv .`, `toYaml` of a
 * string, bitnami's `common.tplvalues.render`): the path below it is followed down the block's
 * lines as down a template: the key's line in the values file, and the values key that line
 * prints (`value: "{{ .Values.token }}"`), when one.
 */
function withinText(
  file: ScopedValues,
  key: Position,
  rest: readonly string[],
): { position?: Position; valuesPath?: string[] } | undefined {
  const lines = file.text.split("\n");
  const keyLine = lines[key.line - 1] ?? "";
  if (!/:\s*[|>][-+]?\d*\s*(?:#.*)?$/.test(keyLine)) return undefined;
  const keyIndent = indentOf(keyLine);
  let end = key.line;
  while (end < lines.length && (lines[end]!.trim() === "" || indentOf(lines[end]!) > keyIndent))
    end++;
  const block = lines.map((line, index) => (index >= key.line && index < end ? line : ""));
  const match = matchTemplate(block, rest);
  if (match.line < 0) return undefined;
  const position = lineAt(file.file, block, match.line, match.column);
  const printed = match.matched === rest.length ? lastReference(block[match.line]!) : undefined;
  return { position, ...(printed ? { valuesPath: printed.slice(1).split(".") } : {}) };
}

function existingDepth(value: unknown, path: readonly string[]): number {
  let current = value;
  let depth = 0;
  for (const key of path) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isRecord(current) && key in current) current = current[key];
    else break;
    depth++;
  }
  return depth;
}

// ---- Kustomize ----

type Step = string | { name: string } | number;

function kustomizePosition(
  map: KustomizeSourceMap,
  rendered: unknown,
  index: number,
  finding: Finding,
  parsed: Parsed,
): Position | undefined {
  const pointer = finding.path ?? "";
  const origin = map.documents[index];
  if (!origin) return undefined;
  const image = imageEntryAt(origin, rendered, pointer, finding.message);
  if (image) return image.position;
  const steps = namedSteps(rendered, splitPointer(pointer));
  const base =
    origin.resource !== undefined
      ? matchingDocument(origin.resource, map.files[origin.resource], rendered, parsed)
      : undefined;
  const label = selectorLabelAt(origin, rendered, base?.value, pointer);
  if (label) return label.position;
  const replaced = replacementSource(map, origin, rendered, base?.value, steps, parsed);
  if (replaced) return replaced;
  const inBase = base && resolveSteps(base.value, steps);
  for (const patch of [...origin.patches].reverse()) {
    const text = patch.inline?.text ?? map.files[patch.file];
    const key = patch.inline ? `${patch.file}:${patch.inline.line}` : patch.file;
    if (text === undefined) continue;
    if (patch.target && !targets(patch.target, rendered, base?.value)) continue;
    const operations = parsed.documents(key, text)[0];
    if (Array.isArray(operations?.value)) {
      const at =
        operationAt(operations.value, pointer, rendered) ??
        removalOperation(operations.value, base?.value, finding.message, splitPointer(pointer)) ??
        operationBelow(operations.value, base?.value, pointer, finding.message);
      if (at !== undefined) return inFile(patch, operations.locate(at));
      continue;
    }
    const target =
      matchingDocument(key, text, rendered, parsed) ??
      (patch.target ? parsed.documents(key, text).find((d) => isRecord(d.value)) : undefined);
    if (!target) continue;
    const resolved = resolveSteps(target.value, steps);
    // A patch names the object and container it changes (metadata.name, a mapping): what is
    // missing there, or equal to the base, is the base's.
    const setsValue =
      resolved.depth === steps.length &&
      (inBase?.depth !== steps.length ||
        (!isContainer(resolved.value) && resolved.value !== inBase.value));
    if (setsValue) return inFile(patch, target.locate(resolved.pointer));
    const removal = removalIn(target.value, base?.value, finding.message, steps);
    if (removal !== undefined) return inFile(patch, target.locate(removal));
    const baseValue = inBase?.depth === steps.length ? inBase.value : undefined;
    const below =
      resolved.depth === steps.length && isContainer(resolved.value)
        ? changedLeaf(resolved.value, baseValue, finding.message)
        : undefined;
    if (below !== undefined) return inFile(patch, target.locate(resolved.pointer + below));
    if (resolved.depth === steps.length && rewritesItem(target.value, base?.value, steps))
      return inFile(patch, target.locate(resolved.pointer));
  }
  if (base && inBase) return base.locate(inBase.pointer);
  const charted =
    origin.generator?.charts &&
    inflatedPosition(origin.generator.charts, rendered, pointer, parsed);
  return charted ?? (origin.generator && generatorPosition(map, origin.generator, pointer, parsed));
}

/**
 * A field of an object a `helmCharts:` entry inflated, traced as a chart's field is: the
 * template's key, then the values key it prints, in the last of the entry's values that sets
 * it (valuesInline over valuesFile over the chart's values.yaml). Kustomize drops the
 * `# Source:` comments, so the template is the one of the object's kind whose keys match the
 * field best; nothing matched leaves the finding on the entry.
 */
function inflatedPosition(
  charts: readonly InflatedChart[],
  rendered: unknown,
  pointer: string,
  parsed: Parsed,
): Position | undefined {
  const tokens = splitPointer(pointer);
  const name = nameOf(rendered);
  const kind = isRecord(rendered) ? rendered.kind : undefined;
  const named = charts.filter((chart) => chart.releaseName && name.includes(chart.releaseName));
  let best:
    | { chart: InflatedChart; file: string; lines: string[]; match: TemplateMatch }
    | undefined;
  for (const chart of named.length ? named : charts) {
    for (const template of chart.templates) {
      const occurrence = documentOfKind(template.text, kind);
      if (occurrence < 0) continue;
      const lines = documentLines(template.text, occurrence);
      const match = matchTemplate(lines, tokens);
      if (match.matched > (best?.match.matched ?? 0))
        best = { chart, file: template.file, lines, match };
    }
  }
  if (!best) return undefined;
  const { chart, file, lines, match } = best;
  const valuesPath = valuesReference(lines, match, tokens);
  const printed = lineAt(file, lines, match.line, match.column);
  return (valuesPath && valuesPosition(chart.values, valuesPath, parsed)) ?? printed;
}

/** Which document of a template (by `---`) says `kind: <kind>`; -1 when none does. */
function documentOfKind(text: string, kind: unknown): number {
  if (typeof kind !== "string") return -1;
  const lines = text.split("\n");
  const separators = lines.flatMap((line, index) => (/^---(\s|$)/.test(line) ? [index] : []));
  const starts = separators[0] === firstContentLine(lines) ? separators : [-1, ...separators];
  const at = lines.findIndex((line) =>
    new RegExp(`^kind:\\s*["']?${kind}["']?\\s*(#.*)?$`).test(line),
  );
  if (at < 0) return -1;
  return starts.filter((start) => start < at).length - 1;
}

/**
 * A rule reports a missing field on its parent (`securityContext`), naming the field in its
 * message. When a patch removed that field from what the base had (`key: null`, `$patch: delete`
 * or `replace` in a strategic merge patch, a JSON 6902 `remove`), the patch is what the user
 * edits: the removal whose removed keys the message names (a whole word of six letters or more,
 * so that no common word matches).
 */
function removalIn(
  patch: unknown,
  base: unknown,
  message: string,
  steps: readonly Step[],
): string | undefined {
  const finding = steps.map(stepKey);
  for (const removal of strategicRemovals(patch, base, { at: "", path: [] })) {
    if (!related(removal.owner, removal.path, finding)) continue;
    if (removal.keys.some((key) => namedIn(message, key))) return removal.at;
  }
  return undefined;
}

interface Removal {
  /** Pointer, in the patch, of the directive. */
  at: string;
  /** Its path by keys and item names, and that of the mapping it removes something from. */
  path: string[];
  owner: string[];
  /** The keys of the base it removes, at any depth. */
  keys: string[];
}

function strategicRemovals(
  patch: unknown,
  base: unknown,
  where: { at: string; path: string[] },
): Removal[] {
  if (Array.isArray(patch)) {
    return patch.flatMap((item, index) => {
      const name = isRecord(item) ? item.name : undefined;
      const matched = Array.isArray(base)
        ? base.find((candidate) => isRecord(candidate) && candidate.name === name)
        : undefined;
      const step = typeof name === "string" ? stepKey({ name }) : String(index);
      return strategicRemovals(item, matched, {
        at: joinPointer(where.at, index),
        path: [...where.path, step],
      });
    });
  }
  if (!isRecord(patch)) return [];
  return Object.entries(patch).flatMap(([key, value]): Removal[] => {
    const below = isRecord(base) ? base[key] : undefined;
    const here = { at: joinPointer(where.at, key), path: [...where.path, key] };
    if (key === "$patch" && (value === "delete" || value === "replace") && base !== undefined) {
      // `delete` removes the mapping itself (its key is gone too); `replace`, what is not restated.
      const own = value === "delete" ? where.path.slice(-1) : [];
      return [{ ...here, owner: where.path.slice(0, -1), keys: [...own, ...keysBelow(base)] }];
    }
    if (value === null && below !== undefined)
      return [{ ...here, owner: where.path, keys: [key, ...keysBelow(below)] }];
    return strategicRemovals(value, below, here);
  });
}

function removalOperation(
  operations: readonly unknown[],
  base: unknown,
  message: string,
  finding: readonly string[],
): string | undefined {
  for (let index = operations.length - 1; index >= 0; index--) {
    const operation = operations[index];
    if (!isRecord(operation) || operation.op !== "remove" || typeof operation.path !== "string")
      continue;
    const removed = getAtPointer(base, operation.path);
    const path = splitPointer(operation.path);
    if (removed === undefined || !related(path.slice(0, -1), path, finding)) continue;
    const keys = [path.at(-1) ?? "", ...keysBelow(removed)];
    if (keys.some((key) => namedIn(message, key))) return `/${index}`;
  }
  return undefined;
}

/**
 * Whether a removal concerns the finding's place: it removes from the finding's object or one
 * of its parents (the pod's securityContext for a container's), or from below the finding.
 */
function related(owner: readonly string[], path: readonly string[], finding: readonly string[]) {
  const isPrefix = (prefix: readonly string[], of: readonly string[]) =>
    prefix.length <= of.length && prefix.every((key, index) => key === of[index]);
  return isPrefix(owner, finding) || isPrefix(finding, path);
}

function stepKey(step: Step): string {
  return typeof step === "object" ? `name=${step.name}` : String(step);
}

function keysBelow(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysBelow);
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [key, ...keysBelow(child)]);
}

/**
 * Whether the message names the key: as it is spelt, or in words (`seccompProfile` is "seccomp
 * profile" in "has no seccomp profile").
 */
function namedIn(message: string, key: string): boolean {
  if (key.length < 6 || !/^[A-Za-z][A-Za-z0-9]*$/.test(key)) return false;
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return (
    new RegExp(`\\b${key}\\b`).test(message) ||
    (words.includes(" ") && new RegExp(`\\b${words}\\b`, "i").test(message))
  );
}

/**
 * `commonLabels` (and `labels` with `includeSelectors`) are written into a NetworkPolicy's peer
 * pod selectors too, where they select pods Kustomize did not label (cluster DNS in
 * kube-system): the flow a finding below an ingress or egress rule says is gone was cut by
 * the label, not by the policy the base wrote. The label's line is what the user edits.
 */
function selectorLabelAt(
  origin: KustomizeOrigin,
  rendered: unknown,
  base: unknown,
  pointer: string,
): SelectorLabel | undefined {
  if (!origin.selectorLabels?.length || !isRecord(rendered) || rendered.kind !== "NetworkPolicy")
    return undefined;
  if (!/^\/spec\/(?:ingress|egress)(?:\/|$)/.test(pointer)) return undefined;
  for (const [at, labels] of peerSelectorsBelow(getAtPointer(rendered, pointer), pointer)) {
    const written = getAtPointer(base, at);
    for (const label of [...origin.selectorLabels].reverse()) {
      const added = Object.hasOwn(labels, label.key);
      if (added && !(isRecord(written) && Object.hasOwn(written, label.key))) return label;
    }
  }
  return undefined;
}

/** The `podSelector.matchLabels` of the peers at or below a place of a policy, by pointer. */
function peerSelectorsBelow(value: unknown, at: string): [string, Record<string, unknown>][] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => peerSelectorsBelow(item, joinPointer(at, index)));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]): [string, Record<string, unknown>][] => {
    const here = joinPointer(at, key);
    if (key === "podSelector" && isRecord(child) && isRecord(child.matchLabels))
      return [[joinPointer(here, "matchLabels"), child.matchLabels]];
    return peerSelectorsBelow(child, here);
  });
}

/**
 * A field a `replacements:` entry copied into the object: the user edits the source, the field
 * of the object it was copied from (in its resource file), else the entry's `source:`.
 */
function replacementSource(
  map: KustomizeSourceMap,
  origin: KustomizeOrigin,
  rendered: unknown,
  original: unknown,
  steps: readonly Step[],
  parsed: Parsed,
): Position | undefined {
  const finding = steps.map(stepKey);
  for (const file of [...(origin.replacements ?? [])].reverse()) {
    const kustomization = parsed.documents(file, map.files[file] ?? "")[0];
    const entries = isRecord(kustomization?.value) ? kustomization.value.replacements : undefined;
    if (!kustomization || !Array.isArray(entries)) continue;
    for (const [index, entry] of entries.entries()) {
      if (!isRecord(entry) || !isRecord(entry.source) || !Array.isArray(entry.targets)) continue;
      if (!entry.targets.some((target) => replaces(target, rendered, original, finding))) continue;
      return (
        sourceField(map, entry.source, parsed) ??
        kustomization.locate(`/replacements/${index}/source`)
      );
    }
  }
  return undefined;
}

/** Whether a replacement target selects the object and writes the finding's field or above. */
function replaces(
  target: unknown,
  rendered: unknown,
  original: unknown,
  finding: readonly string[],
): boolean {
  if (!isRecord(target) || !isRecord(target.select) || !Array.isArray(target.fieldPaths))
    return false;
  if (!targets(patchTarget(target.select), rendered, original)) return false;
  const rejected = Array.isArray(target.reject) ? target.reject : [];
  const rejects = (reject: unknown) =>
    isRecord(reject) && targets(patchTarget(reject), rendered, original);
  if (rejected.some(rejects)) return false;
  return target.fieldPaths.some(
    (fieldPath) =>
      typeof fieldPath === "string" &&
      fieldPathKeys(fieldPath).every((key, index) => key === finding[index]),
  );
}

function patchTarget(select: Record<string, unknown>): PatchTarget {
  const target: PatchTarget = {};
  for (const field of ["group", "version", "kind", "name", "namespace"] as const) {
    const value = select[field];
    // A replacement's select names exactly; escaped, it reads as the patch selector's pattern.
    if (typeof value === "string") target[field] = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return target;
}

/** `spec.containers.[name=api].image` -> ["spec", "containers", "name=api", "image"]. */
function fieldPathKeys(fieldPath: string): string[] {
  return (fieldPath.match(/\[[^\]]*\]|[^.]+/g) ?? []).map((token) =>
    token.startsWith("[") ? token.slice(1, -1) : token,
  );
}

/** The field a replacement copies from, in the resource file of its source object. */
function sourceField(
  map: KustomizeSourceMap,
  source: Record<string, unknown>,
  parsed: Parsed,
): Position | undefined {
  const fieldPath = typeof source.fieldPath === "string" ? source.fieldPath : "metadata.name";
  for (const [file, text] of Object.entries(map.files)) {
    for (const document of parsed.documents(file, text)) {
      const value = document.value;
      if (!isRecord(value) || value.kind !== source.kind || nameOf(value) !== source.name) continue;
      const steps = fieldPathKeys(fieldPath).map((key): Step => {
        const named = /^name=(.*)$/.exec(key);
        return named ? { name: named[1]! } : key;
      });
      const resolved = resolveSteps(value, steps);
      if (resolved.depth === steps.length) return document.locate(resolved.pointer);
    }
  }
  return undefined;
}

function generatorPosition(
  map: KustomizeSourceMap,
  generator: NonNullable<KustomizeOrigin["generator"]>,
  pointer: string,
  parsed: Parsed,
): Position | undefined {
  const [field, key] = splitPointer(pointer);
  const isData = field === "data" || field === "stringData" || field === "binaryData";
  const keyed = isData && key !== undefined ? generator.keys?.[key] : undefined;
  if (keyed) return keyed;
  const text = map.files[generator.file];
  const kustomization = text === undefined ? undefined : parsed.documents(generator.file, text)[0];
  return kustomization?.locate(generator.pointer);
}

/**
 * The `images:` entry that made a container's image what it is: one whose rewrite (newName,
 * newTag, digest) the rendered image shows, the outermost kustomization's first. Kustomize runs
 * the image transformer after the patches of its kustomization, so the entry decided the value.
 * An inner entry matched the name the image had before an outer `newName`; of the entries, the
 * one that set the tag or digest decided what the image is pinned to (the rule that judges
 * images judges that), else the one that set the name.
 */
function imageEntryAt(
  origin: KustomizeOrigin,
  rendered: unknown,
  pointer: string,
  message: string,
): ImageEntry | undefined {
  if (!origin.images?.length) return undefined;
  if (!/\/(?:containers|initContainers|ephemeralContainers)\/\d+\/image$/.test(pointer)) return;
  const image = getAtPointer(rendered, pointer);
  if (typeof image !== "string") return undefined;
  const { name, tag, digest } = parseImage(image);
  const names = new Set([name]);
  const applied: ImageEntry[] = [];
  for (const entry of [...origin.images].reverse()) {
    if (!names.has(entry.newName ?? entry.name)) continue;
    const rewrites =
      entry.newName !== undefined || entry.newTag !== undefined || entry.digest !== undefined;
    const shown =
      (entry.newTag === undefined || entry.newTag === tag) &&
      (entry.digest === undefined || entry.digest === digest);
    if (rewrites && shown) applied.push(entry);
    if (entry.newName !== undefined) names.add(entry.name);
  }
  const pinning = applied.find((entry) => entry.newTag !== undefined || entry.digest !== undefined);
  // A tag or digest no entry set is the resource's: a finding about it stays there.
  if (!pinning && /\b(?:tag|latest|digest)\b/i.test(message)) return undefined;
  return pinning ?? applied[0];
}

/**
 * The pointer, in a JSON 6902 patch (a list of operations), of what decided the field at
 * `pointer`: the value of the last `add`/`replace`/`copy`/`move` at it or above it, or a `remove`
 * of the field itself (a finding about a field that is missing).
 */
function operationAt(
  operations: readonly unknown[],
  pointer: string,
  rendered: unknown,
): string | undefined {
  for (let index = operations.length - 1; index >= 0; index--) {
    const operation = operations[index];
    if (!isRecord(operation) || typeof operation.path !== "string") continue;
    const path = appendedAt(operations, index, rendered) ?? operation.path;
    if (operation.op === "remove") {
      if (path === pointer) return `/${index}`;
      continue;
    }
    if (path !== pointer && !pointer.startsWith(`${path}/`)) continue;
    if (operation.op === "add" || operation.op === "replace") {
      return `/${index}/value${pointer.slice(path.length)}`;
    }
    if (operation.op === "copy" || operation.op === "move") return `/${index}/from`;
  }
  return undefined;
}

/**
 * Where an `add` to `list/-` put its value: the list's end, before what the later appends to
 * the same list of the patch put after it (in the rendered object, as Kustomize applied it).
 */
function appendedAt(
  operations: readonly unknown[],
  index: number,
  rendered: unknown,
): string | undefined {
  const operation = operations[index];
  if (!isRecord(operation) || operation.op !== "add" || typeof operation.path !== "string") return;
  if (!operation.path.endsWith("/-")) return undefined;
  const list = operation.path.slice(0, -2);
  const items = getAtPointer(rendered, list);
  if (!Array.isArray(items)) return undefined;
  const later = operations
    .slice(index + 1)
    .filter((other) => isRecord(other) && other.op === "add" && other.path === operation.path);
  return `${list}/${items.length - 1 - later.length}`;
}

/**
 * A rule that judges a whole mapping (a NetworkPolicy's ingress rule that no longer admits a
 * flow) reports on it, but the user edited a value in it (its port): an operation that changed
 * a value below the finding's place (not to the base's value) that the message speaks of.
 */
function operationBelow(
  operations: readonly unknown[],
  base: unknown,
  pointer: string,
  message: string,
): string | undefined {
  for (let index = operations.length - 1; index >= 0; index--) {
    const operation = operations[index];
    if (!isRecord(operation) || typeof operation.path !== "string") continue;
    if (operation.op !== "add" && operation.op !== "replace") continue;
    if (!operation.path.startsWith(`${pointer}/`)) continue;
    const key = splitPointer(operation.path).at(-1) ?? "";
    const old = getAtPointer(base, operation.path);
    const changed = changedLeaf(operation.value, old, message, "", [key]);
    if (changed !== undefined) return `/${index}/value${changed}`;
  }
  return undefined;
}

/**
 * The pointer, below `patch`, of a value it sets that differs from the base's and that the
 * message names: its key (a whole word of six letters or more), its value or the base's.
 */
function changedLeaf(
  patch: unknown,
  base: unknown,
  message: string,
  at = "",
  keys: readonly string[] = [],
): string | undefined {
  if (Array.isArray(patch)) {
    for (const [index, item] of patch.entries()) {
      const name = isRecord(item) ? item.name : undefined;
      const byName = (candidate: unknown) => isRecord(candidate) && candidate.name === name;
      const matched = Array.isArray(base)
        ? name !== undefined
          ? base.find(byName)
          : base[index]
        : undefined;
      const found = changedLeaf(item, matched, message, joinPointer(at, index), keys);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isRecord(patch)) {
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith("$")) continue;
      const below = isRecord(base) ? base[key] : undefined;
      const found = changedLeaf(value, below, message, joinPointer(at, key), [...keys, key]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (patch === base || isContainer(base)) return undefined;
  const named =
    keys.some((key) => namedIn(message, key)) ||
    [patch, base].some((value) => mentions(message, value));
  return named ? at : undefined;
}

/** Whether the message shows the scalar as a whole word (a port, a verb, an image tag). */
function mentions(message: string, value: unknown): boolean {
  if (typeof value !== "string" && typeof value !== "number") return false;
  const text = String(value);
  if (text.length < 2) return false;
  const quoted = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?:^|[^\\w.-])${quoted}(?:$|[^\\w.-])`).test(message);
}

/**
 * Whether a patch's `target:` selects the rendered object, as Kustomize's selector does. Its
 * name is matched against the object's name as it was when the patch ran, the original name
 * (`original`, the resource file's) or the current one (Kustomize's `Select` tries both): the
 * rendered name wears the prefixes and suffixes of the overlays above, any of them unknown here,
 * so every name between the original and the rendered one is tried.
 */
function targets(target: PatchTarget, rendered: unknown, original?: unknown): boolean {
  if (!isRecord(rendered)) return false;
  const metadata = isRecord(rendered.metadata) ? rendered.metadata : {};
  const [group, version] = groupVersionOf(rendered.apiVersion);
  const anchored = (pattern: string | undefined, values: readonly string[]) => {
    if (pattern === undefined || pattern === "") return true;
    try {
      const expression = new RegExp(`^(?:${pattern})$`);
      return values.some((value) => expression.test(value));
    } catch {
      return values.includes(pattern);
    }
  };
  const originalMetadata =
    isRecord(original) && isRecord(original.metadata) ? original.metadata : {};
  const namespaces = [metadata.namespace, originalMetadata.namespace].map((value) =>
    typeof value === "string" ? value : "",
  );
  return (
    (target.kind === undefined || target.kind === rendered.kind) &&
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version) &&
    anchored(target.name, namesBetween(nameOf(rendered), nameOf(original))) &&
    anchored(target.namespace, namespaces) &&
    selects(target.labelSelector, metadata.labels) &&
    selects(target.annotationSelector, metadata.annotations)
  );
}

/**
 * The names an object may have had on its way from `original` to `rendered`: the rendered name
 * with some of the prefixes and suffixes around the original one taken off. Without the
 * original, the rendered name alone.
 */
function namesBetween(rendered: string, original: string): string[] {
  const at = original ? rendered.indexOf(original) : -1;
  if (at < 0) return [rendered];
  const names: string[] = [];
  for (let start = 0; start <= at; start++) {
    for (let end = at + original.length; end <= rendered.length; end++) {
      names.push(rendered.slice(start, end));
    }
  }
  return names;
}

function groupVersionOf(apiVersion: unknown): [string, string] {
  if (typeof apiVersion !== "string") return ["", ""];
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? ["", apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/**
 * A label selector as the API machinery reads it: requirements joined by commas (not those
 * inside a set's parentheses), each `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`
 * or `!k`. `!=` and `notin` match an object without the label.
 */
function selects(selector: string | undefined, labels: unknown): boolean {
  if (!selector) return true;
  const values = isRecord(labels) ? labels : {};
  const has = (key: string) => Object.hasOwn(values, key);
  return requirementsOf(selector).every((requirement) => {
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(requirement);
    if (set) {
      const members = set[3]!.split(",").map((member) => member.trim());
      const inSet = has(set[1]!) && members.includes(String(values[set[1]!]));
      return set[2] === "in" ? inSet : !inSet;
    }
    const unequal = /^([^!=]+)!=(.*)$/.exec(requirement);
    if (unequal) return values[unequal[1]!.trim()] !== unequal[2]!.trim();
    const equal = /^([^!=]+)==?(.*)$/.exec(requirement);
    if (equal) return has(equal[1]!.trim()) && values[equal[1]!.trim()] === equal[2]!.trim();
    if (requirement.startsWith("!")) return !has(requirement.slice(1).trim());
    return requirement === "" || has(requirement);
  });
}

/** `a in (x,y),b` -> ["a in (x,y)", "b"]: the commas of a set stay in it. */
function requirementsOf(selector: string): string[] {
  const requirements: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of selector) {
    if (character === "(") depth++;
    if (character === ")") depth--;
    if (character === "," && depth === 0) {
      requirements.push(current.trim());
      current = "";
    } else current += character;
  }
  requirements.push(current.trim());
  return requirements;
}

/** A position in an inline patch's text, moved to where that text sits in its file. */
function inFile(patch: PatchRef, position: Position): Position {
  if (!patch.inline) return position;
  if (patch.inline.whole) return patch.inline.whole;
  const { line, column } = patch.inline;
  const moved: Position = {
    file: patch.file,
    line: line + position.line - 1,
    column: column + position.column - 1,
  };
  if (position.endLine === undefined || position.endColumn === undefined) return moved;
  return {
    ...moved,
    endLine: line + position.endLine - 1,
    endColumn: column + position.endColumn - 1,
  };
}

function isContainer(value: unknown): boolean {
  return isRecord(value) || Array.isArray(value);
}

/** List indexes become the item's name where it has one: patches merge lists by name. */
function namedSteps(value: unknown, tokens: readonly string[]): Step[] {
  const steps: Step[] = [];
  let current = value;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const item = current[Number(token)];
      steps.push(
        isRecord(item) && typeof item.name === "string" ? { name: item.name } : Number(token),
      );
      current = item;
    } else {
      steps.push(token);
      current = isRecord(current) ? current[token] : undefined;
    }
  }
  return steps;
}

/**
 * Whether the patch writes, in a list whose items have no name (matched by place: a strategic
 * merge replaces such a list whole, as a Role's `rules`), an item on the finding's path that
 * differs from the base's: the finding's field is the patch's though it restates the base's
 * value (a `get` kept while the patch dropped the item's `resourceNames`).
 */
function rewritesItem(patch: unknown, base: unknown, steps: readonly Step[]): boolean {
  let [inPatch, inBase] = [patch, base];
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(inPatch) || !Array.isArray(inBase)) return false;
      if (!isDeepStrictEqual(inPatch[step], inBase[step])) return inBase[step] !== undefined;
    }
    [inPatch, inBase] = [child(inPatch, step), child(inBase, step)];
  }
  return false;
}

function child(value: unknown, step: Step): unknown {
  if (Array.isArray(value)) {
    return typeof step === "object"
      ? value.find((item) => isRecord(item) && item.name === step.name)
      : value[Number(step)];
  }
  return isRecord(value) && typeof step === "string" ? value[step] : undefined;
}

function resolveSteps(
  value: unknown,
  steps: readonly Step[],
): { pointer: string; depth: number; value: unknown } {
  let current = value;
  let pointer = "";
  let depth = 0;
  for (const step of steps) {
    let next: { key: string | number; value: unknown } | undefined;
    if (Array.isArray(current) && typeof step === "object") {
      const at = current.findIndex((item) => isRecord(item) && item.name === step.name);
      if (at >= 0) next = { key: at, value: current[at] };
    } else if (Array.isArray(current) && typeof step === "number" && step < current.length) {
      next = { key: step, value: current[step] };
    } else if (isRecord(current) && typeof step === "string" && step in current) {
      next = { key: step, value: current[step] };
    }
    if (!next) break;
    pointer = joinPointer(pointer, next.key);
    current = next.value;
    depth++;
  }
  return { pointer, depth, value: current };
}

/** The document of a resource or patch file that describes the rendered object. */
function matchingDocument(
  file: string,
  text: string | undefined,
  rendered: unknown,
  parsed: Parsed,
): SourceDocument | undefined {
  if (text === undefined || !isRecord(rendered)) return undefined;
  const documents = parsed.documents(file, text);
  const renderedName = nameOf(rendered);
  // Name prefixes and suffixes of overlays are added around the name the file gives.
  const candidates = documents.filter(
    (document) =>
      isRecord(document.value) &&
      document.value.kind === rendered.kind &&
      renderedName.includes(nameOf(document.value)),
  );
  return candidates.find((document) => nameOf(document.value) === renderedName) ?? candidates[0];
}

function nameOf(value: unknown): string {
  const metadata = isRecord(value) ? value.metadata : undefined;
  return isRecord(metadata) && typeof metadata.name === "string" ? metadata.name : "";
}
