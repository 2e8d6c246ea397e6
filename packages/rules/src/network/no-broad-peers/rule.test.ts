import { buildBundle, evaluate, parsePolicy, parseSource } from "@scout-deploy/core";
import { RuleTester } from "@scout-deploy/core/testing";
import { GUIDE_FLOWS } from "@scout-deploy/netpol";
import { describe, expect, it } from "vitest";
import { guideSettingsSchema } from "../../settings.js";
import { allowedFlows } from "../allowed-flows/rule.js";
import { noBroadPeers } from "./rule.js";

const refusedAt = { direction: "ingress", index: 0, policy: "scout/backend" };

/** Scout's redis and backend in namespace scout, which has no Namespace object here. */
const scoutPods = `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: redis, namespace: scout}
        spec:
          selector: {matchLabels: {app.kubernetes.io/component: redis}}
          template:
            metadata: {labels: {app.kubernetes.io/name: scout, app.kubernetes.io/component: redis}}
            spec: {containers: [{name: redis, image: redis:7, ports: [{containerPort: 6379}]}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          selector: {matchLabels: {app.kubernetes.io/component: backend}}
          template:
            metadata: {labels: {app.kubernetes.io/name: scout, app.kubernetes.io/component: backend}}
            spec: {containers: [{name: backend, image: backend:1, ports: [{containerPort: 8000}]}]}
        ---`;

/** A policy of namespace scout for one component, admitting `peer` on `port` (its peers on line 25). */
const policyFor = (component: string, peer: string, port: number) => `${scoutPods}
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: ${component}, namespace: scout}
        spec:
          podSelector: {matchLabels: {app.kubernetes.io/component: ${component}}}
          ingress:
            - from: [${peer}]
              ports: [{port: ${port}}]
      `;
const unseenAt = { direction: "ingress", index: 0, policy: "scout/redis", components: "redis" };

/** nginx's pod and a policy that admits every address to it on `port`; the cidr is line 11, column 32. */
function nginxFromAnywhere(port: number): string {
  return `
        apiVersion: v1
        kind: Pod
        metadata: {name: nginx, labels: {app: nginx}}
        spec: {containers: [{name: nginx}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: nginx}
        spec:
          podSelector: {matchLabels: {app: nginx}}
          ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: ${port}}]}]
      `;
}

new RuleTester({ describe, it }).run(noBroadPeers, {
  valid: [
    {
      name: "the guide's Prometheus -> backend on 8000 from namespace monitoring, named by kubernetes.io/metadata.name",
      yaml: policyFor(
        "backend",
        "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}",
        8000,
      ),
    },
    {
      name: "DNS to kube-system by name on 53 only, even to pods the DNS options do not name: allowed-flows' noDns, not a broad peer",
      yaml: `${scoutPods}
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: dns, namespace: scout}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
            - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns, team: platform}}}]
              ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
      `,
    },
    {
      name: "the same Prometheus written as matchExpressions In [monitoring] and In [prometheus]",
      yaml: policyFor(
        "backend",
        "{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [monitoring]}]}, podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [prometheus]}]}}",
        8000,
      ),
    },
    {
      name: "a namespace the input holds, named: its pods are the input's (the flows are allowed-flows')",
      yaml: policyFor(
        "redis",
        "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout}}, podSelector: {matchLabels: {app.kubernetes.io/component: backend}}}",
        6379,
      ),
    },
    {
      name: "a namespace label no namespace can carry with its name (contradiction), and a policy that selects no Scout component",
      yaml: `${policyFor(
        "redis",
        "{namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [x]}, {key: team, operator: DoesNotExist}]}, podSelector: {matchLabels: {app.kubernetes.io/component: backend}}}",
        6379,
      )}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: other-app, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: other}}
          ingress: [{from: [{namespaceSelector: {matchLabels: {team: x}}, podSelector: {matchLabels: {app: client}}}]}]
      `,
    },
    {
      name: "a broad rule of a direction the policy does not apply to (policyTypes) admits nothing: the cluster ignores it",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          policyTypes: [Ingress]
          ingress:
            - from: [{podSelector: {matchLabels: {app: frontend}}}]
          egress:
            - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
            - {}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: redis}}
          policyTypes: [Egress]
          ingress:
            - from: [{namespaceSelector: {}}]
      `,
    },
    {
      name: "a cidr with host bits on Kubernetes 1.35, which creates the policy and reads it as 10.20.0.0/16",
      kubernetesVersion: "1.35",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from: [{ipBlock: {cidr: 10.20.0.1/16}}]
      `,
    },
    {
      name: "named peers, own namespace by name, DNS to the cluster's DNS pods",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from:
                - podSelector: {matchLabels: {app: frontend}}
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout}}
          egress:
            - to:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
                  podSelector: {matchLabels: {k8s-app: kube-dns}}
              ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
            - to: [{ipBlock: {cidr: 10.20.0.0/16}}]
      `,
    },
    {
      name: "a null namespaceSelector is an unset one: the pods of the policy's own namespace",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from: [{podSelector: {matchLabels: {app: frontend}}, namespaceSelector: null}]
      `,
    },
    {
      name: "DNS to node-local DNS by a configured CIDR, and to CoreDNS of another namespace and label",
      options: {
        dns: {
          namespaces: ["dns"],
          podLabels: { "app.kubernetes.io/name": "coredns" },
          nodeLocalCidrs: ["169.254.20.10/32"],
        },
      },
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: all, namespace: scout}
        spec:
          podSelector: {}
          egress:
            - to:
                - ipBlock: {cidr: 169.254.20.10/32}
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: dns}}
                  podSelector: {matchLabels: {app.kubernetes.io/name: coredns}}
              ports: [{port: 53, protocol: UDP}]
      `,
    },
    {
      name: "ipBlocks that leave out part of the public internet are not broad",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          egress:
            - to: [{ipBlock: {cidr: 0.0.0.0/1}}, {ipBlock: {cidr: 128.0.0.0/2}}]
            - to: [{ipBlock: {cidr: "2000::/4"}}]
      `,
    },
    {
      name: "the external access to nginx may come from anywhere on port 80",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: nginx}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: nginx}}
            spec: {containers: [{name: nginx, ports: [{name: http, containerPort: 80}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: nginx}
        spec:
          podSelector: {matchLabels: {app.kubernetes.io/component: nginx}}
          ingress:
            - from: [{ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: "::/0"}}]
              ports: [{port: http}]
      `,
    },
  ],
  invalid: [
    {
      name: "pods of Prometheus or the frontend (In with two values) from namespace monitoring into the backend: not only the shared client",
      yaml: policyFor(
        "backend",
        "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [prometheus, frontend]}]}}",
        8000,
      ),
      errors: [{ messageId: "unseenNamespaces", line: 25, column: 49 }],
    },
    {
      name: "backend pods of any namespace labelled team=x into redis: namespaces the input does not describe (the lead's attack)",
      yaml: policyFor(
        "redis",
        "{namespaceSelector: {matchLabels: {team: x}}, podSelector: {matchLabels: {app.kubernetes.io/component: backend}}}",
        6379,
      ),
      errors: [
        {
          messageId: "unseenNamespaces",
          line: 25,
          column: 49,
          data: {
            ...unseenAt,
            pods: "pods labelled app.kubernetes.io/component=backend",
            namespaces: "any namespace labelled team=x",
          },
        },
      ],
    },
    {
      name: "backend pods of namespace other, which the input lacks, into redis: selected by name, still pods no check can see",
      yaml: policyFor(
        "redis",
        "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}, podSelector: {matchLabels: {app.kubernetes.io/component: backend}}}",
        6379,
      ),
      errors: [
        {
          messageId: "unseenNamespaces",
          line: 25,
          column: 49,
          data: {
            ...unseenAt,
            pods: "pods labelled app.kubernetes.io/component=backend",
            namespaces: "namespace other",
          },
        },
      ],
    },
    {
      name: "Exists on a namespace label, and an In list naming one namespace the input holds and one it lacks",
      yaml: `${policyFor(
        "redis",
        "{namespaceSelector: {matchExpressions: [{key: purpose, operator: Exists}]}, podSelector: {matchLabels: {app.kubernetes.io/name: scout}}}",
        6379,
      )}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app.kubernetes.io/component: backend}}
          ingress:
            - from:
                - namespaceSelector:
                    matchExpressions:
                      - {key: kubernetes.io/metadata.name, operator: In, values: [scout, staging]}
                  podSelector: {matchLabels: {app.kubernetes.io/component: frontend}}
              ports: [{port: 8000}]
      `,
      errors: [
        {
          messageId: "unseenNamespaces",
          line: 25,
          column: 54,
          data: {
            ...unseenAt,
            pods: "pods labelled app.kubernetes.io/name=scout",
            namespaces: "any namespace labelled purpose Exists",
          },
        },
        {
          messageId: "unseenNamespaces",
          line: 38,
          column: 17,
          data: {
            ...unseenAt,
            policy: "scout/backend",
            components: "backend",
            pods: "pods labelled app.kubernetes.io/component=frontend",
            namespaces: "namespace staging",
          },
        },
      ],
    },
    {
      name: "Prometheus into the backend from a namespace selected by a label: anyone who can label a namespace is let in",
      yaml: policyFor(
        "backend",
        "{namespaceSelector: {matchLabels: {purpose: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}",
        8000,
      ),
      errors: [
        {
          messageId: "unseenNamespaces",
          line: 25,
          column: 49,
          data: {
            ...unseenAt,
            policy: "scout/backend",
            components: "backend",
            pods: "pods labelled app.kubernetes.io/name=prometheus",
            namespaces: "any namespace labelled purpose=monitoring",
          },
        },
      ],
    },
    {
      name: "Prometheus of namespace monitoring into the backend beyond the scrape port",
      yaml: policyFor(
        "backend",
        "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}",
        9000,
      ),
      errors: [
        {
          messageId: "unseenNamespaces",
          line: 25,
          column: 49,
          data: {
            ...unseenAt,
            policy: "scout/backend",
            components: "backend",
            pods: "pods labelled app.kubernetes.io/name=prometheus",
            namespaces: "namespace monitoring",
          },
        },
      ],
    },
    {
      name: "the same broad rule once its direction is in policyTypes (here defaulted: Ingress, and Egress since egress rules are given)",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from: [{podSelector: {matchLabels: {app: frontend}}}]
          egress:
            - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
      `,
      errors: [{ messageId: "anyAddress", line: 9, column: 23 }],
    },
    {
      name: "a peer selector the API server refuses: an operator it does not know, Exists with values",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from:
                - podSelector: {matchExpressions: [{key: app, operator: in, values: [frontend]}]}
                - namespaceSelector: {matchExpressions: [{key: team, operator: Exists, values: [a]}]}
      `,
      errors: [
        {
          messageId: "refusedPeer",
          line: 8,
          column: 44,
          data: {
            ...refusedAt,
            reason: '"in" is no selector operator (In, NotIn, Exists, DoesNotExist)',
          },
        },
        {
          messageId: "refusedPeer",
          line: 9,
          column: 50,
          data: {
            ...refusedAt,
            reason: "a matchExpressions entry with operator Exists may not have values",
          },
        },
      ],
    },
    {
      name: "peers the API server refuses: ipBlock beside a selector, a bad cidr, an except outside or equal to the cidr, an empty peer",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from:
                - {podSelector: {matchLabels: {app: frontend}}, ipBlock: {cidr: 0.0.0.0/0}}
                - ipBlock: {cidr: 10.0.0.0/33}
                - ipBlock: {cidr: 0.0.0.0/0, except: [0.0.0.0/0, 10.0.0.0/8, 2001:db8::/32]}
                - {}
      `,
      errors: [
        {
          messageId: "refusedPeer",
          line: 8,
          column: 57,
          data: {
            direction: "ingress",
            index: 0,
            policy: "scout/backend",
            reason: "a peer sets an ipBlock beside a selector",
          },
        },
        {
          messageId: "refusedPeer",
          line: 9,
          column: 11,
          data: { ...refusedAt, reason: "the ipBlock's cidr 10.0.0.0/33 is no CIDR" },
        },
        {
          messageId: "refusedPeer",
          line: 10,
          column: 47,
          data: {
            ...refusedAt,
            reason: "the except entry 0.0.0.0/0 is not a strict subset of the cidr 0.0.0.0/0",
          },
        },
        {
          messageId: "refusedPeer",
          line: 10,
          column: 70,
          data: {
            ...refusedAt,
            reason: "the except entry 2001:db8::/32 is not a strict subset of the cidr 0.0.0.0/0",
          },
        },
        {
          messageId: "refusedPeer",
          line: 11,
          column: 11,
          data: {
            ...refusedAt,
            reason: "a peer names no podSelector, namespaceSelector or ipBlock",
          },
        },
      ],
    },
    {
      name: "peers refused since Kubernetes 1.36 or by label syntax: a cidr with host bits, a selector value that is no label",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from:
                - ipBlock: {cidr: 10.0.0.1/8}
                - podSelector: {matchLabels: {app: front end}}
      `,
      errors: [
        {
          messageId: "refusedPeer",
          line: 8,
          column: 11,
          data: {
            ...refusedAt,
            reason:
              "the ipBlock's cidr 10.0.0.1/8 has bits set beyond the prefix length, which Kubernetes 1.36 and later refuse (write 10.0.0.0/8)",
          },
        },
        {
          messageId: "refusedPeer",
          line: 9,
          column: 39,
          data: {
            ...refusedAt,
            reason:
              "the value of label \"app\" is not letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
          },
        },
      ],
    },
    {
      name: "the same cidr with host bits on Kubernetes 1.36: the policy is refused",
      kubernetesVersion: "1.36",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          ingress:
            - from: [{ipBlock: {cidr: 10.20.0.1/16}}]
      `,
      errors: [
        {
          messageId: "refusedPeer",
          line: 7,
          column: 15,
          data: {
            ...refusedAt,
            reason:
              "the ipBlock's cidr 10.20.0.1/16 has bits set beyond the prefix length, which Kubernetes 1.36 and later refuse (write 10.20.0.0/16)",
          },
        },
      ],
    },
    {
      name: "DNS to every destination, to every pod of kube-system, to the internet: not the cluster's DNS",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          egress:
            - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
            - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
              ports: [{port: 53, protocol: UDP}]
            - to: [{ipBlock: {cidr: 8.8.8.8/32}}]
              ports: [{port: 53, protocol: UDP}]
      `,
      errors: [
        { messageId: "anyPeer", line: 7, column: 7 },
        { messageId: "allPodsOfNamespace", line: 8, column: 13 },
        {
          messageId: "dnsOutside",
          line: 10,
          column: 23,
          data: {
            index: 2,
            policy: "scout/backend",
            cidr: "8.8.8.8/32",
            dns: "kube-system/k8s-app=kube-dns",
          },
        },
      ],
    },
    {
      name: "two halves of IPv4, or everything but the private ranges, are every public address",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          egress:
            - to: [{ipBlock: {cidr: 0.0.0.0/1}}, {ipBlock: {cidr: 128.0.0.0/1}}]
              ports: [{port: 443}]
          ingress:
            - from:
                - ipBlock: {cidr: 1.0.0.0/8}
                - ipBlock: {cidr: 2.0.0.0/7}
                - ipBlock: {cidr: 4.0.0.0/6}
                - ipBlock: {cidr: 8.0.0.0/5, except: [10.0.0.0/8]}
                - ipBlock: {cidr: 16.0.0.0/4}
                - ipBlock: {cidr: 32.0.0.0/3}
                - ipBlock: {cidr: 64.0.0.0/2, except: [100.64.0.0/10, 127.0.0.0/8]}
                - ipBlock: {cidr: 128.0.0.0/1, except: [169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16]}
      `,
      errors: [
        {
          messageId: "publicAddresses",
          line: 7,
          column: 7,
          data: {
            direction: "egress",
            index: 0,
            policy: "scout/backend",
            family: "IPv4",
            cidr: "0.0.0.0/1, 128.0.0.0/1",
          },
        },
        { messageId: "publicAddresses", line: 10, column: 7 },
      ],
    },
    {
      name: "IPv6 split across two rules still covers the public internet",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          egress:
            - to: [{ipBlock: {cidr: "2000::/4"}}]
            - to: [{ipBlock: {cidr: "3000::/4"}}]
      `,
      errors: [
        {
          messageId: "publicAddressesAcross",
          line: 6,
          column: 3,
          data: {
            direction: "egress",
            policy: "scout/backend",
            family: "IPv6",
            cidr: "2000::/4, 3000::/4",
          },
        },
      ],
    },
    {
      name: "namespaceSelectors that a new namespace matches: Exists on its name label, NotIn a few names, DoesNotExist",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: redis}}
          ingress:
            - from:
                - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: Exists}]}
                  podSelector: {matchLabels: {app: backend}}
                - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}
                  podSelector: {matchLabels: {app: backend}}
                - namespaceSelector: {matchExpressions: [{key: team, operator: DoesNotExist}]}
                  podSelector: {matchLabels: {app: backend}}
                - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [scout, web]}]}
                  podSelector: {matchLabels: {app: backend}}
              ports: [{port: 6379}]
      `,
      errors: [
        {
          messageId: "anyNewNamespace",
          line: 8,
          column: 11,
          data: { direction: "ingress", index: 0, policy: "scout/redis" },
        },
        { messageId: "anyNewNamespace", line: 10, column: 11 },
        { messageId: "anyNewNamespace", line: 12, column: 11 },
      ],
    },
    {
      name: "a podSelector that an unlabelled pod matches picks every pod of the namespace",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: redis}}
          ingress:
            - from:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: web}}
                  podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [crawler]}]}
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: web}}
                  podSelector: {matchExpressions: [{key: app, operator: In, values: [backend]}]}
              ports: [{port: 6379}]
      `,
      errors: [{ messageId: "allPodsOfNamespace", line: 8, column: 11 }],
    },
    {
      name: "all namespaces, all pods of another namespace, every address, no peers at all",
      yaml: `
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: redis}}
          ingress:
            - from:
                - namespaceSelector: {}
                  podSelector: {matchLabels: {app: backend}}
                - namespaceSelector: {matchLabels: {team: data}}
            - ports: [{port: 6379}]
          egress:
            - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
      `,
      errors: [
        { messageId: "allNamespaces", line: 8, column: 11 },
        { messageId: "allPodsOfNamespace", line: 10, column: 11 },
        {
          messageId: "anyPeer",
          line: 11,
          column: 7,
          data: {
            direction: "ingress",
            index: 1,
            policy: "scout/redis",
            peerKey: "from",
            cidr: "",
          },
        },
        {
          messageId: "anyAddress",
          line: 13,
          column: 23,
          data: {
            direction: "egress",
            index: 0,
            policy: "scout/redis",
            peerKey: "to",
            cidr: "0.0.0.0/0",
          },
        },
      ],
    },
    {
      name: "with external access off, nginx's 0.0.0.0/0 is broad too; so is it on another port",
      options: { externalAccess: false },
      yaml: nginxFromAnywhere(80),
      errors: [{ messageId: "anyAddress", line: 11, column: 32 }],
    },
    {
      name: "nginx's external access with a port beside the external one: that port's line, which allowed-flows also reports",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: nginx, labels: {app: nginx}}
        spec: {containers: [{name: nginx}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: nginx}
        spec:
          podSelector: {matchLabels: {app: nginx}}
          ingress:
            - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
              ports: [{port: 80}, {port: 443}]
            - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
      `,
      errors: [
        {
          messageId: "beyondExternalPort",
          line: 13,
          column: 28,
          data: { index: 0, policy: "default/nginx", ports: "TCP 443", externalPort: "80" },
        },
        {
          messageId: "beyondExternalPort",
          line: 14,
          column: 7,
          data: {
            index: 1,
            policy: "default/nginx",
            ports: "every port but TCP 80",
            externalPort: "80",
          },
        },
      ],
    },
  ],
});

describe("network/no-broad-peers reads the intended table of network/allowed-flows' flows option", () => {
  // Prometheus of namespace monitoring (which the input lacks) scrapes redis' exporter on 9121.
  const exporter = policyFor(
    "redis",
    "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}",
    9121,
  );
  const findings = (rules: Record<string, unknown>) =>
    evaluate(
      [noBroadPeers, allowedFlows],
      buildBundle([parseSource("scout.yaml", exporter.replace(/^\n/, "").replace(/^ {8}/gm, ""))]),
      parsePolicy({ rules }),
    )
      .findings.filter((f) => f.ruleId === "network/no-broad-peers")
      .map((f) => `${f.line}:${f.column} ${f.message}`);
  const withExporter = [
    ...GUIDE_FLOWS,
    { from: "prometheus", to: "redis", port: 9121, protocol: "TCP" },
  ];

  it("the guide's table has no Prometheus -> redis: the unseen namespace's pods are reported", () => {
    expect(findings({})).toEqual([
      expect.stringMatching(
        /^25:49 .* admits pods labelled app.kubernetes.io\/name=prometheus of namespace monitoring into redis:/,
      ),
    ]);
  });

  it("a table with Prometheus -> redis on 9121 makes it the shared client's intended flow, even with allowed-flows off", () => {
    expect(findings({ "network/allowed-flows": { options: { flows: withExporter } } })).toEqual([]);
    expect(
      findings({
        "network/allowed-flows": { severity: "off", options: { flows: withExporter } },
      }),
    ).toEqual([]);
  });

  it("the table set once in policy.settings.network serves both rules", () => {
    const inSettings = (network: Record<string, unknown>) =>
      evaluate(
        [noBroadPeers, allowedFlows],
        buildBundle([
          parseSource("scout.yaml", exporter.replace(/^\n/, "").replace(/^ {8}/gm, "")),
        ]),
        parsePolicy({ settings: { network } }, undefined, {
          packs: [{ name: "guide", settings: guideSettingsSchema }],
        }),
      ).findings.filter((f) => f.ruleId === "network/no-broad-peers");
    expect(inSettings({ flows: withExporter })).toEqual([]);
    expect(inSettings({})).toHaveLength(1);
  });

  it("a table where something reaches Prometheus makes it no shared client: its flows are reported again", () => {
    const flows = [...withExporter, { from: "backend", to: "prometheus", port: 9091 }];
    expect(findings({ "network/allowed-flows": { options: { flows } } })).toHaveLength(1);
  });
});

new RuleTester({ describe, it, settings: guideSettingsSchema }).run(noBroadPeers, {
  valid: [
    {
      name: "nginx's external port 443 set in policy.settings.network: 0.0.0.0/0 on 443 is its external access",
      settings: { network: { externalPort: 443 } },
      yaml: nginxFromAnywhere(443),
    },
  ],
  invalid: [
    {
      name: "external access off in policy.settings.network: nginx's 0.0.0.0/0 is broad, as with the deprecated option",
      settings: { network: { externalAccess: false } },
      yaml: nginxFromAnywhere(80),
      errors: [{ messageId: "anyAddress", line: 11, column: 32 }],
    },
    {
      name: "nginx's external port moved to 443 in policy.settings.network: 0.0.0.0/0 on 80 is a port beside it",
      settings: { network: { externalPort: 443 } },
      yaml: nginxFromAnywhere(80),
      errors: [{ messageId: "anyAddress", line: 11, column: 32 }],
    },
  ],
});
