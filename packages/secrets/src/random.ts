import { randomBytes } from "node:crypto";

/** Returns `size` bytes. The default is the OS CSPRNG; tests inject a deterministic one. */
export type RandomSource = (size: number) => Uint8Array;

export const systemRandom: RandomSource = (size) => randomBytes(size);

/** Bytes of randomness in every generated value, like `openssl rand -base64 32`. */
export const TOKEN_BYTES = 32;

/** A fresh token: 32 random bytes, base64-encoded (44 characters), as `openssl rand -base64 32` prints. */
export function generateToken(random: RandomSource = systemRandom): string {
  const bytes = random(TOKEN_BYTES);
  if (bytes.length !== TOKEN_BYTES) {
    throw new Error(`the random source returned ${bytes.length} bytes, not ${TOKEN_BYTES}`);
  }
  return Buffer.from(bytes).toString("base64");
}
