import {
  type Bundle,
  type BundleObject,
  buildBundle,
  isRecord,
  parseSource,
  podTemplateOf,
  splitPointer,
  typedNameProblem,
} from "@scout-deploy/core";
import {
  type Document,
  isMap,
  isNode,
  isScalar,
  LineCounter,
  parseAllDocuments,
  stringify,
  type YAMLMap,
} from "yaml";
import { bytesAsText, decodeBase64, encodeBase64 } from "./base64.js";
import {
  consumerNote,
  SECRETS_DIGEST_ANNOTATION,
  type SecretConsumer,
  secretConsumers,
  secretsBeside,
  secretsDigest,
} from "./consumers.js";
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
  /**
   * Write `scout-deploy.io/secrets-digest` into the pod template of the file's Deployments,
   * StatefulSets and DaemonSets that read a rotated key at start, so that applying rolls them.
   * @default true
   */
  roll?: boolean;
  /**
   * Other manifests searched for readers (`--consumers`). They are not written: each reader
   * there that a restart would refresh is named with the annotation that rolls it.
   */
  elsewhere?: readonly InputFile[];
}

export function secretsRotate(options: RotateCommandOptions): CommandResult {
  if (!options.out) return usage(`secrets rotate: ${NEEDS_OUT}`);
  const now = options.now ?? new Date();
  const documents = parseDocuments(options.input);
  if (typeof documents === "string") return usage(`secrets rotate: ${documents}`);
  const files = searched(options);
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
        messages: [
          `Secret ${metadataName(target.value)}: ${what}`,
          ...droppedReaders(files, target, dropped),
        ],
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
    const consumers = readersOf(files, target, rotation.rotatedKeys);
    const digests =
      options.roll === false
        ? new Map<SecretConsumer, string>()
        : consumerDigests(consumers, target, rotation.manifest);
    const rolled = rollConsumers(documents, digests, options.input.path);
    return {
      output: { target: options.out, text: serialize(documents) },
      messages: [
        `rotated Secret ${metadataName(target.value)} at ${now.toISOString()}`,
        ...rotation.rotatedKeys.map((key, i) => `  ${key}: ${fingerprint(rotation.newValues[i]!)}`),
        overlapMessage(rotation.rotatedKeys, rotation.previousExpiresAt),
        ...consumerMessages(files, consumers.consumers, rolled, digests, target),
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

/**
 * Where the old values are: in the Secret under `-previous` for the window, which nothing of
 * Scout reads, so they keep no client working; they are a copy to roll back to.
 */
function overlapMessage(keys: readonly string[], expires: Date | undefined): string {
  if (!expires) return "  no overlap: the old values are gone from the Secret";
  const previous = keys.map((key) => `${key}-previous`).join(", ");
  return `  the old values stay in the Secret under ${previous} until ${expires.toISOString()} (a copy to roll back to: Scout's pods read only ${keys.join(", ")}); then run rotate --drop-previous`;
}

/** The file holding the Secret, then the other files searched for its readers. */
interface Searched {
  input: InputFile;
  elsewhere: readonly InputFile[];
}

function searched(options: RotateCommandOptions): Searched {
  const elsewhere = (options.elsewhere ?? []).filter((file) => file.path !== options.input.path);
  return { input: options.input, elsewhere };
}

/** The target Secret as the bundle of the searched files sees it, with that bundle. */
function bundledTarget({ input, elsewhere }: Searched, target: SecretSlot) {
  const bundle = buildBundle(
    [input, ...elsewhere].map((file) => parseSource(file.path, file.text)),
  );
  const metadata = isRecord(target.value.metadata) ? target.value.metadata : {};
  const secret = bundle.objects.find(
    (o) =>
      o.document.file.path === input.path &&
      o.value.kind === "Secret" &&
      o.ref.name === metadata.name &&
      o.ref.namespace === (typeof metadata.namespace === "string" ? metadata.namespace : undefined),
  );
  return { bundle, secret };
}

/** The workloads of the searched files that read any of `keys` of the target Secret. */
function readersOf(files: Searched, target: SecretSlot, keys: readonly string[]) {
  const { bundle, secret } = bundledTarget(files, target);
  if (!secret) return { bundle, consumers: [] as SecretConsumer[] };
  return { bundle, consumers: secretConsumers(bundle, secret, keys) };
}

/** The digest of the Secret data each rollable consumer reads at start, after the rotation. */
function consumerDigests(
  { bundle, consumers }: ReturnType<typeof readersOf>,
  target: SecretSlot,
  rotated: Manifest,
): Map<SecretConsumer, string> {
  const digests = new Map<SecretConsumer, string>();
  for (const consumer of consumers) {
    if (consumer.fate !== "roll" && consumer.fate !== "held") continue;
    const beside = secretsBeside(bundle, consumer.workload);
    const dataOf = (name: string) =>
      name === metadataName(target.value) ? dataStrings(rotated) : storedData(beside.get(name));
    digests.set(consumer, secretsDigest(consumer.workload, dataOf));
  }
  return digests;
}

/**
 * Writes each digest into the consumer's pod template, in the output file's own document (its
 * other lines as written). Readers of other files are not written. Returns those rolled.
 */
function rollConsumers(
  documents: readonly ParsedDocument[],
  digests: ReadonlyMap<SecretConsumer, string>,
  file: string,
): Set<SecretConsumer> {
  const rolled = new Set<SecretConsumer>();
  for (const [consumer, digest] of digests) {
    if (consumer.workload.document.file.path !== file) continue;
    const template = podTemplateOf(consumer.workload)!;
    const path = [...splitPointer(template.metadataPointer), "annotations"];
    if (annotate(documents, consumer.workload, path, digest)) rolled.add(consumer);
  }
  return rolled;
}

/**
 * Notes on every reader: rolled, to roll in its own file (`--consumers`), refreshed in place, or
 * left with the old values (and why).
 */
function consumerMessages(
  files: Searched,
  consumers: readonly SecretConsumer[],
  rolled: ReadonlySet<SecretConsumer>,
  digests: ReadonlyMap<SecretConsumer, string>,
  target: SecretSlot,
): string[] {
  const secret = metadataName(target.value);
  const lines: string[] = [];
  const group = (
    title: string,
    members: SecretConsumer[],
    note = (c: SecretConsumer) => [consumerNote(c, secret)],
  ) => {
    if (members.length > 0) lines.push(title, ...members.flatMap(note));
  };
  const rollable = (c: SecretConsumer) => c.fate === "roll" && digests.has(c);
  const elsewhere = (c: SecretConsumer) => c.workload.document.file.path !== files.input.path;
  group(
    `  rolled when the output is applied (${SECRETS_DIGEST_ANNOTATION} in the pod template):`,
    consumers.filter((c) => rollable(c) && rolled.has(c)),
  );
  group(
    `  in another file, which rotate does not write: set ${SECRETS_DIGEST_ANNOTATION} in its pod template's annotations to the value shown, or restart it once the Secret is applied`,
    consumers.filter((c) => rollable(c) && elsewhere(c)),
    (c) => [
      consumerNote(c, secret, "a new pod template rolls its pods"),
      `      ${SECRETS_DIGEST_ANNOTATION}: "${digests.get(c)}"`,
    ],
  );
  group(
    "  NOT restarted by applying the output: these pods keep the old values until recreated",
    consumers.filter(
      (c) => c.fate !== "refreshed" && !(rollable(c) && (rolled.has(c) || elsewhere(c))),
    ),
  );
  group(
    "  read through mounted files, no restart needed:",
    consumers.filter((c) => c.fate === "refreshed"),
  );
  const others = files.elsewhere.length;
  lines.push(
    others > 0
      ? `  searched ${files.input.path} and ${others} other file${others === 1 ? "" : "s"} (--consumers) for readers of ${secret}`
      : `  only ${files.input.path} was searched: a workload elsewhere that reads ${secret} through env, envFrom or subPath keeps the old values until restarted (kubectl rollout restart deployment/NAME); --consumers PATH searches more`,
  );
  return lines;
}

/** Readers that name a dropped `-previous` key: their new pods cannot start without it. */
function droppedReaders(files: Searched, target: SecretSlot, dropped: readonly string[]) {
  if (dropped.length === 0) return [];
  const { consumers } = readersOf(files, target, dropped);
  return consumers
    .filter((c) => c.reads.some((read) => read.keys !== "all"))
    .map(
      (c) =>
        `${consumerNote(c, metadataName(target.value)).trimStart()}; it names a dropped key: its new pods fail to start (CreateContainerConfigError) unless the reference is optional`,
    );
}

/** `data` with `stringData` folded in, base64 as the API server stores it. */
function storedData(secret: BundleObject | undefined): Record<string, string> | undefined {
  if (!secret) return undefined;
  const data = dataStrings(secret.value);
  const plain = isRecord(secret.value.stringData) ? secret.value.stringData : {};
  for (const [key, value] of Object.entries(plain)) data[key] = encodeBase64(String(value));
  return data;
}

function dataStrings(secret: Manifest): Record<string, string> {
  const data = isRecord(secret.data) ? secret.data : {};
  return Object.fromEntries(
    Object.entries(data).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/**
 * Sets `annotations[SECRETS_DIGEST_ANNOTATION]` at `path` of the workload's document (or List
 * item), creating what is missing and keeping the rest of the document as written.
 */
function annotate(
  documents: readonly ParsedDocument[],
  workload: BundleObject,
  path: readonly string[],
  digest: string,
): boolean {
  const slot = workloadSlot(documents, workload);
  if (!slot) return false;
  const full = [...(slot.item === undefined ? [] : ["items", slot.item]), ...path];
  const { document } = slot;
  if (document.replacement) {
    setNested(document.replacement, full, digest);
    return true;
  }
  // Edited as text where the template's metadata is a block map (the rest of the document stays
  // byte for byte); reprinted from its nodes otherwise.
  const edit = textEdit(document, full, digest);
  if (edit) document.edits.push(edit);
  else document.touched = true;
  for (let depth = 1; depth <= full.length; depth++) {
    const node = document.document.getIn(full.slice(0, depth), true);
    if (!isMap(node)) {
      document.document.setIn(full.slice(0, depth), nested(full.slice(depth), digest));
      return true;
    }
  }
  document.document.setIn([...full, SECRETS_DIGEST_ANNOTATION], digest);
  return true;
}

/** A change of a document's text: `text` in place of `[at, end)`, offsets in the document's source. */
interface TextEdit {
  at: number;
  end: number;
  text: string;
}

/** The digest's line put into the block map of annotations (or a new one under metadata). */
function textEdit(
  document: ParsedDocument,
  annotationsPath: readonly (string | number)[],
  digest: string,
): TextEdit | undefined {
  const line = `${SECRETS_DIGEST_ANNOTATION}: ${digest}`;
  const annotations = document.document.getIn(annotationsPath, true);
  if (isMap(annotations) && !annotations.flow) {
    const existing = annotations.get(SECRETS_DIGEST_ANNOTATION, true);
    if (isScalar(existing) && existing.range) {
      const [at, end] = existing.range.map((offset) => offset - document.start);
      return { at: at!, end: end!, text: digest };
    }
    return beforeFirstKey(document, annotations, [line]);
  }
  if (annotations !== undefined) return undefined;
  const metadata = document.document.getIn(annotationsPath.slice(0, -1), true);
  if (isMap(metadata) && !metadata.flow)
    return beforeFirstKey(document, metadata, ["annotations:", `  ${line}`]);
  return undefined;
}

/** `lines` inserted before the first key of a block map, at that key's indentation. */
function beforeFirstKey(
  document: ParsedDocument,
  map: YAMLMap,
  lines: readonly string[],
): TextEdit | undefined {
  const key = map.items[0]?.key;
  if (!isNode(key) || !key.range) return undefined;
  const at = key.range[0] - document.start;
  const lineStart = document.text.lastIndexOf("\n", at - 1) + 1;
  const indent = document.text.slice(lineStart, at);
  if (!/^ *$/.test(indent)) return undefined;
  return { at: lineStart, end: lineStart, text: lines.map((l) => `${indent}${l}\n`).join("") };
}

function nested(path: readonly (string | number)[], digest: string): Record<string, unknown> {
  let value: Record<string, unknown> = { [SECRETS_DIGEST_ANNOTATION]: digest };
  for (const key of [...path].reverse()) value = { [key]: value };
  return value;
}

function setNested(root: Manifest, path: readonly (string | number)[], digest: string): void {
  let node: Record<string, unknown> | unknown[] = root;
  for (const key of path) {
    const next: unknown = (node as Record<string, unknown>)[key];
    if (typeof next !== "object" || next === null) (node as Record<string, unknown>)[key] = {};
    node = (node as Record<string, unknown>)[key] as Record<string, unknown>;
  }
  (node as Record<string, unknown>)[SECRETS_DIGEST_ANNOTATION] = digest;
}

/** The document (or List item) that holds the workload: same kind, name and namespace. */
function workloadSlot(documents: readonly ParsedDocument[], workload: BundleObject) {
  const same = (value: Manifest) => {
    const metadata = isRecord(value.metadata) ? value.metadata : {};
    return (
      value.kind === workload.ref.kind &&
      metadata.name === workload.ref.name &&
      (metadata.namespace ?? undefined) === workload.ref.namespace
    );
  };
  for (const document of documents) {
    const value = document.replacement ?? document.value;
    if (!value) continue;
    if (same(value)) return { document, item: undefined };
    const item = listItems(value).findIndex(same);
    if (item >= 0) return { document, item };
  }
  return undefined;
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
  /** Offset of its source (`text`) in the file. */
  start: number;
  /** Changes to its source, applied when written. */
  edits: TextEdit[];
  /** A change its source could not take as text: written from its nodes, comments kept. */
  touched?: boolean;
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
      text: sourceOf(input.text, documents, parsed.length),
      start: parsed.length === 0 ? 0 : document.range[0],
      edits: [],
      value:
        typeof value === "object" && value !== null && !Array.isArray(value)
          ? (value as Manifest)
          : undefined,
    });
  }
  return parsed;
}

/**
 * The exact source of document `index`, from its `---` (the file's start for the first) to the
 * next one's: the documents' sources put together are the file, byte for byte.
 */
function sourceOf(text: string, documents: readonly Document.Parsed[], index: number): string {
  const start = index === 0 ? 0 : documents[index]!.range[0];
  const end = documents[index + 1]?.range[0] ?? text.length;
  return text.slice(start, end);
}

/** The file again: untouched documents as written, changed ones printed anew. */
function serialize(documents: readonly ParsedDocument[]): string {
  return documents
    .map((d, index) => {
      if (d.replacement) {
        const marker = index > 0 || d.text.startsWith("---") ? "---\n" : "";
        return `${separated(documents, index)}${marker}${stringify(d.replacement, { lineWidth: 0 })}`;
      }
      if (d.touched)
        return `${separated(documents, index)}${d.document.toString({ lineWidth: 0 })}`;
      return withEdits(d.text, d.edits);
    })
    .join("");
}

function withEdits(text: string, edits: readonly TextEdit[]): string {
  let edited = text;
  for (const { at, end, text: put } of [...edits].sort((a, b) => b.at - a.at))
    edited = edited.slice(0, at) + put + edited.slice(end);
  return edited;
}

/** A line break when the document before ends without one (its last line had none). */
function separated(documents: readonly ParsedDocument[], index: number): string {
  const before = documents[index - 1];
  return before && !before.replacement && !before.touched && !before.text.endsWith("\n")
    ? "\n"
    : "";
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
