import {
  type BundleObject,
  type ContainerRef,
  componentOf,
  containersOf,
  defineRule,
  joinPointer,
  podTemplateOf,
  type RuleReport,
} from "@scout-deploy/core";
import { nameSegments } from "@scout-deploy/secrets";
import { envVars, wholeSecretsOf } from "../env.js";

type RedisMessage = "noPassword" | "literalPassword" | "backendMissing" | "backendOtherSecret";

const PASSWORD_SEGMENTS = new Set(["password", "passwd", "pass", "pwd", "auth", "requirepass"]);

/** Where a container's Redis password comes from: a Secret (name and key), else nothing usable. */
interface PasswordSource {
  secret: string;
  key?: string;
}

function passwordVariables(container: ContainerRef, redisOnly: boolean) {
  return envVars(container).filter((variable) => {
    const segments = nameSegments(variable.name);
    return (
      segments.some((s) => PASSWORD_SEGMENTS.has(s)) && (!redisOnly || segments.includes("redis"))
    );
  });
}

function redisPassword(container: ContainerRef): PasswordSource | undefined {
  for (const variable of passwordVariables(container, false)) {
    if (variable.source === "secret" && variable.ref)
      return { secret: variable.ref.name, key: variable.ref.key };
  }
  const whole = wholeSecretsOf(container)[0];
  return whole ? { secret: whole } : undefined;
}

function literalPassword(container: ContainerRef): string | undefined {
  const words = [container.container.command, container.container.args].flatMap((v) =>
    Array.isArray(v) ? v.map(String) : [],
  );
  const index = words.findIndex((w) => w.includes("requirepass"));
  if (index < 0) return undefined;
  const value = words[index]!.includes(" ") ? words[index]!.split(/\s+/).at(-1) : words[index + 1];
  return value && !/\$\(?[A-Za-z_]/.test(value) ? "args" : undefined;
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
      literalPassword:
        'Redis container "{{container}}" sets its password in plain text in its {{where}}',
      backendMissing:
        'the backend container "{{container}}" is not given Redis\' password from Secret "{{secret}}"',
      backendOtherSecret:
        'the backend container "{{container}}" reads Redis\' password from "{{found}}", but Redis reads it from "{{secret}}"',
    },
  },
  check(context) {
    const severity = context.settings.redisAuth ? "error" : undefined;
    const report = (r: RuleReport<RedisMessage>) =>
      context.report(severity ? { ...r, severity } : r);
    const byComponent = (name: string) =>
      context.bundle.objects.filter(
        (o) => podTemplateOf(o) && componentOf(o, context.settings) === name,
      );
    const backends = byComponent("backend");
    for (const redis of byComponent("redis")) {
      const source = checkRedis(redis, report);
      if (source) for (const backend of backends) checkBackend(backend, source, report);
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
): PasswordSource | undefined {
  const containers = mainContainers(object);
  for (const container of containers) {
    const source = redisPassword(container);
    if (source) return source;
  }
  for (const container of containers) {
    if (literalPassword(container)) {
      const field = Array.isArray(container.container.args) ? "args" : "command";
      report({
        messageId: "literalPassword",
        data: { container: container.name, where: field },
        object,
        pointer: joinPointer(container.pointer, field),
      });
      return undefined;
    }
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

function checkBackend(
  object: BundleObject,
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
    if (same || wholeSecretsOf(container).includes(source.secret)) return;
    found.push(...refs.map((r) => `${r.name}/${r.key}`));
  }
  const first = containers[0];
  if (!first) return;
  const data = { container: first.name, secret: source.secret, found: found.join(", ") };
  report({
    messageId: found.length ? "backendOtherSecret" : "backendMissing",
    data,
    object,
    pointer: joinPointer(first.pointer, "env"),
  });
}
