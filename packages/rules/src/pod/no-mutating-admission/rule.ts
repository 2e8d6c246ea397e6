import {
  type Bundle,
  type BundleObject,
  compileSelector,
  defineRule,
  isRecord,
  joinPointer,
  podTemplates,
} from "@scout-deploy/core";
import {
  compilePodSelector,
  NAMESPACE_NAME_LABEL,
  UNKNOWN_LABEL_REASONS,
  UNKNOWN_LABEL_VALUE,
} from "@scout-deploy/netpol";
import {
  ADMITTED_RESOURCES,
  type Admitted,
  admittedObjects,
  namespaceKnown,
  namespaceLabels,
} from "./admitted.js";
import { complete, ERROR, evaluateCondition, parseCondition, UNKNOWN } from "./conditions.js";

const ADMISSION_GROUP = "admissionregistration.k8s.io";

/** The resources whose objects are pods or carry the template the pods are made from. */
const POD_RESOURCES: readonly string[] = [
  "pods",
  "pods/ephemeralcontainers",
  ...Object.values(ADMITTED_RESOURCES).filter((resource) => resource !== "pods"),
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

/**
 * Whether an admission rule (RuleWithOperations) covers a `group/resource` in one of
 * `operations`: its operations, groups, versions, resources and scope. The pod resources are
 * served at v1 only, so a rule for another version matches them under neither `matchPolicy`
 * (Equivalent maps a request only onto versions the server serves).
 */
function ruleCovers(rule: unknown, resource: string, operations: ReadonlySet<string>): boolean {
  if (!isRecord(rule)) return false;
  const ops = strings(rule.operations);
  if (!ops.some((op) => op === "*" || operations.has(op))) return false;
  // Pods and their controllers are namespaced: a rule for cluster-scoped objects misses them.
  if (rule.scope === "Cluster") return false;
  const versions = strings(rule.apiVersions);
  if (!versions.includes("*") && !versions.includes("v1")) return false;
  const [group, name] = resource.includes("/") ? resource.split("/") : ["", resource];
  const groups = strings(rule.apiGroups);
  if (!groups.includes("*") && !groups.includes(group!)) return false;
  return strings(rule.resources).some((pattern) => resourceMatches(pattern, name!));
}

/** The pod resources an admission rule writes, as `group/resource`. */
function podResourcesOf(rule: unknown): string[] {
  return POD_RESOURCES.filter((resource) => ruleCovers(rule, resource, WRITE_OPERATIONS));
}

/** Operations that write an object, which a mutation can rewrite (DELETE and CONNECT cannot). */
const WRITE_OPERATIONS: ReadonlySet<string> = new Set(["CREATE", "UPDATE"]);
const ALL_OPERATIONS: ReadonlySet<string> = new Set(["CREATE", "UPDATE", "DELETE", "CONNECT"]);

/** What admission decides for one object: applies, does not, or depends on what the input cannot tell. */
type Decision = boolean | { why: string; pointer: string };

/** The selectors, rules and conditions that decide whether a mutation applies, wherever they sit. */
interface Matching {
  rules: unknown;
  rulesPointer: string;
  excludeRules?: unknown;
  namespaceSelector: unknown;
  namespaceSelectorPointer: string;
  objectSelector: unknown;
  objectSelectorPointer: string;
  matchConditions?: unknown;
  matchConditionsPointer?: string;
}

/**
 * Whether a mutation applies to an admitted object, as the API server decides: a rule covers
 * its resource for CREATE or UPDATE, no exclude rule does (a policy's `excludeResourceRules`),
 * the namespaceSelector matches its namespace's labels, the objectSelector its labels (an
 * unknowable label's value leaves it open), and every matchCondition is true (one false skips
 * the mutation; an error skips it under `failurePolicy: Ignore` and rejects the request under
 * `Fail`: neither rewrites the object).
 */
function decide(bundle: Bundle, matching: Matching, admitted: Admitted): Decision {
  const rules = Array.isArray(matching.rules) ? matching.rules : [];
  const operations = new Set(
    rules
      .filter((rule) => ruleCovers(rule, admitted.resource, WRITE_OPERATIONS))
      .flatMap((rule) => {
        const ops = strings(isRecord(rule) ? rule.operations : undefined);
        return ops.includes("*")
          ? [...WRITE_OPERATIONS]
          : ops.filter((op) => WRITE_OPERATIONS.has(op));
      }),
  );
  if (operations.size === 0) return false;
  const excludes = Array.isArray(matching.excludeRules) ? matching.excludeRules : [];
  if (excludes.some((rule) => ruleCovers(rule, admitted.resource, ALL_OPERATIONS))) return false;
  const inNamespace = decideNamespace(bundle, matching, admitted.namespace);
  if (inNamespace === false) return false;
  const selected = compilePodSelector(matching.objectSelector)(admitted);
  if (selected === false) return false;
  const conditions = decideConditions(bundle, matching, admitted, operations);
  if (conditions === false) return false;
  if (typeof inNamespace === "object") return inNamespace;
  if (typeof conditions === "object") return conditions;
  if (selected === true) return true;
  return {
    why: `the label ${selected.key} of its objectSelector, whose value no manifest can know (${UNKNOWN_LABEL_REASONS[selected.key] ?? "only the cluster sets it"})`,
    pointer: `${matching.objectSelectorPointer}${selected.pointer}`,
  };
}

/**
 * The namespaceSelector against the namespace's labels: known whole when the input holds the
 * Namespace object; otherwise only its `kubernetes.io/metadata.name` is, and a selector on any
 * other label (`istio-injection: enabled`) may hold in the cluster.
 */
function decideNamespace(bundle: Bundle, matching: Matching, namespace: string): Decision {
  const labels = namespaceLabels(bundle, namespace);
  const selector = matching.namespaceSelector;
  if (namespaceKnown(bundle, namespace)) return compileSelector(selector)(labels);
  const other = requirementKeys(selector).find((key) => key !== NAMESPACE_NAME_LABEL);
  if (!compileSelector(onlyKey(selector, NAMESPACE_NAME_LABEL))(labels)) return false;
  if (other === undefined) return true;
  return {
    why: `the labels of namespace ${namespace}, whose Namespace object the input does not hold: its namespaceSelector reads ${other}`,
    pointer: matching.namespaceSelectorPointer,
  };
}

/** The label keys a LabelSelector's requirements name. */
function requirementKeys(selector: unknown): string[] {
  if (!isRecord(selector)) return [];
  const keys = isRecord(selector.matchLabels) ? Object.keys(selector.matchLabels) : [];
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const expression of expressions)
    if (isRecord(expression) && typeof expression.key === "string") keys.push(expression.key);
  return keys;
}

/** The requirements of a LabelSelector on one key. */
function onlyKey(selector: unknown, key: string): Record<string, unknown> {
  if (!isRecord(selector)) return {};
  const labels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return {
    matchLabels: Object.hasOwn(labels, key) ? { [key]: labels[key] } : {},
    matchExpressions: expressions.filter((e) => isRecord(e) && e.key === key),
  };
}

/** The match conditions over each operation the rules cover: true when all hold for one of them. */
function decideConditions(
  bundle: Bundle,
  matching: Matching,
  admitted: Admitted,
  operations: ReadonlySet<string>,
): Decision {
  const conditions = Array.isArray(matching.matchConditions) ? matching.matchConditions : [];
  if (conditions.length === 0) return true;
  let open: Decision = false;
  for (const operation of operations) {
    const variables = celVariables(bundle, admitted, operation);
    let verdict: Decision = true;
    for (const [index, condition] of conditions.entries()) {
      const expression = isRecord(condition) ? condition.expression : undefined;
      const parsed = typeof expression === "string" ? parseCondition(expression) : undefined;
      const value = parsed ? evaluateCondition(parsed, variables) : UNKNOWN;
      if (value === false || value === ERROR) {
        verdict = false;
        break;
      }
      if (value === UNKNOWN && verdict === true) {
        const name = isRecord(condition) ? String(condition.name ?? `#${index}`) : `#${index}`;
        verdict = {
          why: parsed
            ? `its match condition "${name}", which reads what no manifest tells`
            : `its match condition "${name}", whose CEL this rule does not evaluate`,
          pointer: joinPointer(matching.matchConditionsPointer ?? "", index, "expression"),
        };
      }
    }
    if (verdict === true) return true;
    if (open === false) open = verdict;
  }
  return open;
}

/** What the CEL of a match condition sees for an admitted object (`object`, `request`...). */
function celVariables(bundle: Bundle, admitted: Admitted, operation: string) {
  const labels = complete(
    Object.fromEntries(
      Object.entries(admitted.labels).map(([key, value]) => [
        key,
        value === UNKNOWN_LABEL_VALUE ? UNKNOWN : value,
      ]),
    ),
  );
  const written = admitted.value ?? {};
  const metadata = isRecord(written.metadata) ? written.metadata : {};
  const object = {
    ...written,
    apiVersion: admitted.group ? `${admitted.group}/v1` : "v1",
    kind: admitted.kind,
    metadata: {
      ...metadata,
      name: admitted.name ?? UNKNOWN,
      namespace: admitted.namespace,
      labels,
    },
  };
  const [, resource] = admitted.resource.includes("/")
    ? admitted.resource.split("/")
    : ["", admitted.resource];
  const namespaceObject = {
    metadata: {
      name: admitted.namespace,
      labels: namespaceKnown(bundle, admitted.namespace)
        ? complete(namespaceLabels(bundle, admitted.namespace))
        : { [NAMESPACE_NAME_LABEL]: admitted.namespace },
    },
  };
  return {
    object,
    oldObject: operation === "CREATE" ? null : UNKNOWN,
    request: {
      operation,
      namespace: admitted.namespace,
      name: admitted.name ?? UNKNOWN,
      kind: { group: admitted.group, version: "v1", kind: admitted.kind },
      resource: { group: admitted.group, version: "v1", resource },
      subResource: "",
    },
    namespaceObject,
    params: UNKNOWN,
    authorizer: UNKNOWN,
    variables: UNKNOWN,
  };
}

interface Mutator extends Matching {
  what: string;
  object: BundleObject;
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

/**
 * The webhooks of a MutatingWebhookConfiguration, or a MutatingAdmissionPolicy's match. A
 * policy acts only through a MutatingAdmissionPolicyBinding, whose `matchResources` narrows it
 * further (`bindings`: those of the input; none means it does nothing by itself).
 */
function mutatorsOf(object: BundleObject): Mutator[] {
  const { value } = object;
  if (!value.apiVersion.startsWith(`${ADMISSION_GROUP}/`)) return [];
  if (value.kind === "MutatingWebhookConfiguration") {
    const webhooks = Array.isArray(value.webhooks) ? value.webhooks : [];
    return webhooks.flatMap((webhook, index) => {
      if (!isRecord(webhook)) return [];
      const at = joinPointer("/webhooks", index);
      return [
        {
          what: `the mutating webhook "${String(webhook.name ?? `#${index}`)}" of MutatingWebhookConfiguration ${object.ref.name ?? ""}`,
          object,
          rules: webhook.rules,
          rulesPointer: joinPointer(at, "rules"),
          namespaceSelector: webhook.namespaceSelector,
          namespaceSelectorPointer: joinPointer(at, "namespaceSelector"),
          objectSelector: webhook.objectSelector,
          objectSelectorPointer: joinPointer(at, "objectSelector"),
          matchConditions: webhook.matchConditions,
          matchConditionsPointer: joinPointer(at, "matchConditions"),
        },
      ];
    });
  }
  if (value.kind === "MutatingAdmissionPolicy") {
    const spec = isRecord(value.spec) ? value.spec : {};
    const match = isRecord(spec.matchConstraints) ? spec.matchConstraints : {};
    return [
      {
        what: `MutatingAdmissionPolicy ${object.ref.name ?? ""}`,
        object,
        ...policyMatching(match, "/spec/matchConstraints"),
        matchConditions: spec.matchConditions,
        matchConditionsPointer: "/spec/matchConditions",
      },
    ];
  }
  return [];
}

/** The matching of a policy's `matchConstraints` or a binding's `matchResources`. */
function policyMatching(match: Record<string, unknown>, pointer: string): Matching {
  return {
    rules: match.resourceRules,
    rulesPointer: joinPointer(pointer, "resourceRules"),
    excludeRules: match.excludeResourceRules,
    namespaceSelector: match.namespaceSelector,
    namespaceSelectorPointer: joinPointer(pointer, "namespaceSelector"),
    objectSelector: match.objectSelector,
    objectSelectorPointer: joinPointer(pointer, "objectSelector"),
  };
}

/**
 * The MutatingAdmissionPolicyBindings of the input that bind a policy, each as the matching it
 * adds: a binding's `matchResources` is intersected with the policy's constraints, and without
 * `resourceRules` it does not narrow the resources.
 */
function bindingsOf(bundle: Bundle, policy: BundleObject): (Matching | undefined)[] {
  return bundle.objects.flatMap((object) => {
    const { value } = object;
    if (
      value.kind !== "MutatingAdmissionPolicyBinding" ||
      !value.apiVersion.startsWith(`${ADMISSION_GROUP}/`)
    )
      return [];
    const spec = isRecord(value.spec) ? value.spec : {};
    if (spec.policyName !== policy.ref.name) return [];
    const match = isRecord(spec.matchResources) ? spec.matchResources : undefined;
    if (!match) return [undefined];
    const matching = policyMatching(match, "/spec/matchResources");
    const rules = Array.isArray(match.resourceRules) && match.resourceRules.length > 0;
    return [rules ? matching : { ...matching, rules: [EVERY_WRITE] }];
  });
}

const EVERY_WRITE = {
  apiGroups: ["*"],
  apiVersions: ["*"],
  operations: ["*"],
  resources: ["*", "*/*"],
};

/** The strongest decision over the input's admitted objects: a sure one, else the first open one. */
function decideAll(
  bundle: Bundle,
  admitted: readonly Admitted[],
  matchings: readonly Matching[],
): Decision {
  let open: Decision = false;
  for (const object of admitted) {
    let decision: Decision = true;
    for (const matching of matchings) {
      const next = decide(bundle, matching, object);
      if (next === false) {
        decision = false;
        break;
      }
      if (decision === true) decision = next;
    }
    if (decision === true) return true;
    if (open === false) open = decision;
  }
  return open;
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
      mayRewrite:
        "{{what}} may rewrite {{resources}} as the API server admits them: whether it applies depends on {{why}}; if it does, the pods the cluster runs are not the ones checked",
      unboundPolicy:
        "{{what}} would rewrite {{resources}}, but no MutatingAdmissionPolicyBinding of the input binds it: by itself it does nothing, and a binding in the cluster would make the pods the cluster runs differ from the ones checked",
    },
  },
  check(context) {
    const { bundle } = context;
    // What admission sees of the workloads, worked out once and only for a bundle with a mutator.
    let seen: Admitted[] | undefined;
    const admitted = () => (seen ??= admittedObjects(bundle));
    for (const object of bundle.objects) {
      for (const mutator of mutatorsOf(object)) {
        const decision = decideAll(bundle, admitted(), [mutator]);
        if (decision === false) continue;
        const rules = Array.isArray(mutator.rules) ? mutator.rules : [];
        const index = rules.findIndex((rule) => podResourcesOf(rule).length > 0);
        const data = {
          what: mutator.what,
          resources: [...new Set(rules.flatMap(podResourcesOf))].join(", "),
        };
        const rulePointer = joinPointer(mutator.rulesPointer, Math.max(index, 0));
        if (object.value.kind === "MutatingAdmissionPolicy") {
          const bindings = bindingsOf(bundle, object);
          if (bindings.length === 0) {
            context.report({
              messageId: "unboundPolicy",
              severity: "warning",
              data,
              object,
              pointer: rulePointer,
            });
            continue;
          }
          const bound = bindings.map((binding) =>
            decideAll(bundle, admitted(), binding ? [mutator, binding] : [mutator]),
          );
          const sure = bound.includes(true);
          const open = bound.find((d): d is Exclude<Decision, boolean> => typeof d === "object");
          if (!sure && !open) continue;
          reportDecision(sure || open!, data, object, rulePointer);
          continue;
        }
        reportDecision(decision, data, object, rulePointer);
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

    function reportDecision(
      decision: Exclude<Decision, false>,
      data: { what: string; resources: string },
      object: BundleObject,
      rulePointer: string,
    ) {
      if (decision === true) {
        context.report({ messageId: "rewrites", data, object, pointer: rulePointer });
        return;
      }
      context.report({
        messageId: "mayRewrite",
        data: { ...data, why: decision.why },
        object,
        pointer: decision.pointer,
      });
    }
  },
});
