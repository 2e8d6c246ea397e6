import type { BundleObject } from "./bundle.js";
import { labelsOf, podTemplateOf } from "./k8s.js";
import { DEFAULT_NAMESPACE } from "./namespaces.js";

/**
 * The label that tells apart several deployments of one application in one namespace (Helm sets
 * it to the release name, Kustomize overlays often do too).
 */
export const INSTANCE_LABEL = "app.kubernetes.io/instance";

/**
 * One deployment instance: the components of one namespace, narrowed by the instance label when
 * it is set. Rules that relate components to each other (flows between them, credentials they
 * share) relate them within an instance.
 */
export interface Instance {
  namespace: string;
  /** The instance label, when the object (or its pod template) carries one. */
  label?: string;
  /** How findings name it: "staging", or "staging/shop-a" with the label. */
  name: string;
}

const instances = new WeakMap<BundleObject, { value: unknown; instance: Instance }>();

/** The instance an object belongs to; an object without a namespace is in "default", as applied. */
export function instanceOf(object: BundleObject): Instance {
  const known = instances.get(object);
  // Keyed on the object and checked against its value: a rule test may swap the value.
  if (known && known.value === object.value) return known.instance;
  const namespace = object.ref.namespace ?? DEFAULT_NAMESPACE;
  const template = podTemplateOf(object);
  const label =
    labelsOf(template?.metadata)[INSTANCE_LABEL] ?? labelsOf(object.value.metadata)[INSTANCE_LABEL];
  const instance: Instance = label
    ? { namespace, label, name: `${namespace}/${label}` }
    : { namespace, name: namespace };
  instances.set(object, { value: object.value, instance });
  return instance;
}

/**
 * True when two objects may belong to one deployment: the same namespace, and the same instance
 * label unless one of them has none (an unlabelled object serves every instance of its namespace,
 * as an unset namespace is applied to whichever `-n` names).
 */
export function sameInstance(a: Instance, b: Instance): boolean {
  return a.namespace === b.namespace && (!a.label || !b.label || a.label === b.label);
}

interface NamespaceGroup<T> {
  all: T[];
  unlabelled: T[];
  byLabel: Map<string, T[]>;
}

/**
 * Items indexed by instance, so that relating components pairs each one only with its own
 * instance's: linear in the items, never all pairs across instances.
 */
export class InstanceIndex<T> {
  private readonly namespaces = new Map<string, NamespaceGroup<T>>();
  private readonly joined = new Map<string, T[]>();
  private readonly everyItem: T[] = [];

  static of<T>(items: Iterable<T>, instance: (item: T) => Instance): InstanceIndex<T> {
    const index = new InstanceIndex<T>();
    for (const item of items) index.add(instance(item), item);
    return index;
  }

  add(instance: Instance, item: T): void {
    let group = this.namespaces.get(instance.namespace);
    if (!group) {
      group = { all: [], unlabelled: [], byLabel: new Map() };
      this.namespaces.set(instance.namespace, group);
    }
    group.all.push(item);
    this.everyItem.push(item);
    if (!instance.label) group.unlabelled.push(item);
    else {
      const members = group.byLabel.get(instance.label);
      if (members) members.push(item);
      else group.byLabel.set(instance.label, [item]);
    }
    this.joined.clear();
  }

  /** The items that share a deployment with `instance` (see `sameInstance`). */
  with(instance: Instance): readonly T[] {
    const group = this.namespaces.get(instance.namespace);
    if (!group) return [];
    if (!instance.label) return group.all;
    const key = `${instance.namespace}\u0000${instance.label}`;
    let members = this.joined.get(key);
    if (!members) {
      members = [...(group.byLabel.get(instance.label) ?? []), ...group.unlabelled];
      this.joined.set(key, members);
    }
    return members;
  }

  /** Every item, whatever its instance. */
  all(): readonly T[] {
    return this.everyItem;
  }

  /** True when no item sits in `namespace`. */
  hasNamespace(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }
}
