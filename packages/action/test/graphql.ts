import { schema as github } from "@octokit/graphql-schema";
import {
  buildClientSchema,
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLSchema,
  parse,
  validate,
} from "graphql";

let built: GraphQLSchema | undefined;

/**
 * GitHub's public GraphQL schema (@octokit/graphql-schema), built once from its introspection
 * result: its SDL file defines a few fields twice, which buildSchema refuses.
 */
export function githubSchema(): GraphQLSchema {
  built ??= buildClientSchema(github.json as Parameters<typeof buildClientSchema>[0]);
  return built;
}

export interface GraphQLRequest {
  document: DocumentNode;
  variables?: Record<string, unknown>;
  operationName?: string;
}

const BODY_KEYS = new Set(["query", "variables", "operationName"]);

/** What is wrong with a POST /graphql body by GitHub's schema; the parsed request when nothing is. */
export function checkGraphQL(body: unknown): { request?: GraphQLRequest; problems: string[] } {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return { problems: ["a GraphQL request body is a JSON object with a query"] };
  }
  const fields = body as Record<string, unknown>;
  const problems = Object.keys(fields)
    .filter((key) => !BODY_KEYS.has(key))
    .map((key) => `unknown GraphQL request field ${key}`);
  const { query, variables, operationName } = fields;
  if (typeof query !== "string") return { problems: [...problems, "query must be a string"] };
  if (variables !== undefined && (typeof variables !== "object" || Array.isArray(variables))) {
    problems.push("variables must be an object");
  }
  if (operationName !== undefined && typeof operationName !== "string") {
    problems.push("operationName must be a string");
  }
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { problems: [...problems, `GraphQL syntax: ${(error as Error).message}`] };
  }
  problems.push(...validate(githubSchema(), document).map((e) => `GraphQL: ${e.message}`));
  if (problems.length) return { problems };
  return {
    request: {
      document,
      ...(variables ? { variables: variables as Record<string, unknown> } : {}),
      ...(operationName ? { operationName: operationName as string } : {}),
    },
    problems,
  };
}

/**
 * Runs a valid request against GitHub's schema with the viewer as the only data: a field the
 * fake does not hold resolves to null, which the schema turns into an error where it is non-null.
 */
export async function executeAsViewer(
  request: GraphQLRequest,
  login: string,
): Promise<ExecutionResult> {
  return execute({
    schema: githubSchema(),
    document: request.document,
    rootValue: { viewer: { login } },
    ...(request.variables ? { variableValues: request.variables } : {}),
    ...(request.operationName ? { operationName: request.operationName } : {}),
  });
}
