import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readContext, subjectSha } from "./context.js";

function event(payload: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "scout-event-")), "event.json");
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

const pr = (head: string, base = "o/r") => ({
  pull_request: {
    number: 7,
    head: { sha: "abc", repo: { full_name: head } },
    base: { repo: { full_name: base } },
  },
});

describe("readContext", () => {
  it("signs off the pull request's head, not the merge commit", () => {
    const context = readContext(
      {
        GITHUB_REPOSITORY: "o/r",
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: event(pr("o/r")),
        GITHUB_SHA: "merge",
        GITHUB_API_URL: "https://ghe.example/api/v3/",
        GITHUB_RUN_ID: "9",
      },
      "/w",
    );
    expect(subjectSha(context)).toBe("abc");
    expect(context.pullRequest).toMatchObject({ number: 7, fromFork: false });
    expect(context.apiUrl).toBe("https://ghe.example/api/v3");
    expect(context.runUrl).toBe("https://github.com/o/r/actions/runs/9");
  });

  it("knows a fork, and a deleted fork, by the head repository", () => {
    const env = (payload: unknown) => ({
      GITHUB_REPOSITORY: "o/r",
      GITHUB_EVENT_PATH: event(payload),
    });
    expect(readContext(env(pr("fork/r")), "/w").pullRequest?.fromFork).toBe(true);
    const deleted = pr("x");
    (deleted.pull_request.head as { repo: unknown }).repo = null;
    expect(readContext(env(deleted), "/w").pullRequest?.fromFork).toBe(true);
  });

  it("uses the pushed commit outside pull requests", () => {
    const context = readContext({ GITHUB_REPOSITORY: "o/r", GITHUB_SHA: "push" }, "/w");
    expect(context.pullRequest).toBeUndefined();
    expect(subjectSha(context)).toBe("push");
  });

  it("refuses to run outside a workflow", () => {
    expect(() => readContext({}, "/w")).toThrow("GITHUB_REPOSITORY is not set");
  });
});
