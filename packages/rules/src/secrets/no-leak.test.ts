import { randomBytes } from "node:crypto";
import { buildBundle, evaluate, parsePolicy, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { securityGuidePack, securityGuideRules } from "../registry.js";

/**
 * Every secrets rule over manifests full of secret values, some weak, some strong, some in
 * well-known formats, in every place a value can hide: no finding shows a value, nor its base64.
 */
const secretsRules = securityGuideRules.filter((rule) => rule.id.startsWith("secrets/"));

const b64 = (text: string) => Buffer.from(text).toString("base64");
const values = [
  randomBytes(32).toString("base64"),
  randomBytes(32).toString("hex"),
  randomBytes(12).toString("base64"),
  "changeme",
  "hunter2-hunter2",
  "aabbaabbabababbbaaababbabbbaaabbababababbbaaab1A",
  `ghp_${"Zx9Yw8Vu7T".repeat(4)}`,
  `AKIA${"QWERTYUIOPASDFGH"}`,
  `xoxp-${"9876543210"}-${"ZYXWVUTSRQPO"}`,
  [b64('{"alg":"HS256"}'), b64('{"sub":"scout-user-1"}'), "c2lnbmF0dXJlLXZhbHVlLXg"]
    .join(".")
    .replaceAll("=", ""),
];

const data = values.map((v, i) => `    key-${i}-token: ${b64(v)}`).join("\n");
const stringData = values.map((v, i) => `    password-${i}: "${v}"`).join("\n");
const configData = values
  .map((v, i) => `    SECRET_${i}: "${v}"\n    plain_${i}: "${v}"`)
  .join("\n");
// A config file of every shape a credential hides in, as a ConfigMap or a Secret holds it.
const dockerAuth = b64(`ci:${values[4]}`);
const configFiles = `    application.properties: |
      spring.datasource.url=jdbc:postgresql://db:5432/scout?user=app&password=${values[4]}
      spring.datasource.password=${values[5]}
    credentials: |
      [default]
      aws_secret_access_key = ${values[2]}
    config.toml: |
      token = "${values[5]}"
    .netrc: |
      machine github.com login bot password ${values[4]}
    .pgpass: |
      db:5432:scout:app:${values[4]}
    .npmrc: |
      //registry.npmjs.org/:_authToken=${values[6]}
    config.json: |
      {"auths": {"ghcr.io": {"auth": "${dockerAuth}"}}}
    .git-credentials: |
      https://bot:${values[4]}@github.com
    amqp.conf: |
      url = amqp://scout:${values[4]}@rabbit:5672/
    prometheus.yml: |
      basic_auth:
        password: ${values[4]}`;
const env = values.map((v, i) => `            - {name: API_TOKEN_${i}, value: "${v}"}`).join("\n");

const manifests = `
apiVersion: v1
kind: Secret
metadata:
  name: scout-secrets
  annotations: {scout-deploy.io/rotated-at: "2020-01-01T00:00:00Z"}
data:
${data}
    broken-token: "${values[3]}!"
stringData:
${stringData}
${configFiles}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: scout-config}
data:
${configData}
${configFiles}
    app.conf: |
      password = ${values[4]}
    DATABASE_URL: "postgres://scout:${values[4]}@db/scout"
---
apiVersion: v1
kind: Secret
metadata: {name: scout-secrets, namespace: production}
stringData:
${stringData}
---
apiVersion: v1
kind: Secret
metadata: {name: scout-secrets, namespace: staging}
stringData:
${stringData}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/component: backend}}
    spec:
      containers:
        - name: api
          env:
${env}
            - {name: REDIS_URL, value: "redis://:${values[0]}@redis:6379/0"}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/component: redis}}
    spec:
      containers:
        - name: redis
          args: ["--requirepass", "${values[4]}"]
`;

describe("secrets rules never print a secret value", () => {
  it("reports plenty, and no finding holds a value or its base64", () => {
    const bundle = buildBundle([parseSource("k8s/all.yaml", manifests)]);
    expect(bundle.problems).toEqual([]);
    const policy = parsePolicy(
      { settings: { profile: "production", redisAuth: true } },
      undefined,
      { packs: [securityGuidePack] },
    );
    const result = evaluate(secretsRules, bundle, policy);
    const reported = new Set(result.findings.map((f) => f.ruleId));
    expect([...reported].sort()).toEqual(secretsRules.map((r) => r.id).sort());
    const everything = JSON.stringify(result);
    for (const value of values) {
      for (const form of [value, b64(value)]) expect(everything).not.toContain(form);
    }
    expect(everything).not.toContain(dockerAuth);
    // Each file of each shape is reported, in the ConfigMap and as a weak value in the Secret.
    const files = [...configFiles.matchAll(/^ {4}(\S+): \|$/gm)].map((m) => m[1]!);
    for (const file of files) {
      const about = result.findings.filter(
        (f) => f.message.includes(`"${file}`) && f.ruleId !== "secrets/string-data",
      );
      expect(new Set(about.map((f) => f.ruleId)), file).toEqual(
        new Set(["secrets/no-secret-in-configmap", "secrets/strong-token"]),
      );
    }
  });
});
