import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { guideSettingsSchema } from "../../settings.js";
import { externalExposure } from "./rule.js";

const NGINX = `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: nginx}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: nginx}}
            spec: {containers: [{name: nginx}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: nginx}
        spec: {type: LoadBalancer, selector: {app.kubernetes.io/component: nginx}, ports: [{port: 80}]}
`;

const DEPLOYMENT_HASH =
  "the Deployment controller sets it to a hash of the pod template, a new one at every rollout";

new RuleTester({ describe, it }).run(externalExposure, {
  valid: [
    {
      name: "nginx's LoadBalancer, an Ingress and an HTTPRoute to nginx, a ClusterIP backend",
      yaml: `${NGINX}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec: {selector: {app: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: nginx, port: {number: 80}}}}]}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web}
        spec: {rules: [{backendRefs: [{name: nginx, port: 80}]}]}
      `,
    },
    {
      name: "an ingress-nginx auth-url outside the cluster, a snippet proxying to nginx, a ServiceImport the input has no Service of",
      yaml: `${NGINX}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
            nginx.ingress.kubernetes.io/auth-url: https://auth.example.com/oauth2/auth
            nginx.ingress.kubernetes.io/server-snippet: "location /x { proxy_pass http://nginx; }"
        spec:
          rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: nginx, port: {number: 80}}}}]}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web}
        spec:
          rules: [{backendRefs: [{group: multicluster.x-k8s.io, kind: ServiceImport, name: reports, port: 80}]}]
      `,
    },
    {
      name: "a selector wider than nginx whose named targetPort only nginx declares sends only to nginx",
      yaml: `${NGINX}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/part-of: scout, app.kubernetes.io/component: redis}}
            spec: {containers: [{name: redis, ports: [{name: redis, containerPort: 6379}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: LoadBalancer, selector: {app.kubernetes.io/part-of: scout}, ports: [{port: 80, targetPort: http}]}
      `.replace(
        "metadata: {labels: {app.kubernetes.io/component: nginx}}\n            spec: {containers: [{name: nginx}]}",
        "metadata: {labels: {app.kubernetes.io/part-of: scout, app.kubernetes.io/component: nginx}}\n            spec: {containers: [{name: nginx, ports: [{name: http, containerPort: 80}]}]}",
      ),
    },
    {
      name: "externalIPs on a headless and on an ExternalName Service: kube-proxy skips both",
      yaml: `
        apiVersion: v1
        kind: Service
        metadata: {name: redis}
        spec: {clusterIP: None, selector: {app: redis}, externalIPs: [203.0.113.7], ports: [{port: 6379}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: cache}
        spec: {type: ExternalName, externalName: cache.example.com, externalIPs: [203.0.113.8]}
      `,
    },
    {
      name: "a named targetPort the backend declares only for UDP, or only in an init container, does not reach it",
      yaml: `${NGINX.replace("spec: {containers: [{name: nginx}]}", "spec: {containers: [{name: nginx, ports: [{name: http, containerPort: 80}]}]}")}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend, tier: web}}
            spec:
              initContainers: [{name: migrate, ports: [{name: http, containerPort: 8000}]}]
              containers: [{name: backend, ports: [{name: http, containerPort: 8000, protocol: UDP}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: LoadBalancer, selector: {tier: web}, ports: [{port: 80, targetPort: http}]}
      `.replace(
        "app.kubernetes.io/component: nginx}}",
        "app.kubernetes.io/component: nginx, tier: web}}",
      ),
    },
    {
      name: "an ExternalName Service and one with an empty selector send to no pod: their labels judge them",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: backend}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: edge, labels: {app.kubernetes.io/component: nginx}}
        spec: {type: LoadBalancer, selector: {}, ports: [{port: 80}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          defaultBackend: {service: {name: upstream, port: {number: 80}}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: upstream, labels: {app.kubernetes.io/component: nginx}}
        spec:
          type: ExternalName
          externalName: nginx.edge.example.com
          selector: {app.kubernetes.io/component: backend}
      `,
    },
    {
      name: "a mesh HTTPRoute (GAMMA: its parent is the frontend's Service) steers in-cluster traffic to the backend, nothing from outside",
      yaml: `
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: frontend-to-backend}
        spec:
          parentRefs: [{group: "", kind: Service, name: backend, port: 8000}]
          rules: [{backendRefs: [{name: backend-v2, port: 8000}]}]
      `,
    },
    {
      name: "an Ingress to an ExternalName Service that names nginx's Service (short form, completed by the DNS search path)",
      yaml: `${NGINX.replaceAll("metadata: {name: nginx}", "metadata: {name: nginx, namespace: scout}")}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: edge, namespace: scout}
        spec: {type: ExternalName, externalName: nginx.scout}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: scout}
        spec:
          defaultBackend: {service: {name: edge, port: {number: 80}}}
      `,
    },
    {
      name: "an Ingress to an ExternalName Service that names nginx's Service by its cluster IP",
      yaml: `${NGINX.replaceAll("metadata: {name: nginx}", "metadata: {name: nginx, namespace: scout}").replace("spec: {type: LoadBalancer,", "spec: {type: LoadBalancer, clusterIP: 10.96.0.80,")}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: edge, namespace: scout}
        spec: {type: ExternalName, externalName: 10.96.0.80}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: scout}
        spec:
          defaultBackend: {service: {name: edge, port: {number: 80}}}
      `,
    },
    {
      name: "a cluster-local Knative Service running the backend, and a public one running nginx",
      yaml: `
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: api, labels: {networking.knative.dev/visibility: cluster-local}}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{image: ghcr.io/scout/backend:1.4.2}]}
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: web}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: nginx}}
            spec: {containers: [{image: nginx:1.27}]}
      `,
    },
    {
      name: "a Gloo VirtualService to nginx's Service and to its discovered Upstream, and to an Upstream outside the cluster",
      yaml: `${NGINX.replaceAll("metadata: {name: nginx}", "metadata: {name: nginx, namespace: scout}")}
        ---
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: gloo-system}
        spec:
          virtualHost:
            routes:
              - routeAction: {single: {kube: {ref: {name: nginx, namespace: scout}, port: 80}}}
              - routeAction: {single: {upstream: {name: scout-nginx-80, namespace: gloo-system}}}
              - routeAction: {single: {upstream: {name: status-page, namespace: gloo-system}}}
      `,
    },
    {
      name: "slices the controllers manage, Endpoints of a Service with a selector (overwritten), and a slice of a ClusterIP Service are no exposure",
      yaml: `${NGINX}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: nginx-abcde
          labels: {kubernetes.io/service-name: nginx, endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}
        addressType: IPv4
        endpoints: [{addresses: [10.244.1.7]}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: nginx}
        subsets: [{addresses: [{ip: 10.244.1.7}], ports: [{port: 8000}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db}
        spec: {ports: [{port: 5432}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-1
          labels: {kubernetes.io/service-name: db}
        addressType: IPv4
        endpoints: [{addresses: [192.0.2.10]}]
      `,
    },
    {
      name: "an HTTPRoute in the gateway's namespace sending to nginx's Service in scout",
      yaml: NGINX.replaceAll(
        "metadata: {name: nginx}",
        "metadata: {name: nginx, namespace: scout}",
      ).concat(`
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: gateway}
        spec: {rules: [{backendRefs: [{name: nginx, namespace: scout, port: 80}]}]}
      `),
    },
    {
      name: "nginx's LoadBalancer pinned to nginx's own pod-template-hash may select nginx or nothing: no exposure of others",
      yaml: NGINX.replace(
        "selector: {app.kubernetes.io/component: nginx}",
        "selector: {app.kubernetes.io/component: nginx, pod-template-hash: 5d8f7c9b6}",
      ),
    },
    {
      name: "the routing resources of OpenShift, Traefik, Istio, Contour, Emissary, Kong and APISIX sending to nginx's Service only",
      yaml: `${NGINX}
        ---
        apiVersion: route.openshift.io/v1
        kind: Route
        metadata: {name: web}
        spec: {to: {kind: Service, name: nginx}}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: web}
        spec: {routes: [{match: "PathPrefix(\`/\`)", kind: Rule, services: [{name: nginx, port: 80}]}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec: {hosts: ["*"], gateways: [istio-system/public], http: [{route: [{destination: {host: nginx}}]}]}
        ---
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: web}
        spec: {virtualhost: {fqdn: scout.example.org}, routes: [{services: [{name: nginx, port: 80}]}]}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: web}
        spec: {prefix: /, service: "http://nginx.default:80"}
        ---
        apiVersion: configuration.konghq.com/v1beta1
        kind: TCPIngress
        metadata: {name: web}
        spec: {rules: [{port: 80, backend: {serviceName: nginx, servicePort: 80}}]}
        ---
        apiVersion: apisix.apache.org/v2
        kind: ApisixRoute
        metadata: {name: web}
        spec: {http: [{name: all, match: {paths: ["/*"]}, backends: [{serviceName: nginx, servicePort: 80}]}]}
      `,
    },
    {
      name: "an Istio VirtualService bound to no gateway (the mesh), or whose route matches only the mesh, steers in-cluster traffic",
      yaml: `
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: backend}
        spec: {hosts: [backend], http: [{route: [{destination: {host: backend}}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec: {selector: {app: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: split}
        spec:
          hosts: [backend]
          gateways: [istio-system/public, mesh]
          http: [{match: [{gateways: [mesh]}], route: [{destination: {host: backend}}]}]
      `,
    },
    {
      name: "an Emissary Mapping and an Istio VirtualService to a host outside the cluster",
      yaml: `
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: status}
        spec: {prefix: /status/, service: "https://status.example.com"}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: status}
        spec: {hosts: ["*"], gateways: [public], http: [{route: [{destination: {host: status.example.com}}]}]}
      `,
    },
  ],
  invalid: [
    {
      name: "a NodePort backend, an Ingress and a GRPCRoute to it, externalIPs on redis",
      yaml: `
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec: {type: NodePort, selector: {app: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: api}
        spec:
          defaultBackend: {service: {name: backend, port: {number: 8000}}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: api}
        spec: {rules: [{backendRefs: [{name: backend, port: 8000}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis}
        spec: {externalIPs: [203.0.113.7], ports: [{port: 6379}]}
      `,
      errors: [
        {
          messageId: "exposedService",
          line: 4,
          column: 8,
          data: { name: "backend", type: "NodePort" },
        },
        {
          messageId: "routedService",
          line: 10,
          column: 30,
          data: { kind: "Ingress", name: "api", service: "backend" },
        },
        { messageId: "routedService", line: 15, column: 32 },
        { messageId: "externalIPs", line: 20, column: 8 },
      ],
    },
    {
      name: "an HTTPRoute to nginx that mirrors every request to the backend and to redis: both receive outside traffic",
      yaml: `${NGINX}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web}
        spec:
          rules:
            - filters:
                - type: RequestMirror
                  requestMirror: {backendRef: {name: backend, port: 8000}}
              backendRefs:
                - name: nginx
                  port: 80
                  filters:
                    - {type: RequestMirror, requestMirror: {backendRef: {name: redis, port: 6379}}}
      `,
      errors: [
        {
          messageId: "routedService",
          line: 22,
          column: 40,
          data: { kind: "HTTPRoute", name: "web", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 27,
          column: 66,
          data: { kind: "HTTPRoute", name: "web", service: "redis" },
        },
      ],
    },
    {
      name: "a Service labelled nginx whose selector also picks the backend exposes the backend",
      yaml: `${NGINX}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/name: scout, app.kubernetes.io/component: backend}}
            spec: {containers: [{name: backend}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, labels: {app.kubernetes.io/component: nginx}}
        spec: {type: LoadBalancer, selector: {app.kubernetes.io/name: scout}, ports: [{port: 80, targetPort: 8000}]}
      `,
      errors: [
        {
          messageId: "selectsBeyondNginx",
          line: 26,
          column: 28,
          data: { name: "web", workloads: "Deployment backend" },
        },
      ],
    },
    {
      name: "a LoadBalancer labelled nginx selecting a StatefulSet's pod by the pod-name label its controller adds exposes redis",
      yaml: `${NGINX}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: redis}}
            spec: {containers: [{name: redis}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, labels: {app.kubernetes.io/component: nginx}}
        spec:
          type: LoadBalancer
          selector: {statefulset.kubernetes.io/pod-name: redis-0}
          ports: [{port: 6379}]
      `,
      errors: [
        {
          messageId: "selectsBeyondNginx",
          line: 28,
          column: 3,
          data: { name: "web", workloads: "StatefulSet redis" },
        },
      ],
    },
    {
      name: "a NodePort labelled nginx selecting a Job's pods by the job-name label the API server adds exposes the Job",
      yaml: `${NGINX}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {restartPolicy: Never, containers: [{name: migrate}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: debug, labels: {app.kubernetes.io/component: nginx}}
        spec:
          type: NodePort
          selector: {batch.kubernetes.io/job-name: migrate}
          ports: [{port: 8000}]
      `,
      errors: [
        {
          messageId: "selectsBeyondNginx",
          line: 28,
          column: 3,
          data: { name: "debug", workloads: "Job migrate" },
        },
      ],
    },
    {
      name: "an Ingress to an ExternalName Service labelled nginx that names the backend's Service: the proxy sends to the backend",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: backend}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout}
        spec: {selector: {app.kubernetes.io/component: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: edge, namespace: scout, labels: {app.kubernetes.io/component: nginx}}
        spec: {type: ExternalName, externalName: backend.scout.svc.cluster.local}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: scout}
        spec:
          defaultBackend: {service: {name: edge, port: {number: 8000}}}
      `,
      errors: [
        {
          messageId: "routedService",
          line: 23,
          column: 30,
          data: { kind: "Ingress", name: "web", service: "edge" },
        },
      ],
    },
    {
      name: "a named targetPort that only the backend's native sidecar declares sends nginx's outside traffic to the backend",
      yaml: `${NGINX}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend, tier: web}}
            spec:
              initContainers: [{name: proxy, restartPolicy: Always, ports: [{name: http, containerPort: 8080}]}]
              containers: [{name: backend}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: nginx-public}
        spec: {type: NodePort, selector: {tier: web}, ports: [{port: 80, targetPort: http}]}
      `,
      errors: [
        {
          messageId: "exposedService",
          line: 28,
          column: 8,
          data: { name: "nginx-public", type: "NodePort" },
        },
      ],
    },
    {
      name: "externalIPs on a ClusterIP Service of redis expose redis on those addresses",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: redis}}
            spec: {containers: [{name: redis}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis}
        spec:
          type: ClusterIP
          selector: {app.kubernetes.io/component: redis}
          externalIPs: [203.0.113.7]
          ports: [{port: 6379}]
      `,
      errors: [{ messageId: "externalIPs", line: 15, column: 3, data: { name: "redis" } }],
    },
    {
      name: "an HTTPRoute attached to a Gateway and to a Service is reachable from outside through the Gateway",
      yaml: `
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: api}
        spec:
          parentRefs: [{name: public}, {group: "", kind: Service, name: backend}]
          rules: [{backendRefs: [{name: backend, port: 8000}]}]
      `,
      errors: [
        {
          messageId: "routedService",
          line: 6,
          column: 27,
          data: { kind: "HTTPRoute", name: "api", service: "backend" },
        },
      ],
    },
    {
      name: "with external access off, externalIPs on nginx's ClusterIP Service are reported as exposing nginx",
      options: { externalAccess: false },
      yaml: NGINX.replace("type: LoadBalancer,", "externalIPs: [203.0.113.7],"),
      errors: [
        {
          messageId: "exposedNginx",
          line: 12,
          column: 8,
          data: { name: "nginx", type: "ClusterIP with externalIPs" },
        },
      ],
    },
    {
      name: "an EndpointSlice written by hand for nginx's LoadBalancer, and Endpoints for a selectorless one: kube-proxy sends outside traffic to their addresses too",
      yaml: `${NGINX}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: nginx-extra
          labels: {kubernetes.io/service-name: nginx}
        addressType: IPv4
        endpoints: [{addresses: [10.244.1.7]}]
        ports: [{port: 8000}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: edge, labels: {app.kubernetes.io/component: nginx}}
        spec: {type: NodePort, ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: edge}
        subsets: [{addresses: [{ip: 10.244.1.7}], ports: [{port: 8000}]}]
      `,
      errors: [
        {
          messageId: "handWrittenEndpoints",
          line: 19,
          column: 12,
          data: { kind: "EndpointSlice", name: "nginx-extra", service: "nginx" },
        },
        {
          messageId: "handWrittenEndpoints",
          line: 31,
          column: 12,
          data: { kind: "Endpoints", name: "edge", service: "edge" },
        },
      ],
    },
    {
      name: "a slice that claims the EndpointSlice controller for a selectorless nginx Service: that controller never reconciles it, kube-proxy sends to it",
      yaml: `
        apiVersion: v1
        kind: Service
        metadata: {name: edge, labels: {app.kubernetes.io/component: nginx}}
        spec: {type: LoadBalancer, ports: [{port: 80, targetPort: 6379}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: edge-abcde
          labels:
            kubernetes.io/service-name: edge
            endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
        addressType: IPv4
        endpoints: [{addresses: [10.244.1.17]}]
        ports: [{port: 6379}]
      `,
      errors: [
        {
          messageId: "handWrittenEndpoints",
          line: 11,
          column: 5,
          data: { kind: "EndpointSlice", name: "edge-abcde", service: "edge" },
        },
      ],
    },
    {
      name: "with external access off, a LoadBalancer meant for nginx that also selects the backend is reported on its type: any exposure is the cause",
      options: { externalAccess: false },
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: backend}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, labels: {app.kubernetes.io/component: nginx}}
        spec:
          type: LoadBalancer
          selector: {app.kubernetes.io/component: backend}
          ports: [{port: 80}]
      `,
      errors: [
        {
          messageId: "exposedService",
          line: 13,
          column: 3,
          data: { name: "web", type: "LoadBalancer" },
        },
      ],
    },
    {
      name: "a LoadBalancer labelled nginx whose selector pins the backend's pod-template-hash may expose the backend",
      yaml: `${NGINX}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: backend}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, labels: {app.kubernetes.io/component: nginx}}
        spec:
          type: LoadBalancer
          selector: {app.kubernetes.io/component: backend, pod-template-hash: 5d8f7c9b6}
          ports: [{port: 80}]
      `,
      errors: [
        {
          messageId: "mayExposeService",
          line: 28,
          column: 52,
          data: {
            name: "web",
            type: "LoadBalancer",
            workloads: "Deployment backend",
            key: "pod-template-hash",
            reason: DEPLOYMENT_HASH,
          },
        },
      ],
    },
    {
      name: "an unlabelled LoadBalancer that may select only the backend, through a StatefulSet's revision hash",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: backend}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec:
          type: NodePort
          selector: {app.kubernetes.io/component: backend, controller-revision-hash: backend-6d4f8c9b7}
          ports: [{port: 8000}]
      `,
      errors: [
        {
          messageId: "mayExposeService",
          line: 14,
          column: 52,
          data: {
            name: "api",
            type: "NodePort",
            workloads: "StatefulSet backend",
            key: "controller-revision-hash",
            reason:
              "the controller sets it to the name of the current revision, a new one at every rollout",
          },
        },
      ],
    },
    {
      name: "an Ingress to a ClusterIP Service labelled nginx that may select the backend by its hash",
      yaml: `${NGINX}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: backend}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, labels: {app.kubernetes.io/component: nginx}}
        spec: {selector: {app.kubernetes.io/component: backend, pod-template-hash: 5d8f7c9b6}, ports: [{port: 80}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}
      `,
      errors: [
        {
          messageId: "mayRouteService",
          line: 31,
          column: 35,
          data: {
            kind: "Ingress",
            name: "web",
            service: "web",
            workloads: "Deployment backend",
            key: "pod-template-hash",
            reason: DEPLOYMENT_HASH,
          },
        },
      ],
    },
    {
      name: "an OpenShift Route to the backend, with redis as an alternate backend: the router takes outside traffic to both",
      yaml: `${NGINX}
        ---
        apiVersion: route.openshift.io/v1
        kind: Route
        metadata: {name: api}
        spec:
          to: {kind: Service, name: backend}
          alternateBackends: [{kind: Service, name: redis, weight: 1}]
      `,
      errors: [
        {
          messageId: "routedService",
          line: 19,
          column: 23,
          data: { kind: "Route", name: "api", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 20,
          column: 39,
          data: { kind: "Route", name: "api", service: "redis" },
        },
      ],
    },
    {
      name: "a Traefik IngressRoute to the backend in scout, an IngressRouteTCP to redis and a TraefikService mirroring to the backend",
      yaml: `${NGINX}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: api, namespace: edge}
        spec:
          routes:
            - match: PathPrefix(\`/docs\`)
              kind: Rule
              services:
                - name: backend
                  namespace: scout
                  port: 8000
        ---
        apiVersion: traefik.containo.us/v1alpha1
        kind: IngressRouteTCP
        metadata: {name: cache}
        spec: {routes: [{match: HostSNI(\`*\`), services: [{name: redis, port: 6379}]}]}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TraefikService
        metadata: {name: shadow}
        spec: {mirroring: {name: nginx, port: 80, mirrors: [{name: backend, port: 8000, percent: 100}]}}
      `,
      errors: [
        {
          messageId: "routedService",
          line: 23,
          column: 11,
          data: { kind: "IngressRoute", name: "api", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 30,
          column: 51,
          data: { kind: "IngressRouteTCP", name: "cache", service: "redis" },
        },
        {
          messageId: "routedService",
          line: 35,
          column: 54,
          data: { kind: "TraefikService", name: "shadow", service: "backend" },
        },
      ],
    },
    {
      name: "an Istio VirtualService bound to a gateway, to the backend by its short name, mirroring to redis by its full name",
      yaml: `${NGINX.replaceAll("metadata: {name: nginx}", "metadata: {name: nginx, namespace: scout}")}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout}
        spec: {selector: {app: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis, namespace: scout}
        spec: {selector: {app: redis}, ports: [{port: 6379}]}
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: api, namespace: scout}
        spec:
          hosts: ["*"]
          gateways: [istio-system/public]
          http:
            - route: [{destination: {host: backend, port: {number: 8000}}}]
              mirror: {host: redis.scout.svc.cluster.local}
          tcp:
            - route: [{destination: {host: nginx.scout}}]
      `,
      errors: [
        {
          messageId: "routedService",
          line: 32,
          column: 30,
          data: { kind: "VirtualService", name: "api", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 33,
          column: 16,
          data: { kind: "VirtualService", name: "api", service: "redis" },
        },
      ],
    },
    {
      name: "an Istio VirtualService bound to a gateway that delegates /api to a VirtualService of its own (no gateways): the delegate's route takes outside traffic to the backend",
      yaml: `
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout}
        spec: {selector: {app: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: edge, namespace: istio-system}
        spec:
          hosts: ["*"]
          gateways: [public]
          http: [{match: [{uri: {prefix: /api}}], delegate: {name: api, namespace: scout}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api, namespace: scout}
        spec:
          http: [{route: [{destination: {host: backend}}]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: internal, namespace: scout}
        spec:
          http: [{route: [{destination: {host: backend}}]}]
      `,
      errors: [
        {
          messageId: "routedService",
          line: 18,
          column: 34,
          data: { kind: "VirtualService", name: "api", service: "backend" },
        },
      ],
    },
    {
      name: "a Contour HTTPProxy, an Emissary Mapping, a Kong TCPIngress and an APISIX ApisixRoute to components that are not nginx",
      yaml: `${NGINX}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec: {selector: {app: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: api}
        spec:
          virtualhost: {fqdn: api.example.org}
          routes: [{services: [{name: backend, port: 8000}]}]
          tcpproxy: {services: [{name: redis, port: 6379}]}
        ---
        apiVersion: getambassador.io/v2
        kind: Mapping
        metadata: {name: api}
        spec: {prefix: /, service: "backend:8000"}
        ---
        apiVersion: configuration.konghq.com/v1beta1
        kind: UDPIngress
        metadata: {name: metrics}
        spec: {rules: [{port: 9090, backend: {serviceName: prometheus, servicePort: 9090}}]}
        ---
        apiVersion: apisix.apache.org/v2
        kind: ApisixRoute
        metadata: {name: api}
        spec:
          http: [{name: api, match: {paths: ["/*"]}, backends: [{serviceName: backend, servicePort: 8000}]}]
          stream: [{name: cache, protocol: TCP, match: {ingressPort: 6379}, backend: {serviceName: redis, servicePort: 6379}}]
      `,
      errors: [
        {
          messageId: "routedService",
          line: 25,
          column: 25,
          data: { kind: "HTTPProxy", name: "api", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 26,
          column: 26,
          data: { kind: "HTTPProxy", name: "api", service: "redis" },
        },
        {
          messageId: "routedService",
          line: 31,
          column: 19,
          data: { kind: "Mapping", name: "api", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 36,
          column: 39,
          data: { kind: "UDPIngress", name: "metrics", service: "prometheus" },
        },
        {
          messageId: "routedService",
          line: 42,
          column: 58,
          data: { kind: "ApisixRoute", name: "api", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 43,
          column: 79,
          data: { kind: "ApisixRoute", name: "api", service: "redis" },
        },
      ],
    },
    {
      name: "an ingress-nginx Ingress to nginx whose default-backend annotation sends unmatched and failed requests to the backend",
      yaml: `${NGINX}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations: {nginx.ingress.kubernetes.io/default-backend: backend}
        spec:
          rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: nginx, port: {number: 80}}}}]}}]
      `,
      errors: [
        {
          messageId: "routedService",
          line: 19,
          column: 17,
          data: { kind: "Ingress", name: "web", service: "backend" },
        },
      ],
    },
    {
      name: "an ingress-nginx Ingress to nginx whose auth-url and snippets' proxy_pass send outside requests to the backend and redis",
      yaml: `${NGINX}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec: {selector: {app: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis}
        spec: {selector: {app: redis}, ports: [{port: 6379}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
            nginx.ingress.kubernetes.io/auth-url: http://backend:8000/docs
            nginx.ingress.kubernetes.io/server-snippet: |
              location /cache {
                proxy_pass http://redis:6379;
              }
            nginx.ingress.kubernetes.io/configuration-snippet: |
              grpc_pass grpc://nginx:80;
        spec:
          rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: nginx, port: {number: 80}}}}]}}]
      `,
      errors: [
        {
          messageId: "routedService",
          line: 30,
          column: 5,
          data: { kind: "Ingress", name: "web", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 31,
          column: 5,
          data: { kind: "Ingress", name: "web", service: "redis" },
        },
      ],
    },
    {
      name: "an ingress-nginx stream-snippet that listens on a port of the controller and proxies it to redis",
      yaml: `
        apiVersion: v1
        kind: Service
        metadata: {name: redis}
        spec: {selector: {app: redis}, ports: [{port: 6379}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
            nginx.ingress.kubernetes.io/stream-snippet: "server { listen 6379; proxy_pass redis:6379; }"
        spec: {ingressClassName: nginx}
      `,
      errors: [
        {
          messageId: "routedService",
          line: 11,
          column: 5,
          data: { kind: "Ingress", name: "web", service: "redis" },
        },
      ],
    },
    {
      name: "an HTTPRoute to a multi-cluster ServiceImport of redis: the clusterset's redis Services receive outside traffic",
      yaml: `${NGINX}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis}
        spec: {selector: {app: redis}, ports: [{port: 6379}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web}
        spec:
          rules:
            - backendRefs:
                - {group: multicluster.x-k8s.io, kind: ServiceImport, name: redis, port: 6379}
      `,
      errors: [
        {
          messageId: "routedService",
          line: 26,
          column: 63,
          data: { kind: "HTTPRoute", name: "web", service: "redis" },
        },
      ],
    },
    {
      name: "Ingresses to ExternalName Services labelled nginx that name a redis pod through its headless Service, redis' cluster IP and a pod address",
      yaml: `
        apiVersion: v1
        kind: Service
        metadata: {name: redis-hl, namespace: scout}
        spec: {clusterIP: None, selector: {app.kubernetes.io/component: redis}, ports: [{port: 6379}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis, namespace: scout}
        spec: {clusterIP: 10.96.0.12, selector: {app.kubernetes.io/component: redis}, ports: [{port: 6379}]}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis, namespace: scout}
        spec:
          serviceName: redis-hl
          template:
            metadata: {labels: {app.kubernetes.io/component: redis}}
            spec: {containers: [{name: redis, ports: [{containerPort: 6379}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: edge, namespace: scout, labels: {app.kubernetes.io/component: nginx}}
        spec: {type: ExternalName, externalName: redis-0.redis-hl.scout.svc.cluster.local}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: edge-ip, namespace: scout, labels: {app.kubernetes.io/component: nginx}}
        spec: {type: ExternalName, externalName: 10.96.0.12}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: edge-pod, namespace: scout, labels: {app.kubernetes.io/component: nginx}}
        spec: {type: ExternalName, externalName: 10-244-1-17.scout.pod.cluster.local}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: scout}
        spec:
          rules:
            - http:
                paths:
                  - {path: /a, pathType: Prefix, backend: {service: {name: edge, port: {number: 6379}}}}
                  - {path: /b, pathType: Prefix, backend: {service: {name: edge-ip, port: {number: 6379}}}}
                  - {path: /c, pathType: Prefix, backend: {service: {name: edge-pod, port: {number: 6379}}}}
      `,
      errors: [
        {
          messageId: "routedService",
          line: 42,
          column: 62,
          data: { kind: "Ingress", name: "web", service: "edge" },
        },
        {
          messageId: "routedService",
          line: 43,
          column: 62,
          data: { kind: "Ingress", name: "web", service: "edge-ip" },
        },
        {
          messageId: "routedService",
          line: 44,
          column: 62,
          data: { kind: "Ingress", name: "web", service: "edge-pod" },
        },
      ],
    },
    {
      name: "a Knative Service running the backend, published on the cluster's domain, and a DomainMapping to a cluster-local one running redis",
      yaml: `
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: api, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{image: ghcr.io/scout/backend:1.4.2}]}
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: cache
          namespace: scout
          labels: {networking.knative.dev/visibility: cluster-local}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: redis}}
            spec: {containers: [{image: redis:7.4}]}
        ---
        apiVersion: serving.knative.dev/v1beta1
        kind: DomainMapping
        metadata: {name: cache.example.com, namespace: scout}
        spec:
          ref: {name: cache, kind: Service, apiVersion: serving.knative.dev/v1}
      `,
      errors: [
        {
          messageId: "knativePublic",
          line: 3,
          column: 1,
          data: { name: "api", workload: "backend" },
        },
        {
          messageId: "routedService",
          line: 24,
          column: 9,
          data: { kind: "DomainMapping", name: "cache.example.com", service: "cache" },
        },
      ],
    },
    {
      name: "a Gloo VirtualService to the backend's Service, to redis' discovered Upstream, and a RouteTable to an Upstream of the backend",
      yaml: `
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout}
        spec: {selector: {app: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis, namespace: scout}
        spec: {selector: {app: redis}, ports: [{port: 6379}]}
        ---
        apiVersion: gloo.solo.io/v1
        kind: Upstream
        metadata: {name: api, namespace: gloo-system}
        spec: {kube: {serviceName: backend, serviceNamespace: scout, servicePort: 8000}}
        ---
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: gloo-system}
        spec:
          virtualHost:
            domains: ["*"]
            routes:
              - routeAction: {single: {kube: {ref: {name: backend, namespace: scout}, port: 8000}}}
              - routeAction:
                  multi:
                    destinations:
                      - destination: {upstream: {name: scout-redis-6379, namespace: gloo-system}}
        ---
        apiVersion: gateway.solo.io/v1
        kind: RouteTable
        metadata: {name: api, namespace: gloo-system}
        spec:
          routes:
            - routeAction: {single: {upstream: {name: api, namespace: gloo-system}}}
      `,
      errors: [
        {
          messageId: "routedService",
          line: 23,
          column: 45,
          data: { kind: "VirtualService", name: "web", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 27,
          column: 42,
          data: { kind: "VirtualService", name: "web", service: "redis" },
        },
        {
          messageId: "routedService",
          line: 34,
          column: 41,
          data: { kind: "RouteTable", name: "api", service: "backend" },
        },
      ],
    },
    {
      name: "a Knative Route that publishes a Configuration running redis, and one labelled cluster-local",
      yaml: `
        apiVersion: serving.knative.dev/v1
        kind: Configuration
        metadata: {name: cache, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: redis}}
            spec: {containers: [{image: redis:7.4}]}
        ---
        apiVersion: serving.knative.dev/v1
        kind: Route
        metadata: {name: cache, namespace: scout}
        spec:
          traffic:
            - {configurationName: cache, percent: 100}
        ---
        apiVersion: serving.knative.dev/v1
        kind: Route
        metadata: {name: cache-local, namespace: scout, labels: {networking.knative.dev/visibility: cluster-local}}
        spec:
          traffic:
            - {configurationName: cache, percent: 100}
      `,
      errors: [
        {
          messageId: "knativeRouted",
          line: 14,
          column: 8,
          data: { name: "cache", configuration: "cache", workload: "redis" },
        },
      ],
    },
    {
      name: "a Traefik Middleware whose forwardAuth asks the backend and whose error pages come from redis' Service",
      yaml: `
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout}
        spec: {selector: {app: backend}, ports: [{port: 8000}]}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: auth, namespace: scout}
        spec:
          forwardAuth: {address: "http://backend.scout.svc.cluster.local:8000/docs"}
          errors: {status: ["500-599"], query: "/{status}.html", service: {name: redis, port: 6379}}
      `,
      errors: [
        {
          messageId: "routedService",
          line: 10,
          column: 17,
          data: { kind: "Middleware", name: "auth", service: "backend" },
        },
        {
          messageId: "routedService",
          line: 11,
          column: 68,
          data: { kind: "Middleware", name: "auth", service: "redis" },
        },
      ],
    },
    {
      name: "with external access off, even nginx's LoadBalancer is reported",
      options: { externalAccess: false },
      yaml: NGINX,
      errors: [
        {
          messageId: "exposedNginx",
          line: 12,
          column: 8,
          data: { name: "nginx", type: "LoadBalancer" },
        },
      ],
    },
  ],
});

// policy.settings.network: the one place every network rule reads external access from.
new RuleTester({ describe, it, settings: guideSettingsSchema }).run(externalExposure, {
  valid: [
    {
      name: "policy.settings.network leaves external access on: nginx's LoadBalancer passes",
      settings: { network: { externalPort: 80 } },
      yaml: NGINX,
    },
  ],
  invalid: [
    {
      name: "external access off in policy.settings.network, as in the deprecated option: nginx's LoadBalancer is reported on its type",
      settings: { network: { externalAccess: false } },
      yaml: NGINX,
      errors: [{ messageId: "exposedNginx", line: 12, column: 8 }],
    },
  ],
});
