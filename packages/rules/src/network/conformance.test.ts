import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle, evaluate, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { securityGuideRules } from "../registry.js";

/** The network/* cases of ../shared/conformance/peers/manifest.json (see its README for the format). */

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.SCOUT_SHARED_DIR ?? resolve(here, "../../../../../shared");
const peers = join(shared, "conformance", "peers");
const present = existsSync(join(peers, "manifest.json"));

if (!present) {
  console.warn(
    `network conformance cases skipped: ${peers}/manifest.json not found (set SCOUT_SHARED_DIR)`,
  );
}

interface Case {
  peer: string;
  check: string;
  file: string;
  rule: string;
  expect: "fire" | "silent";
  object: { kind: string; name: string } | null;
  note: string;
}

function networkCases(): Case[] {
  const all = JSON.parse(readFileSync(join(peers, "manifest.json"), "utf8")) as Case[];
  return all.filter((c) => c.rule.startsWith("network/"));
}

describe.skipIf(!present)("peer conformance: network/* cases", () => {
  const cases = present ? networkCases() : [];
  const rules = securityGuideRules.filter((r) => r.id.startsWith("network/"));

  it("has the network cases the manifest promises", () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });

  for (const c of cases) {
    const target = c.object ? `${c.object.kind}/${c.object.name}` : "the file";
    it(`${c.rule} ${c.expect}s on ${target} in ${c.file} (${c.peer} ${c.check})`, () => {
      const text = readFileSync(join(peers, c.file), "utf8");
      const bundle = buildBundle([parseSource(c.file, text)]);
      const findings = evaluate(rules, bundle).findings.filter(
        (f) =>
          f.ruleId === c.rule &&
          (c.object === null ||
            (f.object?.kind === c.object.kind && f.object?.name === c.object.name)),
      );
      expect(
        findings.length > 0 ? "fire" : "silent",
        `${c.note}\n${findings.map((f) => f.message).join("\n")}`,
      ).toBe(c.expect);
    });
  }
});
