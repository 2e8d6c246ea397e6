import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inputRules } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { securityGuideRules } from "../registry.js";
import { guideStatements } from "./guide-statements.js";
import { renderRulesIndex, renderTraceability, rulesCovering } from "./render.js";

const docs = join(dirname(fileURLToPath(import.meta.url)), "../../docs");
const REGENERATE = "stale: run `pnpm --filter @scout-deploy/rules docs` and commit the result";

/** Table rows with their padding removed: the files are formatted by biome, which aligns columns. */
function normalizeTables(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) => {
      if (!line.startsWith("|")) return line;
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim())
        .map((c) => (/^:?-+:?$/.test(c) ? "---" : c));
      return `| ${cells.join(" | ")} |`;
    })
    .join("\n");
}

const fresh = (file: string) => normalizeTables(readFileSync(file, "utf8"));

describe("generated docs", () => {
  it("docs/index.md is fresh", () => {
    const file = join(docs, "index.md");
    expect(existsSync(file), REGENERATE).toBe(true);
    expect(fresh(file), REGENERATE).toBe(
      normalizeTables(renderRulesIndex(securityGuideRules, inputRules)),
    );
  });

  it("docs/traceability.md is fresh", () => {
    const file = join(docs, "traceability.md");
    expect(existsSync(file), REGENERATE).toBe(true);
    expect(fresh(file), REGENERATE).toBe(normalizeTables(renderTraceability(securityGuideRules)));
  });

  it("lists every rule of the registry and every input rule in the index", () => {
    const index = renderRulesIndex(securityGuideRules, inputRules);
    for (const rule of [...securityGuideRules, ...inputRules])
      expect(index).toContain(`\`${rule.id}\``);
  });

  it("traces every rule of the registry to some statement of the guide", () => {
    const traced = new Set(guideStatements.flatMap((s) => rulesCovering(s, securityGuideRules)));
    expect(securityGuideRules.map((r) => r.id).filter((id) => !traced.has(id))).toEqual([]);
  });

  it("says why a statement has no rule", () => {
    for (const statement of guideStatements) {
      if (
        statement.rules.length === 0 &&
        rulesCovering(statement, securityGuideRules).length === 0
      ) {
        expect(statement.uncovered, statement.text).toBeTruthy();
      }
    }
  });
});
