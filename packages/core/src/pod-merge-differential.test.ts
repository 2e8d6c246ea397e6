import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { podTemplatesOf } from "./k8s.js";
import { isRecord } from "./pointer.js";
import { parseSource } from "./source.js";
import { askJsonLines, findTool } from "./testing/index.js";

/**
 * The pods core assembles where a controller merges (a Tekton step over its stepTemplate, an
 * Argo podSpecPatch over the pod) against the real strategic merge patch of k8s.io/apimachinery,
 * the function both controllers call (scripts/merge-oracle).
 */
const binary = findTool("merge-oracle", "MERGE_ORACLE_PATH");
const inCi = Boolean(process.env.CI);
const CASES = 400;
const SEED = 20261207;

type Json = Record<string, unknown>;

/** mulberry32: the same cases every run. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const maybe = <T>(make: () => T): T | undefined => (next() < 0.5 ? make() : undefined);
  const some = <T>(make: () => T): T[] => Array.from({ length: Math.floor(next() * 3) }, make);
  return { pick, maybe, some };
}

type Random = ReturnType<typeof random>;

/** Drops undefined fields, as a manifest that does not write them. */
function defined(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function uniqueBy<T>(items: T[], key: (item: T) => unknown): T[] {
  const seen = new Set<unknown>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)));
}

function securityContext(r: Random): Json {
  return defined({
    privileged: r.maybe(() => r.pick([true, false])),
    runAsUser: r.maybe(() => r.pick([0, 1000])),
    runAsNonRoot: r.maybe(() => r.pick([true, false])),
    readOnlyRootFilesystem: r.maybe(() => r.pick([true, false])),
    allowPrivilegeEscalation: r.maybe(() => r.pick([true, false])),
    capabilities: r.maybe(() =>
      defined({
        add: r.maybe(() => [r.pick(["NET_ADMIN", "SYS_ADMIN"])]),
        drop: r.maybe(() => [r.pick(["ALL", "NET_RAW"])]),
      }),
    ),
  });
}

function podSecurityContext(r: Random): Json {
  return defined({
    runAsUser: r.maybe(() => r.pick([0, 1000])),
    runAsNonRoot: r.maybe(() => r.pick([true, false])),
    seccompProfile: r.maybe(() => ({ type: r.pick(["RuntimeDefault", "Unconfined"]) })),
  });
}

function container(r: Random): Json {
  return defined({
    image: r.maybe(() => r.pick(["alpine:3.19", "busybox:1.36"])),
    args: r.maybe(() => [r.pick(["run", "serve"])]),
    securityContext: r.maybe(() => securityContext(r)),
    env: r.maybe(() =>
      uniqueBy(
        r.some(() =>
          defined({ name: r.pick(["A", "B"]), value: r.maybe(() => r.pick(["1", "2"])) }),
        ),
        (e) => e.name,
      ),
    ),
    volumeMounts: r.maybe(() =>
      uniqueBy(
        r.some(() =>
          defined({
            name: r.pick(["v1", "v2"]),
            mountPath: r.pick(["/a", "/b"]),
            // Go omits a false readOnly (a plain bool): false and unset are one value.
            readOnly: r.maybe(() => true),
          }),
        ),
        (m) => m.mountPath,
      ),
    ),
    resources: r.maybe(() => ({ limits: { cpu: r.pick(["1", "2"]) } })),
  });
}

function volume(r: Random): Json {
  return r.pick([
    { name: "v1", emptyDir: {} },
    { name: "v2", hostPath: { path: "/" } },
    { name: "v1", hostPath: { path: "/etc" } },
  ]);
}

/** Lists a strategic merge patch merges by key, compared as sets: their order is no security fact. */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  volumes: "name",
  env: "name",
  volumeMounts: "mountPath",
};

/** As Go encodes a decoded object: no nulls, no empty lists or maps; keys sorted, keyed lists by key. */
function normal(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => normal(item)).filter((item) => item !== undefined);
    const by = MERGE_KEYS[key];
    if (by)
      items.sort((a, b) =>
        String(isRecord(a) && a[by]).localeCompare(String(isRecord(b) && b[by])),
      );
    return items.length > 0 ? items : undefined;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, normal(v, k)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value ?? undefined;
}

function podsOf(object: Json) {
  const bundle = buildBundle([parseSource("case.json", JSON.stringify(object))]);
  return podTemplatesOf(bundle.objects[0]!);
}

interface MergeCase {
  id: string;
  kind: "Container" | "PodSpec";
  base: Json;
  patches: Json[];
  ours: unknown;
}

/** A Tekton Task with one step over a stepTemplate: the step's container as core merges it. */
function tektonCase(r: Random, id: string): MergeCase {
  const template = container(r);
  const step = { name: "s", ...container(r) };
  const tekton = (c: Json) => {
    const { resources, ...rest } = c;
    return defined({ ...rest, computeResources: resources });
  };
  const task = {
    apiVersion: "tekton.dev/v1",
    kind: "Task",
    metadata: { name: "t" },
    spec: { stepTemplate: tekton(template), steps: [tekton(step)] },
  };
  const ours = (podsOf(task)[0]?.spec.containers as unknown[] | undefined)?.[0];
  return { id, kind: "Container", base: template, patches: [step], ours };
}

const POD_FIELDS = ["containers", "volumes", "securityContext", "hostNetwork", "hostPID"];

/** The pod fields compared; Go omits a false hostNetwork or hostPID (plain bools): one value. */
function podFields(spec: Json | undefined): Json {
  return Object.fromEntries(
    POD_FIELDS.map((field) => [field, spec?.[field] === false ? undefined : spec?.[field]]),
  );
}

/** An Argo template's pod with the workflow's and the template's podSpecPatch laid over it. */
function argoCase(r: Random, id: string): MergeCase {
  const patch = (): Json =>
    defined({
      containers: r.maybe(() =>
        uniqueBy(
          r.some(() => ({ name: r.pick(["main", "side", "extra"]), ...container(r) })),
          (c) => c.name,
        ),
      ),
      volumes: r.maybe(() =>
        uniqueBy(
          r.some(() => volume(r)),
          (v) => v.name,
        ),
      ),
      securityContext: r.maybe(() => podSecurityContext(r)),
      hostPID: r.maybe(() => r.pick([true, false])),
      hostNetwork: r.maybe(() => r.pick([true, false])),
    });
  const template = defined({
    name: "t",
    container: container(r),
    sidecars: r.maybe(() => [{ name: "side", ...container(r) }]),
    volumes: r.maybe(() =>
      uniqueBy(
        r.some(() => volume(r)),
        (v) => v.name,
      ),
    ),
    securityContext: r.maybe(() => podSecurityContext(r)),
  });
  const patches = [patch(), patch()];
  const workflow = (withPatches: boolean) => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { name: "w" },
    spec: defined({
      podSpecPatch: withPatches ? JSON.stringify(patches[0]) : undefined,
      templates: [
        defined({
          ...template,
          podSpecPatch: withPatches ? JSON.stringify(patches[1]) : undefined,
        }),
      ],
    }),
  });
  const base = podFields(podsOf(workflow(false))[0]?.spec);
  const ours = podFields(podsOf(workflow(true))[0]?.spec);
  return { id, kind: "PodSpec", base: normal(base) as Json, patches, ours };
}

describe.skipIf(!binary && !inCi)(
  "pods merged as the controllers merge them (strategic merge patch)",
  () => {
    it("finds merge-oracle (in CI a missing binary is a failure)", () => {
      expect(
        binary,
        "merge-oracle is not installed: run scripts/install-merge-oracle.sh",
      ).toBeDefined();
    });

    it(`agrees on ${CASES} Tekton steps over a stepTemplate and ${CASES} Argo pods under two podSpecPatches (seed ${SEED})`, async () => {
      const r = random(SEED);
      const cases = [
        ...Array.from({ length: CASES }, (_, i) => tektonCase(r, `tekton-${i}`)),
        ...Array.from({ length: CASES }, (_, i) => argoCase(r, `argo-${i}`)),
      ];
      const answers = await askJsonLines<{ id: string; merged?: Json; error?: string }>(
        binary!,
        cases.map(({ ours: _, ...request }) => request),
      );
      const mismatches = cases.flatMap((c, i) => {
        const answer = answers[i]!;
        expect(answer.error, c.id).toBeUndefined();
        const theirs = c.kind === "PodSpec" ? podFields(answer.merged) : answer.merged;
        const same = JSON.stringify(normal(c.ours)) === JSON.stringify(normal(theirs));
        return same
          ? []
          : [
              {
                id: c.id,
                base: c.base,
                patches: c.patches,
                ours: normal(c.ours),
                theirs: normal(theirs),
              },
            ];
      });
      expect({ count: mismatches.length, first: mismatches.slice(0, 2) }).toEqual({
        count: 0,
        first: [],
      });
    });
  },
);
