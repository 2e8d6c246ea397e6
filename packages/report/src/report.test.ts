import { buildBundle, evaluate, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { formatJson } from "./json.js";
import { securityGuideRulesForTest } from "./test-support/rules.js";
import { formatText } from "./text.js";

const yaml = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: scout}
spec:
  containers:
    - name: app
      securityContext:
        runAsUser: 0
`;

function result() {
  const bundle = buildBundle([parseSource("k8s/pod.yaml", yaml)]);
  return evaluate(securityGuideRulesForTest, bundle);
}

describe("formatJson", () => {
  it("prints the CLI contract's document", () => {
    const json = JSON.parse(formatJson(result(), { name: "scout-deploy", version: "0.1.0" }));
    expect(json.version).toBe(1);
    expect(json.tool).toEqual({ name: "scout-deploy", version: "0.1.0" });
    expect(json.summary).toEqual({
      files: 1,
      objects: 1,
      findings: 1,
      bySeverity: { error: 1, warning: 0, info: 0 },
      suppressed: 0,
      passed: false,
    });
    expect(Object.keys(json.findings[0])).toEqual([
      "ruleId",
      "severity",
      "message",
      "object",
      "file",
      "line",
      "column",
      "endLine",
      "endColumn",
      "path",
      "remediation",
      "fingerprint",
    ]);
    expect(json.findings[0].fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(json.findings[0]).toMatchObject({
      file: "k8s/pod.yaml",
      line: 8,
      column: 9,
      // "runAsUser: 0", end column exclusive
      endLine: 8,
      endColumn: 21,
      path: "/spec/containers/0/securityContext/runAsUser",
    });
  });
});

describe("formatText", () => {
  it("groups findings under their file with line:column and the rule id", () => {
    const text = formatText(result());
    expect(text).toContain(
      'k8s/pod.yaml\n  8:9-8:21  error    container "app" runs as root: runAsUser is 0  test/root-user\n',
    );
    expect(text).toContain("✖ 1 problem (1 error, 0 warnings, 0 info) in 1 file, 1 object");
  });

  it("keeps each finding on its line when manifest text holds line breaks and escapes", () => {
    // A CI log runner reads "::error::" at a line's start as a command; a terminal obeys ESC.
    const injected = yaml.replace(
      "- name: app",
      '- name: "app\\n::notice::scout-deploy passed\\r\\u001b[2K\\u202e"',
    );
    const bundle = buildBundle([parseSource("k8s/evil\n✔ no problems.yaml", injected)]);
    const text = formatText(evaluate(securityGuideRulesForTest, bundle));
    expect(text).toContain(
      'k8s/evil\\n✔ no problems.yaml\n  8:9-8:21  error    container "app\\n::notice::scout-deploy passed\\r\\u001b[2K\\u202e" runs as root',
    );
    expect(text.split("\n").filter((line) => line.startsWith("::"))).toEqual([]);
    for (const raw of ["\r", "\u001b", "\u202e"]) expect(text).not.toContain(raw);
  });

  it("in a comparison, says which findings are new and lists the base's fixed ones", () => {
    const [root] = result().findings;
    const privileged = {
      ...root!,
      ruleId: "test/privileged",
      message: 'container "app" is privileged',
      line: 9,
      endLine: 9,
      endColumn: 25,
    };
    const compared = {
      ...result(),
      findings: [
        { ...root!, baseline: "unchanged" as const },
        { ...privileged, baseline: "new" as const },
      ],
      fixed: [
        {
          ...root!,
          ruleId: "test/host-path",
          message: "mounts the node's /",
          line: 3,
          endLine: undefined,
          endColumn: undefined,
        },
      ],
    };
    const text = formatText(compared);
    expect(text).toContain(
      'k8s/pod.yaml\n  8:9-8:21  error         container "app" runs as root: runAsUser is 0  test/root-user\n  9:9-9:25  error    new  container "app" is privileged  test/privileged\n',
    );
    expect(text).toContain(
      "fixed since the base:\n  k8s/pod.yaml\n    3:9  error    mounts the node's /  test/host-path\n",
    );
    expect(formatText(result())).not.toContain("new");
  });

  it("says so when nothing is found", () => {
    const bundle = buildBundle([
      parseSource("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: scout}\n"),
    ]);
    expect(formatText(evaluate(securityGuideRulesForTest, bundle))).toBe(
      "✔ no problems (1 file, 1 object)\n",
    );
  });
});
