import { buildBundle, evaluate, parsePolicy, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { securityGuidePack, securityGuideRules } from "./registry.js";

/** Fake credentials, in every place a manifest can hold one. None may appear in any finding. */
const SECRETS = {
  apiToken: "Zx81qLmW0pT7vR2sYc4NbH6eJ9uK3dFa",
  redisPassword: "qJ7#vN2m!Lp9wX4z",
  weakToken: "hunter2hunter2",
  commonPassword: "iloveyou",
  github: "ghp_4Hq9ZtW2mX8rL5vN1cB7kY3pD6sF0gJ2aQeR",
  aws: "AKIAZ7Q4XW2MP9LK3T5V",
  awsSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8Rk2Lm4N",
  slack: "xoxb-2748163509-8372615490-Vb7Qn2Wm9Xk4Lp1Zr6Ts3Yh",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzY291dC1hZG1pbiJ9.mT9vQ2xW8rZ4kL1nP6sY3hB7cF0dG5jA",
  pemBody: "MIIEowIBAAKCAQEAq7Bv9ZtW2mX8rL5vN1cB7kY3pD6sF0gJ2aQeRx81qLmW0pT7",
};

const b64 = (value: string) => Buffer.from(value, "utf8").toString("base64");

const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: scout}
---
apiVersion: v1
kind: Secret
metadata: {name: scout-secrets, namespace: scout}
data:
  api-token: ${b64(SECRETS.apiToken)}
  redis-password: ${b64(SECRETS.redisPassword)}
  weak-token: ${b64(SECRETS.weakToken)}
  admin-password: ${b64(SECRETS.commonPassword)}
  broken: "${SECRETS.awsSecret.slice(0, 21)}!!"
stringData:
  aws-secret-access-key: "${SECRETS.awsSecret}"
---
apiVersion: v1
kind: ConfigMap
metadata: {name: leaky, namespace: scout}
data:
  API_TOKEN: "${SECRETS.apiToken}"
  github: "${SECRETS.github}"
  aws_access_key_id: "${SECRETS.aws}"
  notify: "${SECRETS.slack}"
  session: "${SECRETS.jwt}"
  key.pem: |
    -----BEGIN RSA PRIVATE KEY-----
    ${SECRETS.pemBody}
    -----END RSA PRIVATE KEY-----
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: scout}
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/component: backend}
      annotations: {scout.io/token: "${SECRETS.github}"}
    spec:
      containers:
        - name: api
          image: ghcr.io/scout/backend:1.0
          args: ["--token=${SECRETS.apiToken}"]
          env:
            - {name: API_TOKEN, value: "${SECRETS.apiToken}"}
            - {name: REDIS_PASSWORD, value: "${SECRETS.redisPassword}"}
            - {name: GITHUB, value: "${SECRETS.github}"}
            - {name: SESSION, value: "${SECRETS.jwt}"}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: scout}
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/component: redis}
    spec:
      containers:
        - name: redis
          image: redis:7.2
          args: ["--requirepass", "${SECRETS.redisPassword}"]
`;

/** Every 8-character window of a secret, raw and base64-encoded: a finding may show neither. */
function fragments(value: string): string[] {
  const forms = [value, b64(value)];
  return forms.flatMap((form) => {
    const windows: string[] = [];
    for (let i = 0; i + 8 <= form.length; i++) windows.push(form.slice(i, i + 8));
    return windows;
  });
}

describe("no finding contains a secret value from the input", () => {
  const bundle = buildBundle([parseSource("leaky.yaml", manifests)]);
  const profiles = [
    {},
    { settings: { namespace: "scout", profile: "production", redisAuth: true } },
  ];

  for (const policy of profiles) {
    it(`over the whole registry, policy ${JSON.stringify(policy)}`, () => {
      const result = evaluate(
        securityGuideRules,
        bundle,
        parsePolicy(policy, undefined, { packs: [securityGuidePack] }),
      );
      expect(result.findings.length).toBeGreaterThan(0);
      const output = JSON.stringify(result);
      for (const [name, value] of Object.entries(SECRETS)) {
        const leaked = fragments(value).filter((fragment) => output.includes(fragment));
        expect(leaked, `a fragment of ${name} appears in the findings`).toEqual([]);
      }
    });
  }
});
