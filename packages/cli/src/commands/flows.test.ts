import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Io } from "../io.js";
import { main } from "../main.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const FIXTURE = "packages/rules/src/network/fixtures/scout-network.yaml";

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    cwd: repoRoot,
    env: {},
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => readFileSync(join(repoRoot, FIXTURE), "utf8"),
    color: false,
  };
  const code = await main(argv, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("scout-deploy flows", () => {
  it("prints the matrix of the compliant Scout network: exactly the guide's flows", async () => {
    const result = await run("flows", FIXTURE);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual([
      "0.0.0.0-255.255.255.255 => scout/nginx[Deployment] : TCP 80",
      "scout/backend[Deployment] => scout/redis[Deployment] : TCP 6379",
      "scout/frontend[Deployment] => scout/backend[Deployment] : TCP 8000",
      "scout/nginx[Deployment] => scout/backend[Deployment] : TCP 8000",
      "scout/nginx[Deployment] => scout/frontend[Deployment] : TCP 3000",
      "scout/prometheus[Deployment] => scout/backend[Deployment] : TCP 8000",
    ]);
  });

  it("names from manifests with a line break, an escape sequence or a leading :: reach the terminal escaped", async () => {
    const hostile = `apiVersion: v1
kind: Pod
metadata: {name: "web\\n::error::pwned\\e[2J", namespace: "::warning::ns", labels: {app: web}}
spec: {containers: [{name: c}]}
`;
    const out: string[] = [];
    const io: Io = {
      cwd: repoRoot,
      env: { GITHUB_ACTIONS: "true" },
      stdout: (t) => out.push(t),
      stderr: () => {},
      readStdin: async () => hostile,
      color: false,
    };
    for (const format of ["matrix", "markdown", "mermaid"]) {
      out.length = 0;
      expect(await main(["flows", "-", "--format", format], io)).toBe(0);
      const text = out.join("");
      expect(text, format).not.toContain("\u001b");
      for (const line of text.split("\n")) expect(line.trimStart(), format).not.toMatch(/^::/);
    }
    out.length = 0;
    await main(["flows", "-"], io);
    expect(out.join("")).toContain(
      "\\u003a:warning::ns/web\\n::error::pwned\\u001b[2J[Pod] => 0.0.0.0-255.255.255.255 : All Connections",
    );
  });

  it("prints the markdown table and a mermaid diagram", async () => {
    const markdown = await run("flows", FIXTURE, "--format", "markdown");
    expect(markdown.stdout).toContain("| prometheus | backend | TCP 8000 | TCP 8000 | intended |");
    const mermaid = await run("flows", FIXTURE, "--format", "mermaid");
    expect(mermaid.stdout).toMatch(/^```mermaid\nflowchart LR\n/);
    expect(mermaid.stdout).toContain('n_external -- "TCP 80" --> n_nginx');
  });

  it("reads stdin and rejects an unknown format with exit 2", async () => {
    const stdin = await run("flows", "-");
    expect(stdin.code).toBe(0);
    expect(stdin.stdout).toContain(
      "scout/nginx[Deployment] => scout/frontend[Deployment] : TCP 3000\n",
    );
    const bad = await run("flows", FIXTURE, "--format", "svg");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--format must be one of matrix, markdown, mermaid");
  });
});
