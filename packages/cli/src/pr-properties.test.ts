/**
 * What a pull request changes, as a reviewer reads it, against random pull requests on the
 * compliant Scout repository: pure refactors (rename, move, split, merge, reorder documents and
 * keys, restyle, JSON, a List) mixed with at most one real change (one control weakened, or one
 * finding of the base fixed). The answers of `check --base` and `flows --base` are compared with
 * what each side says on its own, read without git and without the base machinery.
 *
 * SCOUT_PR_RUNS (default 30) and SCOUT_PR_SEED (default fixed) widen the search.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSource } from "@scout-deploy/core";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { minus } from "./test-support/multiset.js";
import { runCli } from "./test-support/run.js";
import { type KeyOrder, type Obj, ordered, yamlDocument } from "./test-support/yaml-text.js";

const fixturePath = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../rules/src/fixtures/compliant/scout.yaml",
);
const RUNS = Number(process.env.SCOUT_PR_RUNS ?? 30);
const SEED = Number(process.env.SCOUT_PR_SEED ?? 20261207);

const compliant: Obj[] = parseSource("scout.yaml", readFileSync(fixturePath, "utf8"))
  .documents.map((d) => d.value as Obj)
  .filter((v) => v !== null);

// ---- the repository: objects, and how they are laid out in files ---------------------------

interface Layout {
  path: string;
  /** Indexes into the objects. */
  objects: number[];
  format: "yaml" | "json" | "list";
  flow: boolean;
  quoteAll: boolean;
  comment: boolean;
  leadingSeparator: boolean;
}

interface Repo {
  objects: Obj[];
  keyOrder: KeyOrder[];
  files: Layout[];
}

function initialRepo(objects: Obj[]): Repo {
  return {
    objects,
    keyOrder: objects.map(() => "as-is"),
    files: objects.map((o, i) => ({
      path: `k8s/${i < compliant.length ? "" : "variant/"}${String(i).padStart(2, "0")}-${String(o.kind).toLowerCase()}-${(o.metadata as Obj).name}.yaml`,
      objects: [i],
      format: "yaml",
      flow: false,
      quoteAll: false,
      comment: false,
      leadingSeparator: false,
    })),
  };
}

function fileText(repo: Repo, file: Layout): string {
  const objects = file.objects.map((i) => ordered(repo.objects[i]!, repo.keyOrder[i]!) as Obj);
  const list = (): Obj => ({ apiVersion: "v1", kind: "List", items: objects });
  if (file.format === "json") {
    const value = objects.length === 1 ? objects[0]! : list();
    return `${JSON.stringify(value, null, file.flow ? 0 : 2)}\n`;
  }
  const documents = file.format === "list" ? [list()] : objects;
  const body = documents.map((d) => `${yamlDocument(d, file).join("\n")}\n`).join("---\n");
  return `${file.comment ? "# part of Scout\n\n" : ""}${file.leadingSeparator ? "---\n" : ""}${body}`;
}

function render(repo: Repo): Record<string, string> {
  return Object.fromEntries(
    repo.files.filter((f) => f.objects.length).map((f) => [pathOf(f), fileText(repo, f)]),
  );
}

function pathOf(file: Layout): string {
  return file.format === "json" ? file.path.replace(/\.ya?ml$/, ".json") : file.path;
}

// ---- pure refactors -------------------------------------------------------------------------

type Refactor =
  | { kind: "rename"; file: number; to: string }
  | { kind: "split"; file: number }
  | { kind: "merge"; file: number; into: number }
  | { kind: "reorder-documents"; file: number }
  | { kind: "reorder-keys"; object: number; order: Repo["keyOrder"][number] }
  | { kind: "restyle"; file: number; what: "flow" | "quoteAll" | "comment" | "leadingSeparator" }
  | { kind: "format"; file: number; format: Layout["format"] };

const refactorArb: fc.Arbitrary<Refactor> = fc.oneof(
  fc.record({
    kind: fc.constant("rename" as const),
    file: fc.nat(),
    to: fc.constantFrom("k8s/moved", "k8s/apps/scout", "k8s/z", "k8s/a/b/c"),
  }),
  fc.record({ kind: fc.constant("split" as const), file: fc.nat() }),
  fc.record({ kind: fc.constant("merge" as const), file: fc.nat(), into: fc.nat() }),
  fc.record({ kind: fc.constant("reorder-documents" as const), file: fc.nat() }),
  fc.record({
    kind: fc.constant("reorder-keys" as const),
    object: fc.nat(),
    order: fc.constantFrom("as-is" as const, "sorted" as const, "reversed" as const),
  }),
  fc.record({
    kind: fc.constant("restyle" as const),
    file: fc.nat(),
    what: fc.constantFrom(
      "flow" as const,
      "quoteAll" as const,
      "comment" as const,
      "leadingSeparator" as const,
    ),
  }),
  fc.record({
    kind: fc.constant("format" as const),
    file: fc.nat(),
    format: fc.constantFrom("yaml" as const, "json" as const, "list" as const),
  }),
);

let renames = 0;

const objectName = (o: Obj) => `${o.kind}/${(o.metadata as Obj).name}`;

/**
 * Whether the file holds an object written twice: which copy it is, is told by its file and its
 * order among the copies in that file (core's evaluate.ts), so moving it to another file
 * changes its identity; only whole-file renames keep it (engine's base.ts).
 */
function holdsCopy(repo: Repo, file: Layout): boolean {
  const names = repo.objects.map(objectName);
  return file.objects.some((i) => names.filter((n) => n === names[i]).length > 1);
}

/** Whether the file holds two copies of one object: reordering it swaps which is which. */
function holdsTwoCopies(repo: Repo, file: Layout): boolean {
  const names = file.objects.map((i) => objectName(repo.objects[i]!));
  return new Set(names).size < names.length;
}

function applyRefactor(repo: Repo, r: Refactor): Repo {
  const files = repo.files.filter((f) => f.objects.length).map((f) => ({ ...f }));
  const at = (n: number) => n % files.length;
  const moves = r.kind === "split" || r.kind === "merge";
  if (moves && holdsCopy(repo, files[at(r.file)]!)) return { ...repo, files };
  const reorders = r.kind === "reorder-documents" || r.kind === "format";
  if (reorders && holdsTwoCopies(repo, files[at(r.file)]!)) return { ...repo, files };
  if (r.kind === "merge" && holdsCopy(repo, files[at(r.into)]!)) return { ...repo, files };
  switch (r.kind) {
    case "rename": {
      const file = files[at(r.file)]!;
      file.path = `${r.to}/r${renames++}-${file.path.split("/").pop()}`;
      break;
    }
    case "split": {
      const file = files[at(r.file)]!;
      if (file.objects.length < 2) break;
      const half = Math.ceil(file.objects.length / 2);
      files.push({
        ...file,
        path: file.path.replace(/(\.ya?ml)$/, `-split$1`),
        objects: file.objects.slice(half),
      });
      file.objects = file.objects.slice(0, half);
      break;
    }
    case "merge": {
      const [from, into] = [files[at(r.file)]!, files[at(r.into)]!];
      if (from === into) break;
      into.objects = [...into.objects, ...from.objects];
      from.objects = [];
      break;
    }
    case "reorder-documents": {
      const file = files[at(r.file)]!;
      file.objects = [...file.objects].reverse();
      break;
    }
    case "reorder-keys": {
      const keyOrder = [...repo.keyOrder];
      keyOrder[r.object % keyOrder.length] = r.order;
      return { ...repo, files, keyOrder };
    }
    case "restyle": {
      const file = files[at(r.file)]!;
      file[r.what] = !file[r.what];
      break;
    }
    case "format":
      files[at(r.file)]!.format = r.format;
      break;
  }
  return { ...repo, files };
}

// ---- real changes: one control weakened ------------------------------------------------------

const clone = <T>(v: T): T => structuredClone(v);
const byName = (objects: Obj[], kind: string, name: string) =>
  objects.findIndex((o) => o.kind === kind && (o.metadata as Obj).name === name);
const podSpec = (o: Obj) => ((o.spec as Obj).template as Obj).spec as Obj;
const firstContainer = (o: Obj) => (podSpec(o).containers as Obj[])[0]!;

interface Weakening {
  name: string;
  /** The object it edits, by kind and name. */
  kind: string;
  object: string;
  edit: (o: Obj) => void;
}

const WORKLOADS: [string, string][] = [
  ["Deployment", "frontend"],
  ["Deployment", "backend"],
  ["Deployment", "nginx"],
  ["StatefulSet", "redis"],
];

const weakenings: Weakening[] = [
  ...WORKLOADS.flatMap(([kind, object]): Weakening[] => [
    {
      name: `${object}: allowPrivilegeEscalation true`,
      kind,
      object,
      edit: (o) => {
        (firstContainer(o).securityContext as Obj).allowPrivilegeEscalation = true;
      },
    },
    {
      name: `${object}: privileged`,
      kind,
      object,
      edit: (o) => {
        (firstContainer(o).securityContext as Obj).privileged = true;
      },
    },
    {
      name: `${object}: writable root filesystem`,
      kind,
      object,
      edit: (o) => {
        (firstContainer(o).securityContext as Obj).readOnlyRootFilesystem = false;
      },
    },
    {
      name: `${object}: runs as root`,
      kind,
      object,
      edit: (o) => {
        const pod = (podSpec(o).securityContext ?? {}) as Obj;
        pod.runAsUser = 0;
        podSpec(o).securityContext = pod;
      },
    },
    {
      name: `${object}: image tag latest`,
      kind,
      object,
      edit: (o) => {
        const c = firstContainer(o);
        c.image = `${String(c.image).split(":")[0]}:latest`;
      },
    },
  ]),
  {
    name: "allow-redis: any pod of the namespace",
    kind: "NetworkPolicy",
    object: "allow-redis",
    edit: (o) => {
      const rule = ((o.spec as Obj).ingress as Obj[])[0]!;
      rule.from = [{ podSelector: {} }];
    },
  },
  {
    name: "allow-redis: another port",
    kind: "NetworkPolicy",
    object: "allow-redis",
    edit: (o) => {
      const rule = ((o.spec as Obj).ingress as Obj[])[0]!;
      (rule.ports as Obj[]).push({ protocol: "TCP", port: 16379 });
    },
  },
  {
    name: "allow-backend: from nginx dropped, from anywhere",
    kind: "NetworkPolicy",
    object: "allow-backend",
    edit: (o) => {
      const rule = ((o.spec as Obj).ingress as Obj[])[0]!;
      rule.from = [...(rule.from as Obj[]), { ipBlock: { cidr: "10.0.0.0/8" } }];
    },
  },
  {
    name: "allow-frontend: egress to anywhere on its port",
    kind: "NetworkPolicy",
    object: "allow-frontend",
    edit: (o) => {
      delete ((o.spec as Obj).egress as Obj[])[0]!.to;
    },
  },
  {
    name: "allow-nginx: every port from anywhere",
    kind: "NetworkPolicy",
    object: "allow-nginx",
    edit: (o) => {
      delete ((o.spec as Obj).ingress as Obj[])[0]!.ports;
    },
  },
  {
    name: "Role: list secrets",
    kind: "Role",
    object: "scout-backend",
    edit: (o) => {
      ((o.rules as Obj[])[1]!.verbs as string[]).push("list");
    },
  },
  {
    name: "Role: wildcard verb",
    kind: "Role",
    object: "scout-backend",
    edit: (o) => {
      (o.rules as Obj[])[0]!.verbs = ["*"];
    },
  },
  {
    name: "Secret: weak api token",
    kind: "Secret",
    object: "scout-secrets",
    edit: (o) => {
      (o.data as Obj)["api-token"] = Buffer.from("password").toString("base64");
    },
  },
];

function weaken(objects: Obj[], w: Weakening): Obj[] {
  const index = byName(objects, w.kind, w.object);
  if (index < 0) throw new Error(`no ${w.kind} ${w.object} in the fixture`);
  const copy = objects.map(clone);
  w.edit(copy[index]!);
  return copy;
}

// ---- running both sides ----------------------------------------------------------------------

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function writeTree(dir: string, files: Record<string, string>) {
  rmSync(join(dir, "k8s"), { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function git(cwd: string, ...args: string[]) {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
    cwd,
    encoding: "utf8",
  });
}

type Finding = {
  ruleId: string;
  message: string;
  file: string;
  line: number;
  path?: string;
  object?: { kind: string; namespace?: string; name: string };
  baseline?: string;
  fingerprint: string;
};

/** What a finding is about, independent of where it is written (a message may name a place). */
const about = (f: Finding) =>
  `${f.ruleId} ${f.object?.kind}/${f.object?.namespace ?? ""}/${f.object?.name} ${f.path ?? ""} ${f.message.replace(/\S+\.(ya?ml|json):\d+(:\d+)?/g, "<place>")}`;

async function checkJson(cwd: string, ...args: string[]) {
  const run = await runCli(["check", "k8s", "--format", "json", ...args], { cwd });
  if (run.code === 2) throw new Error(`check ${args.join(" ")} could not run: ${run.stderr}`);
  return JSON.parse(run.stdout) as {
    findings: Finding[];
    fixed?: Finding[];
    flows?: { opened: FlowChangeJson[]; closed: FlowChangeJson[] };
  };
}

type FlowChangeJson = { from: string; to: string; ends: string[]; endCount: number };

/** `flows` matrix lines: "A => B : TCP 80" as A → B pairs with their connections. */
async function flowPairs(cwd: string): Promise<Map<string, string>> {
  const run = await runCli(["flows", "k8s"], { cwd });
  if (run.code !== 0) throw new Error(`flows could not run: ${run.stderr}`);
  const pairs = new Map<string, string>();
  for (const line of run.stdout.split("\n").filter(Boolean)) {
    const [ends, conns] = line.split(" : ");
    const [from, to] = ends!.split(" => ");
    pairs.set(`${from} → ${to}`, conns ?? "");
  }
  return pairs;
}

interface Pr {
  /** A finding the base carries, or none. */
  preexisting?: number;
  /** Objects written twice (a variant kept in another folder), by index among the objects. */
  copies: number[];
  refactorsBefore: Refactor[];
  change: { kind: "none" } | { kind: "weaken"; weakening: number } | { kind: "fix" };
  refactorsAfter: Refactor[];
}

const prArb: fc.Arbitrary<Pr> = fc
  .record({
    preexisting: fc.option(fc.nat(weakenings.length - 1), { nil: undefined }),
    copies: fc.oneof(
      { weight: 3, arbitrary: fc.constant<number[]>([]) },
      fc.uniqueArray(fc.nat(compliant.length - 1), { maxLength: 3 }),
    ),
    refactorsBefore: fc.array(refactorArb, { maxLength: 12 }),
    change: fc.oneof(
      fc.constant({ kind: "none" as const }),
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant("weaken" as const),
          weakening: fc.nat(weakenings.length - 1),
        }),
      },
      fc.constant({ kind: "fix" as const }),
    ),
    refactorsAfter: fc.array(refactorArb, { maxLength: 12 }),
  })
  .map((pr) => {
    const clean = { ...pr };
    if (clean.preexisting === undefined) delete clean.preexisting;
    return clean;
  });

interface Sides {
  base: Record<string, string>;
  head: Record<string, string>;
  /** The base's objects, and the head's. */
  baseObjects: Obj[];
  headObjects: Obj[];
}

function sidesOf(pr: Pr): Sides {
  renames = 0;
  const original = [...compliant, ...pr.copies.map((i) => compliant[i]!)];
  const baseObjects =
    pr.preexisting === undefined ? original : weaken(original, weakenings[pr.preexisting]!);
  const base = initialRepo(baseObjects);
  let head = pr.refactorsBefore.reduce(applyRefactor, base);
  if (pr.change.kind === "weaken") {
    const w = weakenings[pr.change.weakening]!;
    head = { ...head, objects: weaken(head.objects, w) };
  }
  if (pr.change.kind === "fix" && pr.preexisting !== undefined) {
    const w = weakenings[pr.preexisting]!;
    const index = byName(head.objects, w.kind, w.object);
    const objects = [...head.objects];
    objects[index] = original[index]!;
    head = { ...head, objects };
  }
  head = pr.refactorsAfter.reduce(applyRefactor, head);
  return { base: render(base), head: render(head), baseObjects, headObjects: head.objects };
}

interface Outcome {
  /** What `check --base` said. */
  newFindings: Finding[];
  fixed: Finding[];
  opened: FlowChangeJson[];
  closed: FlowChangeJson[];
  /** What each side says alone. */
  headAlone: Finding[];
  baseAlone: Finding[];
  headFlows: Map<string, string>;
  baseFlows: Map<string, string>;
}

async function runPr(sides: Sides): Promise<Outcome> {
  const root = mkdtempSync(join(tmpdir(), "scout-pr-"));
  roots.push(root);
  const [repo, alone] = [join(root, "repo"), join(root, "base-alone")];
  mkdirSync(repo);
  mkdirSync(alone);
  git(repo, "init", "-q", "-b", "main");
  writeTree(repo, sides.base);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "base");
  writeTree(repo, sides.head);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "--allow-empty", "-m", "head");
  writeTree(alone, sides.base);
  const compared = await checkJson(repo, "--base", "HEAD~1");
  const headAlone = (await checkJson(repo)).findings;
  const baseAlone = (await checkJson(alone)).findings;
  const outcome: Outcome = {
    newFindings: compared.findings.filter((f) => f.baseline === "new"),
    fixed: compared.fixed ?? [],
    opened: compared.flows?.opened ?? [],
    closed: compared.flows?.closed ?? [],
    headAlone,
    baseAlone,
    headFlows: await flowPairs(repo),
    baseFlows: await flowPairs(alone),
  };
  rmSync(root, { recursive: true, force: true });
  return outcome;
}

const RANGE = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/;
const ipNumber = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
const ipText = (n: number) =>
  [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

/** One flow: its ends with an address range made a key and an interval. */
interface Atom {
  key: string;
  lo: number;
  hi: number;
  conns: string;
}

function atomOf(pair: string, conns: string): Atom {
  const [from, to] = pair.split(" → ") as [string, string];
  const [fromRange, toRange] = [RANGE.exec(from), RANGE.exec(to)];
  const range = fromRange ?? toRange;
  if (!range) return { key: pair, lo: 0, hi: 0, conns };
  const key = fromRange ? `* → ${to}` : `${from} → *`;
  return { key, lo: ipNumber(range[1]!), hi: ipNumber(range[2]!), conns };
}

function atomText(key: string, lo: number, hi: number, ranged: boolean): string {
  return ranged ? key.replace("*", `${ipText(lo)}-${ipText(hi)}`) : key;
}

/**
 * The flows the head allows and the base did not, pair by pair, address by address: the
 * matrix cuts address space wherever any policy does, so ranges are compared as intervals.
 */
function openedFlows(base: Map<string, string>, head: Map<string, string>): string[] {
  const atoms = (flows: Map<string, string>) =>
    [...flows].map(([pair, conns]) => atomOf(pair, conns));
  const [baseAtoms, headAtoms] = [atoms(base), atoms(head)];
  const pieces: Atom[] = [];
  for (const key of new Set(headAtoms.map((a) => a.key))) {
    const mine = headAtoms.filter((a) => a.key === key);
    const theirs = baseAtoms.filter((a) => a.key === key);
    const cuts = [...new Set([...mine, ...theirs].flatMap((a) => [a.lo, a.hi + 1]))].sort(
      (a, b) => a - b,
    );
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [lo, hi] = [cuts[i]!, cuts[i + 1]! - 1];
      const inHead = mine.find((a) => a.lo <= lo && hi <= a.hi);
      const inBase = theirs.find((a) => a.lo <= lo && hi <= a.hi);
      if (inHead && !covers(inBase?.conns, inHead.conns)) pieces.push({ key, lo, hi, conns: "" });
    }
  }
  return merged(pieces);
}

/** Adjacent intervals of one key as one, in the ends' text form. */
function merged(pieces: readonly Atom[]): string[] {
  const out: string[] = [];
  const sorted = [...pieces].sort((a, b) =>
    a.key === b.key ? a.lo - b.lo : a.key < b.key ? -1 : 1,
  );
  for (let i = 0; i < sorted.length; i++) {
    const first = sorted[i]!;
    let hi = first.hi;
    while (sorted[i + 1]?.key === first.key && sorted[i + 1]!.lo === hi + 1) hi = sorted[++i]!.hi;
    out.push(atomText(first.key, first.lo, hi, first.key.includes("*")));
  }
  return out.sort();
}

/** Whether the base's connections hold the head's: equal, or every port. */
function covers(base: string | undefined, head: string): boolean {
  if (base === undefined) return false;
  return base === head || base === "All Connections";
}

function changedEnds(changes: FlowChangeJson[]): string[] {
  return merged(changes.flatMap((c) => c.ends.map((end) => atomOf(end, ""))));
}

// ---- the properties -------------------------------------------------------------------------

describe("what a pull request changes, for random pull requests on the compliant repository", () => {
  it("the compliant fixture splits into a base with no finding at all", async () => {
    const sides = sidesOf({
      copies: [],
      refactorsBefore: [],
      change: { kind: "none" },
      refactorsAfter: [],
    });
    const outcome = await runPr(sides);
    expect(outcome.baseAlone.map(about)).toEqual([]);
    expect(outcome.headAlone.map(about)).toEqual([]);
    expect(outcome.baseFlows.size).toBeGreaterThan(3);
  });

  it("reports what each side says on its own: new, fixed, and the flows opened", async () => {
    await fc.assert(
      fc.asyncProperty(prArb, async (pr) => {
        const sides = sidesOf(pr);
        const o = await runPr(sides);
        const headKeys = o.headAlone.map(about);
        const baseKeys = o.baseAlone.map(about);
        const expectedNew = minus(headKeys, baseKeys).sort();
        const expectedFixed = minus(baseKeys, headKeys).sort();
        const refactorOnly =
          pr.change.kind === "none" || (pr.change.kind === "fix" && pr.preexisting === undefined);

        // (1) a pure refactor changes nothing either side would say alone, and the comparison
        // says so too (also (4): a renamed file keeps its findings' identity).
        if (refactorOnly) {
          expect(expectedNew).toEqual([]);
          expect(expectedFixed).toEqual([]);
        }
        expect(o.newFindings.map(about).sort()).toEqual(expectedNew);
        expect(o.fixed.map(about).sort()).toEqual(expectedFixed);
        expect(o.newFindings.some((f) => f.ruleId === "policy/weakened")).toBe(false);

        // (2) a new finding sits where the head alone puts it: same file, same line.
        const placed = new Map(o.headAlone.map((f) => [about(f), `${f.file}:${f.line}`]));
        for (const f of o.newFindings) expect(`${f.file}:${f.line}`).toBe(placed.get(about(f)));
        if (pr.change.kind === "fix" && pr.preexisting !== undefined)
          expect(expectedNew).toEqual([]);
        if (pr.change.kind === "weaken" && pr.preexisting === undefined)
          expect(expectedFixed).toEqual([]);

        // (3) the flows opened and closed are those of `flows` on each side, pair by pair.
        const opened = openedFlows(o.baseFlows, o.headFlows);
        const closed = openedFlows(o.headFlows, o.baseFlows);
        const listedAll = (cs: FlowChangeJson[]) => cs.every((c) => c.ends.length === c.endCount);
        if (listedAll(o.opened)) expect(changedEnds(o.opened)).toEqual(opened);
        if (listedAll(o.closed)) expect(changedEnds(o.closed)).toEqual(closed);
        if (refactorOnly) expect([...o.opened, ...o.closed]).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: false },
    );
  }, 300_000);
});
