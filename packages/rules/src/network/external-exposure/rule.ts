import { isIP } from "node:net";
import {
  asList,
  asRecord,
  type Bundle,
  type BundleObject,
  componentOf,
  defineRule,
  effectiveNamespace,
  isRecord,
  joinPointer,
  labelsOf,
  type Settings,
} from "@scout-deploy/core";
import {
  type Model,
  modelOf,
  networkSettingsSchema,
  refusalOptionsFor,
  UNKNOWN_LABEL_REASONS,
  type Workload,
} from "@scout-deploy/netpol";
import { guideSettings } from "../../settings.js";
import { networkOptions } from "../options.js";
import {
  isNginxService,
  nonNginxEndpoints,
  onePerObject,
  type ServiceTarget,
  serviceEndpoints,
  uncertainNonNginxEndpoints,
} from "../scope.js";
import {
  type Backend,
  isAddressHost,
  istioDelegates,
  outsideBackends,
  serviceOfHost,
} from "./routes.js";

/** Deprecated: policy.settings.network.externalAccess holds it for every network rule. */
const options = networkSettingsSchema.pick({ externalAccess: true });

export const externalExposure = defineRule({
  id: "network/external-exposure",
  meta: {
    severity: "error",
    description:
      "Only nginx is exposed outside the cluster (a LoadBalancer or NodePort Service, an Ingress, a Gateway API route, an ingress controller's own route such as an OpenShift Route, a Traefik IngressRoute or a Gloo VirtualService, a Knative Service that is not cluster-local); every other Service is ClusterIP.",
    remediation:
      "Make the Service type ClusterIP and reach the component through nginx; route Ingresses and Gateway routes to nginx's Service only.",
    guide: "Network Policies: External Access: Configurable external access to Nginx on port 80",
    options,
    messages: {
      exposedService:
        'Service "{{name}}" of type {{type}} exposes pods outside the cluster that are not nginx',
      exposedNginx:
        'Service "{{name}}" of type {{type}} exposes nginx, but external access is turned off',
      externalIPs: 'Service "{{name}}" has externalIPs and is not nginx\'s',
      selectsBeyondNginx:
        'Service "{{name}}" is nginx\'s and exposed outside the cluster, but its selector sends to {{workloads}} too, which are not nginx',
      handWrittenEndpoints:
        '{{kind}} "{{name}}" writes by hand endpoints of Service "{{service}}", which is exposed outside the cluster as nginx\'s: nothing says they are nginx pods',
      routedService:
        '{{kind}} "{{name}}" routes outside traffic to Service "{{service}}", which is not nginx\'s',
      mayExposeService:
        'Service "{{name}}" of type {{type}} may expose pods that are not nginx ({{workloads}}) outside the cluster: its selector compares the label {{key}}, whose value no manifest can know ({{reason}}), so it may select their pods; select nginx\'s pods by labels of their template',
      knativePublic:
        'Knative Service "{{name}}" runs {{workload}}, not nginx, and Knative publishes it on the cluster\'s external domain: label it networking.knative.dev/visibility: cluster-local',
      knativeRouted:
        'Knative Route "{{name}}" publishes Configuration "{{configuration}}", which runs {{workload}}, not nginx, on the cluster\'s external domain: label the Route networking.knative.dev/visibility: cluster-local',
      mayRouteService:
        '{{kind}} "{{name}}" routes outside traffic to Service "{{service}}", which may send it to {{workloads}}, not nginx: its selector compares the label {{key}}, whose value no manifest can know ({{reason}}); select nginx\'s pods by labels of their template',
    },
  },
  check(context) {
    const { externalAccess } = networkOptions(context);
    const model = modelOf(context.bundle, refusalOptionsFor(context.kubernetesVersion));
    const services = new Map<string, BundleObject>();
    const clusterIPs = new Map<string, string>();
    for (const object of context.bundle.objects) {
      if (object.value.kind !== "Service") continue;
      const key = `${effectiveNamespace(context.bundle, object)}/${object.ref.name}`;
      services.set(key, object);
      for (const ip of clusterIPsOf(object)) clusterIPs.set(ip, key);
    }
    /** Whether a route may send outside traffic to the Service: yes, no, or no only if a hash allows. */
    const allowed = (
      service: BundleObject | undefined,
    ): boolean | { uncertain: readonly Required<ServiceTarget>[] } => {
      if (!externalAccess || service === undefined) return false;
      // The proxy resolves an ExternalName and sends to what the name is: a Service of the
      // cluster, when it names one (one hop: an ExternalName's target is never followed again).
      // An address (ingress-nginx sends to an IP as it is) is a Service's by its cluster IP;
      // any other address is a pod or node of the cluster or not, and nothing says it is nginx.
      const target = inClusterTarget(service, clusterIPs);
      if (target === ADDRESS) return false;
      const judged = (target !== undefined ? services.get(target) : undefined) ?? service;
      if (isKnativeService(judged)) {
        if (knativeComponent(judged) !== "nginx") return false;
        passedAsNginx.add(judged);
        return true;
      }
      if (!isNginxService(model, judged, context.settings)) {
        const uncertain = onlyUncertainOthers(model, judged, context.settings);
        return uncertain ? { uncertain } : false;
      }
      passedAsNginx.add(judged);
      return true;
    };
    const upstreams = glooUpstreams(context.bundle, services);
    // The Services exposed outside the cluster as nginx's, which pass: endpoints written by
    // hand for them are checked below.
    const passedAsNginx = new Set<BundleObject>();
    const delegated = new Set(
      context.bundle.objects.flatMap((object) =>
        istioDelegates(object, effectiveNamespace(context.bundle, object) ?? ""),
      ),
    );
    const knativeComponent = (service: BundleObject) =>
      componentOf(service, guideSettings(context.settings));
    const configurations = new Map(
      context.bundle.objects
        .filter((object) => isKnative(object, "Configuration"))
        .map((object) => [
          `${effectiveNamespace(context.bundle, object)}/${object.ref.name}`,
          object,
        ]),
    );
    for (const object of context.bundle.objects) {
      const kind = object.value.kind;
      if (isKnativeService(object)) {
        const workload = knativeComponent(object) ?? "a workload";
        if (knativeVisible(object) && (workload !== "nginx" || !externalAccess))
          context.report({
            messageId: workload === "nginx" ? "exposedNginx" : "knativePublic",
            data: { name: object.ref.name ?? "", workload, type: "Knative Service" },
            object,
            pointer: isRecord(asRecord(object.value.metadata).labels)
              ? "/metadata/labels"
              : "/metadata",
          });
      } else if (isKnative(object, "Route") && knativeVisible(object)) {
        const namespace = effectiveNamespace(context.bundle, object);
        asList(asRecord(object.value.spec).traffic).forEach((entry, t) => {
          const name = asRecord(entry).configurationName;
          const configuration = configurations.get(`${namespace}/${String(name)}`);
          const workload = configuration ? knativeComponent(configuration) : undefined;
          if (!configuration || (workload === "nginx" && externalAccess)) return;
          context.report({
            messageId: "knativeRouted",
            data: {
              name: object.ref.name ?? "",
              configuration: String(name),
              workload: workload ?? "a workload",
            },
            object,
            pointer: `/spec/traffic/${t}/configurationName`,
          });
        });
      } else if (kind === "Service" && checkService(object, model, externalAccess, context))
        passedAsNginx.add(object);
      const namespaced = `${effectiveNamespace(context.bundle, object) ?? ""}/${object.ref.name}`;
      const backends = outsideBackends(object, delegated.has(namespaced));
      if (backends.length > 0) {
        const namespace = effectiveNamespace(context.bundle, object);
        for (const named of backends) {
          const backend = named.glooUpstream ? upstreams.get(named) : named;
          if (!backend) continue;
          const at = `${backend.namespace ?? namespace}/${backend.service}`;
          // A host the input holds no Service of is resolved outside the cluster.
          if (backend.byHost && !services.has(at)) continue;
          const verdict = allowed(services.get(at));
          if (verdict === true) continue;
          if (verdict !== false) {
            context.report({
              messageId: "mayRouteService",
              data: {
                kind,
                name: object.ref.name ?? "",
                service: backend.service,
                ...uncertainData(verdict.uncertain),
              },
              object,
              pointer: backend.pointer,
            });
            continue;
          }
          context.report({
            messageId: "routedService",
            data: { kind, name: object.ref.name ?? "", service: backend.service },
            object,
            pointer: backend.pointer,
          });
        }
      }
    }

    for (const object of context.bundle.objects) {
      const kind = object.value.kind;
      if (kind !== "EndpointSlice" && kind !== "Endpoints") continue;
      const owner = handWrittenFor(object);
      if (!owner) continue;
      const service = services.get(
        `${effectiveNamespace(context.bundle, object)}/${owner.service}`,
      );
      if (!service || !passedAsNginx.has(service)) continue;
      if (isControllerOutput(object, service)) continue;
      context.report({
        messageId: "handWrittenEndpoints",
        data: { kind, name: object.ref.name ?? "", service: owner.service },
        object,
        pointer: owner.pointer,
      });
    }

    /** Reports a Service's exposure; true when it is exposed and passes as nginx's. */
    function checkService(
      service: BundleObject,
      m: Model,
      externalAccess: boolean,
      ctx: typeof context,
    ): boolean {
      const exposure = exposureOf(service);
      if (!exposure) return false;
      const name = service.ref.name ?? "";
      const type = exposure.type ?? "";
      if (isNginxService(m, service, ctx.settings)) {
        if (externalAccess) return true;
        ctx.report({
          messageId: "exposedNginx",
          data: { name, type: exposure.type ?? "ClusterIP with externalIPs" },
          object: service,
          pointer: exposure.pointer,
        });
        return false;
      }
      // Others only if a label the cluster sets allows: that label of the selector is the cause.
      const uncertain = onlyUncertainOthers(m, service, ctx.settings);
      if (uncertain) {
        ctx.report({
          messageId: "mayExposeService",
          data: {
            name,
            type: exposure.type ?? "ClusterIP with externalIPs",
            ...uncertainData(uncertain),
          },
          object: service,
          pointer: uncertain[0]!.uncertain.pointer,
        });
        return false;
      }
      // Meant as nginx's (its label, or nginx among its pods): what lets others in is its
      // selector. With external access off, its exposure itself is the cause.
      const others = nonNginxEndpoints(m, service, ctx.settings);
      if (externalAccess && others.length > 0 && meantForNginx(m, service, ctx.settings)) {
        ctx.report({
          messageId: "selectsBeyondNginx",
          data: {
            name,
            workloads: onePerObject(others)
              .map((w) => `${w.kind} ${w.name}`)
              .join(", "),
          },
          object: service,
          pointer: "/spec/selector",
        });
        return false;
      }
      ctx.report({
        messageId: exposure.type ? "exposedService" : "externalIPs",
        data: { name, type },
        object: service,
        pointer: exposure.pointer,
      });
      return false;
    }
  },
});

/**
 * The workloads other than nginx a Service may send to, when it surely sends to none: then only
 * a label whose value only the cluster knows decides (undefined otherwise).
 */
function onlyUncertainOthers(
  model: Model,
  service: BundleObject,
  settings: Settings,
): readonly Required<ServiceTarget>[] | undefined {
  if (nonNginxEndpoints(model, service, settings).length > 0) return undefined;
  const uncertain = uncertainNonNginxEndpoints(model, service, settings);
  return uncertain.length > 0 ? uncertain : undefined;
}

/** The message data of an uncertain selection: which workloads, and the label that decides. */
function uncertainData(targets: readonly Required<ServiceTarget>[]) {
  const { key } = targets[0]!.uncertain;
  const workloads: Workload[] = onePerObject(targets.map((t) => t.workload));
  return {
    workloads: workloads.map((w) => `${w.kind} ${w.name}`).join(", "),
    key,
    reason: UNKNOWN_LABEL_REASONS[key] ?? "only the cluster sets it",
  };
}

/**
 * How a Service is reachable from outside the cluster, as kube-proxy programs it: its type
 * (NodePort, LoadBalancer), else `externalIPs`, which kube-proxy honours on a Service of any
 * type that has a cluster IP (it skips headless and ExternalName Services altogether).
 */
function exposureOf(service: BundleObject): { type?: string; pointer: string } | undefined {
  const spec = asRecord(service.value.spec);
  const type = typeof spec.type === "string" ? spec.type : "ClusterIP";
  if (type === "LoadBalancer" || type === "NodePort") return { type, pointer: "/spec/type" };
  const hasClusterIP = type !== "ExternalName" && spec.clusterIP !== "None";
  if (hasClusterIP && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0)
    return { pointer: "/spec/externalIPs" };
  return undefined;
}

function meantForNginx(model: Model, service: BundleObject, settings: Settings): boolean {
  const labels = labelsOf(service.value.metadata);
  if (settings.componentLabels.some((key) => labels[key] === "nginx")) return true;
  const others = new Set(nonNginxEndpoints(model, service, settings));
  return serviceEndpoints(model, service).some((w) => !others.has(w));
}

/**
 * The Service a Gloo Upstream reference stands for (undefined: outside the cluster, or not
 * known), with the reference's place: an Upstream object's `spec.kube`, else the Upstream
 * Gloo's discovery makes of each port of each Service, named `<namespace>-<service>-<port>`.
 */
function glooUpstreams(bundle: Bundle, services: ReadonlyMap<string, BundleObject>) {
  const named = new Map<string, { service: string; namespace: string }>();
  for (const [key, service] of services) {
    const [namespace = "", name = ""] = key.split("/");
    for (const port of asList(asRecord(service.value.spec).ports))
      named.set(`${namespace}-${name}-${String(asRecord(port).port)}`, {
        service: name,
        namespace,
      });
  }
  const declared = new Map<string, { service: string; namespace: string }>();
  for (const object of bundle.objects) {
    if (
      object.value.kind !== "Upstream" ||
      !String(object.value.apiVersion).startsWith("gloo.solo.io/")
    )
      continue;
    const kube = asRecord(asRecord(object.value.spec).kube);
    if (typeof kube.serviceName !== "string") continue;
    const namespace = effectiveNamespace(bundle, object) ?? "";
    declared.set(`${namespace}/${object.ref.name}`, {
      service: kube.serviceName,
      namespace: typeof kube.serviceNamespace === "string" ? kube.serviceNamespace : namespace,
    });
  }
  return {
    get(ref: Backend): Backend | undefined {
      const found = declared.get(`${ref.namespace ?? ""}/${ref.service}`) ?? named.get(ref.service);
      return found ? { ...found, pointer: ref.pointer } : undefined;
    },
  };
}

const ADDRESS = Symbol("an address of the cluster or not");

/**
 * The Service ("namespace/name") an ExternalName Service names inside the cluster:
 * `<name>.<namespace>.svc[.<cluster domain>]`, `<name>.<namespace>`, which the proxy's DNS
 * search path (`svc.<cluster domain>`) completes, a pod of a headless Service by its hostname,
 * or a Service's cluster IP; ADDRESS for any other address.
 */
function inClusterTarget(
  service: BundleObject,
  clusterIPs: ReadonlyMap<string, string>,
): string | typeof ADDRESS | undefined {
  const spec = asRecord(service.value.spec);
  if (spec.type !== "ExternalName" || typeof spec.externalName !== "string") return undefined;
  const byIP = clusterIPs.get(spec.externalName.replace(/\.$/, ""));
  if (byIP !== undefined) return byIP;
  if (isAddressHost(spec.externalName)) return ADDRESS;
  const target = serviceOfHost(spec.externalName);
  return target?.namespace ? `${target.namespace}/${target.service}` : undefined;
}

/** The cluster IPs a Service asks for (`clusterIP`, `clusterIPs`). */
function clusterIPsOf(service: BundleObject): string[] {
  const spec = asRecord(service.value.spec);
  const ips = [spec.clusterIP, ...(Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [])];
  return ips.filter((ip): ip is string => typeof ip === "string" && isIP(ip) !== 0);
}

function isKnative(object: BundleObject, kind: string): boolean {
  return (
    object.value.kind === kind &&
    String(object.value.apiVersion ?? "").startsWith("serving.knative.dev/")
  );
}

function isKnativeService(object: BundleObject): boolean {
  return isKnative(object, "Service");
}

/**
 * Whether Knative publishes a Service on the cluster's external domain: unless it is labelled
 * cluster-local (`networking.knative.dev/visibility`, formerly `serving.knative.dev/visibility`).
 * A cluster whose config-domain is svc.cluster.local keeps every Service local; the manifests
 * cannot tell, and an install serving outside traffic configures a domain.
 */
function knativeVisible(service: BundleObject): boolean {
  const labels = labelsOf(service.value.metadata);
  return ["networking.knative.dev/visibility", "serving.knative.dev/visibility"].every(
    (key) => labels[key] !== "cluster-local",
  );
}

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

/**
 * The Service whose endpoints an object of the input writes, with where it names it: an
 * EndpointSlice by its `kubernetes.io/service-name` label (kube-proxy joins every slice with
 * that label, whoever wrote it), an Endpoints object by its name.
 */
function handWrittenFor(object: BundleObject): { service: string; pointer: string } | undefined {
  if (object.value.kind === "Endpoints")
    return object.ref.name ? { service: object.ref.name, pointer: "/metadata/name" } : undefined;
  const service = labelsOf(object.value.metadata)[SERVICE_NAME_LABEL];
  if (typeof service !== "string") return undefined;
  return { service, pointer: joinPointer("/metadata/labels", SERVICE_NAME_LABEL) };
}

/**
 * Whether a controller rewrites the endpoints an object of the input writes for the Service,
 * so that they never reach kube-proxy as written. The endpoints controller overwrites the
 * Endpoints of a Service with a selector (the mirroring skips them); the EndpointSlice
 * controller reconciles the slices labelled as its own only for a Service with a selector that
 * is not ExternalName (for any other it returns at once, and a slice claiming it stays as
 * written); the mirroring controller deletes the slices labelled as its own that mirror no
 * Endpoints, and rewrites the others from the Endpoints, which are judged themselves.
 */
function isControllerOutput(object: BundleObject, service: BundleObject): boolean {
  const spec = asRecord(service.value.spec);
  const reconciled = hasSelector(service) && spec.type !== "ExternalName";
  if (object.value.kind === "Endpoints") return hasSelector(service);
  const managedBy = labelsOf(object.value.metadata)[MANAGED_BY_LABEL];
  if (managedBy === "endpointslicemirroring-controller.k8s.io") return true;
  return managedBy === "endpointslice-controller.k8s.io" && reconciled;
}

function hasSelector(service: BundleObject): boolean {
  const spec = asRecord(service.value.spec);
  return isRecord(spec.selector) && Object.keys(spec.selector).length > 0;
}
