import * as crypto from "node:crypto";
import { decodeBase64 } from "./base64.js";
import { topWords, type WordList } from "./wordlists.js";

export type HashAlgorithm = "MD5" | "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

/** A value that is the digest of a common word: high in entropy, yet one of a few thousand. */
export interface HashedWord {
  algorithm: HashAlgorithm;
  word: string;
  list: WordList;
}

/** The digest algorithms by the length of their output in bytes. */
const BY_LENGTH: Readonly<Record<number, readonly [HashAlgorithm, string]>> = {
  16: ["MD5", "md5"],
  20: ["SHA-1", "sha1"],
  32: ["SHA-256", "sha256"],
  48: ["SHA-384", "sha384"],
  64: ["SHA-512", "sha512"],
};

/**
 * The passwords and words whose digests are known: the 20,000 most common passwords, and with
 * `echo word | sha256sum`'s newline too the 5,000 most common passwords and words. About 40,000
 * digests of one algorithm, computed when a value of that digest's length is first judged
 * (about 0.15 s).
 */
const HASHED_PASSWORDS = 20_000;
const HASHED_WITH_NEWLINE = 5_000;

const tables = new Map<number, Map<string, HashedWord>>();

/** Digests of the common words for one digest length, computed on first use. */
function table(length: number): Map<string, HashedWord> | undefined {
  const algorithm = BY_LENGTH[length];
  if (!algorithm) return undefined;
  let digests = tables.get(length);
  if (digests) return digests;
  digests = new Map();
  const empty: [string, WordList] = ["", "word"];
  const newline = [empty, ...topWords(HASHED_WITH_NEWLINE, HASHED_WITH_NEWLINE)];
  const plain = [empty, ...topWords(HASHED_PASSWORDS, HASHED_WITH_NEWLINE)];
  const texts = [
    ...plain.map(([word, list]) => [word, word, list] as const),
    ...newline.map(([word, list]) => [`${word}\n`, word, list] as const),
  ];
  for (const [text, word, list] of texts) {
    const digest = hexDigest(algorithm[1], text);
    if (!digests.has(digest)) digests.set(digest, { algorithm: algorithm[0], word, list });
  }
  tables.set(length, digests);
  return digests;
}

/** One-shot `crypto.hash` (Node 20.12+) is three times faster than a Hash object per text. */
function hexDigest(algorithm: string, text: string): string {
  if (typeof crypto.hash === "function") return crypto.hash(algorithm, text, "hex");
  return crypto.createHash(algorithm).update(text).digest("hex");
}

/**
 * The common word whose MD5, SHA-1 or SHA-2 digest the value is: the digest itself as bytes,
 * or written as hex (either case), base64 or base64url (padded or not).
 */
export function hashedWord(value: string | Uint8Array): HashedWord | undefined {
  const bytes = typeof value === "string" ? digestBytes(value.trim()) : value;
  if (!bytes) return undefined;
  return table(bytes.length)?.get(Buffer.from(bytes).toString("hex"));
}

function digestBytes(text: string): Uint8Array | undefined {
  if (/^(?:[0-9a-f]{2})+$/.test(text) || /^(?:[0-9A-F]{2})+$/.test(text)) {
    return BY_LENGTH[text.length / 2] ? Buffer.from(text, "hex") : undefined;
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const standard = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  return decodeBase64(standard.padEnd(Math.ceil(standard.length / 4) * 4, "="));
}
