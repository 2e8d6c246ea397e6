import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

const compliant = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), "../../rules/src/fixtures/compliant/scout.yaml"),
  "utf8",
);

/**
 * The compliant deployment, moved to another namespace (its objects, bindings and scrape target)
 * with tokens of its own: the guide asks for different tokens in different environments, and a
 * token shared between two namespaces is a finding of its own (secrets/distinct-environments).
 */
function inNamespace(namespace: string, text = compliant, owner = namespace): string {
  return sameTokens(namespace, text).replace(
    /^( {2}(api-token|redis-password)): \S+$/gm,
    (_, key: string, name: string) => `${key}: ${tokenFor(owner, name)}`,
  );
}

function sameTokens(namespace: string, text = compliant): string {
  return text
    .replace(/^( {2}name| {2}namespace| {4}namespace): scout$/gm, `$1: ${namespace}`)
    .replace("backend.scout.svc", `backend.${namespace}.svc`);
}

function tokenFor(namespace: string, key: string): string {
  const raw = createHash("sha256").update(`${namespace}/${key}`).digest("base64");
  return Buffer.from(raw).toString("base64");
}

const namespaceOf = (i: number) => `scout-${String(i).padStart(3, "0")}`;

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  object?: { namespace?: string; name?: string };
}

async function check(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "scout-instances-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const run = await runCli(["check", ".", "--format", "json", "--schema", "off"], { cwd: dir });
  const findings = JSON.parse(run.stdout).findings as JsonFinding[];
  return { code: run.code, findings: findings.filter((f) => f.severity !== "info") };
}

function deployments(count: number, change?: (i: number, text: string) => string) {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const text = inNamespace(namespaceOf(i));
    files[`${namespaceOf(i)}.yaml`] = change ? change(i, text) : text;
  }
  return files;
}

describe("several compliant Scout deployments in one input", () => {
  it("copied with the same tokens, gives only the shared-token errors", async () => {
    const { findings } = await check({
      "scout-000.yaml": sameTokens("scout-000"),
      "scout-001.yaml": sameTokens("scout-001"),
    });
    expect(findings.map((f) => [f.ruleId, f.object?.namespace])).toEqual([
      ["secrets/distinct-environments", "scout-001"],
      ["secrets/distinct-environments", "scout-001"],
    ]);
  });

  it.each([2, 40])("%i deployments in as many namespaces give no finding", async (count) => {
    const { code, findings } = await check(deployments(count));
    expect(findings).toEqual([]);
    expect(code).toBe(0);
  });

  it("400 deployments (10,000 objects) give no finding, in seconds of CPU", async () => {
    const files = deployments(400);
    const started = process.cpuUsage();
    const { code, findings } = await check(files);
    const used = process.cpuUsage(started);
    expect(findings).toEqual([]);
    expect(code).toBe(0);
    // CPU time, not wall time: the machine may be shared. Pairing components across instances
    // took over 20 s and 2.8 GB (1,755,600 findings); indexed by instance, about 2 s.
    expect((used.user + used.system) / 1e6).toBeLessThan(12);
  }, 120_000);

  it("two instances in one namespace, told apart by app.kubernetes.io/instance, give none", async () => {
    const labelled = (instance: string) =>
      inNamespace("shared", compliant, instance)
        .replace(/\bscout-(backend|secrets|config)\b/g, `${instance}-scout-$1`)
        .replace(/\bprometheus-(config|rules)\b/g, `${instance}-prometheus-$1`)
        // Its Prometheus scrapes its own backend's Service: the static target follows the rename.
        .replace("backend.shared.svc", `${instance}-backend.shared.svc`)
        .replace(
          new RegExp(`^( {2}name): (?!shared$|${instance}-)(.+)$`, "gm"),
          `$1: ${instance}-$2`,
        )
        .replace(
          /^( +)app\.kubernetes\.io\/component: (\w+)$/gm,
          `$1app.kubernetes.io/component: $2\n$1app.kubernetes.io/instance: ${instance}`,
        );
    const a = labelled("scout-a");
    const b = labelled("scout-b").replace(/^apiVersion: v1\nkind: Namespace\n[\s\S]*?---\n/m, "");
    const { code, findings } = await check({ "a.yaml": a, "b.yaml": b });
    expect(findings.map((f) => f.message)).toEqual([]);
    expect(code).toBe(0);
  });

  it("breaking one flow in one of 40 deployments is found on that deployment only, naming it", async () => {
    const broken = namespaceOf(17);
    const files = deployments(40, (i, text) =>
      i === 17
        ? text.replace(
            "      ports:\n        - protocol: TCP\n          port: 6379\n---",
            "      ports:\n        - protocol: TCP\n          port: 6380\n---",
          )
        : text,
    );
    expect(files[`${broken}.yaml`]).toContain("port: 6380");
    const { findings } = await check(files);
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      expect(finding.object?.namespace).toBe(broken);
      expect(finding.message).toContain(broken);
    }
    expect(findings.map((f) => f.ruleId)).toContain("network/allowed-flows");
    expect(findings.find((f) => f.ruleId === "network/allowed-flows")?.message).toContain(
      `instance ${broken}`,
    );
  });
});
