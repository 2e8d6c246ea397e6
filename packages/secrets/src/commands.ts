import {
  type Bundle,
  type BundleObject,
  buildBundle,
  defaultPolicy,
  describeRef,
  type Finding,
  formatPosition,
  parseSource,
  type Settings,
  type Severity,
} from "@scout-deploy/core";
import { parseAllDocuments, stringify } from "yaml";
import { ageInDays, DEFAULT_MAX_AGE_DAYS, recordedRotation } from "./age.js";
import { encodeBase64, isValidBase64 } from "./base64.js";
import { fingerprint } from "./fingerprint.js";
import { isolationPatch } from "./incident.js";
import { credentialValues, weakValues } from "./judge.js";
import {
  type CredentialKeyNames,
  invalidKeyReason,
  SCOUT_SECRET_NAME,
  scoutSecretKeys,
} from "./layout.js";
import {
  externalSecretManifest,
  type Manifest,
  type SecretMode,
  sealedReadyManifest,
  secretManifest,
  toYaml,
} from "./manifest.js";
import { generateToken, type RandomSource, systemRandom } from "./random.js";
import { findReuse } from "./reuse.js";
import { dropPrevious, RotationError, rotateSecret } from "./rotate.js";
import { isSecret, secretEntries } from "./secret-values.js";
import { DEFAULT_MIN_BITS } from "./strength.js";

/** What a command produced. The CLI (or the Action) does the writing, in this order: mask, output, messages. */
export interface CommandResult {
  /** Text to write to `target` (a path, written with mode 0600, or "-" for stdout). May hold secret values. */
  output?: { target: string; text: string };
  /** Lines for stderr (or a log). Never a value: key names and fingerprints at most. */
  messages: string[];
  exitCode: 0 | 1 | 2;
  /** Every generated value: mask them (GitHub Actions' `core.setSecret`) before anything is written. */
  secretValues: string[];
}

export interface InputFile {
  /** As shown to the user. */
  path: string;
  text: string;
}

export interface Clock {
  now?: Date;
  random?: RandomSource;
}

function usage(message: string): CommandResult {
  return { messages: [message], exitCode: 2, secretValues: [] };
}

const NEEDS_OUT = "--out FILE or --out - is required: secret values are written only where you ask";

// ---------------------------------------------------------------------------------------------
// secrets generate

export interface GenerateOptions extends Clock {
  env?: string;
  /** A file path, or "-" for stdout. */
  out?: string;
  /** @default "secret" */
  mode?: SecretMode;
  name?: string;
  namespace?: string;
  /** Include `redis-password`. @default true */
  redis?: boolean;
  /** More keys, e.g. from the config's secrets section. */
  extraKeys?: readonly string[];
  /** The credentials' key names, e.g. from the config's `scout.secrets.keys`. */
  keyNames?: CredentialKeyNames;
  /** For `mode: "external"`: the SecretStore or ClusterSecretStore to read from. */
  store?: { name: string; kind?: "SecretStore" | "ClusterSecretStore" };
  remotePrefix?: string;
}

export function secretsGenerate(options: GenerateOptions): CommandResult {
  const mode = options.mode ?? "secret";
  const keys = scoutSecretKeys({
    redis: options.redis,
    extraKeys: options.extraKeys,
    keyNames: options.keyNames,
  });
  const badKey = keys.map(invalidKeyReason).find(Boolean);
  if (badKey) return usage(`secrets generate: ${badKey}`);
  const name = options.name ?? SCOUT_SECRET_NAME;
  if (mode === "external") return generateExternal(options, keys, name);
  if (!options.out) return usage(`secrets generate: ${NEEDS_OUT}`);
  if (mode === "sealed" && !options.namespace) {
    return usage(
      "secrets generate: --mode sealed needs --namespace (kubeseal seals for one namespace)",
    );
  }
  const random = options.random ?? systemRandom;
  const values = keys.map((key) => [key, generateToken(random)] as const);
  const spec = {
    name,
    namespace: options.namespace,
    environment: options.env,
    values,
    createdAt: options.now ?? new Date(),
  };
  const manifest = mode === "sealed" ? sealedReadyManifest(spec) : secretManifest(spec);
  const where = options.out === "-" ? "stdout" : options.out;
  const hint = mode === "sealed" ? "; seal it: kubeseal --format yaml < FILE > sealed.yaml" : "";
  return {
    output: { target: options.out, text: toYaml([manifest]) },
    messages: [
      `generated Secret ${name}${options.env ? ` for ${options.env}` : ""} -> ${where}${hint}`,
      ...values.map(([key, value]) => `  ${key}: ${fingerprint(value)}`),
    ],
    exitCode: 0,
    secretValues: values.map(([, value]) => value),
  };
}

function generateExternal(options: GenerateOptions, keys: string[], name: string): CommandResult {
  if (!options.store) return usage("secrets generate: --mode external needs --store NAME");
  const manifest = externalSecretManifest({
    name,
    namespace: options.namespace,
    environment: options.env,
    keys,
    store: { name: options.store.name, kind: options.store.kind ?? "ClusterSecretStore" },
    remotePrefix: options.remotePrefix,
  });
  return {
    output: { target: options.out ?? "-", text: toYaml([manifest]) },
    messages: [
      `ExternalSecret ${name} reads ${keys.join(", ")} from ${options.store.name}; put 32-byte values there (openssl rand -base64 32)`,
    ],
    exitCode: 0,
    secretValues: [],
  };
}

// ---------------------------------------------------------------------------------------------
// secrets rotate / incident rotate-all

export interface RotateCommandOptions extends Clock {
  input: InputFile;
  out?: string;
  /** The Secret to rotate. @default "scout-secrets", or the file's only Secret */
  name?: string;
  keys?: readonly string[];
  overlapDays?: number;
  /** Drop `-previous` values whose window has ended instead of rotating. */
  dropPrevious?: boolean;
}

export function secretsRotate(options: RotateCommandOptions): CommandResult {
  if (!options.out) return usage(`secrets rotate: ${NEEDS_OUT}`);
  const now = options.now ?? new Date();
  const documents = parseDocuments(options.input);
  if (typeof documents === "string") return usage(`secrets rotate: ${documents}`);
  const secrets = documents.filter((d) => d.value?.kind === "Secret");
  const target =
    secrets.find((d) => metadataName(d.value) === (options.name ?? SCOUT_SECRET_NAME)) ??
    (options.name === undefined && secrets.length === 1 ? secrets[0] : undefined);
  if (!target?.value) {
    return usage(
      `secrets rotate: ${options.input.path} has no Secret named ${options.name ?? SCOUT_SECRET_NAME}`,
    );
  }
  try {
    if (options.dropPrevious) {
      const { manifest, dropped } = dropPrevious(target.value, now);
      target.replacement = manifest;
      const what = dropped.length
        ? `dropped ${dropped.join(", ")}`
        : "no previous value has expired yet";
      return {
        output: { target: options.out, text: serialize(documents) },
        messages: [`Secret ${metadataName(target.value)}: ${what}`],
        exitCode: 0,
        secretValues: [],
      };
    }
    const rotation = rotateSecret(target.value, {
      keys: options.keys,
      now,
      random: options.random,
      overlapDays: options.overlapDays,
    });
    target.replacement = rotation.manifest;
    return {
      output: { target: options.out, text: serialize(documents) },
      messages: [
        `rotated Secret ${metadataName(target.value)} at ${now.toISOString()}`,
        ...rotation.rotatedKeys.map((key, i) => `  ${key}: ${fingerprint(rotation.newValues[i]!)}`),
      ],
      exitCode: 0,
      secretValues: rotation.newValues,
    };
  } catch (error) {
    if (error instanceof RotationError) return usage(`secrets rotate: ${error.message}`);
    throw error;
  }
}

export interface RotateAllOptions extends Clock, Inputs {
  out?: string;
}

/** Incident response: new values for every credential of every Secret, old values dropped at once. */
export function incidentRotateAll(options: RotateAllOptions): CommandResult {
  if (!options.out) return usage(`incident rotate-all: ${NEEDS_OUT}`);
  const now = options.now ?? new Date();
  const bundle = bundleOf(options);
  const manifests: Manifest[] = [];
  const messages: string[] = [];
  const secretValues: string[] = [];
  for (const object of bundle.objects) {
    const keys = [...new Set(credentialValues(object).map((v) => v.key))].filter(
      (k) => !k.endsWith("-previous"),
    );
    if (keys.length === 0) continue;
    const rotation = rotateSecret(foldable(object), {
      keys,
      now,
      random: options.random,
      overlapDays: 0,
    });
    manifests.push(rotation.manifest);
    secretValues.push(...rotation.newValues);
    messages.push(`rotated ${describeRef(object.ref)}: ${keys.join(", ")}`);
  }
  if (manifests.length === 0) {
    return {
      messages: ["incident rotate-all: no Secret with credentials in the given paths"],
      exitCode: 1,
      secretValues: [],
    };
  }
  messages.push(
    "apply the new Secrets, restart the workloads that read them, and change any external system that holds the old values",
  );
  return {
    output: { target: options.out, text: toYaml(manifests) },
    messages,
    exitCode: 0,
    secretValues,
  };
}

/** A Secret whose invalid `data` values are dropped (they are replaced anyway) so it can be rotated. */
function foldable(object: BundleObject): Manifest {
  const value = structuredClone(object.value) as Manifest;
  const data = (value.data ?? {}) as Record<string, unknown>;
  for (const [key, raw] of Object.entries(data))
    if (typeof raw !== "string" || !isValidBase64(raw)) delete data[key];
  const plain = (value.stringData ?? {}) as Record<string, unknown>;
  for (const [key, raw] of Object.entries(plain)) {
    data[key] = encodeBase64(String(raw));
  }
  delete value.stringData;
  value.data = data;
  return value;
}

interface ParsedDocument {
  text: string;
  value: Manifest | undefined;
  replacement?: Manifest;
}

function parseDocuments(input: InputFile): ParsedDocument[] | string {
  const documents = parseAllDocuments(input.text);
  if (!Array.isArray(documents)) return `${input.path} holds no YAML document`;
  const parsed: ParsedDocument[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) return `${input.path}: YAML syntax error at line ${error.linePos?.[0]?.line ?? "?"}`;
    const value = document.toJS() as unknown;
    parsed.push({
      text: document.toString({ lineWidth: 0 }),
      value:
        typeof value === "object" && value !== null && !Array.isArray(value)
          ? (value as Manifest)
          : undefined,
    });
  }
  return parsed;
}

function serialize(documents: readonly ParsedDocument[]): string {
  return documents
    .map((d) => (d.replacement ? stringify(d.replacement, { lineWidth: 0 }) : d.text))
    .join("---\n");
}

function metadataName(value: Manifest | undefined): string {
  const metadata = value?.metadata as Record<string, unknown> | undefined;
  return typeof metadata?.name === "string" ? metadata.name : "(unnamed)";
}

// ---------------------------------------------------------------------------------------------
// secrets check

export interface CheckOptions extends Inputs {
  /** @default 256 */
  minBits?: number;
  /** @default 90 */
  maxAgeDays?: number;
  now?: Date;
}

export type CheckFinding = Pick<
  Finding,
  "ruleId" | "severity" | "message" | "file" | "line" | "column" | "path"
>;

export interface CheckResult extends CommandResult {
  findings: CheckFinding[];
}

/** The pack's strength checks on Secrets only, plus values reused across Secrets and environments. */
export function secretsCheck(options: CheckOptions): CheckResult {
  const bundle = bundleOf(options);
  const findings: CheckFinding[] = [];
  const add = (
    ruleId: string,
    severity: Severity,
    object: BundleObject,
    pointer: string,
    message: string,
  ) => {
    const position = object.document.locate(object.pointer + pointer);
    findings.push({ ruleId, severity, message, path: pointer, ...position });
  };
  // The same Secret in several environments' folders is the normal case here, not a duplicate.
  for (const problem of bundle.problems.filter((p) => p.ruleId !== "input/duplicate-object")) {
    findings.push({
      ruleId: problem.ruleId,
      severity: "error",
      message: problem.message,
      ...problem.position,
    });
  }
  const secrets = bundle.objects.filter(isSecret);
  for (const object of secrets) checkOneSecret(object, options, add);
  for (const reuse of findReuse(secrets)) {
    const [first, ...others] = reuse.placements;
    for (const other of others) {
      const where = `${describeRef(first!.object.ref)} key "${first!.value.key}"`;
      const message =
        reuse.acrossEnvironments && other.environment !== first!.environment
          ? `key "${other.value.key}" (${reuse.fingerprint}) reuses the value of ${where} from environment "${first!.environment}": use different tokens per environment`
          : `key "${other.value.key}" (${reuse.fingerprint}) has the same value as ${where}`;
      add("secrets/reuse", "error", other.object, other.value.pointer, message);
    }
  }
  findings.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column,
  );
  const errors = findings.filter((f) => f.severity === "error").length;
  const lines = findings.map(
    (f) => `${formatPosition(f)}  ${f.severity}  ${f.message}  ${f.ruleId}`,
  );
  const summary = `${secrets.length} Secret(s) checked: ${errors} error(s), ${findings.length - errors} warning(s)`;
  return {
    output: { target: "-", text: `${[...lines, summary].join("\n")}\n` },
    messages: [],
    exitCode: errors > 0 ? 1 : 0,
    secretValues: [],
    findings,
  };
}

type Add = (
  ruleId: string,
  severity: Severity,
  object: BundleObject,
  pointer: string,
  message: string,
) => void;

function checkOneSecret(object: BundleObject, options: CheckOptions, add: Add): void {
  for (const entry of secretEntries(object)) {
    if (entry.field === "data" && !entry.bytes) {
      add(
        "secrets/valid-base64",
        "error",
        object,
        entry.pointer,
        `data key "${entry.key}" is not valid base64`,
      );
    }
    if (entry.field === "stringData") {
      add(
        "secrets/string-data",
        "warning",
        object,
        entry.pointer,
        `stringData key "${entry.key}" is plain text in the repository`,
      );
    }
  }
  for (const { value, strength } of weakValues(object, {
    minBits: options.minBits ?? DEFAULT_MIN_BITS,
  })) {
    const message = `key "${value.key}" (${value.fingerprint}) is not a strong token: ${strength.weaknesses.join(", ")} (about ${strength.estimatedBits} bits; 256 wanted)`;
    add("secrets/strong-token", "error", object, value.pointer, message);
  }
  const recorded = recordedRotation(object);
  const maxAge = options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  if (recorded && !Number.isNaN(recorded.time)) {
    const age = ageInDays(recorded.time, options.now ?? new Date());
    if (age > maxAge) {
      add(
        "secrets/rotation-age",
        "warning",
        object,
        recorded.pointer,
        `last rotated ${age} days ago (more than ${maxAge}): rotate it`,
      );
    }
  }
}

/** What the commands that read manifests take: files as text, or a bundle already loaded (the CLI's loader). */
export interface Inputs {
  inputs?: readonly InputFile[];
  bundle?: Bundle;
}

function bundleOf(options: Inputs): Bundle {
  return (
    options.bundle ?? buildBundle((options.inputs ?? []).map((i) => parseSource(i.path, i.text)))
  );
}

// ---------------------------------------------------------------------------------------------
// incident isolate

export interface IsolateOptions extends Inputs {
  /** The namespace of the deny-all policy; default: the workloads' own. */
  namespace?: string;
  settings?: Settings;
}

export function incidentIsolate(options: IsolateOptions): CommandResult {
  const bundle = bundleOf(options);
  const settings = options.settings ?? defaultPolicy().settings;
  const isolation = isolationPatch(bundle.objects, settings, options.namespace);
  if (isolation.manifests.length === 0) {
    return {
      messages: ["incident isolate: no workload found in the given paths"],
      exitCode: 1,
      secretValues: [],
    };
  }
  return {
    output: { target: "-", text: toYaml(isolation.manifests) },
    messages: isolation.notes,
    exitCode: 0,
    secretValues: [],
  };
}
