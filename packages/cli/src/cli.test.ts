import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { commands } from "./commands/index.js";
import type { Io } from "./io.js";
import { main } from "./main.js";
import { runCli } from "./test-support/run.js";

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, "../bin/scout-deploy.js");
const realworld = resolve(here, "../../../../shared/conformance/realworld");

const backend = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: scout
spec:
  template:
    metadata: {labels: {app: backend}}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
          securityContext:
            runAsNonRoot: true
            runAsUser: 0
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
  selector:
    matchLabels: {app: backend}
`;

let dir: string;

function write(path: string, text: string) {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

function run(...argv: string[]) {
  return runCli(argv, { cwd: dir, stdin: backend });
}

/**
 * These tests are about the CLI, not the rule pack: only the first three pod rules run.
 * `overrides` replace their severities; `lines` are appended under `policy:`.
 */
function policyWith(lines: string[] = [], overrides: Record<string, string> = {}): string {
  const rules = {
    "pod/run-as-non-root": "error",
    "pod/read-only-root-filesystem": "error",
    "pod/no-privilege-escalation": "error",
    ...overrides,
  };
  const ruleLines = Object.entries(rules).map(([id, level]) => `    ${id}: ${level}`);
  return ["policy:", "  rules:", '    "*": off', ...ruleLines, ...lines, ""].join("\n");
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "scout-cli-"));
  write("scout-deploy.yaml", policyWith());
});

describe("scout-deploy check", () => {
  it("prints the contract's JSON and reports runAsUser: 0 at the line of that field", async () => {
    write("k8s/backend.yaml", backend);
    const { code, stdout } = await run("check", "k8s", "--format", "json");
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({
      version: 1,
      tool: { name: "scout-deploy" },
      summary: { files: 1, objects: 1, passed: false },
    });
    expect(json.findings).toEqual([
      {
        ruleId: "pod/run-as-non-root",
        severity: "error",
        message: 'container "api" runs as root: runAsUser is 0',
        object: { apiVersion: "apps/v1", kind: "Deployment", namespace: "scout", name: "backend" },
        file: "k8s/backend.yaml",
        line: 15,
        column: 13,
        // "runAsUser: 0": the text the user edits, end column exclusive
        endLine: 15,
        endColumn: 25,
        path: "/spec/template/spec/containers/0/securityContext/runAsUser",
        remediation: expect.stringContaining("runAsNonRoot"),
        helpUri: expect.stringMatching(/pod\/run-as-non-root\/README\.md$/),
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it("reports broken YAML at its line and still checks the other files", async () => {
    write("k8s/a-broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n");
    write("k8s/backend.yaml", backend);
    const { code, stdout } = await run("check", "k8s", "--format", "json");
    expect(code).toBe(1);
    const findings = JSON.parse(stdout).findings as Array<{
      ruleId: string;
      file: string;
      line: number;
    }>;
    expect(findings.map((f) => [f.ruleId, f.file])).toEqual([
      ["input/parse-error", "k8s/a-broken.yaml"],
      ["pod/run-as-non-root", "k8s/backend.yaml"],
    ]);
    expect(findings[0]!.line).toBeGreaterThanOrEqual(4);
  });

  it("exits 0 when nothing is at or above --fail-on", async () => {
    write("k8s/backend.yaml", backend);
    expect((await run("check", "k8s", "--fail-on", "never")).code).toBe(0);
    write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: scout}\n");
    const clean = await run("check", "ns.yaml");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("no problems");
  });

  it("reads '-' from standard input", async () => {
    const { code, stdout } = await run("check", "-");
    expect(code).toBe(1);
    expect(stdout).toContain("<stdin>\n  15:13");
  });

  it("writes several formats to their --output files", async () => {
    write("k8s/backend.yaml", backend);
    const { code, stdout } = await run(
      "check",
      "k8s",
      "--format",
      "json",
      "--output",
      "out/r.json",
      "--format",
      "text",
    );
    expect(code).toBe(1);
    expect(existsSync(join(dir, "out/r.json"))).toBe(true);
    expect(stdout).toContain("k8s/backend.yaml");
  });

  it("writes SARIF, markdown and JUnit for the same run", async () => {
    write("k8s/backend.yaml", backend);
    const { code } = await run(
      "check",
      "k8s",
      ...["--format", "sarif", "--output", "out/r.sarif"],
      ...["--format", "markdown", "--output", "out/r.md"],
      ...["--format", "junit", "--output", "out/r.xml"],
    );
    expect(code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(dir, "out/r.sarif"), "utf8"));
    const rules = sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
    expect(rules).toEqual(expect.arrayContaining(["pod/run-as-non-root", "input/parse-error"]));
    expect(sarif.runs[0].results[0]).toMatchObject({
      ruleId: "pod/run-as-non-root",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "k8s/backend.yaml" },
            region: { startLine: 15 },
          },
        },
      ],
    });
    const markdown = readFileSync(join(dir, "out/r.md"), "utf8");
    expect(markdown).toContain("❌ **Failed**");
    expect(markdown).toContain("| Pod security | ❌ 1 failing |");
    const junit = readFileSync(join(dir, "out/r.xml"), "utf8");
    expect(junit).toMatch(/<testsuite name="pod\/run-as-non-root" tests="1" failures="1"/);
  });

  it("puts findings of a rendered config on its keys, in every format; no <rendered> anywhere", async () => {
    write(
      "scout-deploy.yaml",
      "scout:\n  namespace: scout\n  security:\n    runAsUser: 0\n    readOnlyRootFilesystem: false\n",
    );
    const { code, stdout } = await run(
      "check",
      ...["--format", "json", "--output", "out/r.json"],
      ...["--format", "sarif", "--output", "out/r.sarif"],
      ...["--format", "markdown", "--output", "out/r.md"],
    );
    expect(code).toBe(1);
    const json = readFileSync(join(dir, "out/r.json"), "utf8");
    const findings = JSON.parse(json).findings as Array<Record<string, unknown>>;
    expect(findings.find((f) => f.ruleId === "pod/run-as-non-root")).toMatchObject({
      file: "scout-deploy.yaml",
      line: 4,
      column: 5,
      rendered: {
        file: "20-backend.yaml",
        line: expect.any(Number),
        path: "/spec/template/spec/securityContext/runAsUser",
      },
    });
    expect(findings.find((f) => f.ruleId === "pod/read-only-root-filesystem")).toMatchObject({
      file: "scout-deploy.yaml",
      line: 5,
    });
    const sarif = readFileSync(join(dir, "out/r.sarif"), "utf8");
    const uris = JSON.parse(sarif).runs[0].results.map(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0]!.physicalLocation.artifactLocation.uri,
    );
    expect(new Set(uris)).toEqual(new Set(["scout-deploy.yaml"]));
    for (const text of [stdout, json, sarif, readFileSync(join(dir, "out/r.md"), "utf8")]) {
      expect(text).not.toMatch(/<rendered>|&lt;rendered&gt;/);
    }
  });

  it("checking what render --out wrote names both places: the config key and the written file", async () => {
    write("scout-deploy.yaml", "scout:\n  namespace: scout\n  security:\n    runAsUser: 0\n");
    expect((await run("render", "--out", "out")).code).toBe(0);
    write("k8s/backend.yaml", backend);
    const { stdout } = await run("check", "out", "k8s", "--format", "json");
    const findings = JSON.parse(stdout).findings as Array<Record<string, unknown>>;
    expect(
      findings.find((f) => f.ruleId === "pod/run-as-non-root" && f.file === "scout-deploy.yaml"),
    ).toMatchObject({
      line: 4,
      rendered: { file: "out/20-backend.yaml" },
      message: expect.stringContaining("(rendered out/20-backend.yaml:"),
    });
    // A file the user wrote keeps its own findings.
    expect(findings.some((f) => f.file === "k8s/backend.yaml")).toBe(true);
    // An edited render is the user's own file now.
    const edited = `${readFileSync(join(dir, "out/30-frontend.yaml"), "utf8")}# edited\n`;
    write("out/30-frontend.yaml", edited);
    const again = JSON.parse((await run("check", "out", "--format", "json")).stdout)
      .findings as Array<Record<string, unknown>>;
    expect(again.some((f) => f.file === "out/30-frontend.yaml")).toBe(true);
  });

  it("refuses an unknown format", async () => {
    const { code, stderr } = await run("check", "k8s", "--format", "html");
    expect(code).toBe(2);
    expect(stderr).toContain("text, json, sarif, markdown, junit");
  });

  it("honours the policy section: severity overrides, suppressions with reasons, expiry", async () => {
    write("k8s/backend.yaml", backend);
    write(
      "scout-deploy.yaml",
      policyWith(
        [
          "  suppressions:",
          "    - rules: [pod/run-as-non-root]",
          "      objects: [Deployment/scout/backend]",
          "      reason: legacy image, tracked in SCOUT-12",
          "    - rules: [pod/*]",
          "      reason: old exception",
          "      expires: 2020-01-01",
        ],
        { "pod/read-only-root-filesystem": "off" },
      ),
    );
    const { code, stdout } = await run("check", "k8s", "--format", "json");
    const json = JSON.parse(stdout);
    expect(json.summary.suppressed).toBe(1);
    expect(
      json.findings.map((f: { ruleId: string; file: string; line: number }) => [
        f.ruleId,
        f.file,
        f.line,
      ]),
    ).toEqual([["suppression/expired", "scout-deploy.yaml", 11]]);
    expect(code).toBe(0);
  });

  it("honours an ignore annotation with a reason and reports one without", async () => {
    const annotated = backend.replace(
      "  namespace: scout\n",
      '  namespace: scout\n  annotations:\n    scout-deploy.io/ignore: "pod/run-as-non-root: vendor image"\n',
    );
    write("k8s/backend.yaml", annotated);
    let json = JSON.parse((await run("check", "k8s", "--format", "json")).stdout);
    expect(json.summary).toMatchObject({ findings: 0, suppressed: 1 });
    write("k8s/backend.yaml", annotated.replace(": vendor image", ""));
    json = JSON.parse((await run("check", "k8s", "--format", "json")).stdout);
    expect(json.findings.map((f: { ruleId: string; line: number }) => [f.ruleId, f.line])).toEqual([
      ["suppression/invalid", 7],
      ["pod/run-as-non-root", 17],
    ]);
  });

  it("forbids annotation suppressions when the config says so", async () => {
    write(
      "k8s/backend.yaml",
      backend.replace(
        "  namespace: scout\n",
        '  namespace: scout\n  annotations:\n    scout-deploy.io/ignore: "pod/run-as-non-root: vendor image"\n',
      ),
    );
    write("scout-deploy.yaml", policyWith(["  allowAnnotationSuppressions: false"]));
    const json = JSON.parse((await run("check", "k8s", "--format", "json")).stdout);
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      "suppression/not-allowed",
      "pod/run-as-non-root",
    ]);
  });

  it("names the file, line and key of a bad config value and exits 2", async () => {
    write("k8s/backend.yaml", backend);
    write("scout-deploy.yaml", "policy:\n  failOn: sometimes\n");
    const { code, stderr } = await run("check", "k8s");
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /scout-deploy\.yaml:2:3: policy\.failOn: expected one of error, warning, info, never, not "sometimes"$/m,
    );
    write("scout-deploy.yaml", "policy:\n  rulez: {}\n");
    expect((await run("check", "k8s")).stderr).toMatch(
      /scout-deploy\.yaml:2:3: policy\.rulez: unknown key "rulez" \(did you mean "rules"\?\) \(allowed: failOn, /,
    );
    write("scout-deploy.yaml", "policy:\n  rules:\n    pod/run-as-non-rot: info\n");
    expect((await run("check", "k8s")).stderr).toMatch(
      /scout-deploy\.yaml:3:5: policy\.rules: unknown rule "pod\/run-as-non-rot" \(did you mean "pod\/run-as-non-root"\?\)/,
    );
    write("scout-deploy.yaml", "policy:\n  rules:\n    pod/zzz: info\n");
    expect((await run("check", "k8s")).stderr).toMatch(
      /unknown rule "pod\/zzz" \(rules of pod\/: /,
    );
  });

  it("names the file, line and column of an unknown rule option", async () => {
    write("k8s/backend.yaml", backend);
    write(
      "scout-deploy.yaml",
      "policy:\n  rules:\n    pod/writable-paths:\n      options:\n        pathz: [/tmp]\n",
    );
    const { code, stderr } = await run("check", "k8s");
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /scout-deploy\.yaml:5:9: policy\.rules\.pod\/writable-paths\.options\.pathz: unknown key "pathz"/,
    );
  });

  it("finds the config by walking up from the working folder", async () => {
    write("scout-deploy.yaml", policyWith(["  failOn: never"]));
    write("deploy/k8s/backend.yaml", backend);
    dir = join(dir, "deploy");
    expect((await run("check", "k8s")).code).toBe(0);
  });
});

describe("the scout-deploy program", () => {
  it("exits 2 with one line on stderr and no stack trace for a missing path", () => {
    const child = spawnSync(process.execPath, [bin, "check", "does-not-exist"], {
      cwd: tmpdir(),
      encoding: "utf8",
    });
    expect(child.status).toBe(2);
    expect(child.stderr).toBe("scout-deploy check: path not found: does-not-exist\n");
    expect(child.stdout).toBe("");
  });

  it("exits 2 on a bad flag", () => {
    const child = spawnSync(process.execPath, [bin, "check", "--bogus"], { encoding: "utf8" });
    expect(child.status).toBe(2);
    expect(child.stderr.trim().split("\n")).toHaveLength(1);
    expect(child.stderr).toContain("--bogus");
  });

  it("has --help for every command", async () => {
    for (const command of commands) {
      const { code, stdout } = await run(command.name, "--help");
      expect(code, command.name).toBe(0);
      expect(stdout).toContain(`scout-deploy ${command.name}`);
    }
  });
});

describe.skipIf(!existsSync(realworld))(
  "the real-world corpus (../shared/conformance/realworld)",
  () => {
    it("is checked with no crash, no exit 2, and a file and line on every finding", () => {
      const child = spawnSync(process.execPath, [bin, "check", realworld, "--format", "json"], {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      });
      expect(child.stderr).toBe("");
      expect(child.status).toBe(1);
      const json = JSON.parse(child.stdout);
      expect(json.summary.files).toBeGreaterThanOrEqual(394);
      for (const finding of json.findings) {
        expect(finding.file, JSON.stringify(finding)).toMatch(/\.(ya?ml|json)$/);
        expect(finding.line, JSON.stringify(finding)).toBeGreaterThanOrEqual(1);
        expect(finding.column).toBeGreaterThanOrEqual(1);
      }
    }, 120_000);
  },
);
if (!existsSync(realworld))
  console.warn(
    `skipping the real-world corpus: ${realworld} is absent (it sits beside a checkout, not in it)`,
  );

describe("scout-deploy check --format markdown", () => {
  it("adds the network flows diagram when the manifests have NetworkPolicies", async () => {
    const out: string[] = [];
    const io: Io = {
      cwd: resolve(here, "../../.."),
      env: {},
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      readStdin: async () => "",
      color: false,
    };
    const code = await main(
      ["check", "--config", "examples/minimal/scout-deploy.yaml", "--format", "markdown"],
      io,
    );
    expect(code).toBe(0);
    const markdown = out.join("");
    expect(markdown).toContain("<summary><strong>Network flows</strong></summary>");
    expect(markdown).toMatch(
      /```mermaid\nflowchart LR\n[\s\S]*n_backend -- "TCP 6379" --> n_redis/,
    );
  });
});
