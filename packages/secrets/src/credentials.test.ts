import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  configPasswords,
  detectTokenFormat,
  hasUrlPassword,
  isCredentialName,
  isCredentialSetting,
  looksHighEntropy,
  nameSegments,
} from "./credentials.js";

describe("isCredentialName", () => {
  it.each([
    "API_TOKEN",
    "api-token",
    "apiToken",
    "APIToken",
    "REDIS_PASSWORD",
    "redis-password-previous",
    "DB_PASSWD",
    "MYSQL_PWD",
    "REDIS_PASS",
    "client_secret",
    "SECRET_KEY",
    "apikey",
    "AUTHTOKEN",
    "accessKey",
    "private_key",
    "aws_credentials",
    "REDIS_AUTH",
    "tls.key",
    "passphrase",
    "discovery.auth.password_in",
    "user_password",
  ])("%s is a credential", (name) => {
    expect(isCredentialName(name)).toBe(true);
  });

  it.each([
    "keyboard",
    "KEYBOARD_LAYOUT",
    "monkey",
    "donkey-count",
    "author",
    "AUTHOR_EMAIL",
    "authority",
    "tokenizer",
    "secretary",
    "passenger",
    "PASSWORD_FILE",
    "TOKEN_URL",
    "AUTH_ENABLED",
    "auth-mode",
    "AWS_ACCESS_KEY_ID",
    "public-key",
    "SECRET_NAME",
    "LOG_LEVEL",
    "discovery.sendtargets.auth.username",
    "node.session.auth.username_in",
    "",
  ])("%s is not a credential", (name) => {
    expect(isCredentialName(name)).toBe(false);
  });

  it("splits names into segments", () => {
    expect(nameSegments("APITokenValue")).toEqual(["api", "token", "value"]);
    expect(nameSegments("redis.password_2")).toEqual(["redis", "password", "2"]);
  });
});

describe("detectTokenFormat", () => {
  // Built from pieces so the repository holds no string a secret scanner would flag.
  const github = `ghp_${"A1b2C3d4E5".repeat(4)}`;
  const githubPat = `github_pat_${"11ABCDEFG0".repeat(3)}_${"aB3dE6gH9j".repeat(6)}`;
  const aws = `AKIA${"IOSFODNN7EXAMPLE"}`;
  const slack = `xoxb-${"1234567890"}-${"abcdefABCDEF"}`;
  const jwt = [
    Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url"),
    Buffer.from('{"sub":"1234567890"}').toString("base64url"),
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  ].join(".");
  const pem = `-----BEGIN ${"RSA PRIVATE"} KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----`;

  it.each([
    [github, "GitHub token"],
    [githubPat, "GitHub token"],
    [aws, "AWS access key id"],
    [slack, "Slack token"],
    [jwt, "JSON Web Token"],
    [`Authorization: Bearer ${jwt}`, "JSON Web Token"],
    [pem, "PEM private key"],
    [`-----BEGIN ${"OPENSSH PRIVATE"} KEY-----`, "PEM private key"],
  ])("%s is a %s", (value, format) => {
    expect(detectTokenFormat(value)).toBe(format);
  });

  it("ignores ordinary values and public keys", () => {
    for (const value of [
      "hello",
      "ghp_short",
      "-----BEGIN PUBLIC KEY-----",
      "https://example.com",
      "AKIA-not",
    ]) {
      expect(detectTokenFormat(value)).toBeUndefined();
    }
  });
});

describe("looksHighEntropy", () => {
  it("spots random tokens", () => {
    let spotted = 0;
    for (let i = 0; i < 200; i++)
      if (looksHighEntropy(randomBytes(32).toString("base64"))) spotted++;
    expect(spotted).toBeGreaterThan(190);
  });

  it("spots a token behind an Authorization scheme, not the scheme before a word", () => {
    const token = randomBytes(32).toString("base64");
    const spotted = ["Bearer", "Basic", "Token"].filter((scheme) =>
      looksHighEntropy(`${scheme} ${token}`),
    );
    // A random token lacks a character class about once in a thousand draws.
    expect(spotted.length === 3 || !looksHighEntropy(token)).toBe(true);
    expect(looksHighEntropy("Bearer realm")).toBe(false);
  });

  it("leaves digests, UUIDs, words and URLs alone", () => {
    for (const value of [
      randomBytes(32).toString("hex"),
      "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
      "the quick brown fox jumps over the lazy dog",
      "https://scout.example.com/api/v1",
      "scout-backend-service-account-name",
    ]) {
      expect(looksHighEntropy(value)).toBe(false);
    }
  });
});

describe("hasUrlPassword", () => {
  it("finds a literal password in URLs and connection strings", () => {
    expect(hasUrlPassword("redis://:s3cr3t-pw@redis:6379/0")).toBe(true);
    expect(hasUrlPassword("postgres://scout:hunter2@db/scout?sslmode=require")).toBe(true);
    expect(hasUrlPassword("url = amqp://u:p%40ss@mq:5672/")).toBe(true);
  });
  it("finds the password of a URL query, an ADO.NET/ODBC string and a libpq keyword string", () => {
    expect(hasUrlPassword("postgres://db:5432/scout?user=scout&password=hunter2x")).toBe(true);
    expect(hasUrlPassword("jdbc:mysql://db/scout?user=scout&password=hunter2x")).toBe(true);
    expect(hasUrlPassword("Server=db;Database=scout;User Id=sa;Password=hunter2x;")).toBe(true);
    expect(hasUrlPassword("host=db user=scout password=hunter2x dbname=scout")).toBe(true);
  });
  it("leaves those forms without a password, or with a reference in its place", () => {
    expect(hasUrlPassword("postgres://db/scout?sslmode=require")).toBe(false);
    expect(hasUrlPassword("jdbc:mysql://db/scout?user=scout&password=$(DB_PASSWORD)")).toBe(false);
    expect(hasUrlPassword("Server=db;Database=scout;Integrated Security=true;")).toBe(false);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder the shell expands, as users write it
    expect(hasUrlPassword("Server=db;Database=scout;Password=${DB_PASSWORD}")).toBe(false);
    expect(hasUrlPassword("host=db user=scout dbname=scout")).toBe(false);
    expect(hasUrlPassword("password=hunter2x")).toBe(false);
  });
  it("leaves URLs without a password, or with a reference in its place", () => {
    expect(hasUrlPassword("redis://redis:6379/0")).toBe(false);
    expect(hasUrlPassword("postgres://scout@db/scout")).toBe(false);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder the shell expands, as users write it
    expect(hasUrlPassword("postgres://scout:${DB_PASSWORD}@db/scout")).toBe(false);
    expect(hasUrlPassword("redis://:$(REDIS_PASSWORD)@redis:6379")).toBe(false);
    expect(hasUrlPassword("http://backend:8000/docs")).toBe(false);
  });
});

describe("isCredentialSetting", () => {
  it("is not a credential: a number or a duration that a credential name qualifies", () => {
    expect(isCredentialSetting("TOKEN_TTL_SECONDS", "3600")).toBe(false);
    expect(isCredentialSetting("SESSION_TOKEN_LIFETIME", "1h30m")).toBe(false);
    expect(isCredentialSetting("api-key-rotation", "P90D")).toBe(false);
  });
  it("is a credential: a value, even a number, under a name that ends in the credential word", () => {
    expect(isCredentialSetting("REDIS_PASSWORD", "123456")).toBe(true);
    expect(isCredentialSetting("API_TOKEN", "abc")).toBe(true);
    expect(isCredentialSetting("TOKEN_TTL_SECONDS", "abc")).toBe(true);
    expect(isCredentialSetting("LOG_LEVEL", "debug")).toBe(false);
  });
});

describe("configPasswords", () => {
  it("reads the passwords redis.conf and sentinel.conf set, as Redis reads the argument, with where", () => {
    const conf = [
      "# requirepass commented-out",
      "requirepass foobared",
      '  masterauth "two words"',
      "sentinel auth-pass mymaster 's3cret'\r",
      "dir /tmp",
    ].join("\n");
    expect(configPasswords(conf)).toEqual([
      { directive: "requirepass", value: "foobared", line: 2, column: 13 },
      { directive: "masterauth", value: "two words", line: 3, column: 14 },
      { directive: "sentinel auth-pass", value: "s3cret", line: 4, column: 29 },
    ]);
  });

  it("reads each >password of an ACL user rule, and each #digest as the digest it is", () => {
    const acl = `user default on >hunter2 ~* +@all\nuser backend on #${"a".repeat(64)} >${"x".repeat(3)} ~cache:*\nuser bad on #${"A".repeat(64)}`;
    expect(configPasswords(acl)).toEqual([
      { directive: "user", value: "hunter2", line: 1, column: 18 },
      { directive: "user", value: "a".repeat(64), digest: true, line: 2, column: 18 },
      { directive: "user", value: "xxx", line: 2, column: 84 },
    ]);
  });

  it("finds none in text that only mentions a directive", () => {
    expect(configPasswords("dir /tmp\nappendonly yes\n# see requirepass below\n")).toEqual([]);
  });
});
