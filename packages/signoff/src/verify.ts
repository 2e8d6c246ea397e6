import type { FailOn } from "@scout-deploy/core";
import { type ConfigCheck, type CurrentConfig, checkConfig } from "./config.js";
import {
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  type ParsedRecord,
  pae,
  parseRecord,
  payloadBytes,
} from "./dsse.js";
import { readPublicKey } from "./keys.js";
import { checkPlugins, type PluginCheck, type RecordedPlugin } from "./plugins.js";
import {
  checkedPaths,
  PREDICATE_TYPE,
  type SignedFile,
  type SignoffPredicate,
  STATEMENT_TYPE,
  type Subject,
  subjectsOf,
} from "./statement.js";

export type FileProblem =
  | { name: string; status: "changed"; signed: string; current: string }
  | { name: string; status: "missing"; signed: string }
  | { name: string; status: "extra"; current: string };

/** Verify walks what the sign-off walked, as relative paths. */
export interface PathsCheck {
  ok: boolean;
  /** The paths the record names; absent when it was signed before records named them. */
  signed?: readonly string[];
  given: readonly string[];
  detail: string;
}

export type SignatureStatus = "ok" | "bad" | "unsigned" | "keyless";

export interface VerifyReport {
  ok: boolean;
  signature: { status: SignatureStatus; detail: string };
  /** Problems with the statement itself (type, predicate type, shape); empty when fine. */
  statementProblems: string[];
  verdict: "pass" | "fail" | "unknown";
  /** Whether the verdict was taken at a threshold at least as strict as the verifier requires. */
  threshold: { ok: boolean; required: FailOn; signed?: FailOn; detail: string };
  /** The config used now against the signed one; absent when the caller gave no config to compare. */
  config?: ConfigCheck;
  /** The rule packs loaded now against the signed ones; absent when the caller gave none to compare. */
  plugins?: PluginCheck;
  /** The paths given to verify against the signed ones; absent when the caller gave none to compare. */
  paths?: PathsCheck;
  /** Every file that differs from the signed set, sorted by name. */
  files: FileProblem[];
  /** How many files the record names. */
  signedFiles: number;
  predicate?: SignoffPredicate;
}

/**
 * The Kubernetes version a record says its check judged against, read before the signature is
 * checked: verify renders the charts for it, so that it compares what the sign-off rendered (the
 * signature check still decides). null when the record names none (signed before the version was
 * recorded); undefined when the record cannot be read that far (verify says why).
 */
export function recordedKubernetesVersion(record: string): string | null | undefined {
  try {
    const { envelope } = parseRecord(record);
    const statement = JSON.parse(payloadBytes(envelope).toString("utf8")) as {
      predicate?: { kubernetesVersion?: unknown };
    };
    const version = statement.predicate?.kubernetesVersion;
    if (version === null) return null;
    return typeof version === "string" && /^v?\d+\.\d+(?:\.\d+)?$/.test(version)
      ? version
      : undefined;
  } catch {
    return undefined;
  }
}

/** From the most lenient threshold to the strictest: `info` fails on every finding. */
const STRICTNESS: Record<FailOn, number> = { never: 0, error: 1, warning: 2, info: 3 };

/**
 * Checks a sign-off record against a public key and the files about to be applied:
 * the signature, that the statement is ours, that the verdict was a pass at a threshold at
 * least as strict as `requireFailOn` (a pass at `failOn: never` passes anything), and that the
 * files are exactly the signed ones (each changed, missing or extra file named), and, when
 * `currentConfig` is given (null: no config file), that the config means what the signed one did,
 * and, when `currentPlugins` is given, that every rule pack's code is the signed one.
 */
export function verifySignoff(
  record: string | DsseEnvelope,
  publicKeyPem: string,
  currentFiles: readonly SignedFile[],
  cwd?: string,
  requireFailOn: FailOn = "error",
  currentConfig?: CurrentConfig,
  currentPlugins?: readonly RecordedPlugin[],
  currentPaths?: readonly string[],
): VerifyReport {
  const parsed: ParsedRecord =
    typeof record === "string" ? parseRecord(record) : { kind: "envelope", envelope: record };
  const key = readPublicKey(publicKeyPem);
  const signature = checkSignature(parsed, key);
  const { statement, problems } = readStatement(parsed.envelope);
  const signed = statement?.subject ?? [];
  const files = compareFiles(signed, subjectsOf(currentFiles, cwd));
  const verdict = statement ? statement.predicate.verdict : "unknown";
  const threshold = checkThreshold(statement?.predicate.failOn, requireFailOn);
  const config =
    currentConfig === undefined
      ? undefined
      : checkConfig(statement?.predicate ?? {}, currentConfig);
  const plugins =
    currentPlugins === undefined
      ? undefined
      : checkPlugins(statement?.predicate.plugins, currentPlugins);
  const paths =
    currentPaths === undefined
      ? undefined
      : checkPaths(statement?.predicate.paths, checkedPaths(currentPaths, cwd ?? process.cwd()));
  const report: VerifyReport = {
    ok:
      signature.status === "ok" &&
      problems.length === 0 &&
      verdict === "pass" &&
      threshold.ok &&
      (config?.ok ?? true) &&
      (plugins?.ok ?? true) &&
      (paths?.ok ?? true) &&
      files.length === 0,
    signature,
    statementProblems: problems,
    verdict,
    threshold,
    files,
    signedFiles: signed.length,
  };
  if (config) report.config = config;
  if (plugins) report.plugins = plugins;
  if (paths) report.paths = paths;
  if (statement) report.predicate = statement.predicate;
  return report;
}

/**
 * Verifying one file of a signed folder would pass while a file added beside it goes out with the
 * folder, so the paths must be the signed ones, in any order.
 */
function checkPaths(signed: readonly string[] | undefined, given: readonly string[]): PathsCheck {
  const shown = (paths: readonly string[]) =>
    paths.length === 0 ? "no path (the config)" : paths.join(" ");
  if (!signed) {
    return {
      ok: true,
      given,
      detail: `the record names no paths (signed before they were recorded); verifying ${shown(given)}`,
    };
  }
  const sortedGiven = [...given].sort();
  const same =
    signed.length === given.length && [...signed].sort().every((p, i) => p === sortedGiven[i]);
  const detail = same
    ? `${shown(given)}, the paths the sign-off was given`
    : `signed for ${shown(signed)}, verifying ${shown(given)}: give verify the paths the sign-off was given (those the deployment applies)`;
  return { ok: same, signed, given, detail };
}

export function isFailOn(value: unknown): value is FailOn {
  return typeof value === "string" && Object.hasOwn(STRICTNESS, value);
}

function checkThreshold(signed: unknown, required: FailOn): VerifyReport["threshold"] {
  if (!isFailOn(signed)) {
    return {
      ok: false,
      required,
      detail: `the record names no failOn threshold, and --require-fail-on ${required} needs one`,
    };
  }
  if (STRICTNESS[signed] >= STRICTNESS[required]) {
    return { ok: true, required, signed, detail: `verdict taken at failOn ${signed}` };
  }
  const what =
    signed === "never"
      ? "failOn never passes whatever is found"
      : `failOn ${signed} lets ${required} findings pass`;
  return {
    ok: false,
    required,
    signed,
    detail: `verdict taken at failOn ${signed}, below the required ${required} (${what}); sign off at failOn ${required} or stricter, or lower --require-fail-on`,
  };
}

function checkSignature(
  record: ParsedRecord,
  key: ReturnType<typeof readPublicKey>,
): VerifyReport["signature"] {
  const { envelope } = record;
  if (record.kind === "sigstore-bundle") {
    return {
      status: "keyless",
      detail:
        "signed keyless (Sigstore bundle): check it with `gh attestation verify <file> --repo OWNER/REPO`, not with --key",
    };
  }
  if (envelope.signatures.length === 0) {
    return {
      status: "unsigned",
      detail: "the record is UNSIGNED: it proves nothing about who checked",
    };
  }
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return {
      status: "bad",
      detail: `payloadType is ${envelope.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`,
    };
  }
  const message = pae(envelope.payloadType, payloadBytes(envelope));
  const good = envelope.signatures.some((s) => key.verify(message, Buffer.from(s.sig, "base64")));
  if (good) return { status: "ok", detail: `signed by key ${key.keyid}` };
  const keyids = envelope.signatures.map((s) => s.keyid).filter(Boolean);
  const other = keyids.length > 0 && !keyids.includes(key.keyid);
  return {
    status: "bad",
    detail: other
      ? `signed by another key (${keyids.join(", ")}), not by ${key.keyid}`
      : `the signature does not match the record's content and key ${key.keyid}`,
  };
}

interface StatementCheck {
  statement?: { subject: Subject[]; predicate: SignoffPredicate };
  problems: string[];
}

function readStatement(envelope: DsseEnvelope): StatementCheck {
  let value: unknown;
  try {
    value = JSON.parse(payloadBytes(envelope).toString("utf8"));
  } catch {
    return { problems: ["the payload is not a JSON in-toto statement"] };
  }
  const problems: string[] = [];
  const statement = value as Partial<{
    _type: unknown;
    subject: unknown;
    predicateType: unknown;
    predicate: unknown;
  }>;
  if (statement._type !== STATEMENT_TYPE)
    problems.push(`_type is ${String(statement._type)}, not ${STATEMENT_TYPE}`);
  if (statement.predicateType !== PREDICATE_TYPE) {
    problems.push(`predicateType is ${String(statement.predicateType)}, not ${PREDICATE_TYPE}`);
  }
  const subject = Array.isArray(statement.subject) ? statement.subject.filter(isSubject) : [];
  if (!Array.isArray(statement.subject) || subject.length !== statement.subject.length) {
    problems.push("subject is not a list of {name, digest.sha256}");
  }
  const predicate = statement.predicate as SignoffPredicate | undefined;
  if (
    typeof predicate !== "object" ||
    predicate === null ||
    !["pass", "fail"].includes(predicate.verdict)
  ) {
    problems.push("predicate has no verdict");
    return { problems };
  }
  const plugins = (predicate as { plugins?: unknown }).plugins;
  if (plugins !== undefined && !(Array.isArray(plugins) && plugins.every(isRecordedPlugin))) {
    problems.push("predicate.plugins is not a list of {name, digest.sha256}");
  }
  // Records before the field judged the whole bundle; one judging less never passes.
  const scope = (predicate as { scope?: unknown }).scope;
  if (scope !== undefined && scope !== "whole") {
    problems.push(
      `the verdict judged ${String(scope)}, not the whole bundle: only a whole pass is a pass`,
    );
  }
  return { statement: { subject, predicate }, problems };
}

function isRecordedPlugin(value: unknown): value is RecordedPlugin {
  const p = value as RecordedPlugin;
  return typeof p?.name === "string" && typeof p.digest?.sha256 === "string";
}

function isSubject(value: unknown): value is Subject {
  const s = value as Subject;
  return typeof s?.name === "string" && typeof s.digest?.sha256 === "string";
}

function compareFiles(signed: readonly Subject[], current: readonly Subject[]): FileProblem[] {
  const now = new Map(current.map((s) => [s.name, s.digest.sha256]));
  const before = new Map(signed.map((s) => [s.name, s.digest.sha256]));
  const problems: FileProblem[] = [];
  for (const [name, digest] of before) {
    const actual = now.get(name);
    if (actual === undefined) problems.push({ name, status: "missing", signed: digest });
    else if (actual !== digest)
      problems.push({ name, status: "changed", signed: digest, current: actual });
  }
  for (const [name, digest] of now) {
    if (!before.has(name)) problems.push({ name, status: "extra", current: digest });
  }
  return problems.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
