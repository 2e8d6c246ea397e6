import { buildBundle, evaluate, type Finding, parsePolicy, parseSource } from "@scout-deploy/core";
import { securityGuidePack, securityGuideRules } from "@scout-deploy/rules";
import { describe, expect, it } from "vitest";
import { render } from "./render.js";
import { type ExampleName, loadExample } from "./test-support/examples.js";

/** What `scout-deploy check --config examples/<name>/scout-deploy.yaml` runs: render, load, the whole pack. */
function check(name: ExampleName) {
  const { scout, file } = loadExample(name);
  const { files } = render(scout);
  const bundle = buildBundle(
    Object.entries(files).map(([path, text]) => parseSource(`rendered/${path}`, text)),
  );
  return evaluate(
    securityGuideRules,
    bundle,
    parsePolicy(file.policy, undefined, { packs: [securityGuidePack] }),
  );
}

const line = (f: Finding) =>
  `${f.severity} ${f.ruleId} ${f.file}:${f.line}:${f.column} ${f.message}`;

describe("the rendered examples under the whole Security Guide pack", () => {
  it("runs a non-empty registry", () => {
    expect(securityGuideRules.length).toBeGreaterThan(0);
  });

  for (const name of ["minimal", "production"] as const) {
    it(`${name}: no error and no warning finding`, () => {
      const result = check(name);
      expect(result.findings.filter((f) => f.severity !== "info").map(line)).toEqual([]);
      expect(result.suppressed).toEqual([]);
    });
  }

  it("insecure: the controls turned off are reported", () => {
    const findings = check("insecure").findings;
    const rules = new Set(findings.map((f) => f.ruleId));
    // Each rule that has landed must see a control that examples/insecure turned off.
    const expected = [
      "monitoring/metrics-scraped",
      "monitoring/security-alerts",
      "namespace/pod-security-labels",
      "network/default-deny",
      "pod/drop-all-capabilities",
      "pod/no-privilege-escalation",
      "pod/read-only-root-filesystem",
      // runAsUser: 0 too, which is root: run-as-non-root's (pod/run-as-user yields to it).
      "pod/run-as-non-root",
      "pod/seccomp-profile",
      "pod/service-account-token",
      "secrets/api-auth",
      "secrets/redis-auth",
      "workload/image-pinned",
    ];
    for (const id of expected.filter((id) => securityGuideRules.some((r) => r.id === id))) {
      expect(rules).toContain(id);
    }
    expect(findings.some((f) => f.severity === "error")).toBe(true);
  });
});
