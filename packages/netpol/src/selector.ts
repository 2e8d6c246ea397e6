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
 * A requirement of a selector that compares the value of a label only the cluster knows
 * (`pod-template-hash: 5d8f…`): it may or may not hold on the pods.
 */
export interface Uncertain {
  /** The label compared. */
  key: string;
  /** The requirement, relative to the selector: "/matchLabels/pod-template-hash", "/matchExpressions/0". */
  pointer: string;
}

/** Whether a selector selects a pod: surely, surely not, or only if a label the cluster sets allows. */
export type PodMatch = boolean | Uncertain;

/** The pod side of a match: its labels, and the keys among them whose values only the cluster knows. */
export interface PodSide {
  labels: Labels;
  unknownLabels: readonly string[];
}

export type PodSelector = (pod: PodSide) => PodMatch;

interface Requirement {
  key: string;
  pointer: string;
  /** matchLabels, In, NotIn: the answer depends on the value, not only on the key's presence. */
  comparesValue: boolean;
  test: (labels: Labels) => boolean;
}

const EVERY_POD: PodSelector = () => true;

/**
 * Compiles a pod selector as `compileSelector` does, three-valued: a requirement that compares
 * the value of one of the pod's unknown labels leaves the answer open (the first such requirement
 * is returned), unless another requirement already fails. Presence tests (`Exists`,
 * `DoesNotExist`) of such a label are certain: the pods carry it.
 */
export function compilePodSelector(value: unknown): PodSelector {
  if (!isRecord(value)) return EVERY_POD;
  const requirements: Requirement[] = [];
  if (isRecord(value.matchLabels)) {
    for (const [key, expected] of Object.entries(value.matchLabels)) {
      requirements.push({
        key,
        pointer: `/matchLabels/${escapeSegment(key)}`,
        comparesValue: true,
        test: compileSelector({ matchLabels: { [key]: expected } }),
      });
    }
  }
  if (Array.isArray(value.matchExpressions)) {
    value.matchExpressions.forEach((expression, index) => {
      const key = isRecord(expression) && typeof expression.key === "string" ? expression.key : "";
      const operator = isRecord(expression) ? expression.operator : undefined;
      requirements.push({
        key,
        pointer: `/matchExpressions/${index}`,
        comparesValue: operator === "In" || operator === "NotIn",
        test: compileSelector({ matchExpressions: [expression] }),
      });
    });
  }
  if (requirements.length === 0) return EVERY_POD;
  return ({ labels, unknownLabels }) => {
    let uncertain: Uncertain | undefined;
    for (const requirement of requirements) {
      if (requirement.comparesValue && unknownLabels.includes(requirement.key)) {
        uncertain ??= { key: requirement.key, pointer: requirement.pointer };
        continue;
      }
      if (!requirement.test(labels)) return false;
    }
    return uncertain ?? true;
  };
}

/** True when the match may hold: surely or uncertainly. */
export function mayMatch(match: PodMatch): boolean {
  return match !== false;
}
