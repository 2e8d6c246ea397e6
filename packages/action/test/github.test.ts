import { afterEach, describe, expect, it } from "vitest";
import { createGitHub } from "../src/github.js";
import { RateLimitError, WriteDeniedError } from "../src/ports.js";
import { memoryLogger } from "../src/test-support.js";
import { ACTIONS_BOT, FakeGitHub, GRAPHQL, type Layout } from "./github-server.js";

let github: FakeGitHub | undefined;

afterEach(async () => {
  expect(github?.invalid ?? []).toEqual([]);
  await github?.close();
  github = undefined;
});

async function connect(
  token: (server: FakeGitHub) => string,
  layout: Layout = "ghes",
  githubSeconds = 60,
) {
  github = await new FakeGitHub(layout).start();
  const step = new AbortController();
  const log = memoryLogger();
  const port = createGitHub({
    token: token(github),
    baseUrl: github.url,
    owner: "o",
    repo: "r",
    log,
    userAgent: "scout-test",
    requestTimeoutMs: 1_000,
    signal: step.signal,
    deadline: Date.now() + githubSeconds * 1000,
  });
  return { port, server: github, step, log };
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

describe("rate limits and server errors, as GitHub answers them", () => {
  const CREATE = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
  const statuses = (server: FakeGitHub) =>
    server.calls.filter((c) => c.operation === CREATE).map((c) => c.status);

  it("a spent rate limit (403, x-ratelimit-remaining: 0) that resets in time is waited out", async () => {
    const { port, server, log } = await connect(() => "ghs_token");
    server.inject({ operation: CREATE, status: 403, rateLimit: "primary", resetIn: 1 });
    await port.createComment(1, "report");
    expect(statuses(server)).toEqual([403, 201]);
    expect(log.lines.join("\n")).toMatch(/rate limit on POST .*; retrying in \d+s/);
  }, 20_000);

  it("a rate limit that resets after the run's time for GitHub fails at once, as a rate limit and not a refusal", async () => {
    const { port, server } = await connect(() => "ghs_token", "ghes", 20);
    server.inject({ operation: CREATE, status: 403, rateLimit: "primary", resetIn: 3600 });
    const started = Date.now();
    const error = await port.createComment(1, "report").catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).not.toBeInstanceOf(WriteDeniedError);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toMatch(
      /^GitHub's rate limit for this token is spent until \d\d:\d\d UTC \(create the comment\)$/,
    );
    expect(statuses(server)).toEqual([403]);
  });

  it("a 429 with x-ratelimit-remaining: 0 is the same rate limit", async () => {
    const { port, server } = await connect(() => "ghs_token", "ghes", 20);
    server.inject({ operation: CREATE, status: 429, rateLimit: "primary", resetIn: 3600 });
    await expect(port.createComment(1, "report")).rejects.toBeInstanceOf(RateLimitError);
    expect(statuses(server)).toEqual([429]);
  });

  it("a secondary rate limit (403, retry-after) is waited out, then one line if it persists", async () => {
    const { port, server } = await connect(() => "ghs_token", "ghes", 20);
    server.inject({ operation: CREATE, status: 403, rateLimit: "secondary", resetIn: 1 });
    await port.createComment(1, "report");
    expect(statuses(server)).toEqual([403, 201]);
    server.inject({ operation: CREATE, status: 403, rateLimit: "secondary", resetIn: 600 });
    const error = await port.createComment(1, "report").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toMatch(/secondary rate limit .*create the comment/);
  }, 20_000);

  it("a 502 is retried; one that persists is one line, without GitHub's HTML page", async () => {
    const { port, server } = await connect(() => "ghs_token");
    server.inject({ operation: CREATE, status: 502 });
    await port.createComment(1, "report");
    expect(statuses(server)).toEqual([502, 201]);
    server.inject({ operation: CREATE, status: 502, times: 10 });
    const error = (await port.createComment(1, "report").catch((e: unknown) => e)) as Error;
    expect(error.message).toBe("GitHub answered 502 Bad Gateway (create the comment)");
    expect(statuses(server)).toEqual([502, 201, 502, 502, 502, 502]);
  }, 30_000);
});
