import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { portCoherence } from "./rule.js";

/** A backend scraped by the Prometheus of its namespace, which the policy lets in. */
const scraped = (namespace: string) => `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: ${namespace}}
        spec:
          template:
            metadata:
              labels: {app: backend}
              annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8000"}
            spec:
              containers: [{name: api, ports: [{name: http, containerPort: 8000}]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: prometheus, namespace: ${namespace}, labels: {app: prometheus}}
        spec: {containers: [{name: prometheus}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: ${namespace}}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress: [{from: [{podSelector: {matchLabels: {app: prometheus}}}], ports: [{port: 8000}]}]
`;

/**
 * The scrape moved to a metrics port 9100, admitted only from namespaces labelled purpose=scout:
 * namespace scout has a Namespace object only when `namespace` gives its labels.
 */
const scrapedThroughNamespaceLabel = (namespace?: string) =>
  scraped("scout")
    .replace('prometheus.io/port: "8000"', 'prometheus.io/port: "9100"')
    .replace(
      "ports: [{name: http, containerPort: 8000}]",
      "ports: [{name: http, containerPort: 8000}, {name: metrics, containerPort: 9100}]",
    )
    .replace(
      "ingress: [{from: [{podSelector: {matchLabels: {app: prometheus}}}], ports: [{port: 8000}]}]",
      "ingress: [{from: [{namespaceSelector: {matchLabels: {purpose: scout}}, podSelector: {matchLabels: {app: prometheus}}}], ports: [{port: 9100}]}]",
    ) +
  (namespace
    ? `        ---\n        apiVersion: v1\n        kind: Namespace\n        metadata: {name: scout, labels: {${namespace}}}\n`
    : "");

const refused = (reason: string) => ({ owner: 'NetworkPolicy "default/backend"', reason });

new RuleTester({ describe, it }).run(portCoherence, {
  valid: [
    {
      name: "Prometheus admitted to the scrape port through a label of namespace scout, which has no Namespace object: it may reach it (allowed-flows' 'maybe'), no port mismatch",
      yaml: scrapedThroughNamespaceLabel(),
    },
    {
      name: "a policy blocking the guide's scrape flow (8000) is network/allowed-flows' missing flow, not repeated here",
      yaml: scraped("scout").replace(
        "ingress: [{from: [{podSelector: {matchLabels: {app: prometheus}}}], ports: [{port: 8000}]}]",
        "policyTypes: [Ingress]",
      ),
    },
    {
      name: "a Service that may select the backend only through its pod-template-hash: no claim that it sends to a port the backend lacks",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: api, ports: [{name: http, containerPort: 8000}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec:
          selector: {app.kubernetes.io/component: backend, pod-template-hash: 5d8f7c9b64}
          ports: [{port: 80, targetPort: 9000}]
      `,
    },
    {
      name: "a port range whose every port the backend declares",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers:
                - name: api
                  ports: [{containerPort: 8000}, {containerPort: 8001}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress: [{ports: [{port: 8000, endPort: 8001}]}]
      `,
    },
    {
      name: "two namespaces: each backend is scraped by its own Prometheus, not the other's",
      yaml: `${scraped("staging")}        ---${scraped("production")}`,
    },
    {
      name: "one named port for the Service, the probe, the policy and the scrape annotation",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata:
              labels: {app: backend}
              annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8000"}
            spec:
              containers:
                - name: api
                  ports: [{name: http, containerPort: 8000}]
                  readinessProbe: {httpGet: {path: /docs, port: http}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec: {selector: {app: backend}, ports: [{port: 80, targetPort: http}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress: [{ports: [{port: 8000}]}]
      `,
    },
    {
      name: 'a targetPort of 0 or "" is the port (the API server\'s defaulting): 8000, which the backend declares; an ExternalName Service sends to no pod',
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: api, ports: [{name: http, containerPort: 8000}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{name: a, port: 8000, targetPort: 0}, {name: b, port: 8000, targetPort: ""}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend-elsewhere}
        spec:
          type: ExternalName
          externalName: backend.example.com
          selector: {app.kubernetes.io/component: backend}
          ports: [{port: 9999}]
      `,
    },
    {
      name: "workloads that are no Scout component are not judged",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: tool, labels: {app: tool}}
        spec: {containers: [{name: t, ports: [{containerPort: 1}], livenessProbe: {tcpSocket: {port: 2}}}]}
      `,
    },
  ],
  invalid: [
    {
      name: "the same with the Namespace object, labelled purpose=web: the labels are exact and Prometheus may not reach the scrape port",
      yaml: scrapedThroughNamespaceLabel("purpose: web"),
      errors: [{ messageId: "scrapeBlocked", line: 8, column: 51 }],
    },
    {
      name: "the one container port changed: one finding on it, not one on each reference that asks the old one",
      yaml: `${scraped("scout").replace("{name: http, containerPort: 8000}", "{name: http, containerPort: 8080}")}        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout}
        spec: {selector: {app: backend}, ports: [{port: 8000, targetPort: 8000}]}
`,
      errors: [
        {
          messageId: "unusedContainerPort",
          line: 10,
          column: 53,
          data: {
            container: "api",
            workload: "Deployment scout/backend",
            declared: "8080",
            port: "8000",
            users:
              'Service "backend", NetworkPolicy "scout/backend", the prometheus.io/port annotation',
          },
        },
      ],
    },
    {
      name: "its protocol changed: on the protocol; a policy port of another protocol than the container's: on the policy's protocol",
      yaml: `${scraped("scout").replace("{name: http, containerPort: 8000}", "{name: http, containerPort: 8000, protocol: UDP}")}        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: scout}
        spec: {selector: {app: backend}, ports: [{port: 8000, targetPort: 8000}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app: frontend}}
            spec: {containers: [{name: web, ports: [{containerPort: 3000}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          ingress: [{ports: [{port: 3000, protocol: UDP}]}]
`,
      errors: [
        { messageId: "unusedContainerPort", line: 10, column: 74 },
        { messageId: "policyPort", line: 42, column: 35 },
      ],
    },
    {
      name: "a UDP Service port whose named targetPort the backend declares for TCP only: it has no UDP port of that name",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: api, ports: [{name: http, containerPort: 8000}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec:
          selector: {app.kubernetes.io/component: backend}
          ports: [{port: 8000, targetPort: http, protocol: UDP}]
      `,
      errors: [
        {
          messageId: "serviceTarget",
          line: 14,
          column: 24,
          data: { service: "backend", port: "http/UDP", workload: "Deployment default/backend" },
        },
      ],
    },
    {
      name: "a port range opens ports the backend does not declare (only allow necessary ports)",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers: [{name: api, ports: [{containerPort: 8000}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - ports: [{port: 8000, endPort: 9000}]
            - ports: [{protocol: UDP, port: 8000, endPort: 8000}]
      `,
      errors: [
        {
          messageId: "policyRange",
          line: 16,
          column: 28,
          data: {
            policy: "default/backend",
            protocol: "TCP",
            range: "8000-9000",
            workload: "Deployment default/backend",
            declared: "only 8000",
          },
        },
        {
          messageId: "policyRange",
          line: 17,
          column: 43,
          data: {
            policy: "default/backend",
            protocol: "UDP",
            range: "8000-8000",
            workload: "Deployment default/backend",
            declared: "none",
          },
        },
      ],
    },
    {
      name: "a scrape port given by name is one finding on the annotation, whatever the policies allow",
      yaml: `${scraped("scout").replace('prometheus.io/port: "8000"', "prometheus.io/port: http")}`,
      errors: [
        {
          messageId: "scrapePortName",
          line: 8,
          column: 51,
          data: { workload: "Deployment scout/backend", port: "http" },
        },
      ],
    },
    {
      name: "quoted numbers and upper-case names are no port names: the API server refuses each object",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers:
                - name: api
                  ports: [{name: http, containerPort: 8000}]
                  livenessProbe: {httpGet: {path: /docs, port: HTTP}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec: {selector: {app: backend}, ports: [{port: 8000, targetPort: "8000"}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          policyTypes: [Ingress, Egress]
          ingress: [{ports: [{port: "8000"}]}]
          egress: [{ports: [{port: "53", protocol: UDP}]}]
      `,
      errors: [
        {
          messageId: "badPortName",
          line: 11,
          column: 50,
          data: { owner: 'livenessProbe of container "api"', port: "HTTP" },
          severity: "error",
        },
        {
          messageId: "badPortName",
          line: 16,
          column: 55,
          data: { owner: 'Service "backend"', port: "8000" },
          severity: "error",
        },
        {
          messageId: "badPortName",
          line: 24,
          column: 23,
          data: { owner: 'NetworkPolicy "default/backend"', port: "8000" },
        },
        {
          messageId: "badPortName",
          line: 25,
          column: 22,
          data: { owner: 'NetworkPolicy "default/backend"', port: "53" },
          severity: "error",
        },
      ],
    },
    {
      // Found by the API-server validation differential: the API server refuses the policy
      // whether or not the bundle holds the pods it selects.
      name: "a refused port of a policy that selects no workload of the bundle",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - ports: [{endPort: 70, protocol: UDP}]
      `,
      errors: [
        {
          messageId: "refusedPort",
          line: 7,
          column: 16,
          data: refused("an endPort needs a port to start the range"),
        },
      ],
    },
    {
      name: "port ranges and numbers the API server refuses: one finding each, not judged against the container ports",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers: [{name: api, ports: [{name: http, containerPort: 8000}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - ports:
                - {port: 0}
                - {port: 8000, endPort: 7000}
                - {port: http, endPort: 8001}
                - {endPort: 8001}
                - {port: 8000, protocol: tcp}
      `,
      errors: [
        {
          messageId: "refusedPort",
          line: 17,
          column: 12,
          data: refused("a port number is 1 to 65535"),
        },
        {
          messageId: "refusedPort",
          line: 18,
          column: 24,
          data: refused("the endPort is below the port"),
        },
        {
          messageId: "refusedPort",
          line: 19,
          column: 24,
          data: refused("an endPort needs a numeric port, not a name"),
        },
        {
          messageId: "refusedPort",
          line: 20,
          column: 12,
          data: refused("an endPort needs a port to start the range"),
        },
        {
          messageId: "refusedPort",
          line: 21,
          column: 24,
          data: refused("the protocol is none of TCP, UDP, SCTP (upper case)"),
        },
      ],
    },
    {
      name: "every port disagrees, and Prometheus may not reach the scrape port",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata:
              labels: {app: backend}
              annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9090"}
            spec:
              containers:
                - name: api
                  ports: [{name: http, containerPort: 8000}]
                  livenessProbe: {tcpSocket: {port: 8080}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: prometheus, labels: {app: prometheus}}
        spec: {containers: [{name: prometheus}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec: {selector: {app: backend}, ports: [{port: 8000, targetPort: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress: [{from: [{podSelector: {matchLabels: {app: prometheus}}}], ports: [{port: 8001}]}]
      `,
      errors: [
        { messageId: "scrapeBlocked", line: 8, column: 51 },
        {
          messageId: "scrapePort",
          line: 8,
          column: 51,
          data: { workload: "Deployment default/backend", port: "9090" },
        },
        { messageId: "probePort", line: 13, column: 39 },
        {
          messageId: "serviceTarget",
          line: 23,
          column: 55,
          data: { service: "backend", port: "api", workload: "Deployment default/backend" },
        },
        { messageId: "policyPort", line: 30, column: 80 },
      ],
    },
  ],
});
