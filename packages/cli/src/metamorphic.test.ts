/**
 * Same cluster, same verdict: Scout deployments rendered by the project's own templates from
 * generated configs (namespaces, replicas, Redis auth, external access, monitoring, one relaxed
 * control or none) and the hand-written compliant fixture are rewritten in ways after which
 * `kubectl apply -R -f` sends the same objects, or the cluster does the same thing. `check`'s JSON
 * findings must stay the same: same rules, severities, objects, fields and messages (names a
 * rewrite renamed compared on their old names), each on the same key of the new text. One
 * security-relevant change on top of any such rewrite must add exactly its findings.
 *
 * Each property runs SCOUT_METAMORPH_RUNS cases (default 10; the chains and the changes more),
 * seed SCOUT_METAMORPH_SEED; every case is one in-process `check` per side.
 */
import { findTool } from "@scout-deploy/core/testing";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Base,
  baseArb,
  baseObjects,
  compliantOf,
} from "./test-support/metamorph/deployments.js";
import {
  helmLayout,
  kustomizeLayout,
  type Layout,
  layoutArb,
  plainLayout,
  writeLayout,
} from "./test-support/metamorph/layout.js";
import {
  connections,
  dataplaneOracle,
  refusedObjects,
  validationOracle,
} from "./test-support/metamorph/oracles.js";
import {
  addInertObjects,
  addSecondCopy,
  chained,
  envFromSecret,
  mergePolicies,
  namePorts,
  peersJoined,
  peersWithOwnNamespace,
  portsAsRanges,
  type Rewritten,
  renameComponentLabel,
  renameNamespace,
  renameObjects,
  roleRulesSplit,
  securityContextsMoved,
  selectorsAsExpressions,
  serverDefaults,
  spellDefaults,
  splitPolicy,
  targetPortsDefaulted,
  workloadKindSwapped,
} from "./test-support/metamorph/rewrites.js";
import {
  type Comparison,
  check,
  findingKey,
  type JsonFinding,
  keysOf,
  minus,
  misplaced,
  removeScratch,
  type Verdict,
  WORKLOAD_KIND,
} from "./test-support/metamorph/verdict.js";
import { componentNames, weakenings } from "./test-support/metamorph/weakenings.js";
import type { Obj } from "./test-support/yaml-text.js";

const RUNS = Number(process.env.SCOUT_METAMORPH_RUNS ?? 10);
const SEED = Number(process.env.SCOUT_METAMORPH_SEED ?? 20261207);
const options = { numRuns: RUNS, seed: SEED, endOnFailure: true };

/**
 * SCOUT_METAMORPH_SURVEY=1: a failing case is counted and printed in one line, and the run goes
 * on, to count the mismatches a change causes (a fix undone, a bug planted) instead of stopping
 * at the first.
 */
const SURVEY = process.env.SCOUT_METAMORPH_SURVEY === "1";
let mismatches = 0;
afterAll(() => {
  if (SURVEY) console.log(`metamorphic survey: ${mismatches} mismatching cases`);
});

function surveyed<A extends unknown[]>(
  name: string,
  property: (...args: A) => Promise<unknown>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await property(...args);
    } catch (error) {
      if (!SURVEY) throw error;
      mismatches++;
      const first =
        String(error)
          .split("\n")
          .find((l) => /^\s*[+-] /.test(l)) ?? String(error).slice(0, 200);
      console.log(`MISMATCH ${name}: ${first.trim().slice(0, 240)}`);
    }
  };
}

afterAll(removeScratch);

const plain = (objects: readonly Obj[]) => writeLayout(objects, plainLayout(objects.length));
const policyFile = (settings?: Obj) =>
  settings && Object.keys(settings).length
    ? `policy:\n  settings: ${JSON.stringify(settings)}\n`
    : "";

function shown(v: Verdict): string {
  return v.findings
    .map(
      (f: JsonFinding) =>
        `  ${f.ruleId} ${f.object?.kind}/${f.object?.name} ${f.file}:${f.line} ${f.path}: ${f.message}`,
    )
    .join("\n");
}

const comparisonOf = (r: Rewritten, paths = true): Comparison => ({
  renames: r.renames,
  paths,
  ...(r.coarseKinds?.length ? { coarseKinds: r.coarseKinds } : {}),
  ...(r.workloadKinds ? { workloadKinds: true } : {}),
});

/** The rewritten deployment's findings are the base's, on the base's names and keys. */
async function sameVerdict(base: Base, rewritten: Rewritten, note: string, paths = true) {
  const before = await check(plain(baseObjects(base)));
  const after = await check(plain(rewritten.objects), policyFile(rewritten.settings));
  const how = comparisonOf(rewritten, paths);
  const context = `${note}\nbase ${JSON.stringify(base)}\nbefore:\n${shown(before)}\nafter:\n${shown(after)}`;
  const { renames: _, ...unrenamed } = how;
  expect(keysOf(after, how), context).toEqual(keysOf(before, unrenamed));
  expect(misplaced(before, after, how), context).toEqual([]);
}

// ---- what kubectl reads the same ---------------------------------------------------------------

describe("same cluster, same verdict: rewrites kubectl reads as the same objects", () => {
  const layoutProperty = (formats: boolean, styles: boolean, lists: boolean) =>
    fc.asyncProperty(
      baseArb.chain((base) =>
        fc.tuple(
          fc.constant(base),
          layoutArb(baseObjects(base).length, { formats, styles, lists }),
        ),
      ),
      surveyed("layout", async ([base, layout]: [Base, Layout]) => {
        const objects = baseObjects(base);
        const before = await check(plain(objects));
        const after = await check(writeLayout(objects, layout));
        const context = `base ${JSON.stringify(base)} layout ${JSON.stringify(layout)}\nbefore:\n${shown(before)}\nafter:\n${shown(after)}`;
        expect(keysOf(after), context).toEqual(keysOf(before));
        expect(misplaced(before, after), context).toEqual([]);
      }),
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

// ---- what the cluster does the same ------------------------------------------------------------

interface Rewrite {
  name: string;
  rewrite: (objects: Obj[], pick: number) => Rewritten;
  /** The rewrite moves fields, so findings keep their object but not their path. */
  movesFields?: boolean;
}

const namesOf = (objects: Obj[]) => [
  ...new Set(
    objects
      .filter((o) => o.kind !== "Namespace" && o.kind !== "CustomResourceDefinition")
      .map((o) => String((o.metadata as Obj).name)),
  ),
];

const REWRITES: Rewrite[] = [
  { name: "Scout's namespace renamed everywhere", rewrite: (o) => renameNamespace(o, "ns-q7") },
  {
    name: "the component label renamed in every label and selector, and in componentLabels",
    rewrite: (o) => renameComponentLabel(o, "example.com/tier"),
  },
  {
    name: "the component label renamed to app, the default componentLabels' last fallback",
    rewrite: (o) => ({ ...renameComponentLabel(o, "app"), settings: {} }),
  },
  {
    name: "objects renamed with their references (Services, ServiceAccounts, Secrets, ConfigMaps)",
    rewrite: (o, pick) => {
      const names = namesOf(o);
      return renameObjects(o, names[pick % names.length]!, `renamed-x${pick}`);
    },
  },
  { name: "a CRD and a ConfigMap without credentials added", rewrite: addInertObjects },
  {
    name: "defaults the API server fills in spelled out, or left out; quantities respelled",
    rewrite: (o, pick) => spellDefaults(o, pick % 2 === 0),
  },
  {
    name: "the rest of the API server's defaults spelled out, as kubectl get -o yaml shows them",
    rewrite: serverDefaults,
  },
  { name: "ports named where they resolve to the same number", rewrite: namePorts },
  {
    name: "the backend's secretKeyRef variables read with one envFrom of their Secret",
    rewrite: envFromSecret,
  },
  {
    name: "a policy port written as the range port..endPort of that one port",
    rewrite: portsAsRanges,
  },
  { name: "a Service targetPort left out where it equals port", rewrite: targetPortsDefaulted },
  {
    name: "label selectors written as matchExpressions In [x]",
    rewrite: (o, pick) => selectorsAsExpressions(o, pick % 2 === 0),
  },
  {
    name: "a pod peer of the policy's namespace also selected by kubernetes.io/metadata.name",
    rewrite: peersWithOwnNamespace,
  },
  { name: "pod peers that differ in one label joined as In [a, b]", rewrite: peersJoined },
  {
    name: "one NetworkPolicy split into two with the same union, or two merged into one",
    rewrite: (o, pick) => (pick % 3 === 0 ? mergePolicies(o) : splitPolicy(o, pick)),
  },
  { name: "a Role's rules split into one rule per verb", rewrite: roleRulesSplit },
  {
    name: "one Deployment's pods made by a StatefulSet, DaemonSet or ReplicaSet, or written as a Pod",
    rewrite: workloadKindSwapped,
  },
  {
    name: "run-as and seccomp settings moved between the pod and every container",
    rewrite: (o, pick) => securityContextsMoved(o, pick % 2 === 0),
    movesFields: true,
  },
];

describe("same cluster, same verdict: rewrites after which the cluster does the same", () => {
  for (const { name, rewrite, movesFields } of REWRITES) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(
          baseArb,
          fc.nat(100),
          surveyed(name, (base: Base, pick: number) =>
            sameVerdict(base, rewrite(baseObjects(base), pick), name, !movesFields),
          ),
        ),
        options,
      );
    }, 120_000);
  }

  it("several of them one after the other, then any layout", async () => {
    await fc.assert(
      fc.asyncProperty(
        baseArb,
        fc.array(fc.tuple(fc.nat(REWRITES.length - 1), fc.nat(100)), {
          minLength: 2,
          maxLength: 5,
        }),
        fc.nat(10_000),
        surveyed("chain", async (base: Base, steps: [number, number][], layoutSeed: number) => {
          const chain = steps.map(
            ([r, pick]) =>
              (o: Obj[]) =>
                REWRITES[r]!.rewrite(o, pick),
          );
          const rewritten = chained(baseObjects(base), chain);
          const moves = steps.some(([r]) => REWRITES[r]!.movesFields);
          const names = steps.map(([r, pick]) => `${REWRITES[r]!.name} (${pick})`).join(" > ");
          const layout = anyLayout(rewritten.objects, layoutSeed);
          const before = await check(plain(baseObjects(base)));
          const after = await check(
            writeLayout(rewritten.objects, layout),
            policyFile(rewritten.settings),
          );
          const how = comparisonOf(rewritten, !moves);
          const context = `${names}\nbase ${JSON.stringify(base)}\nbefore:\n${shown(before)}\nafter:\n${shown(after)}`;
          const { renames: _, ...unrenamed } = how;
          expect(keysOf(after, how), context).toEqual(keysOf(before, unrenamed));
        }),
      ),
      { ...options, numRuns: RUNS * 3 },
    );
  }, 300_000);
});

const [validation, dataplane] = [validationOracle(), dataplaneOracle()];
const inCi = process.env.CI === "true";
if (!(validation && dataplane) && !inCi)
  console.warn(
    "metamorphic rewrites' soundness skipped: validation-oracle or netpol-oracle not found (bash scripts/install-validation-oracle.sh; bash scripts/install-netpol-oracle.sh)",
  );

describe.skipIf(!(validation && dataplane) && !inCi)(
  "the rewrites are sound: real Kubernetes code sees no difference",
  () => {
    it("finds the oracles (in CI a missing one is a failure)", () => {
      expect(validation, "validation-oracle is not installed").toBeDefined();
      expect(dataplane, "netpol-oracle is not installed").toBeDefined();
    });

    it("the API server accepts every object it accepted, and the dataplane lets through exactly the same connections", async () => {
      await fc.assert(
        fc.asyncProperty(
          baseArb,
          fc.array(fc.tuple(fc.nat(REWRITES.length - 1), fc.nat(100)), {
            minLength: 1,
            maxLength: 3,
          }),
          async (base, steps) => {
            const objects = baseObjects(base);
            const chain = steps.map(
              ([r, pick]) =>
                (o: Obj[]) =>
                  REWRITES[r]!.rewrite(o, pick),
            );
            const rewritten = chained(objects, chain);
            const names = steps.map(([r, pick]) => `${REWRITES[r]!.name} (${pick})`).join(" > ");
            const sets = [objects, rewritten.objects];
            const [refusedBefore, refusedAfter] = await refusedObjects(validation!, sets);
            expect(refusedAfter, names).toEqual(refusedBefore);
            const verdicts = (lines: string[]) => lines.map((l) => l.split(": ")[1]);
            const [before, after] = await connections(dataplane!, sets);
            expect(verdicts(after!), `${names}\n${after!.join("\n")}`).toEqual(verdicts(before!));
          },
        ),
        { ...options, numRuns: RUNS * 2 },
      );
    }, 300_000);
  },
);

function anyLayout(objects: readonly Obj[], seed: number) {
  const arb = layoutArb(objects.length, { formats: true, styles: true, lists: true });
  return fc.sample(arb, { seed, numRuns: 1 })[0]!;
}

const [kubectl, helmTool] = [findTool("kubectl", "KUBECTL_PATH"), findTool("helm", "HELM_PATH")];
if (!(kubectl && helmTool) && !inCi)
  console.warn(
    "metamorphic Kustomize and Helm property skipped: kubectl or helm not found (run scripts/setup.sh; bash scripts/install-helm.sh)",
  );

describe.skipIf(!(kubectl && helmTool) && !inCi)(
  "same cluster, same verdict: Kustomize and Helm",
  () => {
    it("a Kustomize overlay that sets Scout's namespace on a base without, or a Helm chart that templates it, give the objects' findings", async () => {
      expect(kubectl, "kubectl is not installed").toBeDefined();
      expect(helmTool, "helm is not installed").toBeDefined();
      await fc.assert(
        fc.asyncProperty(
          baseArb,
          fc.boolean(),
          surveyed("kustomize or helm", async (base: Base, helm: boolean) => {
            const objects = baseObjects(base);
            const namespace = String(
              (objects.find((o) => o.kind === "Namespace")!.metadata as Obj).name,
            );
            const before = await check(plain(objects));
            const after = helm
              ? await check(helmLayout(objects, namespace), "", "k8s/chart")
              : await check(kustomizeLayout(objects, namespace), "", "k8s/overlay");
            const context = `${helm ? "helm" : "kustomize"} base ${JSON.stringify(base)}\nbefore:\n${shown(before)}\nafter:\n${shown(after)}`;
            expect(keysOf(after), context).toEqual(keysOf(before));
          }),
        ),
        options,
      );
    }, 120_000);
  },
);

describe("objects that do not touch Scout", () => {
  it("a second compliant Scout in a second namespace, or another app there, with its own isolation", async () => {
    await fc.assert(
      fc.asyncProperty(
        baseArb,
        fc.boolean(),
        fc.boolean(),
        surveyed("second copy", async (base: Base, otherApp: boolean, named: boolean) => {
          const objects = baseObjects(base);
          const namespace = String(
            (objects.find((o) => o.kind === "Namespace")!.metadata as Obj).name,
          );
          const settings = named ? policyFile({ namespace }) : "";
          const before = await check(plain(objects), settings);
          const copy = baseObjects(compliantOf(base));
          const after = addSecondCopy(objects, copy, "elsewhere", otherApp ? "shop" : undefined);
          const verdict = await check(plain(after.objects), settings);
          const context = `base ${JSON.stringify(base)} otherApp ${otherApp} named ${named}\nbefore:\n${shown(before)}\nafter:\n${shown(verdict)}`;
          const added = minus(keysOf(verdict), keysOf(before));
          // With Scout's namespace named, the catalogue's workload/namespace reports each object
          // that sits elsewhere (and rbac/namespace-scoped a RoleBinding there, its own line);
          // nothing else may change.
          const elsewhere =
            /^workload\/namespace \S+ [^/]+\/elsewhere\/|^rbac\/namespace-scoped \S+ RoleBinding\/elsewhere\//;
          expect(
            added.filter((k) => !(named && elsewhere.test(k))),
            context,
          ).toEqual([]);
          expect(minus(keysOf(before), keysOf(verdict)), context).toEqual([]);
        }),
      ),
      options,
    );
  }, 120_000);
});

// ---- one change that matters, on top of any rewrite ---------------------------------------------

/** `rule Kind/name` of each finding, names renamed back. */
const causes = (v: Verdict, how: Comparison) =>
  v.findings.map((f) => {
    const [rule, , object] = findingKey(f, how.renames).split(" ");
    const [kind, , name] = object!.split("/");
    return cause(`${rule} ${kind}/${name}`, how);
  });

/** `rule Kind/name` as the comparison sees it: a restructured kind by kind, workloads as one. */
function cause(expected: string, how: Comparison): string {
  // A weakening's third token, the field, is compared where no rewrite moves it (below).
  const [rule, ref] = expected.split(" ") as [string, string];
  const [kind] = ref.split("/");
  const coarse = how.coarseKinds?.includes(kind!) ? `${rule} ${kind}/*` : `${rule} ${ref}`;
  return how.workloadKinds ? coarse.replace(WORKLOAD_KIND, "Workload") : coarse;
}

describe("one change that matters adds exactly its findings, whatever else is rewritten", () => {
  it("one security field, flow, port, hostPort, token, ClusterRoleBinding or exposed Service", async () => {
    let applied = 0;
    await fc.assert(
      fc.asyncProperty(
        baseArb,
        fc.nat(weakenings.length - 1),
        fc.constantFrom(...componentNames),
        fc.array(fc.tuple(fc.nat(REWRITES.length - 1), fc.nat(100)), { maxLength: 3 }),
        fc.nat(10_000),
        surveyed(
          "weakening",
          async (
            base: Base,
            w: number,
            component: string,
            steps: [number, number][],
            layoutSeed: number,
          ) => {
            const weakened = baseObjects(base);
            const expected = weakenings[w]!.apply(weakened, component);
            if (!expected) return;
            applied++;
            const chain = steps.map(
              ([r, pick]) =>
                (o: Obj[]) =>
                  REWRITES[r]!.rewrite(o, pick),
            );
            const [before, after] = [chained(baseObjects(base), chain), chained(weakened, chain)];
            const settings = policyFile(before.settings);
            const [vb, va] = [
              await check(plain(before.objects), settings),
              await check(
                writeLayout(after.objects, anyLayout(after.objects, layoutSeed)),
                settings,
              ),
            ];
            const names = steps.map(([r, pick]) => `${REWRITES[r]!.name} (${pick})`).join(" > ");
            const context = `${weakenings[w]!.name} on ${component}, rewrites ${names}, base ${JSON.stringify(base)}\nbefore:\n${shown(vb)}\nafter:\n${shown(va)}`;
            const [cb, ca] = [causes(vb, comparisonOf(before)), causes(va, comparisonOf(after))];
            const wanted = expected.map((e) => cause(e, comparisonOf(after)));
            // A rule that already speaks on that object may speak once more (a second field to
            // change) or not (the effective value did not change).
            const alreadyThere = wanted.filter((e) => cb.includes(e));
            const added = minus(ca, cb).filter((k) => !alreadyThere.includes(k));
            expect(added.sort(), context).toEqual(minus(wanted, alreadyThere).sort());
            expect(minus(cb, ca), context).toEqual([]);
          },
        ),
      ),
      { ...options, numRuns: RUNS * 5 },
    );
    expect(applied).toBeGreaterThan(RUNS);
  }, 300_000);

  it("each one alone adds exactly its findings, on the field it edits, and they are new against the base's report", async () => {
    // Every weakening on every component of the fixture and of two rendered variants.
    const bases: Base[] = [
      { kind: "fixture" },
      {
        kind: "rendered",
        variant: {
          namespace: "scout",
          replicas: 1,
          redisAuth: true,
          apiToken: true,
          external: "LoadBalancer",
          monitoring: "prometheus",
        },
      },
      {
        kind: "rendered",
        variant: {
          namespace: "team-a",
          replicas: 2,
          redisAuth: false,
          apiToken: true,
          external: "Ingress",
          monitoring: "serviceMonitor",
        },
      },
    ];
    const reports = await Promise.all(bases.map((base) => check(plain(baseObjects(base)))));
    const wrong: string[] = [];
    let applied = 0;
    for (const weakening of weakenings) {
      for (const [b, component] of bases.flatMap((_, b) =>
        componentNames.map((c) => [b, c] as const),
      )) {
        const objects = baseObjects(bases[b]!);
        const expected = weakening.apply(objects, component);
        if (!expected) continue;
        applied++;
        const verdict = await check(plain(objects), "", "k8s", reports[b]!.report);
        const fresh = verdict.findings.filter((f) => f.baseline === "new");
        const got = fresh.map((f) => `${f.ruleId} ${f.object?.kind}/${f.object?.name} ${f.path}`);
        const unchanged = verdict.findings.length - fresh.length;
        if (
          JSON.stringify(got.sort()) !== JSON.stringify([...expected].sort()) ||
          unchanged !== reports[b]!.findings.length
        )
          wrong.push(
            `${weakening.name} on ${component} (base ${b}): expected ${expected.join(", ")}\n  got ${got.join("\n      ")}${unchanged !== reports[b]!.findings.length ? `\n  and ${unchanged} unchanged of the base's ${reports[b]!.findings.length}` : ""}`,
          );
      }
    }
    expect(wrong, wrong.join("\n")).toEqual([]);
    expect(applied).toBeGreaterThan(weakenings.length * 5);
  }, 900_000);

  it("two changes on two components add what each adds alone", async () => {
    let applied = 0;
    await fc.assert(
      fc.asyncProperty(
        baseArb,
        fc.tuple(fc.nat(weakenings.length - 1), fc.nat(weakenings.length - 1)),
        fc.uniqueArray(fc.constantFrom(...componentNames), { minLength: 2, maxLength: 2 }),
        surveyed(
          "two changes",
          async (base: Base, [w1, w2]: [number, number], [c1, c2]: string[]) => {
            const [one, two, both] = [baseObjects(base), baseObjects(base), baseObjects(base)];
            const first = weakenings[w1]!.apply(one, c1!);
            const second = weakenings[w2]!.apply(two, c2!);
            if (!first || !second) return;
            weakenings[w1]!.apply(both, c1!);
            weakenings[w2]!.apply(both, c2!);
            // Two changes to one object (a ClusterRoleBinding each, one Secret) are not independent.
            if (new Set([...first, ...second]).size < first.length + second.length) return;
            applied++;
            const none = {};
            const [v0, v1, v2, v12] = [
              await check(plain(baseObjects(base))),
              await check(plain(one)),
              await check(plain(two)),
              await check(plain(both)),
            ];
            const [k0, k1, k2, k12] = [v0, v1, v2, v12].map((v) => causes(v, none));
            const context = `${weakenings[w1]!.name} on ${c1} and ${weakenings[w2]!.name} on ${c2}, base ${JSON.stringify(base)}\nboth:\n${shown(v12)}`;
            const alone = [...minus(k1!, k0!), ...minus(k2!, k0!)].sort();
            expect(minus(k12!, k0!).sort(), context).toEqual(alone);
            expect(minus(k0!, k12!), context).toEqual([]);
          },
        ),
      ),
      { ...options, numRuns: RUNS * 2 },
    );
    expect(applied).toBeGreaterThan(RUNS / 3);
  }, 300_000);
});
