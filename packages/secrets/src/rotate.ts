import { isRecord } from "@scout-deploy/core";
import { decodeBase64, encodeBase64 } from "./base64.js";
import { fingerprint } from "./fingerprint.js";
import { ANNOTATIONS, isPreviousKey, previousKey } from "./layout.js";
import type { Manifest } from "./manifest.js";
import { rfc3339 } from "./manifest.js";
import { generateToken, type RandomSource, systemRandom } from "./random.js";

export interface RotateOptions {
  /** Keys to rotate. @default every key except `-previous` ones */
  keys?: readonly string[];
  now: Date;
  random?: RandomSource;
  /**
   * Keep each old value under `<key>-previous` until `now + overlapDays`, so clients holding the
   * old token keep working while they roll. 0 drops old values at once (an incident). @default 7
   */
  overlapDays?: number;
}

export interface Rotation {
  manifest: Manifest;
  rotatedKeys: string[];
  /** The new values, for masking; never print them. */
  newValues: string[];
  /** When the `-previous` values may go; undefined when none is kept. */
  previousExpiresAt: Date | undefined;
}

export const DEFAULT_OVERLAP_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export class RotationError extends Error {
  override readonly name = "RotationError";
  /** Where in the Secret the problem is, e.g. ["data", "api-token"], for a file:line message. */
  readonly path: readonly string[] | undefined;
  constructor(message: string, path?: readonly string[]) {
    super(message);
    this.path = path;
  }
}

/** A Secret with new values for the chosen keys; the old ones kept under `-previous` for the overlap window. */
export function rotateSecret(secret: Manifest, options: RotateOptions): Rotation {
  const random = options.random ?? systemRandom;
  const overlapDays = options.overlapDays ?? DEFAULT_OVERLAP_DAYS;
  const data = mergedData(secret);
  const keys = options.keys?.length
    ? [...options.keys]
    : Object.keys(data).filter((k) => !isPreviousKey(k));
  for (const key of keys) {
    if (isPreviousKey(key))
      throw new RotationError(`"${key}" is a previous value; rotate "${key.slice(0, -9)}"`);
    if (!(key in data)) throw new RotationError(`the Secret has no key "${key}"`);
  }
  const newValues: string[] = [];
  for (const key of keys) {
    if (overlapDays > 0) data[previousKey(key)] = data[key]!;
    else delete data[previousKey(key)];
    const value = generateToken(random);
    newValues.push(value);
    data[key] = encodeBase64(value);
  }
  if (overlapDays === 0)
    for (const key of Object.keys(data)) if (isPreviousKey(key)) delete data[key];
  const expires =
    overlapDays > 0 ? new Date(options.now.getTime() + overlapDays * DAY_MS) : undefined;
  const manifest = withData(secret, data, options.now, expires);
  return { manifest, rotatedKeys: keys, newValues, previousExpiresAt: expires };
}

/** Drops the `-previous` values once their overlap window has ended (or at once with `force`). */
export function dropPrevious(
  secret: Manifest,
  now: Date,
  force = false,
): { manifest: Manifest; dropped: string[] } {
  const annotations = annotationsOf(secret);
  const expires = Date.parse(annotations[ANNOTATIONS.previousExpiresAt] ?? "");
  const data = mergedData(secret);
  const previous = Object.keys(data).filter(isPreviousKey);
  if (!force && !(expires <= now.getTime())) return { manifest: secret, dropped: [] };
  for (const key of previous) delete data[key];
  const rotatedAt = Date.parse(annotations[ANNOTATIONS.rotatedAt] ?? "");
  const manifest = withData(
    secret,
    data,
    Number.isNaN(rotatedAt) ? now : new Date(rotatedAt),
    undefined,
  );
  return { manifest, dropped: previous };
}

function annotationsOf(secret: Manifest): Record<string, string> {
  const metadata = isRecord(secret.metadata) ? secret.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  return Object.fromEntries(
    Object.entries(annotations).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** `data` with `stringData` folded in (base64-encoded), as the API server would store it. */
function mergedData(secret: Manifest): Record<string, string> {
  if (secret.kind !== "Secret")
    throw new RotationError(`expected a Secret, got ${String(secret.kind)}`);
  const data: Record<string, string> = {};
  const source = isRecord(secret.data) ? secret.data : {};
  for (const [key, value] of Object.entries(source)) {
    if (typeof value !== "string" || !decodeBase64(value)) {
      throw new RotationError(`data key "${key}" is not valid base64`, ["data", key]);
    }
    data[key] = value;
  }
  const plain = isRecord(secret.stringData) ? secret.stringData : {};
  for (const [key, value] of Object.entries(plain)) data[key] = encodeBase64(String(value));
  return data;
}

function withData(
  secret: Manifest,
  data: Record<string, string>,
  rotatedAt: Date,
  expires: Date | undefined,
): Manifest {
  const metadata = isRecord(secret.metadata) ? { ...secret.metadata } : {};
  const annotations: Record<string, unknown> = isRecord(metadata.annotations)
    ? { ...metadata.annotations }
    : {};
  annotations[ANNOTATIONS.createdAt] ??= rfc3339(rotatedAt);
  annotations[ANNOTATIONS.rotatedAt] = rfc3339(rotatedAt);
  annotations[ANNOTATIONS.fingerprints] = JSON.stringify(
    Object.fromEntries(
      Object.keys(data)
        .sort()
        .map((key) => [key, fingerprint(decodeBase64(data[key]!)!)]),
    ),
  );
  if (expires) annotations[ANNOTATIONS.previousExpiresAt] = rfc3339(expires);
  else delete annotations[ANNOTATIONS.previousExpiresAt];
  metadata.annotations = annotations;
  const { stringData: _dropped, ...rest } = secret;
  return { ...rest, metadata, data };
}
