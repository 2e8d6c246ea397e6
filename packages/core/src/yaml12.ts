import * as jsyaml from "js-yaml";
import { CORE_SCHEMA, load, type Type, YAMLException } from "js-yaml";
import { parseDocument } from "yaml";
import type { ReadDocument } from "./goyaml/read.js";

const mergeType = (jsyaml as unknown as { types: { merge: Type } }).types.merge;

/** YAML 1.2's core schema with merge keys: how our own files (the config file) read. */
const YAML12_SCHEMA = CORE_SCHEMA.extend({ implicit: [mergeType] });

/**
 * One document of a file that is ours, not the cluster's: `off` is the word off, not false.
 * Kubernetes manifests go through goyaml/read.ts instead.
 */
export function readYaml12(text: string): ReadDocument {
  try {
    return { value: load(text, { schema: YAML12_SCHEMA }), problems: [] };
  } catch (error) {
    if (error instanceof YAMLException && error.reason.startsWith("duplicated mapping key")) {
      return {
        value: load(text, { schema: YAML12_SCHEMA, json: true }),
        problems: duplicateKeyOffsets(text).map((offset) => ({
          ruleId: "input/duplicate-key",
          message: `duplicate key "${keyAt(text, offset)}": only the last value is used`,
          offset,
        })),
      };
    }
    if (error instanceof YAMLException) {
      const offset = error.mark?.position ?? 0;
      return {
        value: undefined,
        problems: [
          { ruleId: "input/parse-error", message: `YAML syntax: ${error.reason}`, offset },
        ],
      };
    }
    throw error;
  }
}

function duplicateKeyOffsets(text: string): number[] {
  const document = parseDocument(text, { uniqueKeys: true, merge: true });
  return document.errors.filter((e) => e.code === "DUPLICATE_KEY").map((e) => e.pos[0]);
}

function keyAt(text: string, offset: number): string {
  const match = /^["']?([^"':\n]*)/.exec(text.slice(offset, offset + 200));
  return match?.[1]?.trim() ?? "";
}
