import { defineRule, effectiveNamespace, z } from "@scout-deploy/core";
import {
  DEFAULT_MIN_BITS,
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

const MESSAGE_OF: Record<Weakness, "placeholder" | "short" | "lowEntropy" | "pattern"> = {
  placeholder: "placeholder",
  short: "short",
  "low-entropy": "lowEntropy",
  repetitive: "pattern",
  sequential: "pattern",
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
      short:
        'key "{{key}}" ({{fingerprint}}) is too short: about {{bits}} bits, {{minBits}} wanted',
      lowEntropy: 'key "{{key}}" ({{fingerprint}}) has low entropy: {{entropy}} bits per character',
      pattern: 'key "{{key}}" ({{fingerprint}}) is a repeated or sequential pattern',
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
      for (const { value, strength } of weakValues(object, { minBits, readAsCredential })) {
        context.report({
          messageId: MESSAGE_OF[strength.weaknesses[0]!],
          data: {
            key: value.key,
            fingerprint: value.fingerprint,
            bits: strength.estimatedBits,
            minBits,
            entropy: strength.shannonBitsPerChar.toFixed(2),
          },
          object,
          pointer: value.pointer,
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
