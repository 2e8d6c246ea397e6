import { z } from "zod";
import { ConfigurationError } from "./errors.js";
import { FAIL_ON, type Position } from "./model.js";
import { escapeSegment, splitPointer } from "./pointer.js";

export const SCOUT_COMPONENTS = ["frontend", "backend", "redis", "nginx", "prometheus"] as const;

const severity = z.enum(["error", "warning", "info"]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date such as 2026-12-31");

/** Options shared by every rule: what the Security Guide leaves to the deployment. */
export const settingsSchema = z
  .object({
    /** The Scout namespace; without it, the one Namespace object of the bundle. */
    namespace: z.string().min(1).optional(),
    /** @default 1000 */
    expectedUid: z.number().int().min(0).default(1000),
    /** Labels that name a workload's component, in order of preference. */
    componentLabels: z
      .array(z.string().min(1))
      .min(1)
      .default(["app.kubernetes.io/component", "app.kubernetes.io/name", "app"]),
    components: z.array(z.string().min(1)).default([...SCOUT_COMPONENTS]),
    /** Writable mount paths allowed besides /tmp. */
    writablePaths: z.array(z.string().startsWith("/")).default([]),
    /** @default "default" */
    profile: z.enum(["default", "production"]).default("default"),
    /** Redis authentication required (turns secrets/redis-auth into an error). @default false */
    redisAuth: z.boolean().default(false),
  })
  .strict();

export type Settings = z.output<typeof settingsSchema>;

/** `off` unquoted is the boolean false in YAML 1.1 (how configs are read, like manifests). */
const off = z.union([z.literal("off"), z.literal(false).transform(() => "off" as const)]);

const ruleSetting = z.union([
  off,
  severity,
  z
    .object({
      severity: z.union([severity, off]).optional(),
      options: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);

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

export const policySchema = z
  .object({
    /** @default "error" */
    failOn: z.enum(FAIL_ON).default("error"),
    /** Honour `scout-deploy.io/ignore` annotations. @default true */
    allowAnnotationSuppressions: z.boolean().default(true),
    settings: settingsSchema.prefault({}),
    rules: z.record(z.string(), ruleSetting).default({}),
    suppressions: z.array(suppressionSchema).default([]),
    /** Rule packs to load by import, e.g. "@acme/scout-rules". */
    plugins: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type RuleSetting = z.output<typeof ruleSetting>;

export interface ConfigSuppression extends z.output<typeof suppressionSchema> {
  /** Where the entry was written, for findings about the entry itself. */
  position?: Position;
}

export interface PolicyConfig extends Omit<z.output<typeof policySchema>, "suppressions"> {
  suppressions: ConfigSuppression[];
}

/** Where values of a config file sit, so errors can name the line. */
export type Locate = (pointer: string) => Position;

export function defaultPolicy(): PolicyConfig {
  return parsePolicy(undefined);
}

/**
 * Validates the `policy:` section. `pointerBase` is where the section sits in the file
 * ("/policy"), so an error names `policy.failOn` and its line.
 */
export function parsePolicy(
  value: unknown,
  locate?: Locate,
  pointerBase = "/policy",
): PolicyConfig {
  const parsed = parseWithSchema(policySchema, value ?? {}, locate, pointerBase);
  return {
    ...parsed,
    suppressions: parsed.suppressions.map((entry, index) => ({
      ...entry,
      ...(locate ? { position: locate(`${pointerBase}/suppressions/${index}`) } : {}),
    })),
  };
}

export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  locate: Locate | undefined,
  pointerBase: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keys = unrecognizedKeys(issue);
  const path = [...issue.path.map(String), ...keys.slice(0, 1)];
  const pointer = pointerBase + path.map((p) => `/${escapeSegment(p)}`).join("");
  const dotted = [...splitPointer(pointerBase), ...path].join(".");
  const where = locate ? `${formatPosition(locate(pointer))}: ` : "";
  const message = keys.length
    ? `unknown key "${keys[0]}"${allowedKeysHint(schema, issue.path)}`
    : issue.message;
  throw new ConfigurationError(`${where}${dotted || "config"}: ${message}`);
}

function unrecognizedKeys(issue: z.core.$ZodIssue): string[] {
  return issue.code === "unrecognized_keys" ? issue.keys : [];
}

function allowedKeysHint(schema: z.ZodType, path: readonly PropertyKey[]): string {
  let node: unknown = schema;
  for (const key of path) node = shapeOf(node)?.[String(key)];
  const shape = shapeOf(node);
  return shape ? ` (allowed: ${Object.keys(shape).join(", ")})` : "";
}

function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as { def?: { innerType?: unknown; shape?: Record<string, unknown> } };
  for (let i = 0; i < 5 && current?.def; i++) {
    if (current.def.shape) return current.def.shape;
    current = current.def.innerType as typeof current;
  }
  return undefined;
}

export function formatPosition(position: Position): string {
  return `${position.file}:${position.line}:${position.column}`;
}
