import type { z } from "zod";
import { type CoreSettings, parseWithSchema, type Settings, settingsSchema } from "./config.js";
import { ConfigurationError } from "./errors.js";
import { type AnyRule, withDocs } from "./rule.js";

/**
 * A set of rules shipped together, with the settings its rules share. The engine runs the
 * built-in packs and those named in `policy.plugins`; `policy.settings` is validated against
 * core's keys and those of every pack that runs.
 */
export interface RulePack<Schema extends z.ZodObject = z.ZodObject> {
  /** How errors name the pack: its package name. */
  readonly name: string;
  readonly rules: readonly AnyRule[];
  /** The pack's keys under `policy.settings`, with their defaults; read them with `settingsReader`. */
  readonly settings?: Schema | undefined;
}

export interface PackDefinition<Schema extends z.ZodObject> {
  name: string;
  rules: readonly AnyRule[];
  settings?: Schema;
  /** The docs page of a rule, for a pack whose docs follow its ids (omitted: each rule's own `meta.docs`). */
  docs?: (ruleId: string) => string;
}

export function definePack<Schema extends z.ZodObject = z.ZodObject>(
  pack: PackDefinition<Schema>,
): RulePack<Schema> {
  const clash = Object.keys(pack.settings?.shape ?? {}).find((key) => key in settingsSchema.shape);
  if (clash) {
    throw new ConfigurationError(
      `rule pack "${pack.name}" declares policy.settings.${clash}, which core declares too`,
    );
  }
  const docs = pack.docs;
  const rules = docs ? pack.rules.map((rule) => withDocs(rule, docs)) : [...pack.rules];
  return Object.freeze({
    name: pack.name,
    rules: Object.freeze(rules),
    ...(pack.settings ? { settings: pack.settings } : {}),
  });
}

/**
 * A pack's typed view of `policy.settings`: core's keys and the pack's own, with the pack's
 * defaults filled in even when the policy was parsed without the pack (a test, `evaluate` called
 * directly). One view per settings object, so lookups keyed by it (`componentOf`) stay warm.
 */
export function settingsReader<Schema extends z.ZodObject>(
  schema: Schema,
): (settings: Settings) => CoreSettings & z.output<Schema> {
  const keys = Object.keys(schema.shape);
  const views = new WeakMap<Settings, CoreSettings & z.output<Schema>>();
  return (settings) => {
    let view = views.get(settings);
    if (!view) {
      const own = Object.fromEntries(
        keys.filter((k) => k in settings).map((k) => [k, settings[k]]),
      );
      view = { ...settings, ...parseWithSchema(schema, own, undefined, "/policy/settings") };
      views.set(settings, view);
    }
    return view;
  };
}
