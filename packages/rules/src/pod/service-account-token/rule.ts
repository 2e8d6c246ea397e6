import {
  type Bundle,
  type BundleObject,
  defineRule,
  isRecord,
  joinPointer,
  type PodTemplate,
  podTemplates,
  type RuleContext,
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
      projectedToken:
        'the pod runs under the "{{account}}" service account and mounts its token through the projected volume "{{volume}}"',
    },
  },
  check(context) {
    const disabling = tokenDisablingAccounts(context.bundle);
    const fallback = scoutNamespace(context.bundle, context.settings);
    for (const template of podTemplates(context.bundle)) {
      const account = serviceAccountNameOf(template) ?? "default";
      if (account !== "default") continue;
      const setting = template.spec.automountServiceAccountToken;
      const namespace = namespaceIn(template.object, fallback);
      const automountOff =
        setting === false ||
        (setting == null && accountDisablesToken(disabling, namespace, account));
      if (automountOff) {
        reportProjectedTokens(context, template, account);
        continue;
      }
      context.report({
        messageId: "tokenMounted",
        data: { account },
        object: template.object,
        pointer:
          setting == null
            ? template.specPointer
            : joinPointer(template.specPointer, "automountServiceAccountToken"),
      });
    }
  },
});

/**
 * A projected volume with a serviceAccountToken source mounts the account's token whatever
 * automountServiceAccountToken says: the kubelet requests one for the pod's service account.
 */
function reportProjectedTokens(context: RuleContext, template: PodTemplate, account: string) {
  const volumes = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
  volumes.forEach((volume, v) => {
    const projected = isRecord(volume) ? volume.projected : undefined;
    const sources =
      isRecord(projected) && Array.isArray(projected.sources) ? projected.sources : [];
    sources.forEach((source, s) => {
      if (!isRecord(source) || source.serviceAccountToken === undefined) return;
      context.report({
        messageId: "projectedToken",
        data: { account, volume: String(isRecord(volume) ? volume.name : `#${v}`) },
        object: template.object,
        pointer: joinPointer(
          template.specPointer,
          "volumes",
          v,
          "projected",
          "sources",
          s,
          "serviceAccountToken",
        ),
      });
    });
  });
}

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
