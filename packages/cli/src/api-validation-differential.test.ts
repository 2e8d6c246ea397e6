import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "@scout-deploy/core";
import { runCheck } from "@scout-deploy/engine";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { type ObjectCase, objectCaseArb } from "./test-support/validation/objects.js";
import {
  type ApiServerVerdict,
  accepted,
  judgeObjects,
  validationOraclePath,
} from "./test-support/validation/oracle.js";

/**
 * Differential test of our API-server pass (packages/schema/src/api-validation.ts, with the
 * embedded OpenAPI schemas) against the API server's own create validation (scripts/validation-oracle
 * over k8s.io/kubernetes v1.37.2). A seeded generator writes objects near the edge of validity
 * (Windows pods with Linux-only fields, ports, env names, volumes and mounts, resources, probes,
 * restartPolicy per kind, selectors, Services, NetworkPolicies), each is checked by runCheck at
 * --kubernetes-version 1.37.0 and judged by the oracle:
 * - an object the API server refuses gets an error of ours naming it (an input/* finding, or a rule's error
 *   saying the API server refuses it): a false pass signs off a deploy that
 *   cannot happen;
 *   A rule's error on the very field the API server refuses stands for the refusal, as in the
 *   check itself (one cause, one finding);
 * - an object it accepts gets no input/* error: a false refusal cries wolf.
 * APIVAL_DIFF_CASES (2000) and APIVAL_DIFF_SEED change the corpus; APIVAL_DIFF_REPORT=FILE writes
 * every divergence with its object.
 */
const CASES = Number(process.env.APIVAL_DIFF_CASES ?? 2000);
const SEED = Number(process.env.APIVAL_DIFF_SEED ?? 20_261_207);
const PER_FILE = 50;
const INSTALL = "bash scripts/install-validation-oracle.sh";
const binary = validationOraclePath();
const inCi = process.env.CI === "true";

if (!binary && !inCi) {
  console.warn(
    `API-server validation differential test skipped: validation-oracle not found (run ${INSTALL} or set VALIDATION_ORACLE)`,
  );
}

const objectName = (index: number, kind: string) => `o${index}-${kind.toLowerCase()}`;

/**
 * Our errors that refuse the object: input/* ones, and a rule's error that says so (a rule that
 * reports the same field, workload/probes or the network rules on a NetworkPolicy, is the one
 * shown: one cause, one finding).
 */
function refusals(findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) =>
      f.severity === "error" &&
      (f.ruleId.startsWith("input/") || /API server refuses/.test(f.message)),
  );
}

/** `spec.containers[0].ports[1].hostPort` as the JSON pointer our findings carry. */
const pointerOf = (field: string) =>
  `/${field
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .join("/")}`;

/**
 * The API server's fields that a rule of ours reports as an error: the refusal yields to that
 * finding (one cause, one finding; `pod/no-host-ports` on a hostPort of 70000), and the gate fails.
 */
function saidByRules(verdict: ApiServerVerdict, findings: readonly Finding[]): boolean {
  const fields = new Set((verdict.errors ?? []).map((e) => pointerOf(e.field)));
  return findings.some((f) => f.severity === "error" && f.path !== undefined && fields.has(f.path));
}

function describeVerdict(verdict: ApiServerVerdict): string {
  if (verdict.refused) return verdict.refused;
  return (verdict.errors ?? []).map((e) => `${e.field} (${e.type}): ${e.detail ?? ""}`).join("; ");
}

describe.skipIf(!binary && !inCi)("differential test against the API server's validation", () => {
  const root = mkdtempSync(join(tmpdir(), "apival-diff-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("finds validation-oracle (under CI=true a missing binary is a failure)", () => {
    expect(binary, `validation-oracle is not installed: run ${INSTALL}`).toBeDefined();
  });

  it(`agrees on ${CASES} generated objects (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const cases: ObjectCase[] = fc.sample(objectCaseArb, { numRuns: CASES, seed: SEED });
    const objects = cases.map((c, i) => c.build(objectName(i, c.kind)));
    const verdicts = await judgeObjects(binary!, objects);
    for (let start = 0; start < objects.length; start += PER_FILE) {
      const items = objects.slice(start, start + PER_FILE);
      writeFileSync(
        join(root, `objects-${start}.json`),
        JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 1),
      );
    }
    const run = await runCheck({ cwd: root, paths: [root], kubernetesVersion: "1.37.0" });
    const all = new Map<string, Finding[]>();
    for (const f of run.result.findings) {
      const name = f.object?.name ?? "";
      all.set(name, [...(all.get(name) ?? []), f]);
    }
    const problems: string[] = [];
    const stats = { accepted: 0, refused: 0, byRule: 0 };
    const byField = new Map<string, number>();
    objects.forEach((object, i) => {
      const verdict = verdicts[i]!;
      const name = objectName(i, cases[i]!.kind);
      const findings = all.get(name) ?? [];
      const mine = refusals(findings);
      if (accepted(verdict)) {
        stats.accepted++;
        if (mine.length > 0)
          problems.push(
            `false refusal of ${cases[i]!.kind} ${name}: ${mine.map((f) => `${f.ruleId}: ${f.message}`).join("; ")}\n    ${JSON.stringify(object)}`,
          );
        return;
      }
      stats.refused++;
      for (const e of verdict.errors ?? []) {
        const field = e.field.replace(/\[\d+\]/g, "[]");
        byField.set(field, (byField.get(field) ?? 0) + 1);
      }
      if (mine.length === 0 && saidByRules(verdict, findings)) stats.byRule++;
      else if (mine.length === 0)
        problems.push(
          `false pass of ${cases[i]!.kind} ${name}: the API server says ${describeVerdict(verdict)}\n    ${JSON.stringify(object)}`,
        );
    });
    console.log(
      `API-server validation differential: ${CASES} objects, the API server accepts ${stats.accepted} and refuses ${stats.refused} (${stats.byRule} of them reported by a rule's error on the refused field); ${problems.length} divergences`,
    );
    const common = [...byField].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`  most refused fields: ${common.map(([f, n]) => `${f} ${n}`).join(", ")}`);
    if (process.env.APIVAL_DIFF_REPORT)
      writeFileSync(process.env.APIVAL_DIFF_REPORT, problems.join("\n"));
    // Both verdicts must be common, or agreement proves little.
    expect(stats.accepted, "objects the API server accepts").toBeGreaterThan(CASES / 10);
    expect(stats.refused, "objects the API server refuses").toBeGreaterThan(CASES / 4);
    expect(problems.slice(0, 5).join("\n"), `${problems.length} divergences`).toBe("");
  });
});
