import { type Bundle, defineRule, joinPointer, podTemplates } from "@scout-deploy/core";
import {
  namespaceIn,
  sameNamespace,
  scoutNamespace,
  serviceAccountNameOf,
} from "../../support/index.js";

export const serviceAccountToken = defineRule({
  id: "pod/service-account-token",
  meta: {
    severity: "warning",
    description:
      "A pod mounts a service account token only when it runs under its own dedicated service account.",
    remediation:
      "Set automountServiceAccountToken: false in the pod spec, or give the workload its own ServiceAccount.",
    guide: "RBAC: Minimal permissions",
    messages: {
      tokenMounted:
        'the pod runs under the "{{account}}" service account and mounts its token: automountServiceAccountToken is not false',
    },
  },
  check(context) {
    for (const template of podTemplates(context.bundle)) {
      const account = serviceAccountNameOf(template) ?? "default";
      if (account !== "default") continue;
      const setting = template.spec.automountServiceAccountToken;
      if (setting === false) continue;
      const namespace = namespaceIn(
        template.object,
        scoutNamespace(context.bundle, context.settings),
      );
      if (setting === undefined && accountDisablesToken(context.bundle, namespace, account))
        continue;
      context.report({
        messageId: "tokenMounted",
        data: { account },
        object: template.object,
        pointer:
          setting === undefined
            ? template.specPointer
            : joinPointer(template.specPointer, "automountServiceAccountToken"),
      });
    }
  },
});

/** The pod inherits the ServiceAccount's own automountServiceAccountToken when it sets none. */
function accountDisablesToken(
  bundle: Bundle,
  namespace: string | undefined,
  account: string,
): boolean {
  return bundle.objects.some(
    (o) =>
      o.value.kind === "ServiceAccount" &&
      o.ref.name === account &&
      sameNamespace(o.ref.namespace ?? namespace, namespace) &&
      o.value.automountServiceAccountToken === false,
  );
}
