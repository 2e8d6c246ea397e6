import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubectlFile } from "./compare.js";
import type { GeneratedFile } from "./generate.js";
import { type Oracle, runAlone } from "./oracle.js";

/**
 * One oracle run over the whole folder. kubectl names no file when it refuses an item of a
 * list, so when it printed such messages, each file with `items` is run again alone.
 */
export async function readWithOracle(
  oracle: Oracle,
  files: GeneratedFile[],
): Promise<Map<string, KubectlFile>> {
  const dir = mkdtempSync(join(tmpdir(), "kubectl-diff-"));
  try {
    for (const file of files) writeFileSync(join(dir, file.name), file.text);
    const output = oracle.run(dir);
    const byFile = new Map<string, KubectlFile>(
      files.map((f) => [f.name, { objects: [], errors: [] }]),
    );
    const unattributed: string[] = [];
    for (const line of output.errors) {
      const named = files.filter((f) => line.includes(`${dir}/${f.name}`));
      for (const file of named) byFile.get(file.name)!.errors.push(line);
      if (named.length === 0) unattributed.push(line);
    }
    for (const object of output.objects) {
      const tag = /^f\d{5}/.exec(nameOf(object))?.[0];
      const file = files.find((f) => tag && f.name.startsWith(`${tag}.`));
      if (!file) throw new Error(`kubectl sent an object of no generated file: ${nameOf(object)}`);
      byFile.get(file.name)!.objects.push(object);
    }
    if (unattributed.length > 0) await attributeAlone(oracle, files, byFile);
    return byFile;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function attributeAlone(
  oracle: Oracle,
  files: GeneratedFile[],
  byFile: Map<string, KubectlFile>,
): Promise<void> {
  const candidates = files.filter(
    (f) => byFile.get(f.name)!.errors.length === 0 && /items/.test(f.text),
  );
  const next = async (): Promise<void> => {
    const file = candidates.pop();
    if (!file) return;
    const alone = await runAlone(oracle, file.name, file.text);
    byFile.get(file.name)!.errors.push(...alone.errors);
    return next();
  };
  await Promise.all([next(), next(), next()]);
}

function nameOf(object: Record<string, unknown>): string {
  const metadata = object.metadata as Record<string, unknown> | undefined;
  return String(metadata?.name ?? "");
}
