import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineRule, type Finding } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { runCheck } from "./check.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const COMPONENTS = ["frontend", "backend", "redis", "nginx", "prometheus"] as const;

/** Checks a config text rendered in memory; returns the findings and the config's lines. */
async function checkConfig(
  text: string,
  extraRules = [] as Parameters<typeof runCheck>[0]["extraRules"],
) {
  const dir = mkdtempSync(join(tmpdir(), "scout-positions-"));
  writeFileSync(join(dir, "scout-deploy.yaml"), text);
  const { result } = await runCheck({ cwd: dir, paths: [], ...(extraRules ? { extraRules } : {}) });
  return { findings: result.findings, lines: text.split("\n") };
}

/** The 1-based line of the first line that holds `needle`. */
function lineOf(lines: readonly string[], needle: string): number {
  const index = lines.findIndex((l) => l.includes(needle));
  expect(index, needle).toBeGreaterThanOrEqual(0);
  return index + 1;
}

/** A rule that flags each Deployment at a field no config key decides (revisionHistoryLimit). */
const everyDeployment = defineRule({
  id: "test/every-deployment",
  meta: {
    severity: "warning",
    description: "test",
    remediation: "test",
    messages: { seen: "{{name}}" },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      if (object.ref.kind !== "Deployment") continue;
      context.report({
        messageId: "seen",
        data: { name: object.ref.name ?? "" },
        object,
        pointer: "/spec/revisionHistoryLimit",
      });
    }
  },
});

describe("findings of rendered manifests sit on the config key that decided them", () => {
  it("runAsUser: 0 set in the config -> the line of that key, naming each rendered place", async () => {
    const { findings, lines } = await checkConfig(
      "scout:\n  namespace: scout\n  security:\n    runAsUser: 0\n",
    );
    // Root: run-as-non-root's one finding (run-as-user yields to it on that field).
    const runAsUser = findings.filter((f) => f.ruleId === "pod/run-as-non-root");
    expect(runAsUser).toHaveLength(1);
    const [finding] = runAsUser as [Finding];
    expect(finding).toMatchObject({
      file: "scout-deploy.yaml",
      line: lineOf(lines, "runAsUser: 0"),
      column: 5,
    });
    expect(finding.rendered).toMatchObject({
      file: "20-backend.yaml",
      path: "/spec/template/spec/securityContext/runAsUser",
    });
    for (const component of ["backend", "frontend", "redis", "nginx"]) {
      expect(finding.message).toContain(`Deployment scout-${component}`);
    }
    expect(finding.message).toContain("decided by scout.security.runAsUser");
  });

  for (const component of COMPONENTS) {
    it(`${component}: an image set in its section -> that line; a default -> the component's key`, async () => {
      const text = [
        "scout:",
        "  namespace: scout",
        "  monitoring: {mode: prometheus}",
        "  components:",
        `    ${component}:`,
        `      image: example.org/${component}:latest`,
        "",
      ].join("\n");
      const { findings, lines } = await checkConfig(text, [everyDeployment]);
      const pinned = findings.find(
        (f) => f.ruleId === "workload/image-pinned" && f.message.includes(component),
      );
      const image = lineOf(lines, "image:");
      expect(pinned).toMatchObject({ file: "scout-deploy.yaml", line: image, endLine: image });
      expect(pinned!.endColumn).toBe(lines[image - 1]!.length + 1);
      expect(pinned?.rendered?.path).toBe("/spec/template/spec/containers/0/image");

      // revisionHistoryLimit is no key of the config: the component's section decides it.
      const defaults = findings.filter((f) => f.ruleId === "test/every-deployment");
      const own = defaults.find((f) => f.message.startsWith(`scout-${component} `));
      expect(own).toMatchObject({ line: lineOf(lines, `${component}:`), column: 5 });
      expect(own?.message).toContain(`decided by scout.components.${component})`);
      // A component the config leaves out: its nearest set parent, `components:`.
      const other = defaults.find((f) => !f.message.startsWith(`scout-${component} `));
      // marked by the key alone, not the whole section below it that does not set this one
      const components = lineOf(lines, "components:");
      expect(other).toMatchObject({
        line: components,
        column: 3,
        endLine: components,
        endColumn: 13,
      });
      expect(other?.message).toMatch(/decided by scout\.components\.\w+ \(not set: its default\)/);
    });
  }

  it("alerts turned off with monitoring on -> the alerts.enabled line, not monitoring:", async () => {
    const { findings, lines } = await checkConfig(
      "scout:\n  namespace: scout\n  monitoring:\n    alerts: { enabled: false }\n",
    );
    expect(findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`)).toEqual([
      `monitoring/security-alerts scout-deploy.yaml:${lineOf(lines, "enabled: false")}:15`,
    ]);
  });

  it("no finding of examples/insecure names a rendered file as its location", async () => {
    const { result } = await runCheck({
      cwd: repo,
      paths: [],
      configPath: "examples/insecure/scout-deploy.yaml",
    });
    expect(result.findings.length).toBeGreaterThan(0);
    for (const finding of result.findings) {
      expect(finding.file).toBe("examples/insecure/scout-deploy.yaml");
      expect(finding.line).toBeGreaterThan(1);
      expect(JSON.stringify(finding)).not.toContain("<rendered>");
    }
  });

  it("examples/insecure: at most 30 findings, and every problem the 65 of before named", async () => {
    const { result } = await runCheck({
      cwd: repo,
      paths: [],
      configPath: "examples/insecure/scout-deploy.yaml",
    });
    expect(result.findings.length).toBeLessThanOrEqual(30);
    const containers = ['"backend"', '"frontend"', '"redis"', '"nginx"'];
    const problems: [rule: string, names: readonly string[], key: string][] = [
      ["namespace/pod-security-labels", ['"privileged"'], "podSecurityLevel"],
      ["monitoring/security-alerts", ["scout_auth_failures_total"], "monitoring.mode"],
      ["monitoring/metrics-scraped", ["scout-backend"], "monitoring.mode"],
      // Not isolated both ways: every extra flow of before is "any pod ... may connect".
      [
        "network/default-deny",
        ['"scout-backend"', '"scout-frontend"', '"scout-redis"', '"scout-nginx"', "may connect"],
        "networkPolicies",
      ],
      ["pod/run-as-non-root", [...containers, "runAsNonRoot is not true"], "runAsNonRoot"],
      ["pod/run-as-non-root", [...containers, "runAsUser is 0"], "runAsUser"],
      ["pod/seccomp-profile", [...containers, "Unconfined"], "seccompProfile"],
      ["pod/drop-all-capabilities", containers, "dropAllCapabilities"],
      ["pod/no-privilege-escalation", containers, "allowPrivilegeEscalation"],
      ["pod/read-only-root-filesystem", containers, "readOnlyRootFilesystem"],
      ["pod/service-account-token", ["scout-frontend", "scout-redis", "scout-nginx"], "automount"],
      ["secrets/api-auth", ["scout-backend"], "auth.apiToken"],
      ["secrets/redis-auth", ['"redis"'], "auth.redis"],
      ["workload/image-pinned", [":latest"], "components.backend.image"],
    ];
    for (const [rule, names, key] of problems) {
      const match = result.findings.find(
        (f) =>
          f.ruleId === rule &&
          names.every((n) => f.message.includes(n)) &&
          f.message.includes(`decided by scout.`) &&
          f.message.includes(key),
      );
      expect(match, `${rule} naming ${names.join(", ")} on ${key}`).toBeDefined();
    }
  });
});
