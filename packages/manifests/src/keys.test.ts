import { describe, expect, it } from "vitest";
import { render } from "./render.js";
import { configJsonSchema, parseScoutConfig } from "./schema.js";

type Json = Record<string, unknown>;

interface KeyCase {
  /** A config in which the key matters; defaults when omitted. */
  base?: Json;
  /** A value for the key that differs from the base's. */
  value: unknown;
}

const INGRESS = {
  type: "Ingress",
  host: "scout.example.com",
  tlsSecretName: "scout-tls",
  className: "nginx",
};
const EXTERNAL = {
  source: "externalSecret",
  externalSecret: {
    storeName: "vault",
    storeKind: "ClusterSecretStore",
    refreshInterval: "1h",
    apiToken: { key: "scout", property: "api-token" },
    redisPassword: { key: "scout", property: "redis-password" },
  },
};
const SEALED = {
  source: "sealedSecret",
  sealedSecret: { apiToken: "AgBy3i4OJSWK+PiTySYZZA==", redisPassword: "AgCx9f2LmQWe+PiTySYZZB==" },
};
const OPERATOR = { mode: "serviceMonitor" };

const COMPONENTS = ["frontend", "backend", "redis", "nginx", "prometheus"];
const componentCases = Object.fromEntries(
  COMPONENTS.flatMap((c): [string, KeyCase][] => [
    [`components.${c}.image`, { value: `registry.example.com/${c}:9.9.9` }],
    [`components.${c}.digest`, { value: `sha256:${"ab".repeat(32)}` }],
    [`components.${c}.replicas`, { value: c === "redis" ? 0 : 7 }],
    [`components.${c}.resources.requests.cpu`, { value: "11m" }],
    [`components.${c}.resources.requests.memory`, { value: "11Mi" }],
    [`components.${c}.resources.limits.cpu`, { value: "1100m" }],
    [`components.${c}.resources.limits.memory`, { value: "1100Mi" }],
  ]),
);

/** One case per key of the scout: section; the completeness test below keeps it so. */
const CASES: Record<string, KeyCase> = {
  namespace: { value: "scout-staging" },
  ...componentCases,
  "externalAccess.type": { value: "LoadBalancer" },
  "externalAccess.host": { base: { externalAccess: INGRESS }, value: "other.example.com" },
  "externalAccess.tlsSecretName": { base: { externalAccess: INGRESS }, value: "other-tls" },
  "externalAccess.className": { base: { externalAccess: INGRESS }, value: "traefik" },
  "auth.apiToken": { value: false },
  "auth.redis": { value: false },
  "secrets.source": { value: "existing" },
  "secrets.name": { value: "my-scout-credentials" },
  "secrets.keys.apiToken": { value: "token" },
  "secrets.keys.redisPassword": { value: "redis" },
  "secrets.extraKeys": { value: ["smtp-password"] },
  "secrets.externalSecret.extraKeys": {
    base: { secrets: { ...EXTERNAL, extraKeys: ["smtp-password"] } },
    value: { "smtp-password": { key: "mail", property: "password" } },
  },
  "secrets.sealedSecret.extraKeys": {
    base: {
      secrets: {
        ...SEALED,
        extraKeys: ["smtp-password"],
        sealedSecret: {
          ...SEALED.sealedSecret,
          extraKeys: { "smtp-password": "AgSmtpSealedValue1==" },
        },
      },
    },
    value: { "smtp-password": "AgDifferentSealedValue==" },
  },
  "secrets.externalSecret.storeName": { base: { secrets: EXTERNAL }, value: "aws" },
  "secrets.externalSecret.storeKind": { base: { secrets: EXTERNAL }, value: "SecretStore" },
  "secrets.externalSecret.refreshInterval": { base: { secrets: EXTERNAL }, value: "15m" },
  "secrets.externalSecret.apiToken.key": { base: { secrets: EXTERNAL }, value: "other" },
  "secrets.externalSecret.apiToken.property": { base: { secrets: EXTERNAL }, value: "token" },
  "secrets.externalSecret.redisPassword.key": { base: { secrets: EXTERNAL }, value: "other" },
  "secrets.externalSecret.redisPassword.property": {
    base: { secrets: EXTERNAL },
    value: "password",
  },
  "secrets.sealedSecret.apiToken": { base: { secrets: SEALED }, value: "AgDifferentSealedValue==" },
  "secrets.sealedSecret.redisPassword": {
    base: { secrets: SEALED },
    value: "AgDifferentSealedValue==",
  },
  "monitoring.mode": { value: "serviceMonitor" },
  "monitoring.scrapeInterval": { value: "30s" },
  "monitoring.operator.namespace": { base: { monitoring: OPERATOR }, value: "observability" },
  "monitoring.operator.podLabels": { base: { monitoring: OPERATOR }, value: { app: "prometheus" } },
  "monitoring.operator.ruleLabels": { base: { monitoring: OPERATOR }, value: { release: "prom" } },
  "monitoring.alerts.enabled": { value: false },
  "monitoring.alerts.authFailuresPerMinute": { value: 20 },
  "monitoring.alerts.for": { value: "15m" },
  "probes.startupDelaySeconds": { value: 45 },
  "probes.startupFailureThreshold": { value: 60 },
  "logging.format": { value: "text" },
  "logging.level": { value: "debug" },
  "security.networkPolicies": { value: false },
  "security.podSecurityLevel": { value: "baseline" },
  "security.runAsNonRoot": { value: false },
  "security.runAsUser": { value: 2000 },
  "security.readOnlyRootFilesystem": { value: false },
  "security.dropAllCapabilities": { value: false },
  "security.allowPrivilegeEscalation": { value: true },
  "security.seccompProfile": { value: "Unconfined" },
  "security.automountServiceAccountToken": { value: true },
  labels: { value: { team: "search" } },
  annotations: { value: { owner: "ops" } },
};

/** Leaf keys of the scout: section's JSON Schema; maps (labels) count as one key. */
function leafKeys(node: Json, prefix = ""): string[] {
  const properties = node.properties as Record<string, Json> | undefined;
  if (node.type !== "object" || !properties) return [prefix];
  return Object.entries(properties).flatMap(([key, child]) =>
    leafKeys(child, prefix ? `${prefix}.${key}` : key),
  );
}

function withValue(base: Json, path: string, value: unknown): Json {
  const copy = structuredClone(base);
  const keys = path.split(".");
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Json;
  }
  node[keys.at(-1)!] = value;
  return copy;
}

describe("every key of the scout: section changes the output", () => {
  const schema = configJsonSchema() as { properties: { scout: Json } };

  it("has a case for every key of the schema", () => {
    expect(Object.keys(CASES).sort()).toEqual(leafKeys(schema.properties.scout).sort());
  });

  const baseline = new Map<string, string>();
  const renderBody = (input: Json) => {
    const yaml = render(parseScoutConfig(input)).yaml;
    return yaml.split("\n").slice(2).join("\n");
  };
  for (const [path, { base = {}, value }] of Object.entries(CASES)) {
    it(path, () => {
      const key = JSON.stringify(base);
      if (!baseline.has(key)) baseline.set(key, renderBody(base));
      expect(renderBody(withValue(base, path, value))).not.toBe(baseline.get(key));
    });
  }
});
