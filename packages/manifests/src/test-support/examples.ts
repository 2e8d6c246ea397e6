import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSource } from "@scout-deploy/core";
import { type ScoutConfig, scoutSectionOf } from "../schema.js";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const EXAMPLES = ["minimal", "production", "insecure"] as const;
export type ExampleName = (typeof EXAMPLES)[number];

export function examplePath(name: ExampleName): string {
  return join("examples", name, "scout-deploy.yaml");
}

/** Reads an example as the CLI would: positions for errors, the scout: and policy: sections. */
export function loadExample(name: ExampleName): {
  scout: ScoutConfig;
  file: Record<string, unknown>;
} {
  const path = examplePath(name);
  const source = parseSource(path, readFileSync(join(REPO_ROOT, path), "utf8"));
  const document = source.documents[0]!;
  const scout = scoutSectionOf(document.value, document.locate);
  if (!scout) throw new Error(`${path} has no scout: section`);
  return { scout, file: document.value as Record<string, unknown> };
}
