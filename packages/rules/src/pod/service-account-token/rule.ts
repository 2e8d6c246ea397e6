import {
  type Bundle,
  type BundleObject,
  containersOf,
  defineRule,
  isRecord,
  joinPointer,
  type PodTemplate,
  podTemplates,
  type RuleContext,
  specPointerOf,
} from "@scout-deploy/core";
import { effectiveNamespace, serviceAccountNameOf } from "../../support/index.js";

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
      tokenSecret:
        'the pod runs under the "{{account}}" service account and reads Secret "{{secret}}", a long-lived token of service account "{{owner}}"',
    },
  },
  check(context) {
    const disabling = tokenDisablingAccounts(context.bundle);
    const tokenSecrets = tokenSecretsOf(context.bundle);
    for (const template of podTemplates(context.bundle)) {
      const account = serviceAccountNameOf(template) ?? "default";
      const namespace = effectiveNamespace(context.bundle, template.object);
      reportTokenSecrets(
        context,
        template,
        account,
        tokenSecrets.get(namespace ?? "") ?? new Map(),
      );
      if (account !== "default") continue;
      const setting = template.spec.automountServiceAccountToken;
      if (setting == null && template.partial) continue;
      const automountOff =
        setting === false ||
        (setting == null && accountDisablesToken(context.bundle, disabling, namespace, account));
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
            : specPointerOf(template, "automountServiceAccountToken"),
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

const TOKEN_SECRET = "kubernetes.io/service-account-token";
const OWNER_ANNOTATION = "kubernetes.io/service-account.name";

/**
 * The Secrets of type service-account-token, by namespace then name, each with the account
 * whose long-lived token the token controller writes into it.
 */
function tokenSecretsOf(bundle: Bundle): Map<string, Map<string, string>> {
  const byNamespace = new Map<string, Map<string, string>>();
  for (const o of bundle.objects) {
    if (o.value.kind !== "Secret" || o.value.type !== TOKEN_SECRET || !o.ref.name) continue;
    const metadata = isRecord(o.value.metadata) ? o.value.metadata : {};
    const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
    const owner = annotations[OWNER_ANNOTATION];
    if (typeof owner !== "string") continue;
    const namespace = effectiveNamespace(bundle, o) ?? "";
    const named = byNamespace.get(namespace) ?? new Map<string, string>();
    named.set(o.ref.name, owner);
    byNamespace.set(namespace, named);
  }
  return byNamespace;
}

/** Every place a pod reads a Secret by name: volumes, projected sources, env and envFrom. */
function secretReadsOf(template: PodTemplate): { name: unknown; pointer: string }[] {
  const reads: { name: unknown; pointer: string }[] = [];
  const volumes = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
  volumes.forEach((volume, v) => {
    if (!isRecord(volume)) return;
    const base = specPointerOf(template, "volumes", v);
    if (isRecord(volume.secret)) {
      reads.push({
        name: volume.secret.secretName,
        pointer: joinPointer(base, "secret", "secretName"),
      });
    }
    const projected = isRecord(volume.projected) ? volume.projected : {};
    const sources = Array.isArray(projected.sources) ? projected.sources : [];
    sources.forEach((source, s) => {
      if (!isRecord(source) || !isRecord(source.secret)) return;
      const pointer = joinPointer(base, "projected", "sources", s, "secret", "name");
      reads.push({ name: source.secret.name, pointer });
    });
  });
  for (const ref of containersOf(template)) {
    const env = Array.isArray(ref.container.env) ? ref.container.env : [];
    env.forEach((variable, e) => {
      const from = isRecord(variable) && isRecord(variable.valueFrom) ? variable.valueFrom : {};
      if (!isRecord(from.secretKeyRef)) return;
      const pointer = joinPointer(ref.pointer, "env", e, "valueFrom", "secretKeyRef", "name");
      reads.push({ name: from.secretKeyRef.name, pointer });
    });
    const envFrom = Array.isArray(ref.container.envFrom) ? ref.container.envFrom : [];
    envFrom.forEach((source, e) => {
      if (!isRecord(source) || !isRecord(source.secretRef)) return;
      reads.push({
        name: source.secretRef.name,
        pointer: joinPointer(ref.pointer, "envFrom", e, "secretRef", "name"),
      });
    });
  }
  return reads;
}

/**
 * A token Secret carries its account's token whatever automountServiceAccountToken says, and any
 * pod of the namespace may read it: only the pod's own dedicated account's token is allowed.
 */
function reportTokenSecrets(
  context: RuleContext,
  template: PodTemplate,
  account: string,
  tokenSecrets: ReadonlyMap<string, string>,
) {
  if (tokenSecrets.size === 0) return;
  for (const read of secretReadsOf(template)) {
    const owner = typeof read.name === "string" ? tokenSecrets.get(read.name) : undefined;
    if (owner === undefined || (owner === account && account !== "default")) continue;
    context.report({
      messageId: "tokenSecret",
      data: { account, secret: String(read.name), owner },
      object: template.object,
      pointer: read.pointer,
    });
  }
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
  bundle: Bundle,
  disabling: ReadonlyMap<string, BundleObject[]>,
  namespace: string | undefined,
  account: string,
): boolean {
  return (disabling.get(account) ?? []).some((o) => effectiveNamespace(bundle, o) === namespace);
}
