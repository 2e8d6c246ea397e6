import { describe, expect, it } from "vitest";
import { USED_OPERATIONS } from "./github-server.js";
import { checkRequest, loadOperations } from "./openapi.js";

const operations = loadOperations(USED_OPERATIONS);
const url = (path: string) => new URL(path, "http://127.0.0.1");

describe("the OpenAPI check of the fake GitHub", () => {
  it("accepts a valid status and names its operation", () => {
    const check = checkRequest(operations, "POST", url("/api/v3/repos/o/r/statuses/0123"), {
      state: "success",
      context: "scout/secure-deploy",
    });
    expect(check.problems).toEqual([]);
    expect(check.operation?.operationId).toBe("repos/create-commit-status");
  });

  it.each([
    [
      "POST",
      "/repos/o/r/statuses/abc",
      { state: "green" },
      "request body: /state must be equal to one of the allowed values",
    ],
    ["POST", "/repos/o/r/statuses/abc", undefined, "missing JSON request body"],
    ["GET", "/repos/o/r/issues/seven/comments", undefined, "path parameter issue_number=seven"],
    ["GET", "/repos/o/r/issues/7/comments?sort=asc", undefined, "unknown query parameter sort"],
    [
      "PATCH",
      "/repos/o/r/issues/comments/1",
      { text: "x" },
      "request body: / must have required property 'body'",
    ],
    ["PUT", "/repos/o/r/issues/1/lock", undefined, "is not an operation the Action may use"],
  ])("refuses %s %s", (method, path, body, problem) => {
    expect(checkRequest(operations, method, url(path), body).problems.join("\n")).toContain(
      problem,
    );
  });
});
