import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  buildBundle,
  evaluate,
  type Finding,
  inputRules,
  parsePolicy,
  parseSource,
  type Result,
  summarize,
} from "@scout-deploy/core";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { GITHUB_ANNOTATION_LIMITS, planAnnotations } from "./annotations.js";
import { formatJunit } from "./junit.js";
import { COMMENT_BUDGET, formatMarkdown } from "./markdown.js";
import { fingerprint, formatSarif } from "./sarif.js";
import { securityGuideRulesForTest } from "./test-support/rules.js";

const rules = [...securityGuideRulesForTest, ...inputRules];
const tool = { name: "scout-deploy", version: "0.1.0" };

const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: scout}
spec:
  containers:
    - name: app
      securityContext:
        runAsUser: 0
`;

function evaluated(files: Record<string, string>): Result {
  const bundle = buildBundle(Object.entries(files).map(([path, text]) => parseSource(path, text)));
  return evaluate(rules, bundle);
}

function finding(overrides: Partial<Finding> & Pick<Finding, "ruleId">): Finding {
  return {
    severity: "error",
    message: "bad",
    file: "k8s/a.yaml",
    line: 1,
    column: 1,
    ...overrides,
  };
}

function resultOf(findings: Finding[]): Result {
  return {
    findings,
    suppressed: [],
    summary: summarize(findings, { files: 1, objects: findings.length, suppressed: 0 }, "error"),
    failOn: "error",
  };
}

describe("formatSarif", () => {
  const result = evaluated({ "k8s/pod.yaml": pod, "k8s/broken.yaml": "a: [\n" });
  const log = JSON.parse(formatSarif(result, { tool, rules }));
  const run = log.runs[0];

  it("describes every rule from its meta, with help and security-severity", () => {
    expect(log.version).toBe("2.1.0");
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === "test/root-user");
    expect(rule).toMatchObject({
      name: "TestRootUser",
      shortDescription: { text: "No container runs as user 0." },
      defaultConfiguration: { level: "error" },
      properties: { "security-severity": "8.0", tags: ["security", "kubernetes", "test"] },
    });
    expect(rule.help.text).toContain("Remediation: Set runAsUser to a non-zero UID.");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toContain("input/parse-error");
  });

  it("gives a custom rule the level and security-severity of its configured severity", () => {
    const levels = (setting: "warning" | "info" | "error") => {
      const policy = parsePolicy({ rules: { "test/root-user": setting } });
      const bundle = buildBundle([parseSource("k8s/pod.yaml", pod)]);
      const sarif = JSON.parse(
        formatSarif(evaluate(rules, bundle, policy), { tool, rules, policy }),
      ).runs[0];
      const rule = sarif.tool.driver.rules.find((r: { id: string }) => r.id === "test/root-user");
      const result = sarif.results.find((r: { ruleId: string }) => r.ruleId === "test/root-user");
      return [rule.defaultConfiguration.level, rule.properties["security-severity"], result.level];
    };
    expect(levels("warning")).toEqual(["warning", "5.0", "warning"]);
    expect(levels("info")).toEqual(["note", "2.0", "note"]);
    expect(levels("error")).toEqual(["error", "8.0", "error"]);
  });

  it("places each result at its file, line and column, with a matching ruleIndex", () => {
    const root = run.results.find((r: { ruleId: string }) => r.ruleId === "test/root-user");
    expect(root.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "k8s/pod.yaml", uriBaseId: "%SRCROOT%" },
      // SARIF's endColumn is one past the last character of "runAsUser: 0"
      region: { startLine: 8, startColumn: 9, endLine: 8, endColumn: 21 },
    });
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(
      run.results.find((r: { ruleId: string }) => r.ruleId === "input/parse-error"),
    ).toBeTruthy();
  });

  it("keeps fingerprints when the finding moves to another line", () => {
    const moved = evaluated({ "k8s/pod.yaml": `# a comment\n\n${pod}` });
    const before = fingerprint(result.findings.find((f) => f.ruleId === "test/root-user")!);
    const after = fingerprint(moved.findings[0]!);
    expect(moved.findings[0]!.line).toBe(10);
    expect(after).toBe(before);
    const { fingerprint: _own, ...built } = moved.findings[0]!;
    const other = fingerprint({ ...built, path: "/spec/containers/1" });
    expect(other).not.toBe(before);
  });

  /** A --base comparison: the head's findings marked, the base's broken file fixed since. */
  const compared: Result = {
    ...result,
    findings: result.findings
      .filter((f) => f.ruleId !== "input/parse-error")
      .map((f) => ({ ...f, baseline: f.ruleId === "test/root-user" ? "new" : "unchanged" })),
    fixed: result.findings.filter((f) => f.ruleId === "input/parse-error"),
  };

  it("counts a weakened policy apart from the new findings in a comparison's verdict", () => {
    const findings: Finding[] = [
      finding({ ruleId: "pod/run-as-non-root", baseline: "new" }),
      finding({ ruleId: "policy/weakened", message: "suppression added", baseline: "new" }),
      finding({ ruleId: "pod/seccomp-profile", severity: "warning", baseline: "unchanged" }),
    ];
    const base = resultOf(findings);
    const md = formatMarkdown({
      ...base,
      summary: { ...base.summary, new: 2, unchanged: 1, fixed: 0 },
    });
    expect(md).toContain("❌ **Failed**: 1 new finding, 1 policy change, 0 fixed, 1 unchanged");
    expect(md).toContain("### New findings (1)");
    expect(md).toContain("### Policy changes (1)");
  });

  it("lists the base's fixed findings as absent results, where the base had them", () => {
    const sarif = JSON.parse(formatSarif(compared, { tool, rules })).runs[0];
    const states = sarif.results.map((r: { ruleId: string; baselineState: string }) => [
      r.ruleId,
      r.baselineState,
    ]);
    expect(states).toContainEqual(["test/root-user", "new"]);
    expect(states).toContainEqual(["input/parse-error", "absent"]);
    // Every result of a comparison says its state (SARIF: present on all or none).
    expect(sarif.results.every((r: { baselineState?: string }) => r.baselineState)).toBe(true);
    const absent = sarif.results.find(
      (r: { baselineState: string }) => r.baselineState === "absent",
    );
    expect(absent.locations[0].physicalLocation.artifactLocation.uri).toBe("k8s/broken.yaml");
    expect(absent.partialFingerprints["scoutFinding/v1"]).toBe(fingerprint(compared.fixed![0]!));
    for (const r of sarif.results) expect(sarif.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it("leaves the fixed findings out of a file for code scanning, which closes alerts by absence", () => {
    const sarif = JSON.parse(formatSarif(compared, { tool, rules, absent: false })).runs[0];
    expect(sarif.results.map((r: { baselineState: string }) => r.baselineState)).not.toContain(
      "absent",
    );
    expect(sarif.results).toHaveLength(compared.findings.length);
  });

  const multitool = multitoolPath();
  it.skipIf(!multitool).each([
    ["a plain log", () => result],
    ["a comparison with absent results", () => compared],
  ])(
    "passes Microsoft's SARIF validator with GitHub's ingestion rules: %s",
    (_name, logOf) => {
      const dir = mkdtempSync(join(tmpdir(), "scout-sarif-"));
      const file = join(dir, "scout.sarif");
      writeFileSync(file, formatSarif(logOf(), { tool, rules }));
      const out = join(dir, "validation.sarif");
      let output = "";
      try {
        output = execFileSync(
          multitool!,
          ["validate", file, "--output", out, "--rule-kind", "Gh;Sarif", "--level", "Error"],
          { encoding: "utf8", env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" } },
        );
      } catch (error) {
        output = String((error as { stdout?: string }).stdout ?? error);
      }
      const validation = JSON.parse(readFileSync(out, "utf8"));
      const problems = validation.runs[0].results.filter(
        (r: { level?: string }) => (r.level ?? "warning") === "error",
      );
      expect(problems, output).toEqual([]);
    },
    120_000,
  );
});

function multitoolPath(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const binary = join(
      dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json")),
      "Sarif.Multitool",
    );
    // pnpm does not run the package's postinstall chmod.
    if (!(statSync(binary).mode & 0o100)) chmodSync(binary, 0o755);
    return binary;
  } catch {
    console.warn("@microsoft/sarif-multitool-linux is not installed: SARIF validation skipped");
    return undefined;
  }
}

describe("formatMarkdown", () => {
  const result = evaluated({ "k8s/pod.yaml": pod });

  it("shows the verdict, counts, checklist and a linked table of findings", () => {
    const md = formatMarkdown(result, {
      rules,
      links: { serverUrl: "https://github.com", repository: "o/r", sha: "abc123" },
    });
    expect(md).toContain(
      "❌ **Failed**: 1 finding (1 error, 0 warning, 0 info) in 1 file, 1 object",
    );
    expect(md).toContain("| Network policies | ➖ not checked |");
    expect(md).toContain("[k8s/pod.yaml:8](https://github.com/o/r/blob/abc123/k8s/pod.yaml#L8)");
    expect(md).toContain('container "app" runs as root: runAsUser is 0');
  });

  it("links a finding over several lines to all of them", () => {
    const spread = finding({ ruleId: "a/b", line: 5, endLine: 7, endColumn: 3 });
    const md = formatMarkdown(
      { ...result, findings: [spread] },
      { rules, links: { serverUrl: "https://github.com", repository: "o/r", sha: "s" } },
    );
    expect(md).toContain("[k8s/a.yaml:5-7](https://github.com/o/r/blob/s/k8s/a.yaml#L5-L7)");
  });

  it("marks each checklist section by the findings of its rules", () => {
    const md = formatMarkdown(
      resultOf([
        finding({ ruleId: "network/default-deny" }),
        finding({ ruleId: "rbac/no-wildcards", severity: "warning" }),
      ]),
    );
    expect(md).toContain("| Network policies | ❌ 1 failing |");
    expect(md).toContain("| RBAC | ⚠️ passed, 1 below the threshold |");
    expect(md).toContain("| Secrets | ✅ no findings |");
  });

  it("names from manifests cannot add images, links, HTML or mentions", () => {
    const hostile =
      "api![x](https://evil.example/p.png)[go](https://evil.example)<img src=x>@octocat";
    const md = formatMarkdown(
      resultOf([
        finding({ ruleId: "pod/x", message: `container "${hostile}" may run as root` }),
        finding({ ruleId: "pod/y", file: "k8s/a)b`|c.yaml" }),
      ]),
      { links: { serverUrl: "https://github.com", repository: "o/r", sha: "s" } },
    );
    expect(md).not.toMatch(/!\[x\]\(|\[go\]\(|<img|@octocat|https:\/\/evil/);
    expect(md).toContain("api\\!\\[x\\]");
    expect(md).toContain("@\u200boctocat");
    expect(md).toContain("(https://github.com/o/r/blob/s/k8s/a%29b%60%7Cc.yaml#L1)");
  });

  it("links only files inside the repository", () => {
    const md = formatMarkdown(
      resultOf([
        finding({ ruleId: "a/b", file: "../_temp/rendered/20-backend.yaml" }),
        finding({ ruleId: "a/b", file: "<stdin>" }),
        finding({ ruleId: "a/b", file: "k8s/x.yaml" }),
      ]),
      { links: { serverUrl: "https://ghe.example", repository: "o/r", sha: "s" } },
    );
    expect(md).toContain("`../_temp/rendered/20-backend.yaml:1`");
    expect(md).toContain("`<stdin>:1`");
    expect(md).toContain("[k8s/x.yaml:1](https://ghe.example/o/r/blob/s/k8s/x.yaml#L1)");
  });

  it("takes extra sections from other parts and collapses long lists", () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      finding({ ruleId: "pod/run-as-non-root", line: i + 1 }),
    );
    const md = formatMarkdown(resultOf(many), {
      header: "<!-- marker -->",
      sections: [
        { title: "Network flows", body: "```mermaid\nflowchart LR\n  a --> b\n```" },
        { title: "Sign-off", body: "signed", collapsed: true },
      ],
    });
    expect(md.startsWith("<!-- marker -->\n")).toBe(true);
    expect(md).toContain("### Network flows\n\n```mermaid\nflowchart LR");
    expect(md).toContain("<details><summary><strong>Sign-off</strong></summary>\n\nsigned");
    expect(md).toContain("<details><summary>Show 30 findings</summary>");
  });

  it("escapes table cells so a message cannot break the table or inject HTML", () => {
    const md = formatMarkdown(
      resultOf([finding({ ruleId: "x/y", message: "a | b\n<img src=x>" })]),
    );
    expect(md).toContain("| a \\| b &lt;img src=x&gt; |");
  });

  it("groups findings by Scout instance when there are several, cluster-wide ones last", () => {
    const findings = [
      finding({ ruleId: "pod/run-as-user", file: "a.yaml", instance: "staging" }),
      finding({ ruleId: "rbac/no-wildcards", file: "b.yaml" }),
      finding({ ruleId: "pod/run-as-user", file: "c.yaml", instance: "production" }),
      finding({ ruleId: "pod/not-privileged", file: "d.yaml", instance: "staging" }),
    ];
    const md = formatMarkdown(resultOf(findings), { rules });
    const headings = md.split("\n").filter((l) => l.startsWith("#### "));
    expect(headings).toEqual([
      "#### Instance `production` (1)",
      "#### Instance `staging` (2)",
      "#### Cluster-wide objects (1)",
    ]);
    const staging = md.slice(md.indexOf("#### Instance `staging`"), md.indexOf("#### Cluster"));
    expect(staging).toContain("a.yaml:1");
    expect(staging).toContain("d.yaml:1");
    const one = formatMarkdown(resultOf(findings.filter((f) => f.instance === "staging")), {
      rules,
    });
    expect(one).not.toContain("#### ");
  });

  it("stays under GitHub's limit and says how many findings it left out", () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      finding({ ruleId: "pod/run-as-non-root", line: i + 1, message: `m${"x".repeat(40)}${i}` }),
    );
    const md = formatMarkdown(resultOf(many), {
      allFindings: { url: "https://github.com/o/r/actions/runs/1", label: "the findings file" },
    });
    expect(md.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    const left = Number(/… (\d+) more findings are not in this table/.exec(md)?.[1]);
    expect(md).toContain(
      "all 3000 are in [the findings file](https://github.com/o/r/actions/runs/1).",
    );
    expect(md).toContain(`<summary>Show the first ${3000 - left} of 3000 findings</summary>`);
    const rows = md.split("\n").filter((l) => l.startsWith("| 🔴")).length;
    expect(rows + left).toBe(3000);
    expect(md.trimEnd().endsWith("</details>")).toBe(true);
  });

  it("a huge extra section is cut, not the findings: rows, a closed diagram and a pointer stay", () => {
    const findings = Array.from({ length: 50 }, (_, i) =>
      finding({ ruleId: "pod/run-as-non-root", line: i + 1, message: `m${i}` }),
    );
    const diagram = `\`\`\`mermaid\nflowchart LR\n${"  a --> b\n".repeat(20_000)}\`\`\``;
    const md = formatMarkdown(resultOf(findings), {
      sections: [{ title: "Network flows", body: diagram, collapsed: true }],
      allFindings: { url: "https://github.com/o/r/actions/runs/1", label: "the findings file" },
    });
    expect(md.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(md).toContain("**Failed**");
    expect(md.split("\n").filter((l) => l.startsWith("| 🔴"))).toHaveLength(50);
    // Every fence opened is closed, and the section says where the rest is.
    expect(md.split("\n").filter((l) => l.startsWith("```")).length % 2).toBe(0);
    expect(md).toContain(
      "… cut to fit GitHub's size limit; the full report is in [the findings file](https://github.com/o/r/actions/runs/1).",
    );
    expect(md.trimEnd().endsWith("</details>")).toBe(true);
  });

  it("cuts oversized extra sections on a line boundary", () => {
    const md = formatMarkdown(resultOf([]), {
      sections: [{ title: "huge", body: "line\n".repeat(20_000) }],
      maxLength: 1000,
    });
    expect(md.length).toBeLessThanOrEqual(1000);
    expect(md).toMatch(
      /line\n\n… cut to fit GitHub's size limit; the full report is in this run's log and output files\.\n$/,
    );
  });
});

describe("formatJunit", () => {
  it("writes well-formed JUnit with a suite per rule and failures at the threshold", () => {
    const result = resultOf([
      finding({ ruleId: "pod/a", message: 'quote " & <tag>' }),
      finding({ ruleId: "pod/a", severity: "warning", line: 5 }),
    ]);
    const xml = formatJunit(result, { rules });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
    expect(doc.testsuites).toMatchObject({ failures: "1", tests: String(2 + rules.length) });
    const suites = doc.testsuites.testsuite as {
      name: string;
      failures: string;
      testcase: unknown;
    }[];
    const a = suites.find((s) => s.name === "pod/a")!;
    expect(a.failures).toBe("1");
    expect(a.testcase).toEqual([
      expect.objectContaining({
        failure: expect.objectContaining({ message: 'quote " & <tag>', type: "error" }),
      }),
      expect.objectContaining({ "system-out": expect.stringContaining("warning: bad") }),
    ]);
    expect(suites.find((s) => s.name === "test/root-user")!.failures).toBe("0");
  });
});

describe("planAnnotations", () => {
  it("marks the finding's text: columns on one line, only the lines over several", () => {
    const result = evaluated({ "k8s/pod.yaml": pod });
    const plan = planAnnotations(result.findings);
    const root = plan.annotations.find((a) => a.title === "test/root-user");
    // "runAsUser: 0" is columns 9..20; GitHub's end column is the last one marked
    expect(root).toMatchObject({ line: 8, endLine: 8, column: 9, endColumn: 20 });
    const spread = planAnnotations([finding({ ruleId: "a/b", line: 5, endLine: 7, endColumn: 3 })]);
    expect(spread.annotations[0]).toEqual(expect.objectContaining({ line: 5, endLine: 7 }));
    expect(spread.annotations[0]).not.toHaveProperty("column");
    expect(spread.annotations[0]).not.toHaveProperty("endColumn");
    const empty = planAnnotations([
      finding({ ruleId: "a/b", column: 4, endLine: 1, endColumn: 4 }),
    ]);
    expect(empty.annotations[0]).toMatchObject({ line: 1, endLine: 1, column: 4, endColumn: 4 });
  });

  it("emits the most severe first within GitHub's per-step limits and counts the rest", () => {
    const findings = [
      ...Array.from({ length: 3 }, (_, i) =>
        finding({ ruleId: "a/info", severity: "info", line: i + 1 }),
      ),
      ...Array.from({ length: 15 }, (_, i) =>
        finding({ ruleId: "a/warn", severity: "warning", line: i + 1 }),
      ),
      ...Array.from({ length: 12 }, (_, i) =>
        finding({ ruleId: "a/err", severity: "error", line: i + 1 }),
      ),
    ];
    const plan = planAnnotations(findings);
    expect(plan.annotations.map((a) => a.level)).toEqual([
      ...Array(10).fill("error"),
      ...Array(10).fill("warning"),
      ...Array(3).fill("notice"),
    ]);
    expect(plan.omitted).toBe(7);
    expect(plan.omittedBySeverity).toEqual({ error: 2, warning: 5, info: 0 });
    expect(plan.annotations[0]).toMatchObject({ title: "a/err", line: 1, file: "k8s/a.yaml" });
  });

  it("never exceeds the per-job total", () => {
    const findings = Array.from({ length: 30 }, (_, i) =>
      finding({
        ruleId: "a/err",
        severity: (["error", "warning", "info"] as const)[i % 3],
        line: i,
      }),
    );
    const plan = planAnnotations(findings, { ...GITHUB_ANNOTATION_LIMITS, perJob: 12 });
    expect(plan.annotations).toHaveLength(12);
    expect(plan.omitted).toBe(18);
  });

  it("leaves the slots the step already used (GitHub keeps the first 10 of a level) and counts what they push out", () => {
    const findings = Array.from({ length: 12 }, (_, i) =>
      finding({ ruleId: "a/warn", severity: "warning", line: i + 1 }),
    );
    const plan = planAnnotations(findings, GITHUB_ANNOTATION_LIMITS, { warning: 2, error: 1 });
    expect(plan.annotations).toHaveLength(8);
    expect(plan.omittedBySeverity).toEqual({ error: 0, warning: 4, info: 0 });
  });
});
