import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Finding, summarize } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { checkoutRoot, fromCheckoutRoot, type GitProbe } from "./checkout.js";
import type { RunContext } from "./context.js";

const workspace = mkdtempSync(join(tmpdir(), "scout-checkout-"));
mkdirSync(join(workspace, "app/k8s"), { recursive: true });
mkdirSync(join(workspace, "infra/k8s"), { recursive: true });

const context: RunContext = {
  eventName: "pull_request",
  repository: { owner: "o", repo: "r" },
  sha: "merge-sha",
  serverUrl: "https://github.com",
  apiUrl: "https://api.github.com",
  workspace,
  tempDir: "/t",
};

/** Checkouts by folder and the commit each holds. */
function probe(checkouts: Record<string, string>): GitProbe & { asked: string[] } {
  const asked: string[] = [];
  const rootOf = (cwd: string) =>
    Object.keys(checkouts).find((root) => cwd === root || cwd.startsWith(`${root}/`));
  return {
    asked,
    gitRoot(cwd) {
      asked.push(cwd);
      const root = rootOf(cwd);
      if (!root) throw new Error("fatal: not a git repository");
      return root;
    },
    headCommit: (cwd) => checkouts[cwd],
  };
}

const finding = (file: string): Finding => ({
  ruleId: "pod/x",
  severity: "error",
  message: "m",
  file,
  line: 1,
  column: 1,
});

describe("checkoutRoot", () => {
  it("the repository checked out at the workspace: nothing to move, one question", () => {
    const git = probe({ [workspace]: "merge-sha" });
    expect(checkoutRoot(context, ["app/k8s/a.yaml", "infra/k8s/b.yaml"], git)).toBeUndefined();
    expect(git.asked).toEqual([workspace]);
  });

  it("finds the checkout of this run's commit among the subfolders", () => {
    const git = probe({
      [join(workspace, "infra")]: "another-repository",
      [join(workspace, "app")]: "merge-sha",
    });
    expect(checkoutRoot(context, ["infra/k8s/b.yaml", "app/k8s/a.yaml"], git)).toBe(
      join(workspace, "app"),
    );
  });

  it("a checkout of the pull request's head counts too; one of another commit does not", () => {
    const pr = {
      ...context,
      pullRequest: {
        number: 1,
        headSha: "head-sha",
        headRepository: "o/r",
        baseRepository: "o/r",
        fromFork: false,
      },
    };
    expect(
      checkoutRoot(pr, ["app/k8s/a.yaml"], probe({ [join(workspace, "app")]: "head-sha" })),
    ).toBe(join(workspace, "app"));
    expect(
      checkoutRoot(pr, ["app/k8s/a.yaml"], probe({ [join(workspace, "app")]: "old" })),
    ).toBeUndefined();
  });
});

describe("fromCheckoutRoot", () => {
  it("names workspace files from the root, those beside it with ../, and leaves stdin alone", () => {
    const findings = [finding("app/k8s/a.yaml"), finding("infra/b.yaml"), finding("<stdin>")];
    const result = {
      findings,
      suppressed: [],
      summary: summarize(findings, { files: 3, objects: 3, suppressed: 0 }, "error"),
      failOn: "error" as const,
    };
    const moved = fromCheckoutRoot(result, workspace, join(workspace, "app"));
    expect(moved.findings.map((f) => f.file)).toEqual(["k8s/a.yaml", "../infra/b.yaml", "<stdin>"]);
  });
});
