/** Everything a command touches outside itself, so tests run commands in-process. */
export interface Io {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(maxBytes: number): Promise<string>;
  /** Colours for text output. */
  color: boolean;
}

export function nodeIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin,
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

async function readStdin(maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    chunks.push(buffer);
    if (size >= maxBytes) break;
  }
  return Buffer.concat(chunks).toString("utf8");
}
