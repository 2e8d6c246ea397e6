import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { unmodeledPolicies } from "./rule.js";

const FINAL =
  "an Allow of an AdminNetworkPolicy is final: it is decided before any NetworkPolicy is looked at";
const ADDED = "the CNI adds what it allows to what the NetworkPolicies allow";

const redis = `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: redis}}
            spec:
              containers: [{name: redis, image: redis:7.2.5}]
`;

new RuleTester({ describe, it }).run(unmodeledPolicies, {
  valid: [
    {
      name: "policies that only deny or pass, a baseline policy, and a Cilium policy of denies",
      yaml: `${redis}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: guard}
        spec:
          priority: 5
          subject: {namespaces: {}}
          ingress:
            - {name: pass, action: Pass, from: [{namespaces: {}}]}
            - {name: deny, action: Deny, from: [{namespaces: {matchLabels: {tenant: other}}}]}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec:
          subject: {namespaces: {}}
          ingress: [{name: allow, action: Allow, from: [{namespaces: {}}]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: deny-world, namespace: scout}
        spec:
          endpointSelector: {}
          ingressDeny: [{fromEntities: [world]}]
      `,
    },
    {
      name: "no workload in the input: nothing to reach",
      yaml: `
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: open, namespace: scout}
        spec:
          endpointSelector: {}
          ingress: [{fromEntities: [world]}]
      `,
    },
  ],
  invalid: [
    {
      name: "an AdminNetworkPolicy's Allow, a Cilium ingress rule, a Calico GlobalNetworkPolicy's Allow",
      yaml: `${redis}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: open-redis}
        spec:
          priority: 10
          subject:
            pods:
              namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout}}
              podSelector: {matchLabels: {app.kubernetes.io/component: redis}}
          ingress:
            - {name: deny, action: Deny, from: [{namespaces: {matchLabels: {tenant: x}}}]}
            - {name: all, action: Allow, from: [{namespaces: {}}]}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: world-to-redis, namespace: scout}
        spec:
          endpointSelector: {matchLabels: {app.kubernetes.io/component: redis}}
          ingress:
            - fromEntities: [world]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: GlobalNetworkPolicy
        metadata: {name: egress-anywhere}
        spec:
          order: 1
          selector: all()
          egress:
            - action: Allow
      `,
      errors: [
        {
          messageId: "allows",
          line: 22,
          column: 19,
          data: {
            kind: "AdminNetworkPolicy",
            name: "open-redis",
            rule: "ingress rule 1",
            why: FINAL,
          },
        },
        {
          messageId: "allows",
          line: 29,
          column: 3,
          data: {
            kind: "CiliumNetworkPolicy",
            name: "world-to-redis",
            rule: "its ingress rules",
            why: ADDED,
          },
        },
        {
          messageId: "allows",
          line: 39,
          column: 7,
          data: {
            kind: "GlobalNetworkPolicy",
            name: "egress-anywhere",
            rule: "egress rule 0",
            why: ADDED,
          },
        },
      ],
    },
  ],
});
