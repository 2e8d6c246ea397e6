import { defineRule, isRecord, joinPointer } from "@scout-deploy/core";
import { isSecret } from "@scout-deploy/secrets";

export const stringData = defineRule({
  id: "secrets/string-data",
  meta: {
    severity: "warning",
    description:
      "Secrets in the repository do not use `stringData`: it puts plain text in the files.",
    remediation:
      "Move the value to `data` (base64), or better keep it out of the repository: an ExternalSecret, a SealedSecret, or scout-deploy secrets generate at deploy time.",
    guide: "Secrets Management: Base64 encoding: All secret values are base64 encoded",
    messages: {
      plainText: 'stringData key "{{key}}" is plain text in the repository',
    },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      if (!isSecret(object) || !isRecord(object.value.stringData)) continue;
      for (const key of Object.keys(object.value.stringData)) {
        context.report({
          messageId: "plainText",
          data: { key },
          object,
          pointer: joinPointer("", "stringData", key),
        });
      }
    }
  },
});
