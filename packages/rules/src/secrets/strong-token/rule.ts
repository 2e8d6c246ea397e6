import { defineRule, effectiveNamespace, z } from "@scout-deploy/core";
import {
  type CommonWord,
  DEFAULT_MIN_BITS,
  describeMeasure,
  describeReading,
  type HashedWord,
  type Strength,
  typedKeyProblems,
  type Weakness,
  weakValues,
} from "@scout-deploy/secrets";
import { secretKeysReadAsCredentials } from "../env.js";

const options = z
  .object({
    /** Bits a token must be able to carry. @default 256 (32 random bytes) */
    minBits: z.number().int().min(64).default(DEFAULT_MIN_BITS),
  })
  .strict();

const MESSAGE_OF: Record<
  Weakness,
  | "placeholder"
  | "hashedWord"
  | "commonPassword"
  | "guessable"
  | "short"
  | "lowEntropy"
  | "pattern"
  | "encodedText"
> = {
  placeholder: "placeholder",
  "hashed-word": "hashedWord",
  "common-password": "commonPassword",
  guessable: "guessable",
  short: "short",
  "low-entropy": "lowEntropy",
  repetitive: "pattern",
  sequential: "pattern",
  "encoded-text": "encodedText",
};

interface Measures {
  bits: number;
  minBits: number;
  entropy: string;
  /** "24 characters of a-z0-9 give about 124 bits; 50 are needed" */
  measure: string;
  alphabet: string;
  floor: string;
}

/**
 * What was hashed, or what the value is: the common password or word of a public list, as the
 * list writes it (`P@ssw0rd` is "password" in l33t), or the empty text.
 */
function preimage(named: HashedWord): string {
  if (named.word === "") return "an empty text";
  return `the common ${named.list} "${named.word}"${"l33t" in named && named.l33t ? " in l33t" : ""}`;
}

/**
 * What a value that is itself a listed password or word is, without the word: that would print
 * the secret into the PR comment, SARIF and logs.
 */
function commonKind(named: CommonWord): string {
  if (named.word === "") return "an empty text";
  return `a common ${named.list}${named.l33t ? " in l33t" : ""}`;
}

/** The data of the messages that name what was found. */
function found(strength: Strength): Record<string, string | number> {
  const { hashOf, commonWord, guessable } = strength;
  return {
    ...(hashOf ? { algorithm: hashOf.algorithm, preimage: preimage(hashOf) } : {}),
    ...(commonWord ? { preimage: commonKind(commonWord) } : {}),
    ...(guessable
      ? { found: describeReading(guessable), guessBits: Math.round(guessable.bits) }
      : {}),
  };
}

/** What the decoded text of an `encodedText` value is, in the words of the other messages. */
const WHY: Record<Weakness, (m: Measures, strength: Strength) => string> = {
  placeholder: () => "a placeholder",
  "hashed-word": (_, s) => `the ${s.hashOf!.algorithm} of ${preimage(s.hashOf!)}`,
  "common-password": (_, s) => commonKind(s.commonWord!),
  guessable: (_, s) =>
    `${describeReading(s.guessable!)} (about ${Math.round(s.guessable!.bits)} bits to guess)`,
  short: (m) => `too short (${m.measure})`,
  "low-entropy": (m) =>
    `low in entropy (${m.entropy} bits per character, where a random value of ${m.alphabet} shows at least ${m.floor})`,
  repetitive: () => "a repeated or sequential pattern",
  sequential: () => "a repeated or sequential pattern",
  "encoded-text": () => "encoded once more",
};

export const strongToken = defineRule({
  id: "secrets/strong-token",
  meta: {
    severity: "error",
    description:
      "Every token and password of a Secret, whatever its type, is at least 32 random bytes' worth (length and entropy) and never a placeholder; the keys a Secret type defines (tls.key, ssh-privatekey, .dockerconfigjson) hold what the type says.",
    remediation:
      "Generate the value: `openssl rand -base64 32`, or `scout-deploy secrets generate` / `secrets rotate`.",
    guide: "Use Strong Authentication: Generate secure tokens using openssl rand -base64 32",
    options,
    messages: {
      placeholder: 'key "{{key}}" ({{fingerprint}}) is a placeholder, not a token',
      hashedWord:
        'key "{{key}}" ({{fingerprint}}) is the {{algorithm}} of {{preimage}}: it looks random, but a guesser hashes the common words first',
      commonPassword:
        'key "{{key}}" ({{fingerprint}}) is {{preimage}}: a guesser tries the common passwords and words first',
      guessable:
        'key "{{key}}" ({{fingerprint}}) is {{found}}: about {{guessBits}} bits to guess, {{minBits}} wanted',
      short: 'key "{{key}}" ({{fingerprint}}) is too short: {{measure}} for {{minBits}} bits',
      lowEntropy:
        'key "{{key}}" ({{fingerprint}}) has low entropy: {{entropy}} bits per character, where a random value of {{alphabet}} shows at least {{floor}}',
      pattern: 'key "{{key}}" ({{fingerprint}}) is a repeated or sequential pattern',
      encodedText:
        'key "{{key}}" ({{fingerprint}}) decodes from {{encoding}} to a text that is {{why}}: a guesser decodes it too',
      typedMalformed: 'key "{{key}}" of a {{type}} Secret is not {{expected}}',
      typedPlaceholder: 'key "{{key}}" of a {{type}} Secret holds a placeholder registry password',
    },
  },
  check(context) {
    const { minBits } = context.options;
    const readAsCredentials = secretKeysReadAsCredentials(context.bundle);
    for (const object of context.bundle.objects) {
      const namespace = effectiveNamespace(context.bundle, object) ?? "";
      const readAsCredential = readAsCredentials.get(`${namespace}/${object.ref.name ?? ""}`);
      for (const { value, strength, setting } of weakValues(object, {
        minBits,
        readAsCredential,
      })) {
        const [first, second] = strength.weaknesses;
        const measures = {
          bits: strength.estimatedBits,
          minBits,
          entropy: strength.shannonBitsPerChar.toFixed(2),
        };
        const described = {
          ...measures,
          measure: describeMeasure(strength),
          alphabet: strength.measure.alphabet,
          floor: strength.entropyFloor.toFixed(2),
        };
        // The data of other findings stays as it was: it makes their identity (baselines).
        const measured = first === "short" || first === "low-entropy" ? described : measures;
        const encoded: Record<string, string> =
          strength.encoding && second
            ? { encoding: strength.encoding, why: WHY[second](described, strength) }
            : {};
        const named =
          first === "hashed-word" || first === "common-password" || first === "guessable"
            ? found(strength)
            : {};
        context.report({
          messageId: MESSAGE_OF[first!],
          data: {
            // A config file's password: the key and the directive that sets it.
            key: setting ? `${value.key}: ${setting.directive}` : value.key,
            fingerprint: value.fingerprint,
            ...measured,
            ...encoded,
            ...named,
          },
          object,
          pointer: value.pointer,
          // stringData holds the file's lines as written; data holds them in base64.
          ...(setting && value.field === "stringData"
            ? { within: { line: setting.line, column: setting.column } }
            : {}),
        });
      }
      for (const { entry, type, expected, problem } of typedKeyProblems(object)) {
        context.report({
          messageId: problem === "placeholder" ? "typedPlaceholder" : "typedMalformed",
          data: { key: entry.key, type, expected },
          object,
          pointer: entry.pointer,
        });
      }
    }
  },
});
