import { readFileSync } from "node:fs";
import { isConfigurationError, parseSource } from "@scout-deploy/core";
import { securityGuidePack } from "@scout-deploy/rules";
import { describe, expect, it } from "vitest";
import { configJsonSchema, parseScoutConfig, scoutSectionOf } from "./schema.js";

/** Parses a scout-deploy.yaml text the way the CLI does, returning the error message. */
function errorOf(text: string): string {
  const document = parseSource("scout-deploy.yaml", text).documents[0]!;
  try {
    scoutSectionOf(document.value, document.locate);
  } catch (error) {
    if (isConfigurationError(error)) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("the JSON Schema for editors", () => {
  it("is the committed file, regenerated (pnpm build && pnpm generate:schema)", () => {
    const committed = readFileSync(
      new URL("../schema/scout-deploy.schema.json", import.meta.url),
      "utf8",
    );
    expect(JSON.parse(committed)).toEqual(configJsonSchema([securityGuidePack]));
  });

  it("describes both sections and rejects unknown keys", () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { additionalProperties?: boolean }>;
    };
    expect(Object.keys(schema.properties)).toEqual(["scout", "policy"]);
    expect(schema.properties.scout?.additionalProperties).toBe(false);
  });

  it("knows the settings of the packs it is given, and still rejects unknown ones", () => {
    const settingsOf = (schema: Record<string, unknown>) =>
      (
        schema as {
          properties: {
            policy: {
              properties: {
                settings: { properties: Record<string, unknown>; additionalProperties: boolean };
              };
            };
          };
        }
      ).properties.policy.properties.settings;
    expect(Object.keys(settingsOf(configJsonSchema()).properties)).toEqual([
      "namespace",
      "componentLabels",
      "profile",
    ]);
    const withGuide = settingsOf(configJsonSchema([securityGuidePack]));
    expect(Object.keys(withGuide.properties)).toEqual([
      "namespace",
      "componentLabels",
      "profile",
      "components",
      "expectedUid",
      "writablePaths",
      "redisAuth",
      "network",
    ]);
    expect(withGuide.additionalProperties).toBe(false);
  });
});

describe("parseScoutConfig", () => {
  it("fills every default with the secure choice", () => {
    const config = parseScoutConfig({});
    expect(config.namespace).toBe("scout");
    expect(config.auth).toEqual({ apiToken: true, redis: true });
    expect(config.security).toMatchObject({
      networkPolicies: true,
      podSecurityLevel: "restricted",
      runAsNonRoot: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      dropAllCapabilities: true,
      allowPrivilegeEscalation: false,
      seccompProfile: "RuntimeDefault",
      automountServiceAccountToken: false,
    });
    expect(config.externalAccess.type).toBe("off");
    expect(config.secrets).toMatchObject({ source: "generated", name: "scout-secrets" });
    expect(config.secrets.keys).toEqual({ apiToken: "api-token", redisPassword: "redis-password" });
  });

  it("names an unknown key, the keys allowed there and the line", () => {
    expect(errorOf("scout:\n  security:\n    runAsRoot: true\n")).toBe(
      'scout-deploy.yaml:3:5: scout.security.runAsRoot: unknown key "runAsRoot" (did you mean "runAsNonRoot"?) (allowed: networkPolicies, podSecurityLevel, runAsNonRoot, runAsUser, readOnlyRootFilesystem, dropAllCapabilities, allowPrivilegeEscalation, seccompProfile, automountServiceAccountToken)',
    );
  });

  it("names a bad value's key, the allowed values and the line", () => {
    expect(errorOf("scout:\n  externalAccess:\n    type: NodePort\n")).toBe(
      'scout-deploy.yaml:3:5: scout.externalAccess.type: expected one of off, LoadBalancer, Ingress, not "NodePort"',
    );
    expect(errorOf("scout:\n  monitoring:\n    mode: grafana\n")).toContain(
      'scout.monitoring.mode: expected one of prometheus, serviceMonitor, off, not "grafana"',
    );
  });

  it("asks for what an Ingress needs, at the Ingress", () => {
    expect(
      errorOf("scout:\n  externalAccess:\n    type: Ingress\n    host: scout.example.com\n"),
    ).toBe(
      'scout-deploy.yaml:2:3: scout.externalAccess.tlsSecretName: required when type is "Ingress"',
    );
    expect(errorOf("scout:\n  externalAccess:\n    host: scout.example.com\n")).toBe(
      'scout-deploy.yaml:3:5: scout.externalAccess.host: only allowed with type "Ingress" (type is "off")',
    );
  });

  it("asks for the external store when the secret source needs one", () => {
    expect(errorOf("scout:\n  secrets:\n    source: externalSecret\n")).toBe(
      'scout-deploy.yaml:2:3: scout.secrets.externalSecret: required when source is "externalSecret"',
    );
    const withoutRedis =
      "scout:\n  secrets:\n    source: sealedSecret\n    sealedSecret:\n      apiToken: AgBy3i4OJSWK+PiTySYZZA==\n";
    expect(errorOf(withoutRedis)).toBe(
      "scout-deploy.yaml:4:5: scout.secrets.sealedSecret.redisPassword: required while auth.redis is true",
    );
  });

  it("checks extra Secret keys: kebab-case, unique, no clash with the credentials, sealed values given", () => {
    const extra = (list: string) => `scout:\n  secrets:\n    extraKeys: ${list}\n`;
    expect(errorOf(extra("[SMTP_password]"))).toMatch(
      /^scout-deploy\.yaml:3:\d+: scout\.secrets\.extraKeys\.0: expected a kebab-case key/,
    );
    expect(errorOf(extra("[smtp, smtp]"))).toMatch(
      /^scout-deploy\.yaml:3:\d+: scout\.secrets\.extraKeys\.1: "smtp" is listed twice/,
    );
    expect(errorOf(extra("[api-token]"))).toContain(
      'scout.secrets.extraKeys.0: "api-token" is already',
    );
    expect(errorOf(extra("[scout-auth-token]"))).toContain(
      "would replace the backend's SCOUT_AUTH_TOKEN",
    );
    expect(errorOf(extra("[smtp-previous]"))).toContain("reserved for rotation");
    const sealed =
      "scout:\n  secrets:\n    source: sealedSecret\n    extraKeys: [smtp-password]\n    sealedSecret:\n      apiToken: AgBy3i4OJSWK+PiTySYZZA==\n      redisPassword: AgBy3i4OJSWK+PiTySYZZA==\n";
    expect(errorOf(sealed)).toBe(
      'scout-deploy.yaml:5:5: scout.secrets.sealedSecret.extraKeys: needs the sealed value of "smtp-password"',
    );
    const unlisted =
      "scout:\n  secrets:\n    source: externalSecret\n    externalSecret:\n      storeName: vault\n      apiToken: { key: scout }\n      redisPassword: { key: scout }\n      extraKeys: { smtp: { key: mail } }\n";
    expect(errorOf(unlisted)).toMatch(
      /scout\.secrets\.externalSecret\.extraKeys\.smtp: "smtp" is not listed in scout\.secrets\.extraKeys$/,
    );
  });

  it("keeps the labels it owns", () => {
    expect(errorOf("scout:\n  labels:\n    app.kubernetes.io/component: api\n")).toBe(
      'scout-deploy.yaml:3:5: scout.labels.app.kubernetes.io/component: label "app.kubernetes.io/component" is set by scout-deploy (reserved: app.kubernetes.io/name, app.kubernetes.io/component, app.kubernetes.io/part-of, app.kubernetes.io/managed-by)',
    );
  });

  it("checks label syntax and a single Redis", () => {
    expect(errorOf("scout:\n  labels:\n    team: search engine\n")).toBe(
      "scout-deploy.yaml:3:5: scout.labels.team: expected a label value: up to 63 letters, digits, -, _ or .",
    );
    expect(errorOf("scout:\n  annotations:\n    owner team: x\n")).toBe(
      'scout-deploy.yaml:3:5: scout.annotations.owner team: "owner team" is not a valid annotation key: expected a name such as team or example.com/team',
    );
    expect(errorOf("scout:\n  components:\n    redis:\n      replicas: 3\n")).toBe(
      "scout-deploy.yaml:4:7: scout.components.redis.replicas: Redis runs as one instance without replication: 0 or 1",
    );
  });

  it("checks images, digests and quantities", () => {
    expect(errorOf("scout:\n  components:\n    backend:\n      image: scout-backend\n")).toContain(
      'scout.components.backend.image: expected "repository:tag"',
    );
    expect(
      errorOf("scout:\n  components:\n    backend:\n      image: ghcr.io/Scout/api:1.2\n"),
    ).toBe(
      "scout-deploy.yaml:4:7: scout.components.backend.image: the kubelet cannot parse this image: its name is malformed (InvalidImageName), so the pod would never start",
    );
    expect(
      errorOf(`scout:\n  components:\n    backend:\n      image: api:${"x".repeat(129)}\n`),
    ).toContain("its tag is malformed");
    expect(errorOf("scout:\n  components:\n    redis:\n      digest: sha256:abc\n")).toContain(
      'scout.components.redis.digest: expected "sha256:" and 64 hex digits',
    );
    expect(
      errorOf(
        "scout:\n  components:\n    nginx:\n      resources:\n        limits:\n          memory: lots\n",
      ),
    ).toContain("scout.components.nginx.resources.limits.memory: expected a Kubernetes quantity");
  });
});

describe("configs the cluster would refuse, or run weaker than check passes", () => {
  const resources = (requests: string, limits: string) =>
    `scout:\n  components:\n    backend:\n      resources:\n        requests: {${requests}}\n        limits: {${limits}}\n`;

  it("refuses a request above its limit (the API server refuses the Deployment)", () => {
    expect(errorOf(resources("cpu: '2'", "cpu: 500m"))).toContain(
      "scout.components.backend.resources.requests.cpu: the request is above the limit 500m",
    );
    const equal = parseSource("scout-deploy.yaml", resources("memory: 1Gi", "memory: 1024Mi"));
    expect(
      scoutSectionOf(equal.documents[0]!.value)?.components.backend.resources.limits.memory,
    ).toBe("1024Mi");
  });

  it("refuses the default namespace and the cluster's kube-* ones", () => {
    expect(errorOf("scout:\n  namespace: default\n")).toContain(
      "scout.namespace: Scout needs a namespace of its own",
    );
    expect(errorOf("scout:\n  namespace: kube-system\n")).toContain("kube-* belong to the cluster");
  });

  it("refuses a limit of 0, which leaves the container unbounded", () => {
    expect(errorOf(resources("memory: '0'", "memory: '0'"))).toContain(
      "scout.components.backend.resources.limits.memory: a limit of 0 is no limit",
    );
  });

  it("refuses annotations that set a seccomp or AppArmor profile, and Pod Security labels", () => {
    expect(
      errorOf(
        "scout:\n  annotations:\n    container.seccomp.security.alpha.kubernetes.io/backend: unconfined\n",
      ),
    ).toContain("sets a pod's seccomp or AppArmor profile: use scout.security");
    expect(
      errorOf(
        "scout:\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/redis: unconfined\n",
      ),
    ).toContain("sets a pod's seccomp or AppArmor profile");
    expect(
      errorOf("scout:\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n"),
    ).toContain("is set by scout-deploy from scout.security.podSecurityLevel");
  });
});

describe("scoutSectionOf", () => {
  it("is undefined for a file without a scout: section (raw manifests)", () => {
    expect(scoutSectionOf({ policy: { failOn: "warning" } })).toBeUndefined();
    expect(scoutSectionOf(undefined)).toBeUndefined();
  });

  it("treats an empty scout: section as all defaults", () => {
    expect(scoutSectionOf({ scout: null })?.namespace).toBe("scout");
  });
});
