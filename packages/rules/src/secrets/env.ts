import {
  type Bundle,
  type ContainerRef,
  containersOf,
  effectiveNamespace,
  isRecord,
  joinPointer,
  podTemplates,
} from "@scout-deploy/core";
import {
  effectiveSecretEntries,
  isCredentialName,
  isSecret,
  secretReadsOf,
} from "@scout-deploy/secrets";

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
  /** For `value`: what the kubelet makes of its `$(VAR)` references. */
  expansion?: Expansion;
}

/**
 * A literal value as the kubelet expands it: `$(VAR)` takes the value of VAR when VAR is defined
 * before it (an earlier `env` entry or `envFrom`; a service link), `$$` is `$`, and anything else,
 * a reference to a variable defined later or nowhere included, stays as written.
 */
export interface Expansion {
  /** The value the container gets, with references to non-literal variables kept as `$(VAR)`. */
  text: string;
  /** The whole value is one reference to an earlier variable that is not a literal: its source. */
  alias?: EnvVar;
  /** Earlier literal variables whose text was put in. */
  through: string[];
  /** References the kubelet leaves as written: nothing defines the variable before this entry. */
  unexpanded: string[];
  /** Some part comes from a Secret. */
  fromSecret: boolean;
  /** Some part comes from a source outside the pod template (a Secret, a ConfigMap, envFrom…). */
  opaque: boolean;
}

export function envVars(container: ContainerRef): EnvVar[] {
  // Several rules (and one rule several times) read the same container's variables.
  let variables = envVarsOf.get(container);
  if (!variables) {
    variables = withExpansions(container, declaredEnvVars(container));
    envVarsOf.set(container, variables);
  }
  return variables;
}

const envVarsOf = new WeakMap<ContainerRef, EnvVar[]>();

function declaredEnvVars(container: ContainerRef): EnvVar[] {
  const env = container.container.env;
  if (!Array.isArray(env)) return [];
  return env.flatMap((entry, index): EnvVar[] => {
    if (!isRecord(entry) || typeof entry.name !== "string") return [];
    const pointer = joinPointer(container.pointer, "env", index);
    const base = { name: entry.name, pointer };
    if (typeof entry.value === "string" || typeof entry.value === "number") {
      return [{ ...base, source: "value" as const, value: String(entry.value) }];
    }
    // Neither a value nor a valueFrom: the kubelet sets the variable to the empty string.
    if (entry.value == null && entry.valueFrom == null) {
      return [{ ...base, source: "value" as const, value: "" }];
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

/** The variables the kubelet adds for the Services of the namespace (enableServiceLinks). */
const SERVICE_LINK = /_(?:SERVICE_HOST|SERVICE_PORT|PORT)(?:_|$)/;

/**
 * Expands each literal value as the kubelet does, in the order of the list: a reference sees the
 * entries before it (the last of a name wins) and whatever `envFrom` imports, never a later one.
 */
function withExpansions(container: ContainerRef, variables: EnvVar[]): EnvVar[] {
  const defined = new Map<string, EnvVar>();
  const lookup = lookupIn(container, defined);
  return variables.map((variable) => {
    let result = variable;
    if (variable.source === "value" && variable.value) {
      result = { ...variable, expansion: expand(variable.value, lookup) };
    }
    defined.set(variable.name, result);
    return result;
  });
}

/**
 * How the kubelet expands `command` and `args`: `$(VAR)` takes VAR's final value, whatever its
 * place in `env` (the last entry of a name wins), or one from envFrom or a Service link.
 */
export function commandExpander(container: ContainerRef): (value: string) => Expansion {
  const lookup = lookupIn(container, new Map(effectiveEnvVars(container).map((v) => [v.name, v])));
  return (value) => expand(value, lookup);
}

type Lookup = (name: string) => EnvVar | "elsewhere" | undefined;

/**
 * A `$(VAR)` lookup over `known` (read when called: it may still grow), else "elsewhere" when
 * envFrom or a Service link may define the name at run time.
 */
function lookupIn(container: ContainerRef, known: ReadonlyMap<string, EnvVar>): Lookup {
  const hasEnvFrom =
    Array.isArray(container.container.envFrom) && container.container.envFrom.length > 0;
  const serviceLinks = container.template.spec.enableServiceLinks !== false;
  return (name) => {
    const found = known.get(name);
    if (found) return found;
    if (hasEnvFrom || (serviceLinks && SERVICE_LINK.test(name))) return "elsewhere";
    return undefined;
  };
}

/** Kubernetes' `$(VAR)` expansion (third_party/forked/golang/expansion) over the variables so far. */
export function expand(value: string, lookup: Lookup): Expansion {
  const expansion: Expansion = {
    text: value.includes("$") ? "" : value,
    through: [],
    unexpanded: [],
    fromSecret: false,
    opaque: false,
  };
  // Most values hold no reference: nothing to expand.
  if (!value.includes("$")) return expansion;
  const whole = /^\$\(([^)]*)\)$/.exec(value);
  for (let at = 0; at < value.length; at++) {
    if (value[at] !== "$" || at + 1 >= value.length) {
      expansion.text += value[at];
      continue;
    }
    const next = value[at + 1];
    const close = next === "(" ? value.indexOf(")", at + 2) : -1;
    if (next === "$") {
      expansion.text += "$";
      at += 1;
    } else if (close < 0) {
      expansion.text += "$";
    } else {
      const name = value.slice(at + 2, close);
      put(expansion, name, lookup(name), whole !== null);
      at = close;
    }
  }
  return expansion;
}

function put(
  expansion: Expansion,
  name: string,
  found: EnvVar | "elsewhere" | undefined,
  whole: boolean,
) {
  if (found === undefined) {
    expansion.unexpanded.push(name);
    expansion.text += `$(${name})`;
  } else if (found === "elsewhere") {
    expansion.opaque = true;
    expansion.text += `$(${name})`;
  } else if (found.source === "value") {
    const inner = found.expansion;
    expansion.text += inner?.text ?? found.value ?? "";
    expansion.through.push(name, ...(inner?.through ?? []));
    expansion.fromSecret ||= inner?.fromSecret ?? false;
    expansion.opaque ||= inner?.opaque ?? false;
    if (whole && inner?.alias) expansion.alias = inner.alias;
  } else {
    expansion.opaque = true;
    expansion.fromSecret ||= found.source === "secret";
    expansion.text += `$(${name})`;
    if (whole) expansion.alias = found;
  }
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

/**
 * The text a container gets in variable `name` when its last entry is a literal `value`, as the
 * kubelet expands it (a setting such as a log format or a switch); undefined otherwise.
 */
export function literalSetting(
  container: ContainerRef,
  name: string,
): { variable: EnvVar; text: string } | undefined {
  const variable = effectiveEnvVars(container).find((v) => v.name === name);
  if (variable?.source !== "value") return undefined;
  return { variable, text: (variable.expansion?.text ?? variable.value ?? "").trim() };
}

/**
 * The effective entries with each whole `$(VAR)` of an earlier Secret, ConfigMap or field
 * reference read as that source: `{name: REDIS_PASSWORD, value: $(RAW)}` after RAW's
 * secretKeyRef is the Secret's value.
 */
export function resolvedEnvVars(container: ContainerRef): EnvVar[] {
  return effectiveEnvVars(container).map((variable) => {
    const alias = variable.expansion?.alias;
    if (!alias) return variable;
    const { source, ref, optional } = alias;
    return {
      name: variable.name,
      pointer: variable.pointer,
      source,
      ...(ref ? { ref } : {}),
      ...(optional !== undefined ? { optional } : {}),
    };
  });
}

/** A Kubernetes `$(VAR)` reference: the value is another variable's, not a literal. */
export function isVariableReference(value: string): boolean {
  return /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value.trim());
}

/** Secrets mounted into a container as files: secret and projected secret volumes. */
export function mountedSecretsOf(container: ContainerRef): string[] {
  const mounted = secretReadsOf(container).filter(
    (read) => read.via === "volume" || read.via === "subPath",
  );
  return [...new Set(mounted.map((read) => read.secret))];
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
): Array<{ secret: string; names?: string[]; optional?: string }> {
  return envFromSecretKeys(container, bundle, namespace).map(({ names, prefix, ...rest }) =>
    names ? { ...rest, names: names.map((key) => `${prefix}${key}`) } : rest,
  );
}

/**
 * Each `envFrom[].secretRef`: the Secret, its prefix, its keys when it is in the input, and the
 * pointer of its `optional: true` (where the Secret is missing, the container starts without).
 */
function envFromSecretKeys(
  container: ContainerRef,
  bundle: Bundle,
  namespace: string,
): Array<{ secret: string; prefix: string; names?: string[]; optional?: string }> {
  const envFrom = Array.isArray(container.container.envFrom) ? container.container.envFrom : [];
  return envFrom.flatMap((entry, index) => {
    const ref = isRecord(entry) && isRecord(entry.secretRef) ? entry.secretRef : undefined;
    if (!ref || typeof ref.name !== "string") return [];
    const prefix = isRecord(entry) && typeof entry.prefix === "string" ? entry.prefix : "";
    const optional =
      ref.optional === true
        ? { optional: joinPointer(container.pointer, "envFrom", index, "secretRef", "optional") }
        : {};
    const secret = bundle.objects.find(
      (o) => isSecret(o) && o.ref.name === ref.name && effectiveNamespace(bundle, o) === namespace,
    );
    if (!secret) return [{ secret: ref.name, prefix, ...optional }];
    const names = effectiveSecretEntries(secret).map((e) => e.key);
    return [{ secret: ref.name, prefix, names, ...optional }];
  });
}

/**
 * The Secret keys the bundle's containers read into credential-named variables, by
 * `namespace/secret`: `{name: API_TOKEN, valueFrom: {secretKeyRef: {key: value}}}` makes the
 * key `value` a token whatever its own name, and so does an envFrom prefix (`API_TOKEN_` + key).
 */
export function secretKeysReadAsCredentials(bundle: Bundle): ReadonlyMap<string, Set<string>> {
  let found = readAsCredentials.get(bundle);
  if (found) return found;
  found = new Map();
  const add = (namespace: string, secret: string, key: string) => {
    const id = `${namespace}/${secret}`;
    found!.set(id, (found!.get(id) ?? new Set()).add(key));
  };
  for (const template of podTemplates(bundle)) {
    const object = template.object;
    const namespace = effectiveNamespace(bundle, object) ?? "";
    for (const container of containersOf(template)) {
      for (const variable of resolvedEnvVars(container)) {
        if (variable.source === "secret" && variable.ref && isCredentialName(variable.name))
          add(namespace, variable.ref.name, variable.ref.key);
      }
      for (const { secret, names, prefix } of envFromSecretKeys(container, bundle, namespace)) {
        for (const key of names ?? [])
          if (isCredentialName(prefix + key)) add(namespace, secret, key);
      }
    }
  }
  readAsCredentials.set(bundle, found);
  return found;
}

const readAsCredentials = new WeakMap<Bundle, Map<string, Set<string>>>();
