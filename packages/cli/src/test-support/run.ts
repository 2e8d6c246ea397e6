import type { Io } from "../io.js";
import { main } from "../main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command line in-process, capturing what it prints. */
export async function runCli(
  argv: readonly string[],
  options: { cwd: string; env?: Io["env"]; stdin?: string },
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    cwd: options.cwd,
    env: options.env ?? {},
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => options.stdin ?? "",
    color: false,
  };
  const code = await main(argv, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}
