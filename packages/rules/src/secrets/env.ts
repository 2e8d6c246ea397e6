import {
  type Bundle,
  type ContainerRef,
  effectiveNamespace,
  isRecord,
  joinPointer,
} from "@scout-deploy/core";
import { effectiveSecretEntries, isSecret } from "@scout-deploy/secrets";

/** Where one `env[]` entry of a container takes its value from. */
export interface EnvVar {
  name: string;
  /** Pointer of the entry inside the object. */
  pointer: string;
  source: "value" | "secret" | "configMap" | "other";
  /** For `value`: the literal. */
  value?: string;
  /** For `secret` and `configMap`: the referenced object and key. */
  ref?: { name: string; key: string };
  /** For `secret` and `configMap`: `optional: true`, the pod starts without the value. */
  optional?: boolean;
}

export function envVars(container: ContainerRef): EnvVar[] {
  const env = container.container.env;
  if (!Array.isArray(env)) return [];
  return env.flatMap((entry, index): EnvVar[] => {
    if (!isRecord(entry) || typeof entry.name !== "string") return [];
    const pointer = joinPointer(container.pointer, "env", index);
    const base = { name: entry.name, pointer };
    if (typeof entry.value === "string" || typeof entry.value === "number") {
      return [{ ...base, source: "value" as const, value: String(entry.value) }];
    }
    const from = isRecord(entry.valueFrom) ? entry.valueFrom : {};
    for (const [field, source] of [
      ["secretKeyRef", "secret"],
      ["configMapKeyRef", "configMap"],
    ] as const) {
      const ref = from[field];
      if (isRecord(ref)) {
        const name = typeof ref.name === "string" ? ref.name : "";
        const key = typeof ref.key === "string" ? ref.key : "";
        return [{ ...base, source, ref: { name, key }, optional: ref.optional === true }];
      }
    }
    return [{ ...base, source: "other" as const }];
  });
}

/**
 * The entries the container really gets: when a name is listed twice the kubelet keeps the last
 * one (the API server only warns), so an earlier secretKeyRef is overridden by a later value.
 */
export function effectiveEnvVars(container: ContainerRef): EnvVar[] {
  const all = envVars(container);
  const last = new Map(all.map((variable) => [variable.name, variable]));
  return all.filter((variable) => last.get(variable.name) === variable);
}

/** A Kubernetes `$(VAR)` reference: the value is another variable's, not a literal. */
export function isVariableReference(value: string): boolean {
  return /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value.trim());
}

/** Secrets mounted into a container as files: secret and projected secret volumes. */
export function mountedSecretsOf(container: ContainerRef): string[] {
  const names: string[] = [];
  const mounts = Array.isArray(container.container.volumeMounts)
    ? container.container.volumeMounts
    : [];
  const mounted = new Set(
    mounts.flatMap((m) => (isRecord(m) && typeof m.name === "string" ? [m.name] : [])),
  );
  const volumes = Array.isArray(container.template.spec.volumes)
    ? container.template.spec.volumes
    : [];
  for (const volume of volumes) {
    if (!isRecord(volume) || !mounted.has(String(volume.name))) continue;
    if (isRecord(volume.secret) && typeof volume.secret.secretName === "string")
      names.push(volume.secret.secretName);
    const sources =
      isRecord(volume.projected) && Array.isArray(volume.projected.sources)
        ? volume.projected.sources
        : [];
    for (const source of sources) {
      if (isRecord(source) && isRecord(source.secret) && typeof source.secret.name === "string") {
        names.push(source.secret.name);
      }
    }
  }
  return names;
}

/** The form of a variable name an application reads (`API_TOKEN`); `api-token` is none. */
export function isReadableVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * The variables each `envFrom[].secretRef` gives the container: prefix + every key of the Secret
 * when it is in the input (its namespace), `undefined` names when it is not (keys unknown).
 */
export function envFromSecretVariables(
  container: ContainerRef,
  bundle: Bundle,
  namespace: string,
): Array<{ secret: string; names?: string[] }> {
  const envFrom = Array.isArray(container.container.envFrom) ? container.container.envFrom : [];
  return envFrom.flatMap((entry) => {
    const ref = isRecord(entry) && isRecord(entry.secretRef) ? entry.secretRef : undefined;
    if (!ref || typeof ref.name !== "string") return [];
    const prefix = isRecord(entry) && typeof entry.prefix === "string" ? entry.prefix : "";
    const secret = bundle.objects.find(
      (o) => isSecret(o) && o.ref.name === ref.name && effectiveNamespace(bundle, o) === namespace,
    );
    if (!secret) return [{ secret: ref.name }];
    return [
      { secret: ref.name, names: effectiveSecretEntries(secret).map((e) => `${prefix}${e.key}`) },
    ];
  });
}
