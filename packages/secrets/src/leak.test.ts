import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encodeBase64 } from "./base64.js";
import { type CommandResult, secretsGenerate, secretsRotate } from "./commands.js";
import { deliver, SECRET_FILE_MODE } from "./io.js";

/**
 * Runs every command through `deliver` with stdout, stderr and console captured, and proves
 * that no secret value, in either of its forms, reaches stderr, a log or a report.
 */
const dir = mkdtempSync(join(tmpdir(), "scout-secrets-leak-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Captured {
  stdout: string;
  stderr: string;
  logs: string;
  masked: string[];
  exitCode: number;
}

let logs: string[] = [];
beforeEach(() => {
  logs = [];
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(args.map(String).join(" "));
    });
  }
  for (const stream of [process.stderr, process.stdout]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: unknown) => {
      logs.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => vi.restoreAllMocks());

function run(result: CommandResult): Captured {
  const captured: Captured = { stdout: "", stderr: "", logs: "", masked: [], exitCode: 0 };
  const order: string[] = [];
  captured.exitCode = deliver(result, {
    stdout: (text) => {
      captured.stdout += text;
      order.push("out");
    },
    stderr: (text) => {
      captured.stderr += text;
      order.push("err");
    },
    mask: (value) => {
      captured.masked.push(value);
      order.push("mask");
    },
  });
  captured.logs = logs.join("\n");
  const firstOutput = order.findIndex((o) => o !== "mask");
  expect(order.slice(firstOutput)).not.toContain("mask");
  return captured;
}

function forms(values: readonly string[]): string[] {
  return values.flatMap((v) => [v, encodeBase64(v)]);
}

function expectNoLeak(
  captured: Captured,
  values: readonly string[],
  where: Array<"stdout" | "stderr" | "logs">,
) {
  expect(values.length).toBeGreaterThan(0);
  for (const form of forms(values)) {
    for (const stream of where)
      expect(captured[stream], `${stream} leaks a value`).not.toContain(form);
    expect(captured.masked).toContain(form);
  }
}

const now = new Date("2026-11-01T00:00:00Z");
const out = (name: string) => join(dir, name);

describe("no generated value leaks", () => {
  it("secrets generate to a file: values only in the 0600 file", () => {
    const result = secretsGenerate({ env: "prod", out: out("gen.yaml"), now });
    const captured = run(result);
    expectNoLeak(captured, result.secretValues, ["stdout", "stderr", "logs"]);
    expect(statSync(out("gen.yaml")).mode & 0o777).toBe(SECRET_FILE_MODE);
    const file = readFileSync(out("gen.yaml"), "utf8");
    for (const value of result.secretValues) expect(file).toContain(encodeBase64(value));
  });

  it("secrets generate to stdout: values only on stdout", () => {
    const result = secretsGenerate({
      env: "prod",
      out: "-",
      mode: "sealed",
      namespace: "scout",
      now,
    });
    const captured = run(result);
    expectNoLeak(captured, result.secretValues, ["stderr", "logs"]);
    for (const value of result.secretValues) expect(captured.stdout).toContain(encodeBase64(value));
  });

  it("secrets rotate: new and old values stay out of stderr and logs; the file is 0600 even if it existed", () => {
    const first = secretsGenerate({ out: out("rot.yaml"), now });
    run(first);
    writeFileSync(out("existing.yaml"), "old", { mode: 0o644 });
    const input = { path: "rot.yaml", text: readFileSync(out("rot.yaml"), "utf8") };
    const result = secretsRotate({ input, out: out("existing.yaml"), now });
    const captured = run(result);
    expectNoLeak(captured, result.secretValues, ["stdout", "stderr", "logs"]);
    for (const old of forms(first.secretValues))
      expect(captured.stderr + captured.logs).not.toContain(old);
    expect(statSync(out("existing.yaml")).mode & 0o777).toBe(SECRET_FILE_MODE);
  });

  it("secrets rotate to stdout masks the values it prints but did not make: previous, kept, other Secrets'", () => {
    const first = secretsGenerate({ out: "-", now });
    const other =
      "apiVersion: v1\nkind: Secret\nmetadata: {name: other}\ndata: {k: aHVudGVyMi1wYXNzd29yZA==}\nstringData: {p: plain-secret-value}\n";
    const input = { path: "rot.yaml", text: `${first.output!.text}---\n${other}` };
    const captured = run(secretsRotate({ input, out: "-", now, keys: ["api-token"] }));
    const [oldToken, redisPassword] = first.secretValues as [string, string];
    const printed = [
      encodeBase64(oldToken),
      encodeBase64(redisPassword),
      encodeBase64("hunter2-password"),
      "plain-secret-value",
    ];
    for (const form of printed) {
      expect(captured.stdout).toContain(form);
      expect(captured.masked, `${form} is printed unmasked`).toContain(form);
    }
    for (const decoded of [oldToken, redisPassword, "hunter2-password"])
      expect(captured.masked).toContain(decoded);
  });

  it("an --out that cannot be written (a folder) leaves no file holding the values behind", () => {
    const folder = out("a-folder");
    mkdirSync(folder);
    expect(() => run(secretsGenerate({ out: folder, now }))).toThrow(
      /cannot write .*a-folder: it is a folder/,
    );
    expect(readdirSync(dir).filter((name) => name.includes("a-folder"))).toEqual(["a-folder"]);
  });

  it("a value of several lines is masked line by line: a workflow command ends at a line break", () => {
    const pem =
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    const input = {
      path: "tls.yaml",
      text: `apiVersion: v1\nkind: Secret\nmetadata: {name: scout-secrets}\ndata:\n  api-token: ${encodeBase64("x".repeat(44))}\n  key.pem: ${encodeBase64(pem)}\n`,
    };
    const captured = run(secretsRotate({ input, out: "-", now, keys: ["api-token"] }));
    expect(captured.masked).toContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
    expect(captured.masked.every((form) => !form.includes("\n"))).toBe(true);
  });
});
