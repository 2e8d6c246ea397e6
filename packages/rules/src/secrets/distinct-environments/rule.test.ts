import { randomBytes } from "node:crypto";
import { buildBundle, evaluate, parsePolicy, parseSource } from "@scout-deploy/core";
import { RuleTester } from "@scout-deploy/core/testing";
import { environmentOf, fingerprint } from "@scout-deploy/secrets";
import { describe, expect, it } from "vitest";
import { reuse } from "../reuse/rule.js";
import { distinctEnvironments } from "./rule.js";

const token = randomBytes(32).toString("base64");
const other = randomBytes(32).toString("base64");
const secret = (name: string, namespace: string, values: Record<string, string>, labels = "") => `
        apiVersion: v1
        kind: Secret
        metadata: {name: ${name}, namespace: ${namespace}${labels}}
        stringData: {${Object.entries(values)
          .map(([k, v]) => `${k}: "${v}"`)
          .join(", ")}}`;

new RuleTester({ describe, it }).run(distinctEnvironments, {
  valid: [
    {
      name: "the Redis password in the Redis and the backend Secrets of one namespace; other values elsewhere",
      yaml: `${secret("redis", "scout", { "redis-password": token })}
        ---${secret("scout-secrets", "scout", { "redis-password": token, "api-token": other })}
        ---${secret("scout-secrets", "scout-staging", { "api-token": randomBytes(32).toString("base64") })}
      `,
    },
  ],
  invalid: [
    {
      name: "one API token in two namespaces, and across environment labels",
      yaml: `${secret("scout-secrets", "scout", { "api-token": token })}
        ---${secret("scout-secrets", "scout-staging", { "api-token": token })}
        ---${secret("ci", "tools", { "deploy-token": other }, ", labels: {scout-deploy.io/environment: ci}")}
        ---${secret("ci-copy", "tools", { "deploy-token": other }, ", labels: {scout-deploy.io/environment: prod}")}
      `,
      errors: [
        {
          messageId: "shared",
          line: 9,
          column: 14,
          data: {
            key: "api-token",
            fingerprint: fingerprint(token),
            environment: "scout-staging",
            otherKey: "api-token",
            other: "Secret scout-secrets",
            otherEnvironment: "scout",
          },
        },
        { messageId: "shared", line: 19, column: 14 },
      ],
    },
    {
      name: "a key of any name that each environment's backend reads as its API token",
      yaml: `${secret("scout-secrets", "scout", { value: token })}
        ---${secret("scout-secrets", "scout-staging", { value: token })}
        ---${backendReading("scout")}
        ---${backendReading("scout-staging")}
      `,
      errors: [{ messageId: "shared", line: 9, column: 14 }],
    },
  ],
});

function backendReading(namespace: string): string {
  return `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: ${namespace}}
        spec:
          template:
            spec:
              containers:
                - name: backend
                  image: ghcr.io/scout/backend:1.4.2
                  env: [{name: API_TOKEN, valueFrom: {secretKeyRef: {name: scout-secrets, key: value}}}]`;
}

describe("environments of overlays", () => {
  const yaml = (text: string) => text.replace(/^\n/, "").replace(/^ {8}/gm, "");
  const bundle = buildBundle([
    parseSource("overlays/staging/secret.yaml", yaml(secret("s", "scout", { "api-token": token }))),
    parseSource("overlays/prod/secret.yaml", yaml(secret("s", "scout", { "api-token": token }))),
    parseSource("k8s/redis/secret.yaml", yaml(secret("r", "scout", { "redis-password": other }))),
    parseSource("k8s/backend/secret.yaml", yaml(secret("b", "scout", { "redis-password": other }))),
  ]);

  it("reads the overlay folder before the namespace, and a plain folder not at all", () => {
    expect(bundle.objects.map(environmentOf)).toEqual(["staging", "prod", "scout", "scout"]);
  });

  it("reports the staging token copied into prod, not the shared Redis password", () => {
    const { findings } = evaluate([distinctEnvironments], bundle, parsePolicy({}));
    const shared = findings.filter((f) => f.ruleId === distinctEnvironments.id);
    expect(shared.map((f) => `${f.file}:${f.line}`)).toEqual(["overlays/prod/secret.yaml:4"]);
  });
});

describe("one shared token in two namespaces of one plain folder", () => {
  const yaml = (text: string) => text.replace(/^\n/, "").replace(/^ {8}/gm, "");
  const bundle = buildBundle([
    parseSource("deploy/a.yaml", yaml(secret("s", "scout-a", { "api-token": token }))),
    parseSource("deploy/b.yaml", yaml(secret("s", "scout-b", { "api-token": token }))),
  ]);

  it("is one finding, secrets/distinct-environments', not also secrets/reuse'", () => {
    const { findings } = evaluate([distinctEnvironments, reuse], bundle, parsePolicy({}));
    expect(findings.map((f) => `${f.ruleId} ${f.file}`)).toEqual([
      "secrets/distinct-environments deploy/b.yaml",
    ]);
  });
});
