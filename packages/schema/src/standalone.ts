import type { JsonSchema } from "./data.js";
import { resolveBundledVersion, schemaData } from "./data.js";

const DRAFT = "https://json-schema.org/draft/2020-12/schema";

/**
 * The bundled schemas of one version as kubeconform's standalone strict files: file name
 * (`deployment-apps-v1.json`, kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json`) ->
 * a self-contained JSON Schema whose definitions sit in its own `$defs`. The same data as the
 * embedded validator, so the two engines judge against identical schemas.
 */
export function standaloneSchemas(kubernetesVersion?: string): Map<string, object> {
  const data = schemaData();
  const version = resolveBundledVersion(kubernetesVersion);
  const tables = data.versions[version];
  if (!tables) throw new Error(`no bundled schemas for ${version}`);
  const schemaOf = (name: string): JsonSchema =>
    data.schemas[tables.defs[name] ?? -1] as JsonSchema;
  const files = new Map<string, object>();
  for (const [key, root] of Object.entries(tables.kinds)) {
    const defs: Record<string, unknown> = {};
    for (const name of [...reachableDefinitions(root, schemaOf)].sort()) {
      if (name !== root) defs[name] = withLocalRefs(schemaOf(name));
    }
    files.set(kindFileName(key), { $schema: DRAFT, ...withLocalRefs(schemaOf(root)), $defs: defs });
  }
  return files;
}

/** "apps/v1/Deployment" -> "deployment-apps-v1.json"; "v1/Pod" -> "pod-v1.json". */
export function kindFileName(key: string): string {
  const parts = key.split("/");
  const kind = parts.pop() as string;
  const version = parts.pop() as string;
  const group = parts.length ? `-${(parts.join("/").split(".")[0] ?? "").toLowerCase()}` : "";
  return `${kind.toLowerCase()}${group}-${version.toLowerCase()}.json`;
}

function reachableDefinitions(root: string, schemaOf: (name: string) => JsonSchema): Set<string> {
  const seen = new Set<string>();
  const pending = [root];
  while (pending.length) {
    const name = pending.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    collectRefs(schemaOf(name), pending);
  }
  return seen;
}

function collectRefs(schema: JsonSchema, into: string[]): void {
  if (schema.$ref !== undefined) into.push(schema.$ref);
  for (const sub of Object.values(schema.properties ?? {})) collectRefs(sub, into);
  if (schema.items) collectRefs(schema.items, into);
  if (typeof schema.additionalProperties === "object")
    collectRefs(schema.additionalProperties, into);
  for (const branch of schema.oneOf ?? []) collectRefs(branch, into);
}

function withLocalRefs(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (schema.$ref !== undefined) out.$ref = `#/$defs/${schema.$ref}`;
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, sub]) => [name, withLocalRefs(sub)]),
    );
  }
  if (schema.items) out.items = withLocalRefs(schema.items);
  if (typeof schema.additionalProperties === "object") {
    out.additionalProperties = withLocalRefs(schema.additionalProperties);
  }
  if (schema.oneOf) out.oneOf = schema.oneOf.map(withLocalRefs);
  return out;
}
