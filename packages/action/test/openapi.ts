import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

/** One operation of GitHub's OpenAPI description, ready to check requests against. */
export interface Operation {
  key: string;
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body?: ValidateFunction;
  bodyRequired: boolean;
}

interface Parameter {
  name: string;
  required: boolean;
  numeric: boolean;
  validate: ValidateFunction;
}

type Json = Record<string, unknown>;

/**
 * Loads only the named operations ("POST /repos/{owner}/{repo}/statuses/{sha}") from
 * @octokit/openapi's description of api.github.com, resolving their $refs.
 */
export function loadOperations(keys: readonly string[]): Operation[] {
  const require = createRequire(import.meta.url);
  const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return keys.map((key) => {
    const [method, template] = key.split(" ") as [string, string];
    const paths = spec.paths as Record<string, Record<string, Json>>;
    const raw = paths[template]?.[method.toLowerCase()];
    if (!raw) throw new Error(`${key} is not in GitHub's OpenAPI description`);
    const operation = resolve(spec, raw) as Json;
    const parameters = (operation.parameters ?? []) as Json[];
    const param = (p: Json): Parameter => ({
      name: p.name as string,
      required: Boolean(p.required),
      numeric: ["integer", "number"].includes((p.schema as Json).type as string),
      validate: ajv.compile(p.schema as Json),
    });
    const requestBody = operation.requestBody as Json | undefined;
    const content = requestBody?.content as Record<string, Json> | undefined;
    const bodySchema = content?.["application/json"]?.schema as Json | undefined;
    return {
      key,
      operationId: operation.operationId as string,
      method,
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "([^/]+)")}$`),
      pathParams: parameters.filter((p) => p.in === "path").map(param),
      queryParams: parameters.filter((p) => p.in === "query").map(param),
      ...(bodySchema ? { body: ajv.compile(bodySchema) } : {}),
      bodyRequired: Boolean(requestBody?.required),
    };
  });
}

function resolve(spec: Json, value: unknown, seen: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(spec, item, seen));
  if (!value || typeof value !== "object") return value;
  const ref = (value as Json).$ref;
  if (typeof ref === "string") {
    if (seen.includes(ref)) return {}; // a recursive schema: accept anything below this point
    const target = ref
      .slice(2)
      .split("/")
      .reduce<unknown>(
        (node, part) => (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")],
        spec,
      );
    return resolve(spec, target, [...seen, ref]);
  }
  return Object.fromEntries(
    Object.entries(value as Json).map(([k, v]) => [k, resolve(spec, v, seen)]),
  );
}

/** What is wrong with a request, by GitHub's description; empty when it is valid. */
export function checkRequest(
  operations: readonly Operation[],
  method: string,
  url: URL,
  body: unknown,
): { operation?: Operation; problems: string[] } {
  const path = url.pathname.replace(/^\/api\/v3/, "");
  const operation = operations.find((op) => op.method === method && op.pattern.test(path));
  if (!operation) return { problems: [`${method} ${path} is not an operation the Action may use`] };
  const problems: string[] = [];
  const values = operation.pattern.exec(path)!.slice(1).map(decodeURIComponent);
  operation.pathParams.forEach((param, i) => {
    if (!param.validate(coerce(param, values[i]!))) {
      problems.push(`path parameter ${param.name}=${values[i]}: ${ajv(param.validate)}`);
    }
  });
  for (const [name, value] of url.searchParams) {
    const param = operation.queryParams.find((p) => p.name === name);
    if (!param) problems.push(`unknown query parameter ${name}`);
    else if (!param.validate(coerce(param, value))) {
      problems.push(`query parameter ${name}=${value}: ${ajv(param.validate)}`);
    }
  }
  if (operation.body) {
    if (body === undefined) {
      if (operation.bodyRequired) problems.push("missing JSON request body");
    } else if (!operation.body(body)) {
      problems.push(`request body: ${ajv(operation.body)}`);
    }
  } else if (body !== undefined) {
    problems.push("unexpected request body");
  }
  return { operation, problems };
}

/** Path and query values are text; a numeric parameter must parse as a number. */
function coerce(param: Parameter, value: string): unknown {
  return param.numeric && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

function ajv(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
}
