import { isIP } from "node:net";
import { asList, asRecord, type BundleObject, isRecord, joinPointer } from "@scout-deploy/core";

export interface Backend {
  service: string;
  /** The namespace the reference names, else the routing object's. */
  namespace?: string;
  pointer: string;
  /**
   * Named by a host name rather than a Service name (Istio, Emissary, a mirror URL): it is one
   * of the cluster's Services only when the input holds a Service of that name, else the proxy
   * resolves it outside the cluster.
   */
  byHost?: true;
  /**
   * Named as a Gloo Upstream (`service` and `namespace` are the Upstream's): the Service it
   * stands for is an Upstream object's `spec.kube`, or the one Gloo's discovery names
   * `<namespace>-<service>-<port>`; any other is outside the cluster.
   */
  glooUpstream?: true;
}

const GATEWAY_ROUTES = new Set(["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"]);

/** The kinds whose objects send outside traffic to Services, with the API groups that define them. */
export const ROUTING_KINDS: Readonly<Record<string, readonly string[]>> = {
  Ingress: ["networking.k8s.io", "extensions"],
  ...Object.fromEntries([...GATEWAY_ROUTES].map((k) => [k, ["gateway.networking.k8s.io"]])),
  Route: ["route.openshift.io"],
  IngressRoute: ["traefik.io", "traefik.containo.us"],
  IngressRouteTCP: ["traefik.io", "traefik.containo.us"],
  IngressRouteUDP: ["traefik.io", "traefik.containo.us"],
  TraefikService: ["traefik.io", "traefik.containo.us"],
  Middleware: ["traefik.io", "traefik.containo.us"],
  VirtualService: ["networking.istio.io", "gateway.solo.io"],
  RouteTable: ["gateway.solo.io"],
  HTTPProxy: ["projectcontour.io"],
  Mapping: ["getambassador.io"],
  TCPMapping: ["getambassador.io"],
  TCPIngress: ["configuration.konghq.com"],
  UDPIngress: ["configuration.konghq.com"],
  ApisixRoute: ["apisix.apache.org"],
  DomainMapping: ["serving.knative.dev"],
};

type Collect = (backend: Backend) => void;

/**
 * The Services an object sends outside traffic to, with where it names each: an Ingress, a
 * Gateway API route attached to a Gateway, and the routing resources of the ingress
 * controllers that define their own (OpenShift, Traefik, Istio bound to a gateway, Contour,
 * Emissary, Kong, APISIX). `delegated`: a VirtualService that a gateway-bound one delegates to.
 * Empty for any other object.
 */
export function outsideBackends(object: BundleObject, delegated = false): Backend[] {
  const kind = String(object.value.kind);
  const group = String(object.value.apiVersion ?? "").split("/")[0] ?? "";
  if (!ROUTING_KINDS[kind]?.includes(group)) return [];
  const spec = asRecord(object.value.spec);
  const out: Backend[] = [];
  const collect: Collect = (backend) => out.push(backend);
  if (kind === "Ingress") ingressBackends(object, spec, collect);
  else if (GATEWAY_ROUTES.has(kind)) {
    if (!isMeshRoute(spec)) gatewayRouteBackends(spec, collect);
  } else if (group === "gateway.solo.io") glooBackends(spec, collect);
  else if (kind === "VirtualService") istioBackends(spec, collect, delegated);
  else CUSTOM_ROUTES[kind]?.(spec, collect);
  return out;
}

/**
 * A reference `{name, namespace?, kind?}` to a Service (a kind other than Service is not one,
 * except a multi-cluster ServiceImport: it sends to the clusterset's Services of its name, this
 * cluster's among them when the input holds one).
 */
function serviceRef(ref: unknown, pointer: string, collect: Collect, kindKey = "kind"): void {
  if (!isRecord(ref) || typeof ref.name !== "string") return;
  const imported = ref[kindKey] === "ServiceImport" && ref.group === "multicluster.x-k8s.io";
  if (ref[kindKey] !== undefined && ref[kindKey] !== "Service" && !imported) return;
  collect({
    service: ref.name,
    ...(typeof ref.namespace === "string" ? { namespace: ref.namespace } : {}),
    pointer: joinPointer(pointer, "name"),
    ...(imported ? { byHost: true as const } : {}),
  });
}

/** `{serviceName}` (Kong, APISIX): always in the routing object's namespace. */
function serviceNameRef(ref: unknown, pointer: string, collect: Collect): void {
  if (isRecord(ref) && typeof ref.serviceName === "string")
    collect({ service: ref.serviceName, pointer: joinPointer(pointer, "serviceName") });
}

/** A host name or URL that names a Service of the cluster, as the proxy resolves it. */
function hostRef(value: unknown, pointer: string, collect: Collect): void {
  if (typeof value !== "string") return;
  const host = value
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .replace(/[/:?#].*$/, "")
    .replace(/\$.*$/, "");
  const target = serviceOfHost(host);
  if (target) collect({ ...target, pointer, byHost: true });
}

/**
 * The Service a cluster host name names: `<name>`, `<name>.<namespace>`, or
 * `<name>.<namespace>.svc[.<cluster domain>]` (a short name has no namespace: the resolver's
 * search path decides it).
 */
export function serviceOfHost(host: string): { service: string; namespace?: string } | undefined {
  const name = host.toLowerCase().replace(/\.$/, "");
  const match = /^([a-z0-9-]+)(?:\.([a-z0-9-]+)(?:\.svc(?:\..+)?)?)?$/.exec(name);
  if (match) return { service: match[1]!, ...(match[2] ? { namespace: match[2] } : {}) };
  // `<hostname>.<service>.<namespace>.svc[...]`: a pod of a headless Service, by the hostname
  // and subdomain it has (a StatefulSet's pods by their names): one of that Service's endpoints.
  const pod = /^[a-z0-9-]+\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\..+)?$/.exec(name);
  return pod ? { service: pod[1]!, namespace: pod[2]! } : undefined;
}

/**
 * Whether a host names a pod by its address, which the input cannot tell: an IP address, or
 * `<a-b-c-d>.<namespace>.pod[...]`, the DNS name of a pod's IP.
 */
export function isAddressHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return isIP(name) !== 0 || /^[0-9a-f-]+\.[a-z0-9-]+\.pod(?:\..+)?$/.test(name);
}

function ingressBackends(object: BundleObject, spec: Record<string, unknown>, collect: Collect) {
  const backend = (value: unknown, pointer: string) => {
    if (!isRecord(value)) return;
    if (isRecord(value.service) && typeof value.service.name === "string") {
      collect({ service: value.service.name, pointer: joinPointer(pointer, "service", "name") });
    } else if (typeof value.serviceName === "string") {
      collect({ service: value.serviceName, pointer: joinPointer(pointer, "serviceName") });
    }
  };
  backend(
    spec.defaultBackend ?? spec.backend,
    spec.defaultBackend ? "/spec/defaultBackend" : "/spec/backend",
  );
  asList(spec.rules).forEach((rule, r) => {
    asList(asRecord(asRecord(rule).http).paths).forEach((path, p) => {
      if (isRecord(path)) backend(path.backend, `/spec/rules/${r}/http/paths/${p}/backend`);
    });
  });
  // ingress-nginx sends requests no rule matches, and those its upstream fails
  // (custom-http-errors), to this Service of the Ingress' namespace; mirror-target copies every
  // request to a URL.
  const annotations = asRecord(asRecord(object.value.metadata).annotations);
  const at = (key: string) => joinPointer("/metadata/annotations", key);
  const fallback = annotations["nginx.ingress.kubernetes.io/default-backend"];
  if (typeof fallback === "string" && fallback.trim())
    collect({
      service: fallback.trim(),
      pointer: at("nginx.ingress.kubernetes.io/default-backend"),
    });
  // auth-url gets a subrequest with the outside request's headers before each request is let
  // through.
  for (const key of ["mirror-target", "auth-url"]) {
    const annotation = `nginx.ingress.kubernetes.io/${key}`;
    hostRef(annotations[annotation], at(annotation), collect);
  }
  // Snippets are nginx configuration pasted into the controller's server, location or stream: their
  // proxy_pass sends outside requests where it says (where the controller allows snippets;
  // where it does not, it refuses the Ingress).
  for (const key of ["server-snippet", "configuration-snippet", "stream-snippet"]) {
    const annotation = `nginx.ingress.kubernetes.io/${key}`;
    const snippet = annotations[annotation];
    if (typeof snippet !== "string") continue;
    for (const [, url] of snippet.matchAll(/\b(?:proxy|grpc)_pass\s+([^\s;]+)/g))
      hostRef(url, at(annotation), collect);
  }
}

/**
 * A route whose parents are all Services (Gateway API's mesh routing, GAMMA) steers traffic
 * inside the cluster, between the clients of those Services and its backends: no gateway
 * takes it from outside.
 */
function isMeshRoute(spec: Record<string, unknown>): boolean {
  const parents = asList(spec.parentRefs);
  return (
    parents.length > 0 &&
    parents.every(
      (p) => isRecord(p) && p.kind === "Service" && (p.group === undefined || p.group === ""),
    )
  );
}

function gatewayRouteBackends(spec: Record<string, unknown>, collect: Collect) {
  // A RequestMirror filter sends a copy of every matching outside request to its backendRef
  // too: the mirrored Service receives (and acts on) outside traffic, only its answer is dropped.
  const mirrors = (filters: unknown, pointer: string) => {
    asList(filters).forEach((filter, f) => {
      if (isRecord(filter) && isRecord(filter.requestMirror))
        serviceRef(
          filter.requestMirror.backendRef,
          joinPointer(pointer, "filters", f, "requestMirror", "backendRef"),
          collect,
        );
    });
  };
  asList(spec.rules).forEach((rule, r) => {
    if (!isRecord(rule)) return;
    const at = `/spec/rules/${r}`;
    asList(rule.backendRefs).forEach((ref, b) => {
      serviceRef(ref, joinPointer(at, "backendRefs", b), collect);
      if (isRecord(ref)) mirrors(ref.filters, joinPointer(at, "backendRefs", b));
    });
    mirrors(rule.filters, at);
  });
}

/** Each `services[]` of each `routes[]` (Traefik, Contour). */
function routeServices(spec: Record<string, unknown>, collect: Collect) {
  asList(spec.routes).forEach((route, r) => {
    asList(asRecord(route).services).forEach((ref, s) => {
      serviceRef(ref, `/spec/routes/${r}/services/${s}`, collect);
    });
  });
}

const CUSTOM_ROUTES: Record<string, (spec: Record<string, unknown>, collect: Collect) => void> = {
  // Knative publishes the Service a DomainMapping names on that domain, whatever its visibility.
  DomainMapping: (spec, collect) => serviceRef(spec.ref, "/spec/ref", collect),
  // The OpenShift router publishes every Route outside the cluster.
  Route(spec, collect) {
    serviceRef(spec.to, "/spec/to", collect);
    asList(spec.alternateBackends).forEach((ref, b) => {
      serviceRef(ref, `/spec/alternateBackends/${b}`, collect);
    });
  },
  IngressRoute: routeServices,
  IngressRouteTCP: routeServices,
  IngressRouteUDP: routeServices,
  // A TraefikService exists to be named by an IngressRoute: its weighted Services, its mirrored
  // one and its mirrors receive the outside traffic that reaches it.
  TraefikService(spec, collect) {
    const weighted = asRecord(spec.weighted);
    asList(weighted.services).forEach((ref, s) => {
      serviceRef(ref, `/spec/weighted/services/${s}`, collect);
    });
    const mirroring = asRecord(spec.mirroring);
    serviceRef(spec.mirroring, "/spec/mirroring", collect);
    asList(mirroring.mirrors).forEach((ref, m) => {
      serviceRef(ref, `/spec/mirroring/mirrors/${m}`, collect);
    });
  },
  // A Traefik Middleware exists to be named by a route: forwardAuth sends each outside request's
  // headers to its address first, errors takes its pages from a Service.
  Middleware(spec, collect) {
    hostRef(asRecord(spec.forwardAuth).address, "/spec/forwardAuth/address", collect);
    serviceRef(asRecord(spec.errors).service, "/spec/errors/service", collect);
  },
  // Contour serves every HTTPProxy: a root one (with a virtualhost) and those it includes.
  HTTPProxy(spec, collect) {
    routeServices(spec, collect);
    asList(asRecord(spec.tcpproxy).services).forEach((ref, s) => {
      serviceRef(ref, `/spec/tcpproxy/services/${s}`, collect);
    });
  },
  Mapping: (spec, collect) => hostRef(spec.service, "/spec/service", collect),
  TCPMapping: (spec, collect) => hostRef(spec.service, "/spec/service", collect),
  TCPIngress: kongBackends,
  UDPIngress: kongBackends,
  ApisixRoute(spec, collect) {
    asList(spec.http).forEach((route, r) => {
      asList(asRecord(route).backends).forEach((ref, b) => {
        serviceNameRef(ref, `/spec/http/${r}/backends/${b}`, collect);
      });
    });
    asList(spec.stream).forEach((route, r) => {
      serviceNameRef(asRecord(route).backend, `/spec/stream/${r}/backend`, collect);
    });
  },
};

function kongBackends(spec: Record<string, unknown>, collect: Collect) {
  asList(spec.rules).forEach((rule, r) => {
    serviceNameRef(asRecord(rule).backend, `/spec/rules/${r}/backend`, collect);
  });
}

/**
 * Gloo Edge serves every VirtualService, and the RouteTables they delegate to: each route's
 * `routeAction` sends to a Service (`kube.ref`) or an Upstream, singly or among `multi`
 * destinations.
 */
function glooBackends(spec: Record<string, unknown>, collect: Collect) {
  const destination = (value: unknown, pointer: string) => {
    const target = asRecord(value);
    serviceRef(asRecord(target.kube).ref, joinPointer(pointer, "kube", "ref"), collect);
    const upstream = asRecord(target.upstream);
    if (typeof upstream.name === "string")
      collect({
        service: upstream.name,
        ...(typeof upstream.namespace === "string" ? { namespace: upstream.namespace } : {}),
        pointer: joinPointer(pointer, "upstream", "name"),
        glooUpstream: true,
      });
  };
  const routes = isRecord(spec.virtualHost) ? spec.virtualHost.routes : spec.routes;
  const at = isRecord(spec.virtualHost) ? "/spec/virtualHost/routes" : "/spec/routes";
  asList(routes).forEach((route, r) => {
    const action = asRecord(asRecord(route).routeAction);
    const base = joinPointer(at, r, "routeAction");
    destination(action.single, joinPointer(base, "single"));
    asList(asRecord(action.multi).destinations).forEach((weighted, d) => {
      destination(
        asRecord(weighted).destination,
        joinPointer(base, "multi", "destinations", d, "destination"),
      );
    });
  });
}

const MESH = "mesh";

/** Whether a VirtualService's route is reached from a gateway (its `match` lets one in). */
function fromGateway(route: Record<string, unknown>): boolean {
  const matches = asList(route.match);
  return (
    matches.length === 0 ||
    matches.some((m) => {
      const only = asList(asRecord(m).gateways);
      return only.length === 0 || only.some((g) => g !== MESH);
    })
  );
}

function boundToGateway(spec: Record<string, unknown>): boolean {
  return asList(spec.gateways).some((g) => typeof g === "string" && g !== MESH);
}

/**
 * The VirtualServices ("namespace/name") that a VirtualService bound to a gateway delegates
 * routes to (`http[].delegate`): the gateway's traffic reaches their routes, whatever their own
 * `gateways` say (Istio ignores a delegate's).
 */
export function istioDelegates(object: BundleObject, namespace: string): string[] {
  const spec = asRecord(object.value.spec);
  if (object.value.kind !== "VirtualService" || !boundToGateway(spec)) return [];
  return asList(spec.http).flatMap((route) => {
    const delegate = asRecord(asRecord(route).delegate);
    if (!isRecord(route) || !fromGateway(route) || typeof delegate.name !== "string") return [];
    const at = typeof delegate.namespace === "string" ? delegate.namespace : namespace;
    return [`${at}/${delegate.name}`];
  });
}

/**
 * An Istio VirtualService takes outside traffic only through the gateways it names (none means
 * only `mesh`, the sidecars), and a route only where its `match` allows such a gateway; a
 * delegate takes it on every route of the gateway-bound VirtualService that delegates to it.
 */
function istioBackends(spec: Record<string, unknown>, collect: Collect, delegated: boolean) {
  if (!delegated && !boundToGateway(spec)) return;
  for (const protocol of ["http", "tcp", "tls"]) {
    asList(spec[protocol]).forEach((route, r) => {
      if (!isRecord(route) || (!delegated && !fromGateway(route))) return;
      const at = `/spec/${protocol}/${r}`;
      asList(route.route).forEach((dest, d) => {
        const destination = asRecord(asRecord(dest).destination);
        hostRef(destination.host, joinPointer(at, "route", d, "destination", "host"), collect);
      });
      if (protocol !== "http") return;
      hostRef(asRecord(route.mirror).host, joinPointer(at, "mirror", "host"), collect);
      asList(route.mirrors).forEach((mirror, m) => {
        const destination = asRecord(asRecord(mirror).destination);
        hostRef(destination.host, joinPointer(at, "mirrors", m, "destination", "host"), collect);
      });
    });
  }
}
