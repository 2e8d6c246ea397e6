import {
  type Bundle,
  type ContainerRef,
  containersOf,
  defineRule,
  isRecord,
  joinPointer,
  type PodTemplate,
  podTemplates,
  specPointerOf,
} from "@scout-deploy/core";
import { effectiveNamespace, groupBy } from "../../support/index.js";

type Kind = "Secret" | "ConfigMap";

/** An object that puts a Secret or ConfigMap into a namespace; `keys` undefined when unknowable. */
interface Provided {
  kind: Kind;
  name: string;
  namespace: string | undefined;
  keys: Set<string> | undefined;
}

/** One reference of a pod to a Secret or ConfigMap, optionally to one key of it. */
interface Reference {
  kind: Kind;
  name: string;
  key?: string;
  optional: boolean;
  /** Pointers of the referenced name and key. */
  namePointer: string;
  keyPointer?: string;
}

const SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token";
const TOKEN_KEYS = ["token", "ca.crt", "namespace"];

const keysOf = (...maps: unknown[]) =>
  new Set(maps.flatMap((m) => (isRecord(m) ? Object.keys(m) : [])));
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** Secrets a SealedSecret or ExternalSecret will create count as defined (their keys when known). */
function providedBy(object: Bundle["objects"][number]): Omit<Provided, "namespace"> | undefined {
  const { value } = object;
  const spec = isRecord(value.spec) ? value.spec : {};
  const name = object.ref.name ?? "";
  switch (value.kind) {
    case "Secret": {
      const keys = keysOf(value.data, value.stringData);
      // The token controller fills a service-account-token Secret with these keys.
      if (value.type === SERVICE_ACCOUNT_TOKEN) for (const key of TOKEN_KEYS) keys.add(key);
      return { kind: "Secret", name, keys };
    }
    case "ConfigMap":
      return { kind: "ConfigMap", name, keys: keysOf(value.data, value.binaryData) };
    case "SealedSecret": {
      const template = isRecord(spec.template) ? spec.template : {};
      const meta = isRecord(template.metadata) ? template.metadata : {};
      const keys = keysOf(spec.encryptedData, template.data);
      return { kind: "Secret", name: text(meta.name) ?? name, keys };
    }
    case "ExternalSecret": {
      const target = isRecord(spec.target) ? spec.target : {};
      const data = Array.isArray(spec.data) ? spec.data : [];
      const open = spec.dataFrom !== undefined || isRecord(target.template);
      const keys = data.flatMap((d) =>
        isRecord(d) && text(d.secretKey) ? [String(d.secretKey)] : [],
      );
      return {
        kind: "Secret",
        name: text(target.name) ?? name,
        keys: open ? undefined : new Set(keys),
      };
    }
    default:
      return undefined;
  }
}

function referencesOfContainer(ref: ContainerRef): Reference[] {
  const result: Reference[] = [];
  const env = Array.isArray(ref.container.env) ? ref.container.env : [];
  env.forEach((entry, index) => {
    const from = isRecord(entry) && isRecord(entry.valueFrom) ? entry.valueFrom : {};
    for (const [field, kind] of [
      ["secretKeyRef", "Secret"],
      ["configMapKeyRef", "ConfigMap"],
    ] as const) {
      const selector = from[field];
      if (!isRecord(selector) || !text(selector.name)) continue;
      const base = joinPointer(ref.pointer, "env", index, "valueFrom", field);
      result.push({
        kind,
        name: String(selector.name),
        ...(text(selector.key)
          ? { key: String(selector.key), keyPointer: joinPointer(base, "key") }
          : {}),
        optional: selector.optional === true,
        namePointer: joinPointer(base, "name"),
      });
    }
  });
  const envFrom = Array.isArray(ref.container.envFrom) ? ref.container.envFrom : [];
  envFrom.forEach((entry, index) => {
    for (const [field, kind] of [
      ["secretRef", "Secret"],
      ["configMapRef", "ConfigMap"],
    ] as const) {
      const source = isRecord(entry) ? entry[field] : undefined;
      if (!isRecord(source) || !text(source.name)) continue;
      result.push({
        kind,
        name: String(source.name),
        optional: source.optional === true,
        namePointer: joinPointer(ref.pointer, "envFrom", index, field, "name"),
      });
    }
  });
  return result;
}

/** References of a volume source (`secret`, `configMap`, or one source of a `projected`). */
function referencesOfSource(
  kind: Kind,
  source: Record<string, unknown>,
  nameField: string,
  pointer: string,
): Reference[] {
  const name = text(source[nameField]);
  if (!name) return [];
  const optional = source.optional === true;
  const namePointer = joinPointer(pointer, nameField);
  const items = Array.isArray(source.items) ? source.items : [];
  const keyed = items.flatMap((item, i) =>
    isRecord(item) && text(item.key)
      ? [
          {
            kind,
            name,
            key: String(item.key),
            optional,
            namePointer,
            keyPointer: joinPointer(pointer, "items", i, "key"),
          },
        ]
      : [],
  );
  return [{ kind, name, optional, namePointer }, ...keyed];
}

function referencesOfVolumes(template: PodTemplate): Reference[] {
  const volumes = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
  return volumes.flatMap((volume, index) => {
    if (!isRecord(volume)) return [];
    const base = specPointerOf(template, "volumes", index);
    const result: Reference[] = [];
    if (isRecord(volume.secret)) {
      result.push(
        ...referencesOfSource("Secret", volume.secret, "secretName", joinPointer(base, "secret")),
      );
    }
    if (isRecord(volume.configMap)) {
      result.push(
        ...referencesOfSource(
          "ConfigMap",
          volume.configMap,
          "name",
          joinPointer(base, "configMap"),
        ),
      );
    }
    const sources =
      isRecord(volume.projected) && Array.isArray(volume.projected.sources)
        ? volume.projected.sources
        : [];
    sources.forEach((source, i) => {
      if (!isRecord(source)) return;
      const at = joinPointer(base, "projected", "sources", i);
      if (isRecord(source.secret))
        result.push(
          ...referencesOfSource("Secret", source.secret, "name", joinPointer(at, "secret")),
        );
      if (isRecord(source.configMap))
        result.push(
          ...referencesOfSource(
            "ConfigMap",
            source.configMap,
            "name",
            joinPointer(at, "configMap"),
          ),
        );
    });
    return result;
  });
}

export function referencesOf(template: PodTemplate): Reference[] {
  return [
    ...containersOf(template).flatMap(referencesOfContainer),
    ...referencesOfVolumes(template),
  ];
}

export const referencesResolve = defineRule({
  id: "workload/references-resolve",
  meta: {
    severity: "warning",
    description:
      "Every Secret and ConfigMap a pod reads (env, envFrom, volumes) and every key of it is defined in the pod's own namespace, when the input defines that namespace's Secrets (or ConfigMaps).",
    remediation:
      "Define the Secret or ConfigMap (and the key) in the pod's namespace, or fix the name; a reference to another namespace never resolves.",
    guide: "Secrets Management: Kubernetes Secrets",
    messages: {
      missing:
        'the pod reads {{kind}} "{{name}}", which the input does not define in namespace {{namespace}}: the container will not start',
      elsewhere:
        'the pod reads {{kind}} "{{name}}" in namespace {{namespace}}, but the input defines it only in {{other}}: a pod reads only its own namespace',
      missingKey: '{{kind}} "{{name}}" has no key "{{key}}": the container will not start',
    },
  },
  check(context) {
    const { bundle } = context;
    const provided = ProvidedIndex.of(
      bundle.objects.flatMap((object) => {
        const found = providedBy(object);
        return found ? [{ ...found, namespace: effectiveNamespace(bundle, object) }] : [];
      }),
    );
    for (const template of podTemplates(bundle)) {
      const namespace = effectiveNamespace(bundle, template.object);
      for (const reference of referencesOf(template)) {
        if (reference.optional) continue;
        const data = {
          kind: reference.kind,
          name: reference.name,
          namespace: namespace ?? "(unset)",
        };
        const matches = provided.at(reference.kind, reference.name, namespace);
        if (matches.length === 0) {
          const other = provided
            .named(reference.kind, reference.name)
            .find((p) => p.namespace !== namespace);
          // With no object of this kind in the namespace, they are managed outside the input.
          if (!other && !provided.hasKindIn(reference.kind, namespace)) continue;
          context.report({
            messageId: other ? "elsewhere" : "missing",
            data: { ...data, other: other?.namespace ?? "(unset)" },
            object: template.object,
            pointer: reference.namePointer,
          });
          continue;
        }
        const { key, keyPointer } = reference;
        if (key === undefined || matches.some((m) => m.keys === undefined || m.keys.has(key)))
          continue;
        context.report({
          messageId: "missingKey",
          data: { ...data, key },
          object: template.object,
          pointer: keyPointer,
        });
      }
    }
  },
});

/** The Secrets and ConfigMaps of the input by kind and name: a reference looks up, never scans. */
class ProvidedIndex {
  private constructor(
    private readonly byName: Map<string, Provided[]>,
    private readonly byPlace: Map<string, Provided[]>,
    /** Per kind, the namespaces that hold one. */
    private readonly kinds: Map<string, Set<string | undefined>>,
  ) {}

  static of(provided: readonly Provided[]): ProvidedIndex {
    const kinds = new Map(
      [...groupBy(provided, (p) => p.kind)].map(([kind, ps]) => [
        kind,
        new Set(ps.map((p) => p.namespace)),
      ]),
    );
    return new ProvidedIndex(
      groupBy(provided, (p) => `${p.kind}\u0000${p.name}`),
      groupBy(provided, (p) => `${p.kind}\u0000${p.name}\u0000${p.namespace ?? ""}`),
      kinds,
    );
  }

  named(kind: string, name: string): readonly Provided[] {
    return this.byName.get(`${kind}\u0000${name}`) ?? [];
  }

  /** Those of the namespace: the only ones a pod there reads. */
  at(kind: string, name: string, namespace: string | undefined): readonly Provided[] {
    return this.byPlace.get(`${kind}\u0000${name}\u0000${namespace ?? ""}`) ?? [];
  }

  /** True when an object of this kind lands in the namespace. */
  hasKindIn(kind: string, namespace: string | undefined): boolean {
    return this.kinds.get(kind)?.has(namespace) ?? false;
  }
}
