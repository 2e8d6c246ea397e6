import { extraKeyEnvName, type ScoutConfig } from "../schema.js";
import {
  type Json,
  metadata,
  PORTS,
  type Rendered,
  resourceName,
  SECRET_SOURCE_ANNOTATION,
} from "./meta.js";
import { deployment, httpProbes, secretEnv, service } from "./pod.js";

const literal = (name: string, value: string): Json => ({ name, value });

export function backend(config: ScoutConfig): Rendered[] {
  const name = resourceName("backend");
  const { auth, secrets, monitoring, probes, logging } = config;
  const env: Json[] = [
    literal("SCOUT_HOST", "0.0.0.0"),
    literal("SCOUT_PORT", String(PORTS.backend)),
    literal("SCOUT_DEBUG", "false"),
    literal("SCOUT_LOG_FORMAT", logging.format),
    literal("SCOUT_LOG_LEVEL", logging.level),
    literal("SCOUT_DISABLE_DOCKER_LOGS", "true"),
    literal("SCOUT_REDIS_ENABLED", "true"),
    literal("REDIS_HOST", resourceName("redis")),
    literal("REDIS_PORT", String(PORTS.redis)),
    literal("PROMETHEUS_MULTIPROC_DIR", "/tmp"),
    literal("SCOUT_PROTECTED_API", String(auth.apiToken)),
    ...(auth.apiToken ? [secretEnv(config, "SCOUT_AUTH_TOKEN", secrets.keys.apiToken)] : []),
    ...(auth.redis ? [secretEnv(config, "REDIS_PASSWORD", secrets.keys.redisPassword)] : []),
    ...secrets.extraKeys.map((key) => secretEnv(config, extraKeyEnvName(key), key)),
  ];
  const scrape: Record<string, string> =
    monitoring.mode === "off"
      ? {}
      : {
          "prometheus.io/scrape": "true",
          "prometheus.io/port": String(PORTS.backend),
          "prometheus.io/path": "/metrics",
        };
  const objects: Json[] = [
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: metadata(config, name, { component: "backend" }),
      automountServiceAccountToken: config.security.automountServiceAccountToken,
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: metadata(config, name, { component: "backend" }),
      // Scout's backend calls no Kubernetes API: its Secret arrives as environment variables.
      rules: [],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: metadata(config, name, { component: "backend" }),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: config.namespace }],
    },
    deployment(config, {
      component: "backend",
      serviceAccountName: name,
      podAnnotations: scrape,
      deploymentAnnotations: { [SECRET_SOURCE_ANNOTATION]: secrets.source },
      container: {
        port: PORTS.backend,
        env,
        probes: httpProbes(
          PORTS.backend,
          { live: "/docs", ready: "/docs" },
          {
            path: "/docs",
            delay: probes.startupDelaySeconds,
            failureThreshold: probes.startupFailureThreshold,
          },
        ),
      },
    }),
    service(config, "backend", PORTS.backend),
  ];
  if (monitoring.mode === "prometheus") {
    // Headless: Prometheus finds every backend pod by DNS, so it needs no Kubernetes API access.
    objects.push(
      service(config, "backend", PORTS.backend, { name: `${name}-metrics`, headless: true }),
    );
  }
  return objects.map((object) => ({ group: "backend", object }));
}

export function frontend(config: ScoutConfig): Rendered[] {
  return [
    deployment(config, {
      component: "frontend",
      container: {
        port: PORTS.frontend,
        env: [literal("NODE_ENV", "production")],
        probes: httpProbes(PORTS.frontend, { live: "/", ready: "/" }),
      },
    }),
    service(config, "frontend", PORTS.frontend),
  ].map((object) => ({ group: "frontend", object }));
}

export function redis(config: ScoutConfig): Rendered[] {
  const { auth, secrets } = config;
  const password = (name: string) => secretEnv(config, name, secrets.keys.redisPassword);
  const ping = { exec: { command: ["redis-cli", "-p", String(PORTS.redis), "ping"] } };
  return [
    deployment(config, {
      component: "redis",
      container: {
        command: ["redis-server"],
        args: [
          "--port",
          String(PORTS.redis),
          "--dir",
          "/tmp",
          "--save",
          "",
          "--appendonly",
          "no",
          ...(auth.redis ? ["--requirepass", "$(REDIS_PASSWORD)"] : []),
        ],
        port: PORTS.redis,
        // REDISCLI_AUTH lets the probes' redis-cli authenticate without a password in argv.
        env: auth.redis ? [password("REDIS_PASSWORD"), password("REDISCLI_AUTH")] : [],
        probes: {
          livenessProbe: { ...ping, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
          readinessProbe: { ...ping, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
        },
      },
    }),
    service(config, "redis", PORTS.redis),
  ].map((object) => ({ group: "redis", object }));
}
