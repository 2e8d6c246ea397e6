/**
 * "Every finding lands on the line the user edits", for Kustomize roots and Helm charts,
 * against generated trees of the compliant Scout fixture rendered by the real tools: a compliant
 * tree gives no warning or error; one control weakened at one generated place (a base file, a
 * strategic merge or JSON 6902 patch in any of its forms, an `images:` entry, a generator's
 * literal, a replacement's source, a values key or a template's literal) gives that control's
 * finding once per object it reaches, on the file and line where the weakening was written; and
 * the rule/object pairs are those of checking the tool's output as a plain file. Refactors
 * (files split or reordered, a value restated in a patch, literals moved into values) change no
 * rule/object pair.
 *
 * SCOUT_RENDER_RUNS (default 24) and SCOUT_RENDER_SEED (default fixed) widen the search;
 * SCOUT_RENDER_SURVEY=1 prints every divergent case in one line and goes on (its trees are kept
 * in the temporary folder). kubectl and helm are found on PATH or in ~/go/bin (KUBECTL_PATH,
 * HELM_PATH); under CI=true a missing one fails the test.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findTool } from "@scout-deploy/core/testing";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureDocuments } from "./test-support/render-trees/fixture.js";
import { type Chart, helmSpecArb, writeHelmChart } from "./test-support/render-trees/helm.js";
import {
  type KustomizeSpec,
  kustomizeSpecArb,
  type Tree,
  writeKustomizeTree,
} from "./test-support/render-trees/kustomize.js";
import { runCli } from "./test-support/run.js";

const documentCount = fixtureDocuments().length;
const WORKLOAD_INDEX = { frontend: 0, backend: 1, nginx: 2, prometheus: 3, redis: 4 } as const;
const RUNS = Number(process.env.SCOUT_RENDER_RUNS ?? 24);
const SEED = Number(process.env.SCOUT_RENDER_SEED ?? 20261207);

const kubectl = findTool("kubectl", "KUBECTL_PATH");
const inCi = process.env.CI === "true";
if (!kubectl && !inCi)
  console.warn(
    "Kustomize placement property test skipped: kubectl not found (run scripts/setup.sh; kubectl: https://kubernetes.io/docs/tasks/tools/)",
  );

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  object?: { kind: string; namespace?: string; name: string };
  rendered?: { file: string; line: number; path?: string };
}

const scratch = mkdtempSync(join(tmpdir(), "scout-render-positions-"));
afterAll(() => {
  if (!process.env.SCOUT_RENDER_SURVEY) rmSync(scratch, { recursive: true, force: true });
});
let cases = 0;

function writeTree(tree: Tree): string {
  const dir = join(scratch, `case-${cases++}`);
  for (const [file, text] of Object.entries(tree.files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

async function check(cwd: string, path: string, flags: string[] = []): Promise<Finding[]> {
  const run = await runCli(["check", path, ...flags, "--format", "json"], {
    cwd,
    env: process.env,
  });
  if (run.code === 2) throw new Error(`check ${path} exited 2: ${run.stderr}`);
  return JSON.parse(run.stdout).findings;
}

/** The tool's output checked as a plain file: what the cluster gets, with no relocation. */
async function checkFlat(dir: string, root: string): Promise<Finding[]> {
  const text = execFileSync(kubectl!, ["kustomize", root], { cwd: dir, encoding: "utf8" });
  mkdirSync(join(dir, "flat"), { recursive: true });
  writeFileSync(join(dir, "flat/rendered.yaml"), text);
  return check(dir, "flat/rendered.yaml");
}

const objectKey = (finding: Finding) =>
  finding.object
    ? `${finding.object.kind}/${finding.object.namespace ?? ""}/${finding.object.name}`
    : "(file)";
const pairs = (findings: readonly Finding[]) =>
  findings.map((finding) => `${finding.ruleId} ${objectKey(finding)}`).sort();
const shown = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.ruleId} ${objectKey(f)} at ${f.file}:${f.line}: ${f.message}`);
const gating = (findings: readonly Finding[]) => findings.filter((f) => f.severity !== "info");

function describeTree(tree: Tree, spec: KustomizeSpec): string {
  const texts = Object.entries(tree.files)
    .filter(([file]) => !file.startsWith("base/part-"))
    .map(([file, text]) => `--- ${file}\n${text}`)
    .join("");
  return `spec: ${JSON.stringify(spec.weakening)}\nroot: ${tree.root}\n${texts}`;
}

/**
 * SCOUT_RENDER_SURVEY=1: every failing case is printed in one line and the run goes on, to see
 * every kind of divergence at once rather than the first one.
 */
function surveyed<
  S extends { weakening?: unknown; overlays?: { namePrefix?: string; nameSuffix?: string }[] },
>(property: (spec: S) => Promise<void>): (spec: S) => Promise<void> {
  if (!process.env.SCOUT_RENDER_SURVEY) return property;
  return async (spec) => {
    try {
      await property(spec);
      console.log(`AGREES ${JSON.stringify(spec.weakening)}`);
    } catch (error) {
      const findings = /findings:\n([\s\S]*?)(?:\nexpected|$)/.exec(String(error))?.[1] ?? "";
      console.log(
        `DIVERGENCE case-${cases - 1} ${JSON.stringify(spec.weakening)} ${JSON.stringify(spec.overlays?.map((o) => [o.namePrefix, o.nameSuffix]))}\n  ${findings.split("\n").slice(0, 4).join("\n  ")}\n  ${String(error).split("\n").at(-1)}`,
      );
    }
  };
}

describe.skipIf(!kubectl && !inCi)("Kustomize: every finding on the line the user edits", () => {
  it("finds kubectl (in CI a missing one is a failure)", () => {
    expect(kubectl, "kubectl is not installed: run scripts/setup.sh").toBeDefined();
  });

  it("a compliant tree gives no warning or error, as its rendered output does", async () => {
    await fc.assert(
      fc.asyncProperty(kustomizeSpecArb({ weakened: false }), async (spec) => {
        const tree = writeKustomizeTree(spec);
        const dir = writeTree(tree);
        const findings = await check(dir, tree.root);
        expect(shown(gating(findings)), describeTree(tree, spec)).toEqual([]);
        expect(pairs(findings)).toEqual(pairs(await checkFlat(dir, tree.root)));
      }),
      { numRuns: Math.ceil(RUNS / 3), seed: SEED, endOnFailure: true },
    );
  }, 300_000);

  it("a weakened control's finding lands once per object on the line that weakened it", async () => {
    await fc.assert(
      fc.asyncProperty(
        kustomizeSpecArb({ weakened: true }),
        surveyed(async (spec) => {
          const tree = writeKustomizeTree(spec);
          const dir = writeTree(tree);
          const findings = await check(dir, tree.root);
          const flat = await checkFlat(dir, tree.root);
          const context = `${describeTree(tree, spec)}\nfindings:\n${shown(findings).join("\n")}`;
          expect(pairs(findings), context).toEqual(pairs(flat));
          const gated = gating(findings);
          expect(gated.length, context).toBeGreaterThan(0);
          for (const finding of gated) {
            const at = tree.expected.some(
              (place) => finding.file === place.file && finding.line === place.line,
            );
            expect(at, `${context}\nexpected at ${JSON.stringify(tree.expected)}`).toBe(true);
          }
          if (tree.affected > 0) {
            const objects = new Set(gated.map(objectKey));
            expect(objects.size, context).toBe(tree.affected);
          }
          const perRuleObject = pairs(gated);
          expect(new Set(perRuleObject).size, context).toBe(perRuleObject.length);
        }),
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 300_000);

  it("refactors (files split, merged, reordered; a base value restated in a patch) keep every rule/object pair", async () => {
    const refactor = fc.record({
      grouping: fc.array(fc.nat(5), { minLength: documentCount, maxLength: documentCount }),
      order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
      restatedInPatch: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(kustomizeSpecArb({ weakened: true }), refactor, async (spec, change) => {
        const before = writeKustomizeTree(spec);
        const after = writeKustomizeTree({ ...spec, ...change });
        const findings = await check(writeTree(before), before.root);
        const refactored = await check(writeTree(after), after.root);
        expect(pairs(refactored), describeTree(after, spec)).toEqual(pairs(findings));
      }),
      { numRuns: Math.ceil(RUNS / 3), seed: SEED, endOnFailure: true },
    );
  }, 300_000);
});

const helm = findTool("helm", "HELM_PATH");
if (!helm && !inCi)
  console.warn(
    "Helm placement property test skipped: helm not found (run scripts/install-helm.sh or set HELM_PATH)",
  );

describe.skipIf(!helm && !inCi)("Helm: every finding on the values key or template line", () => {
  it("finds helm (in CI a missing one is a failure)", () => {
    expect(helm, "helm is not installed: run scripts/install-helm.sh").toBeDefined();
  });

  async function checkChart(chart: Chart) {
    const dir = writeTree({ files: chart.files, root: "chart", expected: [], affected: 0 });
    const findings = await check(dir, "chart", chart.flags);
    const text = execFileSync(helm!, ["template", "release-name", "chart", ...chart.flags], {
      cwd: dir,
      encoding: "utf8",
    });
    writeFileSync(join(dir, "rendered.yaml"), text);
    const flat = await check(dir, "rendered.yaml");
    const context = `${JSON.stringify(chart.flags)}\n${Object.entries(chart.files)
      .filter(([file]) => !file.endsWith("others.yaml"))
      .map(([file, text]) => `--- ${file}\n${text}`)
      .join("")}\nfindings:\n${shown(findings).join("\n")}`;
    expect(pairs(findings), context).toEqual(pairs(flat));
    return { findings, context };
  }

  it("a compliant chart gives no warning or error", async () => {
    await fc.assert(
      fc.asyncProperty(helmSpecArb({ weakened: false }), async (spec) => {
        const { findings, context } = await checkChart(writeHelmChart(spec));
        expect(shown(gating(findings)), context).toEqual([]);
      }),
      { numRuns: Math.ceil(RUNS / 6), seed: SEED, endOnFailure: true },
    );
  }, 300_000);

  it("a weakened value lands on the values key that decided it, or the template's literal", async () => {
    await fc.assert(
      fc.asyncProperty(
        helmSpecArb({ weakened: true }),
        surveyed(async (spec) => {
          const chart = writeHelmChart(spec);
          const { findings, context } = await checkChart(chart);
          // A pod on the node's network is out of reach of the policies' pod selectors: the
          // flows to it that Scout needs break, reported on the policies that meant them.
          const consequence = (f: Finding) =>
            spec.weakening?.kind === "host-network" &&
            f.ruleId === "network/allowed-flows" &&
            f.object?.kind === "NetworkPolicy";
          const gated = gating(findings).filter((f) => !consequence(f));
          const where = `${context}\nexpected at ${JSON.stringify(chart.expected)}`;
          expect(gated.length, where).toBeGreaterThan(0);
          for (const finding of gated) {
            const at = chart.expected.some(
              (place) => finding.file === place.file && finding.line === place.line,
            );
            expect(at, where).toBe(true);
          }
          expect(new Set(gated.map(objectKey)).size, where).toBe(chart.affected);
        }),
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 300_000);

  it("refactors (literals moved into values, a restating values file, a range for literal Services) keep every rule/object pair", async () => {
    const refactor = fc.record({
      imageFromValues: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      servicesByRange: fc.boolean(),
      hostNetworkIf: fc.boolean(),
      extraValuesFile: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(helmSpecArb({ weakened: true }), refactor, async (spec, change) => {
        const weak = spec.weakening;
        // What the weakening is written in stays; the rest is written another way.
        const kept = {
          imageFromValues: change.imageFromValues.map((fromValues, index) =>
            weak?.kind === "image-tag" && index === WORKLOAD_INDEX[weak.workload]
              ? true
              : fromValues,
          ),
          servicesByRange: weak?.kind === "service-type" ? true : change.servicesByRange,
          hostNetworkIf: weak?.kind === "host-network" ? true : change.hostNetworkIf,
          extraValuesFile:
            weak && "source" in weak && weak.source === "file" ? true : change.extraValuesFile,
        };
        const before = await checkChart(writeHelmChart(spec));
        const after = await checkChart(writeHelmChart({ ...spec, ...kept }));
        expect(pairs(after.findings), after.context).toEqual(pairs(before.findings));
      }),
      { numRuns: Math.ceil(RUNS / 3), seed: SEED, endOnFailure: true },
    );
  }, 300_000);
});
