import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

interface Step {
  name?: string;
  run?: string;
}

/** The keyless deploy job's verify script, as examples/workflows/deploy-verify.yml has it. */
function keylessVerifyScript(): string {
  const workflow = parse(readFileSync(join(root, "examples/workflows/deploy-verify.yml"), "utf8"));
  const steps: Step[] = workflow.jobs["deploy-keyless"].steps;
  const step = steps.find((s) => s.name?.startsWith("Verify every manifest"));
  if (!step?.run) throw new Error("deploy-keyless has no verify step");
  return step.run;
}

/** A `gh` that answers "pass at error" for the files signed off, and fails for any other. */
function fakeGh(folder: string, signed: readonly string[]): string {
  const bin = join(folder, "bin");
  mkdirSync(bin);
  const cases = signed.map((file) => `  "${file}") echo "pass at error" ;;`).join("\n");
  writeFileSync(
    join(bin, "gh"),
    `#!/bin/sh\ncase "$3" in\n${cases}\n  *) echo "no attestation for $3" >&2; exit 1 ;;\nesac\n`,
  );
  chmodSync(join(bin, "gh"), 0o755);
  return bin;
}

function runScript(files: Record<string, string>, signed: readonly string[]) {
  const folder = mkdtempSync(join(tmpdir(), "scout-deploy-verify-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  const bin = fakeGh(folder, signed);
  try {
    const stdout = execFileSync("bash", ["-e", "-c", keylessVerifyScript()], {
      cwd: folder,
      env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_REPOSITORY: "o/r" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { code: failed.status, stdout: failed.stdout };
  }
}

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";

describe("examples/workflows/deploy-verify.yml, keyless", () => {
  it("passes when every file kubectl apply -f k8s/ reads was signed off with a pass", () => {
    const signed = ["k8s/a.yaml", "k8s/b.yml", "k8s/c.json"];
    const files = Object.fromEntries(signed.map((file) => [file, configMap]));
    expect(runScript(files, signed).code).toBe(0);
  });

  it("stops at a .yml or .json file kubectl would apply that was not signed off", () => {
    for (const unsigned of ["k8s/extra.yml", "k8s/extra.json"]) {
      const result = runScript({ "k8s/a.yaml": configMap, [unsigned]: configMap }, ["k8s/a.yaml"]);
      expect(result.code, unsigned).toBe(1);
      expect(result.stdout).toContain(`::error file=${unsigned}::not signed off`);
    }
  });
});
