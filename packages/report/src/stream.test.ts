import type { Finding, Result } from "@scout-deploy/core";
import { inputRules, summarize } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { formatJson, formatJsonChunks } from "./json.js";
import { COMMENT_BUDGET, formatMarkdown } from "./markdown.js";
import { formatSarif, formatSarifChunks } from "./sarif.js";
import { securityGuideRulesForTest } from "./test-support/rules.js";

const rules = [...securityGuideRulesForTest, ...inputRules];
const tool = { name: "scout-deploy", version: "0.1.0" };

function resultOf(findings: Finding[]): Result {
  return {
    findings,
    suppressed: [],
    summary: summarize(findings, { files: 1, objects: findings.length, suppressed: 0 }, "error"),
    failOn: "error",
  };
}

const object = { apiVersion: "apps/v1", kind: "Deployment", namespace: "scout", name: "backend" };

/** Findings that share their strings, so a million of them fit in a test's memory. */
function syntheticFindings(count: number): Finding[] {
  const findings: Finding[] = new Array(count);
  for (let i = 0; i < count; i++) {
    findings[i] = {
      ruleId: i % 2 ? "pod/run-as-non-root" : "network/allowed-flows",
      severity: i % 3 ? "warning" : "error",
      message: 'container "api" may run as root: "quoted", \\ back\nslash',
      object,
      file: "k8s/backend.yaml",
      line: 1 + (i % 500),
      column: 3,
      path: "/spec/template/spec/containers/0/securityContext",
    };
  }
  return findings;
}

/** Consumes a stream as the CLI does, keeping only counts and the first and last chunks. */
function drain(chunks: Iterable<string>, itemKey: string) {
  let length = 0;
  let items = 0;
  let first = "";
  let last = "";
  for (const chunk of chunks) {
    if (!first) first = chunk;
    last = chunk;
    length += chunk.length;
    for (let at = chunk.indexOf(itemKey); at >= 0; at = chunk.indexOf(itemKey, at + 1)) items++;
  }
  return { length, items, first, last };
}

describe("streamed JSON and SARIF", () => {
  const small = resultOf([
    ...syntheticFindings(3),
    { ruleId: "input/yaml", severity: "error", message: "bad", file: "a.yaml", line: 1, column: 1 },
  ]);

  it("is JSON.stringify(…, null, 2) exactly, for no finding, one, and several", () => {
    for (const result of [resultOf([]), resultOf(syntheticFindings(1)), small]) {
      for (const text of [formatJson(result, tool), formatSarif(result, { tool, rules })]) {
        expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
      }
      const json = JSON.parse(formatJson(result, tool));
      expect(json.findings).toHaveLength(result.findings.length);
      expect(json.summary.findings).toBe(result.findings.length);
      const sarif = JSON.parse(formatSarif(result, { tool, rules }));
      expect(sarif.runs[0].results).toHaveLength(result.findings.length);
      expect(sarif.runs[0].columnKind).toBe("unicodeCodePoints");
    }
  });

  it("keeps the contract's field order and leaves out what the contract does not name", () => {
    const json = JSON.parse(
      formatJson(resultOf([{ ...syntheticFindings(1)[0]!, instance: "scout" }]), tool),
    );
    expect(Object.keys(json)).toEqual(["version", "tool", "summary", "findings"]);
    expect(Object.keys(json.findings[0])).toEqual([
      "ruleId",
      "severity",
      "message",
      "object",
      "file",
      "line",
      "column",
      "path",
    ]);
  });

  it("formats 1,000,000 findings as JSON and as SARIF without one string of the whole", () => {
    const result = resultOf(syntheticFindings(1_000_000));
    const json = drain(formatJsonChunks(result, tool), '\n      "ruleId": ');
    expect(json.items).toBe(1_000_000);
    expect(json.length).toBeGreaterThan(300_000_000);
    expect(JSON.parse(`${json.first}{}]}`).summary.findings).toBe(1_000_000);
    expect(json.last).toBe("\n  ]\n}\n".slice(1));

    const sarif = drain(formatSarifChunks(result, { tool, rules }), '\n          "ruleId": ');
    expect(sarif.items).toBe(1_000_000);
    expect(
      sarif.last.endsWith('      ],\n      "columnKind": "unicodeCodePoints"\n    }\n  ]\n}\n'),
    ).toBe(true);
    expect(JSON.parse(`${sarif.first}{}]}]}`).runs[0].tool.driver.name).toBe("scout-deploy");
  }, 240_000);

  it("keeps the markdown comment within GitHub's limit for a million findings", () => {
    const md = formatMarkdown(resultOf(syntheticFindings(1_000_000)), { rules });
    expect(md.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(md).toMatch(/more findings are not in this table .*; all 1000000 are in/);
  }, 60_000);
});
