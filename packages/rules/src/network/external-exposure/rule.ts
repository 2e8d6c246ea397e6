import {
  type BundleObject,
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
import { networkOptions } from "../options.js";
import {
  isNginxService,
  nonNginxEndpoints,
  onePerObject,
  type ServiceTarget,
  serviceEndpoints,
  uncertainNonNginxEndpoints,
} from "../scope.js";
import { istioDelegates, outsideBackends, serviceOfHost } from "./routes.js";

/** Deprecated: policy.settings.network.externalAccess holds it for every network rule. */
const options = networkSettingsSchema.pick({ externalAccess: true });

export const externalExposure = defineRule({
  id: "network/external-exposure",
  meta: {
    severity: "error",
    description:
      "Only nginx is exposed outside the cluster (a LoadBalancer or NodePort Service, an Ingress, a Gateway API route, an ingress controller's own route such as an OpenShift Route or a Traefik IngressRoute); every other Service is ClusterIP.",
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
      mayRouteService:
        '{{kind}} "{{name}}" routes outside traffic to Service "{{service}}", which may send it to {{workloads}}, not nginx: its selector compares the label {{key}}, whose value no manifest can know ({{reason}}); select nginx\'s pods by labels of their template',
    },
  },
  check(context) {
    const model = modelOf(context.bundle, refusalOptionsFor(context.kubernetesVersion));
    const services = new Map<string, BundleObject>();
    for (const object of context.bundle.objects) {
      if (object.value.kind === "Service")
        services.set(`${effectiveNamespace(context.bundle, object)}/${object.ref.name}`, object);
    }
    /** Whether a route may send outside traffic to the Service: yes, no, or no only if a hash allows. */
    const allowed = (
      service: BundleObject | undefined,
    ): boolean | { uncertain: readonly Required<ServiceTarget>[] } => {
      if (!networkOptions(context).externalAccess || service === undefined) return false;
      // The proxy resolves an ExternalName and sends to what the name is: a Service of the
      // cluster, when it names one (one hop: an ExternalName's target is never followed again).
      const target = inClusterTarget(service);
      const judged = (target !== undefined ? services.get(target) : undefined) ?? service;
      if (!isNginxService(model, judged, context.settings)) {
        const uncertain = onlyUncertainOthers(model, judged, context.settings);
        return uncertain ? { uncertain } : false;
      }
      passedAsNginx.add(judged);
      return true;
    };
    // The Services exposed outside the cluster as nginx's, which pass: endpoints written by
    // hand for them are checked below.
    const passedAsNginx = new Set<BundleObject>();
    const delegated = new Set(
      context.bundle.objects.flatMap((object) =>
        istioDelegates(object, effectiveNamespace(context.bundle, object) ?? ""),
      ),
    );
    for (const object of context.bundle.objects) {
      const kind = object.value.kind;
      if (
        kind === "Service" &&
        checkService(object, model, networkOptions(context).externalAccess, context)
      )
        passedAsNginx.add(object);
      const namespaced = `${effectiveNamespace(context.bundle, object) ?? ""}/${object.ref.name}`;
      const backends = outsideBackends(object, delegated.has(namespaced));
      if (backends.length > 0) {
        const namespace = effectiveNamespace(context.bundle, object);
        for (const backend of backends) {
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
      // An Endpoints object only feeds a Service without a selector (the endpoints controller
      // overwrites the others' and the mirroring skips them).
      if (kind === "Endpoints" && hasSelector(service)) continue;
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
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
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
 * The Service ("namespace/name") an ExternalName Service names inside the cluster:
 * `<name>.<namespace>.svc[.<cluster domain>]`, or `<name>.<namespace>`, which the proxy's DNS
 * search path (`svc.<cluster domain>`) completes.
 */
function inClusterTarget(service: BundleObject): string | undefined {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  if (spec.type !== "ExternalName" || typeof spec.externalName !== "string") return undefined;
  const target = serviceOfHost(spec.externalName);
  return target?.namespace ? `${target.namespace}/${target.service}` : undefined;
}

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
const CONTROLLERS = new Set([
  "endpointslice-controller.k8s.io",
  "endpointslicemirroring-controller.k8s.io",
]);

/**
 * The Service whose endpoints an object of the input writes by hand, with where it names it: an
 * EndpointSlice by its `kubernetes.io/service-name` label (kube-proxy joins every slice with
 * that label, whoever wrote it), an Endpoints object by its name. Slices a controller manages
 * are its output, not input.
 */
function handWrittenFor(object: BundleObject): { service: string; pointer: string } | undefined {
  const labels = labelsOf(object.value.metadata);
  if (object.value.kind === "Endpoints")
    return object.ref.name ? { service: object.ref.name, pointer: "/metadata/name" } : undefined;
  const service = labels[SERVICE_NAME_LABEL];
  if (typeof service !== "string" || CONTROLLERS.has(String(labels[MANAGED_BY_LABEL])))
    return undefined;
  return { service, pointer: joinPointer("/metadata/labels", SERVICE_NAME_LABEL) };
}

function hasSelector(service: BundleObject): boolean {
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  return isRecord(spec.selector) && Object.keys(spec.selector).length > 0;
}
