import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle, evaluate, parsePolicy, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { securityGuideRules } from "./registry.js";

const here = dirname(fileURLToPath(import.meta.url));
const SECTIONS = ["Failing example", "Passing example"] as const;
type Section = (typeof SECTIONS)[number];

/**
 * READMEs whose example is still a fragment (a pod spec without apiVersion and kind) or needs
 * more than the example shows (other objects, settings). Each entry must still fail to run: when
 * a README is made whole, the test says to remove its entry, so this list only shrinks.
 */
const NOT_YET_RUNNABLE = new Set<string>([
  "pod/apparmor-profile: Failing example",
  "pod/apparmor-profile: Passing example",
  "pod/no-shared-process-namespace: Failing example",
  "pod/no-shared-process-namespace: Passing example",
  "pod/proc-mount: Failing example",
  "pod/proc-mount: Passing example",
  "pod/safe-sysctls: Failing example",
  "pod/safe-sysctls: Passing example",
  "pod/selinux-options: Failing example",
  "pod/selinux-options: Passing example",
  "monitoring/metrics-scraped: Failing example",
  "monitoring/metrics-scraped: Passing example",
  "monitoring/security-alerts: Failing example",
  "network/allowed-flows: Failing example",
  "network/allowed-flows: Passing example",
  "network/default-deny: Failing example",
  "network/no-broad-peers: Failing example",
  "network/no-broad-peers: Passing example",
  "network/port-coherence: Failing example",
  "network/port-coherence: Passing example",
  "pod/drop-all-capabilities: Failing example",
  "pod/drop-all-capabilities: Passing example",
  "pod/no-host-namespaces: Failing example",
  "pod/no-host-namespaces: Passing example",
  "pod/no-host-path: Failing example",
  "pod/no-host-path: Passing example",
  "pod/no-privilege-escalation: Failing example",
  "pod/no-privilege-escalation: Passing example",
  "pod/not-privileged: Failing example",
  "pod/not-privileged: Passing example",
  "pod/read-only-root-filesystem: Failing example",
  "pod/read-only-root-filesystem: Passing example",
  "pod/restricted-volume-types: Failing example",
  "pod/restricted-volume-types: Passing example",
  "pod/run-as-non-root: Passing example",
  "pod/run-as-user: Passing example",
  "pod/seccomp-profile: Failing example",
  "pod/seccomp-profile: Passing example",
  "pod/service-account-token: Passing example",
  "pod/writable-paths: Failing example",
  "pod/writable-paths: Passing example",
  "rbac/dedicated-service-account: Failing example",
  "rbac/dedicated-service-account: Passing example",
  "rbac/minimal-subjects: Failing example",
  "rbac/minimal-subjects: Passing example",
  "rbac/namespace-scoped: Failing example",
  "rbac/no-dangerous-verbs: Failing example",
  "rbac/no-dangerous-verbs: Passing example",
  "rbac/no-wildcards: Failing example",
  "rbac/no-wildcards: Passing example",
  "secrets/api-auth: Failing example",
  "secrets/api-auth: Passing example",
  "secrets/external-management: Failing example",
  "secrets/no-plaintext-env: Failing example",
  "secrets/no-plaintext-env: Passing example",
  "secrets/redis-auth: Failing example",
  "secrets/redis-auth: Passing example",
  "secrets/strong-token: Passing example",
  "secrets/valid-base64: Passing example",
  "workload/image-pinned: Failing example",
  "workload/image-pinned: Passing example",
  "workload/probes: Failing example",
  "workload/probes: Passing example",
  "workload/resources: Failing example",
  "workload/resources: Passing example",
  "workload/startup-probe: Failing example",
  "workload/startup-probe: Passing example",
]);

/** The day examples with dates are judged on (secrets/rotation-age says so in its README). */
const JUDGED_ON = new Date("2026-12-01T00:00:00Z");

/** The YAML blocks of a README section (`## Failing example` up to the next `## `). */
function yamlBlocks(readme: string, section: Section): string[] {
  const start = readme.indexOf(`## ${section}`);
  if (start < 0) return [];
  const end = readme.indexOf("\n## ", start + 1);
  const text = readme.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Why the example does not show what its section says, or undefined when it does. */
function mismatch(ruleId: string, section: Section, yaml: string): string | undefined {
  const bundle = buildBundle([parseSource(`${ruleId}/README.md`, yaml)]);
  const problem = bundle.problems[0];
  if (problem) return `line ${problem.position.line}: ${problem.message}`;
  const policy = parsePolicy({ rules: { "*": "off", [ruleId]: {} } });
  const findings = evaluate(securityGuideRules, bundle, policy, { now: JUDGED_ON })
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.line}:${f.column} ${f.message}`);
  if (section === "Failing example" && findings.length === 0) return "the rule reports nothing";
  if (section === "Passing example" && findings.length > 0) return findings.join("; ");
  return undefined;
}

describe("every rule README's examples, run through the rule", () => {
  for (const rule of securityGuideRules) {
    const readme = readFileSync(join(here, rule.id, "README.md"), "utf8");
    for (const section of SECTIONS) {
      const key = `${rule.id}: ${section}`;
      it(key, () => {
        const blocks = yamlBlocks(readme, section);
        expect(blocks.length, `a \`\`\`yaml block under ## ${section}`).toBeGreaterThan(0);
        const why = mismatch(rule.id, section, blocks.join("---\n"));
        if (NOT_YET_RUNNABLE.has(key)) {
          expect(why, `${key} runs now: remove it from NOT_YET_RUNNABLE`).toBeDefined();
        } else {
          expect(why).toBeUndefined();
        }
      });
    }
  }
});
