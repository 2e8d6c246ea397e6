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
      fromConfigMap:
        'container "{{container}}" reads the credential "{{name}}" from ConfigMap "{{configMap}}", not a Secret',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
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
