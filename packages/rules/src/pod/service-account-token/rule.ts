import {
  type Bundle,
  type BundleObject,
  defineRule,
  joinPointer,
  podTemplates,
} from "@scout-deploy/core";
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
    const disabling = tokenDisablingAccounts(context.bundle);
    const fallback = scoutNamespace(context.bundle, context.settings);
    for (const template of podTemplates(context.bundle)) {
      const account = serviceAccountNameOf(template) ?? "default";
      if (account !== "default") continue;
      const setting = template.spec.automountServiceAccountToken;
      if (setting === false) continue;
      const namespace = namespaceIn(template.object, fallback);
      if (setting === undefined && accountDisablesToken(disabling, namespace, account)) continue;
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

/** The ServiceAccounts that set automountServiceAccountToken: false, by name (read once per bundle). */
function tokenDisablingAccounts(bundle: Bundle): Map<string, BundleObject[]> {
  const byName = new Map<string, BundleObject[]>();
  for (const o of bundle.objects) {
    if (o.value.kind !== "ServiceAccount" || o.value.automountServiceAccountToken !== false)
      continue;
    const name = o.ref.name ?? "";
    const named = byName.get(name);
    if (named) named.push(o);
    else byName.set(name, [o]);
  }
  return byName;
}

/** The pod inherits the ServiceAccount's own automountServiceAccountToken when it sets none. */
function accountDisablesToken(
  disabling: ReadonlyMap<string, BundleObject[]>,
  namespace: string | undefined,
  account: string,
): boolean {
  return (disabling.get(account) ?? []).some((o) =>
    sameNamespace(o.ref.namespace ?? namespace, namespace),
  );
}
