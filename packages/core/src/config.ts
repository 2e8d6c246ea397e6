import { z } from "zod";
import { ConfigurationError } from "./errors.js";
import { FAIL_ON, type Position } from "./model.js";
import { escapeSegment, getAtPointer, splitPointer } from "./pointer.js";
import { didYouMean } from "./suggest.js";

const severity = z.enum(["error", "warning", "info"]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date such as 2026-12-31");

/**
 * The settings every pack may read: what any deployment leaves open. A rule pack adds its own
 * keys beside these (see `RulePack.settings`); `policy.settings` is validated against all of them.
 */
export const settingsSchema = z
  .object({
    /** The namespace the checked deployment runs in; without it, the one Namespace object of the bundle. */
    namespace: z.string().min(1).optional(),
    /** Labels that name a workload's component, in order of preference. */
    componentLabels: z
      .array(z.string().min(1))
      .min(1)
      .default(["app.kubernetes.io/component", "app.kubernetes.io/name", "app"]),
    /** @default "default" */
    profile: z.enum(["default", "production"]).default("default"),
  })
  .strict();

/** Core's settings, the keys every pack can rely on. */
export type CoreSettings = z.output<typeof settingsSchema>;

/**
 * The parsed `policy.settings`: core's keys, typed, and the keys of the packs that run. A pack
 * reads its own keys, typed and with their defaults, through `settingsReader`.
 */
export type Settings = CoreSettings & { readonly [key: string]: unknown };

/** What decides a workload's component (`componentOf`): the labels to read, the names to accept. */
export interface ComponentSettings {
  readonly componentLabels: readonly string[];
  readonly components: readonly string[];
}

/** A schema of settings keys, as a rule pack declares it (`z.object({...})`). */
export type SettingsSchema = z.ZodObject;

/** Who declares settings keys: core, then each pack that runs, by name. */
export interface SettingsSource {
  readonly name: string;
  readonly settings?: SettingsSchema | undefined;
}

/** `off` unquoted is the boolean false in YAML 1.1 (how configs are read, like manifests). */
const off = z.union([z.literal("off"), z.literal(false).transform(() => "off" as const)]);

const LEVELS = ["off", "error", "warning", "info"];

/**
 * `expected ..., not "no"`. A union's own message says only "Invalid input", and zod reports a
 * bad `severity:` inside the mapping as the whole union failing, so this one names it.
 */
function ruleSettingError(issue: { input?: unknown }): string {
  const got = issue.input;
  if (isPlainObject(got)) {
    if ("severity" in got && !LEVELS.includes(got.severity as string) && got.severity !== false)
      return `severity: ${levelProblem("off, error, warning or info", got.severity)}`;
    return `options: expected a mapping of the rule's options, not ${shown(got.options)}`;
  }
  return levelProblem("off, error, warning, info or a mapping of severity: and options:", got);
}

function levelProblem(expected: string, got: unknown): string {
  // Short words are too near each other ("no" is two edits from "info") to guess.
  const hint = typeof got === "string" && got.length >= 4 ? didYouMean(got, LEVELS) : "";
  return `expected ${expected}, not ${shown(got)}${hint}`;
}

function shown(value: unknown): string {
  return JSON.stringify(value) ?? "nothing";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ruleSetting = z.union(
  [
    off,
    severity,
    z
      .object({
        severity: z.union([severity, off]).optional(),
        options: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  ],
  { error: ruleSettingError },
);

const suppressionSchema = z
  .object({
    /** Rule ids; "pod/*" covers an area. */
    rules: z.array(z.string().min(1)).min(1),
    /** "Kind/name" or "Kind/namespace/name"; any part may be "*". Omitted: every object. */
    objects: z.array(z.string().min(1)).optional(),
    /** Globs of files, relative to the working folder. Omitted: every file. */
    files: z.array(z.string().min(1)).optional(),
    reason: z.string().trim().min(1, "a suppression needs a reason"),
    expires: isoDate.optional(),
  })
  .strict();

function policySchemaWith(settings: z.ZodType) {
  return z
    .object({
      /** @default "error" */
      failOn: z.enum(FAIL_ON).default("error"),
      /** Honour `scout-deploy.io/ignore` annotations. @default true */
      allowAnnotationSuppressions: z.boolean().default(true),
      settings: settings.prefault({}),
      rules: z.record(z.string(), ruleSetting).default({}),
      suppressions: z.array(suppressionSchema).default([]),
      /** Rule packs to load by import, e.g. "@acme/k8s-rules". */
      plugins: z.array(z.string().min(1)).default([]),
    })
    .strict();
}

/** The `policy:` section with core's settings only (its JSON Schema, the shape of every policy). */
export const policySchema = policySchemaWith(settingsSchema);

/** The `policy:` section whose settings are core's and those of `packs` (for a JSON Schema). */
export function policySchemaOf(packs: readonly SettingsSource[]) {
  return policySchemaWith(settingsSchemaOf(packs));
}

export type RuleSetting = z.output<typeof ruleSetting>;

export interface ConfigSuppression extends z.output<typeof suppressionSchema> {
  /** Where the entry was written, for findings about the entry itself. */
  position?: Position;
}

export interface PolicyConfig
  extends Omit<z.output<typeof policySchema>, "suppressions" | "settings"> {
  settings: Settings;
  suppressions: ConfigSuppression[];
}

/** Where values of a config file sit, so errors can name the line. */
export type Locate = (pointer: string) => Position;

export function defaultPolicy(): PolicyConfig {
  return parsePolicy(undefined);
}

export interface ParsePolicyOptions {
  /** Where the section sits in the file, so an error names `policy.failOn` and its line. @default "/policy" */
  pointerBase?: string;
  /** The packs that run: their settings keys join core's (`settingsSchemaOf`). */
  packs?: readonly SettingsSource[];
  /**
   * Settings keys no listed pack declares are kept, not refused: packs named in `plugins` are
   * loaded later, and `parseSettings` then validates the settings against every pack.
   */
  laterPacks?: boolean;
}

/** Validates the `policy:` section; a mistake is a ConfigurationError naming file, line and key. */
export function parsePolicy(
  value: unknown,
  locate?: Locate,
  { pointerBase = "/policy", packs = [], laterPacks = false }: ParsePolicyOptions = {},
): PolicyConfig {
  const settings = settingsSchemaOf(packs);
  const schema = policySchemaWith(laterPacks ? settings.catchall(z.unknown()) : settings);
  const parsed = parseWithSchema(schema, value ?? {}, locate, pointerBase);
  return {
    ...parsed,
    // The merged schema extends core's, so the output holds core's keys, typed.
    settings: parsed.settings as Settings,
    suppressions: parsed.suppressions.map((entry, index) => ({
      ...entry,
      ...(locate ? { position: locate(`${pointerBase}/suppressions/${index}`) } : {}),
    })),
  };
}

/**
 * Validates `policy.settings` against core's keys and those of `packs`: an unknown key is an
 * error naming the allowed ones. `value` is the section as written.
 */
export function parseSettings(
  value: unknown,
  packs: readonly SettingsSource[],
  locate?: Locate,
  pointer = "/policy/settings",
): Settings {
  return parseWithSchema(settingsSchemaOf(packs), value ?? {}, locate, pointer) as Settings;
}

/** Core's settings schema with the keys of every pack that declares some; a key declared twice is refused. */
export function settingsSchemaOf(packs: readonly SettingsSource[]): z.ZodObject {
  const owner = new Map(Object.keys(settingsSchema.shape).map((key) => [key, "core"]));
  let merged: z.ZodObject = settingsSchema;
  for (const pack of packs) {
    if (!pack.settings) continue;
    for (const key of Object.keys(pack.settings.shape)) {
      const other = owner.get(key);
      if (other) {
        throw new ConfigurationError(
          `rule pack "${pack.name}" declares policy.settings.${key}, which ${other === "core" ? "core" : `rule pack "${other}"`} declares too`,
        );
      }
      owner.set(key, pack.name);
    }
    merged = merged.extend(pack.settings.shape);
  }
  return merged.strict();
}

export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  locate: Locate | undefined,
  pointerBase: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = causeOf(result.error.issues);
  const keys = unrecognizedKeys(issue);
  const path = [...issue.path.map(String), ...keys.slice(0, 1)];
  const pointer = pointerBase + path.map((p) => `/${escapeSegment(p)}`).join("");
  const dotted = [...splitPointer(pointerBase), ...path].join(".");
  const where = locate ? `${formatPosition(locate(pointer))}: ` : "";
  const message = keys.length
    ? `unknown key "${keys[0]}"${allowedKeysHint(schema, issue.path, keys[0]!)}`
    : (notOneOf(issue, value) ?? missing(issue, value) ?? issue.message);
  throw new ConfigurationError(`${where}${dotted || "config"}: ${message}`);
}

/**
 * The issue to report: a key missing beside an unknown one (`rule:` for `rules:`) is the typo's
 * doing, so the unknown key, with its did-you-mean, is what the user should read first.
 */
function causeOf(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  const first = issues[0]!;
  if (first.code !== "invalid_type") return first;
  const parent = first.path.slice(0, -1).map(String).join("\u0000");
  const typo = issues.find(
    (i) => i.code === "unrecognized_keys" && i.path.map(String).join("\u0000") === parent,
  );
  return typo ?? first;
}

/** `missing (expected array)` for a required key absent, not zod's "received undefined". */
function missing(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  if (issue.code !== "invalid_type") return undefined;
  const got = getAtPointer(value, issue.path.map((p) => `/${escapeSegment(String(p))}`).join(""));
  return got === undefined ? `missing (expected ${issue.expected})` : undefined;
}

/** `expected one of error, warning, info, never, not "warnin" (did you mean "warning"?)`. */
function notOneOf(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  if (issue.code !== "invalid_value") return undefined;
  const allowed = issue.values.map(String);
  const got = getAtPointer(value, issue.path.map((p) => `/${escapeSegment(String(p))}`).join(""));
  const shown = JSON.stringify(got) ?? "nothing";
  const hint = typeof got === "string" ? didYouMean(got, allowed) : "";
  return `expected one of ${allowed.join(", ")}, not ${shown}${hint}`;
}

function unrecognizedKeys(issue: z.core.$ZodIssue): string[] {
  return issue.code === "unrecognized_keys" ? issue.keys : [];
}

/** ` (did you mean "x"?) (allowed: ...)` for an unknown key, from the schema of its mapping. */
function allowedKeysHint(schema: z.ZodType, path: readonly PropertyKey[], key: string): string {
  let node: unknown = schema;
  for (const segment of path) node = childOf(node, String(segment));
  const shape = shapeOf(node);
  if (!shape) return "";
  const allowed = Object.keys(shape);
  return `${didYouMean(key, allowed)} (allowed: ${allowed.join(", ")})`;
}

interface SchemaNode {
  def?: {
    type?: string;
    innerType?: unknown;
    in?: unknown;
    shape?: Record<string, unknown>;
    valueType?: unknown;
    element?: unknown;
    options?: unknown[];
  };
}

/** Past optional, default, prefault and pipe wrappers. */
function unwrap(schema: unknown): SchemaNode | undefined {
  let current = schema as SchemaNode | undefined;
  for (let i = 0; i < 8 && current?.def; i++) {
    const next =
      current.def.innerType ?? (current.def.type === "pipe" ? current.def.in : undefined);
    if (!next) break;
    current = next as SchemaNode;
  }
  return current;
}

/** The schema of a key of a mapping, a record's value, a list's item, or a union's mapping. */
function childOf(schema: unknown, key: string): unknown {
  const def = unwrap(schema)?.def;
  if (!def) return undefined;
  if (def.shape) return def.shape[key];
  if (def.type === "record") return def.valueType;
  if (def.type === "array") return def.element;
  if (def.type === "union") {
    for (const option of def.options ?? []) {
      const child = childOf(option, key);
      if (child) return child;
    }
  }
  return undefined;
}

function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  const def = unwrap(schema)?.def;
  if (def?.shape) return def.shape;
  if (def?.type === "union") {
    for (const option of def.options ?? []) {
      const shape = shapeOf(option);
      if (shape) return shape;
    }
  }
  return undefined;
}

export function formatPosition(position: Position): string {
  return `${position.file}:${position.line}:${position.column}`;
}
