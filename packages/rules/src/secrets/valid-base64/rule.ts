import { defineRule, isRecord, joinPointer } from "@scout-deploy/core";
import { isSecret, isValidBase64 } from "@scout-deploy/secrets";

export const validBase64 = defineRule({
  id: "secrets/valid-base64",
  meta: {
    severity: "error",
    description: "Every value of a Secret's `data` is valid base64, as the API server requires.",
    remediation:
      "Encode the value with `printf %s VALUE | base64 -w0` (or let scout-deploy secrets generate write the Secret).",
    guide: "Secrets Management: Base64 encoding: All secret values are base64 encoded",
    messages: {
      invalid: 'data key "{{key}}" is not valid base64',
      notString: 'data key "{{key}}" is not a string: a base64 text is expected',
    },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      if (!isSecret(object) || !isRecord(object.value.data)) continue;
      for (const [key, raw] of Object.entries(object.value.data)) {
        const pointer = joinPointer("", "data", key);
        if (typeof raw !== "string")
          context.report({ messageId: "notString", data: { key }, object, pointer });
        else if (!isValidBase64(raw))
          context.report({ messageId: "invalid", data: { key }, object, pointer });
      }
    }
  },
});
