import { defineRule, isRecord, joinPointer } from "@scout-deploy/core";
import {
  bytesAsText,
  configPasswords,
  decodeBase64,
  detectTokenFormat,
  fingerprint,
  hasUrlPassword,
  isCredentialName,
  isCredentialSetting,
  isPlaceholder,
  looksHighEntropy,
  nameSegments,
} from "@scout-deploy/secrets";

/** `name: value` or `name = value` lines inside a config file held by a ConfigMap. */
const ASSIGNMENT = /^\s*["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*(.*?)\s*,?\s*$/;

/** Values that stand for "no value here" or point elsewhere: env interpolation, templates, empties. */
function isReferenceOrEmpty(value: string): boolean {
  const bare = value.replace(/^["']|["']$/g, "").trim();
  if (/^(|~|null|none|true|false|yes|no)$/i.test(bare) || /^[[{*&|>]/.test(bare)) return true;
  return /^(\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|\{\{.*\}\}|%\(.*\)s|<.*>)$/.test(bare);
}

function embeddedCredential(text: string): { name: string; line: number } | undefined {
  const inJson = jsonCredential(text);
  if (inJson) return inJson;
  const directive = configPasswords(text).find((p) => !isReferenceOrEmpty(p.value));
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    if (directive?.line === index + 1) return { name: directive.directive, line: directive.line };
    if (lines.length < 2) continue;
    const match = ASSIGNMENT.exec(line);
    // A bare `key:` is a field of countless config formats (attribute processors, label maps).
    const bareKey = nameSegments(match?.[1] ?? "").join() === "key";
    if (
      match &&
      !bareKey &&
      !isReferenceOrEmpty(match[2]!) &&
      isCredentialSetting(match[1]!, match[2]!)
    ) {
      return { name: match[1]!, line: index + 1 };
    }
  }
  return undefined;
}

/**
 * A credential-named field of a JSON document, however it is laid out: a one-line JSON config
 * (`{"redis": {"password": "..."}}`) has no `name: value` line of its own.
 */
function jsonCredential(text: string): { name: string; line: number } | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const found = credentialField(document);
  if (!found) return undefined;
  const at = text.indexOf(JSON.stringify(found));
  return { name: found, line: text.slice(0, Math.max(at, 0)).split("\n").length };
}

function credentialField(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = credentialField(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const [name, field] of Object.entries(value)) {
    if (typeof field === "string" && !isReferenceOrEmpty(field) && isCredentialSetting(name, field))
      return name;
    const found = credentialField(field);
    if (found) return found;
  }
  return undefined;
}

/** The first line of a value that holds a URL or connection string with a literal password. */
function urlPasswordLine(text: string): number | undefined {
  const index = text.split("\n").findIndex(hasUrlPassword);
  return index < 0 ? undefined : index + 1;
}

type ConfigMapMessage =
  | "tokenFormat"
  | "credentialKey"
  | "embeddedCredential"
  | "highEntropy"
  | "connectionString";

/** What makes one ConfigMap value a credential, if anything: the finding this rule reports for it. */
export function configMapCredential(
  key: string,
  text: string,
): { messageId: ConfigMapMessage; data: Record<string, string | number> } | undefined {
  const format = detectTokenFormat(text);
  if (format) return { messageId: "tokenFormat", data: { format } };
  if (!isReferenceOrEmpty(text) && isCredentialSetting(key, text)) {
    return { messageId: "credentialKey", data: {} };
  }
  const urlLine = urlPasswordLine(text);
  if (urlLine !== undefined) return { messageId: "connectionString", data: { line: urlLine } };
  const embedded = embeddedCredential(text);
  if (embedded) return { messageId: "embeddedCredential", data: embedded };
  if (looksHighEntropy(text.trim()) && !isPlaceholder(text)) {
    return { messageId: "highEntropy", data: {} };
  }
  return undefined;
}

/** A binaryData value that is no text: a credential when its key says so. */
function binaryCredential(
  key: string,
  bytes: Uint8Array,
): { messageId: ConfigMapMessage; data: Record<string, string | number> } | undefined {
  return bytes.length > 0 && isCredentialName(key)
    ? { messageId: "credentialKey", data: {} }
    : undefined;
}

export const noSecretInConfigmap = defineRule({
  id: "secrets/no-secret-in-configmap",
  meta: {
    severity: "error",
    description:
      "No ConfigMap holds a credential: no credential-named key, no known token format, no URL with a password, no requirepass line, no random-looking value.",
    remediation:
      "Move the value to a Secret (scout-deploy secrets generate) and read it with secretKeyRef; keep only non-secret settings in the ConfigMap.",
    guide: "Manage Secrets Properly: Use Kubernetes secrets, not ConfigMaps",
    messages: {
      tokenFormat: 'ConfigMap key "{{key}}" holds a {{format}} ({{fingerprint}})',
      credentialKey:
        'ConfigMap key "{{key}}" is named like a credential and holds a value ({{fingerprint}})',
      connectionString:
        'ConfigMap key "{{key}}" holds a URL or connection string with a password on line {{line}} of its value',
      embeddedCredential:
        'ConfigMap key "{{key}}" sets the credential "{{name}}" on line {{line}} of its value',
      highEntropy:
        'ConfigMap key "{{key}}" holds a random-looking value ({{fingerprint}}), likely a credential',
    },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      if (object.value.kind !== "ConfigMap") continue;
      for (const field of ["data", "binaryData"] as const) {
        const values = object.value[field];
        if (!isRecord(values)) continue;
        for (const [key, raw] of Object.entries(values)) {
          if (typeof raw !== "string") continue;
          const bytes = field === "data" ? Buffer.from(raw, "utf8") : decodeBase64(raw);
          if (bytes === undefined) continue; // not base64: the API server refuses it (input/schema)
          const text = field === "data" ? raw : bytesAsText(bytes);
          const report = (
            messageId: ConfigMapMessage,
            data: Record<string, string | number> = {},
          ) =>
            context.report({
              messageId,
              data: { key, fingerprint: fingerprint(text ?? bytes), ...data },
              object,
              pointer: joinPointer("", field, key),
            });
          // Bytes that are no text (32 raw random bytes) under a credential name are a raw key.
          const found =
            text === undefined ? binaryCredential(key, bytes) : configMapCredential(key, text);
          if (found) report(found.messageId, found.data);
        }
      }
    }
  },
});
