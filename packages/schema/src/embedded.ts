import type { Bundle } from "@scout-deploy/core";
import { apiServerProblems } from "./api-validation.js";
import { bundledSchemaSet, schemaSetFor } from "./bundled.js";
import { resolveBundledVersion } from "./data.js";
import { folderSchemas } from "./folders.js";
import { missingSchemaProblem } from "./kinds.js";
import {
  normalizeProblems,
  type SchemaProblem,
  type SchemaValidator,
  type ValidateOptions,
} from "./port.js";

export { bundledSchemaSet };

export interface EmbeddedOptions {
  /** Folders of JSON Schemas for kinds that are not bundled (CRDs); see folders.ts. */
  schemaFolders?: readonly string[];
}

/**
 * Validates every object of the bundle against the bundled strict schemas (and, for other
 * kinds, the user's schema folders), offline and synchronously. Throws ConfigurationError for
 * a version it has no schemas for.
 */
export function validateBundle(
  bundle: Bundle,
  options: ValidateOptions = {},
  embedded: EmbeddedOptions = {},
): SchemaProblem[] {
  const version = resolveBundledVersion(options.kubernetesVersion);
  const bundled = schemaSetFor(version);
  const fromFolders = folderSchemas(embedded.schemaFolders ?? []);
  const problems: SchemaProblem[] = [];
  for (const object of bundle.objects) {
    const { apiVersion, kind } = object.value;
    const own = bundled.kindSchema(apiVersion, kind);
    const found = own ? { set: bundled, schema: own } : fromFolders(apiVersion, kind);
    if (!found) {
      problems.push(missingSchemaProblem(object, version));
      continue;
    }
    for (const error of found.set.validate(object.value, found.schema)) {
      problems.push({ ruleId: "input/schema", severity: "error", object, ...error });
    }
  }
  problems.push(...apiServerProblems(bundle, { kubernetesVersion: version }));
  return normalizeProblems(bundle, problems);
}

/** The embedded engine behind the SchemaValidator port. */
export function createEmbeddedValidator(embedded: EmbeddedOptions = {}): SchemaValidator {
  return {
    name: "embedded",
    validate: async (bundle, options) => validateBundle(bundle, options, embedded),
  };
}
