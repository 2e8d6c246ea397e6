import { resolveBundledVersion, schemaData } from "./data.js";
import { SchemaSet } from "./validate.js";

const schemaSets = new Map<string, SchemaSet>();

/** The bundled schemas of one Kubernetes version ("1.36", "1.36.2"...), compiled once. */
export function bundledSchemaSet(kubernetesVersion?: string): SchemaSet {
  return schemaSetFor(resolveBundledVersion(kubernetesVersion));
}

export function schemaSetFor(version: string): SchemaSet {
  let set = schemaSets.get(version);
  if (!set) {
    const data = schemaData();
    const versionSchemas = data.versions[version];
    if (!versionSchemas) throw new Error(`no bundled schemas for ${version}`);
    set = SchemaSet.bundled(data, versionSchemas);
    schemaSets.set(version, set);
  }
  return set;
}
