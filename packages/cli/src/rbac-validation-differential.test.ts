import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "@scout-deploy/core";
import { findTool } from "@scout-deploy/core/testing";
import { runCheck } from "@scout-deploy/engine";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Differential test of what `check` says about RBAC objects the API server refuses, against the
 * API server's own defaulting and validation of Roles, ClusterRoles and their bindings
 * (scripts/rbac-oracle over k8s.io/kubernetes v1.37.2: ValidateRole, ValidateClusterRole,
 * ValidateRoleBinding, ValidateClusterRoleBinding). The generator writes rules with and without
 * apiGroups, resources, verbs and nonResourceURLs, and bindings whose roleRef names another API
 * group or kind, no name or a name no path segment may be:
 * - a refused object gets an error of ours (an input/* finding, or a rule's error saying the API
 *   server refuses it): a false pass signs off a grant that never exists;
 * - an accepted object gets none: a false refusal cries wolf.
 * RBACVAL_DIFF_CASES (600) and RBACVAL_DIFF_SEED change the corpus.
 */
const CASES = Number(process.env.RBACVAL_DIFF_CASES ?? 600);
const SEED = Number(process.env.RBACVAL_DIFF_SEED ?? 20_261_207);
const INSTALL = "bash scripts/install-rbac-oracle.sh";
const binary = findTool("rbac-oracle", "RBAC_ORACLE");
const inCi = process.env.CI === "true";

if (!binary && !inCi) {
  console.warn(
    `RBAC validation differential test skipped: rbac-oracle not found (run ${INSTALL} or set RBAC_ORACLE)`,
  );
}

type Json = Record<string, unknown>;

/** A list field of a rule: absent, empty, or one of a few values. */
const listOf = (values: string[]) =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.constant([]), weight: 1 },
    { arbitrary: fc.subarray(values, { minLength: 1 }), weight: 8 },
  );

const ruleArb = fc.record(
  {
    apiGroups: listOf(["", "apps", "*"]),
    resources: listOf(["pods", "secrets", "*/scale"]),
    verbs: listOf(["get", "list", "*"]),
    resourceNames: fc.oneof(fc.constant(undefined), fc.constant(["scout-config"])),
    nonResourceURLs: fc.constantFrom(undefined, undefined, undefined, undefined, [], ["/healthz"]),
  },
  { requiredKeys: [] },
);

const roleArb = fc.record({
  kind: fc.constantFrom("Role", "ClusterRole"),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 2 }),
});

const roleRefArb = fc.record(
  {
    apiGroup: fc.constantFrom(
      undefined,
      "",
      "rbac.authorization.k8s.io",
      "rbac.authorization.k8s.io",
      "rbac.authorization.k8s.io",
      "rbac",
    ),
    kind: fc.constantFrom("Role", "ClusterRole", "ClusterRole", "ClusterRole", "Roles"),
    name: fc.constantFrom("scout-backend", "view", "x.y", "edit", "", "a/b", "50%", ".."),
  },
  { requiredKeys: ["kind", "name"] },
);

const subjectArb = fc.record(
  {
    kind: fc.constantFrom("ServiceAccount", "ServiceAccount", "User", "Group", "serviceaccount"),
    name: fc.constantFrom("scout-backend", "default", "system:authenticated", ""),
    namespace: fc.constantFrom(undefined, "scout", ""),
    apiGroup: fc.constantFrom(undefined, "", "rbac.authorization.k8s.io", "v1"),
  },
  { requiredKeys: ["kind", "name"] },
);

const bindingArb = fc.record({
  kind: fc.constantFrom("RoleBinding", "ClusterRoleBinding"),
  roleRef: roleRefArb,
  subjects: fc.array(subjectArb, { maxLength: 2 }),
});

const objectArb = fc.oneof(roleArb, bindingArb);

/** Without its undefined fields, as YAML and the oracle would read it. */
function defined(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function build(spec: Json, index: number): Json {
  const kind = String(spec.kind);
  const namespaced = kind === "Role" || kind === "RoleBinding";
  const metadata = namespaced ? { name: `o${index}`, namespace: "scout" } : { name: `o${index}` };
  const object: Json = { apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata };
  if (Array.isArray(spec.rules)) object.rules = spec.rules.map((r) => defined(r as Json));
  if (spec.roleRef) {
    object.roleRef = defined(spec.roleRef as Json);
    object.subjects = (spec.subjects as Json[]).map(defined);
  }
  return object;
}

/** Our errors that refuse the object: input/* ones, and a rule's error saying so. */
function refusals(findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) =>
      f.severity === "error" &&
      (f.ruleId.startsWith("input/") || /API server refuses/.test(f.message)),
  );
}

describe.skipIf(!binary && !inCi)(
  "differential test of RBAC objects against the API server",
  () => {
    const root = mkdtempSync(join(tmpdir(), "rbacval-diff-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it("finds rbac-oracle (under CI=true a missing binary is a failure)", () => {
      expect(binary, `rbac-oracle is not installed: run ${INSTALL}`).toBeDefined();
    });

    it(`agrees on ${CASES} generated roles and bindings (seed ${SEED})`, {
      timeout: 120_000,
    }, async () => {
      const specs = fc.sample(objectArb, { numRuns: CASES, seed: SEED }) as Json[];
      const objects = specs.map((spec, i) => build(spec, i));
      // One case per object: the oracle answers which objects of a case it refuses.
      const answer = spawnSync(binary!, [], {
        input: JSON.stringify({ cases: objects.map((o) => ({ objects: [o] })) }),
        encoding: "utf8",
        maxBuffer: 1 << 30,
      });
      expect(answer.status, answer.stderr).toBe(0);
      const cases = JSON.parse(answer.stdout).cases as Array<{
        refused: Array<{ reason: string }>;
      }>;
      writeFileSync(
        join(root, "rbac.json"),
        JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }, null, 1),
      );
      const run = await runCheck({ cwd: root, paths: [root], kubernetesVersion: "1.37.0" });
      const byName = new Map<string, Finding[]>();
      for (const f of run.result.findings) {
        const name = f.object?.name ?? "";
        byName.set(name, [...(byName.get(name) ?? []), f]);
      }
      const problems: string[] = [];
      let refused = 0;
      objects.forEach((object, i) => {
        const reason = cases[i]!.refused[0]?.reason;
        const mine = refusals(byName.get(`o${i}`) ?? []);
        if (reason !== undefined) refused++;
        if (reason !== undefined && mine.length === 0)
          problems.push(`false pass: the API server says ${reason}\n    ${JSON.stringify(object)}`);
        if (reason === undefined && mine.length > 0)
          problems.push(
            `false refusal: ${mine.map((f) => `${f.ruleId}: ${f.message}`).join("; ")}\n    ${JSON.stringify(object)}`,
          );
      });
      console.log(
        `RBAC validation differential: ${CASES} objects, the API server refuses ${refused}; ${problems.length} divergences`,
      );
      expect(refused, "objects the API server refuses").toBeGreaterThan(CASES / 5);
      expect(CASES - refused, "objects the API server accepts").toBeGreaterThan(CASES / 10);
      expect(problems.slice(0, 5).join("\n"), `${problems.length} divergences`).toBe("");
    });
  },
);
