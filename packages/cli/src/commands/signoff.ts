import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigurationError, FAIL_ON, type FailOn } from "@scout-deploy/core";
import {
  GUIDE_PACK,
  type HelmOptions,
  helmSetFiles,
  pluginDigests,
  runCheck,
  systemToolRunner,
} from "@scout-deploy/engine";
import {
  checkedPaths,
  githubContextFromEnv,
  runSignoff,
  type SignedFile,
  type SignoffContext,
} from "@scout-deploy/signoff";
import { oneOf, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import type { Io } from "../io.js";
import { writeOutput } from "../output.js";
import { TOOL } from "../version.js";
import { HELM_ARGS, helmOptions, help } from "./check.js";

const PASSPHRASE_ENV = "SCOUT_SIGNOFF_KEY_PASSPHRASE";

export const signoffCommand: Command = {
  name: "signoff",
  summary: "check, then write the signed sign-off record (a DSSE envelope)",
  help: `Usage: scout-deploy signoff [PATH...] --out FILE [options]

Checks the manifests like "check", then writes a sign-off record: an in-toto statement of
every file's SHA-256, the verdict, the finding counts and the suppressions, in a DSSE envelope
signed with --key. Without --key the record is written UNSIGNED, and verify rejects it.

Options:
  --out FILE                  where the record goes (- for stdout)
  --key FILE                  PEM private key, Ed25519 or ECDSA P-256
                              (a passphrase is read from ${PASSPHRASE_ENV})
  --config FILE               config file (default: scout-deploy.yaml, found by walking up)
  --fail-on LEVEL             ${FAIL_ON.join("|")} (default error, or policy.failOn)
  --kubernetes-version X.Y.Z  the version schemas are checked against and charts rendered for
                              (default: the newest bundled); recorded in the statement, and
                              verify renders for the recorded one
  --values FILE, --set KEY=VALUE, --set-string KEY=VALUE, --set-json KEY=JSON,
  --set-file KEY=PATH, --release-name NAME, --namespace NS, --kube-version X.Y.Z
                              how charts among the paths are rendered, as in "check"; the
                              record signs what they render (and each --set-file file's
                              bytes), so verify needs the same flags
  -h, --help                  this help

Exit codes: 0 record written and the check passed, 1 written but the check failed, 2 could not run.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("signoff", argv, {
      out: { type: "string" },
      key: { type: "string" },
      config: { type: "string" },
      "fail-on": { type: "string" },
      "kubernetes-version": { type: "string" },
      ...HELM_ARGS,
    });
    if (values.help) return help(io, this.help);
    if (!values.out) throw new ConfigurationError("--out FILE is required (- for stdout)");
    if (positionals.includes("-")) {
      throw new ConfigurationError("signs files, not standard input: give paths");
    }
    const failOn = oneOf<FailOn>("--fail-on", values["fail-on"], FAIL_ON);
    const helm = helmOptions(values);
    const run = await runCheck({
      cwd: io.cwd,
      paths: positionals,
      ...(values.config ? { configPath: values.config } : {}),
      ...(failOn ? { failOn } : {}),
      // The record names the version: the schemas must have been checked against that one.
      ...(values["kubernetes-version"] ? { kubernetesVersion: values["kubernetes-version"] } : {}),
      helm,
      tools: systemToolRunner(io.env),
    });
    refuseRecordAmongFiles(io, "--out", values.out, run.bundle.files);
    const out = await runSignoff({
      files: readFiles(io, signedFiles(run.bundle.files, helm, io.cwd), run.rendered),
      result: run.result,
      context: {
        // The version the check used, default or given: verify renders the charts for it.
        ...signoffContext(io, run.config.path, run.kubernetesVersion),
        plugins: pluginDigests(run.config),
        paths: checkedPaths(positionals, io.cwd),
      },
      cwd: io.cwd,
      ...(values.key ? { key: readKey(io, values.key) } : {}),
    });
    writeOutput(io, values.out, out.record);
    io.stderr(`${out.messages.join("\n")}\n`);
    return out.exitCode;
  },
};

/**
 * What a record binds: the files the check read (or rendered) and the files `--set-file` reads
 * (a value taken from a file is deployed as the file is; verify names it when it changed).
 */
export function signedFiles(checked: readonly string[], helm: HelmOptions, cwd: string): string[] {
  const setFiles = helmSetFiles(helm, cwd).filter((path) => !checked.includes(path));
  return [...checked, ...new Set(setFiles)];
}

/** The exact bytes of each file the check read (or rendered), under the name it showed. */
export function readFiles(
  io: Io,
  shown: readonly string[],
  rendered: Readonly<Record<string, string>> = {},
): SignedFile[] {
  return shown.map((path) => ({
    path,
    content: path in rendered ? Buffer.from(rendered[path]!) : readBytes(io, path),
  }));
}

/**
 * The record cannot be among the files it signs: each sign-off would change what the last one
 * signed, and verify would never hold. (kubectl apply -f on the folder would apply it too.)
 */
export function refuseRecordAmongFiles(
  io: Io,
  flag: string,
  record: string,
  files: readonly string[],
): void {
  const full = resolve(io.cwd, record);
  const shown = files.find((path) => resolve(io.cwd, path) === full);
  if (record === "-" || !shown) return;
  throw new ConfigurationError(
    `${flag} ${record} is among the files checked (${shown}): keep the sign-off record outside the checked paths`,
  );
}

/** A record binds every file's bytes: one that cannot be read (a dangling link) stops the run. */
function readBytes(io: Io, path: string): Buffer {
  try {
    return readFileSync(resolve(io.cwd, path));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigurationError(
      `${path}: cannot be read (${reason}): a sign-off binds the bytes of every file it checks`,
    );
  }
}

function readKey(io: Io, path: string): { pem: string; passphrase?: string } {
  const full = resolve(io.cwd, path);
  if (!existsSync(full)) throw new ConfigurationError(`--key: file not found: ${path}`);
  const passphrase = io.env[PASSPHRASE_ENV];
  return { pem: readFileSync(full, "utf8"), ...(passphrase ? { passphrase } : {}) };
}

function signoffContext(
  io: Io,
  configPath: string | undefined,
  kubernetesVersion: string,
): SignoffContext {
  const context: SignoffContext = {
    tool: { ...TOOL },
    rulePacks: [{ ...GUIDE_PACK }],
    kubernetesVersion,
    checkedAt: new Date().toISOString(),
  };
  if (configPath) context.config = readFileSync(resolve(io.cwd, configPath));
  const github = githubContextFromEnv(io.env, readEvent(io.env.GITHUB_EVENT_PATH));
  if (github) context.github = github;
  return context;
}

function readEvent(path: string | undefined): unknown {
  if (!path || !existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}
