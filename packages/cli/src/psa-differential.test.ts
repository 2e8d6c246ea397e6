import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "@scout-deploy/core";
import { runCheck } from "@scout-deploy/engine";
import { bundledKubernetesVersions } from "@scout-deploy/schema";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { WRAPPING_KINDS, wrap } from "./test-support/psa/kinds.js";
import { RULES_FOR_CHECK, STRICTER_THAN_PSA } from "./test-support/psa/mapping.js";
import { judgeAll, type OracleVerdict, psaOraclePath } from "./test-support/psa/oracle.js";
import { type PodCase, podCaseArb } from "./test-support/psa/pods.js";

/**
 * Differential test of the pod rules against the real Pod Security admission checks
 * (scripts/psa-oracle over k8s.io/pod-security-admission v0.37.2): generated pods, each wrapped
 * in every kind that carries a pod template, are checked by our pipeline (runCheck, as the CLI
 * does) at every Kubernetes version we bundle and at older ones, and judged by PSA at the same
 * version.
 * - Whenever PSA rejects a pod at restricted or baseline for a check, a rule of ours mapped to
 *   that check (RULES_FOR_CHECK) reports the object, whatever its kind.
 * - Whenever we report a pod for a rule that no PSA rejection of it explains (above all a pod the
 *   restricted profile admits), the finding is of a class the guide asks for (STRICTER_THAN_PSA).
 * PSA_DIFF_CASES sets the number of pods (150), PSA_DIFF_SEED the seed, PSA_DIFF_VERSIONS the
 * versions ("1.25,1.26"; default 1.28, 1.30, 1.33 and the bundled ones), PSA_DIFF_REPORT a file
 * that receives every divergence with its pod.
 */

const CASES = Number(process.env.PSA_DIFF_CASES ?? 150);
/**
 * Versions without bundled schemas, checked with `--schema off`: each side of a change of PSA's
 * (sysctls 1.27/1.29/1.32, container_engine_t 1.31, probe hosts 1.34, user namespaces 1.35).
 * Before 1.25 the restricted profile did not exempt Windows pods; we do not go there.
 */
const OLDER_VERSIONS = ["1.28", "1.30", "1.33"];
const SEED = Number(process.env.PSA_DIFF_SEED ?? 20261207);
const PODS_PER_FILE = 50;
const binary = psaOraclePath();
const inCi = Boolean(process.env.CI);

if (!binary && !inCi) {
  console.warn(
    "Pod Security admission differential test skipped: psa-oracle not found (run scripts/install-psa-oracle.sh or set PSA_ORACLE_PATH)",
  );
}

const minor = (version: string) => version.split(".").slice(0, 2).join(".");
const slug = (kind: string) => kind.replace(/[^A-Za-z]/g, "").toLowerCase();
const objectName = (index: number, kind: string) => `p${index}-${slug(kind)}`;

/**
 * The ephemeral containers of a template: the API server refuses them at creation, and so do we
 * (input/schema, with the embedded schemas); the pod rules judge them all the same.
 */
const hasEphemeral = (pod: PodCase) => Array.isArray(pod.spec.ephemeralContainers);

/** What PSA rejects and we do not report, for one object: "check (level): reason". */
function missed(verdict: OracleVerdict, ours: readonly Finding[]): string[] {
  const out: string[] = [];
  for (const level of ["restricted", "baseline"] as const) {
    for (const [check, reason] of Object.entries(verdict[level])) {
      const rules = RULES_FOR_CHECK[check];
      if (!rules) {
        out.push(`${check}: a PSA check the test does not map to a rule (${reason})`);
        continue;
      }
      const mapped = ours.filter((f) => rules.includes(f.ruleId));
      if (mapped.length === 0) {
        out.push(`${check} (${level}): ${reason}; expected ${rules.join(" or ")}`);
        continue;
      }
      // Each container PSA names must be named by one of our findings too: not only another one.
      for (const name of containersNamed(reason)) {
        if (mapped.some((f) => f.message.includes(`"${name}"`))) continue;
        out.push(
          `${check} (${level}): ${reason}; no ${rules.join(" or ")} finding names container "${name}"`,
        );
      }
    }
  }
  return out;
}

/** The containers a PSA reason names: `container "a"`, `containers "a", "b"`. */
function containersNamed(reason: string): string[] {
  const names: string[] = [];
  for (const match of reason.matchAll(/containers? ((?:"[^"]+"(?:, | and )?)+)/g)) {
    for (const quoted of match[1]!.matchAll(/"([^"]+)"/g)) names.push(quoted[1]!);
  }
  return [...new Set(names)];
}

/**
 * Our pod findings that no PSA rejection of the object explains (no failing check, at either
 * level, maps to the finding's rule), unless the guide asks for them; `classes` counts the
 * explained ones by the reason that explains them. Merged findings are judged message by message.
 */
function unexplained(
  verdict: OracleVerdict,
  ours: readonly Finding[],
  pod: PodCase,
  minor: number,
  classes: Map<string, number>,
): string[] {
  const failing = [...Object.keys(verdict.restricted), ...Object.keys(verdict.baseline)];
  const psaRules = new Set(failing.flatMap((check) => RULES_FOR_CHECK[check] ?? []));
  return ours
    .filter((f) => f.ruleId.startsWith("pod/") && f.severity !== "info" && !psaRules.has(f.ruleId))
    .flatMap((f) => f.message.split("; ").map((message) => ({ ...f, message })))
    .filter((f) => {
      const known = STRICTER_THAN_PSA.find(
        (c) =>
          c.rule === f.ruleId && c.message.test(f.message) && (c.when?.(pod.spec, minor) ?? true),
      );
      if (known) classes.set(known.why, (classes.get(known.why) ?? 0) + 1);
      return !known;
    })
    .map((f) => `${f.ruleId} (${f.severity}) at ${f.path}: ${f.message}`);
}

describe.skipIf(!binary && !inCi)("differential test against Pod Security admission", () => {
  const root = mkdtempSync(join(tmpdir(), "psa-diff-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("finds psa-oracle (in CI a missing binary is a failure)", () => {
    expect(binary, "psa-oracle is not installed: run scripts/install-psa-oracle.sh").toBeDefined();
  });

  const bundled = bundledKubernetesVersions().map(minor);
  const versions = process.env.PSA_DIFF_VERSIONS?.split(",") ?? [...OLDER_VERSIONS, ...bundled];
  it(`agrees on ${CASES} generated pods x ${WRAPPING_KINDS.length} kinds x Kubernetes ${versions.join(", ")} (seed ${SEED})`, {
    timeout: 600_000,
  }, async () => {
    const pods = fc.sample(podCaseArb(), { numRuns: CASES, seed: SEED });
    const verdicts = await judgeAll(
      binary!,
      versions.flatMap((version) =>
        pods.map((pod, i) => ({ id: `${i}@${version}`, version, ...pod })),
      ),
    );
    const byId = new Map(verdicts.map((v) => [v.id, v]));
    const problems: string[] = [];
    const stats = { rejected: 0, admitted: 0, objects: 0 };
    /** How often each PSA check rejected a pod-version, at either level. */
    const checks = new Map<string, number>();
    /** Findings on admitted pods, by the guide's reason for them. */
    const classes = new Map<string, number>();
    /** Pods whose verdict changes with the Kubernetes version. */
    const versionSensitive = new Set<number>();
    for (const version of versions) {
      const dir = join(root, version);
      mkdirSync(dir);
      // Files of PODS_PER_FILE pods each, kept well under the loader's file size limit.
      for (let start = 0; start < pods.length; start += PODS_PER_FILE) {
        const items = pods
          .slice(start, start + PODS_PER_FILE)
          .flatMap((pod, j) =>
            WRAPPING_KINDS.map((kind) =>
              wrap(kind, objectName(start + j, kind), pod.meta, pod.spec),
            ),
          );
        const list = { apiVersion: "v1", kind: "List", items };
        writeFileSync(join(dir, `pods-${start}.json`), JSON.stringify(list, null, 1));
      }
      // A version without bundled schemas is checked as `--schema off --kubernetes-version` does.
      const schema = bundled.includes(version) ? "embedded" : "off";
      const run = await runCheck({ cwd: root, paths: [dir], kubernetesVersion: version, schema });
      const findings = new Map<string, Finding[]>();
      for (const f of run.result.findings) {
        if (!f.object)
          problems.push(
            `at ${version}: a finding on no object: ${f.ruleId} ${f.file}: ${f.message}`,
          );
        const name = f.object?.name ?? "";
        findings.set(name, [...(findings.get(name) ?? []), f]);
      }
      pods.forEach((pod, i) => {
        const verdict = byId.get(`${i}@${version}`);
        if (!verdict || verdict.error) {
          problems.push(`pod ${i} at ${version}: the oracle did not judge it (${verdict?.error})`);
          return;
        }
        const rejected = Object.keys(verdict.restricted).length > 0;
        const first = byId.get(`${i}@${versions[0]}`);
        if (
          JSON.stringify(Object.keys(verdict.baseline).sort()) !==
            JSON.stringify(Object.keys(first?.baseline ?? {}).sort()) ||
          JSON.stringify(Object.keys(verdict.restricted).sort()) !==
            JSON.stringify(Object.keys(first?.restricted ?? {}).sort())
        ) {
          versionSensitive.add(i);
        }
        if (rejected !== !verdict.allowed.restricted) {
          problems.push(`pod ${i} at ${version}: per-check and whole verdicts disagree`);
        }
        if (rejected) stats.rejected++;
        else stats.admitted++;
        for (const check of new Set([
          ...Object.keys(verdict.restricted),
          ...Object.keys(verdict.baseline),
        ])) {
          checks.set(check, (checks.get(check) ?? 0) + 1);
        }
        for (const kind of WRAPPING_KINDS) {
          stats.objects++;
          const ours = findings.get(objectName(i, kind)) ?? [];
          const wrong = [
            ...missed(verdict, ours),
            ...unexplained(verdict, ours, pod, Number(version.split(".")[1]), classes),
          ];
          if (
            schema === "embedded" &&
            hasEphemeral(pod) &&
            !ours.some((f) => f.ruleId === "input/schema")
          ) {
            wrong.push(
              "ephemeralContainers in a template or a new pod, and no input/schema refusal",
            );
          }
          if (wrong.length > 0) {
            problems.push(
              `${kind} ${objectName(i, kind)} at ${version}:\n    ${wrong.join("\n    ")}\n    pod: ${JSON.stringify(pod)}`,
            );
          }
        }
      });
    }
    const perCheck = [...checks].sort().map(([check, n]) => `${check} ${n}`);
    console.log(
      `psa differential: ${CASES} pods, ${stats.objects} objects over ${versions.length} versions; restricted rejects ${stats.rejected} pod-versions, admits ${stats.admitted}; rejections by check: ${perCheck.join(", ")}`,
    );
    if (process.env.PSA_DIFF_REPORT)
      writeFileSync(process.env.PSA_DIFF_REPORT, problems.join("\n"));
    for (const [why, n] of classes) console.log(`  stricter than PSA (${n} findings): ${why}`);
    // Some pods must change verdict with the version (sysctls), or versions are not tested.
    expect(versionSensitive.size, "pods whose PSA verdict depends on the version").toBeGreaterThan(
      0,
    );
    // Every check PSA has must reject some generated pod, or its mapping is never tested.
    // (procMount_restricted exists from 1.35 on: a run of older versions alone cannot see it.)
    const checked = Object.keys(RULES_FOR_CHECK).filter(
      (check) =>
        check !== "procMount_restricted" || versions.some((v) => Number(v.split(".")[1]) >= 35),
    );
    expect(checked.filter((check) => !checks.has(check))).toEqual([]);
    // The generator must give both verdicts often, or agreement proves little.
    expect(stats.admitted, "pod-versions the restricted profile admits").toBeGreaterThan(
      (CASES * versions.length) / 10,
    );
    expect(stats.rejected, "pod-versions the restricted profile rejects").toBeGreaterThan(
      (CASES * versions.length) / 3,
    );
    expect(problems.slice(0, 5).join("\n"), `${problems.length} divergences`).toBe("");
  });
});
