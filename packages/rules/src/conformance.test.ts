import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildBundle,
  defaultPolicy,
  evaluate,
  type Finding,
  parseSource,
} from "@scout-deploy/core";
import { afterAll, describe, expect, it } from "vitest";
import { conformanceExceptions } from "./conformance-exceptions.js";
import { securityGuideRules } from "./registry.js";

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.SCOUT_SHARED_DIR ?? resolve(here, "../../../../shared");
const peers = join(shared, "conformance/peers");
const manifestPath = join(peers, "manifest.json");

/** The areas whose cases this package answers for (network/* and secrets/* have their own tests). */
const AREAS = ["pod/", "workload/", "rbac/", "monitoring/", "namespace/"];

interface Case {
  peer: string;
  check: string;
  file: string;
  rule: string;
  expect: "fire" | "silent";
  object: { kind: string; name: string } | null;
  note: string;
  peer_expect: "fire" | "silent";
}

export function caseId(c: Pick<Case, "file" | "object">): string {
  return c.object ? `${c.file}#${c.object.kind}/${c.object.name}` : c.file;
}

if (!existsSync(manifestPath)) {
  console.warn(`conformance: ${manifestPath} is absent; peer conformance cases are skipped`);
}

describe.skipIf(!existsSync(manifestPath))("peer conformance (manifest.json)", () => {
  const manifest = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, "utf8")) as Case[])
    : [];
  const ruleIds = new Set(securityGuideRules.map((r) => r.id));
  const cases = manifest.filter(
    (c) => AREAS.some((a) => c.rule.startsWith(a)) && ruleIds.has(c.rule),
  );
  const findingsByFile = new Map<string, Finding[]>();
  const findingsOf = (file: string): Finding[] => {
    let findings = findingsByFile.get(file);
    if (!findings) {
      const bundle = buildBundle([parseSource(file, readFileSync(join(peers, file), "utf8"))]);
      findings = evaluate(securityGuideRules, bundle, defaultPolicy()).findings;
      findingsByFile.set(file, findings);
    }
    return findings;
  };
  const verdict = (c: Case): "fire" | "silent" =>
    findingsOf(c.file).some(
      (f) =>
        f.ruleId === c.rule &&
        (c.object === null ||
          (f.object?.kind === c.object.kind && f.object?.name === c.object.name)),
    )
      ? "fire"
      : "silent";
  const exceptions = new Map(conformanceExceptions.map((e) => [`${e.rule} ${e.case}`, e]));
  let held = 0;
  let agreeWithPeer = 0;

  afterAll(() => {
    console.log(
      `conformance: ${held}/${cases.length} cases hold (expect); ${agreeWithPeer}/${cases.length} agree with the peer; ${conformanceExceptions.length} documented exceptions`,
    );
  });

  it("runs every case of our areas", () => {
    expect(cases.length).toBeGreaterThan(600);
  });

  for (const c of cases) {
    const id = caseId(c);
    it(`${c.rule} ${id} (${c.peer} ${c.check}) ${c.expect}`, () => {
      const actual = verdict(c);
      if (actual === c.peer_expect) agreeWithPeer++;
      const exception = exceptions.get(`${c.rule} ${id}`);
      if (!exception) {
        expect(actual, c.note).toBe(c.expect);
        held++;
        return;
      }
      expect(actual, `exception for ${id} is stale: the case now holds`).not.toBe(c.expect);
      const doc = readFileSync(join(here, c.rule, "README.md"), "utf8");
      expect(doc, `${c.rule}/README.md must name ${id}`).toContain(id);
    });
  }
});
