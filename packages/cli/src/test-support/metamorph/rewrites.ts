/**
 * Rewrites of a deployment's objects after which the cluster does the same thing: consistent
 * renames, objects that do not touch Scout, defaults the API server would fill in spelled out
 * (or left out), named ports for the numbers they resolve to, label selectors as expressions,
 * NetworkPolicies split into two with the same union or merged. Each returns the new objects and
 * the names it changed (new -> old), so findings compare on the old names (a split or merged
 * policy has no old name: its findings compare by rule and count).
 */

import type { Json, Obj } from "../yaml-text.js";
import { isObj, meta, nameOf, namespaceOf, podLabelsOf, podSpecOf } from "./deployments.js";
import { tokenPattern } from "./verdict.js";

export interface Rewritten {
  objects: Obj[];
  renames: Map<string, string>;
  /** `policy.settings` the check needs after the rewrite (the renamed component label). */
  settings?: Obj;
  /**
   * Kinds whose objects the rewrite restructured (a policy split, a Role's rules split): their
   * findings compare by rule, object kind and count, as the old objects or paths are gone.
   */
  coarseKinds?: string[];
  /** A workload's kind changed: findings compare with every workload kind as one. */
  workloadKinds?: boolean;
}

const same = (objects: Obj[]): Rewritten => ({ objects, renames: new Map() });

/**
 * Every string value (not keys) with the whole token `from` replaced by `to`; with `names`, not
 * inside labels and selectors, whose values name components, not objects.
 */
function replaceToken(value: Json, from: string, to: string, names = false): Json {
  if (typeof value === "string")
    return value.replace(names ? hostPattern(from) : tokenPattern(from), to);
  if (Array.isArray(value)) return value.map((v) => replaceToken(v, from, to, names));
  if (isObj(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        names && LABELLING.includes(k) ? v : replaceToken(v, from, to, names),
      ]),
    );
  return value;
}

const LABELLING = ["labels", "selector", "podSelector", "namespaceSelector"];

/**
 * An object's name where a reference to it is written: the whole value, or a host name in text
 * (`name:8000`, `name.ns.svc`); not a path segment (`/etc/prometheus/prometheus.yml`), which
 * names a file.
 */
function hostPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`(?<![\\w/.-])${escaped}(?![\\w/-])`, "g");
}

/** Every key equal to `from` renamed `to` (label keys, selector keys), order kept. */
function renameKey(value: Json, from: string, to: string): Json {
  if (Array.isArray(value)) return value.map((v) => renameKey(v, from, to));
  if (!isObj(value)) return value === from ? to : value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k === from ? to : k, renameKey(v, from, to)]),
  );
}

/** Scout's namespace renamed everywhere: objects, references, host names in config text. */
export function renameNamespace(objects: Obj[], to: string): Rewritten {
  const from = namespaceOf(objects.find((o) => namespaceOf(o))!)!;
  return {
    objects: objects.map((o) => replaceToken(o, from, to) as Obj),
    renames: new Map([[to, from]]),
  };
}

/** Every object of this name renamed, with every reference to it (env, config text, RBAC). */
export function renameObjects(objects: Obj[], from: string, to: string): Rewritten {
  return {
    objects: objects.map((o) => replaceToken(o, from, to, true) as Obj),
    renames: new Map([[to, from]]),
  };
}

export const COMPONENT_LABEL = "app.kubernetes.io/component";

/**
 * The component label renamed in every label and selector, and named in `componentLabels`;
 * Prometheus relabelling names it as `__meta_kubernetes_pod_label_<key>`.
 */
export function renameComponentLabel(objects: Obj[], to: string): Rewritten {
  // Renamed once already (a chain): the settings name the label it has now.
  if (!JSON.stringify(objects).includes(`"${COMPONENT_LABEL}"`)) return same(objects);
  const meta = (key: string) => `__meta_kubernetes_pod_label_${key.replace(/[^\w]/g, "_")}`;
  const renamed = objects.map((o) => {
    const keys = renameKey(o, COMPONENT_LABEL, to);
    return replaceToken(keys, meta(COMPONENT_LABEL), meta(to)) as Obj;
  });
  // The fallbacks stay: without app.kubernetes.io/name the operator's Prometheus, which the
  // backend admits from its namespace by `app.kubernetes.io/name: prometheus`, is no component.
  const componentLabels = [to, "app.kubernetes.io/name", "app"].filter(
    (key, i, all) => all.indexOf(key) === i,
  );
  return { objects: renamed, renames: new Map(), settings: { componentLabels } };
}

// ---- objects that do not touch Scout ----------------------------------------------------------

const CRD: Obj = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" },
    scope: "Namespaced",
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        },
      },
    ],
  },
};

function plainConfigMap(namespace: string): Obj {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "scout-ui-settings", namespace },
    data: { LOG_LEVEL: "info", THEME: "dark", TOKEN_TTL_SECONDS: "3600", "feature-flags": "a,b" },
  };
}

/** A CRD and a ConfigMap without credentials beside Scout. */
export function addInertObjects(objects: Obj[]): Rewritten {
  if (objects.some((o) => o.kind === "CustomResourceDefinition")) return same(objects);
  const namespace = namespaceOf(objects.find((o) => namespaceOf(o))!)!;
  return same([...objects, structuredClone(CRD), plainConfigMap(namespace)]);
}

/**
 * Scout's own objects again in `namespace`: a second compliant Scout (or another app, when
 * `relabel` renames its `app.kubernetes.io/name`), isolated by its own policies.
 */
function secondCopy(objects: Obj[], namespace: string): Obj[] {
  const from = namespaceOf(objects.find((o) => namespaceOf(o))!)!;
  const inNamespace = objects.filter(
    (o) => namespaceOf(o) === from || (o.kind === "Namespace" && nameOf(o) === from),
  );
  const copy = inNamespace.map((o) => {
    const moved = replaceToken(structuredClone(o), from, namespace) as Obj;
    if (o.kind === "Namespace") meta(moved).name = namespace;
    return moved;
  });
  return copy;
}

// ---- defaults spelled out or left out ---------------------------------------------------------

function eachPort(o: Obj, visit: (port: Obj, where: "container" | "service" | "policy") => void) {
  for (const c of containersOfPod(o))
    for (const p of (c.ports as Obj[] | undefined) ?? []) visit(p, "container");
  if (o.kind === "Service")
    for (const p of ((o.spec as Obj).ports as Obj[]) ?? []) visit(p, "service");
  if (o.kind === "NetworkPolicy") {
    const spec = o.spec as Obj;
    for (const rule of [...((spec.ingress as Obj[]) ?? []), ...((spec.egress as Obj[]) ?? [])])
      for (const p of (rule.ports as Obj[] | undefined) ?? []) visit(p, "policy");
  }
}

function containersOfPod(o: Obj): Obj[] {
  const spec = podSpecOf(o);
  if (!spec) return [];
  return [...((spec.initContainers as Obj[]) ?? []), ...((spec.containers as Obj[]) ?? [])];
}

const imageDefaultPolicy = (image: string) =>
  /:latest$|^[^:@]*$|^[^@]*\/[^:@]*$/.test(image.replace(/@sha256:.*/, ":pinned"))
    ? "Always"
    : "IfNotPresent";

/** `add`: spell each default the API server fills in; else remove each one spelled out. */
export function spellDefaults(objects: Obj[], add: boolean): Rewritten {
  const out = objects.map((o) => structuredClone(o));
  for (const o of out) {
    eachPort(o, (port) => {
      if (add) port.protocol ??= "TCP";
      else if (port.protocol === "TCP") delete port.protocol;
    });
    if (o.kind === "Service") {
      const spec = o.spec as Obj;
      if (add) spec.type ??= "ClusterIP";
      else if (spec.type === "ClusterIP") delete spec.type;
    }
    const pod = podSpecOf(o);
    if (pod) for (const field of FALSE_BY_DEFAULT) spell(pod, field, false, add);
    if (o.kind === "NetworkPolicy") {
      const spec = o.spec as Obj;
      const types = ["Ingress", ...(((spec.egress as Obj[]) ?? []).length ? ["Egress"] : [])];
      if (add) spec.policyTypes ??= types;
      else if (JSON.stringify(spec.policyTypes) === JSON.stringify(types)) delete spec.policyTypes;
    }
    for (const c of containersOfPod(o)) {
      const policy = imageDefaultPolicy(String(c.image));
      if (add) c.imagePullPolicy ??= policy;
      else if (c.imagePullPolicy === policy) delete c.imagePullPolicy;
      respellQuantities(c.resources as Obj | undefined);
      if (isObj(c.securityContext)) spell(c.securityContext, "privileged", false, add);
    }
  }
  return same(out);
}

/** Pod fields whose default is false: `hostNetwork: false` is what leaving it out means. */
const FALSE_BY_DEFAULT = ["hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace"];

function spell(holder: Obj, field: string, value: Json, add: boolean) {
  if (add) holder[field] ??= value;
  else if (holder[field] === value) delete holder[field];
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

/** `500m` as 0.5, `1` as the number 1, `256Mi` as bytes: the same quantity. */
function respellQuantities(resources: Obj | undefined) {
  for (const group of Object.values(resources ?? {})) {
    if (!isObj(group)) continue;
    for (const [name, q] of Object.entries(group)) {
      const text = String(q);
      const milli = /^(\d+)m$/.exec(text);
      const binary = /^(\d+)(Ki|Mi|Gi)$/.exec(text);
      if (milli && Number(milli[1]) % 100 === 0) group[name] = Number(milli[1]) / 1000;
      else if (binary) group[name] = Number(binary[1]) * BINARY[binary[2]!]!;
      else if (/^\d+$/.test(text)) group[name] = Number(text);
    }
  }
}

/**
 * Everything else the API server's defaulting writes, as `kubectl get -o yaml` shows it: the
 * rollout strategy, the pod's restart and DNS policies, probe timings, file modes (420, which the
 * YAML 1.1 spellings write `0644` or `0o644`), a Service's affinity and traffic policies, a secretKeyRef's `optional: false`,
 * a Namespace's `kubernetes.io/metadata.name` label, a Secret's `type: Opaque`, a ServiceAccount
 * subject's empty `apiGroup`.
 */
export function serverDefaults(objects: Obj[]): Rewritten {
  const out = objects.map((o) => structuredClone(o));
  for (const o of out) {
    const spec = o.spec as Obj | undefined;
    if (o.kind === "Deployment") {
      spec!.strategy ??= {
        type: "RollingUpdate",
        rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" },
      };
      spec!.progressDeadlineSeconds ??= 600;
    }
    if (o.kind === "Service" && spec!.clusterIP !== "None") {
      spec!.sessionAffinity ??= "None";
      spec!.internalTrafficPolicy ??= "Cluster";
      if (spec!.type === "LoadBalancer" || spec!.type === "NodePort")
        spec!.externalTrafficPolicy ??= "Cluster";
    }
    if (o.kind === "Namespace")
      meta(o).labels = { ...(meta(o).labels as Obj), "kubernetes.io/metadata.name": nameOf(o) };
    if (o.kind === "Secret") o.type ??= "Opaque";
    if (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding")
      for (const subject of (o.subjects as Obj[] | undefined) ?? [])
        if (subject.kind === "ServiceAccount") subject.apiGroup ??= "";
    const pod = podSpecOf(o);
    if (!pod) continue;
    pod.restartPolicy ??= o.kind === "Job" ? "OnFailure" : "Always";
    pod.dnsPolicy ??= "ClusterFirst";
    pod.schedulerName ??= "default-scheduler";
    pod.terminationGracePeriodSeconds ??= 30;
    for (const volume of (pod.volumes as Obj[] | undefined) ?? []) {
      const source = (volume.configMap ?? volume.secret) as Obj | undefined;
      if (source) source.defaultMode ??= 0o644;
    }
    for (const c of containersOfPod(o)) {
      c.terminationMessagePath ??= "/dev/termination-log";
      c.terminationMessagePolicy ??= "File";
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
        const p = c[probe] as Obj | undefined;
        if (!p) continue;
        p.timeoutSeconds ??= 1;
        p.periodSeconds ??= 10;
        p.successThreshold ??= 1;
        p.failureThreshold ??= 3;
        if (isObj(p.httpGet)) p.httpGet.scheme ??= "HTTP";
      }
      for (const env of (c.env as Obj[] | undefined) ?? []) {
        const ref = (env.valueFrom as Obj | undefined)?.secretKeyRef as Obj | undefined;
        if (ref) ref.optional ??= false;
      }
    }
  }
  return same(out);
}

// ---- named ports ------------------------------------------------------------------------------

/** The named container ports of the pods a label map selects. */
function namedPortsOf(objects: Obj[], selector: Obj | undefined): Map<number, string> | undefined {
  if (!selector || Object.keys(selector).length === 0) return undefined;
  const pods = objects.filter(
    (o) =>
      podSpecOf(o) &&
      Object.entries(selector).every(([k, v]) => podLabelsOf(o)[k] === v) &&
      namespaceOf(o) !== undefined,
  );
  if (pods.length !== 1) return undefined;
  const ports = new Map<number, string>();
  for (const c of containersOfPod(pods[0]!))
    for (const p of (c.ports as Obj[] | undefined) ?? [])
      if (typeof p.name === "string") ports.set(Number(p.containerPort), p.name);
  return ports;
}

const matchLabelsOf = (selector: Json | undefined) =>
  isObj(selector) && !selector.matchExpressions
    ? (selector.matchLabels as Obj | undefined)
    : undefined;

/**
 * Numbers written as the container port names they resolve to: a policy's ingress port against
 * the pods it selects, an egress port against the one workload its peer selects, a Service's
 * targetPort against its pods, a probe's port against its own container.
 */
export function namePorts(objects: Obj[]): Rewritten {
  const out = objects.map((o) => structuredClone(o));
  const rename = (port: Obj, key: string, names: Map<number, string> | undefined) => {
    const name = names?.get(Number(port[key]));
    // A range needs numbers: the API server refuses a named port with an endPort.
    if (name && typeof port[key] === "number" && port.endPort === undefined) port[key] = name;
  };
  for (const o of out) {
    if (o.kind === "NetworkPolicy") {
      const spec = o.spec as Obj;
      const own = namedPortsOf(out, matchLabelsOf(spec.podSelector));
      for (const rule of (spec.ingress as Obj[]) ?? [])
        for (const p of (rule.ports as Obj[]) ?? []) rename(p, "port", own);
      for (const rule of (spec.egress as Obj[]) ?? []) {
        const peers = (rule.to as Obj[] | undefined) ?? [];
        const target =
          peers.length === 1 && !peers[0]!.namespaceSelector
            ? namedPortsOf(out, matchLabelsOf(peers[0]!.podSelector))
            : undefined;
        for (const p of (rule.ports as Obj[]) ?? []) rename(p, "port", target);
      }
    }
    if (o.kind === "Service") {
      const spec = o.spec as Obj;
      const pods = namedPortsOf(out, spec.selector as Obj | undefined);
      for (const p of (spec.ports as Obj[]) ?? []) rename(p, "targetPort", pods);
    }
    for (const c of containersOfPod(o)) {
      const own = new Map<number, string>();
      for (const p of (c.ports as Obj[] | undefined) ?? [])
        if (typeof p.name === "string") own.set(Number(p.containerPort), p.name);
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
        const action = c[probe] as Obj | undefined;
        const http = (action?.httpGet ?? action?.tcpSocket) as Obj | undefined;
        if (http) rename(http, "port", own);
      }
    }
  }
  return same(out);
}

// ---- selectors and policies -------------------------------------------------------------------

/** `matchLabels` as `matchExpressions` `In [value]` (every key, or the first only). */
function asExpressions(selector: Obj, all: boolean): Obj {
  const labels = selector.matchLabels as Obj | undefined;
  if (!labels || Object.keys(labels).length === 0) return selector;
  const keys = all ? Object.keys(labels) : Object.keys(labels).slice(0, 1);
  const rest = Object.fromEntries(Object.entries(labels).filter(([k]) => !keys.includes(k)));
  const expressions = keys.map((key) => ({ key, operator: "In", values: [labels[key]!] }));
  const out: Obj = {
    ...selector,
    matchExpressions: [...((selector.matchExpressions as Obj[]) ?? []), ...expressions],
  };
  if (Object.keys(rest).length) out.matchLabels = rest;
  else delete out.matchLabels;
  return out;
}

/** Every pod and namespace selector of the policies (and workloads' own selectors) as expressions. */
export function selectorsAsExpressions(objects: Obj[], all: boolean): Rewritten {
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!isObj(node)) return node;
    const out: Obj = {};
    for (const [k, v] of Object.entries(node))
      out[k] =
        (k === "podSelector" || k === "namespaceSelector") && isObj(v)
          ? asExpressions(v, all)
          : rewrite(v);
    return out;
  };
  const out = objects.map((o) => {
    if (o.kind === "NetworkPolicy") return rewrite(o) as Obj;
    if (podSpecOf(o) && o.kind !== "Job" && o.kind !== "Pod") {
      const copy = structuredClone(o);
      (copy.spec as Obj).selector = asExpressions((copy.spec as Obj).selector as Obj, all);
      return copy;
    }
    return o;
  });
  return same(out);
}

/**
 * A policy with more than one rule, peer or port in one direction, split into two policies that
 * select the same pods for the same directions and allow together what it allowed.
 */
export function splitPolicy(objects: Obj[], which: number): Rewritten {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy" && splittable(o));
  if (policies.length === 0) return same(objects);
  const policy = policies[which % policies.length]!;
  const [first, second] = splitRules(policy);
  meta(second).name = `${nameOf(policy)}-part2`;
  const out = objects.flatMap((o) => (o === policy ? [first, second] : [o]));
  return { ...same(out), coarseKinds: ["NetworkPolicy"] };
}

function splittable(policy: Obj): boolean {
  const spec = policy.spec as Obj;
  return ["ingress", "egress"].some((dir) => {
    const rules = (spec[dir] as Obj[] | undefined) ?? [];
    return (
      rules.length > 1 ||
      rules.some((r) => peersOf(r).length > 1 || ((r.ports as Obj[]) ?? []).length > 1)
    );
  });
}

const peersOf = (rule: Obj) => ((rule.from ?? rule.to) as Obj[] | undefined) ?? [];

function splitRules(policy: Obj): [Obj, Obj] {
  const [first, second] = [structuredClone(policy), structuredClone(policy)];
  for (const dir of ["ingress", "egress"]) {
    const rules = ((policy.spec as Obj)[dir] as Obj[] | undefined) ?? [];
    if (rules.length === 0) continue;
    const [a, b] = halves(rules);
    (first.spec as Obj)[dir] = a;
    (second.spec as Obj)[dir] = b;
  }
  return [first, second];
}

/** Two lists of rules whose union is the rules: by rule, else by peer, else by port. */
function halves(rules: Obj[]): [Obj[], Obj[]] {
  if (rules.length > 1) return [rules.slice(0, 1), rules.slice(1)];
  const rule = rules[0]!;
  const peerKey = rule.from ? "from" : "to";
  const peers = peersOf(rule);
  if (peers.length > 1)
    return [[{ ...rule, [peerKey]: peers.slice(0, 1) }], [{ ...rule, [peerKey]: peers.slice(1) }]];
  const ports = (rule.ports as Obj[]) ?? [];
  if (ports.length > 1)
    return [[{ ...rule, ports: ports.slice(0, 1) }], [{ ...rule, ports: ports.slice(1) }]];
  return [rules, rules];
}

/** Two policies that select the same pods merged into one: directions and rules united. */
export function mergePolicies(objects: Obj[]): Rewritten {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  for (const [i, a] of policies.entries())
    for (const b of policies.slice(i + 1)) {
      if (
        JSON.stringify((a.spec as Obj).podSelector) !== JSON.stringify((b.spec as Obj).podSelector)
      )
        continue;
      if (namespaceOf(a) !== namespaceOf(b) || !typesCoverRules(a) || !typesCoverRules(b)) continue;
      const merged = structuredClone(a);
      const [sa, sb, sm] = [a.spec as Obj, b.spec as Obj, merged.spec as Obj];
      sm.policyTypes = [
        ...new Set([
          ...((sa.policyTypes as string[]) ?? []),
          ...((sb.policyTypes as string[]) ?? []),
        ]),
      ];
      for (const dir of ["ingress", "egress"]) {
        const rules = [...((sa[dir] as Obj[]) ?? []), ...((sb[dir] as Obj[]) ?? [])];
        if (rules.length) sm[dir] = rules;
      }
      const out = objects.filter((o) => o !== b).map((o) => (o === a ? merged : o));
      return { ...same(out), coarseKinds: ["NetworkPolicy"] };
    }
  return same(objects);
}

/** Explicit `policyTypes` naming each direction the policy has rules for. */
function typesCoverRules(policy: Obj): boolean {
  const spec = policy.spec as Obj;
  const types = spec.policyTypes as string[] | undefined;
  if (!types) return false;
  return (["ingress", "egress"] as const).every(
    (dir) =>
      !((spec[dir] as Obj[]) ?? []).length ||
      types.includes(dir === "ingress" ? "Ingress" : "Egress"),
  );
}

// ---- peers, ports and security contexts written another way ------------------------------------

/**
 * A pod peer of the policy's own namespace also named by `namespaceSelector` on
 * `kubernetes.io/metadata.name` (the label the API server sets on every namespace): the same pods.
 */
export function peersWithOwnNamespace(objects: Obj[]): Rewritten {
  const out = objects.map((o) => {
    if (o.kind !== "NetworkPolicy") return o;
    const copy = structuredClone(o);
    const spec = copy.spec as Obj;
    for (const rule of [...((spec.ingress as Obj[]) ?? []), ...((spec.egress as Obj[]) ?? [])])
      for (const peer of ((rule.from ?? rule.to) as Obj[] | undefined) ?? [])
        if (peer.podSelector && !peer.namespaceSelector)
          peer.namespaceSelector = {
            matchLabels: { "kubernetes.io/metadata.name": namespaceOf(o)! },
          };
    return copy;
  });
  return same(out);
}

/** A numbered policy port as the range `port`..`endPort` of that one port. */
export function portsAsRanges(objects: Obj[]): Rewritten {
  const out = objects.map((o) => {
    if (o.kind !== "NetworkPolicy") return o;
    const copy = structuredClone(o);
    const spec = copy.spec as Obj;
    for (const rule of [...((spec.ingress as Obj[]) ?? []), ...((spec.egress as Obj[]) ?? [])])
      for (const p of (rule.ports as Obj[] | undefined) ?? [])
        if (typeof p.port === "number") p.endPort = p.port;
    return copy;
  });
  return same(out);
}

/** A Service port's `targetPort` left out where it equals `port` (the API server's default). */
export function targetPortsDefaulted(objects: Obj[]): Rewritten {
  const out = objects.map((o) => {
    if (o.kind !== "Service") return o;
    const copy = structuredClone(o);
    for (const p of ((copy.spec as Obj).ports as Obj[]) ?? [])
      if (p.targetPort === p.port) delete p.targetPort;
    return copy;
  });
  return same(out);
}

const POD_LEVEL = ["runAsNonRoot", "runAsUser", "runAsGroup", "seccompProfile"];

/**
 * The pod's run-as and seccomp settings written on every container instead (`down`), or a
 * setting every container shares written once on the pod: the effective values stay.
 */
export function securityContextsMoved(objects: Obj[], down: boolean): Rewritten {
  const out = objects.map((o) => {
    const spec = podSpecOf(o);
    if (!spec) return o;
    const copy = structuredClone(o);
    const pod = podSpecOf(copy)!;
    const containers = [
      ...((pod.initContainers as Obj[]) ?? []),
      ...((pod.containers as Obj[]) ?? []),
    ];
    const podContext = (pod.securityContext ?? {}) as Obj;
    for (const field of POD_LEVEL) {
      if (down && field in podContext) {
        for (const c of containers) {
          const own = (c.securityContext ?? {}) as Obj;
          own[field] ??= structuredClone(podContext[field]!);
          c.securityContext = own;
        }
        delete podContext[field];
      }
      const values = containers.map((c) =>
        JSON.stringify(((c.securityContext ?? {}) as Obj)[field]),
      );
      if (
        !down &&
        values[0] !== undefined &&
        values.every((v) => v === values[0] && v !== undefined)
      ) {
        podContext[field] = JSON.parse(values[0]!);
        for (const c of containers) delete (c.securityContext as Obj)[field];
      }
    }
    pod.securityContext = podContext;
    return copy;
  });
  return same(out);
}

/** One rewrite after the other: names renamed last are renamed back first. */
export function chained(objects: Obj[], rewrites: ((objects: Obj[]) => Rewritten)[]): Rewritten {
  let result: Rewritten = same(objects);
  for (const rewrite of rewrites) {
    const next = rewrite(result.objects);
    result = {
      objects: next.objects,
      renames: new Map([...next.renames, ...result.renames]),
      settings: { ...result.settings, ...next.settings },
      coarseKinds: [...(result.coarseKinds ?? []), ...(next.coarseKinds ?? [])],
      ...(result.workloadKinds || next.workloadKinds ? { workloadKinds: true } : {}),
    };
  }
  return result;
}

/**
 * Scout's objects again in `namespace`, with its own Namespace, policies and credentials: a
 * second Scout, or (with `app`) another application: no Scout component label on its pods, its
 * Services inside the cluster, isolated by a default-deny policy of its own.
 */
export function addSecondCopy(
  objects: Obj[],
  source: Obj[],
  namespace: string,
  app?: string,
): Rewritten {
  const copy = secondCopy(source, namespace).map(withOwnCredentials);
  if (!app) return same([...objects, ...copy]);
  // No monitoring of Scout's scout_* metrics: no Prometheus, no rules, no monitors.
  const scoutOnly = (o: Obj) =>
    ["NetworkPolicy", "Ingress", "ServiceMonitor", "PrometheusRule"].includes(String(o.kind)) ||
    JSON.stringify(o.data ?? {}).includes("scout_") ||
    (meta(o).labels as Obj | undefined)?.[COMPONENT_LABEL] === "prometheus";
  const other = copy
    .filter((o) => !scoutOnly(o))
    .map((o) => renameKey(o, COMPONENT_LABEL, `${app}.example.com/part`) as Obj);
  for (const service of other.filter((o) => o.kind === "Service"))
    delete (service.spec as Obj).type;
  const isolation: Obj = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `${app}-default-deny`, namespace },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
  return same([...objects, ...other, isolation]);
}

/** A Secret's values made its own: one environment's tokens are never another's. */
function withOwnCredentials(o: Obj): Obj {
  if (o.kind !== "Secret" || !isObj(o.data)) return o;
  const data = Object.fromEntries(
    Object.entries(o.data).map(([k, v]) => [
      k,
      Buffer.from(
        `${Buffer.from(String(v), "base64").toString("utf8").split("").reverse().join("")}`,
      ).toString("base64"),
    ]),
  );
  return { ...o, data };
}

/**
 * Pod peers of one rule that differ in one label only, as one peer whose expression lists the
 * values: `{c: a}, {c: b}` as `c In [a, b]`.
 */
export function peersJoined(objects: Obj[]): Rewritten {
  const out = objects.map((o) => {
    if (o.kind !== "NetworkPolicy") return o;
    const copy = structuredClone(o);
    const spec = copy.spec as Obj;
    for (const rule of [...((spec.ingress as Obj[]) ?? []), ...((spec.egress as Obj[]) ?? [])]) {
      const key = rule.from ? "from" : "to";
      const joined = joinPeers((rule[key] as Obj[] | undefined) ?? []);
      if (joined) rule[key] = [joined];
    }
    return copy;
  });
  return { ...same(out), coarseKinds: ["NetworkPolicy"] };
}

function joinPeers(peers: Obj[]): Obj | undefined {
  const labels = peers.map((p) =>
    Object.keys(p).length === 1 && isObj(p.podSelector) && Object.keys(p.podSelector).length === 1
      ? (p.podSelector.matchLabels as Obj | undefined)
      : undefined,
  );
  if (peers.length < 2 || labels.some((l) => !l)) return undefined;
  const keys = Object.keys(labels[0]!);
  const varying = keys.filter((k) => labels.some((l) => l![k] !== labels[0]![k]));
  const sameKeys = labels.every((l) => Object.keys(l!).sort().join() === [...keys].sort().join());
  if (!sameKeys || varying.length !== 1) return undefined;
  const [key] = varying as [string];
  const fixed = Object.fromEntries(keys.filter((k) => k !== key).map((k) => [k, labels[0]![k]!]));
  const values = [...new Set(labels.map((l) => l![key]!))];
  return {
    podSelector: {
      ...(Object.keys(fixed).length ? { matchLabels: fixed } : {}),
      matchExpressions: [{ key, operator: "In", values }],
    },
  };
}

/** Each Role and ClusterRole rule with several verbs as one rule per verb: RBAC adds them up. */
export function roleRulesSplit(objects: Obj[]): Rewritten {
  const out = objects.map((o) => {
    if (o.kind !== "Role" && o.kind !== "ClusterRole") return o;
    const rules = (o.rules as Obj[] | undefined) ?? [];
    const split = rules.flatMap((rule) =>
      Array.isArray(rule.verbs) && rule.verbs.length > 1
        ? rule.verbs.map((verb) => ({ ...structuredClone(rule), verbs: [verb] }))
        : [rule],
    );
    return { ...o, rules: split };
  });
  return { ...same(out), coarseKinds: ["Role", "ClusterRole"] };
}

export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"];

/**
 * One Deployment's pods made by another controller (a StatefulSet, DaemonSet or ReplicaSet), or
 * written as a bare Pod: the same pods, labels and containers. Findings compare with the
 * workload kinds made one and without paths (`/spec/template/spec` is `/spec` in a Pod).
 */
export function workloadKindSwapped(objects: Obj[], pick: number): Rewritten {
  const deployments = objects.filter((o) => o.kind === "Deployment");
  if (deployments.length === 0) return same(objects);
  const chosen = deployments[pick % deployments.length]!;
  const kind = WORKLOAD_KINDS[1 + (pick % (WORKLOAD_KINDS.length - 1))]!;
  const swapped = asKind(chosen, kind, objects);
  return { ...same(objects.map((o) => (o === chosen ? swapped : o))), workloadKinds: true };
}

function asKind(deployment: Obj, kind: string, objects: Obj[]): Obj {
  const spec = deployment.spec as Obj;
  const template = spec.template as Obj;
  if (kind === "Pod") {
    const { name, namespace } = meta(deployment);
    return {
      apiVersion: "v1",
      kind,
      metadata: { ...meta(template), name: name!, namespace: namespace! },
      spec: structuredClone(template.spec!),
    };
  }
  // Fields only a Deployment has go: the API server refuses them on another kind.
  const { replicas, revisionHistoryLimit, strategy, progressDeadlineSeconds, paused, ...rest } =
    spec;
  const own: Obj = { ...rest };
  if (kind !== "DaemonSet" && replicas !== undefined) own.replicas = replicas;
  if (kind !== "ReplicaSet" && revisionHistoryLimit !== undefined)
    own.revisionHistoryLimit = revisionHistoryLimit;
  if (kind === "StatefulSet") {
    const service = objects.find(
      (o) =>
        o.kind === "Service" &&
        JSON.stringify((o.spec as Obj).selector) ===
          JSON.stringify((spec.selector as Obj).matchLabels),
    );
    own.serviceName = service ? nameOf(service) : nameOf(deployment);
  }
  return { ...structuredClone(deployment), kind, spec: structuredClone(own) };
}

/**
 * The backend's variables read one by one with `secretKeyRef` from one Secret, read instead with
 * one `envFrom` of that Secret, its keys renamed to the variables' names (and every other
 * `secretKeyRef` to them renamed too): the container gets the same variables with the same values.
 */
export function envFromSecret(objects: Obj[]): Rewritten {
  const out = objects.map((o) => structuredClone(o));
  const backend = out.find((o) => podSpecOf(o) && podLabelsOf(o)[COMPONENT_LABEL] === "backend");
  const container = backend && (podSpecOf(backend)!.containers as Obj[])[0];
  const env = (container?.env as Obj[] | undefined) ?? [];
  const refs = env.flatMap((e) => {
    const ref = (e.valueFrom as Obj | undefined)?.secretKeyRef as Obj | undefined;
    return ref ? [{ env: e, secret: String(ref.name), key: String(ref.key) }] : [];
  });
  const secret = out.find(
    (o) => o.kind === "Secret" && refs.length && nameOf(o) === refs[0]!.secret,
  );
  const data = secret?.data as Obj | undefined;
  const oneSecret = refs.every((r) => r.secret === refs[0]?.secret);
  const onlyThose = data && Object.keys(data).every((k) => refs.some((r) => r.key === k));
  if (!container || !secret || !data || !oneSecret || !onlyThose) return same(objects);
  const renamed = new Map(refs.map((r) => [r.key, String(r.env.name)]));
  secret.data = Object.fromEntries(Object.entries(data).map(([k, v]) => [renamed.get(k)!, v]));
  for (const o of out)
    for (const c of containersOfPod(o))
      for (const e of (c.env as Obj[] | undefined) ?? []) {
        const ref = (e.valueFrom as Obj | undefined)?.secretKeyRef as Obj | undefined;
        if (ref?.name === nameOf(secret) && renamed.has(String(ref.key)))
          ref.key = renamed.get(String(ref.key))!;
      }
  container.env = env.filter((e) => !refs.some((r) => r.env === e));
  container.envFrom = [
    ...((container.envFrom as Obj[]) ?? []),
    { secretRef: { name: nameOf(secret) } },
  ];
  return same(out);
}
