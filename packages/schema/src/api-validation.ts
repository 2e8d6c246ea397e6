import {
  annotationKeyProblem,
  type Bundle,
  type BundleObject,
  CONTAINER_LISTS,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  escapeSegment,
  isRecord,
  joinPointer,
  labelProblem,
  PROBE_FIELDS,
  podTemplateOf,
  portNameProblem,
  probeHandlersOf,
  quantityValue,
} from "@scout-deploy/core";
import { dottedPath } from "./paths.js";
import type { SchemaProblem } from "./port.js";

/**
 * What the API server's validation (pkg/apis/*\/validation) refuses although the OpenAPI schema
 * lets it through: names, labels, ports, quantities, replicas, selectors. The object is never
 * created, and `kubectl apply` of a folder applies the rest without it. NetworkPolicy specs are
 * judged by @scout-deploy/netpol's policyRefusals (the network rules report them), not here.
 * Messages name the rule broken, never the value: the line and column point at it.
 */
export function apiServerProblems(bundle: Bundle): SchemaProblem[] {
  return bundle.objects.flatMap((object) =>
    objectProblems(object).map(
      ([pointer, reason, podsOnly]): SchemaProblem => ({
        ruleId: "input/schema",
        code: "invalid",
        severity: "error",
        object,
        pointer,
        message: `${dottedPath(pointer)}: ${reason} (${podsOnly ? "the API server accepts the StatefulSet but refuses every pod it makes" : "the API server refuses the object"})`,
      }),
    ),
  );
}

/** A reason, and whether only the pods are refused (a StatefulSet's pod spec is checked when its pods are made). */
type Problem = [pointer: string, reason: string, podsOnly?: boolean];
type Json = Record<string, unknown>;

function objectProblems(object: BundleObject): Problem[] {
  const value = object.value as Json;
  if (isNetworkPolicy(value)) return [];
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const spec = isRecord(value.spec) ? value.spec : {};
  const template = podTemplateOf(object);
  return [
    ...nameProblems(String(value.kind), metadata),
    ...metadataProblems(metadata, "/metadata"),
    ...(template
      ? [
          ...metadataProblems(template.metadata, template.metadataPointer),
          ...(value.kind === "StatefulSet"
            ? podSpecProblems(template.spec, template.specPointer, claimNames(spec)).map(
                ([pointer, reason]): Problem => [pointer, reason, true],
              )
            : podSpecProblems(template.spec, template.specPointer)),
        ]
      : []),
    ...(template
      ? restartPolicyProblems(String(value.kind), template.spec, template.specPointer)
      : []),
    ...(template
      ? ephemeralContainerProblems(String(value.kind), template.spec, template.specPointer)
      : []),
    ...(WORKLOADS_WITH_SELECTOR.has(String(value.kind)) ? workloadProblems(spec) : []),
    ...(value.kind === "Service" && value.apiVersion === "v1" ? serviceProblems(spec) : []),
    ...(value.apiVersion === "v1" && (value.kind === "Secret" || value.kind === "ConfigMap")
      ? dataProblems(value)
      : []),
  ];
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
  "kubernetes.io/ssh-auth": ["ssh-privatekey"],
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
  const required =
    isSecret && typeof value.type === "string" ? REQUIRED_KEYS[value.type] : undefined;
  for (const key of required ?? []) {
    if (!keys.has(key))
      problems.push(["/type", `a Secret of type ${String(value.type)} needs the key ${key}`]);
  }
  return problems;
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

/** IsDNS1035Label: a DNS-1123 label that starts with a letter (Service names). */
function dns1035LabelProblem(value: string): string | undefined {
  const problem = dns1123LabelProblem(value);
  if (problem) return problem;
  return /^[a-z]/.test(value) ? undefined : "does not start with a letter (a DNS-1035 label)";
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

function podSpecProblems(spec: Json, at: string, claims: string[] = []): Problem[] {
  const seen = new Set<string>();
  const volumes = new Set([...volumeNames(spec.volumes), ...claims]);
  return [
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
          ...mountProblems(container.volumeMounts, joinPointer(pointer, "volumeMounts"), volumes),
          ...probeProblems(container, pointer),
          ...idProblems(container.securityContext, joinPointer(pointer, "securityContext")),
        ];
      });
    }),
  ];
}

/** validateHandler: a probe has exactly one of exec, httpGet, tcpSocket, grpc. */
function probeProblems(container: Json, at: string): Problem[] {
  return PROBE_FIELDS.flatMap((probe): Problem[] => {
    const body = container[probe];
    if (!isRecord(body)) return [];
    const count = probeHandlersOf(body).length;
    if (count === 1) return [];
    return [
      [
        joinPointer(at, probe),
        count === 0
          ? "a probe needs one handler (exec, httpGet, tcpSocket or grpc)"
          : "a probe may have only one handler (exec, httpGet, tcpSocket or grpc)",
      ],
    ];
  });
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

function volumeNames(volumes: unknown): Set<string> {
  if (!Array.isArray(volumes)) return new Set();
  return new Set(
    volumes.flatMap((v) => (isRecord(v) && typeof v.name === "string" ? [v.name] : [])),
  );
}

/** validateVolumes: each name a DNS-1123 label, unique in the pod. */
function volumeProblems(volumes: unknown, at: string): Problem[] {
  if (!Array.isArray(volumes)) return [];
  const names = new Set<string>();
  return volumes.flatMap((volume, index): Problem[] => {
    if (!isRecord(volume) || typeof volume.name !== "string") return [];
    const pointer = joinPointer(at, String(index), "name");
    const problem = dns1123LabelProblem(volume.name);
    if (problem) return [[pointer, `the volume name ${problem}`]];
    if (names.has(volume.name)) return [[pointer, "another volume of the pod has the same name"]];
    names.add(volume.name);
    return [];
  });
}

/** validateVolumeMounts: each mount names a volume of the pod; mountPaths unique in the container. */
function mountProblems(mounts: unknown, at: string, volumes: Set<string>): Problem[] {
  if (!Array.isArray(mounts)) return [];
  const paths = new Set<string>();
  return mounts.flatMap((mount, index): Problem[] => {
    if (!isRecord(mount)) return [];
    const pointer = joinPointer(at, String(index));
    const problems: Problem[] = [];
    if (typeof mount.name === "string" && !volumes.has(mount.name))
      problems.push([joinPointer(pointer, "name"), "the mount names no volume of the pod"]);
    if (typeof mount.mountPath === "string") {
      if (paths.has(mount.mountPath))
        problems.push([
          joinPointer(pointer, "mountPath"),
          "another mount of the container has the same mountPath",
        ]);
      paths.add(mount.mountPath);
    }
    return problems;
  });
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
    if (limit !== undefined && request > limit)
      problems.push([joinPointer(at, "requests", name), `the ${name} request is above its limit`]);
  }
  return problems;
}

const WORKLOADS_WITH_SELECTOR = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]);

/** ValidateDeploymentSpec and kin: replicas not negative; a selector, not empty, matching the template's labels. */
function workloadProblems(spec: Json): Problem[] {
  const problems: Problem[] = [];
  if (typeof spec.replicas === "number" && spec.replicas < 0)
    problems.push(["/spec/replicas", "replicas may not be negative"]);
  const selector = spec.selector;
  if (!isRecord(selector)) return problems;
  const template = isRecord(spec.template) ? spec.template : {};
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  problems.push(...labelMapProblems(matchLabels, "/spec/selector/matchLabels", "selector"));
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0)
    problems.push(["/spec/selector", "an empty selector is refused: it would select every pod"]);
  else if (!selectorMatches(matchLabels, expressions, labels))
    problems.push(["/spec/selector", "the selector does not match the template's labels"]);
  return problems;
}

function selectorMatches(matchLabels: Json, expressions: unknown[], labels: Json): boolean {
  const byLabels = Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
  return (
    byLabels &&
    expressions.every((expression) => {
      if (!isRecord(expression) || typeof expression.key !== "string") return true;
      const has = Object.hasOwn(labels, expression.key);
      const values = Array.isArray(expression.values) ? expression.values : [];
      const value = labels[expression.key];
      switch (expression.operator) {
        case "In":
          return has && values.includes(value);
        case "NotIn":
          return !has || !values.includes(value);
        case "Exists":
          return has;
        case "DoesNotExist":
          return !has;
        default:
          return true;
      }
    })
  );
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
