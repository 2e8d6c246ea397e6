/**
 * Same cluster, same verdict: Scout deployments rendered by the project's own templates from
 * generated configs (and the hand-written compliant fixture) are rewritten in ways after which
 * `kubectl apply -R -f` sends the same objects, or the cluster does the same thing, and `check`'s
 * JSON findings must stay the same: same rules, severities, objects, fields and messages (names
 * a rewrite renamed compared on their old names), positions on the same keys of the new text.
 * Then one security-relevant change on top of any such rewrite must add exactly its findings.
 *
 * SCOUT_METAMORPH_RUNS (default 12 per property) and SCOUT_METAMORPH_SEED widen the search.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { type Base, baseArb, baseObjects } from "./test-support/metamorph/deployments.js";
import { componentNames, weakenings } from "./test-support/metamorph/weakenings.js";
import { layoutArb, plainLayout, writeLayout } from "./test-support/metamorph/layout.js";
import {
  addInertObjects,
  mergePolicies,
  namePorts,
  type Rewritten,
  renameComponentLabel,
  renameNamespace,
  renameObjects,
  selectorsAsExpressions,
  spellDefaults,
  splitPolicy,
} from "./test-support/metamorph/rewrites.js";
import {
  check,
  findingKey,
  type JsonFinding,
  keysOf,
  misplaced,
  minus,
  removeScratch,
  type Renames,
  type Verdict,
} from "./test-support/metamorph/verdict.js";
import type { Obj } from "./test-support/yaml-text.js";

const RUNS = Number(process.env.SCOUT_METAMORPH_RUNS ?? 12);
const SEED = Number(process.env.SCOUT_METAMORPH_SEED ?? 20261207);
const options = { numRuns: RUNS, seed: SEED, endOnFailure: true };

afterAll(removeScratch);

const plain = (objects: readonly Obj[]) => writeLayout(objects, plainLayout(objects.length));
const policyFile = (settings?: Obj) =>
  settings ? `policy:\n  settings: ${JSON.stringify(settings)}\n` : "";

function shown(v: Verdict): string {
  return v.findings
    .map((f: JsonFinding) => `  ${f.ruleId} ${f.object?.kind}/${f.object?.name} ${f.file}:${f.line} ${f.path}: ${f.message}`)
    .join("\n");
}

/** The rewritten deployment's findings are the base's, on the base's names. */
async function sameVerdict(base: Base, rewrite: (objects: Obj[]) => Rewritten) {
  const objects = baseObjects(base);
  const before = await check(plain(objects));
  const after = rewrite(objects);
  const verdict = await check(plain(after.objects), policyFile(after.settings));
  const context = `base ${JSON.stringify(base)}\nbefore:\n${shown(before)}\nafter:\n${shown(verdict)}`;
  expect(keysOf(verdict, after.renames), context).toEqual(keysOf(before));
  expect(misplaced(before, verdict, after.renames), context).toEqual([]);
  return { before, after: verdict };
}

describe("same cluster, same verdict: rewrites kubectl reads as the same objects", () => {
  const layoutProperty = (formats: boolean, styles: boolean, lists: boolean) =>
    fc.asyncProperty(
      baseArb.chain((base) =>
        fc.tuple(fc.constant(base), layoutArb(baseObjects(base).length, { formats, styles, lists })),
      ),
      async ([base, layout]) => {
        const objects = baseObjects(base);
        const before = await check(plain(objects));
        const after = await check(writeLayout(objects, layout));
        const context = `base ${JSON.stringify(base)} layout ${JSON.stringify(layout)}\nbefore:\n${shown(before)}\nafter:\n${shown(after)}`;
        expect(keysOf(after), context).toEqual(keysOf(before));
        expect(misplaced(before, after), context).toEqual([]);
      },
    );

  it("objects, files and keys reordered; split into many files or joined into one; hidden files and folders; files kubectl does not read", async () => {
    await fc.assert(layoutProperty(false, false, false), options);
  }, 120_000);

  it("documents as JSON, flow-style YAML, anchors, aliases and merge keys, YAML 1.1 spellings", async () => {
    await fc.assert(layoutProperty(true, true, false), options);
  }, 120_000);

  it("objects wrapped in a List, v1/List or any *List", async () => {
    await fc.assert(layoutProperty(false, false, true), options);
  }, 120_000);
});

describe("same cluster, same verdict: rewrites after which the cluster does the same", () => {
  const property = (rewrite: (objects: Obj[], pick: number) => Rewritten) =>
    fc.asyncProperty(baseArb, fc.nat(100), (base, pick) =>
      sameVerdict(base, (objects) => rewrite(objects, pick)).then(() => undefined),
    );

  it("Scout's namespace renamed everywhere", async () => {
    await fc.assert(property((objects) => renameNamespace(objects, "ns-q7")), options);
  }, 120_000);

  it("the component label renamed in every label and selector, and in componentLabels", async () => {
    await fc.assert(property((objects) => renameComponentLabel(objects, "example.com/tier")), options);
  }, 120_000);

  it("objects renamed with their references (Services, ServiceAccounts, Secrets, ConfigMaps)", async () => {
    await fc.assert(
      property((objects, pick) => {
        const names = [...new Set(objects.filter((o) => o.kind !== "Namespace").map((o) => String((o.metadata as Obj).name)))];
        const name = names[pick % names.length]!;
        return renameObjects(objects, name, `renamed-x${pick}`);
      }),
      options,
    );
  }, 120_000);

  it("a CRD and a ConfigMap without credentials added", async () => {
    await fc.assert(property((objects) => addInertObjects(objects)), options);
  }, 120_000);

  it("defaults the API server fills in spelled out, or left out; quantities respelled", async () => {
    await fc.assert(property((objects, pick) => spellDefaults(objects, pick % 2 === 0)), options);
  }, 120_000);

  it("ports named where they resolve to the same number", async () => {
    await fc.assert(property((objects) => namePorts(objects)), options);
  }, 120_000);

  it("label selectors written as matchExpressions In [x]", async () => {
    await fc.assert(property((objects, pick) => selectorsAsExpressions(objects, pick % 2 === 0)), options);
  }, 120_000);
});

/** Findings on NetworkPolicies by rule and count only: a split or merged policy has no old name. */
function coarse(keys: string[]): string[] {
  return keys.map((k) => (/ NetworkPolicy\//.test(k) ? k.split(" ").slice(0, 3).join(" ") : k));
}

describe("same cluster, same verdict: NetworkPolicies restructured", () => {
  it("one policy split into two with the same union, or two merged into one", async () => {
    await fc.assert(
      fc.asyncProperty(baseArb, fc.nat(100), fc.boolean(), async (base, pick, split) => {
        const objects = baseObjects(base);
        const before = await check(plain(objects));
        const after = split ? splitPolicy(objects, pick) : mergePolicies(objects);
        const verdict = await check(plain(after.objects));
        expect(coarse(keysOf(verdict)), `${JSON.stringify(base)}\n${shown(before)}\n---\n${shown(verdict)}`).toEqual(
          coarse(keysOf(before)),
        );
      }),
      options,
    );
  }, 120_000);
});

// ---- one change that matters, on top of any rewrite ---------------------------------------------

const REWRITES: { name: string; rewrite: (objects: Obj[]) => Rewritten }[] = [
  { name: "none", rewrite: (objects) => ({ objects, renames: new Map() }) },
  { name: "namespace renamed", rewrite: (objects) => renameNamespace(objects, "ns-q7") },
  { name: "component label renamed", rewrite: (objects) => renameComponentLabel(objects, "example.com/tier") },
  { name: "inert objects added", rewrite: addInertObjects },
  { name: "defaults spelled", rewrite: (objects) => spellDefaults(objects, true) },
  { name: "defaults left out", rewrite: (objects) => spellDefaults(objects, false) },
  { name: "ports named", rewrite: namePorts },
  { name: "selectors as expressions", rewrite: (objects) => selectorsAsExpressions(objects, true) },
];

/** `rule Kind/name` of each finding, names renamed back. */
const causes = (v: Verdict, renames: Renames) =>
  v.findings.map((f) => {
    const [rule, , object] = findingKey(f, renames).split(" ");
    const [kind, , name] = object!.split("/");
    return `${rule} ${kind}/${name}`;
  });

describe("one change that matters adds exactly its findings, whatever else is rewritten", () => {
  it("one security field, flow, port, hostPort, token, ClusterRoleBinding or exposed Service", async () => {
    let applied = 0;
    await fc.assert(
      fc.asyncProperty(
        baseArb,
        fc.nat(weakenings.length - 1),
        fc.constantFrom(...componentNames),
        fc.nat(REWRITES.length - 1),
        fc.nat(10_000),
        async (base, w, component, r, layoutSeed) => {
          const objects = baseObjects(base);
          const weakened = baseObjects(base);
          const expected = weakenings[w]!.apply(weakened, component);
          if (!expected) return;
          applied++;
          const { rewrite, name } = REWRITES[r]!;
          const [before, after] = [rewrite(objects), rewrite(weakened)];
          const layout = (o: Obj[]) =>
            fc.sample(layoutArb(o.length, { formats: true, styles: true, lists: true }), {
              seed: layoutSeed,
              numRuns: 1,
            })[0]!;
          const settings = policyFile(before.settings);
          const [vb, va] = [
            await check(plain(before.objects), settings),
            await check(writeLayout(after.objects, layout(after.objects)), settings),
          ];
          const context = `${weakenings[w]!.name} on ${component}, rewrite ${name}, base ${JSON.stringify(base)}\nbefore:\n${shown(vb)}\nafter:\n${shown(va)}`;
          const [cb, ca] = [causes(vb, before.renames), causes(va, after.renames)];
          const alreadyThere = expected.filter((e) => cb.includes(e));
          expect(minus(ca, cb).sort(), context).toEqual(minus(expected, alreadyThere).sort());
          expect(minus(cb, ca), context).toEqual([]);
        },
      ),
      { ...options, numRuns: RUNS * 4 },
    );
    expect(applied).toBeGreaterThan(RUNS);
  }, 300_000);
});
