import {
  type Bundle,
  type BundleObject,
  compileSelector,
  defineRule,
  effectiveNamespace,
  isRecord,
  joinPointer,
  labelsOf,
  podTemplates,
} from "@scout-deploy/core";
import { NAMESPACE_NAME_LABEL } from "@scout-deploy/netpol";

const ADMISSION_GROUP = "admissionregistration.k8s.io";
/** Operations that write an object, which a mutation can rewrite (DELETE and CONNECT cannot). */
const WRITES = new Set(["CREATE", "UPDATE", "*"]);

/** The resources whose objects are pods or carry the template the pods are made from. */
const POD_RESOURCES: ReadonlyArray<readonly [group: string, resource: string]> = [
  ["", "pods"],
  ["", "pods/ephemeralcontainers"],
  ["", "podtemplates"],
  ["", "replicationcontrollers"],
  ["apps", "deployments"],
  ["apps", "replicasets"],
  ["apps", "statefulsets"],
  ["apps", "daemonsets"],
  ["batch", "jobs"],
  ["batch", "cronjobs"],
];

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/**
 * How the API server matches a resource against a rule's `resources` entry (admission's
 * rules.Matcher): `*` is every resource but no subresource, `*\/*` everything, `pods/*` every
 * subresource of pods, `*\/scale` that subresource of every resource.
 */
function resourceMatches(pattern: string, resource: string): boolean {
  const [name, sub = ""] = resource.split("/");
  const [want, wantSub] = pattern.split("/");
  if (want !== "*" && want !== name) return false;
  if (wantSub === undefined) return sub === "";
  return wantSub === "*" || wantSub === sub;
}

/** The pod resources an admission rule (RuleWithOperations) writes, as `group/resource`. */
function podResourcesOf(rule: unknown): string[] {
  if (!isRecord(rule)) return [];
  if (!strings(rule.operations).some((op) => WRITES.has(op))) return [];
  // Pods and their controllers are namespaced: a rule for cluster-scoped objects misses them.
  if (rule.scope === "Cluster") return [];
  const groups = strings(rule.apiGroups);
  const resources = strings(rule.resources);
  return POD_RESOURCES.filter(
    ([group, resource]) =>
      (groups.includes("*") || groups.includes(group)) &&
      resources.some((pattern) => resourceMatches(pattern, resource)),
  ).map(([group, resource]) => (group ? `${group}/${resource}` : resource));
}

/**
 * Whether the selectors let the mutation reach a workload of the input: the namespace selector
 * against its namespace's labels (the Namespace object's, and the name label every namespace
 * has), the object selector against its labels or its pod template's. A missing selector selects
 * everything.
 */
function reachesWorkload(bundle: Bundle, namespaceSelector: unknown, objectSelector: unknown) {
  const namespaces = compileSelector(namespaceSelector);
  const objects = compileSelector(objectSelector);
  return podTemplates(bundle).some((template) => {
    const namespace = effectiveNamespace(bundle, template.object) ?? "";
    const labels = [labelsOf(template.object.value.metadata), labelsOf(template.metadata)];
    return namespaces(namespaceLabels(bundle, namespace)) && labels.some((l) => objects(l));
  });
}

function namespaceLabels(bundle: Bundle, namespace: string): Record<string, string> {
  const object = bundle.objects.find(
    (o) => o.value.kind === "Namespace" && o.ref.name === namespace,
  );
  return { ...labelsOf(object?.value.metadata), [NAMESPACE_NAME_LABEL]: namespace };
}

interface Mutator {
  what: string;
  rules: unknown;
  rulesPointer: string;
  namespaceSelector: unknown;
  objectSelector: unknown;
}

/** A mutation of a policy engine's own kind (Kyverno, Gatekeeper, OpenKruise), matched by kind. */
interface KindMutator {
  what: string;
  kinds: string[];
  pointer: string;
}

/** The kinds whose objects are pods or carry their template, as the policy engines name them. */
const POD_KINDS = new Set([
  "Pod",
  "PodTemplate",
  "ReplicationController",
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
]);

/** A kind as Kyverno and Gatekeeper write it: `Pod`, `v1/Pod`, `apps/v1/Deployment`, `*`. */
const isPodKind = (kind: string) => kind === "*" || POD_KINDS.has(kind.split("/").at(-1) ?? "");

function kindsOf(match: unknown): string[] {
  if (!isRecord(match)) return [];
  const resources = isRecord(match.resources) ? match.resources : {};
  const filters = [
    ...(Array.isArray(match.any) ? match.any : []),
    ...(Array.isArray(match.all) ? match.all : []),
  ];
  return [
    ...strings(resources.kinds),
    ...filters.flatMap((filter) =>
      isRecord(filter) && isRecord(filter.resources) ? strings(filter.resources.kinds) : [],
    ),
  ];
}

/**
 * Kyverno's mutate rules (kinds matched, Pod rules auto-generated for its controllers too),
 * Gatekeeper's mutators (`applyTo` kinds; AssignMetadata writes every object's labels and
 * annotations, the AppArmor ones among them) and OpenKruise's SidecarSet (containers injected
 * into the pods it selects). Their own selectors are not evaluated.
 */
function kindMutatorsOf(object: BundleObject): KindMutator[] {
  const { value, ref } = object;
  const group = value.apiVersion.split("/")[0];
  const spec = isRecord(value.spec) ? value.spec : {};
  const name = ref.name ?? "";
  if (group === "kyverno.io" && (value.kind === "ClusterPolicy" || value.kind === "Policy")) {
    const rules = Array.isArray(spec.rules) ? spec.rules : [];
    return rules.flatMap((rule, index) =>
      isRecord(rule) && rule.mutate != null
        ? [
            {
              what: `the mutate rule "${String(rule.name ?? `#${index}`)}" of Kyverno ${value.kind} ${name}`,
              kinds: kindsOf(rule.match),
              pointer: joinPointer("/spec/rules", index),
            },
          ]
        : [],
    );
  }
  if (group === "mutations.gatekeeper.sh") {
    if (value.kind === "AssignMetadata")
      return [{ what: `Gatekeeper AssignMetadata ${name}`, kinds: ["*"], pointer: "/spec" }];
    const applyTo = Array.isArray(spec.applyTo) ? spec.applyTo : [];
    return [
      {
        what: `Gatekeeper ${value.kind} ${name}`,
        kinds: applyTo.flatMap((entry) => (isRecord(entry) ? strings(entry.kinds) : [])),
        pointer: "/spec/applyTo",
      },
    ];
  }
  if (group === "apps.kruise.io" && value.kind === "SidecarSet") {
    const injected = ["containers", "initContainers"].find((key) => Array.isArray(spec[key]));
    const pointer = injected ? joinPointer("/spec", injected) : "/spec";
    return [{ what: `OpenKruise SidecarSet ${name}`, kinds: ["Pod"], pointer }];
  }
  return [];
}

/** The webhooks of a MutatingWebhookConfiguration, or the match of a MutatingAdmissionPolicy. */
function mutatorsOf(object: BundleObject): Mutator[] {
  const { value } = object;
  if (!value.apiVersion.startsWith(`${ADMISSION_GROUP}/`)) return [];
  if (value.kind === "MutatingWebhookConfiguration") {
    const webhooks = Array.isArray(value.webhooks) ? value.webhooks : [];
    return webhooks.flatMap((webhook, index) =>
      isRecord(webhook)
        ? [
            {
              what: `the mutating webhook "${String(webhook.name ?? `#${index}`)}" of MutatingWebhookConfiguration ${object.ref.name ?? ""}`,
              rules: webhook.rules,
              rulesPointer: joinPointer("/webhooks", index, "rules"),
              namespaceSelector: webhook.namespaceSelector,
              objectSelector: webhook.objectSelector,
            },
          ]
        : [],
    );
  }
  if (value.kind === "MutatingAdmissionPolicy") {
    const spec = isRecord(value.spec) ? value.spec : {};
    const match = isRecord(spec.matchConstraints) ? spec.matchConstraints : {};
    return [
      {
        what: `MutatingAdmissionPolicy ${object.ref.name ?? ""}`,
        rules: match.resourceRules,
        rulesPointer: "/spec/matchConstraints/resourceRules",
        namespaceSelector: match.namespaceSelector,
        objectSelector: match.objectSelector,
      },
    ];
  }
  return [];
}

export const noMutatingAdmission = defineRule({
  id: "pod/no-mutating-admission",
  meta: {
    severity: "error",
    description:
      "No mutating admission webhook or policy of the input (nor a Kyverno, Gatekeeper or OpenKruise mutation) rewrites pods or their templates: the pods the cluster runs are the ones checked.",
    remediation:
      "Remove the MutatingWebhookConfiguration or MutatingAdmissionPolicy from the deployment, or narrow its rules and selectors so that they do not reach Scout's pods and workloads; set what it would set in the manifests themselves.",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      rewrites:
        "{{what}} rewrites {{resources}} as the API server admits them: the pods the cluster runs are not the ones checked, and a mutation can make them privileged, root or host-mounted",
    },
  },
  check(context) {
    const { bundle } = context;
    for (const object of bundle.objects) {
      for (const mutator of mutatorsOf(object)) {
        const rules = Array.isArray(mutator.rules) ? mutator.rules : [];
        const index = rules.findIndex((rule) => podResourcesOf(rule).length > 0);
        if (index < 0) continue;
        if (!reachesWorkload(bundle, mutator.namespaceSelector, mutator.objectSelector)) continue;
        const resources = [...new Set(rules.flatMap(podResourcesOf))];
        context.report({
          messageId: "rewrites",
          data: { what: mutator.what, resources: resources.join(", ") },
          object,
          pointer: joinPointer(mutator.rulesPointer, index),
        });
      }
      for (const mutator of kindMutatorsOf(object)) {
        const kinds = mutator.kinds.filter(isPodKind);
        if (kinds.length === 0 || podTemplates(bundle).length === 0) continue;
        context.report({
          messageId: "rewrites",
          data: { what: mutator.what, resources: kinds.join(", ") },
          object,
          pointer: mutator.pointer,
        });
      }
    }
  },
});
