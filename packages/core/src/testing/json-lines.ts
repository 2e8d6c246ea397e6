import { spawn } from "node:child_process";
import { basename } from "node:path";

/** One run of an oracle that reads a JSON value a line and answers each with a JSON line. */
export function askJsonLines<T>(binary: string, requests: readonly unknown[]): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`${basename(binary)} exited ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      const lines = Buffer.concat(out).toString().trim().split("\n");
      resolve(lines.map((line) => JSON.parse(line) as T));
    });
    child.stdin.end(`${requests.map((r) => JSON.stringify(r)).join("\n")}\n`);
  });
}
