import { isRecord } from "@scout-deploy/core";
import {
  compilePodSelector,
  type Model,
  namespaceLabelsUnder,
  namespaceSide,
  UNKNOWN_LABEL_VALUE,
  type Workload,
} from "@scout-deploy/netpol";
import { serviceAccountNameOf } from "../../support/index.js";
import { and, compileCalicoSelector, type LabelSide, or, type Tri } from "./calico-selector.js";

/**
 * Whom a policy of another CNI selects, three-valued over the input's workloads: `true` (some
 * pod surely), `false`, or "maybe" (a label only the cluster knows, a selector form this rule
 * does not read). Each function reads one kind's selector as that CNI does.
 */
export type Selects = (workload: Workload) => Tri;

export const MAYBE: Selects = () => "maybe";
export const NONE: Selects = () => false;

/** The strongest answer over the workloads: true if one is surely selected, else maybe if one may be. */
export function selectsAny(model: Model, selects: Selects): Tri {
  let answer: Tri = false;
  for (const workload of model.workloads) {
    const one = selects(workload);
    if (one === true) return true;
    if (one === "maybe") answer = "maybe";
  }
  return answer;
}

const fromMatch = (match: unknown): Tri =>
  match === true ? true : match === false ? false : "maybe";

/** A Kubernetes LabelSelector over the pods' labels (three-valued) in the namespaces `inNamespace` admits. */
export function podsSelected(
  podSelector: unknown,
  inNamespace: (workload: Workload) => Tri,
): Selects {
  if (podSelector !== undefined && podSelector !== null && !isRecord(podSelector)) return MAYBE;
  const pods = compilePodSelector(podSelector ?? {});
  return (workload) => {
    const namespace = inNamespace(workload);
    return namespace === false ? false : and(namespace, fromMatch(pods(workload)));
  };
}

/**
 * A namespace LabelSelector over the namespaces' labels, three-valued as netpol matches a
 * NetworkPolicy's: a Namespace object's labels are exact, a namespace without one has only its
 * name label known (`Model.namespaceSides`).
 */
export function namespacesSelected(model: Model, selector: unknown): (w: Workload) => Tri {
  if (!isRecord(selector)) return () => false;
  const matches = compilePodSelector(selector);
  return (workload) => fromMatch(matches(namespaceSide(model, workload.namespace)));
}

/**
 * AdminNetworkPolicy's `subject` (and an ANP peer): `namespaces` selects every pod of the
 * namespaces it matches, `pods` the pods its podSelector matches in the namespaces its
 * namespaceSelector matches.
 */
export function anpSelects(model: Model, subject: unknown): Selects {
  if (!isRecord(subject)) return MAYBE;
  if (isRecord(subject.namespaces)) {
    const inNamespace = namespacesSelected(model, subject.namespaces);
    return (workload) => inNamespace(workload);
  }
  if (isRecord(subject.pods)) {
    return podsSelected(
      subject.pods.podSelector,
      namespacesSelected(model, subject.pods.namespaceSelector),
    );
  }
  return MAYBE;
}

const CILIUM_SOURCES = /^(k8s|any):/;
const CILIUM_NAMESPACE = "io.kubernetes.pod.namespace";
const CILIUM_NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels.";
const CILIUM_SERVICE_ACCOUNT = "io.cilium.k8s.policy.serviceaccount";

/**
 * A Cilium endpoint selector: keys may carry a source (`k8s:`, `any:`), and Cilium gives each
 * pod, besides its labels, `io.kubernetes.pod.namespace`, its namespace's labels under
 * `io.cilium.k8s.namespace.labels.` (open where the namespace has no Namespace object in the
 * input) and `io.cilium.k8s.policy.serviceaccount`. A key of another source (`reserved:`) or
 * another `io.cilium.` label is one this rule cannot tell: "maybe". A namespaced policy's peer
 * selects only in the policy's namespace unless it names a namespace or a namespace label
 * (Cilium's getEndpointSelector); `io.kubernetes.pod.namespace.labels.*` is no label Cilium
 * sets, so it matches no pod.
 */
export function ciliumSelects(
  model: Model,
  selector: unknown,
  namespace: string | undefined,
): Selects {
  if (!isRecord(selector)) return MAYBE;
  const keys = selectorKeys(selector);
  if (keys === undefined) return MAYBE;
  const stripped = renameKeys(selector, (key) => key.replace(CILIUM_SOURCES, ""));
  const namesNamespace = keys.some((raw) => {
    const key = raw.replace(CILIUM_SOURCES, "");
    return key === CILIUM_NAMESPACE || key.startsWith(CILIUM_NAMESPACE_LABELS);
  });
  const pods = compilePodSelector(stripped);
  return (workload) => {
    if (namespace !== undefined && !namesNamespace && workload.namespace !== namespace)
      return false;
    const side = ciliumSide(model, workload, keys);
    return fromMatch(pods(side));
  };
}

function ciliumSide(model: Model, workload: Workload, keys: readonly string[]): LabelSide {
  const namespace = namespaceLabelsUnder(model, workload.namespace, CILIUM_NAMESPACE_LABELS);
  const labels: Record<string, string> = {
    ...workload.labels,
    [CILIUM_NAMESPACE]: workload.namespace,
    ...namespace.labels,
    [CILIUM_SERVICE_ACCOUNT]: serviceAccountOf(workload),
  };
  const unknownLabels = [...workload.unknownLabels];
  for (const raw of keys) {
    const key = raw.replace(CILIUM_SOURCES, "");
    const otherSource = /^[a-z]+:/.test(key);
    const otherCilium =
      key.startsWith("io.cilium.") &&
      !key.startsWith(CILIUM_NAMESPACE_LABELS) &&
      !Object.hasOwn(labels, key);
    if (otherSource || otherCilium) {
      labels[key] = UNKNOWN_LABEL_VALUE;
      unknownLabels.push(key);
    }
  }
  return {
    labels,
    unknownLabels,
    ...(namespace.openLabels ? { openLabels: namespace.openLabels } : {}),
  };
}

function serviceAccountOf(workload: Workload): string {
  return serviceAccountNameOf(workload.template) ?? "default";
}

/** The keys a LabelSelector names, undefined when it is malformed. */
function selectorKeys(selector: Record<string, unknown>): string[] | undefined {
  const keys: string[] = [];
  if (selector.matchLabels !== undefined) {
    if (!isRecord(selector.matchLabels)) return undefined;
    keys.push(...Object.keys(selector.matchLabels));
  }
  if (selector.matchExpressions !== undefined) {
    if (!Array.isArray(selector.matchExpressions)) return undefined;
    for (const expression of selector.matchExpressions) {
      if (!isRecord(expression) || typeof expression.key !== "string") return undefined;
      keys.push(expression.key);
    }
  }
  return keys;
}

function renameKeys(selector: Record<string, unknown>, rename: (key: string) => string) {
  return {
    ...(isRecord(selector.matchLabels)
      ? {
          matchLabels: Object.fromEntries(
            Object.entries(selector.matchLabels).map(([k, v]) => [rename(k), v]),
          ),
        }
      : {}),
    ...(Array.isArray(selector.matchExpressions)
      ? {
          matchExpressions: selector.matchExpressions.map((e) =>
            isRecord(e) && typeof e.key === "string" ? { ...e, key: rename(e.key) } : e,
          ),
        }
      : {}),
  };
}

/** Calico's label of a namespace's (and a service account's) name. */
const CALICO_NAME = "projectcalico.org/name";
/** The prefix under which Calico copies a namespace's labels onto its pods (its namespace profile). */
const CALICO_NAMESPACE_LABELS = "pcns.";

/**
 * A Calico selector (and a GlobalNetworkPolicy's namespaceSelector): pods carry their labels
 * plus `projectcalico.org/namespace`, `projectcalico.org/orchestrator: k8s`,
 * `projectcalico.org/serviceaccount` and their namespace's labels under `pcns.` (with
 * `pcns.projectcalico.org/name`); namespaces their labels plus `projectcalico.org/name`. A
 * namespace without a Namespace object in the input has only its names known: a test of another
 * of its labels is "maybe". A namespaced policy selects only in its namespace. An expression
 * this rule does not parse is "maybe".
 */
export function calicoSelects(
  model: Model,
  selector: unknown,
  namespaceSelector: unknown,
  namespace: string | undefined,
): Selects {
  const pods = compileCalicoSelector(typeof selector === "string" ? selector : "");
  const namespaces = compileCalicoSelector(
    typeof namespaceSelector === "string" ? namespaceSelector : "",
  );
  if (
    !pods ||
    !namespaces ||
    (selector != null && typeof selector !== "string") ||
    (namespaceSelector != null && typeof namespaceSelector !== "string")
  )
    return MAYBE;
  return (workload) => {
    if (namespace !== undefined && workload.namespace !== namespace) return false;
    const ofNamespace = namespaceSide(model, workload.namespace);
    const inherited = namespaceLabelsUnder(model, workload.namespace, CALICO_NAMESPACE_LABELS);
    const namespaceLabels: LabelSide = {
      ...ofNamespace,
      labels: { ...ofNamespace.labels, [CALICO_NAME]: workload.namespace },
    };
    const podSide: LabelSide = {
      labels: {
        ...workload.labels,
        ...inherited.labels,
        [`${CALICO_NAMESPACE_LABELS}${CALICO_NAME}`]: workload.namespace,
        "projectcalico.org/namespace": workload.namespace,
        "projectcalico.org/orchestrator": "k8s",
        "projectcalico.org/serviceaccount": serviceAccountOf(workload),
      },
      unknownLabels: workload.unknownLabels,
      ...(inherited.openLabels ? { openLabels: inherited.openLabels } : {}),
    };
    return and(namespaces(namespaceLabels), pods(podSide));
  };
}

/**
 * Antrea's `appliedTo` (and a peer): each entry a podSelector and/or namespaceSelector; a
 * namespaced policy's podSelector stays in its namespace, a ClusterNetworkPolicy's reaches every
 * namespace unless a namespaceSelector narrows it. Other entries (a group, a serviceAccount, a
 * service, a nodeSelector) are "maybe". Entries add up.
 */
export function antreaSelects(
  model: Model,
  entries: unknown,
  namespace: string | undefined,
): Selects {
  if (!Array.isArray(entries)) return MAYBE;
  const each = entries.map((entry): Selects => {
    if (!isRecord(entry)) return MAYBE;
    const known = Object.keys(entry).every((k) => k === "podSelector" || k === "namespaceSelector");
    if (!known || Object.keys(entry).length === 0) return MAYBE;
    const inNamespace: (w: Workload) => Tri =
      entry.namespaceSelector !== undefined
        ? namespacesSelected(model, entry.namespaceSelector)
        : namespace !== undefined
          ? (w) => w.namespace === namespace
          : () => true;
    return podsSelected(entry.podSelector, inNamespace);
  });
  return (workload) => each.reduce<Tri>((answer, one) => or(answer, one(workload)), false);
}
