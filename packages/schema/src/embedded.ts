import type { Bundle } from "@scout-deploy/core";
import { resolveBundledVersion, schemaData } from "./data.js";
import { missingSchemaProblem } from "./kinds.js";
import {
  normalizeProblems,
  type SchemaProblem,
  type SchemaValidator,
  type ValidateOptions,
} from "./port.js";
import { SchemaSet } from "./validate.js";

const schemaSets = new Map<string, SchemaSet>();

/** The bundled schemas of one Kubernetes version ("1.36", "1.36.2"...), compiled once. */
export function bundledSchemaSet(kubernetesVersion?: string): SchemaSet {
  return schemaSetFor(resolveBundledVersion(kubernetesVersion));
}

function schemaSetFor(version: string): SchemaSet {
  let set = schemaSets.get(version);
  if (!set) {
    const data = schemaData();
    const versionSchemas = data.versions[version];
    if (!versionSchemas) throw new Error(`no bundled schemas for ${version}`);
    set = new SchemaSet(data, versionSchemas);
    schemaSets.set(version, set);
  }
  return set;
}

/**
 * Validates every object of the bundle against the bundled strict schemas, offline and
 * synchronously. Throws ConfigurationError for a version it has no schemas for.
 */
export function validateBundle(bundle: Bundle, options: ValidateOptions = {}): SchemaProblem[] {
  const version = resolveBundledVersion(options.kubernetesVersion);
  const set = schemaSetFor(version);
  const problems: SchemaProblem[] = [];
  for (const object of bundle.objects) {
    const schema = set.kindSchema(object.value.apiVersion, object.value.kind);
    if (!schema) {
      problems.push(missingSchemaProblem(object, version));
      continue;
    }
    for (const error of set.validate(object.value, schema)) {
      problems.push({ ruleId: "input/schema", severity: "error", object, ...error });
    }
  }
  return normalizeProblems(bundle, problems);
}

/** The embedded engine behind the SchemaValidator port. */
export function createEmbeddedValidator(): SchemaValidator {
  return {
    name: "embedded",
    validate: async (bundle, options) => validateBundle(bundle, options),
  };
}
