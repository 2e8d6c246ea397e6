import { describe, expect, it } from "vitest";
import { configCredentials } from "./config-credentials.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const read = (text: string) =>
  configCredentials(text).map(({ name, value, line, column }) => [name, value, line, column]);

describe("configCredentials: each credential a config file sets, on its value", () => {
  it.each([
    [
      ".properties with a JDBC URL",
      "db.url=jdbc:postgresql://db:5432/x?user=app&password=s3cret\ndb.password=hunter2\n",
      [
        ["URL", "s3cret", 1, 54],
        ["db.password", "hunter2", 2, 13],
      ],
    ],
    [
      "AWS credentials",
      "[default]\naws_access_key_id = AKIAXXXXXXXXXXXXXXXX\naws_secret_access_key = wJalrXUtnFEMI\n",
      [["aws_secret_access_key", "wJalrXUtnFEMI", 3, 25]],
    ],
    ["TOML, quoted with a space", '[db]\npassword = "pa ss"\n', [["password", "pa ss", 2, 13]]],
    [
      "URLs with userinfo",
      "REDIS_URL=redis://:pw123@redis:6379\nhttps://user:tok@github.com\n",
      [
        ["URL", "pw123", 1, 20],
        ["URL", "tok", 2, 14],
      ],
    ],
    [
      ".netrc, on one line and on several",
      "machine github.com login bot password tok3n\nmachine x\n  login y\n  password z9z9\n",
      [
        [".netrc", "tok3n", 1, 39],
        [".netrc", "z9z9", 4, 12],
      ],
    ],
    [".pgpass", "db.example.com:5432:scout:app:Pg-pass-1\n", [[".pgpass", "Pg-pass-1", 1, 31]]],
    [
      ".npmrc",
      "//registry.npmjs.org/:_authToken=npm_abc123\n",
      [["_authToken", "npm_abc123", 1, 34]],
    ],
    [
      "docker config.json: the password of auths.*.auth",
      `{\n  "auths": {\n    "ghcr.io": { "auth": "${b64("ci:hunter22")}" }\n  }\n}\n`,
      [["auth", "hunter22", 3, 27]],
    ],
    [
      "Prometheus basic_auth and authorization",
      "basic_auth:\n  password: p1\nauthorization:\n  credentials: c1\n",
      [
        ["password", "p1", 2, 13],
        ["credentials", "c1", 4, 16],
      ],
    ],
  ])("%s", (_, text, expected) => {
    expect(read(text)).toEqual(expected);
  });

  it("reads no reference, file, template, empty value, switch or comment as a credential", () => {
    const dollar = "$";
    const text = [
      "# password: changeme",
      `password=${dollar}{DB_PASSWORD}`,
      "token: $(API_TOKEN)",
      'secret = "{{ .Values.secret }}"',
      "password: <password>",
      "password_file: /run/secrets/db",
      "client_secret: /run/secrets/client",
      "api_key=",
      "auth: true",
      "token_ttl: 3600",
      `url: redis://:${dollar}{REDIS_PASSWORD}@redis:6379`,
      "url: redis://:***@redis:6379",
      `//registry.npmjs.org/:_authToken=${dollar}{NPM_TOKEN}`,
    ].join("\n");
    expect(read(text)).toEqual([]);
  });
});
