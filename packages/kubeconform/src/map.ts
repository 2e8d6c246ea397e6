import { type BundleObject, getAtPointer } from "@scout-deploy/core";
import {
  dottedPath,
  enumError,
  type JsonSchema,
  missingSchemaProblem,
  oneOfTypes,
  requiredError,
  type SchemaError,
  type SchemaProblem,
  typeError,
  unknownFieldError,
} from "@scout-deploy/schema";
import { type KubeconformResult, type LeafError, leafErrors, quotedNames } from "./output.js";

/** The bundled schema at a pointer of an object, when there is one: for hints in messages. */
export type SchemaLookup = (object: BundleObject, pointer: string) => JsonSchema | undefined;

/** kubeconform's result for one of our objects, as schema problems in the embedded engine's words. */
export function problemsOf(
  object: BundleObject,
  result: KubeconformResult,
  kubernetesVersion: string,
  lookup: SchemaLookup,
): SchemaProblem[] {
  if (result.status === "statusInvalid") {
    return errorsOf(object, leafErrors(result.msg), lookup).map((error) => ({
      ruleId: "input/schema",
      severity: "error",
      object,
      ...error,
    }));
  }
  if (result.status !== "statusError") return [];
  if (result.msg.startsWith("could not find schema for ")) {
    if (lookup(object, "")) {
      // We bundle this kind's schema: kubeconform's schema locations lack it.
      return [
        {
          ruleId: "input/schema",
          code: "other",
          severity: "error",
          object,
          pointer: "/kind",
          message: `kubeconform found no schema for ${object.value.kind} (${object.value.apiVersion}) at its schema locations`,
        },
      ];
    }
    return [missingSchemaProblem(object, kubernetesVersion)];
  }
  const signature = signatureError(object, result.msg);
  if (signature) return [{ ruleId: "input/schema", severity: "error", object, ...signature }];
  const rejected = /^prohibited resource kind (.+)$/.exec(result.msg);
  const message = rejected
    ? `kind ${rejected[1]} is rejected by the kubeconform configuration`
    : `kubeconform: ${result.msg}`;
  return [
    {
      ruleId: "input/schema",
      code: "other",
      severity: "error",
      object,
      pointer: rejected ? "/kind" : "",
      message,
    },
  ];
}

const GO_TYPES: Record<string, string> = { string: "string", struct: "object", int: "integer" };

/**
 * kubeconform reads kind, name and namespace before validating; when metadata (or its name or
 * namespace) has the wrong type it stops there with a Go decoding error. That is a type error
 * at a known place: say so as the embedded engine does.
 */
function signatureError(object: BundleObject, msg: string): SchemaError | undefined {
  const match =
    /cannot unmarshal \w+ into Go struct field \.Metadata(?:\.(\w+))? of type (\w+)/.exec(msg);
  if (!match) return undefined;
  const pointer = match[1] ? `/metadata/${match[1]}` : "/metadata";
  const expected = GO_TYPES[match[2] ?? ""] ?? match[2] ?? "object";
  return typeError(pointer, [expected], getAtPointer(object.value, pointer));
}

function errorsOf(object: BundleObject, leaves: LeafError[], lookup: SchemaLookup): SchemaError[] {
  const errors: SchemaError[] = [];
  const wantedAt = new Map<string, string[]>();
  for (const { pointer, message } of leaves) {
    const value = getAtPointer(object.value, pointer);
    const type = /^got \S+, want (.+)$/.exec(message);
    if (type) {
      // oneOf with no match lists each branch's type error at the same place: merge them.
      const wanted = wantedAt.get(pointer) ?? [];
      const fresh = wanted.length === 0;
      for (const t of (type[1] ?? "").split(" or ")) if (!wanted.includes(t)) wanted.push(t);
      wantedAt.set(pointer, wanted);
      if (fresh) errors.push({ code: "type", pointer, message: "" });
      continue;
    }
    if (message.startsWith("oneOf failed")) {
      errors.push(typeError(pointer, oneOfTypes(lookup(object, pointer)?.oneOf ?? []), value));
    } else if (/^missing propert(y|ies) /.test(message)) {
      for (const name of quotedNames(message)) errors.push(requiredError(pointer, name));
    } else if (/^additional properties .* not allowed$/.test(message)) {
      const known = Object.keys(lookup(object, pointer)?.properties ?? {});
      for (const name of quotedNames(message)) errors.push(unknownFieldError(pointer, name, known));
    } else if (message.startsWith("value must be ")) {
      errors.push(enumError(pointer, enumValues(message), value));
    } else {
      const text = withoutValue(message, value);
      errors.push({ code: "other", pointer, message: `${dottedPath(pointer)}: ${text}` });
    }
  }
  return errors.map((error) =>
    error.code === "type" && error.message === ""
      ? typeError(
          error.pointer,
          withoutNull(wantedAt.get(error.pointer) ?? []),
          getAtPointer(object.value, error.pointer),
        )
      : error,
  );
}

/**
 * kubeconform's other messages are its validator's own words, and some quote the value
 * (`'abc' is not valid 'byte'`): in a Secret that is the credential. It is left out.
 */
export function withoutValue(message: string, value: unknown): string {
  if (typeof value !== "string" && typeof value !== "number") return message;
  const text = String(value);
  if (text.length < 3) return message;
  return message.split(text).join("(value not shown)");
}

function withoutNull(types: string[]): string[] {
  const rest = types.filter((t) => t !== "null");
  return rest.length ? rest : types;
}

function enumValues(message: string): unknown[] {
  const values: unknown[] = quotedNames(message);
  if (message.includes("<nil>")) values.push(null);
  return values;
}
