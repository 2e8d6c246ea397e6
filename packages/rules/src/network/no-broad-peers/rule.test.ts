import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { noBroadPeers } from "./rule.js";

new RuleTester({ describe, it }).run(noBroadPeers, {
  valid: [
    {
      name: "named peers, own namespace by name, DNS to any destination",
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
            - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
            - to: [{ipBlock: {cidr: 10.20.0.0/16}}]
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
          ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 80}]}]
      `,
      errors: [{ messageId: "anyAddress", line: 11, column: 32 }],
    },
  ],
});
