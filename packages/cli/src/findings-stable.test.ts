import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: the benchmark's corpus writers are plain JavaScript modules
import { CORPORA } from "../../../bench/corpora.mjs";
import type { Io } from "./io.js";
import { main } from "./main.js";

/**
 * The findings of the benchmark corpora (small) and the real-world corpus, line by line: a
 * change made for speed must not move, drop or add one. A change that means to alter findings
 * updates the snapshots (`pnpm vitest run -u src/findings-stable.test.ts`) and shows the
 * difference in its diff.
 */
const here = dirname(fileURLToPath(import.meta.url));
const realworld = resolve(here, "../../../../shared/conformance/realworld");
const SIZES: Record<string, number> = {
  "bench corpus": 400,
  "bench corpus in one file": 400,
  "compliant deployments": 250,
  "no NetworkPolicy": 200,
};

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  severity: string;
  ruleId: string;
  fingerprint: string;
  message: string;
}

async function findingLines(cwd: string): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    cwd,
    env: {},
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => "",
    color: false,
  };
  const code = await main(["check", ".", "--format", "json"], io);
  expect(err.join(""), "nothing on stderr").toBe("");
  expect([0, 1]).toContain(code);
  const { findings } = JSON.parse(out.join("")) as { findings: JsonFinding[] };
  const lines = findings.map(
    (f) =>
      `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.fingerprint.slice(0, 12)} ${f.message}`,
  );
  return `${lines.length} findings\n${lines.join("\n")}\n`;
}

const work = mkdtempSync(join(tmpdir(), "findings-stable-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the findings of the benchmark corpora stay the same", () => {
  for (const [name, write] of CORPORA as [string, (dir: string, n: number) => void][]) {
    it(`${name}, ${SIZES[name]} objects`, async () => {
      const dir = join(work, name.replace(/\W+/g, "-"));
      write(dir, SIZES[name]!);
      await expect(await findingLines(dir)).toMatchFileSnapshot(
        `__snapshots__/findings-${name.replace(/\W+/g, "-")}.txt`,
      );
    }, 60_000);
  }
});

describe.skipIf(!existsSync(realworld))(
  "the findings of the real-world corpus stay the same",
  () => {
    it("../shared/conformance/realworld", async () => {
      await expect(await findingLines(realworld)).toMatchFileSnapshot(
        "__snapshots__/findings-realworld.txt",
      );
    }, 120_000);
  },
);
if (!existsSync(realworld))
  console.warn(`skipping the real-world findings snapshot: ${realworld} is absent`);
