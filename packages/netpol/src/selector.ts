import { compileSelector, escapeSegment, isRecord, type Labels } from "@scout-deploy/core";

/** Label selectors live in core: the API-server pass of @scout-deploy/schema matches with the same code. */
export {
  compileSelector,
  isEmptySelector,
  type Labels,
  SELECT_ALL,
  type Selector,
} from "@scout-deploy/core";

/**
 * A requirement of a selector on a label whose value the input leaves open: one only the cluster
 * knows (`pod-template-hash: 5d8f…`), or a label of a namespace the input has no Namespace object
 * for (`team: x`). It may or may not hold.
 */
export interface Uncertain {
  /** The label compared. */
  key: string;
  /**
   * The requirement, relative to the selector: "/matchLabels/pod-template-hash",
   * "/matchExpressions/0" (relative to the peer, "/namespaceSelector/matchLabels/team", where
   * `peerSelects` answers).
   */
  pointer: string;
  /** The namespace whose labels are unknown, when the requirement is a namespaceSelector's. */
  namespace?: string;
}

/** Whether a selector selects a pod: surely, surely not, or only if a label the input leaves open allows. */
export type PodMatch = boolean | Uncertain;

/**
 * The side of a match: a pod's labels, or a namespace's. `unknownLabels` are keys it surely
 * carries whose values only the cluster knows (a pod's `pod-template-hash`); with `openLabels`,
 * every key other than those in `labels` may be absent or carry any value (a namespace of the
 * input without a Namespace object: only its `kubernetes.io/metadata.name` is known), or, when it
 * is a prefix, every such key under it (a pod's namespace labels as Cilium and Calico give them
 * to the pod: `io.cilium.k8s.namespace.labels.team`, `pcns.team`).
 */
export interface PodSide {
  labels: Labels;
  unknownLabels: readonly string[];
  openLabels?: true | string;
}

/** Whether the side leaves a key open: not among its labels, and open by `openLabels`. */
export function isOpenKey(side: PodSide, key: string): boolean {
  if (side.openLabels === undefined || Object.hasOwn(side.labels, key)) return false;
  return side.openLabels === true || key.startsWith(side.openLabels);
}

export type PodSelector = (pod: PodSide) => PodMatch;

interface Requirement {
  key: string;
  pointer: string;
  /** matchLabels, In, NotIn: the answer depends on the value, not only on the key's presence. */
  comparesValue: boolean;
  /** The values it names: with absence and one value it does not name, all a key can answer. */
  values: readonly string[];
  test: (labels: Labels) => boolean;
}

const EVERY_POD: PodSelector = () => true;
/** A value no requirement names. */
const OTHER_VALUE = "\u0000another value";

/**
 * Compiles a pod selector as `compileSelector` does, three-valued: a requirement on a label whose
 * value the side leaves open (`unknownLabels`, or any key but the known ones under `openLabels`)
 * leaves the answer open (the first such requirement is returned), unless another requirement
 * already fails or the requirements on that key contradict each other (`In [a]` with `NotIn [a]`,
 * `Exists` with `DoesNotExist`). Presence tests (`Exists`, `DoesNotExist`) of an `unknownLabels`
 * key are certain: the pods carry it; on an open key they are open too.
 */
export function compilePodSelector(value: unknown): PodSelector {
  const requirements = requirementsOf(value);
  if (requirements.length === 0) return EVERY_POD;
  return (side) => {
    let open: Requirement[] | undefined;
    for (const requirement of requirements) {
      if (!isOpen(requirement, side)) {
        if (!requirement.test(side.labels)) return false;
      } else if (open) open.push(requirement);
      else open = [requirement];
    }
    return open ? openAnswer(open, side) : true;
  };
}

/**
 * The requirements of a selector that known labels fail, as pointers relative to the selector
 * ("/matchLabels/app.kubernetes.io~1component"): with one, that entry is what keeps the pods out
 * (a label renamed in a peer).
 */
export function failedRequirements(selector: unknown, labels: Labels): string[] {
  return requirementsOf(selector).flatMap((r) => (r.test(labels) ? [] : [r.pointer]));
}

function requirementsOf(value: unknown): Requirement[] {
  if (!isRecord(value)) return [];
  const requirements: Requirement[] = [];
  if (isRecord(value.matchLabels)) {
    for (const [key, expected] of Object.entries(value.matchLabels)) {
      requirements.push({
        key,
        pointer: `/matchLabels/${escapeSegment(key)}`,
        comparesValue: true,
        values: [String(expected)],
        test: compileSelector({ matchLabels: { [key]: expected } }),
      });
    }
  }
  if (Array.isArray(value.matchExpressions)) {
    value.matchExpressions.forEach((expression, index) => {
      const key = isRecord(expression) && typeof expression.key === "string" ? expression.key : "";
      const operator = isRecord(expression) ? expression.operator : undefined;
      const values =
        isRecord(expression) && Array.isArray(expression.values) ? expression.values : [];
      requirements.push({
        key,
        pointer: `/matchExpressions/${index}`,
        comparesValue: operator === "In" || operator === "NotIn",
        values: values.map(String),
        test: compileSelector({ matchExpressions: [expression] }),
      });
    });
  }
  return requirements;
}

/** Whether the side leaves the requirement's answer open. */
function isOpen(requirement: Requirement, side: PodSide): boolean {
  if (side.unknownLabels.includes(requirement.key)) return requirement.comparesValue;
  return isOpenKey(side, requirement.key);
}

/**
 * The answer of the open requirements: false when those on one key cannot hold together, else
 * the first of them. A key's answers are those of its absence (an open key only), the values
 * the requirements name, and one value they do not.
 */
function openAnswer(open: readonly Requirement[], side: PodSide): PodMatch {
  const byKey = new Map<string, Requirement[]>();
  for (const requirement of open) {
    const same = byKey.get(requirement.key);
    if (same) same.push(requirement);
    else byKey.set(requirement.key, [requirement]);
  }
  for (const [key, same] of byKey) {
    if (same.length === 1) continue;
    const present = [...new Set(same.flatMap((r) => r.values)), OTHER_VALUE].map(
      (v): Labels => ({ [key]: v }),
    );
    const candidates = side.unknownLabels.includes(key) ? present : [{}, ...present];
    if (!candidates.some((labels) => same.every((r) => r.test(labels)))) return false;
  }
  const [first] = open;
  return { key: first!.key, pointer: first!.pointer };
}

/** True when the match may hold: surely or uncertainly. */
export function mayMatch(match: PodMatch): boolean {
  return match !== false;
}
