import { type Bundle, typedNameProblem } from "@scout-deploy/core";
import { type Document, LineCounter, parseAllDocuments, stringify } from "yaml";
import { bytesAsText, decodeBase64 } from "./base64.js";
import { fingerprint } from "./fingerprint.js";
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
import { dropPrevious, RotationError, rotateSecret } from "./rotate.js";

/** What a command produced. The CLI (or the Action) does the writing, in this order: mask, output, messages. */
export interface CommandResult {
  /** Text to write to `target` (a path, written with mode 0600, or "-" for stdout). May hold secret values. */
  output?: { target: string; text: string };
  /** Lines for stderr (or a log). Never a value: key names and fingerprints at most. */
  messages: string[];
  exitCode: 0 | 1 | 2;
  /** Every generated value: mask them (GitHub Actions' `core.setSecret`) before anything is written. */
  secretValues: string[];
  /**
   * Values the output carries that were already there (kept keys, `-previous` ones, other
   * Secrets of the file), each as written and decoded: live credentials too, masked as they are.
   */
  heldValues?: string[];
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
  const badMetadata = metadataProblem(options);
  if (badMetadata) return usage(`secrets generate: ${badMetadata}`);
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

/** A name, namespace or environment label the API server would refuse: kubectl apply fails. */
function metadataProblem(options: GenerateOptions): string | undefined {
  const problems = [
    options.name !== undefined && typedNameProblem("object name", options.name),
    options.namespace !== undefined && typedNameProblem("namespace name", options.namespace),
    options.env !== undefined && typedNameProblem("label value", options.env),
  ];
  const flags = ["--name", "--namespace", "--env"];
  const at = problems.findIndex(Boolean);
  return at < 0 ? undefined : `${flags[at]}: ${problems[at]}`;
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
// secrets rotate

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
  const secrets = secretSlots(documents);
  const target =
    secrets.find((slot) => metadataName(slot.value) === (options.name ?? SCOUT_SECRET_NAME)) ??
    (options.name === undefined && secrets.length === 1 ? secrets[0] : undefined);
  if (!target) {
    return usage(
      `secrets rotate: ${options.input.path} has no Secret named ${options.name ?? SCOUT_SECRET_NAME}`,
    );
  }
  try {
    if (options.dropPrevious) {
      const { manifest, dropped } = dropPrevious(target.value, now);
      replace(target, manifest);
      const what = dropped.length
        ? `dropped ${dropped.join(", ")}`
        : "no previous value has expired yet";
      return {
        output: { target: options.out, text: serialize(documents) },
        messages: [`Secret ${metadataName(target.value)}: ${what}`],
        exitCode: 0,
        secretValues: [],
        heldValues: heldValues(documents),
      };
    }
    const rotation = rotateSecret(target.value, {
      keys: options.keys,
      now,
      random: options.random,
      overlapDays: options.overlapDays,
    });
    replace(target, rotation.manifest);
    return {
      output: { target: options.out, text: serialize(documents) },
      messages: [
        `rotated Secret ${metadataName(target.value)} at ${now.toISOString()}`,
        ...rotation.rotatedKeys.map((key, i) => `  ${key}: ${fingerprint(rotation.newValues[i]!)}`),
        overlapMessage(rotation.rotatedKeys, rotation.previousExpiresAt),
      ],
      exitCode: 0,
      secretValues: rotation.newValues,
      heldValues: heldValues(documents),
    };
  } catch (error) {
    if (error instanceof RotationError) {
      return usage(
        `secrets rotate: ${where(options.input.path, target, error.path)}${error.message}`,
      );
    }
    throw error;
  }
}

/** A Secret of the file: a document of its own, or an item of a List document, as kubectl reads both. */
interface SecretSlot {
  document: ParsedDocument;
  /** Its index in the List's `items`. */
  item?: number;
  value: Manifest;
}

function secretSlots(documents: readonly ParsedDocument[]): SecretSlot[] {
  return documents.flatMap((document): SecretSlot[] => {
    const { value } = document;
    if (value?.kind === "Secret") return [{ document, value }];
    return listItems(value).flatMap((item, index): SecretSlot[] =>
      item.kind === "Secret" ? [{ document, item: index, value: item }] : [],
    );
  });
}

/** The objects of a `List` (or `SecretList` and the like) document. */
function listItems(value: Manifest | undefined): Manifest[] {
  if (typeof value?.kind !== "string" || !value.kind.endsWith("List")) return [];
  if (!Array.isArray(value.items)) return [];
  return value.items.filter(
    (item): item is Manifest => typeof item === "object" && item !== null && !Array.isArray(item),
  );
}

function replace(slot: SecretSlot, manifest: Manifest): void {
  const { document, item } = slot;
  if (item === undefined) {
    document.replacement = manifest;
    return;
  }
  const list = document.value!;
  const items = (list.items as unknown[]).map((each) => (each === slot.value ? manifest : each));
  document.replacement = { ...list, items };
}

/** How long clients holding an old value keep working: the overlap window, or none. */
function overlapMessage(keys: readonly string[], expires: Date | undefined): string {
  if (!expires) return "  no overlap: the old values are gone; every client needs the new ones now";
  const previous = keys.map((key) => `${key}-previous`).join(", ");
  return `  the old values stay under ${previous} until ${expires.toISOString()}; then run rotate --drop-previous`;
}

/** `file:line: ` of a node of the target Secret, or `file: ` when the node has no position. */
function where(path: string, target: SecretSlot, nodePath: readonly string[] | undefined) {
  const prefix = target.item === undefined ? [] : ["items", target.item];
  const node = nodePath
    ? target.document.document.getIn([...prefix, ...nodePath], true)
    : undefined;
  const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
  if (offset === undefined) return `${path}: `;
  return `${path}:${target.document.lines.linePos(offset).line}: `;
}

/** Every value of every Secret the output will hold, as written and (for `data`) decoded to text. */
function heldValues(documents: readonly ParsedDocument[]): string[] {
  return valuesHeldBy(
    documents.flatMap((d): Manifest[] => {
      const manifest = d.replacement ?? d.value;
      return manifest ? [manifest, ...listItems(manifest)] : [];
    }),
  );
}

/** The values of the Secrets among `manifests`, as written and (for `data`) decoded to text, for masking. */
function valuesHeldBy(manifests: readonly Manifest[]): string[] {
  const held = new Set<string>();
  for (const secret of manifests) {
    if (secret.kind !== "Secret") continue;
    for (const field of ["data", "stringData"] as const) {
      const values = secret[field];
      if (typeof values !== "object" || values === null) continue;
      for (const raw of Object.values(values)) {
        if (typeof raw !== "string" || raw === "") continue;
        held.add(raw);
        const bytes = field === "data" ? decodeBase64(raw) : undefined;
        const text = bytes && bytesAsText(bytes);
        if (text) held.add(text);
      }
    }
  }
  return [...held];
}

interface ParsedDocument {
  document: Document.Parsed;
  lines: LineCounter;
  text: string;
  value: Manifest | undefined;
  replacement?: Manifest;
}

function parseDocuments(input: InputFile): ParsedDocument[] | string {
  const lines = new LineCounter();
  const documents = parseAllDocuments(input.text, { lineCounter: lines });
  if (!Array.isArray(documents)) return `${input.path} holds no YAML document`;
  const parsed: ParsedDocument[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) return `${input.path}: YAML syntax error at line ${error.linePos?.[0]?.line ?? "?"}`;
    const value = document.toJS() as unknown;
    parsed.push({
      document,
      lines,
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

/** What the commands that read manifests take: files as text, or a bundle already loaded (the CLI's loader). */
export interface Inputs {
  inputs?: readonly InputFile[];
  bundle?: Bundle;
}
