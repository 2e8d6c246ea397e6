import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { guideSettingsSchema } from "../../settings.js";
import { allowedFlows } from "./rule.js";

const PODS = `
        apiVersion: v1
        kind: Pod
        metadata: {name: frontend, labels: {app: frontend}}
        spec: {containers: [{name: web, ports: [{name: http, containerPort: 3000}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: backend, labels: {app: backend}}
        spec: {containers: [{name: api, ports: [{name: api, containerPort: 8000}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;

/** A policy of every pod's egress to the cluster's DNS pods, its rule's ports in PORTS. */
const DNS_POLICY = `        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: dns}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
            - to:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
                  podSelector: {matchLabels: {k8s-app: kube-dns}}
              PORTS
`;

/** Frontend -> backend on 8000 and DNS, nothing else. */
const POLICIES = `
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: 8000}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          egress:
            - to: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 8000}]
            - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`;

/** The frontend as a StatefulSet (its one pod is frontend-0) and the backend; FROM reaches the backend on 8000, EXTRA on 9000. */
/**
 * Frontend, backend and redis in namespace scout, which has no Namespace object unless NAMESPACE
 * gives one; redis admits the backend and PEER on 6379 (PEER's line is 18), only the frontend's
 * ingress is isolated beside it.
 */
const NAMESPACED = `
        apiVersion: v1
        kind: Pod
        metadata: {name: frontend, namespace: scout, labels: {app: frontend}}
        spec: {containers: [{name: web, ports: [{containerPort: 3000}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: redis, namespace: scout, labels: {app: redis}}
        spec: {containers: [{name: redis, ports: [{containerPort: 6379}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: redis}}
          ingress:
            - from:
                - PEER
              ports: [{port: 6379}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: backend, namespace: scout, labels: {app: backend}}
        spec: {containers: [{name: api, ports: [{containerPort: 8000}]}]}
        NAMESPACE
`;
const SCOUT_NAMESPACE = (team: string) => `---
        apiVersion: v1
        kind: Namespace
        metadata: {name: scout, labels: {team: ${team}}}`;
const namespaced = (peer: string, namespace = "") =>
  NAMESPACED.replace("PEER", peer).replace("NAMESPACE", namespace);
const BACKEND_BY_TEAM =
  "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout, team: x}}, podSelector: {matchLabels: {app: backend}}}";
const FRONTEND_BY_TEAM =
  "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout, team: x}}, podSelector: {matchLabels: {app: frontend}}}";
const namespaceDoubt = {
  target: "NetworkPolicy scout/redis",
  rule: "spec.ingress[0]",
  count: "a flow",
  instance: "instance scout",
  key: "team",
  namespace: "scout",
};

const STATEFUL = `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: frontend}
        spec:
          selector: {matchLabels: {app: frontend}}
          template:
            metadata: {labels: {app: frontend}}
            spec: {containers: [{name: web, ports: [{containerPort: 3000}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: backend, labels: {app: backend}}
        spec: {containers: [{name: api, ports: [{containerPort: 8000}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          egress:
            - to: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 8000}, {port: 9000}]
            - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from: [{podSelector: {matchLabels: {FROM}}}]
              ports: [{port: 8000}]
            - from: [{podSelector: {matchLabels: {EXTRA}}}]
              ports: [{port: 9000}]
`;

const inNamespace = (yaml: string, namespace: string) =>
  yaml.replaceAll("metadata: {name:", `metadata: {namespace: ${namespace}, name:`);

/** The pods of instance `name`: the instance label beside the component label. */
const instancePods = (name: string) =>
  PODS.replace(/^ {8}apiVersion: networking[\s\S]*$/m, "")
    .replaceAll(
      /name: (frontend|backend), labels: \{/g,
      `name: $1-${name}, labels: {app.kubernetes.io/instance: ${name}, `,
    )
    .replace(/\n\s*---\s*$/, "\n");

/** The backend in scout and Prometheus in a monitoring namespace of its own, both isolated. */
const MONITORING = `
        apiVersion: v1
        kind: Pod
        metadata: {name: backend, namespace: scout, labels: {app: backend}}
        spec: {containers: [{name: api, ports: [{name: api, containerPort: 8000}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: prometheus, namespace: monitoring, labels: {app: prometheus}}
        spec: {containers: [{name: prometheus, ports: [{containerPort: 9090}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: scout}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: prometheus, namespace: monitoring}
        spec:
          podSelector: {matchLabels: {app: prometheus}}
          policyTypes: [Ingress, Egress]
          egress:
            - to:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout}}
                  podSelector: {matchLabels: {app: backend}}
              ports: [{port: 8000}]
            - to:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
                  podSelector: {matchLabels: {k8s-app: kube-dns}}
              ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`;

/** What clients lose without 53/UDP, and with it but without 53/TCP. */
const UDP_LOST = "cannot resolve the Services they connect to, so their connections will fail";
const TCP_LOST =
  "cannot resolve a name whose answer does not fit a UDP packet (resolvers retry those over TCP), so some lookups will fail";

/**
 * Frontend, backend and redis, every flow between them allowed, and the namespace-wide DNS rule
 * with PORTS: its one noDnsRule warning, at `at`, names the pair `lost` and every client.
 */
function dnsRuleCase(
  name: string,
  ports: string,
  at: { line: number; column: number },
  lost: string,
) {
  return {
    name,
    yaml: `${PODS}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: redis, labels: {app: redis}}
        spec: {containers: [{name: redis, ports: [{name: redis, containerPort: 6379}]}]}
${DNS_POLICY.replace("PORTS", ports)}        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: flows}
        spec:
          podSelector: {}
          ingress:
            - from: [{podSelector: {matchLabels: {app: frontend}}}]
              ports: [{port: 8000}]
            - from: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 6379}]
          egress:
            - to: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 8000}]
            - to: [{podSelector: {matchLabels: {app: redis}}}]
              ports: [{port: 6379}]
      `,
    errors: [
      {
        messageId: "noDnsRule" as const,
        ...at,
        data: {
          target: "NetworkPolicy default/dns",
          rule: "spec.egress[0]",
          sources: "default/frontend, default/backend",
          destination: "cluster DNS (kube-system/k8s-app=kube-dns)",
          ports: lost,
          failure: lost === "TCP 53" ? TCP_LOST : UDP_LOST,
          instance: "instance default",
          fix: "egress rule {to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{protocol: TCP, port: 53}, {protocol: UDP, port: 53}]}",
        },
      },
    ],
  };
}

new RuleTester({ describe, it }).run(allowedFlows, {
  valid: [
    {
      name: "the Namespace object gives scout's labels exactly (team=z): the peer on team=x admits no frontend, and no maybe",
      yaml: namespaced(
        `${FRONTEND_BY_TEAM}\n                - {podSelector: {matchLabels: {app: backend}}}`,
        SCOUT_NAMESPACE("z"),
      ),
    },
    {
      name: "namespaces selected by kubernetes.io/metadata.name alone are known without a Namespace object",
      yaml: namespaced(
        "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout}}, podSelector: {matchLabels: {app: backend}}}",
      ),
    },
    {
      name: "an egress rule to the cluster's DNS on every port, for pods that are no Scout component: with no identified component the rule is silent",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: web, labels: {app: web}}
        spec: {containers: [{name: web, ports: [{containerPort: 80}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: dns}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
            - to:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
                  podSelector: {matchLabels: {k8s-app: kube-dns}}
      `,
    },
    {
      name: "an egress rule to the cluster's DNS on every port, in a policy whose policyTypes leave egress out: the cluster ignores it",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: dns}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
          egress:
            - to:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
                  podSelector: {matchLabels: {k8s-app: kube-dns}}
      `,
    },
    {
      name: "an egress rule to the cluster's DNS pods on 53/UDP and 53/TCP (or a named port, given the doubt)",
      yaml: `${PODS}${POLICIES}${DNS_POLICY.replace("PORTS", "ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}, {port: dns-tcp, protocol: TCP}]")}`,
    },
    {
      name: "a policy the API server refuses (ipBlock beside a selector, a quoted port) is never created: the flows it would open are not flows",
      yaml: `${PODS}${POLICIES}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: refused}
        spec:
          podSelector: {}
          ingress: [{from: [{podSelector: {}, ipBlock: {cidr: 0.0.0.0/0}}]}]
          egress: [{ports: [{port: "3000"}]}]
      `,
    },
    {
      name: "Prometheus in a monitoring namespace of its own scrapes the backend (namespaceSelector and podSelector): the guide's flow",
      yaml: `${MONITORING}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
                  podSelector: {matchLabels: {app: prometheus}}
              ports: [{port: 8000}]
      `,
    },
    {
      name: "frontend -> backend on 8000 through a named port, with DNS egress for everyone",
      yaml: `${PODS}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: api}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          egress:
            - to: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 8000}]
            - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
      `,
    },
    {
      name: "two namespaces with the same policies: no flow between them is intended, none missing",
      yaml: [
        inNamespace(PODS + POLICIES, "staging"),
        inNamespace(PODS + POLICIES, "production"),
      ].join("\n        ---\n"),
    },
    {
      name: "nginx in an ingress namespace of its own, reached from outside only, serves the backend of scout",
      yaml: `${MONITORING.replaceAll("prometheus", "nginx").replaceAll("monitoring", "ingress")}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress}}
                  podSelector: {matchLabels: {app: nginx}}
              ports: [{port: 8000}]
      `,
    },
    {
      name: "a null namespaceSelector is an unset one (own namespace), not every namespace",
      yaml: ["staging", "production"]
        .map((namespace) =>
          inNamespace(PODS + POLICIES, namespace).replaceAll(
            /\{podSelector: (\{matchLabels: \{app: (frontend|backend)\}\})\}/g,
            "{podSelector: $1, namespaceSelector: null}",
          ),
        )
        .join("\n        ---\n"),
    },
    {
      name: "two instances in one namespace whose policies name the instance: none across",
      yaml: `${instancePods("a")}        ---${instancePods("b")}        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        ${POLICIES.replaceAll(/\{app: (frontend|backend)\}/g, "{app: $1, app.kubernetes.io/instance: a}")}
        ${POLICIES.replaceAll(/\{app: (frontend|backend)\}/g, "{app: $1, app.kubernetes.io/instance: b}").replaceAll("{name: ", "{name: b-")}`,
    },
    {
      name: "no policy at all: the open flows are network/default-deny's one finding, not repeated here",
      yaml: PODS.replace(/\n\s*---[\s\S]*$/, "\n"),
    },
    {
      name: "workloads that are no Scout component are not judged",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: tool, labels: {app: tool}}
        spec: {containers: [{name: t}]}
      `,
    },
    {
      name: "the intended table can be replaced in the options",
      options: { flows: [{ from: "backend", to: "frontend", port: 3000 }] },
      yaml: `${PODS}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: open}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          ingress: [{from: [{podSelector: {matchLabels: {app: backend}}}], ports: [{port: 3000}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend-out}
        spec:
          podSelector: {matchLabels: {app: backend}}
          egress:
            - to: [{podSelector: {matchLabels: {app: frontend}}}]
              ports: [{port: http}]
            - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
              ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
      `,
    },
    {
      name: "a peer naming the frontend's StatefulSet pod by the pod-name label its controller sets admits the intended flow",
      yaml: STATEFUL.replace("FROM", "statefulset.kubernetes.io/pod-name: frontend-0").replace(
        "EXTRA",
        "app: none",
      ),
    },
  ],
  invalid: [
    {
      name: "the intended backend -> redis admitted only if namespace scout, which has no Namespace object, carries team=x: a warning on that label",
      yaml: namespaced(BACKEND_BY_TEAM),
      errors: [
        {
          messageId: "namespaceMayMissFlows",
          line: 18,
          column: 82,
          data: {
            ...namespaceDoubt,
            flows: "scout/backend -> scout/redis (backend -> redis) on TCP 6379",
          },
        },
      ],
    },
    {
      name: "frontend -> redis admitted if namespace scout carries team=x, which the input cannot tell: an extra flow we cannot rule out",
      yaml: namespaced(
        `${FRONTEND_BY_TEAM}\n                - {podSelector: {matchLabels: {app: backend}}}`,
      ),
      errors: [
        {
          messageId: "namespaceMayAdmitFlows",
          line: 18,
          column: 82,
          data: {
            ...namespaceDoubt,
            flows: "scout/frontend -> scout/redis (frontend -> redis) on TCP 6379",
          },
        },
      ],
    },
    {
      name: "with the Namespace object carrying team=x, frontend -> redis is sure: extra",
      yaml: namespaced(
        `${FRONTEND_BY_TEAM}\n                - {podSelector: {matchLabels: {app: backend}}}`,
        SCOUT_NAMESPACE("x"),
      ),
      errors: [{ messageId: "extraFlows", line: 17, column: 7 }],
    },
    {
      name: "the protocol changed in the rule that names the peer: the missing flow is on that line; a policyTypes that leaves out Egress is on policyTypes",
      yaml: `${PODS}${DNS_POLICY.replace("PORTS", "ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]")}        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from: [{podSelector: {matchLabels: {app: frontend}}}]
              ports:
                - {protocol: UDP, port: 8000}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          policyTypes: [Ingress]
          egress:
            - to: [{podSelector: {matchLabels: {app: backend}}}]
              ports:
                - {protocol: UDP, port: 8000}
      `,
      errors: [
        // {protocol: UDP, port: 8000}: its protocol.
        { messageId: "missingFlows", line: 36, column: 12 },
        // policyTypes: [Ingress]: the frontend's egress rule is ignored.
        { messageId: "missingFlows", line: 43, column: 3 },
      ],
    },
    {
      name: "a peer naming a StatefulSet's pod by the pod-name label its controller sets opens a flow",
      yaml: STATEFUL.replace("FROM", "app: frontend").replace(
        "EXTRA",
        "statefulset.kubernetes.io/pod-name: frontend-0",
      ),
      errors: [{ messageId: "extraFlows", line: 38, column: 7 }],
    },
    {
      name: "the intended flow admitted only by a peer on controller-revision-hash cannot be counted on: a warning on that label",
      yaml: STATEFUL.replace(
        "FROM",
        "app: frontend, controller-revision-hash: frontend-6d4f8c9b7",
      ).replace("EXTRA", "app: none"),
      errors: [
        {
          messageId: "mayMissFlows",
          line: 36,
          column: 58,
          data: {
            target: "NetworkPolicy default/backend",
            rule: "spec.ingress[0]",
            count: "a flow",
            instance: "instance default",
            key: "controller-revision-hash",
            reason:
              "the controller sets it to the name of the current revision, a new one at every rollout",
            flows: "default/frontend -> default/backend (frontend -> backend) on TCP 8000",
          },
        },
      ],
    },
    {
      name: "a peer on controller-revision-hash may admit a StatefulSet's pods: an extra flow we cannot rule out, on that label",
      yaml: STATEFUL.replace("FROM", "app: frontend").replace(
        "EXTRA",
        "app: frontend, controller-revision-hash: frontend-6d4f8c9b7",
      ),
      errors: [{ messageId: "mayAdmitFlows", line: 38, column: 58 }],
    },
    {
      name: "an egress rule to the cluster's DNS pods without ports, or with more than 53: nothing else is DNS",
      yaml: `${PODS}${POLICIES}${DNS_POLICY.replace("PORTS", "ports: [{port: 53, protocol: UDP}, {port: 53, endPort: 9153, protocol: TCP}]")}${DNS_POLICY.replace("name: dns", "name: dns-all").replace("PORTS", "")}`,
      errors: [
        {
          messageId: "dnsBeyond53",
          line: 44,
          column: 7,
          data: {
            policy: "default/dns",
            rule: "spec.egress[0]",
            dns: "kube-system/k8s-app=kube-dns",
            ports: "TCP 54-9153",
          },
        },
        {
          messageId: "dnsBeyond53",
          line: 53,
          column: 7,
          data: {
            policy: "default/dns-all",
            rule: "spec.egress[0]",
            dns: "kube-system/k8s-app=kube-dns",
            ports: "every port",
          },
        },
      ],
    },
    {
      name: "a namespace-wide DNS rule that misses the cluster's DNS is one finding on that rule, naming every client",
      yaml: `${PODS}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: redis, labels: {app: redis}}
        spec: {containers: [{name: redis, ports: [{name: redis, containerPort: 6379}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: dns}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
            - to: [{podSelector: {matchLabels: {k8s-app: kube-dns}}}]
              ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: flows}
        spec:
          podSelector: {}
          ingress:
            - from: [{podSelector: {matchLabels: {app: frontend}}}]
              ports: [{port: 8000}]
            - from: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 6379}]
          egress:
            - to: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 8000}]
            - to: [{podSelector: {matchLabels: {app: redis}}}]
              ports: [{port: 6379}]
      `,
      errors: [
        {
          messageId: "noDnsRule",
          line: 29,
          column: 7,
          data: {
            target: "NetworkPolicy default/dns",
            rule: "spec.egress[0]",
            sources: "default/frontend, default/backend",
            failure: UDP_LOST,
            destination: "cluster DNS (kube-system/k8s-app=kube-dns)",
            ports: "TCP 53, UDP 53",
            instance: "instance default",
            fix: "egress rule {to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{protocol: TCP, port: 53}, {protocol: UDP, port: 53}]}",
          },
        },
      ],
    },
    {
      name: "a namespace-wide DNS rule's port 53 changed to 54: one error on that port, naming every client that cannot resolve, where it was the port beyond 53 plus one warning per client",
      yaml: `${PODS}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: redis, labels: {app: redis}}
        spec: {containers: [{name: redis, ports: [{name: redis, containerPort: 6379}]}]}
${DNS_POLICY.replace("PORTS", "ports: [{port: 54, protocol: UDP}, {port: 53, protocol: TCP}]")}        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: flows}
        spec:
          podSelector: {}
          ingress:
            - from: [{podSelector: {matchLabels: {app: frontend}}}]
              ports: [{port: 8000}]
            - from: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 6379}]
          egress:
            - to: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 8000}]
            - to: [{podSelector: {matchLabels: {app: redis}}}]
              ports: [{port: 6379}]
      `,
      errors: [
        {
          messageId: "dnsRuleElsewhere",
          line: 32,
          column: 16,
          data: {
            target: "NetworkPolicy default/dns",
            rule: "spec.egress[0]",
            beyond: "UDP 54",
            sources: "default/frontend, default/backend",
            failure: UDP_LOST,
            destination: "cluster DNS (kube-system/k8s-app=kube-dns)",
            ports: "UDP 53",
            instance: "instance default",
            fix: "egress rule {to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{protocol: TCP, port: 53}, {protocol: UDP, port: 53}]}",
          },
        },
      ],
    },
    dnsRuleCase(
      "a namespace-wide DNS rule whose UDP 53 became TCP 53: one warning on that protocol, naming UDP 53 alone",
      "ports: [{port: 53, protocol: TCP}, {port: 53, protocol: TCP}]",
      { line: 32, column: 26 },
      "UDP 53",
    ),
    dnsRuleCase(
      "a namespace-wide DNS rule whose TCP 53 became UDP 53: one warning on that protocol, naming TCP 53 alone",
      "ports: [{port: 53, protocol: UDP}, {port: 53, protocol: UDP}]",
      { line: 32, column: 53 },
      "TCP 53",
    ),
    dnsRuleCase(
      "a namespace-wide DNS rule whose UDP entry lost its protocol (TCP by default): one warning on that entry, naming UDP 53 alone",
      "ports: [{port: 53}, {port: 53, protocol: TCP}]",
      { line: 32, column: 15 },
      "UDP 53",
    ),
    dnsRuleCase(
      "a namespace-wide DNS rule whose UDP entry was deleted: one warning on its ports, naming UDP 53 alone",
      "ports: [{port: 53, protocol: TCP}]",
      { line: 32, column: 7 },
      "UDP 53",
    ),
    {
      name: "the frontend's own DNS rule without TCP 53: one warning on its ports, naming TCP 53 alone",
      yaml: `${PODS}${POLICIES.replace("{port: 53, protocol: UDP}, {port: 53, protocol: TCP}", "{port: 53, protocol: UDP}")}`,
      errors: [
        {
          messageId: "noDns",
          line: 32,
          column: 7,
          data: {
            source: "default/frontend",
            destination: "cluster DNS (kube-system/k8s-app=kube-dns)",
            to: "backend",
            ports: "TCP 53",
            failure:
              "it cannot resolve a name whose answer does not fit a UDP packet (resolvers retry those over TCP), so some lookups will fail",
            target: "NetworkPolicy default/frontend",
            instance: "instance default",
            fix: "egress rule {to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{protocol: TCP, port: 53}, {protocol: UDP, port: 53}]}",
          },
        },
      ],
    },
    {
      name: "0.0.0.0/0 with an except added beside the backend's pod peer: one error on that cidr, naming the flow from outside",
      yaml: `${PODS}${POLICIES.replace(
        "ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]",
        "ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}, {ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]",
      )}`,
      errors: [
        {
          messageId: "extraFlows",
          line: 22,
          column: 79,
          data: {
            target: "NetworkPolicy default/backend",
            rule: "spec.ingress[0]",
            count: "a flow",
            instance: "instance default",
            flows: "external -> default/backend (external -> backend) on TCP 8000",
          },
        },
      ],
    },
    {
      name: "the backend's own policy refused for a quoted port number: the flows it was written for are blocked, one finding on that port",
      yaml: `${PODS}${POLICIES.replace("ports: [{port: 8000}]}]", 'ports: [{port: "8000"}]}]')}`,
      errors: [
        {
          messageId: "missingFlows",
          line: 22,
          column: 78,
          data: {
            target: "NetworkPolicy default/backend (refused by the API server)",
            count: "a flow",
            instance: "instance default",
            flows: "default/frontend -> default/backend (frontend -> backend) on TCP 8000",
          },
        },
      ],
    },
    {
      name: "a label renamed in the peer of the backend's ingress rule: the blocked flow is reported on that label",
      yaml: `${PODS}${POLICIES.replace("ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]", "ingress: [{from: [{podSelector: {matchLabels: {app: frontendx}}}]")}`,
      errors: [
        {
          messageId: "missingFlows",
          line: 22,
          column: 50,
          data: {
            target: "NetworkPolicy default/backend",
            count: "a flow",
            instance: "instance default",
            flows:
              "default/frontend -> default/backend (frontend -> backend) on TCP 8000: add this ingress rule {from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{protocol: TCP, port: 8000}]}",
          },
        },
      ],
    },
    {
      // The frontend's egress rule to the backend is there: the backend's address is its node's.
      name: "a backend on the node's network: the flows to it are blocked, one finding at hostNetwork and no rule to add",
      yaml: `${PODS.replace("spec: {containers: [{name: api,", "spec: {hostNetwork: true, containers: [{name: api,")}${POLICIES}`,
      errors: [
        {
          messageId: "missingOnHostNetwork",
          line: 9,
          column: 8,
          data: {
            target: "Pod default/backend (hostNetwork: true)",
            count: "a flow",
            instance: "instance default",
            flows: "default/frontend -> default/backend (frontend -> backend) on TCP 8000",
          },
        },
        // The frontend's DNS rule has no `to`: it reaches every address, the node's included.
        { messageId: "extraFlows", line: 32, column: 7 },
      ],
    },
    {
      name: "a shared Prometheus that the backend does not admit: the guide's flow is missing",
      yaml: MONITORING,
      errors: [
        {
          messageId: "missingFlows",
          line: 3,
          column: 1,
          data: {
            target:
              "a new NetworkPolicy for Pod scout/backend (only namespace-wide policies isolate it)",
            count: "a flow",
            instance: "instance scout",
            flows:
              "monitoring/prometheus -> scout/backend (prometheus -> backend) on TCP 8000: add this ingress rule {from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app: prometheus}}}], ports: [{protocol: TCP, port: 8000}]}",
          },
        },
      ],
    },
    {
      name: "a wide rule is one finding listing every flow it opens, ports as people say them",
      yaml: `${PODS}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: open-backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress: [{}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          egress:
            - to: [{podSelector: {matchLabels: {app: backend}}}]
            - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
      `,
      errors: [
        {
          messageId: "extraFlows",
          line: 22,
          column: 13,
          data: {
            target: "NetworkPolicy default/open-backend",
            rule: "spec.ingress[0]",
            count: "2 flows",
            instance: "instance default",
            flows:
              "default/frontend -> default/backend (frontend -> backend) on every port but TCP 8000; external -> default/backend (external -> backend) on every port",
          },
        },
      ],
    },
    {
      name: "the extra ports are reported on the rule that opens them, not on a narrow rule that admits the same pair",
      yaml: `${PODS}${POLICIES}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: open-backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress: [{from: [{podSelector: {}}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend-out}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          policyTypes: [Egress]
          egress: [{to: [{podSelector: {matchLabels: {app: backend}}}]}]
      `,
      errors: [
        {
          messageId: "extraFlows",
          line: 40,
          column: 13,
          data: {
            target: "NetworkPolicy default/open-backend",
            rule: "spec.ingress[0]",
            count: "a flow",
            instance: "instance default",
            flows:
              "default/frontend -> default/backend (frontend -> backend) on every port but TCP 8000",
          },
        },
      ],
    },
    {
      name: "two instances in one namespace whose policies select by component only: the flows across are extra",
      yaml: `${instancePods("a")}        ---${instancePods("b")}        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        ${POLICIES}`,
      errors: [
        {
          // One rule admits both: one finding on it, listing the flows.
          messageId: "extraFlows",
          line: 32,
          column: 13,
          data: {
            target: "NetworkPolicy default/backend",
            rule: "spec.ingress[0]",
            count: "2 flows",
            instance:
              "between instances default/a and default/b; between instances default/b and default/a",
            flows:
              "default/frontend-a -> default/backend-b (frontend -> backend) on TCP 8000; default/frontend-b -> default/backend-a (frontend -> backend) on TCP 8000",
          },
        },
      ],
    },
    {
      name: "two missing flows and an extra one on one policy: each flow is reported, the missing ones in one finding on the field to change",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: backend, labels: {app: backend}}
        spec: {containers: [{name: api, ports: [{containerPort: 8000}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: nginx, labels: {app: nginx}}
        spec: {containers: [{name: web, ports: [{containerPort: 80}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: prometheus, labels: {app: prometheus}}
        spec: {containers: [{name: prom, ports: [{containerPort: 9090}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          policyTypes: [Ingress]
          ingress: [{from: [{podSelector: {matchLabels: {app: nginx}}}], ports: [{port: 9000}]}]
      `,
      errors: [
        {
          messageId: "missingFlows",
          line: 22,
          column: 3,
          data: {
            target: "NetworkPolicy default/backend",
            count: "2 flows",
            instance: "instance default",
            flows:
              "default/nginx -> default/backend (nginx -> backend) on TCP 8000: add this ingress rule {from: [{podSelector: {matchLabels: {app: nginx}}}], ports: [{protocol: TCP, port: 8000}]}; default/prometheus -> default/backend (prometheus -> backend) on TCP 8000: add this ingress rule {from: [{podSelector: {matchLabels: {app: prometheus}}}], ports: [{protocol: TCP, port: 8000}]}",
          },
        },
        {
          messageId: "extraFlows",
          line: 22,
          column: 13,
          data: {
            target: "NetworkPolicy default/backend",
            rule: "spec.ingress[0]",
            count: "a flow",
            instance: "instance default",
            flows: "default/nginx -> default/backend (nginx -> backend) on TCP 9000",
          },
        },
      ],
    },
    {
      name: "a missing flow that both its sides block is reported on each, with the rule each side needs",
      yaml: `${PODS}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          policyTypes: [Ingress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          egress: [{ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}]
      `,
      errors: [
        {
          messageId: "missingFlows",
          line: 20,
          column: 1,
          data: {
            target: "NetworkPolicy default/backend",
            count: "a flow",
            instance: "instance default",
            flows:
              "default/frontend -> default/backend (frontend -> backend) on TCP 8000: add this ingress rule {from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{protocol: TCP, port: 8000}]}",
          },
        },
        {
          messageId: "missingFlows",
          line: 29,
          column: 3,
          data: {
            target: "NetworkPolicy default/frontend",
            count: "a flow",
            instance: "instance default",
            flows:
              "default/frontend -> default/backend (frontend -> backend) on TCP 8000: add this egress rule {to: [{podSelector: {matchLabels: {app: backend}}}], ports: [{protocol: TCP, port: 8000}]}",
          },
        },
      ],
    },
    {
      name: "an extra flow is reported on the ingress rule that admits it; the missing one on the policy that blocks it",
      yaml: `${PODS}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          ingress:
            - from: [{podSelector: {matchLabels: {app: backend}}}]
          egress:
            - to: [{podSelector: {matchLabels: {app: backend}}}]
              ports: [{port: 8000}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend}
        spec:
          podSelector: {matchLabels: {app: backend}}
          policyTypes: [Egress]
          egress: [{to: [{podSelector: {matchLabels: {app: frontend}}}]}]
      `,
      errors: [
        {
          messageId: "extraFlows",
          line: 23,
          column: 7,
          data: {
            target: "NetworkPolicy default/frontend",
            rule: "spec.ingress[0]",
            count: "a flow",
            instance: "instance default",
            flows: "default/backend -> default/frontend (backend -> frontend) on every port",
          },
        },
        {
          // The frontend connects to the backend by name and may send nothing but 8000/TCP.
          messageId: "noDns",
          line: 24,
          column: 3,
          data: {
            source: "default/frontend",
            to: "backend",
            destination: "cluster DNS (kube-system/k8s-app=kube-dns)",
            ports: "TCP 53, UDP 53",
            failure: "its connections will fail",
            instance: "instance default",
            target: "NetworkPolicy default/frontend",
            fix: "egress rule {to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{protocol: TCP, port: 53}, {protocol: UDP, port: 53}]}",
          },
        },
        {
          // Not on the default deny: on the policy written for the backend, with the rule to add.
          messageId: "missingFlows",
          line: 33,
          column: 3,
          data: {
            target: "NetworkPolicy default/backend",
            count: "a flow",
            instance: "instance default",
            flows:
              "default/frontend -> default/backend (frontend -> backend) on TCP 8000: add this ingress rule {from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{protocol: TCP, port: 8000}]} and Ingress in its policyTypes",
          },
        },
      ],
    },
  ],
});

// policy.settings.network: the intended table set once for every network rule.
new RuleTester({ describe, it, settings: guideSettingsSchema }).run(allowedFlows, {
  valid: [
    {
      name: "the intended table replaced in policy.settings.network",
      settings: { network: { flows: [{ from: "backend", to: "frontend", port: 3000 }] } },
      yaml: `${PODS}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: open}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          ingress: [{from: [{podSelector: {matchLabels: {app: backend}}}], ports: [{port: 3000}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend-out}
        spec:
          podSelector: {matchLabels: {app: backend}}
          egress:
            - to: [{podSelector: {matchLabels: {app: frontend}}}]
              ports: [{port: http}]
            - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
              ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
      `,
    },
  ],
  invalid: [
    {
      name: "a table in policy.settings.network without frontend -> backend: the policy admitting it is extra",
      settings: { network: { flows: [{ from: "nginx", to: "backend", port: 8000 }] } },
      yaml: `${PODS}${POLICIES}`,
      errors: [{ messageId: "extraFlows", line: 22, column: 13 }],
    },
  ],
});
