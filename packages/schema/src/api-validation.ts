import {
  annotationKeyProblem,
  apiGroupOf,
  type Bundle,
  type BundleObject,
  CONTAINER_LISTS,
  cidrProblem,
  compileSelector,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  escapeSegment,
  ipProblem,
  isEmptySelector,
  isRecord,
  joinPointer,
  labelProblem,
  labelSelectorProblems,
  PROBE_FIELDS,
  podTemplateOf,
  portNameProblem,
  probeHandlersOf,
  quantityValue,
  splitPointer,
  strictIpValidation,
  stringLabels,
} from "@scout-deploy/core";
import {
  autoscalerProblems,
  disruptionBudgetProblems,
  dns1035LabelProblem,
  ingressProblems,
  workloadSpecProblems,
} from "./api-validation-kinds.js";
import { schemaSetFor } from "./bundled.js";
import {
  bundledKubernetesVersions,
  defaultKubernetesVersion,
  parseKubernetesVersion,
  schemaData,
} from "./data.js";
import { dottedPath } from "./paths.js";
import type { SchemaProblem, ValidateOptions } from "./port.js";
import type { SchemaSet } from "./validate.js";

/**
 * What the API server's validation (pkg/apis/*\/validation) refuses although the OpenAPI schema
 * lets it through: names, labels, ports, quantities, replicas, selectors. The object is never
 * created, and `kubectl apply` of a folder applies the rest without it. NetworkPolicy specs are
 * judged by @scout-deploy/netpol's policyRefusals (the network rules report them), not here.
 * Messages name the rule broken, never the value: the line and column point at it.
 */
export function apiServerProblems(bundle: Bundle, options: ValidateOptions = {}): SchemaProblem[] {
  const target = targetOf(options.kubernetesVersion);
  return bundle.objects.flatMap((object) =>
    objectProblems(object, target).map(
      ([pointer, reason, podsOnly, ownCause]): SchemaProblem => ({
        ruleId: "input/schema",
        code: "invalid",
        severity: "error",
        object,
        pointer,
        ...(ownCause ? { ownCause } : {}),
        message: `${dottedPath(pointer)}: ${reason} (${podsOnly ? "the API server accepts the StatefulSet but refuses every pod it makes" : "the API server refuses the object"})`,
      }),
    ),
  );
}

/**
 * A reason, whether only the pods are refused (a StatefulSet's pod spec is checked when its pods
 * are made), and whether the refusal has a cause of its own that no rule of the pack reports.
 */
type Problem = [pointer: string, reason: string, podsOnly?: boolean, ownCause?: boolean];
type Json = Record<string, unknown>;

/** What the judged version decides: its minor, and its bundled schemas (the newest for others). */
interface Target {
  minor: number;
  schemas: SchemaSet;
}

function targetOf(kubernetesVersion: string | undefined): Target {
  const version = kubernetesVersion || defaultKubernetesVersion();
  const { major, minor } = parseKubernetesVersion(version);
  const bundled = bundledKubernetesVersions().find((v) => v.startsWith(`${major}.${minor}.`));
  return { minor, schemas: schemaSetFor(bundled ?? defaultKubernetesVersion()) };
}

function objectProblems(object: BundleObject, target: Target): Problem[] {
  const value = object.value as Json;
  if (isNetworkPolicy(value)) return [];
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const spec = isRecord(value.spec) ? value.spec : {};
  const template = podTemplateOf(object);
  return [
    ...nameProblems(String(value.kind), metadata),
    ...customResourceNameProblems(value, metadata),
    ...metadataProblems(metadata, "/metadata"),
    ...(template
      ? [
          ...metadataProblems(template.metadata, template.metadataPointer),
          ...(value.kind === "StatefulSet"
            ? podSpecProblems(template.spec, template.specPointer, target, claimNames(spec)).map(
                ([pointer, reason, , ownCause]): Problem => [pointer, reason, true, ownCause],
              )
            : podSpecProblems(template.spec, template.specPointer, target)),
        ]
      : []),
    ...(template
      ? restartPolicyProblems(String(value.kind), template.spec, template.specPointer)
      : []),
    ...nonNegativeProblems(String(value.kind), spec),
    ...(template
      ? ephemeralContainerProblems(String(value.kind), template.spec, template.specPointer)
      : []),
    ...(WORKLOADS_WITH_SELECTOR.has(String(value.kind)) ? workloadProblems(spec) : []),
    ...(value.kind === "Service" && value.apiVersion === "v1"
      ? [...serviceProblems(spec), ...serviceTypeProblems(spec, strictIpValidation(target.minor))]
      : []),
    ...kindSpecProblems(value, spec),
    ...policyRuleProblems(value),
    ...roleRefProblems(value),
    ...(value.apiVersion === "v1" && (value.kind === "Secret" || value.kind === "ConfigMap")
      ? dataProblems(value)
      : []),
    ...integerProblems(value, target.schemas),
  ];
}

/**
 * The fields Kubernetes declares int64 (k8s.io/api 0.37); every other integer is int32. A few
 * names are int64 in one group only: see `isInt64`.
 */
const INT64_FIELDS = new Set([
  "activeDeadlineSeconds",
  "defaultUser",
  "deletionGracePeriodSeconds",
  "expirationSeconds",
  "fsGroup",
  "generation",
  "gid",
  "int",
  "ints",
  "maxItems",
  "maxLength",
  "maxProperties",
  "minItems",
  "minLength",
  "minProperties",
  "nodeAllocatableUpdatePeriodSeconds",
  "observedGeneration",
  "revision",
  "runAsGroup",
  "runAsUser",
  "seconds",
  "sizeBytes",
  "startingDeadlineSeconds",
  "supplementalGroups",
  "templateGeneration",
  "terminationGracePeriodSeconds",
  "tolerationSeconds",
  "uid",
  "user",
]);

/** int64 in resource.k8s.io (but v1alpha3's resourceSliceCount), int32 elsewhere (an Event's count). */
const RESOURCE_INT64_FIELDS = new Set(["count", "resourceSliceCount"]);

function isInt64(field: string, value: Json): boolean {
  // A CertificateSigningRequest's expirationSeconds is the one int32 of that name.
  if (INT64_FIELDS.has(field)) return value.kind !== "CertificateSigningRequest";
  const apiVersion = String(value.apiVersion);
  return (
    RESOURCE_INT64_FIELDS.has(field) &&
    apiVersion.startsWith("resource.k8s.io/") &&
    apiVersion !== "resource.k8s.io/v1alpha3"
  );
}

const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2 ** 63 - 1;

/**
 * The API server decodes integer fields into Go int32 or int64: a number out of range is a
 * decoding error (the object is refused before validation). 80.0 and 1e3 are integers by then:
 * kubectl turns YAML into JSON through float64, which prints them as 80 and 1000.
 */
function integerProblems(value: Json, schemas: SchemaSet): Problem[] {
  // Almost no object holds a number beyond int32: only then is the schema walked for its types.
  if (!holdsNumberBeyondInt32(value)) return [];
  const schema = schemas.kindSchema(String(value.apiVersion), String(value.kind));
  if (!schema) return [];
  return schemas.integerFields(value, schema).flatMap(({ pointer, value: number }): Problem[] => {
    const field = splitPointer(pointer).findLast((segment) => !/^\d+$/.test(segment)) ?? "";
    const wide = isInt64(field, value);
    const max = wide ? INT64_MAX : INT32_MAX;
    if (!Number.isInteger(number) || (number >= -max - 1 && number <= max)) return [];
    return [
      [
        pointer,
        `${field} is a ${wide ? 64 : 32}-bit integer (${wide ? "-2^63 to 2^63-1" : "-2147483648 to 2147483647"}): the API server cannot decode it`,
      ],
    ];
  });
}

function holdsNumberBeyondInt32(node: unknown): boolean {
  if (typeof node === "number") return node > INT32_MAX || node < -INT32_MAX - 1;
  if (Array.isArray(node)) return node.some(holdsNumberBeyondInt32);
  return isRecord(node) && Object.values(node).some(holdsNumberBeyondInt32);
}

/**
 * Ephemeral containers exist only on running pods, added through the ephemeralcontainers
 * subresource (kubectl debug): ValidatePodCreate refuses them on a new Pod ("cannot be set on
 * create") and ValidatePodTemplateSpec in any template.
 */
function ephemeralContainerProblems(kind: string, podSpec: Json, at: string): Problem[] {
  const list = podSpec.ephemeralContainers;
  if (!Array.isArray(list) || list.length === 0) return [];
  const reason =
    kind === "Pod"
      ? "ephemeral containers cannot be set on create: they are added to a running pod through its ephemeralcontainers subresource (kubectl debug)"
      : "ephemeral containers are not allowed in a pod template";
  return [[joinPointer(at, "ephemeralContainers"), reason]];
}

const ALWAYS_RESTARTING = new Set(["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"]);
const RUN_TO_COMPLETION = new Set(["Job", "CronJob"]);

/**
 * A Deployment's (ReplicaSet's, DaemonSet's, StatefulSet's) pods restart Always; a Job's must
 * say OnFailure or Never, and the pod default, Always, is refused (ValidateJobSpec).
 */
function restartPolicyProblems(kind: string, podSpec: Json, at: string): Problem[] {
  const policy = podSpec.restartPolicy;
  if (ALWAYS_RESTARTING.has(kind) && policy !== undefined && policy !== "Always")
    return [
      [joinPointer(at, "restartPolicy"), `a ${kind}'s pods accept only restartPolicy Always`],
    ];
  if (RUN_TO_COMPLETION.has(kind) && policy !== "OnFailure" && policy !== "Never") {
    const pointer = policy === undefined ? at : joinPointer(at, "restartPolicy");
    return [
      [
        pointer,
        `a ${kind}'s pods need restartPolicy OnFailure or Never (the default, Always, is refused)`,
      ],
    ];
  }
  return [];
}

/** The checks of a kind's own validation, by group and kind (the API versions we bundle). */
function kindSpecProblems(value: Json, spec: Json): Problem[] {
  const kind = `${String(value.apiVersion).split("/")[0]}/${String(value.kind)}`;
  switch (kind) {
    case "networking.k8s.io/Ingress":
      return ingressProblems(spec);
    case "autoscaling/HorizontalPodAutoscaler":
      return autoscalerProblems(spec);
    case "policy/PodDisruptionBudget":
      return [
        ...disruptionBudgetProblems(spec),
        ...labelSelectorProblems(spec.selector, "/spec/selector"),
      ];
    default:
      return workloadSpecProblems(kind, spec);
  }
}

/**
 * ValidatePolicyRule (pkg/apis/rbac/validation) over a Role's or ClusterRole's rules: the OpenAPI
 * schema lets an empty or missing apiGroups through, yet the API server refuses the whole role
 * for it, so the grant the manifest shows never exists. No rule of the pack reports these.
 */
function policyRuleProblems(value: Json): Problem[] {
  if (String(value.apiVersion).split("/")[0] !== RBAC_GROUP) return [];
  if (value.kind !== "Role" && value.kind !== "ClusterRole") return [];
  const namespaced = value.kind === "Role";
  const rules = Array.isArray(value.rules) ? value.rules : [];
  return rules.flatMap((rule, index): Problem[] => {
    if (!isRecord(rule)) return [];
    const at = `/rules/${index}`;
    const count = (key: string) => (Array.isArray(rule[key]) ? rule[key].length : 0);
    const problem = (field: string, reason: string): Problem => [
      `${at}/${field}`,
      reason,
      false,
      true,
    ];
    // A missing verbs is the schema's "missing required field"; an empty list passes it.
    const problems =
      Array.isArray(rule.verbs) && rule.verbs.length === 0
        ? [problem("verbs", "verbs must contain at least one value")]
        : [];
    if (count("nonResourceURLs") > 0) {
      if (namespaced)
        problems.push(
          problem("nonResourceURLs", "a Role's rules cannot apply to non-resource URLs"),
        );
      if (count("apiGroups") + count("resources") + count("resourceNames") > 0)
        problems.push(
          problem("nonResourceURLs", "a rule cannot apply to both resources and non-resource URLs"),
        );
      return problems;
    }
    if (count("apiGroups") === 0)
      problems.push(
        problem(
          "apiGroups",
          'a resource rule must name at least one API group ("" is the core group)',
        ),
      );
    if (count("resources") === 0)
      problems.push(problem("resources", "a resource rule must name at least one resource"));
    return problems;
  });
}

const RBAC_GROUP = "rbac.authorization.k8s.io";

/**
 * ValidateRoleBinding and ValidateClusterRoleBinding over `roleRef` (an omitted apiGroup is
 * defaulted to RBAC's): the schema has no enum for its kind, and a ClusterRoleBinding cannot
 * name a Role. The binding is never created, so it grants nothing; no rule reports this.
 */
function roleRefProblems(value: Json): Problem[] {
  if (String(value.apiVersion).split("/")[0] !== RBAC_GROUP) return [];
  const kinds =
    value.kind === "RoleBinding"
      ? ["Role", "ClusterRole"]
      : value.kind === "ClusterRoleBinding"
        ? ["ClusterRole"]
        : undefined;
  if (!kinds || !isRecord(value.roleRef)) return [];
  const { apiGroup, kind, name } = value.roleRef;
  const problem = (field: string, reason: string): Problem => [
    `/roleRef/${field}`,
    reason,
    false,
    true,
  ];
  const problems: Problem[] = [];
  if (typeof apiGroup === "string" && apiGroup !== "" && apiGroup !== RBAC_GROUP)
    problems.push(problem("apiGroup", `the role's API group is ${RBAC_GROUP}`));
  if (typeof kind === "string" && !kinds.includes(kind))
    problems.push(problem("kind", `a ${String(value.kind)} refers to a ${kinds.join(" or a ")}`));
  if (name === "") problems.push(problem("name", "names no role"));
  else if (typeof name === "string") {
    const reason = pathSegmentProblem(name);
    if (reason) problems.push(problem("name", reason));
  }
  return problems;
}

/** IsConfigMapKey: at most 253 characters of [-._a-zA-Z0-9], not "." or "..", not starting with "..". */
function configKeyProblem(key: string): string | undefined {
  if (key.length === 0 || key.length > 253) return "is not 1 to 253 characters long";
  if (!/^[-._a-zA-Z0-9]+$/.test(key))
    return "has characters other than letters, digits, '-', '_' and '.'";
  if (key === "." || key === ".." || key.startsWith(".."))
    return "may not be '.' or start with '..'";
  return undefined;
}

/** What encoding/json accepts for []byte: standard base64 with padding; line breaks are skipped. */
const isBase64 = (text: string) => {
  const compact = text.replace(/[\r\n]/g, "");
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
};

/** api.MaxSecretSize, which ValidateSecret and ValidateConfigMap both apply. */
const MAX_DATA_SIZE = 1024 * 1024;

/**
 * What the API server counts against that limit: the values' bytes (not the keys), a Secret's
 * and a ConfigMap's binaryData decoded (stringData lands in a Secret's data before validation).
 */
function dataSize(value: Json, isSecret: boolean): number {
  const entries = (field: string) =>
    Object.entries(isRecord(value[field]) ? value[field] : {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    );
  // Base64's length arithmetic, no decoding: 4 characters are 3 bytes, less the padding.
  const decoded = (text: string) => {
    const compact = text.replace(/[\r\n]/g, "");
    const padding = compact.endsWith("==") ? 2 : compact.endsWith("=") ? 1 : 0;
    return Math.max(0, Math.floor((compact.length * 3) / 4) - padding);
  };
  const text = (t: string) => Buffer.byteLength(t, "utf8");
  if (isSecret) {
    const sizes = new Map<string, number>();
    for (const [key, entry] of entries("data")) sizes.set(key, decoded(entry));
    for (const [key, entry] of entries("stringData")) sizes.set(key, text(entry));
    return [...sizes.values()].reduce((a, b) => a + b, 0);
  }
  let total = 0;
  for (const [, entry] of entries("data")) total += text(entry);
  for (const [, entry] of entries("binaryData")) total += decoded(entry);
  return total;
}

const REQUIRED_KEYS: Record<string, string[]> = {
  "kubernetes.io/tls": ["tls.crt", "tls.key"],
  "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
  "kubernetes.io/dockercfg": [".dockercfg"],
};

/**
 * ValidateSecret and ValidateConfigMap: keys are config keys, base64 fields decode, a ConfigMap
 * key is not in both data and binaryData, a typed Secret has its keys. Values are never quoted.
 */
function dataProblems(value: Json): Problem[] {
  const problems: Problem[] = [];
  const isSecret = value.kind === "Secret";
  const encoded = isSecret ? ["data"] : ["binaryData"];
  const fields = isSecret ? ["data", "stringData"] : ["data", "binaryData"];
  const keys = new Set<string>();
  for (const field of fields) {
    const entries = isRecord(value[field]) ? value[field] : {};
    for (const [key, entry] of Object.entries(entries)) {
      const pointer = joinPointer("", field, key);
      const keyProblem = configKeyProblem(key);
      if (keyProblem) problems.push([pointer, `the key ${keyProblem}`]);
      else if (!isSecret && keys.has(key))
        problems.push([pointer, "the key is in both data and binaryData"]);
      if (encoded.includes(field) && typeof entry === "string" && !isBase64(entry))
        problems.push([
          pointer,
          `the ${field} value is not base64 (write plain text under stringData)`,
        ]);
      keys.add(key);
    }
  }
  if (dataSize(value, isSecret) > MAX_DATA_SIZE) {
    const what = isSecret ? "a Secret's data" : "a ConfigMap's data and binaryData";
    problems.push(["/data", `${what} may hold at most 1 MiB (1,048,576 bytes) in all`]);
  }
  if (isSecret) problems.push(...secretTypeProblems(value, keys));
  return problems;
}

/**
 * ValidateSecret's checks of a type: its keys are present (`kubernetes.io/basic-auth`: username
 * or password, either may be empty; `kubernetes.io/ssh-auth`: a non-empty ssh-privatekey), and a
 * service-account token names its ServiceAccount in an annotation.
 */
function secretTypeProblems(value: Json, keys: ReadonlySet<string>): Problem[] {
  const type = typeof value.type === "string" ? value.type : undefined;
  if (type === undefined) return [];
  const needs = (what: string): Problem => ["/type", `a Secret of type ${type} needs ${what}`];
  if (type === "kubernetes.io/basic-auth")
    return keys.has("username") || keys.has("password")
      ? []
      : [needs("the key username or the key password")];
  if (type === "kubernetes.io/ssh-auth")
    return storedLength(value, "ssh-privatekey") > 0
      ? []
      : [needs("a non-empty key ssh-privatekey")];
  if (type === "kubernetes.io/service-account-token") {
    const metadata = isRecord(value.metadata) ? value.metadata : {};
    const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
    const account = annotations[SERVICE_ACCOUNT_ANNOTATION];
    return typeof account === "string" && account !== ""
      ? []
      : [needs(`the annotation ${SERVICE_ACCOUNT_ANNOTATION}`)];
  }
  return (REQUIRED_KEYS[type] ?? []).flatMap((key) =>
    keys.has(key) ? [] : [needs(`the key ${key}`)],
  );
}

const SERVICE_ACCOUNT_ANNOTATION = "kubernetes.io/service-account.name";

/** The length of a Secret key's stored value (stringData written over data), 0 when absent. */
function storedLength(value: Json, key: string): number {
  const written = isRecord(value.stringData) ? value.stringData[key] : undefined;
  if (typeof written === "string") return Buffer.byteLength(written, "utf8");
  if (isRecord(value.stringData) && key in value.stringData) return 0;
  const data = isRecord(value.data) ? value.data[key] : undefined;
  return typeof data === "string" ? data.replace(/[\r\n=]/g, "").length : 0;
}

/** NetworkPolicy metadata and spec are netpol's policyRefusals, reported by the network rules. */
const isNetworkPolicy = (value: Json) =>
  value.kind === "NetworkPolicy" && value.apiVersion === "networking.k8s.io/v1";

/**
 * How each kind's name is validated (ValidateXName): most are DNS-1123 subdomains, a Namespace's
 * and a StatefulSet's DNS-1123 labels, a Service's a DNS-1035 label, RBAC objects' path segments.
 * A CronJob's name is at most 52 characters, since its Jobs append 11. Other kinds are not judged.
 */
const NAME_FORMAT: Record<string, (name: string) => string | undefined> = {
  Namespace: dns1123LabelProblem,
  // Since 1.27: its pods take the name as their hostname, a DNS label.
  StatefulSet: dns1123LabelProblem,
  Service: dns1035LabelProblem,
  CronJob: (name) =>
    name.length > 52
      ? "is longer than 52 characters (its Jobs add 11)"
      : dns1123SubdomainProblem(name),
  ...Object.fromEntries(
    ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"].map((k) => [
      k,
      pathSegmentProblem,
    ]),
  ),
  ...Object.fromEntries(
    [
      "Pod",
      "Deployment",
      "DaemonSet",
      "ReplicaSet",
      "Job",
      "ConfigMap",
      "Secret",
      "ServiceAccount",
      "PersistentVolumeClaim",
      "Ingress",
      "IngressClass",
      "PodDisruptionBudget",
      "HorizontalPodAutoscaler",
      "ResourceQuota",
      "LimitRange",
      "PriorityClass",
      "StorageClass",
    ].map((k) => [k, dns1123SubdomainProblem]),
  ),
};

let builtInGroups: Set<string> | undefined;

/** The API groups of the kinds we bundle, in any version ("" for the core group). */
function isBuiltInGroup(group: string): boolean {
  // "extensions" has served nothing since 1.22: its objects are unserved, not custom.
  builtInGroups ??= new Set([
    "extensions",
    ...Object.values(schemaData().versions).flatMap((version) =>
      Object.keys(version.kinds).map((key) => apiGroupOf(key.slice(0, key.lastIndexOf("/")))),
    ),
  ]);
  return builtInGroups.has(group);
}

/**
 * A custom resource's name is a DNS-1123 subdomain whatever its CRD says (the apiextensions
 * server validates it so; a CRD can only narrow it, which we do not know).
 */
function customResourceNameProblems(value: Json, metadata: Json): Problem[] {
  const name = metadata.name;
  if (typeof name !== "string" || name === "" || typeof value.apiVersion !== "string") return [];
  if (isBuiltInGroup(apiGroupOf(value.apiVersion))) return [];
  const problem = dns1123SubdomainProblem(name);
  return problem ? [["/metadata/name", `the name of a custom resource ${problem}`]] : [];
}

function nameProblems(kind: string, metadata: Json): Problem[] {
  const problems: Problem[] = [];
  const format = Object.hasOwn(NAME_FORMAT, kind) ? NAME_FORMAT[kind] : undefined;
  if (format && typeof metadata.name === "string" && metadata.name !== "") {
    const problem = format(metadata.name);
    if (problem) problems.push(["/metadata/name", `the ${kind} name ${problem}`]);
  }
  if (typeof metadata.namespace === "string" && metadata.namespace !== "") {
    const problem = dns1123LabelProblem(metadata.namespace);
    if (problem) problems.push(["/metadata/namespace", `the namespace ${problem}`]);
  }
  return problems;
}

function pathSegmentProblem(value: string): string | undefined {
  if (value === "." || value === "..") return "may not be '.' or '..'";
  return /[/%]/.test(value) ? "may not contain '/' or '%'" : undefined;
}

function metadataProblems(metadata: Json, at: string): Problem[] {
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  return [
    ...labelMapProblems(labels, joinPointer(at, "labels"), "label"),
    ...Object.keys(annotations).flatMap((key): Problem[] => {
      const problem = annotationKeyProblem(key);
      return problem
        ? [[joinPointer(at, "annotations", key), `the annotation key ${problem}`]]
        : [];
    }),
  ];
}

/** ValidateLabels: keys are qualified names, values label values. */
function labelMapProblems(labels: Json, at: string, what: string): Problem[] {
  return Object.entries(labels).flatMap(([key, value]): Problem[] => {
    const refused = labelProblem(key, value);
    return refused
      ? [[`${at}/${escapeSegment(key)}`, `the ${what} ${refused.part} ${refused.problem}`]]
      : [];
  });
}

/**
 * The volumeClaimTemplates of a StatefulSet, which its controller adds to each pod's volumes
 * (ValidatePodTemplateSpecForStatefulSet leaves the pod spec unchecked for that reason).
 */
function claimNames(spec: Json): string[] {
  const claims = Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
  return claims.flatMap((claim) =>
    isRecord(claim) && isRecord(claim.metadata) && typeof claim.metadata.name === "string"
      ? [claim.metadata.name]
      : [],
  );
}

function podSpecProblems(spec: Json, at: string, target: Target, claims: string[] = []): Problem[] {
  const seen = new Set<string>();
  const volumes = volumeSources(spec.volumes, claims);
  return [
    ...podAddressProblems(spec, at, strictIpValidation(target.minor)),
    ...osProblems(spec, at),
    ...initContainerProblems(spec.initContainers, joinPointer(at, "initContainers")),
    ...hostNamespaceProblems(spec, at),
    ...idProblems(spec.securityContext, joinPointer(at, "securityContext")),
    ...volumeProblems(spec.volumes, joinPointer(at, "volumes")),
    ...CONTAINER_LISTS.flatMap((list) => {
      const containers = Array.isArray(spec[list]) ? spec[list] : [];
      return containers.flatMap((container: unknown, index: number): Problem[] => {
        if (!isRecord(container)) return [];
        const pointer = joinPointer(at, list, String(index));
        return [
          ...containerNameProblems(container.name, pointer, seen),
          ...containerPortProblems(container.ports, joinPointer(pointer, "ports")),
          ...(spec.hostNetwork === true
            ? hostNetworkPortProblems(container.ports, joinPointer(pointer, "ports"))
            : []),
          ...resourceProblems(container.resources, joinPointer(pointer, "resources")),
          ...mountProblems(container, pointer, volumes),
          ...deviceProblems(container, pointer, volumes, spec.hostUsers === false),
          ...probeProblems(container, pointer),
          ...envProblems(container.env, joinPointer(pointer, "env"), target.minor),
          ...envFromProblems(container.envFrom, joinPointer(pointer, "envFrom"), target.minor),
          ...idProblems(container.securityContext, joinPointer(pointer, "securityContext")),
        ];
      });
    }),
  ];
}

/** What only a sidecar (an init container with restartPolicy Always) may have: it keeps running. */
const SIDECAR_ONLY = ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"];

/**
 * validateInitContainers: an init container that is no sidecar runs to completion before the
 * app starts, so it has no probes and no lifecycle hooks.
 */
function initContainerProblems(containers: unknown, at: string): Problem[] {
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((container, index): Problem[] => {
    if (!isRecord(container) || container.restartPolicy === "Always") return [];
    return SIDECAR_ONLY.filter((field) => isSet(container[field])).map(
      (field): Problem => [
        joinPointer(at, String(index), field),
        `${field} may not be set for an init container without restartPolicy Always (only a sidecar keeps running)`,
      ],
    );
  });
}

const POD_OS = ["linux", "windows"];

/** Set for the API server: present and not null (an empty list is set, JSON null is not). */
const isSet = (value: unknown) => value !== undefined && value !== null;

/** The pod-level fields validateWindows forbids on a Windows pod: Linux-only, set at all. */
const LINUX_POD_SECURITY = [
  "appArmorProfile",
  "seLinuxOptions",
  "seccompProfile",
  "fsGroup",
  "fsGroupChangePolicy",
  "runAsUser",
  "runAsGroup",
  "supplementalGroups",
  "supplementalGroupsPolicy",
  "seLinuxChangePolicy",
];

/** The container fields validateWindows forbids on a Windows pod. */
const LINUX_CONTAINER_SECURITY = [
  "appArmorProfile",
  "seLinuxOptions",
  "seccompProfile",
  "capabilities",
  "readOnlyRootFilesystem",
  "privileged",
  "allowPrivilegeEscalation",
  "procMount",
  "runAsUser",
  "runAsGroup",
];

/**
 * validateOS: `os.name` is linux or windows; then validateWindows (no Linux-only field: the
 * kubelet of a Windows node could not honour it) or validateLinux (no windowsOptions).
 */
function osProblems(spec: Json, at: string): Problem[] {
  if (!isRecord(spec.os)) return [];
  const name = spec.os.name;
  const osAt = joinPointer(at, "os");
  if (typeof name !== "string" || name === "")
    return [[joinPointer(osAt, "name"), "os.name is required: linux or windows"]];
  if (!POD_OS.includes(name)) return [[osAt, "os.name is linux or windows"]];
  return name === "windows" ? windowsProblems(spec, at) : linuxProblems(spec, at);
}

function windowsProblems(spec: Json, at: string): Problem[] {
  // Its own cause: pod/run-as-non-root reports `runAsUser: 0` on the same field, and its fix
  // (a non-zero user) is refused all the same.
  const forbidden = (pointer: string, field: string): Problem => [
    pointer,
    `${field} cannot be set for a windows pod (spec.os.name is windows)`,
    false,
    true,
  ];
  const problems: Problem[] = [];
  const context = isRecord(spec.securityContext) ? spec.securityContext : {};
  const contextAt = joinPointer(at, "securityContext");
  for (const field of LINUX_POD_SECURITY)
    if (isSet(context[field])) problems.push(forbidden(joinPointer(contextAt, field), field));
  if (Array.isArray(context.sysctls) && context.sysctls.length > 0)
    problems.push(forbidden(joinPointer(contextAt, "sysctls"), "sysctls"));
  if (isSet(spec.hostUsers)) problems.push(forbidden(joinPointer(at, "hostUsers"), "hostUsers"));
  for (const field of ["hostPID", "hostIPC"])
    if (spec[field] === true) problems.push(forbidden(joinPointer(at, field), field));
  if (isSet(spec.shareProcessNamespace))
    problems.push(forbidden(joinPointer(at, "shareProcessNamespace"), "shareProcessNamespace"));
  forEachContainer(spec, at, (container, pointer) => {
    if (!isRecord(container.securityContext)) return;
    const securityAt = joinPointer(pointer, "securityContext");
    for (const field of LINUX_CONTAINER_SECURITY)
      if (isSet(container.securityContext[field]))
        problems.push(forbidden(joinPointer(securityAt, field), field));
  });
  return problems;
}

function linuxProblems(spec: Json, at: string): Problem[] {
  const reason = "windowsOptions cannot be set for a linux pod (spec.os.name is linux)";
  const problems: Problem[] = [];
  if (isRecord(spec.securityContext) && isSet(spec.securityContext.windowsOptions))
    problems.push([joinPointer(at, "securityContext", "windowsOptions"), reason]);
  forEachContainer(spec, at, (container, pointer) => {
    if (isRecord(container.securityContext) && isSet(container.securityContext.windowsOptions))
      problems.push([joinPointer(pointer, "securityContext", "windowsOptions"), reason]);
  });
  return problems;
}

function forEachContainer(spec: Json, at: string, visit: (container: Json, at: string) => void) {
  for (const list of CONTAINER_LISTS) {
    const containers = Array.isArray(spec[list]) ? spec[list] : [];
    containers.forEach((container: unknown, index: number) => {
      if (isRecord(container)) visit(container, joinPointer(at, list, String(index)));
    });
  }
}

/**
 * validateShareProcessNamespace and validateHostUsers: one process namespace cannot be both the
 * pod's and the host's, and a pod in its own user namespace (hostUsers: false) shares no host
 * PID or IPC namespace.
 */
function hostNamespaceProblems(spec: Json, at: string): Problem[] {
  const problems: Problem[] = [];
  if (spec.hostPID === true && spec.shareProcessNamespace === true)
    problems.push([
      joinPointer(at, "shareProcessNamespace"),
      "shareProcessNamespace and hostPID cannot both be enabled",
    ]);
  // On hostUsers, not on hostPID as the API server puts it: pod/no-host-namespaces reports
  // hostPID itself, and would hide a refusal there.
  const shared = ["hostPID", "hostIPC"].filter((field) => spec[field] === true);
  if (spec.hostUsers === false && shared.length > 0)
    problems.push([
      joinPointer(at, "hostUsers"),
      `hostUsers: false forbids ${shared.join(" and ")} (the pod's own user namespace cannot share the node's)`,
    ]);
  return problems;
}

/**
 * RelaxedEnvironmentVariableValidation: on by default since 1.32 (locked on since 1.34), so in
 * every version we bundle; kubeconform may be asked for an older one.
 */
const RELAXED_ENV_SINCE = 32;

/**
 * IsRelaxedEnvVarName: printable ASCII other than '='. Names like `my.var` or `1ST` are
 * accepted; a shell may not read them, the API server does not care. Before 1.32,
 * IsEnvVarName: letters, digits, '-', '.' and '_', not starting with a digit, not '.', '..'
 * nor starting with '..'.
 */
function envNameProblem(name: string, minor: number): string | undefined {
  if (name === "") return "may not be empty";
  if (minor >= RELAXED_ENV_SINCE)
    return /^[\x20-\x3c\x3e-\x7e]+$/.test(name)
      ? undefined
      : "has characters other than printable ASCII, or '='";
  if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name))
    return `has characters other than letters, digits, '-', '.' and '_' or starts with a digit, which Kubernetes before 1.${RELAXED_ENV_SINCE} refuses`;
  return name === "." || name.startsWith("..") ? "may not be '.' or start with '..'" : undefined;
}

const VALUE_SOURCES = [
  "fieldRef",
  "resourceFieldRef",
  "configMapKeyRef",
  "secretKeyRef",
  "fileKeyRef",
];

/**
 * ValidateEnv: a name (relaxed), and a value or one valueFrom source, not both. A name listed
 * twice is accepted (the API server warns; the last one wins in the container).
 */
function envProblems(env: unknown, at: string, minor: number): Problem[] {
  if (!Array.isArray(env)) return [];
  return env.flatMap((entry, index): Problem[] => {
    if (!isRecord(entry)) return [];
    const pointer = joinPointer(at, String(index));
    const problems: Problem[] = [];
    const nameProblem =
      typeof entry.name === "string" ? envNameProblem(entry.name, minor) : undefined;
    if (nameProblem)
      problems.push([joinPointer(pointer, "name"), `the variable name ${nameProblem}`]);
    if (isRecord(entry.valueFrom)) {
      const from = entry.valueFrom;
      const sources = VALUE_SOURCES.filter((source) => from[source] != null).length;
      const fromAt = joinPointer(pointer, "valueFrom");
      if (typeof entry.value === "string" && entry.value !== "")
        problems.push([fromAt, "valueFrom may not be set beside a value"]);
      else if (sources !== 1)
        problems.push([
          fromAt,
          `valueFrom needs exactly one of ${VALUE_SOURCES.join(", ")} (it has ${sources})`,
        ]);
    }
    return problems;
  });
}

/** ValidateEnvFrom: a prefix is a relaxed variable name; exactly one of configMapRef and secretRef. */
function envFromProblems(envFrom: unknown, at: string, minor: number): Problem[] {
  if (!Array.isArray(envFrom)) return [];
  return envFrom.flatMap((entry, index): Problem[] => {
    if (!isRecord(entry)) return [];
    const pointer = joinPointer(at, String(index));
    const problems: Problem[] = [];
    if (typeof entry.prefix === "string" && entry.prefix !== "") {
      const problem = envNameProblem(entry.prefix, minor);
      if (problem) problems.push([joinPointer(pointer, "prefix"), `the prefix ${problem}`]);
    }
    const sources = ["configMapRef", "secretRef"].filter((source) => entry[source] != null).length;
    if (sources !== 1)
      problems.push([pointer, "an envFrom entry needs exactly one of configMapRef and secretRef"]);
    return problems;
  });
}

const SPEC_COUNTS = ["replicas", "minReadySeconds", "revisionHistoryLimit"];

/** The spec fields each kind's validation refuses below zero (ValidateNonnegativeField). */
const NON_NEGATIVE: Record<string, string[]> = {
  Deployment: [...SPEC_COUNTS, "progressDeadlineSeconds"],
  ReplicaSet: SPEC_COUNTS,
  StatefulSet: SPEC_COUNTS,
  DaemonSet: ["minReadySeconds", "revisionHistoryLimit"],
  Job: [
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "backoffLimit",
    "ttlSecondsAfterFinished",
  ],
  CronJob: ["startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"],
};

function nonNegativeProblems(kind: string, spec: Json): Problem[] {
  const fields = Object.hasOwn(NON_NEGATIVE, kind) ? (NON_NEGATIVE[kind] ?? []) : [];
  const problems: Problem[] = fields
    .filter((field) => typeof spec[field] === "number" && (spec[field] as number) < 0)
    .map((field) => [joinPointer("/spec", field), `${field} may not be negative`]);
  // The API server defaults the deadline to 600 seconds before it validates.
  const deadline = spec.progressDeadlineSeconds ?? 600;
  const ready = spec.minReadySeconds ?? 0;
  if (kind === "Deployment" && typeof deadline === "number" && typeof ready === "number")
    if (deadline <= ready)
      problems.push(
        spec.progressDeadlineSeconds === undefined
          ? [
              "/spec/minReadySeconds",
              "minReadySeconds must be below progressDeadlineSeconds (600 by default)",
            ]
          : [
              "/spec/progressDeadlineSeconds",
              "progressDeadlineSeconds must be greater than minReadySeconds",
            ],
      );
  return problems;
}

const PROBE_COUNTS = [
  "initialDelaySeconds",
  "timeoutSeconds",
  "periodSeconds",
  "successThreshold",
  "failureThreshold",
];

/** validateProbe: its counts not negative, its own terminationGracePeriodSeconds above zero. */
function probeCountProblems(probe: Json, at: string): Problem[] {
  const problems: Problem[] = PROBE_COUNTS.filter(
    (field) => typeof probe[field] === "number" && (probe[field] as number) < 0,
  ).map((field) => [joinPointer(at, field), `${field} may not be negative`]);
  const grace = probe.terminationGracePeriodSeconds;
  if (typeof grace === "number" && grace <= 0)
    problems.push([
      joinPointer(at, "terminationGracePeriodSeconds"),
      "a probe's terminationGracePeriodSeconds must be above 0",
    ]);
  return problems;
}

/**
 * The pod's own IP fields (IsValidIPForLegacyField, strict from 1.36): hostAliases' ip (their
 * hostnames DNS-1123 subdomains) and dnsConfig's nameservers.
 */
function podAddressProblems(spec: Json, at: string, strictIp: boolean): Problem[] {
  const problems: Problem[] = [];
  const aliases = Array.isArray(spec.hostAliases) ? spec.hostAliases : [];
  aliases.forEach((alias, index) => {
    if (!isRecord(alias)) return;
    const aliasAt = joinPointer(at, "hostAliases", String(index));
    const problem = ipProblem(alias.ip, strictIp);
    if (problem) problems.push([joinPointer(aliasAt, "ip"), `the host alias IP ${problem}`]);
    const hostnames = Array.isArray(alias.hostnames) ? alias.hostnames : [];
    hostnames.forEach((hostname, h) => {
      const bad = typeof hostname === "string" ? dns1123SubdomainProblem(hostname) : undefined;
      if (bad) problems.push([joinPointer(aliasAt, "hostnames", String(h)), `the hostname ${bad}`]);
    });
  });
  const dns = isRecord(spec.dnsConfig) ? spec.dnsConfig : {};
  const nameservers = Array.isArray(dns.nameservers) ? dns.nameservers : [];
  nameservers.forEach((server, index) => {
    const problem = ipProblem(server, strictIp);
    if (problem)
      problems.push([
        joinPointer(at, "dnsConfig", "nameservers", String(index)),
        `the nameserver ${problem}`,
      ]);
  });
  return problems;
}

/** validateHandler: a probe has exactly one of exec, httpGet, tcpSocket, grpc. */
function probeProblems(container: Json, at: string): Problem[] {
  return PROBE_FIELDS.flatMap((probe): Problem[] => {
    const body = container[probe];
    if (!isRecord(body)) return [];
    const counts = [
      ...probeCountProblems(body, joinPointer(at, probe)),
      ...successThresholdProblems(probe, body, joinPointer(at, probe)),
      ...probePortProblems(body, joinPointer(at, probe)),
    ];
    const count = probeHandlersOf(body).length;
    if (count === 1) return counts;
    return [
      [
        joinPointer(at, probe),
        count === 0
          ? "a probe needs one handler (exec, httpGet, tcpSocket or grpc)"
          : "a probe may have only one handler (exec, httpGet, tcpSocket or grpc)",
      ],
      ...counts,
    ];
  });
}

/**
 * validateHTTPGetAction, validateTCPSocketAction (ValidatePortNumOrName) and validateGRPCAction:
 * a handler's port is 1 to 65535, or for httpGet and tcpSocket a port name.
 */
function probePortProblems(probe: Json, at: string): Problem[] {
  const problems: Problem[] = [];
  for (const handler of ["httpGet", "tcpSocket", "grpc"]) {
    const action = probe[handler];
    if (!isRecord(action)) continue;
    const port = action.port;
    const pointer = joinPointer(at, handler, "port");
    if (typeof port === "number" && !isPort(port))
      problems.push([pointer, `a ${handler} port is 1 to 65535`]);
    if (typeof port === "string" && handler !== "grpc") {
      const problem = portNameProblem(port);
      if (problem)
        problems.push([pointer, `the ${handler} port is no number and the port name ${problem}`]);
    }
  }
  return problems;
}

/** validateLivenessProbe, validateStartupProbe: one success is enough, so successThreshold is 1. */
function successThresholdProblems(probe: string, body: Json, at: string): Problem[] {
  if (probe === "readinessProbe") return [];
  const threshold = body.successThreshold;
  if (typeof threshold !== "number" || threshold === 1 || threshold <= 0) return [];
  return [[joinPointer(at, "successThreshold"), `a ${probe}'s successThreshold must be 1`]];
}

const ID_FIELDS = ["runAsUser", "runAsGroup", "fsGroup"] as const;

/** IsValidUserID and IsValidGroupID: 0 to 2147483647. */
function idProblems(context: unknown, at: string): Problem[] {
  if (!isRecord(context)) return [];
  const isId = (n: unknown) =>
    typeof n !== "number" || (Number.isInteger(n) && n >= 0 && n <= 2147483647);
  const problems: Problem[] = ID_FIELDS.filter((field) => !isId(context[field])).map(
    (field): Problem => [joinPointer(at, field), `${field} is 0 to 2147483647`],
  );
  const groups = Array.isArray(context.supplementalGroups) ? context.supplementalGroups : [];
  groups.forEach((group, index) => {
    if (!isId(group))
      problems.push([
        joinPointer(at, "supplementalGroups", String(index)),
        "a group ID is 0 to 2147483647",
      ]);
  });
  return problems;
}

/**
 * Each volume of the pod by name, and whether it is a claim (an ephemeral volume's, and the
 * StatefulSet's claim templates, are claims too): a volumeDevice may name only a claim.
 */
function volumeSources(volumes: unknown, claims: readonly string[]): Map<string, boolean> {
  const sources = new Map<string, boolean>(claims.map((name) => [name, true]));
  for (const v of Array.isArray(volumes) ? volumes : []) {
    if (isRecord(v) && typeof v.name === "string" && !sources.has(v.name))
      sources.set(v.name, v.persistentVolumeClaim != null || v.ephemeral != null);
  }
  return sources;
}

/** validateVolumes: each name a DNS-1123 label, unique in the pod; an image volume's pull policy. */
function volumeProblems(volumes: unknown, at: string): Problem[] {
  if (!Array.isArray(volumes)) return [];
  const names = new Set<string>();
  return volumes.flatMap((volume, index): Problem[] => {
    if (!isRecord(volume)) return [];
    return [
      ...volumeNameProblems(volume, joinPointer(at, String(index), "name"), names),
      ...imageVolumeProblems(volume.image, joinPointer(at, String(index), "image")),
    ];
  });
}

function volumeNameProblems(volume: Json, pointer: string, names: Set<string>): Problem[] {
  if (typeof volume.name !== "string") return [];
  const problem = dns1123LabelProblem(volume.name);
  if (problem) return [[pointer, `the volume name ${problem}`]];
  if (names.has(volume.name)) return [[pointer, "another volume of the pod has the same name"]];
  names.add(volume.name);
  return [];
}

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];

/**
 * validateImageVolumeSource: the pull policy is one of three (an empty one is defaulted first).
 * Its schema has no enum, unlike a container's imagePullPolicy. A missing reference is
 * workload/image-pinned's.
 */
function imageVolumeProblems(source: unknown, at: string): Problem[] {
  const policy = isRecord(source) ? source.pullPolicy : undefined;
  if (typeof policy !== "string" || policy === "" || PULL_POLICIES.includes(policy)) return [];
  return [
    [joinPointer(at, "pullPolicy"), `the pull policy is not one of ${PULL_POLICIES.join(", ")}`],
  ];
}

/**
 * validateVolumeMounts: each mount names a volume of the pod; mountPaths unique in the container
 * and apart from its volumeDevices; a subPath (or subPathExpr, not both) stays below the volume
 * (validateLocalDescendingPath); Bidirectional propagation only in a privileged container.
 */
function mountProblems(container: Json, at: string, volumes: Map<string, boolean>): Problem[] {
  const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
  const devices = Array.isArray(container.volumeDevices)
    ? container.volumeDevices.filter(isRecord)
    : [];
  const paths = new Set<string>();
  return mounts.flatMap((mount, index): Problem[] => {
    if (!isRecord(mount)) return [];
    const pointer = joinPointer(at, "volumeMounts", String(index));
    const problems: Problem[] = [];
    if (typeof mount.name === "string" && !volumes.has(mount.name))
      problems.push([joinPointer(pointer, "name"), "the mount names no volume of the pod"]);
    if (typeof mount.name === "string" && devices.some((d) => d.name === mount.name))
      problems.push([
        joinPointer(pointer, "name"),
        "the volume is a volumeDevice of the container too",
      ]);
    if (typeof mount.mountPath === "string") {
      if (paths.has(mount.mountPath))
        problems.push([
          joinPointer(pointer, "mountPath"),
          "another mount of the container has the same mountPath",
        ]);
      if (devices.some((d) => d.devicePath === mount.mountPath))
        problems.push([
          joinPointer(pointer, "mountPath"),
          "a volumeDevice of the container has the same path",
        ]);
      paths.add(mount.mountPath);
    }
    for (const field of ["subPath", "subPathExpr"] as const) {
      const problem = descendingPathProblem(mount[field]);
      if (problem) problems.push([joinPointer(pointer, field), `the ${field} ${problem}`]);
    }
    if (isNonEmpty(mount.subPath) && isNonEmpty(mount.subPathExpr))
      problems.push([
        joinPointer(pointer, "subPathExpr"),
        "subPathExpr and subPath are mutually exclusive",
      ]);
    const privileged =
      isRecord(container.securityContext) && container.securityContext.privileged === true;
    if (mount.mountPropagation === "Bidirectional" && !privileged)
      problems.push([
        joinPointer(pointer, "mountPropagation"),
        "Bidirectional mount propagation is available only to privileged containers",
      ]);
    return problems;
  });
}

/**
 * validateVolumeDevices: a raw block device comes from a claim's volume only, by a unique name and
 * a unique devicePath without '..'; a pod in its own user namespace (hostUsers: false) has none.
 */
function deviceProblems(
  container: Json,
  at: string,
  volumes: Map<string, boolean>,
  ownUserNamespace: boolean,
): Problem[] {
  const devices = Array.isArray(container.volumeDevices) ? container.volumeDevices : [];
  if (ownUserNamespace && devices.length > 0)
    return [
      [joinPointer(at, "volumeDevices"), "volumeDevices are forbidden when hostUsers is false"],
    ];
  const names = new Set<unknown>();
  const paths = new Set<unknown>();
  return devices.flatMap((device, index): Problem[] => {
    if (!isRecord(device)) return [];
    const pointer = joinPointer(at, "volumeDevices", String(index));
    const problems: Problem[] = [];
    if (typeof device.name === "string") {
      const isClaim = volumes.get(device.name);
      if (isClaim === undefined)
        problems.push([joinPointer(pointer, "name"), "the device names no volume of the pod"]);
      else if (!isClaim)
        problems.push([
          joinPointer(pointer, "name"),
          "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
        ]);
      if (names.has(device.name))
        problems.push([
          joinPointer(pointer, "name"),
          "another volumeDevice of the container has the same name",
        ]);
      names.add(device.name);
    }
    if (typeof device.devicePath === "string") {
      if (paths.has(device.devicePath))
        problems.push([
          joinPointer(pointer, "devicePath"),
          "another volumeDevice of the container has the same devicePath",
        ]);
      if (hasBackstep(device.devicePath))
        problems.push([
          joinPointer(pointer, "devicePath"),
          "the devicePath can not contain backsteps ('..')",
        ]);
      else paths.add(device.devicePath);
    }
    return problems;
  });
}

const isNonEmpty = (value: unknown) => typeof value === "string" && value !== "";

/** validatePathNoBacksteps: no path element is "..". */
function hasBackstep(path: string): boolean {
  return path.split("/").includes("..");
}

/** validateLocalDescendingPath, for a non-empty path: relative, and no "..". */
function descendingPathProblem(path: unknown): string | undefined {
  if (typeof path !== "string" || path === "") return undefined;
  if (path.startsWith("/")) return "must be a relative path";
  if (hasBackstep(path)) return "must not contain '..'";
  return undefined;
}

/** validateContainers: a DNS-1123 label, unique across init, app and ephemeral containers. */
function containerNameProblems(name: unknown, at: string, seen: Set<string>): Problem[] {
  if (typeof name !== "string") return [];
  const pointer = joinPointer(at, "name");
  const problem = dns1123LabelProblem(name);
  if (problem) return [[pointer, `the container name ${problem}`]];
  if (seen.has(name)) return [[pointer, "another container of the pod has the same name"]];
  seen.add(name);
  return [];
}

/** validateContainerPorts: containerPort 1-65535, hostPort 0-65535, names IANA_SVC_NAMEs unique in the container. */
function containerPortProblems(ports: unknown, at: string): Problem[] {
  if (!Array.isArray(ports)) return [];
  const names = new Set<string>();
  return ports.flatMap((port, index): Problem[] => {
    if (!isRecord(port)) return [];
    const pointer = joinPointer(at, String(index));
    const problems: Problem[] = [];
    if (typeof port.name === "string" && port.name !== "") {
      const problem = portNameProblem(port.name);
      if (problem) problems.push([joinPointer(pointer, "name"), `the port name ${problem}`]);
      else if (names.has(port.name))
        problems.push([
          joinPointer(pointer, "name"),
          "another port of the container has the same name",
        ]);
      names.add(port.name);
    }
    if (typeof port.containerPort === "number" && !isPort(port.containerPort))
      problems.push([joinPointer(pointer, "containerPort"), "a containerPort is 1 to 65535"]);
    if (typeof port.hostPort === "number" && port.hostPort !== 0 && !isPort(port.hostPort))
      problems.push([joinPointer(pointer, "hostPort"), "a hostPort is 1 to 65535 (or 0 for none)"]);
    return problems;
  });
}

/** validateHostNetwork: on the node's network a container's port is the node's: hostPort, if set, equals containerPort. */
function hostNetworkPortProblems(ports: unknown, at: string): Problem[] {
  if (!Array.isArray(ports)) return [];
  return ports.flatMap((port, index): Problem[] =>
    isRecord(port) &&
    typeof port.hostPort === "number" &&
    port.hostPort !== 0 &&
    port.hostPort !== port.containerPort
      ? [
          [
            joinPointer(at, String(index), "hostPort"),
            "with hostNetwork, a hostPort must equal its containerPort",
          ],
        ]
      : [],
  );
}

const isPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;

/** ValidateResourceRequirements: quantities that parse, none negative, requests at most the limits. */
function resourceProblems(resources: unknown, at: string): Problem[] {
  if (!isRecord(resources)) return [];
  const parsed: Record<string, Record<string, number>> = {};
  const problems: Problem[] = [];
  for (const group of ["limits", "requests"] as const) {
    const values = isRecord(resources[group]) ? resources[group] : {};
    parsed[group] = {};
    for (const [name, quantity] of Object.entries(values)) {
      const pointer = joinPointer(at, group, name);
      const amount = quantityValue(quantity);
      if (amount === undefined) problems.push([pointer, "is no quantity (like 500m, 128Mi, 1.5)"]);
      else if (amount < 0) problems.push([pointer, "a resource quantity may not be negative"]);
      else parsed[group]![name] = amount;
    }
  }
  for (const [name, request] of Object.entries(parsed.requests ?? {})) {
    const limit = parsed.limits?.[name];
    const pointer = joinPointer(at, "requests", name);
    if (!overcommitAllowed(name) && limit !== request)
      problems.push([
        pointer,
        `a ${name} request needs a limit equal to it (${name} cannot be overcommitted)`,
      ]);
    else if (limit !== undefined && request > limit)
      problems.push([pointer, `the ${name} request is above its limit`]);
  }
  return [...problems, ...hugePageProblems(resources, at)];
}

const isHugePages = (name: string) => name.startsWith("hugepages-");

/**
 * helper.IsOvercommitAllowed: a native resource (no domain, or kubernetes.io/) but hugepages.
 * Extended resources and hugepages are requested exactly as limited; a limit alone is copied
 * into the request by defaulting, so only a request can miss its limit.
 */
function overcommitAllowed(name: string): boolean {
  const native = !name.includes("/") || name.includes("kubernetes.io/");
  return native && !isHugePages(name);
}

/** validateResourceRequirements: hugepages only beside a cpu or memory request or limit. */
function hugePageProblems(resources: Json, at: string): Problem[] {
  const names = ["limits", "requests"].flatMap((group) =>
    isRecord(resources[group]) ? Object.keys(resources[group]) : [],
  );
  if (!names.some(isHugePages) || names.some((n) => n === "cpu" || n === "memory")) return [];
  return [[at, "hugepages require a cpu or memory request or limit beside them"]];
}

const WORKLOADS_WITH_SELECTOR = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]);

/**
 * ValidateDeploymentSpec and kin: replicas not negative; a selector, valid (ValidateLabelSelector)
 * and not empty; and, when valid, matching the template's labels. A selector the API server
 * refuses is reported once, as itself, not again as a mismatch.
 */
function workloadProblems(spec: Json): Problem[] {
  const problems: Problem[] = [];
  const selector = spec.selector;
  if (!isRecord(selector)) return problems;
  const invalid = labelSelectorProblems(selector, "/spec/selector");
  if (invalid.length > 0) return [...problems, ...invalid];
  const template = isRecord(spec.template) ? spec.template : {};
  const labels = stringLabels(isRecord(template.metadata) ? template.metadata.labels : undefined);
  if (isEmptySelector(selector))
    problems.push(["/spec/selector", "an empty selector is refused: it would select every pod"]);
  else if (!compileSelector(selector)(labels))
    problems.push(["/spec/selector", "the selector does not match the template's labels"]);
  return problems;
}

/** ValidateService: ports 1-65535, names required beside others and unique, targetPort a port or a port name; selector labels. */
function serviceProblems(spec: Json): Problem[] {
  const selector = isRecord(spec.selector) ? spec.selector : {};
  const problems = labelMapProblems(selector, "/spec/selector", "selector");
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((port, index) => {
    if (!isRecord(port)) return;
    const at = `/spec/ports/${index}`;
    const name = typeof port.name === "string" ? port.name : "";
    if (name === "" && ports.length > 1)
      problems.push([at, "a Service with several ports must name each"]);
    else if (name !== "") {
      const problem = dns1123LabelProblem(name);
      if (problem) problems.push([`${at}/name`, `the port name ${problem}`]);
      else if (names.has(name))
        problems.push([`${at}/name`, "another port of the Service has the same name"]);
      names.add(name);
    }
    if (typeof port.port === "number" && !isPort(port.port))
      problems.push([`${at}/port`, "a Service port is 1 to 65535"]);
    const key = `${String(port.port)}/${String(port.protocol ?? "TCP")}`;
    if (typeof port.port === "number" && seen.has(key))
      problems.push([`${at}/port`, "another entry has the same port and protocol"]);
    seen.add(key);
    const target = port.targetPort;
    // 0 is no value: the API server defaults the targetPort to the port.
    if (typeof target === "number" && target !== 0 && !isPort(target))
      problems.push([`${at}/targetPort`, "a targetPort is 1 to 65535"]);
    if (typeof target === "string") {
      const problem = portNameProblem(target);
      if (problem) problems.push([`${at}/targetPort`, `the targetPort ${problem}`]);
    }
  });
  return problems;
}

const EXTERNAL_TYPES = new Set(["NodePort", "LoadBalancer"]);

/**
 * The default --service-node-port-range of the API server. A cluster may configure another;
 * outside the default, the allocator of most clusters refuses the Service.
 */
const NODE_PORTS = [30000, 32767] as const;

/**
 * ValidateService by type: an ExternalName Service needs a DNS name and no cluster IP; others
 * need ports unless headless; nodePorts only on NodePort and LoadBalancer Services, in range
 * and unique; clusterIP "None", "" or an IP (strict from 1.36), not None on external types;
 * externalTrafficPolicy only on externally reachable Services; loadBalancerSourceRanges only on
 * LoadBalancer, each a CIDR; healthCheckNodePort only on LoadBalancer with policy Local.
 */
function serviceTypeProblems(spec: Json, strictIp: boolean): Problem[] {
  const type = typeof spec.type === "string" ? spec.type : "ClusterIP";
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const externalIPs = Array.isArray(spec.externalIPs) ? spec.externalIPs : [];
  const problems: Problem[] = [];
  const clusterIP = spec.clusterIP;
  const headless = clusterIP === "None";
  if (type === "ExternalName") {
    problems.push(...externalNameProblems(spec));
  } else {
    if (ports.length === 0 && !headless)
      problems.push([
        "/spec",
        "a Service needs ports (only a headless one, clusterIP None, may have none)",
      ]);
    if (typeof clusterIP === "string" && clusterIP !== "" && !headless) {
      const problem = ipProblem(clusterIP, strictIp);
      if (problem)
        problems.push(["/spec/clusterIP", `the clusterIP ${problem} (nor None, nor empty)`]);
    }
    if (headless && EXTERNAL_TYPES.has(type))
      problems.push(["/spec/clusterIP", `a ${type} Service may not be headless (clusterIP None)`]);
  }
  externalIPs.forEach((ip, index) => {
    const problem = ipProblem(ip, strictIp);
    if (problem) problems.push([`/spec/externalIPs/${index}`, `the external IP ${problem}`]);
  });
  problems.push(...nodePortProblems(ports, type));
  const reachable = EXTERNAL_TYPES.has(type) || (type === "ClusterIP" && externalIPs.length > 0);
  if (spec.externalTrafficPolicy != null && spec.externalTrafficPolicy !== "" && !reachable)
    problems.push([
      "/spec/externalTrafficPolicy",
      "externalTrafficPolicy may only be set on a Service reachable from outside (NodePort, LoadBalancer, or with externalIPs)",
    ]);
  problems.push(...sourceRangeProblems(spec.loadBalancerSourceRanges, type, strictIp));
  const local = spec.externalTrafficPolicy === "Local";
  if (
    typeof spec.healthCheckNodePort === "number" &&
    spec.healthCheckNodePort !== 0 &&
    !(type === "LoadBalancer" && local)
  )
    problems.push([
      "/spec/healthCheckNodePort",
      "healthCheckNodePort may only be set on a LoadBalancer Service with externalTrafficPolicy Local",
    ]);
  return problems;
}

/** An ExternalName Service: externalName a DNS-1123 subdomain (a trailing dot allowed), no clusterIP. */
function externalNameProblems(spec: Json): Problem[] {
  const problems: Problem[] = [];
  const name = spec.externalName;
  if (typeof name !== "string" || name === "")
    problems.push(["/spec", "an ExternalName Service needs externalName"]);
  else {
    const problem = dns1123SubdomainProblem(name.endsWith(".") ? name.slice(0, -1) : name);
    if (problem) problems.push(["/spec/externalName", `the externalName ${problem}`]);
  }
  if (typeof spec.clusterIP === "string" && spec.clusterIP !== "")
    problems.push(["/spec/clusterIP", "an ExternalName Service may not have a clusterIP"]);
  return problems;
}

function nodePortProblems(ports: unknown[], type: string): Problem[] {
  const seen = new Set<string>();
  return ports.flatMap((port, index): Problem[] => {
    if (!isRecord(port) || typeof port.nodePort !== "number" || port.nodePort === 0) return [];
    const at = `/spec/ports/${index}/nodePort`;
    // ValidateService refuses a repeated nodePort and protocol whatever the type (an
    // ExternalName Service's nodePorts are never allocated, but still compared).
    const key = `${port.nodePort}/${String(port.protocol ?? "TCP")}`;
    const repeated = seen.has(key);
    seen.add(key);
    if (type === "ClusterIP") return [[at, "a nodePort may not be set on a ClusterIP Service"]];
    const [low, high] = NODE_PORTS;
    if (EXTERNAL_TYPES.has(type) && (port.nodePort < low || port.nodePort > high))
      return [[at, `a nodePort is ${low} to ${high} (the API server's default range)`]];
    if (repeated) return [[at, "another port of the Service has the same nodePort and protocol"]];
    return [];
  });
}

/** loadBalancerSourceRanges: only on a LoadBalancer Service; each a CIDR (spaces around allowed). */
function sourceRangeProblems(ranges: unknown, type: string, strictIp: boolean): Problem[] {
  if (!Array.isArray(ranges) || ranges.length === 0) return [];
  if (type !== "LoadBalancer")
    return [
      [
        "/spec/loadBalancerSourceRanges",
        "loadBalancerSourceRanges may only be set on a LoadBalancer Service",
      ],
    ];
  return ranges.flatMap((range, index): Problem[] => {
    const problem = cidrProblem(typeof range === "string" ? range.trim() : range, strictIp);
    return problem
      ? [[`/spec/loadBalancerSourceRanges/${index}`, `the source range ${problem}`]]
      : [];
  });
}
