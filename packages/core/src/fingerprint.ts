import { clusterApiVersion, clusterPath } from "./identity.js";
import type { Finding, ObjectRef } from "./model.js";
import type { MessageData } from "./rule.js";

/** What names one finding, whatever the lines around it do. */
export interface FindingIdentity {
  ruleId: string;
  object?: ObjectRef;
  /** The file, only for findings that belong to no object (a parse error, a config entry). */
  file?: string;
  path?: string;
  /** What tells apart two findings of one rule on one field: the flow, the container, the message id. */
  key: string;
}

/**
 * Message data that moves with the text around it, not with the finding: a line inside a
 * value, a position. Leaving it out keeps a fingerprint when lines are inserted above.
 */
const VOLATILE_DATA = new Set(["line", "column", "file", "position", "offset"]);

/** The default identity key of a rule's report: its message id and the data that is not volatile. */
export function reportKey(messageId: string, data: MessageData = {}): string {
  const stable = Object.keys(data)
    .filter((name) => !VOLATILE_DATA.has(name))
    .sort()
    .map((name) => `${name}=${String(data[name])}`);
  return [messageId, ...stable].join("\u0001");
}

/**
 * The key of a problem found by the parser or the suppressor, which carries a message and no
 * data: its text with the places it names taken out ("a.yaml:12:3", "line 12, column 3"),
 * since those move with the lines. Other numbers stay: they are names ("pod01") and values.
 */
export function messageKey(message: string): string {
  return message.replace(/(?::\d+)+\b/g, ":#").replace(/\b(lines?|columns?|col)\s+\d+/gi, "$1 #");
}

/**
 * A stable hex id of a finding: SHA-256 of its identity, never of its line or column. The object
 * is named as the cluster names it (`clusterApiVersion`): a CronJob moved from `batch/v1beta1` to
 * `batch/v1` keeps its findings' fingerprints.
 */
export function fingerprintOf(identity: FindingIdentity): string {
  const object = identity.object;
  const parts = [
    "v1",
    identity.ruleId,
    (object && clusterApiVersion(object.apiVersion, object.kind)) ?? "",
    object?.kind ?? "",
    object?.namespace ?? "",
    object?.name ?? "",
    object ? "" : (identity.file ?? ""),
    object && identity.path !== undefined
      ? clusterPath(object.apiVersion, object.kind, identity.path)
      : (identity.path ?? ""),
    identity.key,
  ];
  return sha256Hex(parts.join("\u0000"));
}

/**
 * A finding's fingerprint: the one `evaluate` set, else (a finding read from an older JSON
 * report, or built by hand) the same recipe with its message, numbers taken out, as the key.
 */
export function fingerprintOfFinding(finding: Finding): string {
  return (
    finding.fingerprint ??
    fingerprintOf({
      ruleId: finding.ruleId,
      ...(finding.object ? { object: finding.object } : { file: finding.file }),
      ...(finding.path !== undefined ? { path: finding.path } : {}),
      key: messageKey(finding.message),
    })
  );
}

// Core imports no Node built-in (it runs in the Action bundle and in browsers alike): Node's own
// hash when the runtime offers it (process.getBuiltinModule, Node 20.16+), else SHA-256 written
// out (FIPS 180-4, over the UTF-8 bytes); both give the same hex, a test compares them.
type CreateHash = (algorithm: "sha256") => {
  update(text: string, encoding: "utf8"): { digest(encoding: "hex"): string };
};
const nodeCreateHash = (
  globalThis as {
    process?: { getBuiltinModule?: (id: string) => { createHash: CreateHash } | undefined };
  }
).process?.getBuiltinModule?.("node:crypto")?.createHash;

export function sha256Hex(text: string): string {
  return nodeCreateHash
    ? nodeCreateHash("sha256").update(text, "utf8").digest("hex")
    : portableSha256Hex(text);
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const encoder = new TextEncoder();
const words = new Uint32Array(64);

export function portableSha256Hex(text: string): string {
  const bytes = encoder.encode(text);
  const length = ((bytes.length + 9 + 63) >> 6) << 6;
  const padded = new Uint8Array(length);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = bytes.length * 8;
  view.setUint32(length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(length - 4, bits >>> 0);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = words;
  for (let offset = 0; offset < length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15]!, 7) ^ rotr(w[i - 15]!, 18) ^ (w[i - 15]! >>> 3);
      const s1 = rotr(w[i - 2]!, 17) ^ rotr(w[i - 2]!, 19) ^ (w[i - 2]! >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0;
    }
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    let f = h[5]!;
    let g = h[6]!;
    let hh = h[7]!;
    for (let i = 0; i < 64; i++) {
      const t1 =
        (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) >>>
        0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
    h[2] = (h[2]! + c) >>> 0;
    h[3] = (h[3]! + d) >>> 0;
    h[4] = (h[4]! + e) >>> 0;
    h[5] = (h[5]! + f) >>> 0;
    h[6] = (h[6]! + g) >>> 0;
    h[7] = (h[7]! + hh) >>> 0;
  }
  let hex = "";
  for (let i = 0; i < 8; i++) hex += h[i]!.toString(16).padStart(8, "0");
  return hex;
}

function rotr(value: number, bits: number): number {
  return (value >>> bits) | (value << (32 - bits));
}
