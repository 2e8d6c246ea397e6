import { afterEach, describe, expect, it } from "vitest";
import { createGitHub } from "../src/github.js";
import { memoryLogger } from "../src/test-support.js";
import { ACTIONS_BOT, FakeGitHub, GRAPHQL, type Layout } from "./github-server.js";

let github: FakeGitHub | undefined;

afterEach(async () => {
  expect(github?.invalid ?? []).toEqual([]);
  await github?.close();
  github = undefined;
});

async function connect(token: (server: FakeGitHub) => string, layout: Layout = "ghes") {
  github = await new FakeGitHub(layout).start();
  const step = new AbortController();
  const port = createGitHub({
    token: token(github),
    baseUrl: github.url,
    owner: "o",
    repo: "r",
    log: memoryLogger(),
    userAgent: "scout-test",
    requestTimeoutMs: 1_000,
    signal: step.signal,
  });
  return { port, server: github, step };
}

const asked = (server: FakeGitHub) => server.calls.map((c) => `${c.method} ${c.path} ${c.status}`);

describe("identity(): who the token posts as", () => {
  it("a GitHub App's installation token: GET /user is refused, GraphQL at GHES's /api/graphql names its bot", async () => {
    const { port, server } = await connect((s) => s.appToken("scout-deploy-app"));
    expect(await port.identity()).toEqual({
      login: "scout-deploy-app[bot]",
      source: "GraphQL viewer; GET /user is refused to an installation token",
    });
    expect(asked(server)).toEqual(["GET /api/v3/user 403", "POST /api/graphql 200"]);
  });

  it("on api.github.com's layout GraphQL is asked at /graphql", async () => {
    const { port, server } = await connect((s) => s.appToken("scout-deploy-app"), "dotcom");
    expect((await port.identity()).login).toBe("scout-deploy-app[bot]");
    expect(asked(server)).toEqual(["GET /user 403", "POST /graphql 200"]);
  });

  it("GITHUB_TOKEN: GraphQL names the Actions bot", async () => {
    const { port } = await connect(() => "ghs_job-token");
    expect((await port.identity()).login).toBe(ACTIONS_BOT);
  });

  it("a personal token: GET /user, and GraphQL is not asked", async () => {
    const { port, server } = await connect((s) => {
      s.users.set("ghp_scoutbot", "scout-bot");
      return "ghp_scoutbot";
    });
    expect(await port.identity()).toEqual({ login: "scout-bot", source: "GET /user" });
    expect(server.calls.filter((c) => c.operation === GRAPHQL)).toEqual([]);
  });

  it("is asked once per run", async () => {
    const { port, server } = await connect((s) => s.appToken("scout-deploy-app"));
    await Promise.all([port.identity(), port.identity()]);
    await port.identity();
    expect(server.calls).toHaveLength(2);
  });

  it("GraphQL refused too: assumes the Actions bot and says why, naming input comment-author", async () => {
    const { port, server } = await connect((s) => s.appToken("scout-deploy-app"));
    server.inject({ operation: GRAPHQL, status: 404 });
    const identity = await port.identity();
    expect(identity.login).toBe(ACTIONS_BOT);
    expect(identity.source).toMatch(
      /^assumed: GET \/user was refused \(an installation token\) and GraphQL viewer failed: Not Found\. .*set input comment-author/,
    );
  });

  it("a GraphQL endpoint that never answers is given up after the request timeout, then falls back", async () => {
    const { port, server } = await connect((s) => s.appToken("scout-deploy-app"));
    server.hang(GRAPHQL);
    const started = Date.now();
    const identity = await port.identity();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(identity.login).toBe(ACTIONS_BOT);
    expect(identity.source).toContain("GitHub did not answer within 1s (GraphQL viewer)");
  });

  it("once the step's time is up, nothing is assumed: the call fails as a timeout", async () => {
    const { port, server, step } = await connect((s) => s.appToken("scout-deploy-app"));
    server.hang(GRAPHQL);
    setTimeout(() => step.abort(), 100);
    await expect(port.identity()).rejects.toMatchObject({ name: "GitHubTimeoutError" });
  });

  it("a token GitHub does not accept (401 on GET /user) fails: only a 403 leads to GraphQL", async () => {
    const { port, server } = await connect(() => "ghp_unknown");
    expect(server.users.size).toBe(0);
    await expect(port.identity()).rejects.toMatchObject({ status: 401 });
    expect(server.calls.filter((c) => c.operation === GRAPHQL)).toEqual([]);
  });
});
