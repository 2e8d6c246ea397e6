import { decodeBase64 } from "./base64.js";
import { configPasswords, isCredentialSetting } from "./credentials.js";

/** A credential a config file sets literally, where (1-based line and column of the value). */
export interface ConfigCredential {
  /** What sets it: the key (`password`, `aws_secret_access_key`), `URL`, `.netrc`, `.pgpass`, a Redis directive. */
  name: string;
  /** The credential as the program reads it (quotes removed; a docker `auth`'s password). */
  value: string;
  line: number;
  column: number;
  /** A Redis ACL `#<sha256>`: the digest of the password, not the password. */
  digest?: boolean;
}

/**
 * A value that is no credential of its own: a reference filled in elsewhere (`${X}`, `$(X)`, `$X`,
 * `{{ .Values.x }}`, `%(x)s`, `<password>`), a path to one (`/run/secrets/…`, `file:`), a switch
 * or an empty value.
 */
export function isReferenceValue(value: string): boolean {
  const bare = value.trim();
  if (/^(|~|null|none|true|false|yes|no|on|off)$/i.test(bare) || /^[[{*&|>!]/.test(bare))
    return true;
  if (/^(\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|\{\{.*\}\}|%\(.*\)s|%s|<[^>]*>)$/.test(bare)) {
    return true;
  }
  return /^(?:\/run\/secrets\/|\/var\/run\/secrets\/|\/etc\/secrets?\/|file:|env:|vault:)/.test(
    bare,
  );
}

/**
 * `key=value`, `key: value`, `key = "value"`, `"key": "value",` and `export KEY=value` lines of
 * .properties, .ini, .toml, .conf, .env, YAML and JSON files (name, the value's offset, the value).
 */
const ASSIGNMENT =
  /^(\s*(?:export\s+)?["']?)([A-Za-z_][\w.-]*)(["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|\S+?)[,;]?(?:\s+[#;].*)?\s*$/;
/** `.npmrc`: `//registry.npmjs.org/:_authToken=…`, `_auth=…`, `//host/:_password=…`. */
const NPMRC = /^(\s*(?:\/\/\S*?:)?)(_authToken|_auth|_password)(\s*=\s*)(\S+)/;
/** `scheme://user:password@host` (git-credentials, redis://, postgres://, amqp://, https://). */
const URL_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@'"]*:([^\s/?#@'"]+)@[^\s'"]/gi;
/** A password in a URL's parameters: JDBC (`?user=u&password=p`, `;password=p`), libpq URIs. */
const URL_PARAMETER =
  /\b[a-z][a-z0-9+.:-]*:\/\/[^\s'"]*?[?&;](?:password|passwd|pwd)=([^&;\s'"#]+)/gi;
/** `.netrc`: `machine host login user password secret`, the tokens on one line or several. */
const NETRC = /(?:^|\s)(?:password|passwd)\s+(?![=:])(\S+)/g;
const NETRC_LINE = /^\s*(?:machine|default|login|password|account|macdef)\b/;
/** `.pgpass`: `host:port:database:user:password`, the port a number or `*`. */
const PGPASS = /^([^:\s#]+):(\d+|\*):([^:\s]+):([^:\s]+):(.+)$/;
/** A comment line: what is in it explains a key, it sets nothing. */
const COMMENT = /^\s*(?:#|\/\/(?=\s|$)|;|--\s|!)/;

/**
 * The credentials a config file sets literally, one per value, on its line and column: Redis'
 * password directives and ACL rules, credential-named keys (`password`, `token`, `api_key`,
 * `client_secret`, `aws_secret_access_key`, Prometheus' `basic_auth.password` and
 * `authorization.credentials`), passwords in URLs and JDBC parameters, `.netrc`, `.pgpass`,
 * `.npmrc` tokens and docker `config.json` `auths.*.auth`. References (`${X}`, `{{ .Values.x }}`,
 * `/run/secrets/x`), `*_file` keys and empty values set none; nor does a comment.
 */
export function configCredentials(text: string): ConfigCredential[] {
  const found: ConfigCredential[] = configPasswords(text).map(({ directive, ...rest }) => ({
    name: directive,
    ...rest,
  }));
  found.push(...dockerAuths(text));
  const read = new Set(found.map((p) => p.line));
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.replace(/\r$/, "");
    if (read.has(index + 1) || COMMENT.test(line)) continue;
    found.push(...lineCredentials(line, index + 1));
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

function lineCredentials(line: string, number: number): ConfigCredential[] {
  const at = (name: string, value: string, column: number): ConfigCredential[] =>
    value === "" || isReferenceValue(value) ? [] : [{ name, value, line: number, column }];
  // `redis://:***@redis` is a URL with its password masked out.
  const urls = [...line.matchAll(URL_USERINFO), ...line.matchAll(URL_PARAMETER)]
    .filter((m) => !/^(?:\*+|x+)$/i.test(m[1]!))
    .flatMap((m) => at("URL", decoded(m[1]!), m.index! + m[0].lastIndexOf(m[1]!) + 1));
  if (urls.length > 0) return urls;
  const pgpass = PGPASS.exec(line);
  if (pgpass) return at(".pgpass", pgpass[5]!, line.length - pgpass[5]!.length + 1);
  if (NETRC_LINE.test(line)) {
    const netrc = [...line.matchAll(NETRC)].flatMap((m) =>
      at(".netrc", m[1]!, m.index! + m[0].length - m[1]!.length + 1),
    );
    if (netrc.length > 0) return netrc;
  }
  const assignment = NPMRC.exec(line) ?? ASSIGNMENT.exec(line);
  if (!assignment) return [];
  const [, before, name, between, written] = assignment as unknown as string[];
  const value = unquoted(written!);
  const column = before!.length + name!.length + between!.length + (value === written ? 1 : 2);
  if (name!.startsWith("_") && NPMRC.test(line)) return at(name!, value, column);
  // `auth: {…}`, `password:` opening a block, a bare `key:` of countless formats: no value here.
  if (/^key$/i.test(name!) || !isCredentialSetting(name!, value)) return [];
  return at(name!, value, column);
}

function unquoted(written: string): string {
  const quoted = /^"((?:[^"\\]|\\.)*)"$|^'([^']*)'$/.exec(written);
  return quoted ? (quoted[1] ?? quoted[2]!) : written;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray % is part of a literal password
  }
}

/**
 * docker `config.json` (`.docker/config.json`, `.dockerconfigjson`): each `auths.*.auth` is base64
 * of `user:password`, the password what a registry checks.
 */
function dockerAuths(text: string): ConfigCredential[] {
  if (!/"auths"\s*:/.test(text)) return [];
  const lines = text.split("\n");
  return lines.flatMap((line, index) =>
    [...line.matchAll(/"auth"\s*:\s*"([A-Za-z0-9+/=]+)"/g)].flatMap((m) => {
      const pair = decodeBase64(m[1]!);
      const password = pair?.toString("utf8").split(":").slice(1).join(":");
      if (!password || isReferenceValue(password)) return [];
      return [
        {
          name: "auth",
          value: password,
          line: index + 1,
          column: m.index! + m[0].length - m[1]!.length,
        },
      ];
    }),
  );
}
