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

/**
 * Twenty words of the EFF long list (12.9 bits each, 258 together), as Bitwarden, KeePassXC and
 * diceware draw them: a strong passphrase joined any way, and ten of them a short one.
 */
export const DICEWARE_WORDS: readonly string[] = [
  "acorn",
  "unwound",
  "plating",
  "glimpse",
  "trophy",
  "scuba",
  "mahogany",
  "fidgety",
  "rumble",
  "outpost",
  "velvet",
  "dilute",
  "ember",
  "stencil",
  "hazard",
  "quiver",
  "tundra",
  "walnut",
  "sprinkler",
  "bobcat",
];

/** `acorn` as Bitwarden's "capitalize" writes it: `Acorn`. */
export const capitalized = (word: string) => `${word[0]!.toUpperCase()}${word.slice(1)}`;
