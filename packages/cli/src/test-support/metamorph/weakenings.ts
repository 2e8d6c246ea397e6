/**
 * One security-relevant change to a Scout deployment, and the findings it must add: one cause,
 * one finding (two where the catalogue gives the case to two rules), on the object to change.
 */
import type { Obj } from "../yaml-text.js";
import { nameOf, namespaceOf, podSpecOf, workloadOf } from "./deployments.js";

/**
 * `rule Kind/name`, then optionally ` /pointer`: a finding the change must add, and the field
 * (relative to the object) it must be reported on: the edited one, or where an absent one
 * belongs.
 */
export type Expected = string;

export interface Weakening {
  name: string;
  /** Edits the objects in place; returns the findings it must add, or undefined when it cannot apply. */
  apply: (objects: Obj[], component: string) => Expected[] | undefined;
}

const COMPONENTS = ["frontend", "backend", "nginx", "redis", "prometheus"];
export const componentNames = COMPONENTS;

const ref = (o: Obj) => `${o.kind}/${nameOf(o)}`;

/** The pod spec's pointer within its object. */
const podPath = (o: Obj) => (o.kind === "Pod" ? "/spec" : "/spec/template/spec");
const containerPath = (o: Obj) => `${podPath(o)}/containers/0`;

/** Each rule's finding on the workload, at `pointer`. */
const on = (workload: Obj, rules: readonly string[], pointer: string): Expected[] =>
  rules.map((rule) => `${rule} ${ref(workload)} ${pointer}`);

function firstContainer(o: Obj): Obj {
  return (podSpecOf(o)!.containers as Obj[])[0]!;
}

/**
 * A field of the first container's securityContext set to a value: the rules that must say so,
 * at that field (or `at` below it).
 */
function containerField(field: string, value: unknown, rules: string[], at = ""): Weakening {
  return {
    name: `${field}: ${JSON.stringify(value)} on one container`,
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      if (!workload) return undefined;
      const c = firstContainer(workload);
      c.securityContext = { ...(c.securityContext as Obj), [field]: value as Obj };
      return on(workload, rules, `${containerPath(workload)}/securityContext/${field}${at}`);
    },
  };
}

/** A field of the first container's securityContext removed: reported where it belongs. */
function containerFieldRemoved(field: string, rules: string[]): Weakening {
  return {
    name: `${field} removed from one container`,
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const own = workload && (firstContainer(workload).securityContext as Obj | undefined);
      const pod = workload && (podSpecOf(workload)!.securityContext as Obj | undefined);
      // The pod's value would stand in for it.
      if (!workload || !own || !(field in own) || (pod && field in pod)) return undefined;
      delete own[field];
      return on(workload, rules, `${containerPath(workload)}/securityContext`);
    },
  };
}

function podField(field: string, value: unknown, rules: string[]): Weakening {
  return {
    name: `${field}: ${JSON.stringify(value)} on one pod`,
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      if (!workload) return undefined;
      podSpecOf(workload)![field] = value as Obj;
      return on(workload, rules, `${podPath(workload)}/${field}`);
    },
  };
}

/** A field of the pod's securityContext, where every container inherits it. */
function podSecurityField(field: string, value: unknown, rules: string[], at = ""): Weakening {
  return {
    name: `pod securityContext ${field}: ${JSON.stringify(value)}`,
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const spec = workload && podSpecOf(workload);
      if (!workload || !spec || (spec.containers as Obj[]).length !== 1) return undefined;
      const own = firstContainer(workload).securityContext as Obj | undefined;
      // A container's own value overrides the pod's: the change would not reach it.
      if (own && field in own) return undefined;
      spec.securityContext = { ...(spec.securityContext as Obj), [field]: value as Obj };
      return on(workload, rules, `${podPath(workload)}/securityContext/${field}${at}`);
    },
  };
}

/** A field of the pod's securityContext removed: reported at the pod's securityContext. */
function podSecurityFieldRemoved(field: string, rules: string[]): Weakening {
  return {
    name: `pod securityContext ${field} removed`,
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const spec = workload && podSpecOf(workload);
      const pod = spec?.securityContext as Obj | undefined;
      const inContainers = (spec?.containers as Obj[] | undefined)?.some(
        (c) => c.securityContext && field in (c.securityContext as Obj),
      );
      if (!workload || !pod || !(field in pod) || inContainers) return undefined;
      delete pod[field];
      return on(workload, rules, `${podPath(workload)}/securityContext`);
    },
  };
}

/**
 * A container field (image, resources, probes) changed by `edit`, which returns the pointer
 * below the container where the finding belongs ("" for the container), or undefined when the
 * edit does not apply.
 */
function containerEdit(
  name: string,
  edit: (c: Obj, component: string) => string | undefined,
  rules: string[],
): Weakening {
  return {
    name,
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const at = workload && edit(firstContainer(workload), component);
      if (!workload || at === undefined) return undefined;
      return on(workload, rules, `${containerPath(workload)}${at}`);
    },
  };
}

/** The httpGet or tcpSocket of a probe, with its key. */
function portHandler(probe: unknown): [string, Obj] | undefined {
  if (!probe || typeof probe !== "object") return undefined;
  for (const key of ["httpGet", "tcpSocket"]) {
    const handler = (probe as Obj)[key];
    if (handler && typeof handler === "object") return [key, handler as Obj];
  }
  return undefined;
}

/** A NetworkPolicy of every pod of its namespace (`podSelector: {}`). */
function namespaceWide(o: Obj): boolean {
  const selector = o.kind === "NetworkPolicy" && ((o.spec as Obj).podSelector as Obj | undefined);
  return !!selector && Object.keys(selector).length === 0;
}

function policyOf(objects: Obj[], component: string): Obj | undefined {
  return objects.find((o) => {
    if (o.kind !== "NetworkPolicy") return false;
    const labels = ((o.spec as Obj).podSelector as Obj).matchLabels as Obj | undefined;
    return labels?.["app.kubernetes.io/component"] === component;
  });
}

/** The Service that sends to the component's pods (not the headless metrics one). */
function serviceOf(objects: Obj[], component: string): Obj | undefined {
  return objects.find(
    (o) =>
      o.kind === "Service" &&
      ((o.spec as Obj).selector as Obj | undefined)?.["app.kubernetes.io/component"] ===
        component &&
      (o.spec as Obj).clusterIP !== "None",
  );
}

/** The Role the backend's account is bound to (a Role with the backend's component label). */
function backendRole(objects: Obj[]): Obj | undefined {
  return objects.find(
    (o) =>
      o.kind === "Role" &&
      ((o.metadata as Obj).labels as Obj | undefined)?.["app.kubernetes.io/component"] ===
        "backend",
  );
}

function roleGrant(name: string, rule: Obj, expected: string, at: string): Weakening {
  return {
    name,
    apply: (objects) => {
      const role = backendRole(objects);
      if (!role) return undefined;
      role.rules = [...((role.rules as Obj[] | undefined) ?? []), rule];
      const index = (role.rules as Obj[]).length - 1;
      return [`${expected} ${ref(role)} /rules/${index}${at}`];
    },
  };
}

/** The RoleBinding of the backend's account, with its first subject. */
function backendBinding(objects: Obj[]): [Obj, Obj] | undefined {
  const binding = objects.find(
    (o) =>
      o.kind === "RoleBinding" &&
      ((o.subjects as Obj[] | undefined) ?? []).some((s) => s.kind === "ServiceAccount"),
  );
  const subject = (binding?.subjects as Obj[] | undefined)?.[0];
  return binding && subject ? [binding, subject] : undefined;
}

function theSecret(objects: Obj[]): Obj | undefined {
  return objects.find((o) => o.kind === "Secret" && (o.data as Obj | undefined)?.["api-token"]);
}

/** The first ingress rule of the component's policy that lists ports, with its index. */
function portedIngressRule(objects: Obj[], component: string): [Obj, Obj, number] | undefined {
  const policy = policyOf(objects, component);
  const rules = (policy?.spec as Obj | undefined)?.ingress as Obj[] | undefined;
  const index = rules?.findIndex((r) => ((r.ports as Obj[] | undefined) ?? []).length > 0) ?? -1;
  return policy && index >= 0 ? [policy, rules![index]!, index] : undefined;
}

const hygiene: Weakening[] = [
  containerEdit(
    "an image on :latest",
    (c) => {
      c.image = `${String(c.image).replace(/[:@].*$/, "")}:latest`;
      return "/image";
    },
    ["workload/image-pinned"],
  ),
  containerEdit(
    "an image without a tag",
    (c) => {
      c.image = String(c.image).replace(/[:@].*$/, "");
      return "/image";
    },
    ["workload/image-pinned"],
  ),
  containerEdit(
    "limits removed",
    (c) => {
      const resources = c.resources as Obj | undefined;
      if (!resources?.limits) return undefined;
      delete resources.limits;
      return "/resources";
    },
    ["workload/resources"],
  ),
  containerEdit(
    "resources removed",
    (c) => {
      if (!c.resources) return undefined;
      delete c.resources;
      return "";
    },
    ["workload/resources"],
  ),
  containerEdit(
    // The API server refuses it: one finding, input/schema's refusal yields to the rule's error.
    "limits.cpu: 1 core",
    (c) => {
      const limits = (c.resources as Obj | undefined)?.limits as Obj | undefined;
      if (!limits?.cpu) return undefined;
      limits.cpu = "1 core";
      return "/resources/limits/cpu";
    },
    ["workload/resources"],
  ),
  containerEdit(
    "a memory request above its limit",
    (c) => {
      const resources = c.resources as Obj | undefined;
      const requests = resources?.requests as Obj | undefined;
      if (!requests?.memory || !(resources?.limits as Obj | undefined)?.memory) return undefined;
      requests.memory = "64Gi";
      return "/resources/requests/memory";
    },
    ["workload/resources"],
  ),
  containerEdit(
    "the liveness probe removed",
    (c) => {
      if (!c.livenessProbe) return undefined;
      delete c.livenessProbe;
      return "";
    },
    ["workload/probes"],
  ),
  containerEdit(
    "the readiness probe removed",
    (c) => {
      if (!c.readinessProbe) return undefined;
      delete c.readinessProbe;
      return "";
    },
    ["workload/probes"],
  ),
  containerEdit(
    // A quoted number is a port name the API server refuses: workload/probes says how to write
    // it; port-coherence's refusal yields to it.
    "a probe port written as a quoted number",
    (c) => {
      const handler = portHandler(c.livenessProbe);
      if (!handler || typeof handler[1].port !== "number") return undefined;
      handler[1].port = String(handler[1].port);
      return `/livenessProbe/${handler[0]}/port`;
    },
    ["workload/probes"],
  ),
  containerEdit(
    "the backend's liveness probe on another port",
    (c, component) => {
      const handler = portHandler(c.livenessProbe);
      if (component !== "backend" || handler?.[0] !== "httpGet") return undefined;
      handler[1].port = 9000;
      return "/livenessProbe/httpGet/port";
    },
    // workload/probes' backend port; port-coherence's undeclared port yields to it.
    ["workload/probes"],
  ),
  containerEdit(
    "the backend's probe path changed",
    (c, component) => {
      const handler = portHandler(c.readinessProbe);
      if (component !== "backend" || handler?.[0] !== "httpGet") return undefined;
      handler[1].path = "/healthz";
      return "/readinessProbe/httpGet/path";
    },
    ["workload/probes"],
  ),
  containerEdit(
    "a probe on a port the container does not declare",
    (c, component) => {
      const handler = portHandler(c.livenessProbe);
      const declared = ((c.ports as Obj[] | undefined) ?? []).length > 0;
      if (component === "backend" || !handler || !declared) return undefined;
      handler[1].port = 9876;
      return `/livenessProbe/${handler[0]}/port`;
    },
    ["network/port-coherence"],
  ),
  containerEdit(
    "the backend's startup probe removed",
    (c, component) => {
      if (component !== "backend" || !c.startupProbe) return undefined;
      delete c.startupProbe;
      return "";
    },
    ["workload/startup-probe"],
  ),
];

export const weakenings: Weakening[] = [
  ...hygiene,
  containerField("runAsNonRoot", false, ["pod/run-as-non-root"]),
  // Root is run-as-non-root's cause; run-as-user yields to it on that field.
  containerField("runAsUser", 0, ["pod/run-as-non-root"]),
  containerField("runAsUser", 2000, ["pod/run-as-user"]),
  containerField("runAsGroup", 0, ["pod/non-root-groups"]),
  containerField("readOnlyRootFilesystem", false, ["pod/read-only-root-filesystem"]),
  containerField("allowPrivilegeEscalation", true, ["pod/no-privilege-escalation"]),
  containerField(
    "capabilities",
    { drop: ["ALL"], add: ["NET_ADMIN"] },
    ["pod/drop-all-capabilities"],
    "/add/0",
  ),
  containerField("capabilities", { drop: ["all"] }, ["pod/drop-all-capabilities"], "/drop/0"),
  containerField("capabilities", { drop: ["NET_RAW"] }, ["pod/drop-all-capabilities"], "/drop"),
  containerField("seccompProfile", { type: "Unconfined" }, ["pod/seccomp-profile"], "/type"),
  containerField("procMount", "Unmasked", ["pod/proc-mount"]),
  containerField("privileged", true, ["pod/not-privileged"]),
  containerField("seLinuxOptions", { type: "spc_t" }, ["pod/selinux-options"], "/type"),
  containerField("appArmorProfile", { type: "Unconfined" }, ["pod/apparmor-profile"], "/type"),
  containerField(
    "windowsOptions",
    { hostProcess: true },
    ["pod/no-host-namespaces"],
    "/hostProcess",
  ),
  containerFieldRemoved("readOnlyRootFilesystem", ["pod/read-only-root-filesystem"]),
  containerFieldRemoved("allowPrivilegeEscalation", ["pod/no-privilege-escalation"]),
  containerFieldRemoved("capabilities", ["pod/drop-all-capabilities"]),
  podSecurityField("runAsNonRoot", false, ["pod/run-as-non-root"]),
  podSecurityField("runAsUser", 0, ["pod/run-as-non-root"]),
  podSecurityField("runAsUser", 1001, ["pod/run-as-user"]),
  podSecurityField("fsGroup", 0, ["pod/non-root-groups"]),
  podSecurityField("supplementalGroups", [1000, 0], ["pod/non-root-groups"], "/1"),
  podSecurityField("seccompProfile", { type: "Unconfined" }, ["pod/seccomp-profile"], "/type"),
  podSecurityField("appArmorProfile", { type: "Unconfined" }, ["pod/apparmor-profile"], "/type"),
  podSecurityField("seLinuxOptions", { type: "spc_t" }, ["pod/selinux-options"], "/type"),
  podSecurityField(
    "sysctls",
    [{ name: "kernel.msgmax", value: "65536" }],
    ["pod/safe-sysctls"],
    "/0/name",
  ),
  podSecurityFieldRemoved("runAsNonRoot", ["pod/run-as-non-root"]),
  podSecurityFieldRemoved("runAsUser", ["pod/run-as-user"]),
  podSecurityFieldRemoved("seccompProfile", ["pod/seccomp-profile"]),
  podField("shareProcessNamespace", true, ["pod/no-shared-process-namespace"]),
  // The flows to and from a pod on the node's network break too: the network rules' findings
  // yield to this one on its line (one cause, one finding).
  podField("hostNetwork", true, ["pod/no-host-namespaces"]),
  podField("hostPID", true, ["pod/no-host-namespaces"]),
  podField("hostIPC", true, ["pod/no-host-namespaces"]),
  {
    name: "a hostPort on one container port",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const port = workload && (firstContainer(workload).ports as Obj[] | undefined)?.[0];
      if (!workload || !port) return undefined;
      port.hostPort = port.containerPort!;
      return on(workload, ["pod/no-host-path"], `${containerPath(workload)}/ports/0/hostPort`);
    },
  },
  {
    name: "/tmp from a hostPath volume",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const volumes = workload && (podSpecOf(workload)!.volumes as Obj[] | undefined);
      const index = volumes?.findIndex((v) => v.emptyDir !== undefined) ?? -1;
      if (!workload || index < 0) return undefined;
      volumes![index] = { name: volumes![index]!.name!, hostPath: { path: "/var/tmp" } };
      // no-host-path's error; restricted-volume-types and writable-paths yield to it.
      return on(workload, ["pod/no-host-path"], `${podPath(workload)}/volumes/${index}/hostPath`);
    },
  },
  {
    name: "/tmp from an nfs volume",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const volumes = workload && (podSpecOf(workload)!.volumes as Obj[] | undefined);
      const index = volumes?.findIndex((v) => v.emptyDir !== undefined) ?? -1;
      if (!workload || index < 0) return undefined;
      volumes![index] = { name: volumes![index]!.name!, nfs: { server: "nfs.local", path: "/x" } };
      return on(
        workload,
        ["pod/restricted-volume-types"],
        `${podPath(workload)}/volumes/${index}/nfs`,
      );
    },
  },
  {
    name: "a token mounted under no dedicated account",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const spec = workload && podSpecOf(workload);
      if (!workload || !spec || (spec.serviceAccountName ?? "default") !== "default")
        return undefined;
      spec.automountServiceAccountToken = true;
      return on(
        workload,
        ["pod/service-account-token"],
        `${podPath(workload)}/automountServiceAccountToken`,
      );
    },
  },
  {
    name: "the token setting removed under no dedicated account",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const spec = workload && podSpecOf(workload);
      if (!workload || !spec || (spec.serviceAccountName ?? "default") !== "default")
        return undefined;
      if (spec.automountServiceAccountToken !== false) return undefined;
      delete spec.automountServiceAccountToken;
      return on(workload, ["pod/service-account-token"], podPath(workload));
    },
  },
  {
    name: "the backend under the default service account",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const spec = workload && podSpecOf(workload);
      if (component !== "backend" || !workload || !spec?.serviceAccountName) return undefined;
      spec.serviceAccountName = "default";
      const expected = on(
        workload,
        ["rbac/dedicated-service-account"],
        `${podPath(workload)}/serviceAccountName`,
      );
      // Both catalogue lines: the default account's token is mounted unless the pod says false.
      if (spec.automountServiceAccountToken === false) return expected;
      return [...expected, ...on(workload, ["pod/service-account-token"], podPath(workload))];
    },
  },
  {
    // Between two isolated pods one policy edit opens nothing (the other side still blocks it):
    // addresses outside the cluster are the one peer a single rule lets in.
    name: "a flow added to one policy: addresses outside the cluster may reach the component",
    apply: (objects, component) => {
      const policy = policyOf(objects, component);
      const rules = (policy?.spec as Obj | undefined)?.ingress as Obj[] | undefined;
      if (!policy || !rules?.length || component === "nginx") return undefined;
      rules.push({ from: [{ ipBlock: { cidr: "203.0.113.0/24" } }] });
      return [`network/allowed-flows ${ref(policy)} /spec/ingress/${rules.length - 1}`];
    },
  },
  {
    name: "a port opened in one policy's first ingress rule",
    apply: (objects, component) => {
      const found = portedIngressRule(objects, component);
      // nginx's rule from outside: an extra port there is allowed-flows' extra flow.
      if (!found || component === "nginx") return undefined;
      const [policy, rule, index] = found;
      (rule.ports as Obj[]).push({ protocol: "TCP", port: 9999 });
      // Nothing listens there: no flow opens, and the port disagrees with the pods' ports.
      const at = `/spec/ingress/${index}/ports/${(rule.ports as Obj[]).length - 1}/port`;
      return [`network/port-coherence ${ref(policy)} ${at}`];
    },
  },
  {
    name: "an intended port changed in one policy's ingress rule",
    apply: (objects, component) => {
      const found = portedIngressRule(objects, component);
      const ports = found?.[1].ports as Obj[] | undefined;
      if (!found || component === "nginx" || ports?.length !== 1) return undefined;
      if (typeof ports[0]!.port !== "number") return undefined;
      const [policy, , index] = found;
      ports[0]!.port = 9876;
      // The intended flow it blocks is allowed-flows' missing flow on that port's line; the port
      // no pod declares (port-coherence) yields to it there.
      return [`network/allowed-flows ${ref(policy)} /spec/ingress/${index}/ports/0/port`];
    },
  },
  {
    name: "an intended port changed in one policy's egress rule",
    apply: (objects, component) => {
      const policy = policyOf(objects, component);
      const rules = (policy?.spec as Obj | undefined)?.egress as Obj[] | undefined;
      const index =
        rules?.findIndex((r) => {
          const ports = r.ports as Obj[] | undefined;
          return ports?.length === 1 && typeof ports[0]!.port === "number" && r.to !== undefined;
        }) ?? -1;
      if (!policy || index < 0) return undefined;
      (rules![index]!.ports as Obj[])[0]!.port = 9876;
      return [`network/allowed-flows ${ref(policy)} /spec/egress/${index}/ports/0/port`];
    },
  },
  {
    // One namespace-wide rule serves every client: applied once, on the frontend's turn.
    name: "the namespace-wide DNS rule's UDP port 53 changed to 54",
    apply: (objects, component) => {
      if (component !== "frontend") return undefined;
      for (const policy of objects.filter(namespaceWide)) {
        const rules = ((policy.spec as Obj).egress as Obj[] | undefined) ?? [];
        for (const [index, rule] of rules.entries()) {
          const ports = (rule.ports as Obj[] | undefined) ?? [];
          const udp = ports.findIndex((p) => p.port === 53 && p.protocol === "UDP");
          if (udp < 0 || !ports.every((p) => p.port === 53)) continue;
          ports[udp]!.port = 54;
          // Every client's DNS is that port's one finding, not one per client.
          return [`network/allowed-flows ${ref(policy)} /spec/egress/${index}/ports/${udp}/port`];
        }
      }
      return undefined;
    },
  },
  {
    name: "0.0.0.0/0 with an except added beside the pod peers of one policy's ingress rule",
    apply: (objects, component) => {
      const found = portedIngressRule(objects, component);
      const peers = found?.[1].from as Obj[] | undefined;
      // nginx's rule from outside already admits every address.
      if (!found || component === "nginx" || !peers?.length) return undefined;
      if (!peers.every((p) => p.podSelector || p.namespaceSelector)) return undefined;
      peers.push({ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } });
      const [policy, , index] = found;
      // The flow from outside it opens is one finding on the cidr, naming that flow.
      return [
        `network/allowed-flows ${ref(policy)} /spec/ingress/${index}/from/${peers.length - 1}/ipBlock/cidr`,
      ];
    },
  },
  {
    name: "an intended port of one policy's ingress rule widened to a range by endPort",
    apply: (objects, component) => {
      const found = portedIngressRule(objects, component);
      const ports = found?.[1].ports as Obj[] | undefined;
      if (!found || component === "nginx" || ports?.length !== 1) return undefined;
      const port = ports[0]!.port;
      if (typeof port !== "number" || port > 65000) return undefined;
      ports[0]!.endPort = port + 100;
      const [policy, , index] = found;
      // The other side still stops the range: a policy port no pod listens on, on endPort.
      return [`network/port-coherence ${ref(policy)} /spec/ingress/${index}/ports/0/endPort`];
    },
  },
  ...(["TCP", "UDP"] as const).map(
    (protocol): Weakening => ({
      // One namespace-wide rule serves every client: applied once, on the frontend's turn.
      name: `the namespace-wide DNS rule's ${protocol === "TCP" ? "UDP" : "TCP"} 53 changed to ${protocol} 53`,
      apply: (objects, component) => {
        if (component !== "frontend") return undefined;
        const lost = protocol === "TCP" ? "UDP" : "TCP";
        for (const policy of objects.filter(namespaceWide)) {
          const rules = ((policy.spec as Obj).egress as Obj[] | undefined) ?? [];
          for (const [index, rule] of rules.entries()) {
            const ports = (rule.ports as Obj[] | undefined) ?? [];
            const at = ports.findIndex((p) => p.port === 53 && p.protocol === lost);
            if (at < 0 || !ports.every((p) => p.port === 53)) continue;
            ports[at]!.protocol = protocol;
            // Exactly the pair it lost, on the protocol edited, one finding for every client.
            return [
              `network/allowed-flows ${ref(policy)} /spec/egress/${index}/ports/${at}/protocol`,
            ];
          }
        }
        return undefined;
      },
    }),
  ),
  {
    name: "an intended port of one policy written as a quoted number",
    apply: (objects, component) => {
      const found = portedIngressRule(objects, component);
      const ports = found?.[1].ports as Obj[] | undefined;
      if (!found || typeof ports?.[0]?.port !== "number") return undefined;
      const [policy, , index] = found;
      ports[0]!.port = String(ports[0]!.port) as unknown as Obj;
      // No port name: the API server refuses the policy, and the flows it was written for are
      // blocked; the refusal on that port is the one finding.
      return [`network/port-coherence ${ref(policy)} /spec/ingress/${index}/ports/0/port`];
    },
  },
  {
    name: "the component label renamed in one policy's peer",
    apply: (objects, component) => {
      const found = portedIngressRule(objects, component);
      const peer = (found?.[1].from as Obj[] | undefined)?.[0];
      const labels = (peer?.podSelector as Obj | undefined)?.matchLabels as Obj | undefined;
      const key = "app.kubernetes.io/component";
      if (!found || !peer || peer.namespaceSelector || typeof labels?.[key] !== "string")
        return undefined;
      labels[key] = `${labels[key]}x`;
      const [policy, , index] = found;
      return [
        `network/allowed-flows ${ref(policy)} /spec/ingress/${index}/from/0/podSelector/matchLabels/app.kubernetes.io~1component`,
      ];
    },
  },
  {
    // The default deny left only on the component, which its own policy isolates anyway.
    name: "the default deny's podSelector narrowed to one component",
    apply: (objects, component) => {
      const deny = objects.find(
        (o) => namespaceWide(o) && !(o.spec as Obj).ingress && !(o.spec as Obj).egress,
      );
      const typesOf = (o: Obj | undefined) =>
        ((o?.spec as Obj | undefined)?.policyTypes as string[] | undefined) ?? [];
      // What the namespace's other namespace-wide policies (DNS egress) still isolate.
      const wide = objects.filter((o) => namespaceWide(o) && o !== deny).flatMap(typesOf);
      const isolatedBoth = (c: string) =>
        ["Ingress", "Egress"].every(
          (t) => typesOf(policyOf(objects, c)).includes(t) || wide.includes(t),
        );
      // The component stays isolated by its own policy; another that nothing else isolates both
      // ways is left open, else the change opens nothing.
      const others = componentNames.filter((c) => c !== component && workloadOf(objects, c));
      const ownBoth = ["Ingress", "Egress"].every((t) =>
        typesOf(policyOf(objects, component)).includes(t),
      );
      if (!deny || !ownBoth || others.every(isolatedBoth)) return undefined;
      (deny.spec as Obj).podSelector = {
        matchLabels: { "app.kubernetes.io/component": component },
      };
      return [`network/default-deny ${ref(deny)} /spec/podSelector`];
    },
  },
  {
    name: "Egress left out of the policyTypes of a policy with egress rules",
    apply: (objects, component) => {
      const policy = policyOf(objects, component);
      const spec = policy?.spec as Obj | undefined;
      const types = spec?.policyTypes as string[] | undefined;
      const egress = spec?.egress as Obj[] | undefined;
      // An empty list is defaulted from the rules: it would still hold Egress.
      if (!policy || !types?.includes("Egress") || types.length < 2 || !egress?.some((r) => r.to))
        return undefined;
      spec!.policyTypes = types.filter((t) => t !== "Egress");
      return [`network/allowed-flows ${ref(policy)} /spec/policyTypes`];
    },
  },
  {
    name: "the container port changed",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const ports = workload && (firstContainer(workload).ports as Obj[] | undefined);
      const containers = workload && (podSpecOf(workload)!.containers as Obj[]);
      if (!workload || ports?.length !== 1 || containers?.length !== 1) return undefined;
      // A port its probes name keeps those users: its numbered ones are each reported.
      const named = ["livenessProbe", "readinessProbe", "startupProbe"].some(
        (p) => typeof portHandler(firstContainer(workload)[p])?.[1].port === "string",
      );
      if (named) return undefined;
      ports[0]!.containerPort = 9876;
      // Every reference to the old port breaks: one finding on the port that changed.
      const at = `${containerPath(workload)}/ports/0/containerPort`;
      return on(workload, ["network/port-coherence"], at);
    },
  },
  {
    name: "a policy peer that admits every namespace",
    apply: (objects, component) => {
      const found = portedIngressRule(objects, component);
      const peers = found?.[1].from as Obj[] | undefined;
      if (!found || component === "nginx" || !peers?.[0]?.podSelector) return undefined;
      const [policy, , index] = found;
      peers[0] = { ...peers[0], namespaceSelector: {} };
      return [
        `network/no-broad-peers ${ref(policy)} /spec/ingress/${index}/from/0/namespaceSelector`,
      ];
    },
  },
  {
    name: "a Service exposed as a LoadBalancer",
    apply: (objects, component) => {
      const service = component !== "nginx" && serviceOf(objects, component);
      if (!service) return undefined;
      (service.spec as Obj).type = "LoadBalancer";
      return [`network/external-exposure ${ref(service)} /spec/type`];
    },
  },
  {
    name: "a Service exposed as a NodePort",
    apply: (objects, component) => {
      const service = component !== "nginx" && serviceOf(objects, component);
      if (!service) return undefined;
      (service.spec as Obj).type = "NodePort";
      return [`network/external-exposure ${ref(service)} /spec/type`];
    },
  },
  {
    name: "a Service given externalIPs",
    apply: (objects, component) => {
      const service = component !== "nginx" && serviceOf(objects, component);
      if (!service) return undefined;
      (service.spec as Obj).externalIPs = ["203.0.113.9"];
      return [`network/external-exposure ${ref(service)} /spec/externalIPs`];
    },
  },
  {
    name: "a Service's targetPort on a port the pods do not declare",
    apply: (objects, component) => {
      // Left: where Prometheus scrapes the backend through this Service, monitoring/metrics-
      // scraped also reports it unscraped, on the backend's pod template (a second finding).
      if (component === "backend") return undefined;
      const service = serviceOf(objects, component);
      const port = ((service?.spec as Obj | undefined)?.ports as Obj[] | undefined)?.[0];
      if (!service || !port) return undefined;
      port.targetPort = 9876;
      return [`network/port-coherence ${ref(service)} /spec/ports/0/targetPort`];
    },
  },
  {
    name: "a Service's targetPort written as a quoted number",
    apply: (objects, component) => {
      const service = serviceOf(objects, component);
      const port = ((service?.spec as Obj | undefined)?.ports as Obj[] | undefined)?.[0];
      if (!service || !port || typeof port.targetPort !== "number") return undefined;
      port.targetPort = String(port.targetPort);
      return [`network/port-coherence ${ref(service)} /spec/ports/0/targetPort`];
    },
  },
  {
    name: "a ClusterRoleBinding to the component's account",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const account = workload && (podSpecOf(workload)!.serviceAccountName as string | undefined);
      if (!workload || !account || account === "default") return undefined;
      const binding: Obj = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "scout-extra-view" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "ServiceAccount", name: account, namespace: namespaceOf(workload)! }],
      };
      objects.push(binding);
      return [`rbac/namespace-scoped ${ref(binding)} /subjects/0`];
    },
  },
  roleGrant(
    "a wildcard verb in the backend's Role",
    { apiGroups: [""], resources: ["configmaps"], verbs: ["*"] },
    "rbac/no-wildcards",
    "/verbs/0",
  ),
  roleGrant(
    "a wildcard resource in the backend's Role",
    { apiGroups: [""], resources: ["*"], verbs: ["get"] },
    "rbac/no-wildcards",
    "/resources/0",
  ),
  roleGrant(
    "list on secrets in the backend's Role",
    { apiGroups: [""], resources: ["secrets"], verbs: ["list"] },
    "rbac/no-dangerous-verbs",
    "/verbs/0",
  ),
  roleGrant(
    "create on pods/exec in the backend's Role",
    { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
    "rbac/no-dangerous-verbs",
    "/verbs/0",
  ),
  {
    name: "the backend's RoleBinding names the default account",
    apply: (objects) => {
      const found = backendBinding(objects);
      if (!found) return undefined;
      found[1].name = "default";
      return [`rbac/minimal-subjects ${ref(found[0])} /subjects/0/name`];
    },
  },
  {
    name: "the backend's RoleBinding names system:authenticated",
    apply: (objects) => {
      const found = backendBinding(objects);
      if (!found) return undefined;
      const subjects = found[0].subjects as Obj[];
      subjects[0] = {
        kind: "Group",
        apiGroup: "rbac.authorization.k8s.io",
        name: "system:authenticated",
      };
      return [`rbac/minimal-subjects ${ref(found[0])} /subjects/0/name`];
    },
  },
  {
    name: "the backend's RoleBinding in namespace default",
    apply: (objects) => {
      const found = backendBinding(objects);
      if (!found) return undefined;
      (found[0].metadata as Obj).namespace = "default";
      // rbac/namespace-scoped's cause; workload/namespace yields to it on that field.
      return [`rbac/namespace-scoped ${ref(found[0])} /metadata/namespace`];
    },
  },
  {
    name: "the API token weakened to changeme",
    apply: (objects) => {
      const secret = theSecret(objects);
      if (!secret) return undefined;
      (secret.data as Obj)["api-token"] = Buffer.from("changeme").toString("base64");
      return [`secrets/strong-token ${ref(secret)} /data/api-token`];
    },
  },
  {
    name: "a Secret value that is no base64",
    apply: (objects) => {
      const secret = theSecret(objects);
      if (!secret) return undefined;
      (secret.data as Obj)["api-token"] = "not*base64";
      return [`secrets/valid-base64 ${ref(secret)} /data/api-token`];
    },
  },
  {
    name: "a Secret with stringData",
    apply: (objects) => {
      const secret = theSecret(objects);
      if (!secret) return undefined;
      secret.stringData = { extra: "hello" };
      return [`secrets/string-data ${ref(secret)} /stringData/extra`];
    },
  },
  {
    name: "a secretKeyRef to a key the Secret lacks",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const env = workload && (firstContainer(workload).env as Obj[] | undefined);
      const index =
        env?.findIndex((e) => (e.valueFrom as Obj | undefined)?.secretKeyRef !== undefined) ?? -1;
      if (!workload || index < 0) return undefined;
      ((env![index]!.valueFrom as Obj).secretKeyRef as Obj).key = "no-such-key";
      const at = `${containerPath(workload)}/env/${index}/valueFrom/secretKeyRef/key`;
      return on(workload, ["workload/references-resolve"], at);
    },
  },
  {
    name: "a password as a plain env value",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      if (!workload) return undefined;
      const c = firstContainer(workload);
      const env = [...((c.env as Obj[] | undefined) ?? []), { name: "DB_PASSWORD", value: "x" }];
      env[env.length - 1]!.value = "hunter2hunter2";
      c.env = env;
      const at = `${containerPath(workload)}/env/${env.length - 1}/value`;
      return on(workload, ["secrets/no-plaintext-env"], at);
    },
  },
  {
    name: "a credential key in a ConfigMap",
    apply: (objects, component) => {
      const map = objects.find(
        (o) =>
          o.kind === "ConfigMap" &&
          ((o.metadata as Obj).labels as Obj | undefined)?.["app.kubernetes.io/component"] ===
            component,
      );
      if (!map) return undefined;
      map.data = {
        ...(map.data as Obj | undefined),
        "api-token": "Zq3tW9xV2bN8mK4pL7rT1yU6iO0aS5dF",
      };
      return [`secrets/no-secret-in-configmap ${ref(map)} /data/api-token`];
    },
  },
  {
    name: "the alert on authentication failures watching a misspelt metric",
    apply: (objects, component) => {
      const held = component === "prometheus" && dataHolding(objects, "scout_auth_failures_total");
      if (!held) return undefined;
      const { map, key } = held;
      const data = map.data as Obj;
      data[key] = String(data[key]).replaceAll(
        "scout_auth_failures_total",
        "scout_auth_fail_total",
      );
      return [`monitoring/security-alerts ${ref(map)} /data/${key}`];
    },
  },
  {
    name: "the scrape job asking the backend on another port",
    apply: (objects, component) => {
      const held = component === "prometheus" && dataHolding(objects, "port: 8000");
      if (!held) return undefined;
      const { map, key } = held;
      const data = map.data as Obj;
      data[key] = String(data[key]).replace("port: 8000", "port: 8001");
      return [`monitoring/metrics-scraped ${ref(map)} /data/${key}`];
    },
  },
  {
    name: "the Scout namespace enforcing baseline",
    apply: (objects) => {
      const namespace = objects.find((o) => o.kind === "Namespace");
      const labels = namespace && ((namespace.metadata as Obj).labels as Obj | undefined);
      if (!namespace || !labels?.["pod-security.kubernetes.io/enforce"]) return undefined;
      labels["pod-security.kubernetes.io/enforce"] = "baseline";
      return [
        `namespace/pod-security-labels ${ref(namespace)} /metadata/labels/pod-security.kubernetes.io~1enforce`,
      ];
    },
  },
  {
    name: "the scrape port annotation on a port the pods do not declare",
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      const template = workload?.kind === "Pod" ? workload : (workload?.spec as Obj)?.template;
      const annotations = (template as Obj | undefined)?.metadata as Obj | undefined;
      const scrape = annotations?.annotations as Obj | undefined;
      // The backend's is monitoring/metrics-scraped's wrongPort when nothing else scrapes it.
      if (component === "backend" || !workload || !scrape?.["prometheus.io/port"]) return undefined;
      scrape["prometheus.io/port"] = "9876";
      const base = workload.kind === "Pod" ? "" : "/spec/template";
      return on(
        workload,
        ["network/port-coherence"],
        `${base}/metadata/annotations/prometheus.io~1port`,
      );
    },
  },
];

/** The first ConfigMap entry whose text holds `text`. */
function dataHolding(objects: Obj[], text: string): { map: Obj; key: string } | undefined {
  for (const map of objects) {
    if (map.kind !== "ConfigMap") continue;
    const data = (map.data as Obj | undefined) ?? {};
    const key = Object.keys(data).find((k) => String(data[k]).includes(text));
    if (key !== undefined) return { map, key };
  }
  return undefined;
}
