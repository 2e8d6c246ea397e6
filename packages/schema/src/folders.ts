import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import type { JsonSchema } from "./data.js";
import { kindFileName } from "./standalone.js";
import { SchemaSet } from "./validate.js";

export interface FolderSchema {
  set: SchemaSet;
  schema: JsonSchema;
  file: string;
}

/** Where a kind's schema may sit in a folder: the CRDs-catalog and kubeconform layouts. */
export function candidateFiles(dir: string, apiVersion: string, kind: string): string[] {
  const slash = apiVersion.lastIndexOf("/");
  const group = slash === -1 ? "" : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const name = `${kind.toLowerCase()}_${version}.json`;
  return [
    ...(group ? [join(dir, group, name)] : []),
    join(dir, name),
    join(dir, kindFileName(`${apiVersion}/${kind}`)),
  ];
}

/**
 * Schemas the user supplies for kinds that are not bundled (CRDs): JSON Schema files in the
 * layout of the CRDs catalog (`<group>/<kind>_<version>.json`) or of kubeconform
 * (`<kind>-<group>-<version>.json`), read once per kind.
 */
export function folderSchemas(folders: readonly string[]) {
  const cache = new Map<string, FolderSchema | undefined>();
  return (apiVersion: string, kind: string): FolderSchema | undefined => {
    const key = `${apiVersion}/${kind}`;
    if (!cache.has(key)) cache.set(key, find(folders, apiVersion, kind));
    return cache.get(key);
  };
}

function find(
  folders: readonly string[],
  apiVersion: string,
  kind: string,
): FolderSchema | undefined {
  for (const dir of folders) {
    for (const file of candidateFiles(dir, apiVersion, kind)) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue;
      }
      let schema: JsonSchema;
      try {
        schema = JSON.parse(text) as JsonSchema;
      } catch (error) {
        throw new ConfigurationError(`${file}: not a JSON schema (${(error as Error).message})`);
      }
      return { set: SchemaSet.standalone(schema), schema, file };
    }
  }
  return undefined;
}
