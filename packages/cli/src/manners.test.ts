import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { colorEnabled } from "./io.js";
import { runCli } from "./test-support/run.js";

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, "../bin/scout-deploy.js");
const ESC = "\u001b[";

const insecure = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: scout}
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext: {runAsUser: 0}
`;

let dir: string;

function write(path: string, text: string) {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

const run = (...argv: string[]) => runCli(argv, { cwd: dir });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "scout-manners-"));
  write("scout-deploy.yaml", "policy:\n  failOn: error\n");
  write("k8s/pod.yaml", insecure);
});

describe("did you mean", () => {
  it("suggests the command a typo meant", async () => {
    const { code, stderr } = await run("chekc", "k8s");
    expect(code).toBe(2);
    expect(stderr).toBe(
      'scout-deploy: unknown command "chekc" (did you mean "check"?) (commands: render, check, flows, secrets, signoff, verify, incident, rules; see scout-deploy --help)\n',
    );
  });

  it("suggests the flag a typo meant, naming the command once", async () => {
    const { code, stderr } = await run("check", "k8s", "--fromat", "json");
    expect(code).toBe(2);
    expect(stderr).toBe(
      'scout-deploy check: unknown option --fromat (did you mean "--format"?) (see scout-deploy check --help)\n',
    );
  });

  it("names a subcommand's flag mistake with the subcommand, once", async () => {
    const { stderr } = await run("secrets", "generate", "--ot", "-");
    expect(stderr).toBe(
      'scout-deploy secrets generate: unknown option --ot (did you mean "--out"?) (see scout-deploy secrets generate --help)\n',
    );
    expect((await run("secrets", "genrate")).stderr).toBe(
      'scout-deploy secrets: unknown subcommand "genrate" (did you mean "generate"?) (generate, rotate, check)\n',
    );
  });

  it("suggests a rule id", async () => {
    const { code, stderr } = await run("rules", "show", "pod/run-as-non-rot");
    expect(code).toBe(2);
    expect(stderr).toContain(
      'unknown rule "pod/run-as-non-rot" (did you mean "pod/run-as-non-root"?)',
    );
  });

  it("says a value is missing rather than that the flag is unknown", async () => {
    expect((await run("check", "k8s", "--format")).stderr).toBe(
      "scout-deploy check: option --format needs a value (see scout-deploy check --help)\n",
    );
  });
});

describe("a bare unknown flag", () => {
  it("is reported as an option, not as a command", async () => {
    const { code, stderr } = await run("--fromat", "json");
    expect(code).toBe(2);
    expect(stderr).toMatch(/^scout-deploy: unknown option --fromat: a command comes first/);
    expect(stderr).not.toContain("unknown command");
  });
});

describe("scout-deploy help <command>", () => {
  it("prints the command's help, as --help does", async () => {
    const viaHelp = await run("help", "check");
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe((await run("check", "--help")).stdout);
    expect(viaHelp.stdout).toContain("Usage: scout-deploy check");
  });

  it("suggests a command for a typo and prints the overview without one", async () => {
    expect((await run("help", "verfy")).stderr).toContain('(did you mean "verify"?)');
    const overview = await run("help");
    expect(overview.code).toBe(0);
    expect(overview.stdout).toContain("Commands:");
  });
});

describe("scout-deploy rules", () => {
  it("lists every rule with its severity", async () => {
    const { code, stdout } = await run("rules", "list");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pod\/run-as-non-root +error +\S/m);
    expect(stdout).toMatch(/^input\/parse-error +error/m);
    const json = JSON.parse((await run("rules", "list", "--format", "json")).stdout);
    expect(json.length).toBe(stdout.trim().split("\n").length);
  });

  it("shows one rule's meta, options with defaults, and docs", async () => {
    const { code, stdout } = await run("rules", "show", "pod/writable-paths");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pod\/writable-paths \(warning\)/);
    expect(stdout).toContain("Fix:");
    expect(stdout).toContain("  paths: string[] (default [])");
    expect(stdout).toMatch(/Docs: +https:\S+pod\/writable-paths\/README\.md/);
    const json = JSON.parse(
      (await run("rules", "show", "pod/writable-paths", "--format", "json")).stdout,
    );
    expect(json.options).toEqual([{ name: "paths", type: "string[]", default: [] }]);
  });
});

describe("--color", () => {
  it("colours text output with always, even when stdout is not a terminal", async () => {
    const coloured = await run("check", "k8s", "--color", "always");
    expect(coloured.stdout).toContain(ESC);
    const plain = await run("--color=never", "check", "k8s");
    expect(plain.stdout).not.toContain(ESC);
    expect(plain.stdout).toContain("pod/run-as-non-root");
  });

  it("refuses a mode it does not know", async () => {
    expect((await run("check", "k8s", "--color", "sometimes")).stderr).toContain(
      '--color must be one of auto, always, never, not "sometimes"',
    );
  });

  it("under auto honours FORCE_COLOR, NO_COLOR and TERM=dumb", () => {
    expect(colorEnabled("auto", {}, true)).toBe(true);
    expect(colorEnabled("auto", {}, false)).toBe(false);
    expect(colorEnabled("auto", { NO_COLOR: "1" }, true)).toBe(false);
    expect(colorEnabled("auto", { TERM: "dumb" }, true)).toBe(false);
    expect(colorEnabled("auto", { FORCE_COLOR: "1" }, false)).toBe(true);
    expect(colorEnabled("auto", { FORCE_COLOR: "0" }, true)).toBe(false);
    expect(colorEnabled("never", { FORCE_COLOR: "1" }, true)).toBe(false);
    expect(colorEnabled("always", { NO_COLOR: "1" }, false)).toBe(true);
  });

  it("the program colours a pipe under FORCE_COLOR and not under NO_COLOR", () => {
    const env = { ...process.env, NO_COLOR: "", FORCE_COLOR: "1" };
    const forced = spawnSync(process.execPath, [bin, "check", "k8s"], {
      cwd: dir,
      encoding: "utf8",
      env,
    });
    expect(forced.stdout).toContain(ESC);
    const { FORCE_COLOR: _, ...rest } = process.env;
    const off = spawnSync(process.execPath, [bin, "check", "k8s"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...rest, NO_COLOR: "1" },
    });
    expect(off.stdout).not.toContain(ESC);
    expect(off.stdout).toContain("pod/run-as-non-root");
  });
});

describe("several formats", () => {
  it("are refused when more than one would go to stdout", async () => {
    const { code, stderr } = await run("check", "k8s", "--format", "json", "--format", "sarif");
    expect(code).toBe(2);
    expect(stderr).toContain("2 formats (json, sarif) would be mixed on stdout");
  });

  it("are written when all but one have an --output", async () => {
    const { code, stdout } = await run(
      "check",
      "k8s",
      "--format",
      "sarif",
      "--output",
      "out.sarif",
      "--format",
      "json",
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout).summary.passed).toBe(false);
  });
});

describe("an empty folder or glob", () => {
  it("says what it looked at", async () => {
    mkdirSync(join(dir, "empty"));
    expect((await run("check", "empty")).stderr).toBe(
      "scout-deploy check: no .yaml, .yml or .json file in empty\n",
    );
    expect((await run("check", "deploy/**/*.yaml")).stderr).toBe(
      "scout-deploy check: no file matches deploy/**/*.yaml\n",
    );
  });
});

describe("stdout closed early", () => {
  it("`check | head -1` ends without a stack trace", () => {
    for (let i = 0; i < 300; i++) write(`many/pod-${i}.yaml`, insecure.replace("web", `web-${i}`));
    const child = spawnSync(
      "sh",
      ["-c", `"${process.execPath}" "${bin}" check many --format json | head -1`],
      { cwd: dir, encoding: "utf8" },
    );
    expect(child.stdout.split("\n")[0]).toBe("{");
    expect(child.stderr).toBe("");
  });
});

describe("config mistakes", () => {
  it("name the file, line and column: a value, a suppression, a rule pack", async () => {
    const mistakes: Array<[string, RegExp]> = [
      [
        "policy:\n  failOn: sometimes\n",
        /^scout-deploy check: scout-deploy\.yaml:2:3: policy\.failOn: /,
      ],
      [
        "policy:\n  suppressions:\n    - rules: [pod/run-as-non-root]\n",
        /^scout-deploy check: scout-deploy\.yaml:3:7: policy\.suppressions\.0\.reason: /,
      ],
      [
        "policy:\n  plugins:\n    - scout-pack-not-installed\n",
        /^scout-deploy check: scout-deploy\.yaml:3:7: policy\.plugins: cannot find rule pack "scout-pack-not-installed"/,
      ],
    ];
    for (const [config, expected] of mistakes) {
      write("scout-deploy.yaml", config);
      const { code, stderr } = await run("check", "k8s");
      expect(code).toBe(2);
      expect(stderr).toMatch(expected);
    }
  });
});

describe("a suppression's files glob", () => {
  it("means what the same glob means as a path on the command line", async () => {
    write("staging/pod.yaml", insecure);
    const glob = "./{k8s,prod}/[p]*.yaml";
    write(
      "scout-deploy.yaml",
      [
        "policy:",
        "  suppressions:",
        "    - rules: [pod/run-as-non-root]",
        `      files: ["${glob}"]`,
        "      reason: vendor image, SCOUT-12",
        "",
      ].join("\n"),
    );
    const asPath = JSON.parse((await run("check", glob, "--format", "json")).stdout);
    expect(asPath.summary.files).toBe(1);
    const both = JSON.parse((await run("check", "k8s", "staging", "--format", "json")).stdout);
    const files = (rows: Array<{ ruleId: string; file: string }>) => [
      ...new Set(rows.filter((f) => f.ruleId === "pod/run-as-non-root").map((f) => f.file)),
    ];
    expect(files(both.findings)).toEqual(["staging/pod.yaml"]);
    expect(both.summary.suppressed).toBeGreaterThan(0);
  });
});
