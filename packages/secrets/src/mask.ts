import { encodeBase64 } from "./base64.js";
import type { CommandResult } from "./commands.js";

/**
 * Registers every generated value (and its base64, as it appears in `data`) and every value the
 * output already held with a masking callback: GitHub Actions' `core.setSecret`. Call it first, before any output is written or
 * logged. Returns how many strings were masked.
 */
export function maskSecretValues(
  result: Pick<CommandResult, "secretValues" | "heldValues">,
  mask: (value: string) => void,
): number {
  const forms = new Set<string>();
  for (const value of result.secretValues) {
    forms.add(value);
    forms.add(encodeBase64(value));
  }
  for (const value of result.heldValues ?? []) forms.add(value);
  let count = 0;
  for (const form of forms) {
    for (const line of linesOf(form)) {
      mask(line);
      count++;
    }
  }
  return count;
}

/**
 * A workflow command ends at a line break: `::add-mask::` of a PEM key would mask its first line
 * and print the others to the log. Each line is masked on its own, as it shows in a log.
 */
function linesOf(value: string): string[] {
  return value.split(/\r?\n/).filter((line) => line.trim() !== "");
}
