import {
  type Bundle,
  type BundleObject,
  type ContainerRef,
  containersOf,
  defineRule,
  effectiveNamespace,
  InstanceIndex,
  instanceOf,
  joinPointer,
  podTemplateOf,
  type RuleReport,
} from "@scout-deploy/core";
import { nameSegments } from "@scout-deploy/secrets";
import { guideSettings } from "../../settings.js";
import { componentWorkloads, objectsNamed } from "../../support/index.js";
import {
  envFromSecretVariables,
  isReadableVariableName,
  mountedSecretsOf,
  resolvedEnvVars,
} from "../env.js";
import { type PasswordSource, requirementOf } from "./requirement.js";

type RedisMessage =
  | "noPassword"
  | "unusedPassword"
  | "notFromSecret"
  | "literalPassword"
  | "backendMissing"
  | "backendOtherSecret"
  | "optionalPassword";

const PASSWORD_SEGMENTS = new Set(["password", "passwd", "pass", "pwd", "auth", "requirepass"]);

function isRedisPassword(name: string): boolean {
  const segments = nameSegments(name);
  return segments.some((s) => PASSWORD_SEGMENTS.has(s)) && segments.includes("redis");
}

function passwordVariables(container: ContainerRef, redisOnly: boolean) {
  return resolvedEnvVars(container).filter((variable) => {
    const segments = nameSegments(variable.name);
    return (
      segments.some((s) => PASSWORD_SEGMENTS.has(s)) && (!redisOnly || segments.includes("redis"))
    );
  });
}

export const redisAuth = defineRule({
  id: "secrets/redis-auth",
  meta: {
    severity: "warning",
    description:
      "Redis requires a password read from a Secret, and the backend is given the same Secret (an error when policy.settings.redisAuth is on).",
    remediation:
      "Set REDIS_PASSWORD from `secretKeyRef: {name: scout-secrets, key: redis-password}` in Redis (and `--requirepass $(REDIS_PASSWORD)`), and the same secretKeyRef in the backend.",
    guide: "Secrets Management: Redis authentication: Optional Redis password protection",
    messages: {
      noPassword: 'Redis container "{{container}}" requires no password from a Secret',
      unusedPassword:
        'Redis container "{{container}}" gets "{{name}}" from a Secret, but nothing makes redis-server require it (no --requirepass $({{name}}), no redis.conf from a Secret, an image that does not read it)',
      notFromSecret:
        'Redis container "{{container}}" requires the password $({{name}}), which no Secret provides: it is a plain value or unset',
      literalPassword:
        'Redis container "{{container}}" sets its password in plain text in its {{where}}',
      optionalPassword:
        'Redis container "{{container}}" reads its password with optional: true: where the Secret or key is missing the variable is unset, and redis-server requires the text $({{name}}) as it is written (or nothing)',
      backendMissing:
        'the backend container "{{container}}" is not given the password of Redis {{redis}} (instance {{instance}}) from Secret "{{secret}}"',
      backendOtherSecret:
        'the backend container "{{container}}" reads Redis\' password from "{{found}}", but Redis {{redis}} (instance {{instance}}) reads it from "{{secret}}"',
    },
  },
  check(context) {
    const severity = guideSettings(context.settings).redisAuth ? "error" : undefined;
    const report = (r: RuleReport<RedisMessage>) =>
      context.report(severity ? { ...r, severity } : r);
    const byComponent = (name: string) =>
      componentWorkloads(context.bundle, context.settings, name).map((w) => w.object);
    // Each backend is given the password of the Redis of its own instance, not of every Redis.
    const backends = InstanceIndex.of(byComponent("backend"), instanceOf);
    for (const redis of byComponent("redis")) {
      const source = checkRedis(redis, report, context.bundle);
      // A key the Secret lacks is Redis' broken reference (workload/references-resolve's, on
      // Redis' line): what the backend reads says nothing more.
      if (!source || lacksKey(context.bundle, redis, source)) continue;
      for (const backend of backends.with(instanceOf(redis)))
        checkBackend(backend, context.bundle, source, report);
    }
  },
});

function mainContainers(object: BundleObject): ContainerRef[] {
  const template = podTemplateOf(object);
  return template ? containersOf(template).filter((c) => c.list === "containers") : [];
}

function checkRedis(
  object: BundleObject,
  report: (r: RuleReport<RedisMessage>) => void,
  bundle: Bundle,
): PasswordSource | undefined {
  const containers = mainContainers(object);
  const requirements = containers.map((container) => ({
    container,
    requirement: requirementOf(container, bundle),
  }));
  for (const { container, requirement } of requirements) {
    if (requirement.kind !== "literal") continue;
    report({
      messageId: "literalPassword",
      data: { container: container.name, where: requirement.where },
      object,
      pointer: requirement.pointer,
    });
    return undefined;
  }
  for (const { container, requirement } of requirements) {
    if (requirement.kind !== "secret") continue;
    const { optional } = requirement.source;
    // An image's entrypoint that finds the variable unset refuses to start: only $(VAR) is kept.
    if (optional !== undefined && requirement.variable !== undefined) {
      report({
        messageId: "optionalPassword",
        data: { container: container.name, name: requirement.variable },
        object,
        pointer: optional,
      });
    }
    return { ...requirement.source, redis: object };
  }
  for (const { container, requirement } of requirements) {
    if (requirement.kind !== "notFromSecret") continue;
    report({
      messageId: "notFromSecret",
      data: { container: container.name, name: requirement.variable },
      object,
      pointer: requirement.pointer,
    });
    return undefined;
  }
  for (const container of containers) {
    const unused = passwordVariables(container, false).find((v) => v.source === "secret");
    if (!unused) continue;
    report({
      messageId: "unusedPassword",
      data: { container: container.name, name: unused.name },
      object,
      pointer: unused.pointer,
    });
    return undefined;
  }
  const first = containers[0];
  if (first)
    report({
      messageId: "noPassword",
      data: { container: first.name },
      object,
      pointer: first.pointer,
    });
  return undefined;
}

/** The input defines Redis' Secret in its namespace, and none of its definitions has the key. */
function lacksKey(bundle: Bundle, redis: BundleObject, source: PasswordSource): boolean {
  const { key } = source;
  if (key === undefined) return false;
  const secrets = objectsNamed(bundle, "Secret", effectiveNamespace(bundle, redis), source.secret);
  const keysOf = (o: BundleObject) =>
    [o.value.data, o.value.stringData].flatMap((m) =>
      m !== null && typeof m === "object" ? Object.keys(m) : [],
    );
  return secrets.length > 0 && secrets.every((o) => !keysOf(o).includes(key));
}

function checkBackend(
  object: BundleObject,
  bundle: Bundle,
  source: PasswordSource,
  report: (r: RuleReport<RedisMessage>) => void,
) {
  const containers = mainContainers(object);
  const found: string[] = [];
  for (const container of containers) {
    const refs = passwordVariables(container, true).flatMap((v) =>
      v.source === "secret" && v.ref ? [v.ref] : [],
    );
    const same = refs.some(
      (r) => r.name === source.secret && (!source.key || !r.key || r.key === source.key),
    );
    // envFrom names each variable prefix + key: the Secret must give one the backend can read.
    const namespace = effectiveNamespace(bundle, object) ?? "";
    const imported = envFromSecretVariables(container, bundle, namespace);
    // An env entry of the same name replaces what envFrom gave (the kubelet applies env last).
    const overridden = new Set(resolvedEnvVars(container).map((v) => v.name));
    const fromEnvFrom = imported.some(
      ({ secret, names }) =>
        secret === source.secret &&
        (names === undefined ||
          names.some((n) => isReadableVariableName(n) && isRedisPassword(n) && !overridden.has(n))),
    );
    if (same || fromEnvFrom || mountedSecretsOf(container).includes(source.secret)) return;
    found.push(...refs.map((r) => `${r.name}/${r.key}`));
  }
  const first = containers[0];
  if (!first) return;
  const data = {
    container: first.name,
    secret: source.secret,
    found: found.join(", "),
    redis: source.redis?.ref.name ?? "",
    instance: source.redis ? instanceOf(source.redis).name : "",
  };
  report({
    messageId: found.length ? "backendOtherSecret" : "backendMissing",
    data,
    object,
    pointer: joinPointer(first.pointer, "env"),
  });
}
