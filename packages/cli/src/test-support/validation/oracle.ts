import { spawn } from "node:child_process";
import { findTool } from "@scout-deploy/core/testing";

/** validation-oracle's binary: $VALIDATION_ORACLE, else where scripts/install-validation-oracle.sh puts it. */
export function validationOraclePath(): string | undefined {
  return findTool("validation-oracle", "VALIDATION_ORACLE");
}

/** The API server's answer for one object on create: no errors and no refusal is accepted. */
export interface ApiServerVerdict {
  kind?: string;
  refused?: string;
  errors?: { field: string; type: string; detail?: string }[];
}

export const accepted = (v: ApiServerVerdict) => !v.refused && (v.errors ?? []).length === 0;

/** Judges every object in one run of the oracle (one JSON line each way). */
export function judgeObjects(
  binary: string,
  objects: readonly unknown[],
): Promise<ApiServerVerdict[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`validation-oracle exited ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      const lines = Buffer.concat(out).toString().trim().split("\n");
      resolve(lines.map((line) => JSON.parse(line) as ApiServerVerdict));
    });
    const requests = objects.map((object) => JSON.stringify({ object: JSON.stringify(object) }));
    child.stdin.end(`${requests.join("\n")}\n`);
  });
}
