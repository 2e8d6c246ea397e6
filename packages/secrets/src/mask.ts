import { encodeBase64 } from "./base64.js";
import type { CommandResult } from "./commands.js";

/**
 * Registers every generated value (and its base64, as it appears in `data`) with a masking
 * callback: GitHub Actions' `core.setSecret`. Call it first, before any output is written or
 * logged. Returns how many strings were masked.
 */
export function maskSecretValues(
  result: Pick<CommandResult, "secretValues">,
  mask: (value: string) => void,
): number {
  let count = 0;
  for (const value of result.secretValues) {
    for (const form of new Set([value, encodeBase64(value)])) {
      mask(form);
      count++;
    }
  }
  return count;
}
