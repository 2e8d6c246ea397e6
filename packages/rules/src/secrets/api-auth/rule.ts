import {
  type Bundle,
  type BundleObject,
  type ContainerRef,
  componentOf,
  containersOf,
  defineRule,
  effectiveNamespace,
  joinPointer,
  podTemplateOf,
  type RuleReport,
  z,
} from "@scout-deploy/core";
import { isCredentialName, nameSegments } from "@scout-deploy/secrets";
import { guideSettings } from "../../settings.js";
import {
  type EnvVar,
  effectiveEnvVars,
  envFromSecretVariables,
  isReadableVariableName,
  isVariableReference,
  literalSetting,
  mountedSecretsOf,
} from "../env.js";

const options = z
  .object({
    /** The backend's API token variables. Unset: any credential-named variable that is not Redis'. */
    envNames: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

type Options = z.output<typeof options>;

/** Login passwords of other services (`SMTP_PASSWORD`, `DB_PASSWORD`) are not an API token. */
const PASSWORD_WORDS = new Set(["password", "passwords", "passwd", "pwd", "pass", "passphrase"]);
const API_WORDS = new Set(["api", "auth", "token", "bearer", "jwt"]);

function isApiTokenName(name: string, options: Options): boolean {
  if (options.envNames) return options.envNames.includes(name);
  if (!isCredentialName(name)) return false;
  const segments = nameSegments(name);
  if (segments.includes("redis")) return false;
  const namesPassword = segments.some((s) => PASSWORD_WORDS.has(s));
  return !namesPassword || segments.some((s) => API_WORDS.has(s));
}

/**
 * Scout's own switch: `SCOUT_PROTECTED_API` false serves the API without checking any token,
 * whatever token the pod is given. The app reads it as a pydantic boolean.
 */
const PROTECTION_SWITCH = "SCOUT_PROTECTED_API";
const PYDANTIC_FALSE = new Set(["0", "off", "f", "false", "n", "no"]);

export const apiAuth = defineRule({
  id: "secrets/api-auth",
  meta: {
    severity: "error",
    description: "The backend's API token comes from a Secret: token-based API protection is on.",
    remediation:
      "Give the backend its token with `valueFrom.secretKeyRef: {name: scout-secrets, key: api-token}` (scout-deploy secrets generate writes that Secret).",
    guide: "Secrets Management: Configurable authentication: Token-based API protection",
    options,
    messages: {
      noToken: "the backend ({{workload}}) gets no API token from a Secret: its API is unprotected",
      plainToken:
        'the backend container "{{container}}" sets its API token "{{name}}" as a plain value, not from a Secret',
      emptyToken:
        'the backend container "{{container}}" sets its API token "{{name}}" to an empty value, which replaces any token a Secret gives it: its API is unprotected; take it from a Secret',
      optionalToken:
        'the backend container "{{container}}" reads its API token "{{name}}" with optional: true: when the Secret or key is missing the API starts unprotected',
      configMapToken:
        'the backend container "{{container}}" reads its API token "{{name}}" from a ConfigMap, not a Secret',
      protectionOff:
        'the backend container "{{container}}" sets {{name}}={{value}}: Scout serves its API without checking a token',
    },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      if (componentOf(object, guideSettings(context.settings)) !== "backend") continue;
      checkBackend(object, context.bundle, context.options, (r) => context.report(r));
    }
  },
});

function checkBackend(
  object: BundleObject,
  bundle: Bundle,
  options: Options,
  report: (
    r: RuleReport<
      "noToken" | "plainToken" | "emptyToken" | "configMapToken" | "optionalToken" | "protectionOff"
    >,
  ) => void,
) {
  const template = podTemplateOf(object);
  if (!template) return;
  const namespace = effectiveNamespace(bundle, object) ?? "";
  const containers = containersOf(template).filter((c) => c.list === "containers");
  let fromSecret = false;
  let other = false;
  for (const container of containers) {
    const whole = tokenFromWholeSecret(container, bundle, namespace, options);
    if (whole) fromSecret = true;
    if (whole && typeof whole === "object") {
      report({
        messageId: "optionalToken",
        data: { container: container.name, name: whole.name },
        object,
        pointer: whole.optional,
      });
    }
    for (const variable of effectiveEnvVars(container).filter((v) =>
      isApiTokenName(v.name, options),
    )) {
      const source = tokenSource(variable);
      const data = { container: container.name, name: variable.name };
      if (source === "secret") {
        fromSecret = true;
        const secretRef = variable.expansion?.alias ?? variable;
        if (secretRef.optional) {
          report({
            messageId: "optionalToken",
            data,
            object,
            pointer: joinPointer(secretRef.pointer, "valueFrom", "secretKeyRef", "optional"),
          });
        }
      } else if (source === "empty") {
        other = true;
        const pointer = joinPointer(variable.pointer, "value");
        report({ messageId: "emptyToken", data, object, pointer });
      } else if (source === "value") {
        other = true;
        report({
          messageId: "plainToken",
          data,
          object,
          pointer: joinPointer(variable.pointer, "value"),
        });
      } else if (source === "configMap") {
        other = true;
        report({
          messageId: "configMapToken",
          data,
          object,
          pointer: joinPointer(
            variable.pointer,
            variable.source === "value" ? "value" : "valueFrom",
          ),
        });
      }
    }
  }
  // Without a token the API is open already: one finding (noToken) says it.
  if (fromSecret || other) {
    for (const container of containers) {
      const off = protectionSwitchedOff(container);
      if (!off) continue;
      const data = { container: container.name, name: off.name, value: off.value ?? "" };
      report({
        messageId: "protectionOff",
        data,
        object,
        pointer: joinPointer(off.pointer, "value"),
      });
    }
  } else {
    const anchor = containers[0]?.pointer ?? template.specPointer;
    report({
      messageId: "noToken",
      data: { workload: `${object.value.kind} ${object.ref.name ?? ""}` },
      object,
      pointer: anchor,
    });
  }
}

/** The container's last `SCOUT_PROTECTED_API` entry, when it is a literal false. */
function protectionSwitchedOff(container: ContainerRef): EnvVar | undefined {
  const switched = literalSetting(container, PROTECTION_SWITCH);
  return switched && PYDANTIC_FALSE.has(switched.text.toLowerCase())
    ? switched.variable
    : undefined;
}

/**
 * Where the token the app reads comes from, after the kubelet's `$(VAR)` expansion: `$(RAW)` of
 * an earlier secretKeyRef is that Secret, of an earlier literal (or of a variable defined later or
 * nowhere, which stays the text `$(RAW)`) a plain value; a reference to envFrom or a service link
 * is unknown. An empty literal (or no value at all) sets the variable to "".
 */
function tokenSource(variable: EnvVar): EnvVar["source"] | "empty" | undefined {
  const expansion = variable.expansion;
  if (variable.source !== "value") return variable.source;
  if (!variable.value) return "empty";
  if (!expansion) return undefined;
  if (expansion.alias) return expansion.alias.source;
  if (expansion.fromSecret) return "secret";
  if (isVariableReference(variable.value) && expansion.opaque) return undefined;
  return "value";
}

/**
 * True when a Secret the container reads whole hands it the API token. `envFrom` makes one
 * variable per key, named prefix + key: a Secret of the input whose keys make no API token
 * variable (`api-token` stays `api-token`, never `API_TOKEN`) gives the app none. A Secret
 * outside the input, or mounted as files, is trusted to hold it unless `envNames` is set.
 */
function tokenFromWholeSecret(
  container: ContainerRef,
  bundle: Bundle,
  namespace: string,
  options: Options,
): boolean | { name: string; optional: string } {
  const imported = envFromSecretVariables(container, bundle, namespace);
  // An env entry of the same name replaces what envFrom gave (the kubelet applies env last).
  const overridden = new Set(effectiveEnvVars(container).map((v) => v.name));
  const given = (names: string[] | undefined) =>
    names === undefined
      ? !options.envNames
      : names.some(
          (name) =>
            isReadableVariableName(name) && isApiTokenName(name, options) && !overridden.has(name),
        );
  const giving = imported.filter(({ names }) => given(names));
  // Optional: where the Secret is missing, the container starts without the token.
  if (giving.length > 0 && giving.every((entry) => entry.optional !== undefined)) {
    const { names, secret, optional } = giving[0]!;
    const name = names?.find((n) => isApiTokenName(n, options)) ?? `envFrom ${secret}`;
    return { name, optional: optional! };
  }
  // Mounted as files: which file the app reads is its own configuration.
  return giving.length > 0 || (!options.envNames && mountedSecretsOf(container).length > 0);
}
