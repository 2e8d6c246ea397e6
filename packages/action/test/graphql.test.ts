import { describe, expect, it } from "vitest";
import { FakeGitHub } from "./github-server.js";
import { checkGraphQL, executeAsViewer } from "./graphql.js";

describe("the GraphQL check of the fake GitHub (GitHub's public schema)", () => {
  it("accepts the viewer query and answers it as the token's login", async () => {
    const check = checkGraphQL({ query: "query { viewer { login } }" });
    expect(check.problems).toEqual([]);
    expect(await executeAsViewer(check.request!, "scout-app[bot]")).toEqual({
      data: { viewer: { login: "scout-app[bot]" } },
    });
  });

  it("accepts variables the schema declares", () => {
    const query =
      "query ($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }";
    expect(checkGraphQL({ query, variables: { owner: "o", name: "r" } }).problems).toEqual([]);
  });

  it.each([
    [{ query: "query { viewer { login }" }, "GraphQL syntax: Syntax Error"],
    [{ query: "query { viewer { slug } }" }, 'Cannot query field "slug" on type "User"'],
    [{ query: "query { me { login } }" }, 'Cannot query field "me" on type "Query"'],
    [{ query: "query { viewer }" }, 'Field "viewer" of type "User!" must have a selection'],
    [
      { query: "mutation { addStar(input: {}) { clientMutationId } }" },
      'Field "AddStarInput.starrableId" of required type "ID!" was not provided',
    ],
    [{ query: "query { viewer { login } }", extensions: {} }, "unknown GraphQL request field"],
    [{ variables: {} }, "query must be a string"],
    ["query { viewer { login } }", "a GraphQL request body is a JSON object"],
  ])("refuses %j", (body, problem) => {
    const check = checkGraphQL(body);
    expect(check.request).toBeUndefined();
    expect(check.problems.join("\n")).toContain(problem);
  });

  it("a field the fake holds no data for is an error where the schema says non-null", async () => {
    const check = checkGraphQL({ query: "query { viewer { login id } }" });
    const result = await executeAsViewer(check.request!, "octocat");
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.message).toBe("Cannot return null for non-nullable field User.id.");
  });
});

describe("the fake GitHub's POST /api/graphql", () => {
  async function withServer(test: (server: FakeGitHub, graphqlUrl: string) => Promise<void>) {
    const server = await new FakeGitHub().start();
    try {
      await test(server, new URL(server.graphqlPath, server.url).href);
    } finally {
      await server.close();
    }
  }
  const post = (url: string, body: unknown, authorization?: string) =>
    fetch(url, {
      method: "POST",
      headers: { "user-agent": "scout-test", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });

  it("refuses an invalid query as GitHub does (200 with errors, no data) and records it as invalid", async () => {
    await withServer(async (server, url) => {
      const token = `bearer ${server.appToken("scout-deploy-app")}`;
      const bad = await post(url, { query: "query { viewer { slug } }" }, token);
      expect(bad.status).toBe(200);
      const answer = (await bad.json()) as { data?: unknown; errors: { message: string }[] };
      expect(answer.data).toBeUndefined();
      expect(answer.errors[0]!.message).toContain('Cannot query field "slug" on type "User"');
      const good = await post(url, { query: "query { viewer { login } }" }, token);
      expect(await good.json()).toEqual({ data: { viewer: { login: "scout-deploy-app[bot]" } } });
      expect(server.invalid.map((c) => c.problems)).toEqual([
        [expect.stringContaining('Cannot query field "slug"')],
      ]);
    });
  });

  it("answers 401 to a request without a token, and records it as invalid", async () => {
    await withServer(async (server, url) => {
      const answer = await post(url, { query: "query { viewer { login } }" });
      expect(answer.status).toBe(401);
      expect(server.invalid.map((c) => c.problems)).toEqual([
        ["no token in the authorization header"],
      ]);
    });
  });
});
