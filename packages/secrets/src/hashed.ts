import * as crypto from "node:crypto";
import { decodeBase64 } from "./base64.js";
import { hashedWordTexts, sha256Candidates, type WordList } from "./wordlists.js";

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
 * The digests of the common words for one digest length: SHA-256 (the length of `openssl rand
 * -base64 32`, so nearly every run asks) from the prefixes computed at build time, each hit
 * confirmed by hashing its text; the other algorithms computed on first use (about 0.1 s).
 */
type Lookup = (hex: string) => HashedWord | undefined;

const lookups = new Map<number, Lookup>();

function lookupOf(length: number): Lookup | undefined {
  const algorithm = BY_LENGTH[length];
  if (!algorithm) return undefined;
  let lookup = lookups.get(length);
  if (!lookup) {
    lookup = length === 32 ? sha256Lookup : computedLookup(algorithm);
    lookups.set(length, lookup);
  }
  return lookup;
}

function computedLookup([name, hash]: readonly [HashAlgorithm, string]): Lookup {
  const digests = new Map<string, HashedWord>();
  for (const { text, word, list } of hashedWordTexts()) {
    const digest = hexDigest(hash, text);
    if (!digests.has(digest)) digests.set(digest, { algorithm: name, word, list });
  }
  return (hex: string) => digests.get(hex);
}

function sha256Lookup(hex: string): HashedWord | undefined {
  const prefix = Buffer.from(hex.slice(0, 8), "hex").readUInt32LE(0);
  // The first text with this digest names it, as a guesser tries them in this order.
  for (const index of sha256Candidates(prefix)) {
    const { text, word, list } = hashedWordTexts()[index]!;
    if (hexDigest("sha256", text) === hex) return { algorithm: "SHA-256", word, list };
  }
  return undefined;
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
  return lookupOf(bytes.length)?.(Buffer.from(bytes).toString("hex"));
}

function digestBytes(text: string): Uint8Array | undefined {
  if (/^(?:[0-9a-f]{2})+$/.test(text) || /^(?:[0-9A-F]{2})+$/.test(text)) {
    return BY_LENGTH[text.length / 2] ? Buffer.from(text, "hex") : undefined;
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const standard = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  return decodeBase64(standard.padEnd(Math.ceil(standard.length / 4) * 4, "="));
}
