import { shannonEntropy } from "./strength.js";

/** Name segments that make a key or variable a credential. */
const CREDENTIAL_SEGMENTS = new Set([
  "token",
  "tokens",
  "password",
  "passwords",
  "passwd",
  "pwd",
  "pass",
  "passphrase",
  "secret",
  "secrets",
  "key",
  "credential",
  "credentials",
  "creds",
  "auth",
]);

/** One-word compounds such as `apikey` or `authtoken`: a known prefix glued to a credential word. */
const COMPOUND_PREFIXES = [
  "api",
  "access",
  "admin",
  "app",
  "auth",
  "bearer",
  "client",
  "db",
  "encryption",
  "master",
  "private",
  "refresh",
  "root",
  "secret",
  "service",
  "session",
  "signing",
  "user",
];
const COMPOUND_WORDS = ["key", "token", "password", "passwd", "pwd", "secret"];

/**
 * A last segment that makes the name describe a credential rather than hold one:
 * `PASSWORD_FILE` is a path, `TOKEN_URL` an endpoint, `AUTH_ENABLED` a switch, `KEY_ID` public.
 */
const DESCRIBING_SUFFIXES = new Set([
  "file",
  "path",
  "dir",
  "name",
  "id",
  "url",
  "uri",
  "endpoint",
  "host",
  "length",
  "size",
  "type",
  "prefix",
  "header",
  "format",
  "ttl",
  "expiry",
  "expires",
  "enabled",
  "disabled",
  "required",
  "algorithm",
  "ref",
  "version",
  "field",
  "count",
  "timeout",
  "interval",
  "mode",
  "method",
  "provider",
  "policy",
]);

/** Splits `REDIS_PASSWORD`, `redis-password`, `apiToken`, `APIToken`, `tls.key` into lower-case segments. */
export function nameSegments(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());
}

function isCredentialSegment(segment: string): boolean {
  if (CREDENTIAL_SEGMENTS.has(segment)) return true;
  return COMPOUND_PREFIXES.some(
    (prefix) => segment.startsWith(prefix) && COMPOUND_WORDS.includes(segment.slice(prefix.length)),
  );
}

/**
 * True when a key or variable name says it holds a credential: a segment such as token,
 * password, passwd, secret, key, credential or auth. Whole segments only, so `keyboard`,
 * `monkey` and `author` are not credentials; `public` keys and names that describe a
 * credential (`PASSWORD_FILE`, `AUTH_ENABLED`) are not either.
 */
export function isCredentialName(name: string): boolean {
  const segments = nameSegments(name);
  if (segments.length === 0 || segments.includes("public")) return false;
  if (DESCRIBING_SUFFIXES.has(segments.at(-1)!)) return false;
  const credentials = segments.filter(isCredentialSegment);
  // `auth.username` names who logs in, not the secret: "auth" alone beside a user word is not enough.
  if (credentials.every((s) => s === "auth") && segments.some((s) => USER_SEGMENTS.has(s)))
    return false;
  return credentials.length > 0;
}

const USER_SEGMENTS = new Set(["user", "username", "login", "email", "account", "principal"]);

export type TokenFormat =
  | "GitHub token"
  | "AWS access key id"
  | "Slack token"
  | "JSON Web Token"
  | "PEM private key";

const TOKEN_FORMATS: ReadonlyArray<readonly [TokenFormat, RegExp]> = [
  ["GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})\b/],
  ["AWS access key id", /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/],
  ["Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["JSON Web Token", /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/],
  ["PEM private key", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/],
];

/** The well-known token format a value contains, whatever its name says. */
export function detectTokenFormat(value: string): TokenFormat | undefined {
  return TOKEN_FORMATS.find(([, pattern]) => pattern.test(value))?.[0];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A single word of at least 24 characters drawn like a random token: upper, lower and digits,
 * and a Shannon entropy above 4.2 bits per character. Hex strings (digests, commit ids), UUIDs,
 * paths and URLs are left alone: ConfigMaps hold plenty of those. An Authorization header value
 * (`Bearer <token>`) is judged by its credential, without the scheme word.
 */
export function looksHighEntropy(text: string): boolean {
  const value = text.replace(/^(?:Bearer|Basic|Token)\s+/i, "");
  if (value.length < 24 || value.length > 4096) return false;
  if (!/^[A-Za-z0-9+/_=-]+$/.test(value)) return false;
  if (UUID.test(value) || /^[0-9a-f]+$/i.test(value)) return false;
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) return false;
  return shannonEntropy(value) > 4.2;
}

/** `scheme://user:password@host` or `scheme://:password@host` with a literal password. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:([^\s/?#@]+)@[^\s]/i;
/** A password that is itself a reference to be filled in: `${VAR}`, `$(VAR)`, `$VAR`, `{{ … }}`, `%s`. */
const PASSWORD_REFERENCE =
  /^(?:\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_]\w*|\{\{.*\}\}|%s|<[^>]*>|\*+|x+)$/i;

/** A password in a URL's query: `postgres://db/scout?user=u&password=pw`, `jdbc:mysql://…&password=pw`. */
const QUERY_PASSWORD =
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s?#]*\?(?:[^\s#]*&)?(?:password|passwd|pwd|pass)=([^&\s#]+)/i;
/** ADO.NET / ODBC: `Server=db;Database=scout;User Id=sa;Password=pw;`. */
const KEYED_PASSWORD = /(?:^|;)\s*(?:password|pwd)\s*=\s*("[^"]*"|'[^']*'|[^;\s][^;]*)/i;
const KEYED_CONNECTION =
  /(?:^|;)\s*(?:server|data source|host|database|initial catalog|uid|user id)\s*=/i;
/** libpq keyword/value: `host=db user=scout password=pw dbname=scout`. */
const LIBPQ_PASSWORD = /(?:^|\s)password=('[^']*'|\S+)/;
const LIBPQ_CONNECTION = /(?:^|\s)(?:host|hostaddr|dbname)=\S/;

/** The literal password a connection string carries, in any of the forms drivers read. */
function connectionPassword(text: string): string | undefined {
  const url = URL_WITH_PASSWORD.exec(text) ?? QUERY_PASSWORD.exec(text);
  if (url) return url[1];
  if (text.includes(";") && KEYED_CONNECTION.test(text)) {
    const keyed = KEYED_PASSWORD.exec(text);
    if (keyed) return keyed[1]!.trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  if (LIBPQ_CONNECTION.test(text)) {
    const libpq = LIBPQ_PASSWORD.exec(text);
    if (libpq) return libpq[1]!.replace(/^'(.*)'$/, "$1");
  }
  return undefined;
}

/** True when the text holds a URL or connection string that carries a literal password. */
export function hasUrlPassword(text: string): boolean {
  const found = connectionPassword(text);
  if (found === undefined) return false;
  let password = found;
  try {
    password = decodeURIComponent(password);
  } catch {
    // A stray % is part of a literal password.
  }
  return password !== "" && !PASSWORD_REFERENCE.test(password);
}

/** A plain number or a duration (`3600`, `1.5`, `30s`, `1h30m`, `PT1H`, `7d`). */
export function isNumberOrDuration(value: string): boolean {
  const bare = value.trim().replace(/^["']|["']$/g, "");
  if (/^-?\d+(?:\.\d+)?$/.test(bare)) return true;
  if (/^P(?:\d+[YMWD])*(?:T(?:\d+(?:\.\d+)?[HMS])+)?$/i.test(bare) && bare.length > 1) return true;
  return /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w))+$/.test(bare);
}

/**
 * True when `value` under `name` is a credential judged by the name: a credential name holding a
 * value, except a duration, and except a number when the name goes on after its credential word
 * (`TOKEN_TTL_SECONDS: "3600"` is a setting, `REDIS_PASSWORD: "123456"` a weak password).
 */
export function isCredentialSetting(name: string, value: string): boolean {
  if (!isCredentialName(name)) return false;
  const bare = value.trim().replace(/^["']|["']$/g, "");
  if (!/^-?\d+(?:\.\d+)?$/.test(bare)) return !isNumberOrDuration(bare);
  return isCredentialSegment(nameSegments(name).at(-1) ?? "");
}

/** Directives of redis.conf (and sentinel.conf) whose argument is a password: `requirepass pw`. */
const PASSWORD_DIRECTIVE =
  /^(\s*)(requirepass|masterauth|sentinel\s+auth-pass\s+\S+)(\s+)(\S.*?)\s*$/i;

/** A password a config file sets by a directive, where in the file (1-based line and column). */
export interface ConfigPassword {
  /** `requirepass`, `masterauth`, `sentinel auth-pass` or `user` (an ACL rule). */
  directive: string;
  /** The password as Redis reads it: one argument, its quotes removed; a digest's 64 hex digits. */
  value: string;
  /** An ACL rule's `#<sha256>`: Redis keeps the digest, a client sends the password it hashes. */
  digest?: boolean;
  line: number;
  column: number;
}

/** An ACL rule (`user alice on >password ~* +@all`, in redis.conf or an aclfile). */
const ACL_USER = /^\s*user\s+\S+\s/i;

/**
 * The passwords a redis.conf, sentinel.conf or ACL file sets: `requirepass`, `masterauth`,
 * `sentinel auth-pass`, each `>password` of a `user` rule and each `#<sha256>` of one (the digest
 * of the password, `digest`). Only a `user` rule takes a digest: Redis sets `requirepass` as
 * `>password` and sends `masterauth` as it is written.
 */
export function configPasswords(text: string): ConfigPassword[] {
  return text.split("\n").flatMap((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (ACL_USER.test(line)) return aclPasswords(line, index + 1);
    const match = PASSWORD_DIRECTIVE.exec(line);
    if (!match) return [];
    const [, indent, directive, gap, argument] = match;
    const quoted = /^"(.*)"$|^'(.*)'$/.exec(argument!);
    return [
      {
        directive: directive!.split(/\s+/).slice(0, 2).join(" "),
        value: quoted ? (quoted[1] ?? quoted[2]!) : argument!,
        line: index + 1,
        column: indent!.length + directive!.length + gap!.length + 1,
      },
    ];
  });
}

function aclPasswords(line: string, number: number): ConfigPassword[] {
  // Redis refuses a `#` rule that is not 64 lower-case hex digits.
  return [...line.matchAll(/(?<=\s)(?:>(\S*)|#([0-9a-f]{64})(?=\s|$))/g)].map((m) => ({
    directive: "user",
    value: m[1] ?? m[2]!,
    ...(m[2] ? { digest: true } : {}),
    line: number,
    column: m.index! + 2,
  }));
}
