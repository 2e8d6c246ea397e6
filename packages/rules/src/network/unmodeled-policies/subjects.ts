import { isRecord, type Labels } from "@scout-deploy/core";
import {
  compilePodSelector,
  type Model,
  NAMESPACE_NAME_LABEL,
  UNKNOWN_LABEL_VALUE,
  unseenNamespaceSide,
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
  return (workload) =>
    fromMatch(
      matches(
        model.namespaceSides.get(workload.namespace) ?? unseenNamespaceSide(workload.namespace),
      ),
    );
}

function namespaceLabelsOf(model: Model, workload: Workload): Labels {
  return (
    model.namespaceLabels.get(workload.namespace) ?? {
      [NAMESPACE_NAME_LABEL]: workload.namespace,
    }
  );
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
 * `io.cilium.k8s.namespace.labels.` and `io.cilium.k8s.policy.serviceaccount`. A key of another
 * source (`reserved:`) or another `io.cilium.` label is one this rule cannot tell: "maybe". A
 * namespaced policy selects only in its own namespace unless the selector names one.
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
  const namesNamespace = keys.some((key) => key.replace(CILIUM_SOURCES, "") === CILIUM_NAMESPACE);
  const pods = compilePodSelector(stripped);
  return (workload) => {
    if (namespace !== undefined && !namesNamespace && workload.namespace !== namespace)
      return false;
    const side = ciliumSide(model, workload, keys);
    return fromMatch(pods(side));
  };
}

function ciliumSide(model: Model, workload: Workload, keys: readonly string[]) {
  const labels: Record<string, string> = { ...workload.labels };
  const unknownLabels = [...workload.unknownLabels];
  labels[CILIUM_NAMESPACE] = workload.namespace;
  for (const [key, value] of Object.entries(namespaceLabelsOf(model, workload)))
    labels[`${CILIUM_NAMESPACE_LABELS}${key}`] = value;
  labels[CILIUM_SERVICE_ACCOUNT] = serviceAccountOf(workload);
  for (const raw of keys) {
    const key = raw.replace(CILIUM_SOURCES, "");
    const otherSource = /^[a-z]+:/.test(key);
    if (otherSource || (key.startsWith("io.cilium.") && !Object.hasOwn(labels, key))) {
      labels[key] = UNKNOWN_LABEL_VALUE;
      unknownLabels.push(key);
    }
  }
  return { labels, unknownLabels };
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

/**
 * A Calico selector (and a GlobalNetworkPolicy's namespaceSelector): pods carry their labels
 * plus `projectcalico.org/namespace`, `projectcalico.org/orchestrator: k8s` and
 * `projectcalico.org/serviceaccount`; namespaces their labels plus `projectcalico.org/name`. A
 * namespaced policy selects only in its namespace. An expression this rule does not parse is
 * "maybe".
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
    const namespaceSide: LabelSide = {
      labels: {
        ...namespaceLabelsOf(model, workload),
        "projectcalico.org/name": workload.namespace,
      },
      unknownLabels: [],
    };
    const podSide: LabelSide = {
      labels: {
        ...workload.labels,
        "projectcalico.org/namespace": workload.namespace,
        "projectcalico.org/orchestrator": "k8s",
        "projectcalico.org/serviceaccount": serviceAccountOf(workload),
      },
      unknownLabels: workload.unknownLabels,
    };
    return and(namespaces(namespaceSide), pods(podSide));
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
