import { defineRule, isRecord } from "@scout-deploy/core";
import { isSecret, secretType } from "@scout-deploy/secrets";

export const externalManagement = defineRule({
  id: "secrets/external-management",
  meta: {
    severity: "info",
    description:
      "In a production profile, Secrets do not keep literal values in the repository; an ExternalSecret or a SealedSecret supplies them.",
    remediation:
      "Replace the Secret with an ExternalSecret (`scout-deploy secrets generate --mode external --store NAME`) or seal it (`--mode sealed`, then kubeseal).",
    guide: "Manage Secrets Properly: Use external secret management for production",
    messages: {
      literalValues:
        'Secret "{{name}}" keeps {{count}} value(s) in the repository; production wants an ExternalSecret or a SealedSecret',
    },
  },
  check(context) {
    if (context.settings.profile !== "production") return;
    for (const object of context.bundle.objects) {
      if (!isSecret(object) || secretType(object) === "kubernetes.io/service-account-token")
        continue;
      const count = (["data", "stringData"] as const).reduce((sum, field) => {
        const values = object.value[field];
        return sum + (isRecord(values) ? Object.keys(values).length : 0);
      }, 0);
      if (count === 0) continue;
      const pointer =
        isRecord(object.value.data) && Object.keys(object.value.data).length
          ? "/data"
          : "/stringData";
      context.report({
        messageId: "literalValues",
        data: { name: object.ref.name ?? "", count },
        object,
        pointer,
      });
    }
  },
});
