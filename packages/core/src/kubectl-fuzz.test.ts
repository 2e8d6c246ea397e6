import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { jsonKeyOf, resolvePlain } from "./goyaml/scalar.js";
import { getAtPointer, joinPointer } from "./pointer.js";
import { parseSource } from "./source.js";
import { compareFile, type Difference, readOurs } from "./test-support/kubectl/compare.js";
import { fuzzCorpus } from "./test-support/kubectl/fuzz.js";
import type { GeneratedFile } from "./test-support/kubectl/generate.js";
import { explain } from "./test-support/kubectl/known-differences.js";
import { findKubectl } from "./test-support/kubectl/oracle.js";
import { createRandom } from "./test-support/kubectl/random.js";
import { readWithOracle } from "./test-support/kubectl/run.js";

/**
 * A generative differential test of reading: random trees under Kubernetes skeletons, written
 * with every YAML feature kubectl's reader gives meaning to (test-support/kubectl/fuzz.ts), read
 * by kubectl (`kubectl annotate --local -f DIR -o json`, what `kubectl apply` would send) and by
 * us. The objects must be equal, and a file kubectl refuses must get an error from us.
 * FUZZ_SEEDS=1,2,3 and FUZZ_FILES=n explore other corpora; the fixed seeds below run in CI.
 */
const SEEDS = (process.env.FUZZ_SEEDS ?? "101,202,303").split(",").map(Number);
const FILES = Number(process.env.FUZZ_FILES ?? 150);
const kubectl = findKubectl();
const NO_KUBECTL = "kubectl is not installed: the generative reading test needs it as its oracle";

describe("reading generated YAML exactly as kubectl does", () => {
  it.runIf(!kubectl && process.env.CI === "true")("has kubectl in CI", () => {
    expect.fail(NO_KUBECTL);
  });

  it.skipIf(!kubectl).each(SEEDS)(
    "gives rules the objects kubectl sends, and refuses what it refuses (seed %i)",
    async (seed) => {
      const files = fuzzCorpus(createRandom(seed), FILES);
      const theirs = await readWithOracle(kubectl!, files);
      const differences = files.flatMap((file) =>
        compareFile(file, readOurs(file), theirs.get(file.name)!),
      );
      const unexplained = differences.filter(
        (d) => !explain(d) && !isCollision(d, files) && !isUnreadCollision(d, files),
      );
      const objects = [...theirs.values()].reduce((sum, f) => sum + f.objects.length, 0);
      const refused = [...theirs.values()].filter((f) => f.errors.length > 0).length;
      console.log(
        `kubectl fuzz, seed ${seed}: ${files.length} files, ${objects} objects sent, ` +
          `${refused} files refused by ${kubectl!.name}; ${unexplained.length} unexplained differences`,
      );
      if (process.env.KUBECTL_FUZZ_REPORT) {
        const report = unexplained.map((d) => ({
          ...d,
          text: files.find((f) => f.name === d.file)!.text,
        }));
        writeFileSync(
          `${process.env.KUBECTL_FUZZ_REPORT}.${seed}.json`,
          JSON.stringify(report, null, 2),
        );
        const refusals = [...theirs].flatMap(([name, f]) => f.errors.map((e) => ({ name, e })));
        writeFileSync(
          `${process.env.KUBECTL_FUZZ_REPORT}.${seed}.refusals.json`,
          JSON.stringify(refusals),
        );
      }
      expect(unexplained.length, describeAll(unexplained, files)).toBe(0);
    },
    120_000,
  );
});

describe("positions in generated YAML", () => {
  it("places every field of a mapping on the key that set it: its own, an anchor's or a merge source's", () => {
    const files = fuzzCorpus(createRandom(SEEDS[0]!), FILES);
    let checked = 0;
    const misplaced: string[] = [];
    for (const file of files.filter((f) => f.name.endsWith(".yaml"))) {
      const bundle = buildBundle([parseSource(file.name, file.text)]);
      if (bundle.problems.some((p) => p.ruleId === "input/duplicate-key")) continue;
      for (const object of bundle.objects) {
        const text = object.document.file.text;
        for (const [pointer, key] of memberPointers(object.value, object.pointer)) {
          // a list item's kind and apiVersion may come from the list, written nowhere
          if (getAtPointer(object.document.value, pointer) === undefined) continue;
          const { line, column } = object.document.locate(pointer);
          const lineText = text.split(/\r\n|\r|\n/)[line - 1] ?? "";
          const written = keyAt(lineText.slice(column - 1));
          if (written === undefined) continue;
          checked++;
          if (written !== key)
            misplaced.push(`${file.name} ${pointer} at ${line}:${column} is on key "${written}"`);
        }
      }
    }
    console.log(`kubectl fuzz, positions: ${checked} fields located on the key that set them`);
    expect(checked).toBeGreaterThan(500);
    expect(misplaced.slice(0, 10).join("\n")).toBe("");
  });
});

/** Every member of every mapping, as [pointer, key], up to a bound. */
function memberPointers(
  value: unknown,
  base: string,
  out: [string, string][] = [],
): [string, string][] {
  if (out.length > 400 || typeof value !== "object" || value === null) return out;
  const entries = Array.isArray(value)
    ? value.map((item, i) => [String(i), item] as const)
    : Object.entries(value);
  for (const [key, child] of entries) {
    const pointer = joinPointer(base, key);
    if (!Array.isArray(value)) out.push([pointer, key]);
    memberPointers(child, pointer, out);
  }
  return out;
}

/**
 * The JSON key written at the start of `text`, where it is a plain or simply quoted scalar
 * followed by ':' (tagged, aliased and escaped keys are left out: undefined).
 */
function keyAt(text: string): string | undefined {
  const explicit = text.startsWith("? ") ? text.slice(2) : text;
  const match =
    /^("[^"\\]*"|'(?:[^']|'')*'|[^\s"'!&*?{}[\],#][^\t:,{}[\]]*?)[ \t]*:(?:[ \t]|$)/.exec(explicit);
  if (!match) return undefined;
  const token = match[1]!;
  if (token.startsWith('"')) return token.slice(1, -1);
  if (token.startsWith("'")) return token.slice(1, -1).replaceAll("''", "'");
  return jsonKeyOf(resolvePlain(token));
}

if (!kubectl && process.env.CI !== "true") console.warn(`kubectl fuzz test skipped: ${NO_KUBECTL}`);

/**
 * Keys that become one JSON key (y and "true") leave kubectl with either value, by Go's map
 * order; we report the collision, naming the key. A difference at that key is that collision.
 */
function isCollision(difference: Difference, files: GeneratedFile[]): boolean {
  if (difference.kind !== "object-differs") return false;
  const file = files.find((f) => f.name === difference.file)!;
  const colliding = readOurs(file)
    .errors.map((e) => /both become "([^"]*)"/.exec(e.message)?.[1])
    .filter((key): key is string => key !== undefined);
  const path = /: (\/[^:]*): ours/.exec(difference.detail)?.[1] ?? "";
  return colliding.some((key) => path.split("/").includes(key));
}

/**
 * The generator marks a file that holds colliding keys, not the document: where kubectl reads
 * only part of the file (after a lone CR, after a `...` line), the collision may be in a part
 * neither kubectl nor we read.
 */
function isUnreadCollision(difference: Difference, files: GeneratedFile[]): boolean {
  if (difference.kind !== "collision-unflagged") return false;
  const text = files.find((f) => f.name === difference.file)!.text;
  return /\r(?!\n)/.test(text) || /^\.\.\.\r?$/m.test(text);
}

function describeAll(differences: Difference[], files: GeneratedFile[]): string {
  return differences
    .slice(0, 15)
    .map((d) => {
      const text = files.find((f) => f.name === d.file)!.text;
      return `--- ${d.file} [${d.kind}] ${d.detail}\n${JSON.stringify(text)}`;
    })
    .join("\n");
}
