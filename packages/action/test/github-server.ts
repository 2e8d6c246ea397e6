import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { checkGraphQL, executeAsViewer } from "./graphql.js";
import { checkRequest, loadOperations, type Operation } from "./openapi.js";

/** The operations the Action calls; the server answers these and nothing else. */
export const USED_OPERATIONS = [
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
  "POST /repos/{owner}/{repo}/statuses/{sha}",
  "GET /user",
  "GET /repos/{owner}/{repo}/commits/{ref}/statuses",
  "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
];
/** GitHub's GraphQL endpoint: every query is checked against GitHub's schema. */
export const GRAPHQL = "POST /graphql";

export interface Call {
  method: string;
  path: string;
  operation?: string;
  body?: unknown;
  status: number;
  problems: string[];
}

export interface Fault {
  /** An operation key of USED_OPERATIONS, or GRAPHQL. */
  operation: string;
  status: 403 | 404 | 429 | 500 | 502;
  /** How many matching requests get the fault before the normal answer (default 1). */
  times?: number;
  /**
   * A 403 or 429 of GitHub's rate limits: `primary` (x-ratelimit-remaining: 0, reset in
   * `resetIn` seconds) or `secondary` ("You have exceeded a secondary rate limit", retry-after).
   */
  rateLimit?: "primary" | "secondary";
  /** Seconds to the reset (primary) or the retry-after (secondary); default 1. */
  resetIn?: number;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  author: string;
}

/** Who the repository's GITHUB_TOKEN (an installation token, `ghs_...`) posts as. */
export const ACTIONS_BOT = "github-actions[bot]";

/**
 * Where the API is served: under /api/v3 with GraphQL at /api/graphql, like GitHub Enterprise
 * Server, or at the root with GraphQL at /graphql, like api.github.com.
 */
export type Layout = "ghes" | "dotcom";

/** GitHub's REST API as far as the Action uses it, on 127.0.0.1, checking every request. */
export class FakeGitHub {
  readonly calls: Call[] = [];
  /** Requests to the runner's OIDC endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), not GitHub's API. */
  readonly idTokenRequests: { audience: string | null; authorization: string }[] = [];
  /** Hosts the Action tried to reach through `proxyEnv()` (all refused: tests stay offline). */
  readonly proxyConnects: string[] = [];
  readonly comments: Comment[] = [];
  readonly statuses: { sha: string; body: Record<string, unknown> }[] = [];
  private faults: (Fault & { times: number })[] = [];
  /** Operations whose requests are read and never answered. */
  private readonly hung = new Set<string>();
  /** Personal access tokens and the login each stands for. */
  readonly users = new Map<string, string>();
  /** GitHub App installation tokens (`ghs_...`) and the bot each posts as; see appToken(). */
  private readonly installations = new Map<string, string>();
  private nextId = 1000;
  private readonly operations: Operation[] = loadOperations(USED_OPERATIONS);
  private readonly server = createServer((req, res) => void this.handle(req, res));
  url = "";
  /** The path GraphQL is served at. */
  readonly graphqlPath: string;

  constructor(private readonly layout: Layout = "ghes") {
    this.graphqlPath = layout === "ghes" ? "/api/graphql" : "/graphql";
  }

  /**
   * HTTPS through this server as a proxy that refuses every CONNECT: Sigstore's client
   * (make-fetch-happen) honours https_proxy, so Fulcio and Rekor are never reached from a test.
   */
  proxyEnv(): Record<string, string> {
    return { https_proxy: new URL(this.url).origin, no_proxy: "127.0.0.1" };
  }

  async start(): Promise<this> {
    this.server.on("connect", (req: IncomingMessage, socket: Duplex) => {
      this.proxyConnects.push(req.url ?? "");
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
    });
    await new Promise<void>((done) => this.server.listen(0, "127.0.0.1", done));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}${this.layout === "ghes" ? "/api/v3" : ""}`;
    return this;
  }

  close(): Promise<void> {
    const closed = new Promise<void>((done) => this.server.close(() => done()));
    this.server.closeAllConnections();
    return closed;
  }

  /** Requests of these operations (keys of USED_OPERATIONS or GRAPHQL, or all) never get an answer. */
  hang(...operations: string[]): void {
    for (const operation of operations.length ? operations : [...USED_OPERATIONS, GRAPHQL])
      this.hung.add(operation);
  }

  /**
   * An installation token of the GitHub App `slug` (what actions/create-github-app-token
   * mints): it posts as "<slug>[bot]" and, like every installation token, may not read /user.
   */
  appToken(slug: string): string {
    const token = `ghs_${slug.replace(/-/g, "_")}_installation`;
    this.installations.set(token, `${slug}[bot]`);
    return token;
  }

  /** A comment already on the pull request, written by `author`. */
  seedComment(issue: number, body: string, author: string): number {
    const id = this.nextId++;
    this.comments.push({ id, issue, body, author });
    return id;
  }

  /** What the runner sets for a job with `permissions: id-token: write`, served here. */
  idTokenEnv(): Record<string, string> {
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${this.url.replace(/\/api\/v3$/, "")}${ID_TOKEN_PATH}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runtime-request-token",
    };
  }

  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Requests that broke GitHub's description. */
  get invalid(): Call[] {
    return this.calls.filter((call) => call.problems.length > 0);
  }

  get writes(): Call[] {
    return this.calls.filter((call) => call.method !== "GET");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const text = await readBody(req);
    if (url.pathname === ID_TOKEN_PATH) return this.idToken(req, url, res);
    if (req.method === "POST" && url.pathname === this.graphqlPath) {
      return this.graphql(req, url, text, res);
    }
    let body: unknown;
    const problems: string[] = [];
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        problems.push("request body is not JSON");
      }
    }
    const method = req.method ?? "GET";
    const check = checkRequest(this.operations, method, url, body);
    problems.push(...check.problems);
    if (!/^(token|bearer) \S+$/i.test(req.headers.authorization ?? "")) {
      problems.push("no token in the authorization header");
    }
    if (!req.headers["user-agent"]) problems.push("no user-agent header");
    const call: Call = { method, path: url.pathname, body, status: 0, problems };
    if (check.operation) call.operation = check.operation.key;
    this.calls.push(call);
    if (check.operation && this.hung.has(check.operation.key)) return;
    const token = tokenOf(req.headers.authorization ?? "");
    const [status, payload, headers] = problems.length
      ? [422, { message: problems.join("; ") }, {}]
      : (this.fault(check.operation!.key) ?? this.answer(check.operation!, url, body, token));
    call.status = status;
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
  }

  private idToken(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const authorization = req.headers.authorization ?? "";
    const audience = url.searchParams.get("audience");
    this.idTokenRequests.push({ audience, authorization });
    const ok = authorization === "Bearer runtime-request-token";
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
    res.end(
      JSON.stringify(ok ? { value: oidcToken(audience ?? "") } : { message: "Unauthorized" }),
    );
  }

  /**
   * GraphQL as GitHub answers it: 401 without a token, 200 with `errors` for a query its schema
   * refuses (recorded as a problem, like a REST request off the description), else the data.
   */
  private async graphql(
    req: IncomingMessage,
    url: URL,
    text: string,
    res: ServerResponse,
  ): Promise<void> {
    let body: unknown;
    let check: ReturnType<typeof checkGraphQL>;
    try {
      body = JSON.parse(text);
      check = checkGraphQL(body);
    } catch {
      check = { problems: ["request body is not JSON"] };
    }
    const problems = [...check.problems];
    const authorization = req.headers.authorization ?? "";
    if (!/^(token|bearer) \S+$/i.test(authorization)) {
      problems.push("no token in the authorization header");
    }
    if (url.search) problems.push(`unexpected query string ${url.search} on GraphQL`);
    if (!req.headers["user-agent"]) problems.push("no user-agent header");
    const call: Call = {
      method: "POST",
      path: url.pathname,
      operation: GRAPHQL,
      body,
      status: 0,
      problems,
    };
    this.calls.push(call);
    if (this.hung.has(GRAPHQL)) return;
    const viewer = this.author(tokenOf(authorization));
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(payload));
    };
    if (!viewer) {
      return reply(401, { message: "This endpoint requires you to be authenticated." });
    }
    const fault = this.fault(GRAPHQL);
    if (fault) return reply(...fault);
    if (!check.request || problems.length) {
      return reply(200, { errors: problems.map((message) => ({ message })) });
    }
    return reply(200, await executeAsViewer(check.request, viewer));
  }

  private fault(operation: string): [number, unknown, Record<string, string>] | undefined {
    const fault = this.faults.find((f) => f.operation === operation && f.times > 0);
    if (!fault) return undefined;
    fault.times--;
    if (fault.rateLimit) return rateLimited(fault);
    if (fault.status === 502) {
      // GitHub's load balancer answers a bad gateway with a page, not JSON.
      return [502, BAD_GATEWAY_PAGE, { "content-type": "text/html" }];
    }
    if (fault.status === 429) {
      const reset = String(Math.floor(Date.now() / 1000) + 1);
      return [
        429,
        { message: "API rate limit exceeded" },
        { "retry-after": "1", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      ];
    }
    const messages: Record<number, string> = {
      403: "Resource not accessible by integration",
      404: "Not Found",
      500: "Server Error",
    };
    return [fault.status, { message: messages[fault.status] }, {}];
  }

  /** An app's installation token posts as its bot, GITHUB_TOKEN as the Actions bot, a personal token as its user. */
  private author(token: string): string | undefined {
    if (this.installations.has(token)) return this.installations.get(token);
    return token.startsWith("ghs_") ? ACTIONS_BOT : this.users.get(token);
  }

  private answer(
    operation: Operation,
    url: URL,
    body: unknown,
    token: string,
  ): [number, unknown, Record<string, string>] {
    const author = this.author(token);
    const path = url.pathname.replace(/^\/api\/v3/, "");
    const values = operation.pattern.exec(path)!.slice(1);
    const input = (body ?? {}) as Record<string, unknown>;
    switch (operation.key) {
      case USED_OPERATIONS[0]: {
        const issue = Number(values[2]);
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        const page = Number(url.searchParams.get("page") ?? 1);
        const list = this.comments.filter((c) => c.issue === issue);
        return [200, list.slice((page - 1) * perPage, page * perPage).map(view), {}];
      }
      case USED_OPERATIONS[1]: {
        const comment = {
          id: this.nextId++,
          issue: Number(values[2]),
          body: String(input.body),
          author: author ?? "unknown",
        };
        this.comments.push(comment);
        return [201, view(comment), {}];
      }
      case USED_OPERATIONS[2]: {
        const comment = this.comments.find((c) => c.id === Number(values[2]));
        if (!comment) return [404, { message: "Not Found" }, {}];
        // GitHub lets an integration edit only its own comments.
        if (comment.author !== author) {
          return [403, { message: "Resource not accessible by integration" }, {}];
        }
        comment.body = String(input.body);
        return [200, view(comment), {}];
      }
      case USED_OPERATIONS[4]:
        // No installation token may read /user, GITHUB_TOKEN or an app's.
        if (token.startsWith("ghs_")) {
          return [403, { message: "Resource not accessible by integration" }, {}];
        }
        return author
          ? [200, { login: author, id: 1, type: "User" }, {}]
          : [401, { message: "Bad credentials" }, {}];
      case USED_OPERATIONS[6]: {
        const at = this.comments.findIndex((c) => c.id === Number(values[2]));
        if (at < 0) return [404, { message: "Not Found" }, {}];
        if (this.comments[at]!.author !== author) {
          return [403, { message: "Resource not accessible by integration" }, {}];
        }
        this.comments.splice(at, 1);
        return [204, "", {}];
      }
      case USED_OPERATIONS[5]:
        // Newest first, as GitHub lists them.
        return [
          200,
          this.statuses
            .filter((status) => status.sha === values[2])
            .map((status) => ({ id: 1, url: "", ...status.body }))
            .reverse(),
          {},
        ];
      default:
        this.statuses.push({ sha: values[2]!, body: input });
        return [201, { id: this.nextId++, ...input }, {}];
    }
  }
}

const ID_TOKEN_PATH = "/_runner/idtoken";

const BAD_GATEWAY_PAGE = `<!DOCTYPE html>
<html>
  <head><title>Unicorn! &middot; GitHub</title></head>
  <body>
    <p>We had issues producing the response to your request.</p>
    <p>Sorry about that. Please try refreshing and contact us if the problem persists.</p>
  </body>
</html>
`;

/** GitHub's answers when a token's rate limit is spent (primary) or it went too fast (secondary). */
function rateLimited(fault: Fault): [number, unknown, Record<string, string>] {
  const seconds = fault.resetIn ?? 1;
  const docs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";
  if (fault.rateLimit === "secondary") {
    return [
      fault.status,
      {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        documentation_url: docs,
      },
      { "retry-after": String(seconds) },
    ];
  }
  const reset = String(Math.floor(Date.now() / 1000) + seconds);
  return [
    fault.status,
    { message: "API rate limit exceeded for installation ID 1.", documentation_url: docs },
    { "x-ratelimit-limit": "1000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
  ];
}

function tokenOf(authorization: string): string {
  return authorization.replace(/^(token|bearer) /i, "");
}

/** A token shaped like GitHub's (unsigned: nothing here can check it, Fulcio would). */
function oidcToken(audience: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = {
    iss: "https://token.actions.githubusercontent.com",
    sub: "repo:Codertocat/Hello-World:ref:refs/heads/main",
    aud: audience,
    repository: "Codertocat/Hello-World",
    exp: Math.floor(Date.now() / 1000) + 300,
  };
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.${Buffer.from("sig").toString("base64url")}`;
}

function view(comment: Comment) {
  return { id: comment.id, body: comment.body, user: { login: comment.author } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
