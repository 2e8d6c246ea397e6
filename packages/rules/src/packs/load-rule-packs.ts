import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type AnyRule,
  ConfigurationError,
  definePack,
  defineRule,
  isRecord,
  type RulePack,
  type SettingsSchema,
} from "@scout-deploy/core";

export interface LoadRulePacksOptions {
  /** The folder that package names resolve from: the config file's folder. */
  resolveFrom: string;
}

/**
 * Loads the rule packs named in `policy.plugins` by dynamic import, resolved from the config
 * file's folder like Node resolves a dependency. Each pack exports `rules` (made with
 * `defineRule`) and may export `settings`, a `z.object` of its keys under `policy.settings`;
 * rule ids come back prefixed with the pack's name ("@acme/k8s-rules" gives
 * "acme/k8s-rules/<id>").
 */
export async function loadRulePacks(
  names: readonly string[],
  options: LoadRulePacksOptions,
): Promise<RulePack[]> {
  const loaded: RulePack[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const pack = await loadRulePack(name, options);
    loaded.push(pack);
    for (const rule of pack.rules) {
      const other = seen.get(rule.id);
      if (other) {
        throw new ConfigurationError(
          `policy.plugins: rule "${rule.id}" comes from both "${other}" and "${name}"`,
        );
      }
      seen.set(rule.id, name);
    }
  }
  return loaded;
}

async function loadRulePack(
  name: string,
  { resolveFrom }: LoadRulePacksOptions,
): Promise<RulePack> {
  const located = locatePack(name, resolveFrom);
  if (!located) {
    throw new ConfigurationError(
      `policy.plugins: cannot find rule pack "${name}" from ${resolveFrom} (is it installed?)`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(located.entry).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(`policy.plugins: cannot load rule pack "${name}": ${reason}`);
  }
  const exported = exportedRules(module);
  if (exported.length === 0) {
    throw new ConfigurationError(
      `policy.plugins: rule pack "${name}" exports no rules (expected \`export const rules = [defineRule(...)]\`)`,
    );
  }
  const prefix = packPrefix(located.packageName ?? name);
  const rules = exported.map((rule, index) => {
    if (!isRuleLike(rule)) {
      throw new ConfigurationError(
        `policy.plugins: rule pack "${name}": rules[${index}] is not a rule made with defineRule`,
      );
    }
    const id = rule.id.startsWith(`${prefix}/`) ? rule.id : `${prefix}/${rule.id}`;
    try {
      return defineRule({ ...rule, id });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigurationError(`policy.plugins: rule pack "${name}": ${reason}`);
    }
  });
  const settings = exportedSettings(module, name);
  return definePack({ name, rules, ...(settings ? { settings } : {}) });
}

/** The pack's `settings` export: a zod object (use `z` from @scout-deploy/core). */
function exportedSettings(
  module: Record<string, unknown>,
  name: string,
): SettingsSchema | undefined {
  const settings =
    module.settings ?? (isRecord(module.default) ? module.default.settings : undefined);
  if (settings === undefined) return undefined;
  if (
    !isRecord(settings) ||
    !isRecord(settings.shape) ||
    typeof settings.safeParse !== "function"
  ) {
    throw new ConfigurationError(
      `policy.plugins: rule pack "${name}" exports settings that are not a z.object({...}) schema`,
    );
  }
  return settings as unknown as SettingsSchema;
}

function exportedRules(module: Record<string, unknown>): unknown[] {
  const fromDefault = isRecord(module.default) ? module.default.rules : module.default;
  const rules = module.rules ?? fromDefault;
  return Array.isArray(rules) ? rules : [];
}

function isRuleLike(value: unknown): value is AnyRule {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.check === "function" &&
    isRecord(value.meta) &&
    isRecord(value.meta.messages)
  );
}

/** "@acme/scout-rules" -> "acme/scout-rules"; other characters become "-". */
export function packPrefix(name: string): string {
  return name
    .replace(/^@/, "")
    .toLowerCase()
    .split("/")
    .map((part) =>
      part
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, ""),
    )
    .filter(Boolean)
    .join("/");
}

interface LocatedPack {
  entry: string;
  packageName?: string;
  /** The pack's code: its package folder, or the one file a path names. */
  root: string;
}

/**
 * Where the pack `name` (as `policy.plugins` names it) keeps its code, found as loadRulePacks
 * finds it: its package folder, or the file a path names; undefined when it cannot be found.
 */
export function rulePackRoot(name: string, resolveFrom: string): string | undefined {
  return locatePack(name, resolveFrom)?.root;
}

function locatePack(name: string, resolveFrom: string): LocatedPack | undefined {
  if (name.startsWith(".") || isAbsolute(name)) {
    const path = resolve(resolveFrom, name);
    if (!existsSync(path)) return undefined;
    if (statSync(path).isDirectory()) return packageEntry(path);
    return { entry: path, packageName: basename(path, extname(path)), root: path };
  }
  for (let folder = resolve(resolveFrom); ; folder = dirname(folder)) {
    const candidate = join(folder, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return packageEntry(candidate);
    if (dirname(folder) === folder) return undefined;
  }
}

/** The ESM entry of a package: `exports["."]` (import, then default), else `main`, else index.js. */
function packageEntry(folder: string): LocatedPack | undefined {
  const manifestPath = join(folder, "package.json");
  const manifest = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>)
    : {};
  const exports = manifest.exports;
  const root = isRecord(exports) && "." in exports ? exports["."] : exports;
  const target =
    pickCondition(root) ?? (typeof manifest.main === "string" ? manifest.main : "index.js");
  const entry = resolve(folder, target);
  if (!existsSync(entry)) return undefined;
  const located: LocatedPack = { entry, root: folder };
  if (typeof manifest.name === "string") located.packageName = manifest.name;
  return located;
}

function pickCondition(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (!isRecord(target)) return undefined;
  for (const condition of ["import", "node", "default"]) {
    const picked = pickCondition(target[condition]);
    if (picked) return picked;
  }
  return undefined;
}
