import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import { makeFolder } from "@scout-deploy/loader";
import {
  parseScoutConfig,
  type RenderResult,
  render,
  type ScoutConfig,
  TOOL_NAME,
} from "@scout-deploy/manifests";
import type { LoadedConfig } from "./config-file.js";

export type { ScoutConfig };

/** The rendered manifests: one YAML stream, and one file per component by name. */
export type Rendered = Pick<RenderResult, "yaml" | "files">;

/** The validated `scout:` section of a config, when it has one. */
export function scoutConfig(config: LoadedConfig): ScoutConfig | undefined {
  if (config.scout === undefined) return undefined;
  return parseScoutConfig(config.scout, config.locate);
}

/** Renders the config's `scout:` section; a config without one is refused, naming the file. */
export function renderScout(config: LoadedConfig): Rendered {
  const scout = scoutConfig(config);
  if (!scout) {
    throw new ConfigurationError(`${config.path ?? "the config"}: no scout: section to render`);
  }
  const { yaml, files } = render(scout);
  return { yaml, files };
}

/**
 * Writes one file per component into `dir` (created when missing) and removes the files an
 * earlier render wrote there that this one no longer produces. Returns the names written.
 */
export function writeRendered(dir: string, files: Readonly<Record<string, string>>): string[] {
  makeFolder(dir);
  const names = Object.keys(files);
  removeStaleRenders(dir, names);
  for (const name of names) writeFileSync(join(dir, name), files[name]!);
  return names;
}

/** Files an earlier render wrote (our header, our name pattern) that this render does not. */
function removeStaleRenders(dir: string, keep: readonly string[]): void {
  for (const name of readdirSync(dir)) {
    if (keep.includes(name) || !/^\d0-[a-z]+\.yaml$/.test(name)) continue;
    const path = join(dir, name);
    if (readFileSync(path, "utf8").startsWith(`# Rendered by ${TOOL_NAME} `)) rmSync(path);
  }
}
