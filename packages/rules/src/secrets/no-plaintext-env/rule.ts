import { allContainers, defineRule, joinPointer } from "@scout-deploy/core";
import {
  detectTokenFormat,
  fingerprint,
  hasUrlPassword,
  isCredentialName,
  isCredentialSetting,
  isPlaceholder,
  looksHighEntropy,
} from "@scout-deploy/secrets";
import { envVars, isVariableReference } from "../env.js";

export const noPlaintextEnv = defineRule({
  id: "secrets/no-plaintext-env",
  meta: {
    severity: "error",
    description:
      "Credential environment variables come from a Secret (secretKeyRef), never a literal value: judged by name and by value (token formats, URLs with a password, random-looking values).",
    remediation:
      "Replace `value:` with `valueFrom.secretKeyRef: {name: scout-secrets, key: <key>}` and put the value in the Secret.",
    guide: "Secrets Management: Kubernetes Secrets; Manage Secrets Properly",
    messages: {
      plainValue:
        'container "{{container}}" sets the credential "{{name}}" as a plain value ({{fingerprint}})',
      tokenValue: 'container "{{container}}" sets "{{name}}" to a {{format}} ({{fingerprint}})',
      urlPassword:
        'container "{{container}}" sets "{{name}}" to a URL or connection string with a password ({{fingerprint}})',
      highEntropy:
        'container "{{container}}" sets "{{name}}" to a random-looking value ({{fingerprint}}), likely a credential',
      plainArg:
        'container "{{container}}" passes the credential "{{name}}" as a plain value in its {{field}} ({{fingerprint}})',
      tokenArg: 'container "{{container}}" passes a {{format}} in its {{field}} ({{fingerprint}})',
      fromConfigMap:
        'container "{{container}}" reads the credential "{{name}}" from ConfigMap "{{configMap}}", not a Secret',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      for (const arg of argCredentials(container.container)) {
        context.report({
          messageId: arg.format ? "tokenArg" : "plainArg",
          data: {
            container: container.name,
            name: arg.name,
            field: arg.field,
            format: arg.format ?? "",
            fingerprint: fingerprint(arg.value),
          },
          object: container.template.object,
          pointer: joinPointer(container.pointer, arg.field, String(arg.index)),
        });
      }
      for (const variable of envVars(container)) {
        const base = { container: container.name, name: variable.name };
        const object = container.template.object;
        if (variable.source === "value" && variable.value) {
          if (isVariableReference(variable.value)) continue;
          const data = { ...base, fingerprint: fingerprint(variable.value) };
          const pointer = joinPointer(variable.pointer, "value");
          const format = detectTokenFormat(variable.value);
          const value = variable.value;
          const messageId = format
            ? "tokenValue"
            : isCredentialSetting(variable.name, value)
              ? "plainValue"
              : hasUrlPassword(value)
                ? "urlPassword"
                : looksHighEntropy(value.trim()) && !isPlaceholder(value)
                  ? "highEntropy"
                  : undefined;
          if (messageId) {
            context.report({ messageId, data: { ...data, format: format ?? "" }, object, pointer });
          }
        } else if (variable.source === "configMap" && isCredentialName(variable.name)) {
          context.report({
            messageId: "fromConfigMap",
            data: { ...base, configMap: variable.ref?.name ?? "" },
            object,
            pointer: joinPointer(variable.pointer, "valueFrom", "configMapKeyRef"),
          });
        }
      }
    }
  },
});

interface ArgCredential {
  field: "command" | "args";
  index: number;
  /** The flag's name, or the format's. */
  name: string;
  value: string;
  format?: string;
}

/** A switch or a file the flag names (`--key /etc/tls/tls.key`), not the credential itself. */
const NOT_A_VALUE = /^(?:true|false|\/.*)$/i;

/** Redis' own flag: secrets/redis-auth judges where its password comes from. */
const JUDGED_ELSEWHERE = new Set(["requirepass"]);

/**
 * Credentials written on the command line, which sits in the pod template as plainly as an env
 * value: a credential-named flag with a literal value (`--api-token X`, `--api-token=X`), or an
 * argument in a well-known token format or a URL with a password. `$(VAR)` is the kubelet's
 * expansion of an env variable, not a literal.
 */
function argCredentials(container: Record<string, unknown>): ArgCredential[] {
  const found: ArgCredential[] = [];
  for (const field of ["command", "args"] as const) {
    const list = Array.isArray(container[field]) ? (container[field] as unknown[]) : [];
    list.forEach((arg, index) => {
      if (typeof arg !== "string") return;
      const flag = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=([\s\S]*))?$/.exec(arg);
      if (flag) {
        const name = flag[1]!;
        const next = list[index + 1];
        const [value, at] =
          flag[2] !== undefined
            ? [flag[2], index]
            : typeof next === "string" && !next.startsWith("-")
              ? [next, index + 1]
              : [undefined, index];
        if (
          value &&
          !JUDGED_ELSEWHERE.has(name.toLowerCase()) &&
          !isVariableReference(value) &&
          !NOT_A_VALUE.test(value) &&
          isCredentialSetting(name, value)
        ) {
          found.push({ field, index: at, name, value });
          return;
        }
      }
      const format =
        detectTokenFormat(arg) ?? (hasUrlPassword(arg) ? "URL with a password" : undefined);
      if (format) found.push({ field, index, name: format, value: arg, format });
    });
  }
  return found;
}
