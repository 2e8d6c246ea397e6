import type { Difference } from "./compare.js";
import { COLLIDING_KEYS } from "./generate.js";

/**
 * Every deliberate difference between the objects our parser gives rules and the objects kubectl
 * sends, by name and reason. The differential test matches each difference it finds to one entry
 * here; a difference no entry explains fails the test.
 */
export interface KnownDifference {
  name: string;
  reason: string;
  explains(difference: Difference): boolean;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    name: "duplicate-key-is-an-error",
    reason:
      "kubectl silently keeps the last of two equal keys in a mapping; we report input/duplicate-key " +
      "(an error), because a reviewer reads one value and the cluster gets the other. The objects " +
      "still compare equal: we keep the last value too.",
    explains: (d) =>
      d.kind === "error-on-accepted-file" &&
      d.ourErrorRules.every((id) => id === "input/duplicate-key"),
  },
  {
    name: "keys-colliding-after-resolution",
    reason:
      'Keys that differ in YAML but are equal once made JSON keys (1 and "1", y and true) leave ' +
      "kubectl with whichever Go's map order gives, a value nobody can review; we report an " +
      "error-level input problem on the file and accept any value of the colliding field.",
    explains: (d) =>
      d.ourErrorRules.length > 0 &&
      ((d.kind === "object-differs" && atCollidingKey(d)) ||
        // a colliding value kubectl cannot send (.inf) fails or not by Go's map order
        (d.kind === "object-missing" &&
          d.ourErrorMessages.some((m) => m.includes("both become")) &&
          d.ourErrorMessages.some((m) => m.includes("cannot be sent as JSON"))) ||
        (d.classes.includes(COLLIDING_KEYS) &&
          ((d.kind === "object-differs" && d.detail.includes("/nodeSelector/")) ||
            (d.kind === "error-on-accepted-file" &&
              d.ourErrorRules.every((id) => /duplicate|collid/.test(id)))))),
  },
  {
    name: "documents-after-a-refused-one-are-checked",
    reason:
      "kubectl stops reading a file at the first document it refuses; we report the refusal and " +
      "still check the documents after it, so fixing the broken one cannot bring unchecked objects " +
      "to the cluster.",
    explains: (d) => d.kind === "object-extra" && d.kubectlRefused && d.ourErrorRules.length > 0,
  },
  {
    name: "collision-in-a-part-nobody-reads",
    reason:
      "The generator marks a file that holds colliding keys, not the document that holds them: " +
      "where kubectl reads only part of a file (after a lone CR, after a '...' line), the " +
      "collision can sit in a part neither kubectl nor we read, and nothing is to be flagged.",
    explains: (d) =>
      d.kind === "collision-unflagged" &&
      (d.classes.includes("lone-cr") || d.classes.includes("document-end-marker")),
  },
  {
    name: "comma-after-a-tag",
    reason:
      "go-yaml reads a ',' right after a tag ([!!str, x]) into the tag's name and then reads the " +
      "flow collection otherwise than it is written ([!!null, false, v] is sent as " +
      "{false: [false, v]}); we refuse the file, since what kubectl sends there is not " +
      "what anybody reads.",
    explains: (d) =>
      ((d.kind === "error-on-accepted-file" && !d.kubectlRefused) || d.kind === "object-missing") &&
      d.ourErrorMessages.some((message) => message.includes("right after a tag")),
  },
];

/** The differing path goes through a key our reader reported as colliding ("both become"). */
function atCollidingKey(d: Difference): boolean {
  const keys = d.ourErrorMessages
    .map((message) => /both become "([^"]*)"/.exec(message)?.[1])
    .filter((key): key is string => key !== undefined);
  const path = /: (\/[^:]*): ours/.exec(d.detail)?.[1] ?? "";
  return keys.some((key) => path.split("/").includes(key));
}

export function explain(difference: Difference): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find((known) => known.explains(difference));
}
