import { defineRule, isRecord, joinPointer } from "@scout-deploy/core";
import {
  bytesAsText,
  configCredentials,
  decodeBase64,
  detectTokenFormat,
  fingerprint,
  hasUrlPassword,
  isCredentialName,
  isCredentialSetting,
  isPlaceholder,
  isReferenceValue,
  looksHighEntropy,
  nameSegments,
} from "@scout-deploy/secrets";

/** `name: value`, `name = value` or `export NAME=value` lines inside a config file held by a ConfigMap. */
const ASSIGNMENT = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*(.*?)\s*,?\s*$/;
/** A comment line of nginx.conf, redis.conf, YAML, .env, INI or JavaScript: what follows the marker. */
const COMMENT = /^\s*(?:#|\/\/|;)\s*(.*)$/;
/**
 * An Authorization header with a literal credential, in any file's syntax: `proxy_set_header
 * Authorization "Bearer …"` (nginx), `Authorization: Basic …` (HTTP, YAML), `"Authorization":
 * "Bearer …"` (JSON), `-H 'Authorization: Token …'` (a script).
 */
const AUTHORIZATION =
  /\b(?:proxy-)?authorization["']?\s*[:=\s]\s*["']?(?:bearer|basic|token)\s+([A-Za-z0-9._~+/=-]+)/i;
/** A value that is only an Authorization credential: `Bearer …`, `Basic …`. */
const SCHEME_VALUE = /^\s*["']?(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})["']?\s*$/i;
/** An nginx directive that sends a header or parameter: `proxy_set_header X-Api-Key "…";`. */
const NGINX_HEADER =
  /^\s*(?:proxy_set_header|add_header|grpc_set_header|fastcgi_param|uwsgi_param|scgi_param)\s+(\S+)\s+("[^"]*"|'[^']*'|[^;\s]+)/;
/**
 * An htpasswd line (nginx `auth_basic_user_file`, Apache): a user and the hash of their password,
 * which a guesser cracks offline: `scout:$apr1$…`, `$2y$…` (bcrypt), `{SHA}…`, `$5$`/`$6$` (crypt).
 */
const HTPASSWD = /^([^\s:#]+):(\$apr1\$|\$2[abxy]?\$|\{SSHA\}|\{SHA\}|\$[156]\$)\S{8,}$/;
const HASH_SCHEMES: Record<string, string> = {
  $apr1$: "APR1-MD5",
  "{SHA}": "SHA-1",
  "{SSHA}": "salted SHA-1",
  $1$: "MD5-crypt",
  $5$: "SHA-256-crypt",
  $6$: "SHA-512-crypt",
};

/** Values that stand for "no value here" or point elsewhere: env interpolation, templates, empties. */
function isReferenceOrEmpty(value: string): boolean {
  return isReferenceValue(value.replace(/^["']|["']$/g, ""));
}

/**
 * A literal that reads as a credential, where prose is as likely (a comment, the word after an
 * Authorization scheme): one word of six characters or more, neither a reference nor a
 * placeholder, with a digit, a symbol or mixed case (`# password: required` is prose).
 */
function isCredentialWord(value: string): boolean {
  const bare = value.replace(/^["']|["']$/g, "").trim();
  if (/\s/.test(bare) || bare.length < 6 || isReferenceOrEmpty(bare) || isPlaceholder(bare)) {
    return false;
  }
  return /[^A-Za-z]/.test(bare) || (/[a-z]/.test(bare) && /[A-Z]/.test(bare.slice(1)));
}

type Embedded = {
  name: string;
  line: number;
  column?: number;
  hashScheme?: string;
  hashSource?: string;
  url?: boolean;
};

/**
 * Every credential a config file held by a ConfigMap sets, one per value, on its line and column:
 * what `configCredentials` reads (as strong-token reads a Secret's files), and what only a
 * ConfigMap's review needs (Authorization and credential headers, htpasswd hashes, a credential
 * in a comment, a one-line JSON document).
 */
function embeddedCredentials(text: string): Embedded[] {
  const lines = text.split("\n");
  // A Secret's `requirepass ${X}` is the literal Redis takes; a ConfigMap's leaks nothing.
  const literal = configCredentials(text).filter((c) => !isReferenceOrEmpty(c.value));
  const found: Embedded[] = literal.map((c) => {
    if (c.digest) {
      const user = directiveName("user", lines[c.line - 1]!).replace(/^user /, "");
      return { ...c, name: user, hashScheme: "unsalted SHA-256", hashSource: "a Redis ACL rule" };
    }
    if (c.name === "URL") return { ...c, url: true };
    return { ...c, name: directiveName(c.name, lines[c.line - 1]!) };
  });
  const read = new Set(found.map((c) => c.line));
  for (const [index, line] of lines.entries()) {
    if (read.has(index + 1)) continue;
    const extra = lineCredential(line, lines.length > 1);
    if (extra) found.push({ ...extra, line: index + 1 });
  }
  if (found.length === 0) {
    const inJson = jsonCredential(text);
    if (inJson) found.push(inJson);
  }
  return found.sort((x, y) => x.line - y.line || (x.column ?? 0) - (y.column ?? 0));
}

/** A Redis ACL rule is named by its user (`user scout`), a directive or key by itself. */
function directiveName(directive: string, line: string): string {
  const user = directive === "user" ? /^\s*user\s+(\S+)/.exec(line) : null;
  return user ? `user ${user[1]}` : directive;
}

/**
 * The credential one line of a config file sets, if any. `assignments`: `name: value` lines count
 * (a file of several lines; a one-line value is judged by its key instead). A comment counts too
 * (`# password: …` in an nginx.conf is in the repository all the same), when its value reads as
 * a credential (`isCredentialWord`).
 */
function lineCredential(line: string, assignments: boolean): Omit<Embedded, "line"> | undefined {
  // The column of what the user changes: the credential, where the line writes it.
  const at = (text: string, from = 0) => line.indexOf(text.replace(/^["']/, ""), from) + 1;
  const authorization = AUTHORIZATION.exec(line);
  if (authorization && isCredentialWord(authorization[1]!)) {
    return { name: "Authorization", column: at(authorization[1]!, authorization.index) };
  }
  const header = NGINX_HEADER.exec(line);
  if (header && isCredentialSetting(header[1]!, header[2]!) && isCredentialWord(header[2]!)) {
    return { name: header[1]!, column: at(header[2]!, header.index + header[1]!.length) };
  }
  const htpasswd = HTPASSWD.exec(line.trim());
  if (htpasswd) {
    const scheme = HASH_SCHEMES[htpasswd[2]!] ?? "bcrypt";
    return { name: htpasswd[1]!, hashScheme: scheme, column: at(htpasswd[2]!) };
  }
  const comment = COMMENT.exec(line);
  const assignment = ASSIGNMENT.exec(comment ? comment[1]! : line);
  if (!assignment || (!assignments && !comment)) return undefined;
  const [, name, value] = assignment as unknown as [string, string, string];
  // A bare `key:` is a field of countless config formats (attribute processors, label maps).
  if (nameSegments(name).join() === "key" || isReferenceOrEmpty(value)) return undefined;
  if (comment && !isCredentialWord(value)) return undefined;
  return isCredentialSetting(name, value)
    ? { name, column: at(value, line.indexOf(name) + name.length) }
    : undefined;
}

/**
 * A credential-named field of a JSON document, however it is laid out: a one-line JSON config
 * (`{"redis": {"password": "..."}}`) has no `name: value` line of its own.
 */
function jsonCredential(text: string): Embedded | undefined {
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

type ConfigMapMessage =
  | "passwordHash"
  | "tokenFormat"
  | "credentialKey"
  | "embeddedCredential"
  | "highEntropy"
  | "connectionString";

type ConfigMapFinding = {
  messageId: ConfigMapMessage;
  data: Record<string, string | number>;
  /** Where in the value: a line of the file the key holds. */
  within?: { line: number; column: number };
};

/** What makes one ConfigMap value a credential, if anything: the first finding of `configMapCredentials`. */
export function configMapCredential(key: string, text: string): ConfigMapFinding | undefined {
  return configMapCredentials(key, text)[0];
}

/**
 * The credentials one ConfigMap value holds, one finding each: the value itself (a token format,
 * a credential-named key's one-line value, a random-looking value) or each credential the file
 * it holds sets, on its line.
 */
export function configMapCredentials(key: string, text: string): ConfigMapFinding[] {
  const format = detectTokenFormat(text);
  if (format) return [{ messageId: "tokenFormat", data: { format } }];
  const oneLine = !text.trim().includes("\n");
  const embedded = embeddedCredentials(text).map(embeddedFinding);
  // A one-line value under a credential name is the credential, unless it is a URL that holds one.
  const url = embedded.length === 1 && embedded[0]!.messageId === "connectionString";
  // `.git-credentials: https://bot:${GIT_TOKEN}@github.com` holds a reference, not a credential.
  const referenceUrl = /^\s*[a-z][a-z0-9+.-]*:\/\/\S*\s*$/i.test(text) && !hasUrlPassword(text);
  const literal = !isReferenceOrEmpty(text) && !referenceUrl;
  if (oneLine && !url && literal && isCredentialSetting(key, text)) {
    return [{ messageId: "credentialKey", data: {} }];
  }
  if (embedded.length > 0) return embedded;
  if (!oneLine && literal && isCredentialSetting(key, text)) {
    return [{ messageId: "credentialKey", data: {} }];
  }
  if (hasUrlPassword(text)) return [{ messageId: "connectionString", data: { line: 1 } }];
  if (looksHighEntropy(text.trim()) && !isPlaceholder(text)) {
    return [{ messageId: "highEntropy", data: {} }];
  }
  // `AUTH_HEADER: Bearer <hex>`: a credential whatever the key is named (a hex token is no
  // random-looking value to the measure above, which leaves digests alone).
  const scheme = SCHEME_VALUE.exec(text);
  if (scheme && isCredentialWord(scheme[1]!)) {
    return [{ messageId: "embeddedCredential", data: { name: "Authorization", line: 1 } }];
  }
  return [];
}

function embeddedFinding(found: Embedded): ConfigMapFinding {
  const { name, line, column, hashScheme: scheme, hashSource: source = "an htpasswd file" } = found;
  const within = column === undefined ? {} : { within: { line, column } };
  if (scheme) {
    return { messageId: "passwordHash", data: { user: name, line, scheme, source }, ...within };
  }
  if (found.url) return { messageId: "connectionString", data: { line }, ...within };
  return { messageId: "embeddedCredential", data: { name, line }, ...within };
}

/** A binaryData value that is no text: a credential when its key says so. */
function binaryCredential(key: string, bytes: Uint8Array): ConfigMapFinding[] {
  return bytes.length > 0 && isCredentialName(key)
    ? [{ messageId: "credentialKey", data: {} }]
    : [];
}

export const noSecretInConfigmap = defineRule({
  id: "secrets/no-secret-in-configmap",
  meta: {
    severity: "error",
    description:
      "No ConfigMap holds a credential: no credential-named key, no known token format, no URL with a password, no requirepass line, Authorization header, htpasswd hash or credential in a comment of a config file, no random-looking value.",
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
      passwordHash:
        'ConfigMap key "{{key}}" holds the {{scheme}} password hash of user "{{user}}" on line {{line}} of its value ({{source}}): a guesser cracks it offline',
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
          // Bytes that are no text (32 raw random bytes) under a credential name are a raw key.
          const found =
            text === undefined ? binaryCredential(key, bytes) : configMapCredentials(key, text);
          for (const { messageId, data, within } of found) {
            context.report({
              messageId,
              data: { key, fingerprint: fingerprint(text ?? bytes), ...data },
              object,
              pointer: joinPointer("", field, key),
              ...(within ? { within } : {}),
            });
          }
        }
      }
    }
  },
});
