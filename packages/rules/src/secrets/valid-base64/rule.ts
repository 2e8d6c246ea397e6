import { defineRule, isRecord, joinPointer } from "@scout-deploy/core";
import { isSecret, storedBytes } from "@scout-deploy/secrets";

export const validBase64 = defineRule({
  id: "secrets/valid-base64",
  meta: {
    severity: "error",
    description:
      "Every value of a Secret's `data` is valid base64 and every `stringData` value a string, as the API server requires.",
    remediation:
      "Encode the value with `printf %s VALUE | base64 -w0` (or let scout-deploy secrets generate write the Secret).",
    guide: "Secrets Management: Base64 encoding: All secret values are base64 encoded",
    messages: {
      invalid: 'data key "{{key}}" is not valid base64',
      notString: 'data key "{{key}}" is not a string: a base64 text is expected',
      stringDataNotString:
        'stringData key "{{key}}" is not a string: the API server refuses the Secret (quote the value)',
    },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      if (!isSecret(object)) continue;
      // stringData is a map of strings: the API server cannot decode a number or a boolean there.
      // A key with no value (null) it stores as an empty value: secrets/strong-token judges that.
      for (const [key, raw] of Object.entries(recordOf(object.value.stringData))) {
        if (storedBytes("stringData", raw)) continue;
        const pointer = joinPointer("", "stringData", key);
        context.report({ messageId: "stringDataNotString", data: { key }, object, pointer });
      }
      for (const [key, raw] of Object.entries(recordOf(object.value.data))) {
        const pointer = joinPointer("", "data", key);
        if (storedBytes("data", raw)) continue;
        if (typeof raw !== "string")
          context.report({ messageId: "notString", data: { key }, object, pointer });
        else context.report({ messageId: "invalid", data: { key }, object, pointer });
      }
    }
  },
});

function recordOf(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
