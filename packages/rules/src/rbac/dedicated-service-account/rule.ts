import {
  type Bundle,
  componentOf,
  defineRule,
  podTemplates,
  specPointerOf,
  z,
} from "@scout-deploy/core";
import { guideSettings } from "../../settings.js";
import {
  componentWorkloads,
  effectiveNamespace,
  serviceAccountNameOf,
} from "../../support/index.js";

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
      sharedAccount:
        "{{kind}} {{name}} runs under the {{component}}'s service account \"{{account}}\" and gets the {{component}}'s permissions",
      undefinedAccount:
        'the {{component}} runs under service account "{{account}}", which no ServiceAccount in the input defines in namespace {{namespace}}',
    },
  },
  check(context) {
    const { bundle } = context;
    const isDefined = serviceAccountIndex(bundle);
    const owners = new OwnerIndex();
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
            pointer: account ? specPointerOf(template, field) : template.specPointer,
          });
          continue;
        }
        const namespace = effectiveNamespace(bundle, object);
        owners.add({ component, account, namespace });
        if (isDefined(account, namespace)) continue;
        context.report({
          messageId: "undefinedAccount",
          data: { component, account, namespace: namespace ?? "(unset)" },
          object,
          pointer: specPointerOf(template, field),
        });
      }
    }
    // A pod under the same account in the same namespace holds the same token and permissions.
    const known = guideSettings(context.settings);
    for (const template of podTemplates(bundle)) {
      const account = serviceAccountNameOf(template);
      if (!account || account === "default") continue;
      const namespace = effectiveNamespace(bundle, template.object);
      const component = componentOf(template.object, known);
      const owner = owners.otherThan(account, namespace, component);
      if (!owner) continue;
      const field =
        template.spec.serviceAccountName !== undefined ? "serviceAccountName" : "serviceAccount";
      context.report({
        messageId: "sharedAccount",
        data: {
          kind: template.object.value.kind,
          name: template.object.ref.name ?? "(unnamed)",
          component: owner.component,
          account,
        },
        object: template.object,
        pointer: specPointerOf(template, field),
      });
    }
  },
});

/**
 * Whether a ServiceAccount of that name is defined in that namespace, by lookup (a bundle of many
 * deployments has as many backends as ServiceAccounts): one pass, not one per workload.
 */
function serviceAccountIndex(bundle: Bundle) {
  const namespacesOf = new Map<string, Array<string | undefined>>();
  for (const o of bundle.objects) {
    if (o.value.kind !== "ServiceAccount" || !o.ref.name) continue;
    const namespaces = namespacesOf.get(o.ref.name) ?? [];
    namespaces.push(effectiveNamespace(bundle, o));
    namespacesOf.set(o.ref.name, namespaces);
  }
  return (name: string, namespace: string | undefined): boolean =>
    (namespacesOf.get(name) ?? []).includes(namespace);
}

interface Owner {
  component: string;
  account: string;
  namespace: string | undefined;
}

/**
 * The components' accounts by account and namespace, so that each pod template meets only the
 * owners of its own account (a bundle of many deployments has as many backends as accounts).
 */
class OwnerIndex {
  /** account -> namespace ("" when unset) -> component -> its first owner and its order. */
  private readonly byAccount = new Map<string, Map<string, Map<string, [Owner, number]>>>();
  private count = 0;

  add(owner: Owner): void {
    const namespaces =
      this.byAccount.get(owner.account) ?? new Map<string, Map<string, [Owner, number]>>();
    this.byAccount.set(owner.account, namespaces);
    const key = owner.namespace ?? "";
    const components = namespaces.get(key) ?? new Map<string, [Owner, number]>();
    namespaces.set(key, components);
    if (!components.has(owner.component)) components.set(owner.component, [owner, this.count]);
    this.count++;
  }

  /** The first owner of `account` in `namespace` of another component. */
  otherThan(account: string, namespace: string | undefined, component: string | undefined) {
    const components = this.byAccount.get(account)?.get(namespace ?? "");
    if (!components) return undefined;
    let first: [Owner, number] | undefined;
    for (const [owned, entry] of components) {
      if (owned !== component && (!first || entry[1] < first[1])) first = entry;
    }
    return first?.[0];
  }
}
