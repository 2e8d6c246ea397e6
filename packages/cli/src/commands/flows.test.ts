import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

describe("scout-deploy flows --base REF", () => {
  it("prints the flows a change opens: a second Prometheus reaches the backend", async () => {
    const repo = mkdtempSync(join(tmpdir(), "scout-flows-base-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
        cwd: repo,
      });
    const network = readFileSync(join(repoRoot, FIXTURE), "utf8");
    git("init", "-q", "-b", "main");
    writeFileSync(join(repo, "scout.yaml"), network);
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    const start = network.indexOf("kind: Deployment\nmetadata:\n  name: prometheus");
    const copy = network
      .slice(start, network.indexOf("---", start))
      .replace("name: prometheus\n", "name: debug\n");
    writeFileSync(join(repo, "scout.yaml"), `${network}---\napiVersion: apps/v1\n${copy}`);
    git("commit", "-q", "-am", "head: another pod labelled prometheus");
    const out: string[] = [];
    const io: Io = {
      cwd: repo,
      env: {},
      stdout: (t) => out.push(t),
      stderr: () => {},
      readStdin: async () => "",
      color: false,
    };
    expect(await main(["flows", "scout.yaml", "--base", "HEAD~1"], io)).toBe(0);
    expect(out.join("")).toMatch(
      /^opens prometheus → backend on TCP 8000 \(scout\/debug\[Deployment\] → scout\/backend\[Deployment\]\); through NetworkPolicy scout\/\S+ \(scout\.yaml:\d+\)/m,
    );
    out.length = 0;
    expect(await main(["flows", "scout.yaml", "--base", "HEAD"], io)).toBe(0);
    expect(out.join("")).toBe("the change since HEAD opens and closes no flow\n");
  });
});
