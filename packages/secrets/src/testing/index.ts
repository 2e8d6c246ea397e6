import { createHash } from "node:crypto";
import type { RandomSource } from "../random.js";

/**
 * A deterministic random source for tests: SHA-256 of a counter, so every call differs and a
 * run repeats. Never for real secrets: anyone who knows the seed knows every value.
 */
export function countingRandom(seed = "test"): RandomSource {
  let counter = 0;
  return (size) => {
    const out = Buffer.alloc(size);
    for (let filled = 0; filled < size; filled += 32) {
      createHash("sha256").update(`${seed}:${counter++}`).digest().copy(out, filled);
    }
    return out;
  };
}
