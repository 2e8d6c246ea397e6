import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "@scout-deploy/core";
import { runCheck } from "@scout-deploy/engine";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The typed config in combination: a `scout:` section made of any mix of supported choices
 * (namespace, external access, secret sources, monitoring modes, replicas, digests, labels) and
 * any subset of the keys that turn a control of the guide off. The rendered manifests, through
 * the whole `check`, must report each key that turns a control off on that key's line, and
 * nothing else: no warning or error for a config that weakens nothing, and none on a line the
 * user did not weaken. The mutation audit turns one key at a time; this holds for the mix.
 * CONFIG_COMBOS sets the number of configs, SEED the seed.
 */
const RUNS = Number(process.env.CONFIG_COMBOS ?? 100);
const SEED = Number(process.env.SEED ?? 20261207);

type Json = string | number | boolean | readonly string[] | { [key: string]: Json };
type Path = readonly string[];

/** Each key that weakens a control, the value that does, and the rules that must say so. */
const WEAKENINGS: readonly { path: Path; value: Json; rules: readonly string[] }[] = [
  { path: ["security", "networkPolicies"], value: false, rules: ["network/default-deny"] },
  {
    path: ["security", "podSecurityLevel"],
    value: "baseline",
    rules: ["namespace/pod-security-labels"],
  },
  { path: ["security", "runAsNonRoot"], value: false, rules: ["pod/run-as-non-root"] },
  { path: ["security", "runAsUser"], value: 0, rules: ["pod/run-as-non-root"] },
  {
    path: ["security", "readOnlyRootFilesystem"],
    value: false,
    rules: ["pod/read-only-root-filesystem"],
  },
  {
    path: ["security", "dropAllCapabilities"],
    value: false,
    rules: ["pod/drop-all-capabilities"],
  },
  {
    path: ["security", "allowPrivilegeEscalation"],
    value: true,
    rules: ["pod/no-privilege-escalation"],
  },
  { path: ["security", "seccompProfile"], value: "Unconfined", rules: ["pod/seccomp-profile"] },
  {
    path: ["security", "automountServiceAccountToken"],
    value: true,
    rules: ["pod/service-account-token"],
  },
  { path: ["auth", "apiToken"], value: false, rules: ["secrets/api-auth"] },
  { path: ["auth", "redis"], value: false, rules: ["secrets/redis-auth"] },
  { path: ["monitoring", "mode"], value: "off", rules: ["monitoring/metrics-scraped"] },
  {
    path: ["monitoring", "alerts", "enabled"],
    value: false,
    rules: ["monitoring/security-alerts"],
  },
  { path: ["logging", "format"], value: "text", rules: ["monitoring/structured-logs"] },
  {
    path: ["components", "backend", "image"],
    value: "ghcr.io/scout-io/scout-backend:latest",
    rules: ["workload/image-pinned"],
  },
];

const INGRESS = { type: "Ingress", host: "scout.example.com", tlsSecretName: "scout-tls" };
const EXTERNAL_SECRET = {
  source: "externalSecret",
  externalSecret: {
    storeName: "vault",
    apiToken: { key: "scout", property: "api-token" },
    redisPassword: { key: "scout", property: "redis-password" },
  },
};
const SEALED_SECRET = {
  source: "sealedSecret",
  sealedSecret: { apiToken: "AgBy3i4OJSWK+PiTySYZZA==", redisPassword: "AgCx9f2LmQWe+PiTySYZZB==" },
};
const DIGEST = `sha256:${"ab".repeat(32)}`;

/** Choices that keep every control on. */
const SAFE_SECTIONS = {
  namespace: fc.constantFrom("scout", "scout-prod", "team-a"),
  externalAccess: fc.constantFrom<Json>({ type: "off" }, { type: "LoadBalancer" }, INGRESS, {
    ...INGRESS,
    className: "nginx",
  }),
  secrets: fc.constantFrom<Json>(
    { source: "generated" },
    { source: "existing", name: "my-scout-credentials" },
    EXTERNAL_SECRET,
    SEALED_SECRET,
    { source: "generated", extraKeys: ["smtp-password"] },
    { name: "creds", keys: { apiToken: "token", redisPassword: "redis" } },
  ),
  monitoring: fc.constantFrom<Json>(
    { mode: "prometheus" },
    { mode: "serviceMonitor" },
    {
      mode: "serviceMonitor",
      operator: { namespace: "observability", ruleLabels: { release: "kps" } },
    },
    {
      mode: "prometheus",
      scrapeInterval: "30s",
      alerts: { authFailuresPerMinute: 20, for: "10m" },
    },
  ),
  probes: fc.constantFrom<Json>({ startupDelaySeconds: 45, startupFailureThreshold: 60 }),
  logging: fc.constantFrom<Json>({ level: "debug" }, { level: "warning" }),
  labels: fc.constantFrom<Json>({ team: "search" }),
  annotations: fc.constantFrom<Json>({ owner: "ops" }),
  components: fc.constantFrom<Json>(
    { backend: { replicas: 5 } },
    { redis: { replicas: 0 } },
    { backend: { replicas: 0 }, frontend: { replicas: 0 } },
    { frontend: { digest: DIGEST }, backend: { digest: DIGEST } },
    { nginx: { replicas: 3, resources: { limits: { cpu: "1", memory: "1Gi" } } } },
  ),
};

const configs = fc.record({
  safe: fc.record(SAFE_SECTIONS, { requiredKeys: [] }),
  weakened: fc.subarray([...WEAKENINGS.keys()], { maxLength: 5 }),
});

function withValue(section: { [key: string]: Json }, path: Path, value: Json) {
  let node = section;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    node[key] = typeof child === "object" && !Array.isArray(child) ? { ...child } : {};
    node = node[key] as { [key: string]: Json };
  }
  node[path.at(-1)!] = value;
}

function leaf(section: { [key: string]: Json }, path: Path): Json | undefined {
  let node: Json | undefined = section;
  for (const key of path) {
    node =
      typeof node === "object" && !Array.isArray(node)
        ? (node as { [key: string]: Json })[key]
        : undefined;
  }
  return node;
}

/** Block YAML of the section, and the 1-based line of each leaf key. */
function emit(section: { [key: string]: Json }) {
  const lines = ["scout:"];
  const lineOf = new Map<string, number>();
  const walk = (node: { [key: string]: Json }, path: Path) => {
    for (const [key, value] of Object.entries(node)) {
      const indent = "  ".repeat(path.length + 1);
      const at = [...path, key];
      if (typeof value === "object" && !Array.isArray(value)) {
        lines.push(`${indent}${key}:`);
        walk(value as { [key: string]: Json }, at);
      } else {
        lines.push(`${indent}${key}: ${JSON.stringify(value)}`);
        lineOf.set(at.join("."), lines.length);
      }
    }
  };
  walk(section, []);
  return { text: `${lines.join("\n")}\n`, lineOf };
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function checkConfig(text: string): Promise<Finding[]> {
  const folder = mkdtempSync(join(tmpdir(), "scout-config-mix-"));
  folders.push(folder);
  writeFileSync(join(folder, "scout-deploy.yaml"), text);
  const { result } = await runCheck({ cwd: folder, paths: [] });
  return result.findings;
}

const describeFinding = (f: Finding) =>
  `${f.severity} ${f.ruleId} ${f.file}:${f.line} ${f.message.slice(0, 120)}`;

describe("the typed config in combination", () => {
  it(`reports each weakened key on its line and nothing else (${RUNS} configs, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(configs, async ({ safe, weakened }) => {
        const section: { [key: string]: Json } = structuredClone(safe) as { [key: string]: Json };
        const picked = weakened.map((index) => WEAKENINGS[index]!);
        for (const { path, value } of picked) withValue(section, path, value);
        // A digest pins the image whatever its tag says: `:latest` beside it weakens nothing.
        const backendDigest = leaf(section, ["components", "backend", "digest"]) !== undefined;
        const chosen = picked.filter(
          ({ path }) => !(backendDigest && path.join(".") === "components.backend.image"),
        );
        const { text, lineOf } = emit(section);
        const findings = await checkConfig(text);
        const problems: string[] = [];
        const lineOfWeakening = (path: Path) => lineOf.get(path.join("."))!;
        const weakLines = new Set(chosen.map(({ path }) => lineOfWeakening(path)));
        for (const f of findings.filter((f) => f.severity !== "info")) {
          if (f.file !== "scout-deploy.yaml" || !weakLines.has(f.line)) {
            problems.push(`not on a weakened key: ${describeFinding(f)}`);
          }
        }
        for (const { path, rules } of chosen) {
          // With Prometheus off there is nothing to alert: that finding sits on `mode: off`.
          const alertsUnderModeOff =
            path.join(".") === "monitoring.alerts.enabled" &&
            leaf(section, ["monitoring", "mode"]) === "off";
          const lines = [lineOfWeakening(path)];
          if (alertsUnderModeOff) lines.push(lineOf.get("monitoring.mode")!);
          for (const rule of rules) {
            const on = findings.filter((f) => f.ruleId === rule && lines.includes(f.line));
            if (on.length === 0) problems.push(`${path.join(".")}: no ${rule} finding on its line`);
            if (on.length > 1) problems.push(`${path.join(".")}: ${on.length} ${rule} findings`);
          }
        }
        if (problems.length > 0) {
          throw new Error(
            `${problems.join("\n")}\n--- config\n${text}--- findings\n${findings.map(describeFinding).join("\n")}`,
          );
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);

  it("the emitter names the line of each leaf key", () => {
    const { text, lineOf } = emit({ security: { runAsUser: 0 }, namespace: "scout" });
    expect(text.split("\n")[lineOf.get("security.runAsUser")! - 1]).toBe("    runAsUser: 0");
    expect(lineOf.get("namespace")).toBe(4);
  });
});
