import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const actionlint = process.env.ACTIONLINT_PATH ?? join(homedir(), "go/bin/actionlint");
if (!existsSync(actionlint)) {
  console.warn(`actionlint not found at ${actionlint}: run scripts/install-actionlint.sh`);
}

const workflows = [".github/workflows", "examples/workflows"].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".yml"))
    .map((f) => `${dir}/${f}`),
);

describe.skipIf(!existsSync(actionlint))("workflows (actionlint)", () => {
  it("has the CI, check-dist, self-test and example workflows", () => {
    expect(workflows.sort()).toEqual([
      ".github/workflows/check-dist.yml",
      ".github/workflows/ci.yml",
      ".github/workflows/self-test.yml",
      "examples/workflows/deploy-verify.yml",
      "examples/workflows/pull-request.yml",
      "examples/workflows/raw-manifests.yml",
    ]);
  });

  it("are valid, including uses: ./ against action.yml", () => {
    const output = (() => {
      try {
        return execFileSync(actionlint, ["-no-color", ...workflows], {
          cwd: root,
          encoding: "utf8",
        });
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    })();
    expect(output).toBe("");
  }, 60_000);
});
