import { createHash } from "node:crypto";

/**
 * What every message shows instead of a value: `sha256:` and the first 12 hex digits of the
 * value's SHA-256. Enough to tell two values apart or see that one is reused; not enough to
 * recover a random token. (A dictionary word's fingerprint reveals the word to whoever hashes
 * the dictionary: weak values are weak either way.)
 */
export function fingerprint(value: string | Uint8Array): string {
  return `sha256:${createHash("sha256").update(value).digest("hex").slice(0, 12)}`;
}
