/**
 * One security-relevant change to a Scout deployment, and the findings it must add: one cause,
 * one finding (two where the catalogue gives the case to two rules), on the object to change.
 */
import type { Obj } from "../yaml-text.js";
import { nameOf, namespaceOf, podSpecOf, workloadOf } from "./deployments.js";

/** `rule Kind/name`: a finding the change must add. */
export type Expected = string;

export interface Weakening {
  name: string;
  /** Edits the objects in place; returns the findings it must add, or undefined when it cannot apply. */
  apply: (objects: Obj[], component: string) => Expected[] | undefined;
}

const COMPONENTS = ["frontend", "backend", "nginx", "redis", "prometheus"];
export const componentNames = COMPONENTS;

const ref = (o: Obj) => `${o.kind}/${nameOf(o)}`;

function firstContainer(o: Obj): Obj {
  return (podSpecOf(o)!.containers as Obj[])[0]!;
}

/** A field of the first container's securityContext set to a value: the rules that must say so. */
function containerField(field: string, value: unknown, rules: string[]): Weakening {
  return {
    name: `${field}: ${JSON.stringify(value)} on one container`,
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      if (!workload) return undefined;
      const c = firstContainer(workload);
      c.securityContext = { ...(c.securityContext as Obj), [field]: value as Obj };
      return rules.map((rule) => `${rule} ${ref(workload)}`);
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
      return rules.map((rule) => `${rule} ${ref(workload)}`);
    },
  };
}

/** A field of the pod's securityContext, where every container inherits it. */
function podSecurityField(field: string, value: unknown, rules: string[]): Weakening {
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
      return rules.map((rule) => `${rule} ${ref(workload)}`);
    },
  };
}

/** A container field (image, resources, probes) changed: the hygiene rule that must say so. */
function containerEdit(name: string, edit: (c: Obj) => boolean, rules: string[]): Weakening {
  return {
    name,
    apply: (objects, component) => {
      const workload = workloadOf(objects, component);
      if (!workload || !edit(firstContainer(workload))) return undefined;
      return rules.map((rule) => `${rule} ${ref(workload)}`);
    },
  };
}

function policyOf(objects: Obj[], component: string): Obj | undefined {
  return objects.find((o) => {
    if (o.kind !== "NetworkPolicy") return false;
    const labels = ((o.spec as Obj).podSelector as Obj).matchLabels as Obj | undefined;
    return labels?.["app.kubernetes.io/component"] === component;
  });
}

const hygiene: Weakening[] = [
  containerEdit(
    "an image on :latest",
    (c) => {
      c.image = `${String(c.image).replace(/[:@].*$/, "")}:latest`;
      return true;
    },
    ["workload/image-pinned"],
  ),
  containerEdit(
    "limits removed",
    (c) => {
      const resources = c.resources as Obj | undefined;
      if (!resources?.limits) return false;
      delete resources.limits;
      return true;
    },
    ["workload/resources"],
  ),
  containerEdit(
    "the liveness probe removed",
    (c) => {
      if (!c.livenessProbe) return false;
      delete c.livenessProbe;
      return true;
    },
    ["workload/probes"],
  ),
];

export const weakenings: Weakening[] = [
  ...hygiene,
  containerField("runAsNonRoot", false, ["pod/run-as-non-root"]),
  containerField("runAsUser", 0, ["pod/run-as-non-root", "pod/run-as-user"]),
  containerField("runAsUser", 2000, ["pod/run-as-user"]),
  containerField("readOnlyRootFilesystem", false, ["pod/read-only-root-filesystem"]),
  containerField("allowPrivilegeEscalation", true, ["pod/no-privilege-escalation"]),
  containerField("capabilities", { drop: ["ALL"], add: ["NET_ADMIN"] }, [
    "pod/drop-all-capabilities",
  ]),
  containerField("capabilities", { drop: ["all"] }, ["pod/drop-all-capabilities"]),
  containerField("seccompProfile", { type: "Unconfined" }, ["pod/seccomp-profile"]),
  containerField("procMount", "Unmasked", ["pod/proc-mount"]),
  containerField("privileged", true, ["pod/not-privileged"]),
  podSecurityField("runAsNonRoot", false, ["pod/run-as-non-root"]),
  podSecurityField("runAsUser", 1001, ["pod/run-as-user"]),
  podSecurityField("seccompProfile", { type: "Unconfined" }, ["pod/seccomp-profile"]),
  podSecurityField("appArmorProfile", { type: "Unconfined" }, ["pod/apparmor-profile"]),
  podSecurityField("seLinuxOptions", { type: "spc_t" }, ["pod/selinux-options"]),
  podSecurityField("sysctls", [{ name: "kernel.msgmax", value: "65536" }], ["pod/safe-sysctls"]),
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
      return [`pod/no-host-path ${ref(workload)}`];
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
      return [`pod/service-account-token ${ref(workload)}`];
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
      return [`network/allowed-flows ${ref(policy)}`];
    },
  },
  {
    name: "a port opened in one policy's first ingress rule",
    apply: (objects, component) => {
      const policy = policyOf(objects, component);
      const rule = ((policy?.spec as Obj | undefined)?.ingress as Obj[] | undefined)?.[0];
      // nginx's rule from outside: an extra port there is also a broad peer beyond the external
      // access (no-broad-peers), as the mutation audit's ipBlock rows note.
      if (!policy || !(rule?.ports as Obj[] | undefined)?.length || component === "nginx")
        return undefined;
      (rule!.ports as Obj[]).push({ protocol: "TCP", port: 9999 });
      // Nothing listens there: no flow opens, and the port disagrees with the pods' ports.
      return [`network/port-coherence ${ref(policy)}`];
    },
  },
  {
    name: "a Service exposed as a LoadBalancer",
    apply: (objects, component) => {
      if (component === "nginx") return undefined;
      const service = objects.find(
        (o) =>
          o.kind === "Service" &&
          ((o.spec as Obj).selector as Obj | undefined)?.["app.kubernetes.io/component"] ===
            component &&
          (o.spec as Obj).clusterIP !== "None",
      );
      if (!service) return undefined;
      (service.spec as Obj).type = "LoadBalancer";
      return [`network/external-exposure ${ref(service)}`];
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
      return [`rbac/namespace-scoped ${ref(binding)}`];
    },
  },
  {
    name: "the API token weakened to changeme",
    apply: (objects) => {
      const secret = objects.find(
        (o) => o.kind === "Secret" && (o.data as Obj | undefined)?.["api-token"],
      );
      if (!secret) return undefined;
      (secret.data as Obj)["api-token"] = Buffer.from("changeme").toString("base64");
      return [`secrets/strong-token ${ref(secret)}`];
    },
  },
];
