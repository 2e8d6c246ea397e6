import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import { loadConfig, runCheck, type ScoutConfig, scoutConfig } from "@scout-deploy/engine";
import { decodeText, displayPath, resolveInputs } from "@scout-deploy/loader";
import { formatText } from "@scout-deploy/report";
import {
  type CommandResult,
  deliver,
  type GenerateOptions,
  SECRET_MODES,
  secretsGenerate,
  secretsRotate,
  writeSecretFile,
} from "@scout-deploy/secrets";
import { oneOf, parseCommandArgs, unknownSubcommand } from "../args.js";
import type { Command } from "../command.js";
import type { Io } from "../io.js";
import { help } from "./check.js";

const HELP = `Usage: scout-deploy secrets <generate|rotate|check> [options]

  generate --out FILE|- [--env NAME] [--config FILE] [--mode secret|sealed|external]
           [--namespace NS] [--name NAME] [--key KEY]... [--no-redis] [--store NAME]
           [--store-kind KIND]
      A Secret (default name scout-secrets) with api-token, redis-password and every --key,
      each 32 bytes from the OS CSPRNG like \`openssl rand -base64 32\`. With a scout-deploy.yaml
      (found by walking up, or --config) the Secret is the one its manifests read: the name,
      namespace and key names of scout.secrets and scout.namespace, no Redis password when
      scout.auth.redis is false, and the keys of scout.secrets.extraKeys; the flags override it
      (--key adds keys). --mode sealed: the same, ready for kubeseal (needs a namespace);
      --mode external: an ExternalSecret that reads the values from --store (a
      ClusterSecretStore unless --store-kind SecretStore).

  rotate FILE --out FILE|- [--key KEY]... [--overlap-days N] [--drop-previous] [--name NAME]
         [--no-roll] [--consumers PATH]...
      New values for the chosen keys (default: all). A running container keeps the values it
      read at start (env, envFrom, subPath mounts) until its pod is recreated, so the
      Deployments, StatefulSets and DaemonSets of FILE that read a rotated key that way get
      the annotation scout-deploy.io/secrets-digest (a SHA-256 of the data they read, never a
      value) in their pod template: applying the output rolls them (--no-roll: not). The
      other documents of FILE are written as they were. stderr names, with file:line, every
      reader nothing restarts (Jobs, CronJobs' running Jobs, bare Pods, OnDelete or paused
      workloads) and the ones that read through a mounted volume (refreshed in place).
      --consumers PATH (files, folders, globs) searches more manifests for readers: they are
      not written, and each one a new digest would roll is named with file:line and the
      annotation to set in its pod template. Without it only FILE is searched. Each old
      value stays in the Secret under <key>-previous for N days (default 7; 0 drops it), a
      copy to roll back to: Scout's manifests never read it, so no client keeps working with
      an old token once the pods are new. --drop-previous removes expired previous values
      (and names a workload that still reads one: its new pods would not start).

  check PATH... [--config FILE] [--min-bits N] [--max-age-days N]
      "check" with the secrets/* rules only (valid base64, stringData, strong tokens, rotation
      age, values reused across Secrets and environments), with the same messages. The same
      Secret in several environments' folders is not a duplicate here. --min-bits and
      --max-age-days set the options of secrets/strong-token and secrets/rotation-age.
      Exit codes: 0 no finding at or above the config's failOn (default error), 1 at least
      one, 2 could not run.

Values are written only where --out says: a file created with mode 0600, or stdout for "-".
Messages on stderr name keys and fingerprints, never values. Under GitHub Actions every value the
output holds (new, kept, previous, other Secrets' of the file) is masked (::add-mask::, line by
line) before anything else is written.
`;

export const secretsCommand: Command = {
  name: "secrets",
  summary: "generate, rotate and check Scout's secrets",
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === "--help" || sub === "-h") return help(io, this.help);
    if (sub === "generate") return generate(rest, io);
    if (sub === "rotate") return await rotate(rest, io);
    if (sub === "check") return check(rest, io);
    throw unknownSubcommand("secrets", sub, ["generate", "rotate", "check"]);
  },
};

function generate(argv: readonly string[], io: Io): number {
  const { values } = parseCommandArgs("secrets generate", argv, {
    out: { type: "string" },
    env: { type: "string" },
    config: { type: "string" },
    mode: { type: "string" },
    namespace: { type: "string" },
    name: { type: "string" },
    key: { type: "string", multiple: true },
    "no-redis": { type: "boolean" },
    store: { type: "string" },
    "store-kind": { type: "string" },
  });
  if (values.help) return help(io, HELP);
  const storeKind = oneOf("--store-kind", values["store-kind"], [
    "SecretStore",
    "ClusterSecretStore",
  ] as const);
  const scout = scoutConfigOf(io, values.config);
  const fromConfig = scout ? generateOptionsOf(scout) : {};
  return finish(
    secretsGenerate({
      ...fromConfig,
      out: values.out,
      env: values.env,
      mode: oneOf("--mode", values.mode, SECRET_MODES),
      namespace: values.namespace ?? fromConfig.namespace,
      name: values.name ?? fromConfig.name,
      extraKeys: [...(fromConfig.extraKeys ?? []), ...(values.key ?? [])],
      redis: !values["no-redis"] && fromConfig.redis !== false,
      ...(values.store
        ? { store: { name: values.store, ...(storeKind ? { kind: storeKind } : {}) } }
        : {}),
    }),
    io,
  );
}

/** The validated `scout:` section of the config file, when there is one with such a section. */
function scoutConfigOf(io: Io, explicit: string | undefined): ScoutConfig | undefined {
  return scoutConfig(loadConfig(io.cwd, explicit));
}

/** The Secret the rendered manifests read: its name, namespace and keys. */
export function generateOptionsOf(scout: ScoutConfig): GenerateOptions {
  return {
    name: scout.secrets.name,
    namespace: scout.namespace,
    keyNames: scout.secrets.keys,
    redis: scout.auth.redis,
    extraKeys: scout.secrets.extraKeys,
  };
}

async function rotate(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("secrets rotate", argv, {
    out: { type: "string" },
    key: { type: "string", multiple: true },
    "overlap-days": { type: "string" },
    "drop-previous": { type: "boolean" },
    name: { type: "string" },
    "no-roll": { type: "boolean" },
    consumers: { type: "string", multiple: true },
  });
  if (values.help) return help(io, HELP);
  if (positionals.length !== 1)
    throw new ConfigurationError("secrets rotate: give exactly one FILE");
  const path = positionals[0]!;
  return finish(
    secretsRotate({
      input: { path, text: readInput(io, path) },
      out: values.out,
      keys: values.key,
      name: values.name,
      dropPrevious: values["drop-previous"],
      roll: !values["no-roll"],
      elsewhere: await consumerFiles(io, values.consumers ?? [], path),
      ...(values["overlap-days"] !== undefined
        ? { overlapDays: wholeNumber("--overlap-days", values["overlap-days"]) }
        : {}),
    }),
    io,
  );
}

/** `check` with the secrets/* rules only; the same Secret in several environments is no duplicate. */
async function check(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("secrets check", argv, {
    config: { type: "string" },
    "min-bits": { type: "string" },
    "max-age-days": { type: "string" },
  });
  if (values.help) return help(io, HELP);
  if (positionals.length === 0)
    throw new ConfigurationError("secrets check: give PATHs (files, folders, globs or -)");
  const minBits = values["min-bits"] && wholeNumber("--min-bits", values["min-bits"]);
  const maxAgeDays =
    values["max-age-days"] && wholeNumber("--max-age-days", values["max-age-days"]);
  const run = await runCheck({
    cwd: io.cwd,
    paths: positionals,
    readStdin: io.readStdin,
    ...(values.config ? { configPath: values.config } : {}),
    schema: "off",
    areas: ["secrets/"],
    ruleSettings: {
      "input/duplicate-object": "off",
      ...(minBits ? { "secrets/strong-token": { options: { minBits } } } : {}),
      ...(maxAgeDays ? { "secrets/rotation-age": { options: { maxAgeDays } } } : {}),
    },
  });
  io.stdout(formatText(run.result, { color: io.color }));
  return run.result.summary.passed ? 0 : 1;
}

/**
 * Hands a result to the terminal: under GitHub Actions, every value is masked first (on stderr,
 * which the runner reads for workflow commands, so that `--out -` stays a clean manifest).
 */
export function finish(result: CommandResult, io: Io): number {
  if (result.exitCode === 2) {
    const reason = result.messages.join("; ").replace(/^(secrets|incident) [a-z-]+: /, "");
    throw new ConfigurationError(reason);
  }
  const inActions = io.env.GITHUB_ACTIONS === "true";
  return deliver(result, {
    stdout: io.stdout,
    stderr: io.stderr,
    ...(inActions ? { mask: (value: string) => io.stderr(`::add-mask::${value}\n`) } : {}),
    writeFile: (path, text) => writeSecretFile(resolve(io.cwd, path), text),
  });
}

/** The files of --consumers PATHs (files, folders, globs), FILE itself left out, as shown. */
async function consumerFiles(io: Io, paths: readonly string[], file: string) {
  if (paths.length === 0) return [];
  const inputs = await resolveInputs(paths, io.cwd);
  const own = resolve(io.cwd, file);
  return inputs.flatMap((input) => {
    if (input.kind !== "file" || input.absolute === own) return [];
    const path = displayPath(input.absolute, io.cwd);
    try {
      return [{ path, text: decodeText(readFileSync(input.absolute)) }];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigurationError(
        `--consumers: cannot read ${path}: ${READ_FAILURES[code ?? ""] ?? code ?? String(error)}`,
      );
    }
  });
}

export function readInput(io: Io, path: string): string {
  try {
    return readFileSync(resolve(io.cwd, path), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = READ_FAILURES[code ?? ""] ?? code ?? String(error);
    throw new ConfigurationError(`cannot read ${path}: ${reason}`);
  }
}

const READ_FAILURES: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "it is a folder; give the one file that holds the Secret",
  EACCES: "permission denied",
};

export function wholeNumber(flag: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) {
    throw new ConfigurationError(`${flag} must be a whole number, not "${value}"`);
  }
  return number;
}
