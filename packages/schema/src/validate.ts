import { escapeSegment, getAtPointer, isRecord, splitPointer } from "@scout-deploy/core";
import type { JsonSchema, SchemaData, VersionSchemas } from "./data.js";
import { closestName, dottedPath } from "./paths.js";
import type { SchemaProblemCode } from "./port.js";

/** A violation at a JSON Pointer relative to the validated value. */
export interface SchemaError {
  code: SchemaProblemCode;
  pointer: string;
  message: string;
}

/**
 * Validates values against one Kubernetes version's schemas. A small interpreter of the
 * keywords the strict schemas use, with JSON Schema 2020-12 semantics, so that it agrees with
 * kubeconform (santhosh-tekuri/jsonschema) error for error; see README "Why an interpreter".
 */
export class SchemaSet {
  private readonly resolved = new Map<string, JsonSchema>();

  /**
   * `resolve` turns a `$ref` into its schema; `kinds` finds the root schema of a kind. For the
   * bundled data see `SchemaSet.bundled`; for a user's schema file, `SchemaSet.standalone`.
   */
  constructor(
    private readonly resolve: (ref: string) => JsonSchema | undefined,
    private readonly kinds: (apiVersion: string, kind: string) => JsonSchema | undefined,
  ) {}

  static bundled(data: SchemaData, version: VersionSchemas): SchemaSet {
    const byName = (name: string) => data.schemas[version.defs[name] ?? -1];
    return new SchemaSet(byName, (apiVersion, kind) => {
      const name = version.kinds[`${apiVersion}/${kind}`];
      return name === undefined ? undefined : byName(name);
    });
  }

  /** One self-contained JSON Schema (local "#/..." references) for one kind. */
  static standalone(root: JsonSchema): SchemaSet {
    const resolve = (ref: string) =>
      ref.startsWith("#")
        ? (getAtPointer(root, decodeURIComponent(ref.slice(1))) as JsonSchema)
        : undefined;
    return new SchemaSet(resolve, () => root);
  }

  /** The root schema of "apps/v1" "Deployment", if this set has it. */
  kindSchema(apiVersion: string, kind: string): JsonSchema | undefined {
    return this.kinds(apiVersion, kind);
  }

  /**
   * The schema that applies at `pointer` inside `value` (references resolved), for describing
   * errors found elsewhere (kubeconform's): allowed field names, the shapes of a oneOf.
   */
  schemaAt(schema: JsonSchema, value: unknown, pointer: string): JsonSchema | undefined {
    let current: JsonSchema | undefined = this.deref(schema);
    let node: unknown = value;
    for (const segment of splitPointer(pointer)) {
      if (!current) return undefined;
      if (Array.isArray(node)) {
        current = current.items;
        node = node[Number(segment)];
      } else if (isRecord(node)) {
        const props: Record<string, JsonSchema> = current.properties ?? {};
        const additional = current.additionalProperties;
        current = Object.hasOwn(props, segment)
          ? props[segment]
          : isRecord(additional)
            ? (additional as JsonSchema)
            : undefined;
        node = node[segment];
      } else return undefined;
      current = current && this.deref(current);
    }
    return current;
  }

  private deref(schema: JsonSchema): JsonSchema {
    let current = schema;
    while (current.$ref !== undefined && !current.properties && !current.items) {
      current = this.definition(current.$ref);
    }
    return current;
  }

  /**
   * The numbers of `value` that its schema types as integers only (not quantities, which are
   * string or number), with their pointers: the API server decodes them into Go integers.
   */
  integerFields(value: unknown, schema: JsonSchema): Array<{ pointer: string; value: number }> {
    const found: Array<{ pointer: string; value: number }> = [];
    const walk = (node: unknown, at: JsonSchema | undefined, pointer: string) => {
      if (!at) return;
      const types = this.typesOf(at);
      if (typeof node === "number") {
        if (types.has("integer") && !types.has("number")) found.push({ pointer, value: node });
        return;
      }
      const current = this.deref(at);
      if (Array.isArray(node)) {
        node.forEach((item, index) => {
          walk(item, current.items, `${pointer}/${index}`);
        });
      } else if (isRecord(node)) {
        const properties: Record<string, JsonSchema> = current.properties ?? {};
        const additional = current.additionalProperties;
        for (const [key, item] of Object.entries(node)) {
          const next = Object.hasOwn(properties, key)
            ? properties[key]
            : isRecord(additional)
              ? (additional as JsonSchema)
              : undefined;
          walk(item, next, `${pointer}/${escapeSegment(key)}`);
        }
      }
    };
    walk(value, schema, "");
    return found;
  }

  /** Every JSON type a schema (its reference, oneOf and anyOf branches) admits. */
  private typesOf(schema: JsonSchema): Set<string> {
    const types = new Set<string>();
    const visit = (at: JsonSchema) => {
      if (at.$ref !== undefined) visit(this.definition(at.$ref));
      if (at.type !== undefined) for (const t of allowedTypes(at.type)) types.add(t);
      for (const branch of [...(at.oneOf ?? []), ...(at.anyOf ?? [])]) visit(branch);
    };
    visit(schema);
    return types;
  }

  validate(value: unknown, schema: JsonSchema): SchemaError[] {
    const errors: SchemaError[] = [];
    this.check(value, schema, [], errors);
    return errors;
  }

  private definition(ref: string): JsonSchema {
    let schema = this.resolved.get(ref);
    if (!schema) {
      schema = this.resolve(ref);
      if (!schema || typeof schema !== "object")
        throw new Error(`unresolvable schema reference ${ref}`);
      this.resolved.set(ref, schema);
    }
    return schema;
  }

  // The path is a stack of segments, turned into a pointer only when an error needs one:
  // building a string per visited node was most of the cost. Without `errors` (a oneOf or anyOf
  // branch tried) no message is built and the first failure answers: int-or-string fields
  // (ports, quantities) fail one branch on every valid value.
  private check(
    value: unknown,
    schema: JsonSchema,
    path: string[],
    errors: SchemaError[] | undefined,
  ): boolean {
    let valid = true;
    const fail = (error: () => SchemaError): boolean => {
      valid = false;
      if (errors) errors.push(error());
      return errors !== undefined;
    };
    if (
      schema.$ref !== undefined &&
      !this.check(value, this.definition(schema.$ref), path, errors)
    ) {
      valid = false;
      if (!errors) return false;
    }
    if (schema.type !== undefined && !matchesType(value, schema.type)) {
      const type = schema.type;
      if (!fail(() => typeError(toPointer(path), allowedTypes(type), value))) return false;
    }
    if (schema.enum !== undefined && !schema.enum.some((allowed) => allowed === value)) {
      const allowed = schema.enum;
      if (!fail(() => enumError(toPointer(path), allowed, value))) return false;
    }
    const oneOf = schema.oneOf;
    if (oneOf !== undefined && !this.matchesOne(value, oneOf, path)) {
      if (!fail(() => typeError(toPointer(path), oneOfTypes(oneOf), value))) return false;
    }
    if (schema.allOf !== undefined) {
      for (const part of schema.allOf) {
        if (!this.check(value, part, path, errors)) {
          valid = false;
          if (!errors) return false;
        }
      }
    }
    const anyOf = schema.anyOf;
    if (
      anyOf !== undefined &&
      !anyOf.some((branch) => this.check(value, branch, path, undefined))
    ) {
      if (!fail(() => typeError(toPointer(path), oneOfTypes(anyOf), value))) return false;
    }
    if (schema["x-kubernetes-int-or-string"] === true && !isIntOrString(value)) {
      if (!fail(() => typeError(toPointer(path), ["string", "integer"], value))) return false;
    }
    if (Array.isArray(value)) {
      if (schema.items) {
        for (let i = 0; i < value.length; i++) {
          path.push(String(i));
          const itemValid = this.check(value[i], schema.items, path, errors);
          path.pop();
          if (!itemValid) {
            valid = false;
            if (!errors) return false;
          }
        }
      }
    } else if (value !== null && typeof value === "object") {
      if (!this.checkObject(value as Record<string, unknown>, schema, path, errors)) valid = false;
    }
    return valid;
  }

  private checkObject(
    value: Record<string, unknown>,
    schema: JsonSchema,
    path: string[],
    errors: SchemaError[] | undefined,
  ): boolean {
    let valid = true;
    const properties = schema.properties;
    if (schema.required) {
      for (const required of schema.required) {
        if (required in value) continue;
        if (!errors) return false;
        valid = false;
        errors.push(requiredError(toPointer(path), required));
      }
    }
    const additional = schema.additionalProperties;
    for (const key in value) {
      const sub = properties && Object.hasOwn(properties, key) ? properties[key] : undefined;
      const next = sub ?? (typeof additional === "object" ? additional : undefined);
      if (next) {
        path.push(key);
        const keyValid = this.check(value[key], next, path, errors);
        path.pop();
        if (keyValid) continue;
      } else if (additional === false) {
        if (errors)
          errors.push(unknownFieldError(toPointer(path), key, Object.keys(properties ?? {})));
      } else continue;
      if (!errors) return false;
      valid = false;
    }
    return valid;
  }

  /** Exactly one branch matches (JSON Schema's oneOf), messages never built. */
  private matchesOne(value: unknown, branches: JsonSchema[], path: string[]): boolean {
    let matched = 0;
    for (const branch of branches) if (this.check(value, branch, path, undefined)) matched++;
    return matched === 1;
  }
}

function isIntOrString(value: unknown): boolean {
  return typeof value === "string" || (typeof value === "number" && Number.isInteger(value));
}

function toPointer(path: readonly string[]): string {
  let pointer = "";
  for (const segment of path) pointer += `/${escapeSegment(segment)}`;
  return pointer;
}

/** The types a oneOf's branches allow ("string", "integer"), for messages. */
export function oneOfTypes(branches: readonly JsonSchema[]): string[] {
  const types = [...new Set(branches.flatMap((b) => (b.type ? allowedTypes(b.type) : [])))];
  return types.length ? types : ["exactly one of its allowed shapes"];
}

function matchesType(value: unknown, type: string | string[]): boolean {
  return typeof type === "string" ? isOfType(value, type) : type.some((t) => isOfType(value, t));
}

function isOfType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "array":
      return Array.isArray(value);
    case "object":
      return isRecord(value);
    default:
      return false;
  }
}

function allowedTypes(type: string | string[]): string[] {
  const types = typeof type === "string" ? [type] : type;
  const withoutNull = types.filter((t) => t !== "null");
  return withoutNull.length ? withoutNull : types;
}

/**
 * The JSON type of a value, never the value itself: a wrong type in a Secret, a ConfigMap or an
 * env var is often the credential (`pin: 1234`), and the line and column already point at it.
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (isRecord(value)) return "object";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function shortened(value: string): string {
  return value.length > 12 ? `${value.slice(0, 3)}...` : value;
}

function at(pointer: string): string {
  return pointer === "" ? "" : `${dottedPath(pointer)}: `;
}

export function typeError(pointer: string, expected: string[], value: unknown): SchemaError {
  const message = `${at(pointer)}expected ${expected.join(" or ")}, got ${describeValue(value)}`;
  return { code: "type", pointer, message };
}

export function enumError(
  pointer: string,
  allowed: readonly unknown[],
  value: unknown,
): SchemaError {
  const names = allowed.filter((a) => a !== null).map((a) => String(a));
  // The allowed values are a closed set of keywords (imagePullPolicy, protocol): a value there
  // is a misspelt keyword, shown short so a pasted secret is never quoted whole.
  const shown = typeof value === "string" ? JSON.stringify(shortened(value)) : describeValue(value);
  return {
    code: "enum",
    pointer,
    message: `${at(pointer)}${shown} is not one of ${names.join(", ")}`,
  };
}

export function requiredError(parent: string, name: string): SchemaError {
  return {
    code: "required",
    pointer: `${parent}/${escapeSegment(name)}`,
    message: `${at(parent)}missing required field ${name}`,
  };
}

export function unknownFieldError(
  parent: string,
  name: string,
  known: readonly string[],
): SchemaError {
  const suggestion = closestName(name, known);
  const hint = suggestion ? ` (did you mean ${suggestion}?)` : "";
  return {
    code: "unknown-field",
    pointer: `${parent}/${escapeSegment(name)}`,
    message: `${at(parent)}unknown field ${name}${hint}`,
  };
}
