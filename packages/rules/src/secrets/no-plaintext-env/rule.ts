import {
  allContainers,
  type Bundle,
  type BundleObject,
  type ContainerRef,
  defineRule,
  isRecord,
  joinPointer,
} from "@scout-deploy/core";
import {
  detectTokenFormat,
  fingerprint,
  hasUrlPassword,
  isCredentialName,
  isCredentialSetting,
  isPlaceholder,
  looksHighEntropy,
} from "@scout-deploy/secrets";
import { effectiveNamespace } from "../../support/index.js";
import {
  commandExpander,
  type EnvVar,
  type Expansion,
  envVars,
  expand,
  isVariableReference,
} from "../env.js";
import { configMapCredential } from "../no-secret-in-configmap/rule.js";

export const noPlaintextEnv = defineRule({
  id: "secrets/no-plaintext-env",
  meta: {
    severity: "error",
    description:
      "Credential environment variables come from a Secret (secretKeyRef), never a literal value: judged by name and by value (token formats, URLs with a password, random-looking values).",
    remediation:
      "Replace `value:` with `valueFrom.secretKeyRef: {name: scout-secrets, key: <key>}` and put the value in the Secret.",
    guide: "Secrets Management: Kubernetes Secrets; Manage Secrets Properly",
    messages: {
      plainValue:
        'container "{{container}}" sets the credential "{{name}}" as a plain value ({{fingerprint}})',
      tokenValue: 'container "{{container}}" sets "{{name}}" to a {{format}} ({{fingerprint}})',
      urlPassword:
        'container "{{container}}" sets "{{name}}" to a URL or connection string with a password ({{fingerprint}})',
      plainThrough:
        'container "{{container}}" sets the credential "{{name}}" as a plain value: the kubelet expands $({{through}}), a literal of the pod template, into it ({{fingerprint}})',
      unexpanded:
        'container "{{container}}" sets the credential "{{name}}" to the literal text $({{reference}}): the kubelet expands only variables defined before it, and {{reference}} is not ({{fingerprint}})',
      highEntropy:
        'container "{{container}}" sets "{{name}}" to a random-looking value ({{fingerprint}}), likely a credential',
      plainArg:
        'container "{{container}}" passes the credential "{{name}}" as a plain value in its {{field}} ({{fingerprint}})',
      tokenArg: 'container "{{container}}" passes a {{format}} in its {{field}} ({{fingerprint}})',
      fromConfigMap:
        'container "{{container}}" reads the credential "{{name}}" from ConfigMap "{{configMap}}", not a Secret',
      plainHeader:
        'container "{{container}}" sends the credential header "{{name}}" as a plain value in its {{field}} ({{fingerprint}}): the kubelet reads headers only as written, so the value sits in the pod template',
    },
  },
  check(context) {
    const configMaps = configMapsOf(context.bundle);
    for (const container of allContainers(context.bundle)) {
      const reported = new Set<string>();
      const namespace = effectiveNamespace(context.bundle, container.template.object);
      const reportedInConfigMap = (ref: EnvVar["ref"]) =>
        ref !== undefined && configMapHoldsCredential(configMaps, namespace, ref);
      for (const variable of envVars(container)) {
        const finding = envFinding(variable, reported, reportedInConfigMap);
        if (!finding) continue;
        reported.add(variable.name);
        context.report({
          ...finding,
          data: { container: container.name, name: variable.name, ...finding.data },
          object: container.template.object,
        });
      }
      for (const header of headerCredentials(container)) {
        context.report({
          messageId: "plainHeader",
          data: {
            container: container.name,
            name: header.name,
            field: header.field,
            fingerprint: fingerprint(header.value),
          },
          object: container.template.object,
          pointer: joinPointer(container.pointer, ...header.path),
        });
      }
      for (const arg of argCredentials(container, reported)) {
        context.report({
          messageId: arg.format ? "tokenArg" : "plainArg",
          data: {
            container: container.name,
            name: arg.name,
            field: arg.field,
            format: arg.format ?? "",
            fingerprint: fingerprint(arg.value),
          },
          object: container.template.object,
          pointer: joinPointer(container.pointer, ...arg.path, arg.index),
        });
      }
    }
  },
});

type EnvMessage =
  | "plainValue"
  | "plainThrough"
  | "unexpanded"
  | "tokenValue"
  | "urlPassword"
  | "highEntropy"
  | "fromConfigMap";

interface EnvFinding {
  messageId: EnvMessage;
  data: Record<string, string>;
  pointer: string;
}

/**
 * What one `env` entry gives away. A literal is judged as the kubelet expands it: `$(SEED)` of an
 * earlier literal is that literal (unless SEED's own finding already names it), a reference to a
 * variable defined later or nowhere stays the text `$(VAR)`, a reference to a Secret is fine.
 */
function envFinding(
  variable: EnvVar,
  reported: ReadonlySet<string>,
  reportedInConfigMap: (ref: EnvVar["ref"]) => boolean,
): EnvFinding | undefined {
  const valuePointer = joinPointer(variable.pointer, "value");
  if (variable.source === "configMap") {
    if (!isCredentialName(variable.name) || reportedInConfigMap(variable.ref)) return undefined;
    const configMap = variable.ref?.name ?? "";
    const pointer = joinPointer(variable.pointer, "valueFrom", "configMapKeyRef");
    return { messageId: "fromConfigMap", data: { configMap }, pointer };
  }
  const expansion = variable.expansion;
  if (variable.source !== "value" || !variable.value || !expansion) return undefined;
  if (expansion.alias) {
    const { name, source, ref } = expansion.alias;
    if (source !== "configMap" || !isCredentialName(variable.name)) return undefined;
    if (reported.has(name) || reportedInConfigMap(ref)) return undefined;
    const configMap = ref?.name ?? "";
    return { messageId: "fromConfigMap", data: { configMap }, pointer: valuePointer };
  }
  if (expansion.through.some((name) => reported.has(name))) return undefined;
  const value = expansion.text;
  // What an empty literal expands to is as empty as the literal, which gives nothing away either.
  if (value === "") return undefined;
  const format = detectTokenFormat(value);
  // `format` stays in every literal's data: a finding's identity (baselines) is built from it.
  const data = { fingerprint: fingerprint(value), format: format ?? "" };
  const [unexpanded] = expansion.unexpanded;
  if (isVariableReference(variable.value)) {
    if (unexpanded !== undefined && isCredentialName(variable.name)) {
      return {
        messageId: "unexpanded",
        data: { ...data, reference: unexpanded },
        pointer: valuePointer,
      };
    }
    if (expansion.through.length === 0) return undefined;
  }
  if (format) return { messageId: "tokenValue", data, pointer: valuePointer };
  // A credential name over a value built around a Secret's ("Bearer $(RAW)") names the Secret's.
  if (!expansion.fromSecret && isCredentialSetting(variable.name, value)) {
    const [through] = expansion.through;
    return through === undefined
      ? { messageId: "plainValue", data, pointer: valuePointer }
      : { messageId: "plainThrough", data: { ...data, through }, pointer: valuePointer };
  }
  if (hasUrlPassword(value)) return { messageId: "urlPassword", data, pointer: valuePointer };
  if (looksHighEntropy(value.trim()) && !isPlaceholder(value)) {
    return { messageId: "highEntropy", data, pointer: valuePointer };
  }
  return undefined;
}

/** The ConfigMaps of the input by namespace and name. */
function configMapsOf(bundle: Bundle): Map<string, BundleObject> {
  const byName = new Map<string, BundleObject>();
  for (const object of bundle.objects) {
    if (object.value.kind !== "ConfigMap" || !object.ref.name) continue;
    byName.set(`${effectiveNamespace(bundle, object) ?? ""}/${object.ref.name}`, object);
  }
  return byName;
}

/**
 * A credential read from a ConfigMap of the input whose key secrets/no-secret-in-configmap
 * reports already: moving that value to a Secret fixes both places, one cause, one finding.
 */
function configMapHoldsCredential(
  configMaps: ReadonlyMap<string, BundleObject>,
  namespace: string | undefined,
  ref: { name: string; key: string },
): boolean {
  const object = configMaps.get(`${namespace ?? ""}/${ref.name}`);
  const data = isRecord(object?.value.data) ? object.value.data : {};
  const text = data[ref.key];
  return typeof text === "string" && configMapCredential(ref.key, text) !== undefined;
}

interface ArgCredential {
  field: string;
  path: string[];
  index: number;
  /** The flag's name, or the format's. */
  name: string;
  value: string;
  format?: string;
}

/** A switch or a file the flag names (`--key /etc/tls/tls.key`), not the credential itself. */
const NOT_A_VALUE = /^(?:true|false|\/.*)$/i;

/** Redis' own flag: secrets/redis-auth judges where its password comes from. */
const JUDGED_ELSEWHERE = new Set(["requirepass"]);

/** An argv the container's pod template holds, and how the kubelet expands `$(VAR)` in it. */
interface CommandList {
  /** What the message calls it: "args", "livenessProbe exec command"… */
  field: string;
  path: string[];
  list: unknown[];
  expandArg: (value: string) => Expansion;
}

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const HOOKS = ["postStart", "preStop"] as const;

/**
 * command and args (expanded from the final environment), probes' exec commands (expanded from
 * the env entries with a literal value only, ExpandContainerCommandOnlyStatic) and lifecycle
 * hooks' exec commands (not expanded).
 */
function commandLists(container: ContainerRef): CommandList[] {
  const own = container.container;
  // The container's final environment is built only when some list has an argument to expand.
  let expander: ((value: string) => Expansion) | undefined;
  const expandArg = (value: string) => {
    expander ??= commandExpander(container);
    return expander(value);
  };
  const lists: CommandList[] = (["command", "args"] as const).map((field) => ({
    field,
    path: [field],
    list: Array.isArray(own[field]) ? (own[field] as unknown[]) : [],
    expandArg,
  }));
  const execOf = (handler: unknown) => {
    const exec = isRecord(handler) && isRecord(handler.exec) ? handler.exec : undefined;
    return exec && Array.isArray(exec.command) ? exec.command : undefined;
  };
  const statics = new Map(
    envVars(container).flatMap((v) => (v.source === "value" && v.value ? [[v.name, v]] : [])),
  );
  const staticExpand = (value: string) =>
    expand(value, (name) => {
      const found = statics.get(name);
      return found ? { ...found, expansion: undefined } : undefined;
    });
  for (const probe of PROBES) {
    const list = execOf(own[probe]);
    if (list) {
      const path = [probe, "exec", "command"];
      lists.push({ field: `${probe} exec command`, path, list, expandArg: staticExpand });
    }
  }
  const lifecycle = isRecord(own.lifecycle) ? own.lifecycle : {};
  for (const hook of HOOKS) {
    const list = execOf(lifecycle[hook]);
    if (list) {
      const path = ["lifecycle", hook, "exec", "command"];
      const unexpanded = (value: string) => expand(value, () => undefined);
      lists.push({ field: `${hook} exec command`, path, list, expandArg: unexpanded });
    }
  }
  return lists;
}

/**
 * Headers whose value is a credential by HTTP's own definition, whatever isCredentialName says.
 * A Cookie is judged by its value only: probes send fixed markers (`shop_session-id=x-probe`).
 */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization"]);

/**
 * Credentials in the HTTP headers of probes and lifecycle hooks (`httpGet.httpHeaders`): a
 * credential header (`Authorization`, `X-Api-Key`) with a literal value, or a value in a token
 * format or random-looking. The kubelet sends them as written: no `$(VAR)` expansion, no Secret
 * reference, so the only remedy is an endpoint that needs none (the backend's `/docs`).
 */
function headerCredentials(container: ContainerRef) {
  const own = container.container;
  const lifecycle = isRecord(own.lifecycle) ? own.lifecycle : {};
  const handlers = [
    ...PROBES.map((probe) => ({ field: probe, path: [probe], handler: own[probe] })),
    ...HOOKS.map((hook) => ({
      field: `${hook} hook`,
      path: ["lifecycle", hook],
      handler: lifecycle[hook],
    })),
  ];
  return handlers.flatMap(({ field, path, handler }) => {
    const httpGet = isRecord(handler) && isRecord(handler.httpGet) ? handler.httpGet : undefined;
    const headers = Array.isArray(httpGet?.httpHeaders) ? httpGet.httpHeaders : [];
    return headers.flatMap((header: unknown, index: number) => {
      if (!isRecord(header) || typeof header.name !== "string") return [];
      const value = typeof header.value === "string" ? header.value.trim() : "";
      if (value === "") return [];
      const named =
        CREDENTIAL_HEADERS.has(header.name.toLowerCase()) ||
        isCredentialSetting(header.name, value);
      if (!named && !detectTokenFormat(value) && !looksHighEntropy(value)) return [];
      const at = [...path, "httpGet", "httpHeaders", String(index), "value"];
      return [{ field, name: header.name, value, path: at }];
    });
  });
}

/** `redis-cli ... -a <password>` (or `--pass`) inside a shell line; the value may be quoted. */
const REDIS_CLI_IN_SHELL =
  /\bredis-cli\b[^;&|\n]*?\s(?:-a|--pass)(?:\s+|=)("[^"]*"|'[^']*'|[^\s"';&|]+)/g;

/**
 * The literal passwords given to redis-cli, whose -a takes the password (the classic Redis probe
 * `redis-cli -a hunter2 ping`): as argv (`[redis-cli, -a, pw]`) or inside a `sh -c` line. A shell
 * or kubelet variable (`"$REDIS_PASSWORD"`, `$(REDIS_PASSWORD)`) is no literal.
 */
function redisCliPasswords(list: unknown[]): { index: number; value: string }[] {
  const found: { index: number; value: string }[] = [];
  const literal = (word: string) => {
    const bare = word.replace(/^(["'])([\s\S]*)\1$/, "$2");
    return bare !== "" && !bare.startsWith("$") ? bare : undefined;
  };
  const program = typeof list[0] === "string" ? list[0].split("/").at(-1) : undefined;
  list.forEach((arg, index) => {
    if (typeof arg !== "string") return;
    const next = list[index + 1];
    if (program === "redis-cli" && arg === "-a" && typeof next === "string") {
      const value = literal(next);
      if (value) found.push({ index: index + 1, value });
      return;
    }
    for (const match of arg.matchAll(REDIS_CLI_IN_SHELL)) {
      const value = literal(match[1]!);
      if (value) found.push({ index, value });
    }
  });
  return found;
}

/**
 * Credentials written on a command line, which sits in the pod template as plainly as an env
 * value: a credential-named flag with a literal value (`--api-token X`, `--api-token=X`), or an
 * argument in a well-known token format or a URL with a password. `$(VAR)` is the kubelet's
 * expansion of an env variable where it expands one, not a literal.
 */
function argCredentials(container: ContainerRef, reported: ReadonlySet<string>): ArgCredential[] {
  const found: ArgCredential[] = [];
  const lists = commandLists(container);
  for (const { field, path, list } of lists) {
    for (const { index, value } of redisCliPasswords(list)) {
      found.push({ field, path, index, name: "redis-cli -a", value });
    }
  }
  for (const { field, path, list, expandArg } of lists) {
    /** The literal the container gets, or undefined when it comes from a Secret or stays a reference. */
    const literal = (raw: string): string | undefined => {
      const expansion = expandArg(raw);
      if (expansion.fromSecret || expansion.through.some((name) => reported.has(name))) {
        return undefined;
      }
      if (isVariableReference(raw) && expansion.through.length === 0) return undefined;
      return expansion.text;
    };
    list.forEach((arg, index) => {
      if (typeof arg !== "string") return;
      const flag = flagSetting(list, index);
      if (flag) {
        const { name, at } = flag;
        const value = flag.value ? literal(flag.value) : undefined;
        if (
          value &&
          !JUDGED_ELSEWHERE.has(name.toLowerCase()) &&
          !NOT_A_VALUE.test(value) &&
          isCredentialSetting(name, value)
        ) {
          found.push({ field, path, index: at, name, value });
          return;
        }
      }
      const text = literal(arg);
      if (text === undefined) return;
      const format =
        detectTokenFormat(text) ?? (hasUrlPassword(text) ? "URL with a password" : undefined);
      if (format) {
        found.push({ field, path, index, name: format, value: text, format });
        return;
      }
      const inLine = shellLineCredential(text);
      if (inLine) found.push({ field, path, index, ...inLine });
    });
  }
  return found;
}

/**
 * A flag and its value at `words[index]`: `--name=value`, or `--name value` (the next word,
 * unless it is a flag itself); `at` is the index of the value's word.
 */
function flagSetting(
  words: readonly unknown[],
  index: number,
): { name: string; value: string | undefined; at: number } | undefined {
  const word = words[index];
  const flag =
    typeof word === "string" ? /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=([\s\S]*))?$/.exec(word) : null;
  if (!flag) return undefined;
  if (flag[2] !== undefined) return { name: flag[1]!, value: flag[2], at: index };
  const next = words[index + 1];
  return typeof next === "string" && !next.startsWith("-")
    ? { name: flag[1]!, value: next, at: index + 1 }
    : { name: flag[1]!, value: undefined, at: index };
}

/** `NAME=value` or `export NAME=value` inside a shell line. */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.+)$/;
/** The Authorization schemes whose next word is the credential itself. */
const AUTH_SCHEMES = new Set(["bearer", "basic", "token"]);

/**
 * A credential written inside a shell line (`sh -c "API_TOKEN=... ./serve"`, `curl -H
 * "Authorization: Bearer ..."`, `--api-token ...`): what the whole argument's checks cannot see.
 * A shell variable (`$API_TOKEN`, `"${TOKEN}"`) is no literal.
 */
function shellLineCredential(text: string): { name: string; value: string } | undefined {
  if (!/\s/.test(text.trim())) return undefined;
  const words = text
    .split(/\s+/)
    .map((word) => word.replace(/^["'(]+|["';)&|]+$/g, ""))
    .filter(Boolean);
  const isLiteral = (value: string | undefined): value is string =>
    value !== undefined && value !== "" && !value.startsWith("$") && !NOT_A_VALUE.test(value);
  for (const [i, word] of words.entries()) {
    const next = words[i + 1];
    if (AUTH_SCHEMES.has(word.toLowerCase()) && /authorization:$/i.test(words[i - 1] ?? "")) {
      if (isLiteral(next)) return { name: "Authorization", value: next };
      continue;
    }
    const assigned = ASSIGNMENT.exec(word);
    const { name, value } = assigned
      ? { name: assigned[1]!, value: assigned[2]! }
      : (flagSetting(words, i) ?? { name: undefined, value: undefined });
    if (name === undefined || JUDGED_ELSEWHERE.has(name.toLowerCase())) continue;
    if (isLiteral(value) && isCredentialSetting(name, value)) return { name, value };
  }
  return undefined;
}
