import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { securityGuideRules } from "./registry.js";

const here = dirname(fileURLToPath(import.meta.url));

describe("the rule registry", () => {
  it("is sorted by id and holds each id once", () => {
    const ids = securityGuideRules.map((r) => r.id);
    expect(ids).toEqual([...new Set(ids)].sort());
  });

  for (const rule of securityGuideRules) {
    describe(rule.id, () => {
      const folder = join(here, rule.id);

      it("has its folder with rule, test and doc", () => {
        for (const file of ["rule.ts", "rule.test.ts", "README.md"]) {
          expect(existsSync(join(folder, file)), `${rule.id}/${file}`).toBe(true);
        }
      });

      it("has a doc that names the rule and shows failing and passing examples", () => {
        const doc = readFileSync(join(folder, "README.md"), "utf8");
        expect(doc).toContain(`# ${rule.id}`);
        expect(doc).toMatch(/## Failing example/);
        expect(doc).toMatch(/## Passing example/);
      });

      it("has a description, a remediation and a docs link to its folder", () => {
        expect(rule.meta.description.length).toBeGreaterThan(10);
        expect(rule.meta.remediation.length).toBeGreaterThan(10);
        expect(rule.meta.docs).toMatch(new RegExp(`/${rule.id}/README\\.md$`));
      });
    });
  }
});
