import { defineRule, joinPointer, z } from "@scout-deploy/core";
import { componentWorkloads, sameNamespace, serviceAccountNameOf } from "../../support/index.js";

const options = z
  .object({
    /** Components that must run under their own ServiceAccount. @default ["backend"] */
    components: z.array(z.string().min(1)).default(["backend"]),
  })
  .strict();

export const dedicatedServiceAccount = defineRule({
  id: "rbac/dedicated-service-account",
  meta: {
    severity: "error",
    description:
      "The backend runs under its own ServiceAccount (not default), defined in the bundle.",
    remediation:
      "Create a ServiceAccount for the backend and set serviceAccountName to it in the pod spec.",
    guide: "RBAC: Service Account: Dedicated service account for Backend",
    options,
    messages: {
      defaultAccount: "the {{component}} runs under the default service account",
      undefinedAccount:
        'the {{component}} runs under service account "{{account}}", which no ServiceAccount in the input defines',
    },
  },
  check(context) {
    const { bundle } = context;
    for (const component of context.options.components) {
      for (const { object, template } of componentWorkloads(bundle, context.settings, component)) {
        const account = serviceAccountNameOf(template);
        const field =
          template.spec.serviceAccountName !== undefined ? "serviceAccountName" : "serviceAccount";
        if (!account || account === "default") {
          context.report({
            messageId: "defaultAccount",
            data: { component },
            object,
            pointer: account ? joinPointer(template.specPointer, field) : template.specPointer,
          });
          continue;
        }
        const defined = bundle.objects.some(
          (o) =>
            o.value.kind === "ServiceAccount" &&
            o.ref.name === account &&
            sameNamespace(o.ref.namespace, object.ref.namespace),
        );
        if (defined) continue;
        context.report({
          messageId: "undefinedAccount",
          data: { component, account },
          object,
          pointer: joinPointer(template.specPointer, field),
        });
      }
    }
  },
});
