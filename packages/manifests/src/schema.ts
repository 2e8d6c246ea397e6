import {
  type Locate,
  malformedPart,
  parseWithSchema,
  policySchemaOf,
  quantityValue,
  type SettingsSource,
  z,
} from "@scout-deploy/core";

/** Labels the renderer owns: user labels may not override them. */
export const RESERVED_LABELS = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/component",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/managed-by",
] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

const dnsLabel = (what: string) =>
  z.string().max(63).regex(DNS_LABEL, `expected a ${what}: lower-case letters, digits and "-"`);
const dnsSubdomain = (what: string) =>
  z
    .string()
    .max(253)
    .regex(DNS_SUBDOMAIN, `expected a ${what}: a DNS name such as scout.example.com`);
const quantity = z
  .string()
  .regex(QUANTITY, 'expected a Kubernetes quantity such as "100m" or "256Mi"');
const LABEL_NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
const LABEL_KEY = new RegExp(`^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?${LABEL_NAME}$`);
const LABEL_VALUE = new RegExp(`^(${LABEL_NAME})?$`);
/**
 * Kubernetes label syntax, checked here so that a bad label fails at render, not at apply. Keys
 * are checked in a refinement: zod reports a bad record key only as "Invalid key in record".
 */
const keyedMap = (what: string, value: z.ZodString) =>
  z.record(z.string(), value).superRefine((map, context) => {
    for (const key of Object.keys(map)) {
      if (!LABEL_KEY.test(key)) {
        context.addIssue({
          code: "custom",
          path: [key],
          message: `"${key}" is not a valid ${what} key: expected a name such as team or example.com/team`,
        });
      }
    }
  });
const labelValue = z
  .string()
  .regex(LABEL_VALUE, "expected a label value: up to 63 letters, digits, -, _ or .");
const stringMap = keyedMap("label", labelValue);

const resourcePair = (cpu: string, memory: string) =>
  z
    .object({
      cpu: quantity.default(cpu).describe(`CPU, e.g. "250m". @default "${cpu}"`),
      memory: quantity.default(memory).describe(`Memory, e.g. "256Mi". @default "${memory}"`),
    })
    .strict();

/**
 * The API server refuses a request above its limit, and a limit of 0 is no limit at all (the
 * kubelet leaves the container unbounded): neither may be rendered.
 */
function checkRequestsWithinLimits(
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } },
  context: z.RefinementCtx,
) {
  for (const name of ["cpu", "memory"] as const) {
    // QUANTITY accepted both, so both have a value.
    const limit = quantityValue(resources.limits[name]) ?? Number.NaN;
    if (limit === 0) {
      context.addIssue({
        code: "custom",
        path: ["limits", name],
        message: "a limit of 0 is no limit: the kubelet leaves the container unbounded",
      });
    } else if ((quantityValue(resources.requests[name]) ?? Number.NaN) > limit) {
      context.addIssue({
        code: "custom",
        path: ["requests", name],
        message: `the request is above the limit ${resources.limits[name]}: the API server refuses the Deployment`,
      });
    }
  }
}

interface ComponentDefaults {
  image: string;
  replicas: number;
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

function componentSchema(defaults: ComponentDefaults) {
  return z
    .object({
      image: z
        .string()
        .regex(
          /^[^\s@]+:[^\s@:/]+$/,
          'expected "repository:tag" (the digest goes in "digest"; ":latest" is allowed but reported)',
        )
        .superRefine((image, context) => {
          const part = malformedPart(image);
          if (part)
            context.addIssue({
              code: "custom",
              message: `the kubelet cannot parse this image: its ${part} is malformed (InvalidImageName), so the pod would never start`,
            });
        })
        .default(defaults.image)
        .describe(
          `The image as repository:tag; ":latest" is reported by check. @default "${defaults.image}"`,
        ),
      digest: z
        .string()
        .regex(DIGEST, 'expected "sha256:" and 64 hex digits')
        .optional()
        .describe("Pins the image by digest: rendered as image@sha256:..., the best pin."),
      replicas: z
        .number()
        .int()
        .min(0)
        .max(100)
        .default(defaults.replicas)
        .describe(
          `Pod count; 0 scales the component down (incident response: isolate). @default ${defaults.replicas}`,
        ),
      resources: z
        .object({
          requests: resourcePair(defaults.requests.cpu, defaults.requests.memory).prefault({}),
          limits: resourcePair(defaults.limits.cpu, defaults.limits.memory).prefault({}),
        })
        .strict()
        .superRefine(checkRequestsWithinLimits)
        .prefault({}),
    })
    .strict()
    .prefault({});
}

const componentsSchema = z
  .object({
    frontend: componentSchema({
      image: "ghcr.io/scout-io/scout-frontend:1.0.0",
      replicas: 1,
      requests: { cpu: "50m", memory: "128Mi" },
      limits: { cpu: "200m", memory: "256Mi" },
    }),
    backend: componentSchema({
      image: "ghcr.io/scout-io/scout-backend:1.0.0",
      replicas: 2,
      requests: { cpu: "100m", memory: "256Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    }),
    redis: componentSchema({
      image: "docker.io/library/redis:7.4-alpine",
      replicas: 1,
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "100m", memory: "128Mi" },
    }),
    nginx: componentSchema({
      image: "docker.io/nginxinc/nginx-unprivileged:1.27-alpine",
      replicas: 1,
      requests: { cpu: "25m", memory: "32Mi" },
      limits: { cpu: "100m", memory: "64Mi" },
    }),
    prometheus: componentSchema({
      image: "quay.io/prometheus/prometheus:v3.1.0",
      replicas: 1,
      requests: { cpu: "100m", memory: "256Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    }),
  })
  .strict()
  .prefault({});

const externalAccessSchema = z
  .object({
    type: z
      .enum(["off", "LoadBalancer", "Ingress"])
      .default("off")
      .describe(
        'How nginx (port 80) is reached from outside the cluster: "off", a LoadBalancer Service, or an Ingress with host and TLS. Enabling it admits 0.0.0.0/0 to nginx on 80 only. @default "off"',
      ),
    host: dnsSubdomain("host name").optional().describe("Ingress only: the host name served."),
    tlsSecretName: dnsSubdomain("Secret name")
      .optional()
      .describe("Ingress only: the TLS Secret (kubernetes.io/tls) for the host."),
    className: dnsSubdomain("IngressClass name")
      .optional()
      .describe("Ingress only: the ingressClassName; omitted: the cluster's default class."),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.type !== "Ingress") {
      for (const key of ["host", "tlsSecretName", "className"] as const) {
        if (value[key] !== undefined) {
          context.addIssue({
            code: "custom",
            path: [key],
            message: `only allowed with type "Ingress" (type is "${value.type}")`,
          });
        }
      }
      return;
    }
    for (const key of ["host", "tlsSecretName"] as const) {
      if (value[key] === undefined) {
        context.addIssue({
          code: "custom",
          path: [key],
          message: 'required when type is "Ingress"',
        });
      }
    }
  })
  .prefault({});

const remoteRefSchema = z
  .object({
    key: z.string().min(1).describe("The key in the external store."),
    property: z.string().min(1).optional().describe("A property of a JSON value in the store."),
  })
  .strict();

const externalSecretSchema = z
  .object({
    storeName: dnsSubdomain("SecretStore name").describe(
      "The name of the SecretStore or ClusterSecretStore to read from.",
    ),
    storeKind: z
      .enum(["SecretStore", "ClusterSecretStore"])
      .default("ClusterSecretStore")
      .describe('@default "ClusterSecretStore"'),
    refreshInterval: z
      .string()
      .regex(/^([0-9]+(s|m|h))+$/, 'expected a duration such as "1h" or "30m"')
      .default("1h")
      .describe(
        'How often the operator re-reads the store (rotation reaches pods on restart). @default "1h"',
      ),
    apiToken: remoteRefSchema.describe("Where the API token lives in the store."),
    redisPassword: remoteRefSchema
      .optional()
      .describe("Where the Redis password lives (Redis auth on)."),
    extraKeys: z
      .record(z.string(), remoteRefSchema)
      .default({})
      .describe(
        "Where an extra key (scout.secrets.extraKeys) lives, when not where the API token's reference implies: the same key with property <name> when apiToken has a property, else <folder of apiToken.key>/<name>.",
      ),
  })
  .strict();

const sealedSecretSchema = z
  .object({
    apiToken: z
      .string()
      .min(16)
      .describe("The API token, encrypted by kubeseal for this namespace and Secret name."),
    redisPassword: z
      .string()
      .min(16)
      .optional()
      .describe("The Redis password, encrypted by kubeseal (needed while auth.redis is true)."),
    extraKeys: z
      .record(z.string(), z.string().min(16))
      .default({})
      .describe("Each extra key's value (scout.secrets.extraKeys), encrypted by kubeseal."),
  })
  .strict();

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The backend's environment variable for an extra Secret key: `smtp-password` -> `SMTP_PASSWORD`. */
export function extraKeyEnvName(key: string): string {
  return key.toUpperCase().replaceAll("-", "_");
}

/** Environment variables the backend already sets; an extra key must not shadow one. */
export const BACKEND_ENV_NAMES = [
  "SCOUT_HOST",
  "SCOUT_PORT",
  "SCOUT_DEBUG",
  "SCOUT_LOG_FORMAT",
  "SCOUT_LOG_LEVEL",
  "SCOUT_DISABLE_DOCKER_LOGS",
  "SCOUT_REDIS_ENABLED",
  "REDIS_HOST",
  "REDIS_PORT",
  "PROMETHEUS_MULTIPROC_DIR",
  "SCOUT_PROTECTED_API",
  "SCOUT_AUTH_TOKEN",
  "REDIS_PASSWORD",
] as const;

const SECRET_SOURCES = ["generated", "existing", "externalSecret", "sealedSecret"] as const;

const secretsSchema = z
  .object({
    source: z
      .enum(SECRET_SOURCES)
      .default("generated")
      .describe(
        'generated: created by "scout-deploy secrets generate"; existing: yours; externalSecret / sealedSecret: rendered here. @default "generated"',
      ),
    name: dnsSubdomain("Secret name")
      .default("scout-secrets")
      .describe('The Secret the backend and Redis read. @default "scout-secrets"'),
    keys: z
      .object({
        apiToken: z
          .string()
          .min(1)
          .default("api-token")
          .describe('Key of the API token. @default "api-token"'),
        redisPassword: z
          .string()
          .min(1)
          .default("redis-password")
          .describe('Key of the Redis password. @default "redis-password"'),
      })
      .strict()
      .prefault({}),
    extraKeys: z
      .array(
        z
          .string()
          .max(63)
          .regex(KEBAB_CASE, 'expected a kebab-case key such as "smtp-password"')
          .refine((key) => !key.endsWith("-previous"), '"-previous" is reserved for rotation'),
      )
      .default([])
      .describe(
        "More Secret keys the backend consumes, e.g. smtp-password: each becomes an environment variable named after it (SMTP_PASSWORD). @default []",
      ),
    externalSecret: externalSecretSchema.optional(),
    sealedSecret: sealedSecretSchema.optional(),
  })
  .strict()
  .prefault({});

const monitoringSchema = z
  .object({
    mode: z
      .enum(["prometheus", "serviceMonitor", "off"])
      .default("prometheus")
      .describe(
        'prometheus: a Prometheus in the namespace scrapes the backend; serviceMonitor: for the Prometheus Operator. @default "prometheus"',
      ),
    scrapeInterval: z
      .string()
      .regex(/^[0-9]+(s|m)$/, 'expected a duration such as "15s"')
      .default("15s")
      .describe('How often Prometheus scrapes the backend\'s /metrics on 8000. @default "15s"'),
    operator: z
      .object({
        namespace: dnsLabel("namespace name")
          .default("monitoring")
          .describe("Where the operator's Prometheus pods run (allowed to scrape the backend)."),
        podLabels: stringMap
          .default({ "app.kubernetes.io/name": "prometheus" })
          .describe(
            "Labels of the operator's Prometheus pods (allowed to reach the backend on 8000).",
          ),
        ruleLabels: stringMap
          .default({})
          .describe(
            "Labels the operator's serviceMonitorSelector and ruleSelector expect, e.g. release: kube-prometheus-stack.",
          ),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            "A PrometheusRule (or rule file) alerting on scout_auth_failures_total. @default true",
          ),
        authFailuresPerMinute: z
          .number()
          .positive()
          .default(5)
          .describe("Alert above this many failed authentications per minute. @default 5"),
        for: z
          .string()
          .regex(/^[0-9]+(s|m|h)$/, 'expected a duration such as "5m"')
          .default("5m")
          .describe('How long the rate must stay high before the alert fires. @default "5m"'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const securitySchema = z
  .object({
    networkPolicies: z
      .boolean()
      .default(true)
      .describe(
        "Default-deny NetworkPolicies plus exactly the guide's flows and DNS. false is reported by check. @default true",
      ),
    podSecurityLevel: z
      .enum(["restricted", "baseline", "privileged"])
      .default("restricted")
      .describe(
        'The Pod Security Standard the namespace enforces, audits and warns about. @default "restricted"',
      ),
    runAsNonRoot: z.boolean().default(true).describe("Pods must not run as root. @default true"),
    runAsUser: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe("The UID (and GID) of every container; the guide says 1000. @default 1000"),
    readOnlyRootFilesystem: z
      .boolean()
      .default(true)
      .describe("Read-only root filesystem; /tmp is an emptyDir. @default true"),
    dropAllCapabilities: z
      .boolean()
      .default(true)
      .describe("Drop all Linux capabilities. @default true"),
    allowPrivilegeEscalation: z
      .boolean()
      .default(false)
      .describe("Let processes gain privileges (setuid). @default false"),
    seccompProfile: z
      .enum(["RuntimeDefault", "Unconfined"])
      .default("RuntimeDefault")
      .describe('@default "RuntimeDefault"'),
    automountServiceAccountToken: z
      .boolean()
      .default(false)
      .describe("Mount API tokens into pods (none of Scout's pods call the API). @default false"),
  })
  .strict()
  .prefault({});

const metadataMap = (what: string) =>
  stringMap.default({}).superRefine((value, context) => {
    for (const key of Object.keys(value)) {
      if (key.startsWith("pod-security.kubernetes.io/")) {
        context.addIssue({
          code: "custom",
          path: [key],
          message: `${what} "${key}" is set by scout-deploy from scout.security.podSecurityLevel`,
        });
      } else if ((RESERVED_LABELS as readonly string[]).includes(key)) {
        context.addIssue({
          code: "custom",
          path: [key],
          message: `${what} "${key}" is set by scout-deploy (reserved: ${RESERVED_LABELS.join(", ")})`,
        });
      }
    }
  });

/**
 * Annotations that the API server and the kubelet read as a pod's seccomp or AppArmor profile:
 * one on every pod would change its security (container.seccomp…/<name>: unconfined overrides
 * the pod's RuntimeDefault), which only an explicit scout.security key may do.
 */
const SECURITY_ANNOTATION =
  /^(seccomp\.security\.alpha\.kubernetes\.io\/|container\.(seccomp\.security\.alpha|apparmor\.security\.beta)\.kubernetes\.io\/)/;

function refuseSecurityAnnotations(value: Record<string, string>, context: z.RefinementCtx) {
  for (const key of Object.keys(value)) {
    if (!SECURITY_ANNOTATION.test(key)) continue;
    context.addIssue({
      code: "custom",
      path: [key],
      message: `annotation "${key}" sets a pod's seccomp or AppArmor profile: use scout.security (seccompProfile)`,
    });
  }
}

/** The `scout:` section of scout-deploy.yaml. Every default is the secure choice. */
export const scoutConfigSchema = z
  .object({
    namespace: dnsLabel("namespace name")
      .refine((name) => name !== "default" && !name.startsWith("kube-"), {
        message:
          "Scout needs a namespace of its own: default is what the guide forbids, and kube-* belong to the cluster (their Pod Security labels would change for system pods)",
      })
      .default("scout")
      .describe(
        'The namespace of every object, created with Pod Security labels. @default "scout"',
      ),
    components: componentsSchema.describe("Image, digest, replicas and resources per component."),
    externalAccess: externalAccessSchema,
    auth: z
      .object({
        apiToken: z.boolean().default(true).describe("Token-based API protection. @default true"),
        redis: z.boolean().default(true).describe("Redis requires a password. @default true"),
      })
      .strict()
      .prefault({}),
    secrets: secretsSchema.describe(
      "Where the API token and Redis password come from; never written here in plaintext.",
    ),
    monitoring: monitoringSchema.describe(
      "Prometheus scraping of the backend and the authentication-failure alert.",
    ),
    probes: z
      .object({
        startupDelaySeconds: z
          .number()
          .int()
          .min(0)
          .max(3600)
          .default(10)
          .describe("initialDelaySeconds of the backend's startup probe on /docs. @default 10"),
        startupFailureThreshold: z
          .number()
          .int()
          .min(1)
          .max(120)
          .default(30)
          .describe(
            "Startup probe failures (5 s apart) before the backend is restarted. @default 30",
          ),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({
        format: z
          .enum(["json", "text"])
          .default("json")
          .describe('Structured JSON logs (backend, nginx, Prometheus). @default "json"'),
        level: z
          .enum(["debug", "info", "warning", "error"])
          .default("info")
          .describe('@default "info"'),
      })
      .strict()
      .prefault({}),
    security: securitySchema.describe(
      "The guide's controls, all on by default; turning one off is reported by check.",
    ),
    labels: metadataMap("label").describe("Extra labels on every object and pod."),
    annotations: keyedMap("annotation", z.string())
      .superRefine(refuseSecurityAnnotations)
      .default({})
      .describe("Extra annotations on every object."),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.components.redis.replicas > 1) {
      context.addIssue({
        code: "custom",
        path: ["components", "redis", "replicas"],
        message: "Redis runs as one instance without replication: 0 or 1",
      });
    }
    const { source, externalSecret, sealedSecret } = config.secrets;
    const need = (key: "externalSecret" | "sealedSecret", present: unknown) => {
      if (source === key && present === undefined) {
        context.addIssue({
          code: "custom",
          path: ["secrets", key],
          message: `required when source is "${key}"`,
        });
      }
      if (source !== key && present !== undefined) {
        context.addIssue({
          code: "custom",
          path: ["secrets", key],
          message: `only allowed with source "${key}" (source is "${source}")`,
        });
      }
    };
    need("externalSecret", externalSecret);
    need("sealedSecret", sealedSecret);
    checkExtraKeys(config.secrets, context);
    const redisValue = externalSecret?.redisPassword ?? sealedSecret?.redisPassword;
    if (config.auth.redis && (externalSecret || sealedSecret) && redisValue === undefined) {
      context.addIssue({
        code: "custom",
        path: ["secrets", source, "redisPassword"],
        message: "required while auth.redis is true",
      });
    }
  });

type SecretsConfig = z.output<typeof secretsSchema>;

function checkExtraKeys(secrets: SecretsConfig, context: z.RefinementCtx): void {
  const { extraKeys, keys, sealedSecret, externalSecret } = secrets;
  const issue = (path: (string | number)[], message: string) =>
    context.addIssue({ code: "custom", path: ["secrets", ...path], message });
  extraKeys.forEach((key, index) => {
    if (extraKeys.indexOf(key) !== index) issue(["extraKeys", index], `"${key}" is listed twice`);
    if (key === keys.apiToken || key === keys.redisPassword) {
      issue(["extraKeys", index], `"${key}" is already the API token's or Redis password's key`);
    }
    if ((BACKEND_ENV_NAMES as readonly string[]).includes(extraKeyEnvName(key))) {
      issue(["extraKeys", index], `"${key}" would replace the backend's ${extraKeyEnvName(key)}`);
    }
    if (sealedSecret && sealedSecret.extraKeys[key] === undefined) {
      issue(["sealedSecret", "extraKeys"], `needs the sealed value of "${key}"`);
    }
  });
  for (const [source, map] of [
    ["sealedSecret", sealedSecret?.extraKeys],
    ["externalSecret", externalSecret?.extraKeys],
  ] as const) {
    for (const key of Object.keys(map ?? {})) {
      if (!extraKeys.includes(key)) {
        issue([source, "extraKeys", key], `"${key}" is not listed in scout.secrets.extraKeys`);
      }
    }
  }
}

export type ScoutConfig = z.output<typeof scoutConfigSchema>;
export type ScoutConfigInput = z.input<typeof scoutConfigSchema>;
export type ComponentName = keyof ScoutConfig["components"];

/**
 * The whole scout-deploy.yaml: the deployment (ours) and the policy (core's), whose settings are
 * core's and those of `packs`.
 */
export function configFileSchemaOf(packs: readonly SettingsSource[] = []) {
  return z
    .object({
      scout: scoutConfigSchema.optional(),
      policy: policySchemaOf(packs).optional(),
    })
    .strict();
}

export const configFileSchema = configFileSchemaOf();

/**
 * Validates the `scout:` section. Errors are ConfigurationErrors naming the key (`scout.auth.redis`),
 * the allowed values and, with `locate`, the file and line.
 */
export function parseScoutConfig(
  value: unknown,
  locate?: Locate,
  pointerBase = "/scout",
): ScoutConfig {
  return parseWithSchema(scoutConfigSchema, value ?? {}, locate, pointerBase);
}

/** The typed `scout:` section of a parsed scout-deploy.yaml, or undefined when it has none. */
export function scoutSectionOf(file: unknown, locate?: Locate): ScoutConfig | undefined {
  if (file === null || typeof file !== "object" || Array.isArray(file)) return undefined;
  if (!("scout" in file)) return undefined;
  return parseScoutConfig((file as { scout: unknown }).scout, locate);
}

/**
 * JSON Schema of scout-deploy.yaml for editors (yaml-language-server), knowing the settings of
 * `packs` (the committed file: the Security Guide pack's).
 */
export function configJsonSchema(packs: readonly SettingsSource[] = []): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configFileSchemaOf(packs), { io: "input" }),
    $id: "https://github.com/scout/secure-deploy/raw/main/packages/manifests/schema/scout-deploy.schema.json",
    title: "scout-deploy.yaml",
  };
}
