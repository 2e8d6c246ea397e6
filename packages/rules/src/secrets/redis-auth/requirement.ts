import {
  type Bundle,
  type BundleObject,
  type ContainerRef,
  effectiveNamespace,
  isRecord,
  joinPointer,
} from "@scout-deploy/core";
import { secretEntries } from "@scout-deploy/secrets";
import { envVars, resolvedEnvVars } from "../env.js";

/** Where the password Redis requires comes from. */
export interface PasswordSource {
  secret: string;
  key?: string;
  /**
   * Read with `optional: true`: where the Secret or key is missing the variable is unset, and the
   * kubelet leaves `$(VAR)` as written: the pointer of that `optional`.
   */
  optional?: string;
  /** The Redis workload that reads it. */
  redis?: BundleObject;
}

/** How a Redis container is (or is not) told to require a password. */
export type Requirement =
  /** `variable`: the `$(VAR)` given to --requirepass, when that is how. */
  | { kind: "secret"; source: PasswordSource; variable?: string }
  | { kind: "literal"; where: string; pointer: string }
  | { kind: "notFromSecret"; variable: string; pointer: string }
  | { kind: "none" };

/**
 * Images whose documented entrypoint makes redis-server require the password of a variable
 * (Bitnami's redis and valkey: `REDIS_PASSWORD`/`VALKEY_PASSWORD`, or the `_FILE` variant), as
 * long as the entrypoint is not replaced with `command`.
 */
const PASSWORD_READING_IMAGES: ReadonlyArray<{ image: RegExp; variables: readonly string[] }> = [
  { image: /(?:^|\/)bitnami(?:legacy)?\/redis(?::|@|$)/, variables: ["REDIS_PASSWORD"] },
  { image: /(?:^|\/)bitnami(?:legacy)?\/valkey(?::|@|$)/, variables: ["VALKEY_PASSWORD"] },
];

/** `$(VAR)` (expanded by Kubernetes), `$VAR` or `${VAR}` (by a shell). */
const VARIABLE = /^["']?\$(?:\(([A-Za-z_]\w*)\)|\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))["']?$/;

function words(container: ContainerRef): Array<{ word: string; pointer: string }> {
  return (["command", "args"] as const).flatMap((field) => {
    const list = container.container[field];
    return Array.isArray(list)
      ? list.map((w, i) => ({ word: String(w), pointer: joinPointer(container.pointer, field, i) }))
      : [];
  });
}

/**
 * The argument given to `--requirepass` (a separate word, or inside a shell command line). Given
 * twice, the last one counts: redis-server applies its options in order, a later one replacing
 * an earlier one.
 */
function requirepassArgument(container: ContainerRef) {
  const list = words(container);
  let found: { value: string; pointer: string } | undefined;
  for (const [index, { word, pointer }] of list.entries()) {
    if (/^--requirepass$/.test(word.trim())) {
      const next = list[index + 1];
      found = next ? { value: next.word, pointer: next.pointer } : undefined;
      continue;
    }
    const inline = [...word.matchAll(/--requirepass[\s=]+("[^"]*"|'[^']*'|\S+)/g)].at(-1);
    if (inline) found = { value: inline[1]!, pointer };
  }
  return found;
}

/** Where a variable of the container takes its value: a Secret, or something else. */
function variableSource(
  container: ContainerRef,
  name: string,
): PasswordSource | "other" | undefined {
  const variable = resolvedEnvVars(container).find((v) => v.name === name);
  if (variable?.source === "secret" && variable.ref) {
    const optional = variable.optional
      ? { optional: optionalPointer(container, variable.ref) }
      : {};
    return { secret: variable.ref.name, key: variable.ref.key, ...optional };
  }
  if (variable) return "other";
  const envFrom = Array.isArray(container.container.envFrom) ? container.container.envFrom : [];
  for (const entry of envFrom) {
    const ref = isRecord(entry) && isRecord(entry.secretRef) ? entry.secretRef : undefined;
    if (ref && typeof ref.name === "string") {
      const index = envFrom.indexOf(entry);
      const optional =
        ref.optional === true
          ? { optional: joinPointer(container.pointer, "envFrom", index, "secretRef", "optional") }
          : {};
      return { secret: ref.name, ...optional };
    }
  }
  return undefined;
}

/** The `optional` of the secretKeyRef entry that reads `ref` (through an alias, its own entry). */
function optionalPointer(container: ContainerRef, ref: { name: string; key: string }): string {
  const entry = envVars(container).find(
    (v) => v.source === "secret" && v.ref?.name === ref.name && v.ref.key === ref.key && v.optional,
  );
  return entry
    ? joinPointer(entry.pointer, "valueFrom", "secretKeyRef", "optional")
    : container.pointer;
}

/** Secret volumes mounted into the container: mount path and Secret name. */
function secretMounts(container: ContainerRef): Array<{ path: string; secret: string }> {
  const volumes = Array.isArray(container.template.spec.volumes)
    ? container.template.spec.volumes
    : [];
  const secretOf = (volumeName: unknown): string | undefined => {
    const volume = volumes.find((v) => isRecord(v) && v.name === volumeName);
    if (!isRecord(volume)) return undefined;
    if (isRecord(volume.secret) && typeof volume.secret.secretName === "string") {
      return volume.secret.secretName;
    }
    const sources =
      isRecord(volume.projected) && Array.isArray(volume.projected.sources)
        ? volume.projected.sources
        : [];
    const source = sources.find((s) => isRecord(s) && isRecord(s.secret));
    return isRecord(source) && isRecord(source.secret) && typeof source.secret.name === "string"
      ? source.secret.name
      : undefined;
  };
  const mounts = Array.isArray(container.container.volumeMounts)
    ? container.container.volumeMounts
    : [];
  return mounts.flatMap((m) => {
    const secret = isRecord(m) ? secretOf(m.name) : undefined;
    return secret && isRecord(m) && typeof m.mountPath === "string"
      ? [{ path: m.mountPath, secret }]
      : [];
  });
}

/** A redis.conf or ACL file that makes Redis require a password. */
const AUTH_DIRECTIVE = /^\s*(?:requirepass\s+\S|aclfile\s+\S|user\s+\S+.*\son\b.*(?:\s[>#]\S))/m;

/** The Secret's files make Redis require a password; true when the input does not hold the Secret. */
function secretConfiguresAuth(
  bundle: Bundle,
  name: string,
  namespace: string | undefined,
): boolean {
  const secret = bundle.objects.find(
    (o) =>
      o.value.kind === "Secret" &&
      o.ref.name === name &&
      effectiveNamespace(bundle, o) === namespace,
  );
  if (!secret) return true;
  return secretEntries(secret).some(
    (entry) => entry.text !== undefined && AUTH_DIRECTIVE.test(entry.text),
  );
}

/** redis-server is started with a config file from a Secret that requires a password. */
function configFromSecret(container: ContainerRef, bundle: Bundle): PasswordSource | undefined {
  const mounts = secretMounts(container);
  const namespace = effectiveNamespace(bundle, container.template.object);
  for (const { word } of words(container)) {
    for (const path of word.split(/\s+/).filter((w) => w.startsWith("/"))) {
      const mount = mounts.find((m) => path.startsWith(`${m.path.replace(/\/$/, "")}/`));
      if (mount && secretConfiguresAuth(bundle, mount.secret, namespace)) {
        return { secret: mount.secret };
      }
    }
  }
  return undefined;
}

/** The image's entrypoint reads a password variable from a Secret (and is not replaced). */
function imageReadsPassword(container: ContainerRef): PasswordSource | undefined {
  if (Array.isArray(container.container.command) && container.container.command.length > 0) {
    return undefined;
  }
  const image = String(container.container.image ?? "");
  const known = PASSWORD_READING_IMAGES.find((i) => i.image.test(image));
  if (!known) return undefined;
  for (const variable of known.variables) {
    const source = variableSource(container, variable);
    if (source && source !== "other") return source;
    const file = resolvedEnvVars(container).find((v) => v.name === `${variable}_FILE`);
    const mount = file?.value
      ? secretMounts(container).find((m) => file.value!.startsWith(`${m.path.replace(/\/$/, "")}/`))
      : undefined;
    if (mount) return { secret: mount.secret };
  }
  return undefined;
}

/** How the container makes redis-server require a password. */
export function requirementOf(container: ContainerRef, bundle: Bundle): Requirement {
  const argument = requirepassArgument(container);
  if (argument) {
    const variable = VARIABLE.exec(argument.value.trim());
    const name = variable ? (variable[1] ?? variable[2] ?? variable[3])! : undefined;
    if (!name) {
      return argument.value.trim() === "" || /^["']{2}$/.test(argument.value.trim())
        ? { kind: "none" }
        : {
            kind: "literal",
            where: argument.pointer.includes("/args/") ? "args" : "command",
            pointer: argument.pointer,
          };
    }
    const source = variableSource(container, name);
    if (source && source !== "other") return { kind: "secret", source, variable: name };
    return { kind: "notFromSecret", variable: name, pointer: argument.pointer };
  }
  const fromConfig = configFromSecret(container, bundle);
  if (fromConfig) return { kind: "secret", source: fromConfig };
  const fromImage = imageReadsPassword(container);
  if (fromImage) return { kind: "secret", source: fromImage };
  return { kind: "none" };
}
